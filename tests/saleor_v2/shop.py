"""Saleor 2.10 for the tests: real objects (staff, customers, apps, orders ready to
ship) and Saleor's own API in 2.10's shapes. tests/saleor_v3/shop.py offers the same
names for Saleor 3, so every test runs unchanged on both lines."""
import itertools
from decimal import Decimal

from django.contrib.auth.models import Permission
from graphql_jwt.shortcuts import get_token
from prices import Money, TaxedMoney
from saleor.account.models import User
from saleor.app.models import App
from saleor.order import OrderStatus
from saleor.order.models import Order, OrderLine
from saleor.payment.models import Payment
from saleor.product.models import Category, Product, ProductType, ProductVariant
from saleor.shipping import ShippingMethodType
from saleor.shipping.models import ShippingMethod, ShippingZone
from saleor.warehouse.models import Stock, Warehouse

from tests.saleor_common import (  # noqa: F401 - part of this module's API
    GUEST_ORDER, address, fulfill_variables, fulfillment_count, history_notes, order_id,
    order_number, saleor_mutations,
    reload, status_of,
)

_serial = itertools.count(1)


def manage_orders_permission():
    return Permission.objects.get(codename="manage_orders", content_type__app_label="order")


def manage_users_permission():
    return Permission.objects.get(codename="manage_users", content_type__app_label="account")


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


def auth_header(who):
    """HTTP headers that authenticate a user (JWT) or an app token (Bearer)."""
    if who is None:
        return {}
    if isinstance(who, str):
        return {"HTTP_AUTHORIZATION": f"Bearer {who}"}
    return {"HTTP_AUTHORIZATION": f"JWT {get_token(who)}"}


def order(user=None, quantity=2, metadata=None, status=OrderStatus.UNFULFILLED,
          postal_code="100-0001", phone=""):
    """An unfulfilled order with one line and stock to ship it from one warehouse."""
    n = next(_serial)
    product_type, _ = ProductType.objects.get_or_create(
        slug="tea", defaults={"name": "Tea", "has_variants": False}
    )
    category, _ = Category.objects.get_or_create(slug="tea", defaults={"name": "Tea"})
    price = Money(Decimal("10.00"), "USD")
    product = Product.objects.create(
        product_type=product_type, category=category, name=f"Green tea {n}",
        slug=f"green-tea-{n}", price=price, minimal_variant_price=price, is_published=True,
    )
    variant = ProductVariant.objects.create(product=product, sku=f"TEA-{n}")
    warehouse = Warehouse.objects.create(
        name=f"Warehouse {n}", slug=f"warehouse-{n}", address=address()
    )
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=100)
    shipping_method = _shipping_method()
    warehouse.shipping_zones.add(shipping_method.shipping_zone)
    gross = TaxedMoney(price, price)
    placed = Order.objects.create(
        status=status, user=user,
        user_email=user.email if user else f"guest{n}@example.com",
        billing_address=address(phone=phone), shipping_address=address(postal_code, phone),
        shipping_method=shipping_method, shipping_method_name=shipping_method.name,
        total=TaxedMoney(price * quantity, price * quantity),
        private_metadata=dict(metadata or {}),
    )
    OrderLine.objects.create(
        order=placed, variant=variant, product_name=product.name,
        variant_name="", product_sku=variant.sku, is_shipping_required=True,
        quantity=quantity, unit_price=gross,
    )
    placed.attention_warehouse = warehouse
    if status != OrderStatus.DRAFT:
        # As Saleor places an order: its order_created hooks run the plugin's rules.
        from saleor.plugins.manager import get_plugins_manager

        get_plugins_manager().order_created(placed)
    return placed


def _shipping_method():
    zone, _ = ShippingZone.objects.get_or_create(name="日本", defaults={"countries": ["JP"]})
    method, _ = ShippingMethod.objects.get_or_create(
        name="宅急便", shipping_zone=zone,
        defaults={"type": ShippingMethodType.PRICE_BASED, "price": Money(0, "USD")},
    )
    return method


def place_order(gql, as_, postal_code="100-0001", payment_gateway=None, user=None, phone=""):
    """An order placed the way staff place one: a draft, completed with Saleor's own
    draftOrderComplete (which runs the plugins' order_created hooks)."""
    draft = order(user=user, status=OrderStatus.DRAFT, postal_code=postal_code, phone=phone)
    if payment_gateway:
        Payment.objects.create(
            order=draft, gateway=payment_gateway, total=draft.total.gross.amount,
            currency="USD", billing_email=draft.user_email, is_active=True,
        )
    response = gql(_DRAFT_ORDER_COMPLETE, {"id": order_id(draft)}, as_=as_)
    assert response["data"]["draftOrderComplete"]["orderErrors"] == [], response
    return reload(draft)


def change_total(order, amount):
    """Staff edit the order's total; Saleor then calls the plugins' order_updated."""
    from saleor.plugins.manager import get_plugins_manager

    order = reload(order)  # as the editing request loads it
    order.total_gross_amount = amount
    order.save(update_fields=["total_gross_amount"])
    get_plugins_manager().order_updated(order)


def record_payment_failure(order):
    """What Saleor records when a card capture or charge of the order fails."""
    from saleor.order import events

    payment = Payment.objects.create(
        order=order, gateway="mirumee.payments.dummy", total=order.total_gross_amount,
        currency="USD", billing_email=order.user_email, is_active=True,
    )
    events.payment_failed_event(order=order, user=None, message="Card declined", payment=payment)


def fulfill_in_python(order, user):
    """Saleor's own Python path for shipping, as the dashboard's mutation uses it."""
    from saleor.order.actions import create_fulfillments

    line = order.lines.get()
    warehouse = Stock.objects.get(product_variant=line.variant).warehouse
    return create_fulfillments(
        user, order, {warehouse.pk: [{"order_line": line, "quantity": line.quantity}]}, False
    )


SHIPPED = OrderStatus.FULFILLED
NOT_SHIPPED = OrderStatus.UNFULFILLED


# Saleor's own operations, as 2.10 spells them.
ORDER_FULFILL = """
mutation Fulfill($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id }
    order { status }
    orderErrors { field code message }
  }
}
"""

_DRAFT_ORDER_COMPLETE = """
mutation Complete($id: ID!) {
  draftOrderComplete(id: $id) { order { status } orderErrors { field code message } }
}
"""

_PLUGIN_UPDATE = """
mutation Configure($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor_attention", input: $input) {
    pluginsErrors { field code message }
  }
}
"""

_PLUGINS = """
{ plugins(first: 100) { edges { node { id name active configuration { name value type } } } } }
"""



def guest_order_variables(order):
    return {"token": str(order.token)}


def superuser():
    user = staff()
    user.is_superuser = True
    user.save()
    return user


def plugin_state(gql, as_):
    """{"id", "name", "active", "configuration"} as Saleor's `plugins` query lists it."""
    edges = gql(_PLUGINS, as_=as_)["data"]["plugins"]["edges"]
    [plugin] = [edge["node"] for edge in edges if edge["node"]["id"] == "saleor_attention"]
    return plugin


def configure_plugin(gql, as_, active=None, values=None):
    """Saleor's pluginUpdate; returns its errors and the plugin's state read back
    (2.10's pluginUpdate payload resolves the configuration by database id: null)."""
    payload = {"configuration": [{"name": k, "value": v} for k, v in (values or {}).items()]}
    if active is not None:
        payload["active"] = active
    errors = gql(_PLUGIN_UPDATE, {"input": payload}, as_=as_)["data"]["pluginUpdate"][
        "pluginsErrors"
    ]
    return {"errors": errors, "plugin": plugin_state(gql, as_)}


# Where the plugin's GraphQL API is served. Saleor 2.10 serves the plugin's API only in its extended /graphql/.
PLUGIN_API_PATHS = ["/graphql/"]


# Saleor's metadata and draft-order mutations, as 2.10 names their errors.
update_private_metadata, delete_private_metadata, delete_draft_order = saleor_mutations(
    {"metadata": "metadataErrors", "order": "orderErrors"}.get
)


def hooks_run_after_commit():
    """Saleor 2.10 calls the plugin's hooks inside the request's transaction."""
    import contextlib

    return contextlib.nullcontext()
