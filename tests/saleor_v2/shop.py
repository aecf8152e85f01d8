"""Saleor 2.10 for the tests: real objects (staff, customers, apps, orders ready to
ship) and Saleor's own API in 2.10's shapes. tests/saleor_v3/shop.py offers the same
names for Saleor 3, so every test runs unchanged on both lines; what reads the same on
both is in tests/saleor_common.py."""
import contextlib
import itertools
from decimal import Decimal

from django.db import connection
from graphql_jwt.shortcuts import get_token
from prices import Money, TaxedMoney
from saleor.account.models import User
from saleor.app.models import App
from saleor.order import OrderStatus
from saleor.order.models import Order, OrderLine
from saleor.product.models import Category, Product, ProductType, ProductVariant
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.warehouse.models import Stock

from tests.saleor_common import (  # noqa: F401 - part of this module's API
    CURRENCY, GUEST_ORDER, NOT_SHIPPED, SHIPPED, address, auth_header, cancel_order,
    change_total, complete_draft, configure_plugin, delete_draft_order, delete_private_metadata, fulfill_variables, fulfillment_count,
    history_notes, line_and_warehouse, manage_orders_permission, manage_users_permission,
    order_fields, order_fulfill_document, order_id, order_number, payment, place_order,
    reload, status_of, superuser, unknown_order_id, update_private_metadata, variant_id,
    warehouse,
)

_serial = itertools.count(1)


def errors_field(kind):
    """Where 2.10 answers a mutation's errors: metadataErrors, orderErrors, pluginsErrors."""
    return f"{kind}Errors"


def plugins_manager():
    from saleor.plugins.manager import get_plugins_manager

    return get_plugins_manager()


def user_authorization(user):
    return f"JWT {get_token(user)}"


@contextlib.contextmanager
def hooks_run_after_commit():
    """The plugin queues a new order's rules for after its commit, which a test's
    wrapping transaction never reaches: run what the block left for the commit (and
    what that adds), as the commit would. Django 3.2's captureOnCommitCallbacks, which
    Django 3.0 lacks."""
    waiting = connection.run_on_commit
    start = len(waiting)
    yield
    while len(waiting) > start:
        _savepoints, callback = waiting.pop(start)
        callback()


def staff(with_permission=True, email=None):
    user = User.objects.create_user(
        email or f"staff{next(_serial)}@example.com", "password", is_staff=True
    )
    if with_permission:
        user.user_permissions.add(manage_orders_permission())
    return user


def customer():
    return User.objects.create_user(f"customer{next(_serial)}@example.com", "password")


def app(with_permission=True):
    app = App.objects.create(name=f"App {next(_serial)}", is_active=True)
    if with_permission:
        app.permissions.add(manage_orders_permission())
    return app.tokens.create(name="test").auth_token


def order(user=None, quantity=2, metadata=None, status=OrderStatus.UNFULFILLED,
          postal_code="100-0001", phone=""):
    """An unfulfilled order with one line and stock to ship it from one warehouse."""
    n = next(_serial)
    product_type, _ = ProductType.objects.get_or_create(
        slug="tea", defaults={"name": "Tea", "has_variants": False}
    )
    category, _ = Category.objects.get_or_create(slug="tea", defaults={"name": "Tea"})
    price = Money(Decimal("10.00"), CURRENCY)
    product = Product.objects.create(
        product_type=product_type, category=category, name=f"Green tea {n}",
        slug=f"green-tea-{n}", price=price, minimal_variant_price=price, is_published=True,
    )
    variant = ProductVariant.objects.create(product=product, sku=f"TEA-{n}")
    shipping_method = _shipping_method()
    stocked = warehouse(n, shipping_method.shipping_zone)
    Stock.objects.create(warehouse=stocked, product_variant=variant, quantity=100)
    gross = TaxedMoney(price, price)
    placed = Order.objects.create(**order_fields(
        n, user, status, postal_code, phone, shipping_method, gross * quantity, metadata
    ))
    OrderLine.objects.create(
        order=placed, variant=variant, product_name=product.name,
        variant_name="", product_sku=variant.sku, is_shipping_required=True,
        quantity=quantity, unit_price=gross,
    )
    placed.attention_warehouse = stocked
    if status != OrderStatus.DRAFT:
        # As Saleor places an order: its order_created hooks queue the plugin's rules.
        with hooks_run_after_commit():
            plugins_manager().order_created(placed)
    return placed


def _shipping_method():
    zone, _ = ShippingZone.objects.get_or_create(name="日本", defaults={"countries": ["JP"]})
    method, _ = ShippingMethod.objects.get_or_create(
        name="宅急便", shipping_zone=zone,
        defaults={"type": ShippingMethodType.PRICE_BASED, "price": Money(0, CURRENCY)},
    )
    return method


def record_payment_failure(order):
    """What Saleor records when a card capture or charge of the order fails."""
    from saleor.order import events

    events.payment_failed_event(
        order=order, user=None, message="Card declined",
        payment=payment(order, "mirumee.payments.dummy"),
    )


def fulfill_in_python(order, user):
    """Saleor's own Python path for shipping, as the dashboard's mutation uses it."""
    from saleor.order.actions import create_fulfillments

    line, stocked = line_and_warehouse(order)
    return create_fulfillments(
        user, order, {stocked.pk: [{"order_line": line, "quantity": line.quantity}]}, False
    )


# Saleor's own operations, as 2.10 spells them.
ORDER_FULFILL = order_fulfill_document(errors_field)

_PLUGINS = """
{ plugins(first: 100) { edges { node { id name active configuration { name value type label helpText } } } } }
"""


def guest_order_variables(order):
    return {"token": str(order.token)}


def plugin_state(gql, as_):
    """{"id", "name", "active", "configuration"} as Saleor's `plugins` query lists it."""
    edges = gql(_PLUGINS, as_=as_)["data"]["plugins"]["edges"]
    [plugin] = [edge["node"] for edge in edges if edge["node"]["id"] == "saleor_attention"]
    return plugin


# Where the plugin's GraphQL API is served. Saleor 2.10 serves the plugin's API only in its extended /graphql/.
PLUGIN_API_PATHS = ["/graphql/"]


# Automatic charges: the tests' declining gateway (tests/saleor_v2/settings.py).
CARD_GATEWAY = "saleor_attention.tests.declining_gateway"
CARD = f"gateway:{CARD_GATEWAY}:tok-card"
DECLINED_CARD = f"gateway:{CARD_GATEWAY}:tok-declined"
CAPTURE_FAILS_CARD = f"gateway:{CARD_GATEWAY}:tok-capture-fails"
# What the gateway says when it declines (a flag's evidence).
DECLINED_MESSAGE = "Card declined (test gateway)"


def captured(order) -> Decimal:
    """What Saleor's payments of the order have captured."""
    return sum((payment.captured_amount for payment in order.payments.all()), Decimal(0))


def payment_events(order):
    """Saleor's own payment events in the order's history (captured or failed)."""
    return list(order.events.filter(type__in=["payment_captured", "payment_failed"])
                .order_by("pk").values_list("type", flat=True))
