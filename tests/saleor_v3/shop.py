"""Saleor 3.23 for the tests: real objects (staff, customers, apps, orders ready to
ship) and Saleor's own API in 3.23's shapes. tests/saleor_v2/shop.py offers the same
names for Saleor 2.10, so every test runs unchanged on both lines; what reads the same on
both is in tests/saleor_common.py."""
import itertools
from decimal import Decimal

import django.test
from django.conf import settings
from django.contrib.sites.models import Site
from django.db import connections
from django.utils import timezone
from prices import Money, TaxedMoney
from saleor.account.models import CustomerType, Group, User
from saleor.app.models import App
from saleor.channel.models import Channel
from saleor.core.jwt import create_access_token
from saleor.order import OrderAuthorizeStatus, OrderChargeStatus, OrderOrigin, OrderStatus
from saleor.order.models import Order, OrderLine
from saleor.payment.gateways import dummy_credit_card
from saleor.payment.gateways.dummy_credit_card.plugin import DeprecatedDummyCreditCardGatewayPlugin
from saleor.plugins.models import PluginConfiguration
from saleor.product import ProductTypeKind
from saleor.product.models import (
    Category, Product, ProductChannelListing, ProductType, ProductVariant,
    ProductVariantChannelListing,
)
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingMethodChannelListing, ShippingZone
from saleor.site.models import SiteSettings
from saleor.tax.models import TaxConfiguration
from saleor.tests.utils import FakeDbReplicaConnection, prepare_test_db_connections
from saleor.warehouse.models import Allocation, Stock

from tests.saleor_common import (  # noqa: F401 - part of this module's API
    CURRENCY, GUEST_ORDER, NOT_SHIPPED, SHIPPED, address, auth_header, cancel_order,
    change_total, complete_draft, configure_plugin, delete_draft_order, delete_private_metadata,
    fulfill_variables, fulfillment_count, history_notes, line_and_warehouse, manage_orders_permission,
    manage_users_permission, order_fields, order_fulfill_document, order_id, order_number,
    payment, place_order, reload, status_of, superuser, unknown_order_id,
    update_private_metadata, variant_id, warehouse,
)

_serial = itertools.count(1)


# Saleor 3 reads through a "replica" alias. Saleor's own conftest makes that alias
# share the writer's connection (so reads see the test's uncommitted rows) and lets
# every test use both aliases; the tests import this module on Saleor 3, so it does
# the same here. (That covers this thread; tests/saleor_v3/settings.py points other
# threads' replica connections at the test database.)
django.test.TransactionTestCase.databases = {
    settings.DATABASE_CONNECTION_DEFAULT_NAME, settings.DATABASE_CONNECTION_REPLICA_NAME,
}
django.test.TestCase.databases = django.test.TransactionTestCase.databases
if not isinstance(connections[settings.DATABASE_CONNECTION_REPLICA_NAME], FakeDbReplicaConnection):
    prepare_test_db_connections()


def errors_field(_kind):
    """Saleor 3 answers every mutation's errors as `errors`."""
    return "errors"


def plugins_manager():
    from saleor.plugins.manager import get_plugins_manager

    return get_plugins_manager(allow_replica=False)


def user_authorization(user):
    return f"Bearer {create_access_token(user)}"


def hooks_run_after_commit():
    """Saleor 3 calls order hooks (order_created, order_metadata_updated among them) on
    commit, which a test's wrapping transaction never reaches: run them as the commit
    would."""
    return django.test.TestCase.captureOnCommitCallbacks(execute=True)


def _site_settings():
    """Saleor's site settings, which every API call and fulfillment reads. A
    transactional test's flush deletes the row the migrations made (and a reused test
    database keeps it deleted), so the builders of callers and orders recreate it."""
    site, _ = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": "localhost:8000", "name": "Saleor"}
    )
    site_settings, _ = SiteSettings.objects.get_or_create(site=site)
    return site_settings


def _user(email, **fields):
    _site_settings()
    # New accounts get the default customer type; a transactional test's flush
    # deletes the row the migrations made, so it is created when missing.
    customer_type, _ = CustomerType.objects.get_or_create(
        is_default=True, defaults={"name": "Default", "slug": "default"}
    )
    user = User(email=email, customer_type=customer_type, **fields)
    user.set_password("password")
    user.save()
    return user


def staff(with_permission=True, email=None):
    user = _user(email or f"staff{next(_serial)}@example.com", is_staff=True)
    if with_permission:
        # Saleor 3 grants channel access through permission groups only: a bare user
        # permission passes the permission check but orderFulfill then refuses with
        # "You don't have access to some objects' channel."
        group, _ = Group.objects.get_or_create(
            name="Order managers", defaults={"restricted_access_to_channels": False}
        )
        group.permissions.add(manage_orders_permission())
        group.user_set.add(user)
    return user


def customer():
    return _user(f"customer{next(_serial)}@example.com")


def app(with_permission=True):
    _site_settings()
    app = App.objects.create(name=f"App {next(_serial)}", is_active=True)
    if with_permission:
        app.permissions.add(manage_orders_permission())
    # Saleor 3 stores only a hash of the token: the raw one is returned once, here.
    _token, raw_token = app.tokens.create(name="test")
    return raw_token


def _channel():
    """The shop's one channel, shipping to Japan, as Saleor 3 requires of every order."""
    channel, created = Channel.objects.get_or_create(
        slug="attention-shop",
        defaults={
            "name": "Attention shop", "currency_code": CURRENCY, "default_country": "JP",
            "is_active": True,
        },
    )
    if created:
        # channelCreate gives every channel a tax configuration.
        TaxConfiguration.objects.create(channel=channel)
        zone = ShippingZone.objects.create(name="Japan", countries=["JP"])
        zone.channels.add(channel)
        method = ShippingMethod.objects.create(
            name="Yamato", type=ShippingMethodType.PRICE_BASED, shipping_zone=zone
        )
        ShippingMethodChannelListing.objects.create(
            shipping_method=method, channel=channel, currency=CURRENCY,
            price=Money(0, CURRENCY), minimum_order_price=Money(0, CURRENCY),
        )
        # The card gateway of the charges' tests, switched on for the channel as staff
        # would (it is off by default).
        PluginConfiguration.objects.create(
            identifier=CARD_GATEWAY, channel=channel, active=True,
            configuration=DeprecatedDummyCreditCardGatewayPlugin.DEFAULT_CONFIGURATION,
        )
    return channel


def order(user=None, quantity=2, metadata=None, status=OrderStatus.UNFULFILLED,
          postal_code="100-0001", phone=""):
    """An unfulfilled, paid order with one line and stock to ship it from one warehouse
    (with status=DRAFT: a staff draft, unpaid and not yet reserving stock)."""
    draft = status == OrderStatus.DRAFT
    n = next(_serial)
    _site_settings()
    channel = _channel()
    shipping_method = ShippingMethod.objects.get(shipping_zone__channels=channel)
    product_type, _ = ProductType.objects.get_or_create(
        slug="tea",
        defaults={"name": "Tea", "kind": ProductTypeKind.NORMAL, "has_variants": False},
    )
    category, _ = Category.objects.get_or_create(slug="tea", defaults={"name": "Tea"})
    price = Money(Decimal("10.00"), CURRENCY)
    product = Product.objects.create(
        product_type=product_type, category=category, name=f"Green tea {n}",
        slug=f"green-tea-{n}",
    )
    ProductChannelListing.objects.create(
        product=product, channel=channel, currency=CURRENCY, is_published=True,
        visible_in_listings=True, available_for_purchase_at=timezone.now(),
    )
    variant = ProductVariant.objects.create(product=product, sku=f"TEA-{n}")
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel, currency=CURRENCY, price=price,
        discounted_price=price,
    )
    # orderFulfill ships only from a warehouse of the order's channel that serves
    # the channel's shipping zone.
    stocked = warehouse(n, shipping_method.shipping_zone)
    stocked.channels.add(channel)
    stock = Stock.objects.create(
        warehouse=stocked, product_variant=variant, quantity=100,
        quantity_allocated=0 if draft else quantity,
    )
    unit = TaxedMoney(price, price)
    total = unit * quantity
    zero = Money(0, CURRENCY)
    # Charged in full, as after checkout, so it may ship whatever the site's
    # fulfillment_allow_unpaid says.
    paid = {} if draft else {
        "total_charged": total.gross, "charge_status": OrderChargeStatus.FULL,
        "authorize_status": OrderAuthorizeStatus.FULL,
    }
    placed = Order.objects.create(
        **order_fields(n, user, status, postal_code, phone, shipping_method, total, metadata),
        channel=channel, currency=CURRENCY,
        origin=OrderOrigin.DRAFT if draft else OrderOrigin.CHECKOUT,
        shipping_price=TaxedMoney(zero, zero), base_shipping_price=zero,
        undiscounted_base_shipping_price=zero,
        subtotal=total, undiscounted_total=total, **paid,
        should_refresh_prices=False, lines_count=1,
    )
    line = OrderLine.objects.create(
        order=placed, variant=variant, product_name=product.name, variant_name="",
        product_sku=variant.sku, product_variant_id=variant.get_global_id(),
        is_shipping_required=True, is_gift_card=False, quantity=quantity,
        currency=CURRENCY, unit_price=unit, undiscounted_unit_price=unit,
        total_price=total, undiscounted_total_price=total, base_unit_price=price,
        undiscounted_base_unit_price=price, tax_rate=Decimal("0"),
    )
    if not draft:  # checkout reserves the stock for the order's lines
        Allocation.objects.create(order_line=line, stock=stock, quantity_allocated=quantity)
        # As Saleor places an order: after its commit, the order_created hooks queue
        # the plugin's rules.
        with hooks_run_after_commit():
            plugins_manager().order_created(placed)
    placed.attention_warehouse = stocked
    return placed


def record_payment_failure(order):
    """What Saleor records when a card capture or charge of the order fails."""
    from saleor.order import events

    events.payment_failed_event(
        order=order, user=None, app=None, message="Card declined",
        payment=payment(order, "mirumee.payments.dummy"),
    )


def fulfill_in_python(order, user):
    """Saleor's own Python path for shipping, as the orderFulfill mutation uses it."""
    from saleor.order.actions import create_fulfillments

    line, stocked = line_and_warehouse(order)
    site_settings = _site_settings()
    return create_fulfillments(
        user, None, order,
        {stocked.pk: [{"order_line": line, "quantity": line.quantity}]},
        plugins_manager(), site_settings,
        notify_customer=False, auto_approved=site_settings.fulfillment_auto_approve,
    )


# Saleor's own operations, as 3.23 spells them; errors keep 2.10's response key.
ORDER_FULFILL = order_fulfill_document(errors_field)

_PLUGINS = """
{ plugins(first: 100) { edges { node {
    id name globalConfiguration { active configuration { name value type label helpText } }
} } } }
"""


def guest_order_variables(order):
    # orderByToken is deprecated in 3.x but still served; the token is the order's id.
    return {"token": str(order.pk)}


def plugin_state(gql, as_):
    """{"id", "name", "active", "configuration"} as Saleor's `plugins` query lists it
    (a global plugin: its settings are in globalConfiguration)."""
    edges = gql(_PLUGINS, as_=as_)["data"]["plugins"]["edges"]
    [node] = [edge["node"] for edge in edges if edge["node"]["id"] == "saleor_attention"]
    settings_ = node["globalConfiguration"]
    return {
        "id": node["id"], "name": node["name"],
        "active": settings_["active"], "configuration": settings_["configuration"],
    }


# Where the plugin's GraphQL API is served. Saleor 3: the opt-in merged /graphql/, and the plugin's own endpoint that needs no
# settings change.
PLUGIN_API_PATHS = ["/graphql/", "/plugins/global/saleor_attention/graphql/"]


# Automatic charges: Saleor's dummy credit card (tests/saleor_v3/settings.py), charged
# as checkout completion charges a card (process_payment, automatic capture). It
# declines "0002" outright; "1111" it authorizes, then declines the capture. Both say
# "Card declined"; any other token is charged.
CARD_GATEWAY = DeprecatedDummyCreditCardGatewayPlugin.PLUGIN_ID
CARD = f"gateway:{CARD_GATEWAY}:tok-card"
DECLINED_CARD = f"gateway:{CARD_GATEWAY}:{dummy_credit_card.TOKEN_DECLINE}"
CAPTURE_FAILS_CARD = f"gateway:{CARD_GATEWAY}:{dummy_credit_card.TOKEN_PREAUTHORIZE_DECLINE}"
# What the gateway says when it declines (a flag's evidence).
DECLINED_MESSAGE = dummy_credit_card.TOKEN_VALIDATION_MAPPING[dummy_credit_card.TOKEN_DECLINE]


def captured(order) -> Decimal:
    """What Saleor counts as charged on the order (its payments and transactions)."""
    return Order.objects.get(pk=order.pk).total_charged_amount


def payment_events(order):
    """Saleor's own payment events in the order's history (captured or failed)."""
    return list(order.events.filter(type__in=["payment_captured", "payment_failed"])
                .order_by("pk").values_list("type", flat=True))
