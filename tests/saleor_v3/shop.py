"""Saleor 3.23 for the tests: real objects (staff, customers, apps, orders ready to
ship) and Saleor's own API in 3.23's shapes. tests/saleor_v2/shop.py offers the same
names for Saleor 2.10, so every test runs unchanged on both lines."""
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
from saleor.payment.models import Payment
from saleor.permission.models import Permission
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
from saleor.warehouse.models import Allocation, Stock, Warehouse

from tests.saleor_common import (  # noqa: F401 - part of this module's API
    GUEST_ORDER, address, fulfill_variables, fulfillment_count, history_notes, order_id,
    order_number, saleor_mutations,
    reload, status_of,
)

_serial = itertools.count(1)
_CURRENCY = "USD"


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


def manage_orders_permission():
    return Permission.objects.get(codename="manage_orders", content_type__app_label="order")


def manage_users_permission():
    return Permission.objects.get(codename="manage_users", content_type__app_label="account")


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


def auth_header(who):
    """HTTP headers that authenticate a user (JWT) or an app token, both as Bearer."""
    if who is None:
        return {}
    if isinstance(who, str):
        return {"HTTP_AUTHORIZATION": f"Bearer {who}"}
    return {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(who)}"}


def _channel():
    """The shop's one channel, shipping to Japan, as Saleor 3 requires of every order."""
    channel, created = Channel.objects.get_or_create(
        slug="attention-shop",
        defaults={
            "name": "Attention shop", "currency_code": _CURRENCY, "default_country": "JP",
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
            shipping_method=method, channel=channel, currency=_CURRENCY,
            price=Money(0, _CURRENCY), minimum_order_price=Money(0, _CURRENCY),
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
    price = Money(Decimal("10.00"), _CURRENCY)
    product = Product.objects.create(
        product_type=product_type, category=category, name=f"Green tea {n}",
        slug=f"green-tea-{n}",
    )
    ProductChannelListing.objects.create(
        product=product, channel=channel, currency=_CURRENCY, is_published=True,
        visible_in_listings=True, available_for_purchase_at=timezone.now(),
    )
    variant = ProductVariant.objects.create(product=product, sku=f"TEA-{n}")
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel, currency=_CURRENCY, price=price,
        discounted_price=price,
    )
    # orderFulfill ships only from a warehouse of the order's channel that serves
    # the channel's shipping zone.
    warehouse = Warehouse.objects.create(
        name=f"Warehouse {n}", slug=f"warehouse-{n}", address=address()
    )
    warehouse.channels.add(channel)
    warehouse.shipping_zones.add(shipping_method.shipping_zone)
    stock = Stock.objects.create(
        warehouse=warehouse, product_variant=variant, quantity=100,
        quantity_allocated=0 if draft else quantity,
    )
    unit = TaxedMoney(price, price)
    total = unit * quantity
    zero = Money(0, _CURRENCY)
    # Charged in full, as after checkout, so it may ship whatever the site's
    # fulfillment_allow_unpaid says.
    paid = {} if draft else {
        "total_charged": total.gross, "charge_status": OrderChargeStatus.FULL,
        "authorize_status": OrderAuthorizeStatus.FULL,
    }
    placed = Order.objects.create(
        channel=channel, currency=_CURRENCY, status=status,
        origin=OrderOrigin.DRAFT if draft else OrderOrigin.CHECKOUT, user=user,
        user_email=user.email if user else f"guest{n}@example.com",
        billing_address=address(phone=phone), shipping_address=address(postal_code, phone),
        shipping_method=shipping_method, shipping_method_name=shipping_method.name,
        shipping_price=TaxedMoney(zero, zero), base_shipping_price=zero,
        undiscounted_base_shipping_price=zero,
        subtotal=total, total=total, undiscounted_total=total, **paid,
        should_refresh_prices=False, lines_count=1,
        private_metadata=dict(metadata or {}),
    )
    line = OrderLine.objects.create(
        order=placed, variant=variant, product_name=product.name, variant_name="",
        product_sku=variant.sku, product_variant_id=variant.get_global_id(),
        is_shipping_required=True, is_gift_card=False, quantity=quantity,
        currency=_CURRENCY, unit_price=unit, undiscounted_unit_price=unit,
        total_price=total, undiscounted_total_price=total, base_unit_price=price,
        undiscounted_base_unit_price=price, tax_rate=Decimal("0"),
    )
    if not draft:  # checkout reserves the stock for the order's lines
        Allocation.objects.create(order_line=line, stock=stock, quantity_allocated=quantity)
        # As Saleor places an order: after its commit, the order_created hooks run
        # the plugin's rules.
        from saleor.plugins.manager import get_plugins_manager

        get_plugins_manager(allow_replica=False).order_created(placed)
    placed.attention_warehouse = warehouse
    return placed


def place_order(gql, as_, postal_code="100-0001", payment_gateway=None, user=None, phone=""):
    """An order placed the way staff place one: a draft, completed with Saleor's own
    draftOrderComplete (which runs the plugins' order_created hooks)."""
    draft = order(user=user, status=OrderStatus.DRAFT, postal_code=postal_code, phone=phone)
    if payment_gateway:
        Payment.objects.create(
            order=draft, gateway=payment_gateway, total=draft.total.gross.amount,
            currency=_CURRENCY, billing_email=draft.user_email, is_active=True,
        )
    # Saleor 3 calls order hooks once the transaction commits; a test's transaction
    # never does, so run those callbacks as a commit would.
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        response = gql(_DRAFT_ORDER_COMPLETE, {"id": order_id(draft)}, as_=as_)
    assert response["data"]["draftOrderComplete"]["errors"] == [], response
    return reload(draft)


def change_total(order, amount):
    """Staff edit the order's total; Saleor then calls the plugins' order_updated."""
    from saleor.plugins.manager import get_plugins_manager

    order = reload(order)  # as the editing request loads it
    order.total_gross_amount = amount
    order.save(update_fields=["total_gross_amount"])
    get_plugins_manager(allow_replica=False).order_updated(order)


def record_payment_failure(order):
    """What Saleor records when a card capture or charge of the order fails."""
    from saleor.order import events

    payment = Payment.objects.create(
        order=order, gateway="mirumee.payments.dummy", total=order.total_gross_amount,
        currency=_CURRENCY, billing_email=order.user_email, is_active=True,
    )
    events.payment_failed_event(
        order=order, user=None, app=None, message="Card declined", payment=payment
    )


def fulfill_in_python(order, user):
    """Saleor's own Python path for shipping, as the orderFulfill mutation uses it."""
    from saleor.order.actions import create_fulfillments
    from saleor.plugins.manager import get_plugins_manager

    line = order.lines.get()
    warehouse = Stock.objects.get(product_variant=line.variant).warehouse
    site_settings = _site_settings()
    return create_fulfillments(
        user, None, order,
        {warehouse.pk: [{"order_line": line, "quantity": line.quantity}]},
        get_plugins_manager(allow_replica=False), site_settings,
        notify_customer=False, auto_approved=site_settings.fulfillment_auto_approve,
    )


SHIPPED = OrderStatus.FULFILLED
NOT_SHIPPED = OrderStatus.UNFULFILLED


# Saleor's own operations, as 3.23 spells them; errors keep 2.10's response key.
ORDER_FULFILL = """
mutation Fulfill($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id }
    order { status }
    orderErrors: errors { field code message }
  }
}
"""

_DRAFT_ORDER_COMPLETE = """
mutation Complete($id: ID!) {
  draftOrderComplete(id: $id) { order { status } errors { field code message } }
}
"""

_PLUGIN_UPDATE = """
mutation Configure($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor_attention", input: $input) {
    errors { field code message }
  }
}
"""

_PLUGINS = """
{ plugins(first: 100) { edges { node {
    id name globalConfiguration { active configuration { name value type } }
} } } }
"""



def guest_order_variables(order):
    # orderByToken is deprecated in 3.x but still served; the token is the order's id.
    return {"token": str(order.pk)}


def superuser():
    user = staff()
    user.is_superuser = True
    user.save()
    return user


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


def configure_plugin(gql, as_, active=None, values=None):
    """Saleor's pluginUpdate (global, no channel); returns its errors and the plugin's
    state read back through the `plugins` query, as on 2.10."""
    payload = {"configuration": [{"name": k, "value": v} for k, v in (values or {}).items()]}
    if active is not None:
        payload["active"] = active
    errors = gql(_PLUGIN_UPDATE, {"input": payload}, as_=as_)["data"]["pluginUpdate"]["errors"]
    return {"errors": errors, "plugin": plugin_state(gql, as_)}


# Where the plugin's GraphQL API is served. Saleor 3: the opt-in merged /graphql/, and the plugin's own endpoint that needs no
# settings change.
PLUGIN_API_PATHS = ["/graphql/", "/plugins/global/saleor_attention/graphql/"]


# Saleor's metadata and draft-order mutations (Saleor 3 calls their errors `errors`).
update_private_metadata, delete_private_metadata, delete_draft_order = saleor_mutations(
    lambda _kind: "errors"
)


def hooks_run_after_commit():
    """Saleor 3 calls some plugin hooks (order_metadata_updated among them) on commit,
    which a test's wrapping transaction never reaches: run them as the commit would."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
