"""Test helpers whose Saleor models and API look the same on 2.10 and 3.x; each
line's shop module re-exports them beside what differs. Where a shared helper needs
what differs (builders, the name of a mutation's errors), it asks the line's module
through `_line()`."""
import uuid

import graphene
from django.db import models
from saleor.account.models import Address, User
from saleor.order import OrderStatus
from saleor.order.models import Fulfillment, Order, OrderEvent
from saleor.payment.models import Payment
from saleor.warehouse.models import Stock, Warehouse

CURRENCY = "USD"
SHIPPED = OrderStatus.FULFILLED
NOT_SHIPPED = OrderStatus.UNFULFILLED


def _line():
    """The shop module of the Saleor line under test (it imports this one)."""
    from tests.line import saleor_shop

    return saleor_shop


def _permission(codename, app_label):
    # 2.10 keeps Django's Permission model, 3.x its own: the one users are granted.
    permission = User._meta.get_field("user_permissions").related_model
    return permission.objects.get(codename=codename, content_type__app_label=app_label)


def manage_orders_permission():
    return _permission("manage_orders", "order")


def manage_users_permission():
    return _permission("manage_users", "account")


def superuser():
    user = _line().staff()
    user.is_superuser = True
    user.save()
    return user


def auth_header(who):
    """HTTP headers that authenticate a user (as the line does) or an app token."""
    if who is None:
        return {}
    if isinstance(who, str):
        return {"HTTP_AUTHORIZATION": f"Bearer {who}"}
    return {"HTTP_AUTHORIZATION": _line().user_authorization(who)}


def variant_id(variant):
    return graphene.Node.to_global_id("ProductVariant", variant.pk)


def order_id(order):
    return graphene.Node.to_global_id("Order", order.pk)


def unknown_order_id():
    """A well-formed Order id that names no order (2.10: a number; 3.x: a UUID)."""
    pk = uuid.uuid4() if isinstance(Order._meta.pk, models.UUIDField) else 2 ** 31 - 1
    return graphene.Node.to_global_id("Order", pk)


def order_number(order):
    """How staff know the order (2.10: its id; 3.x: its number)."""
    return str(getattr(order, "number", order.pk))


def line_and_warehouse(order):
    """The order's one line and the warehouse that stocks it."""
    line = order.lines.get()
    return line, Stock.objects.get(product_variant=line.variant).warehouse


def fulfill_variables(order):
    line, warehouse = line_and_warehouse(order)
    return {
        "order": order_id(order),
        "input": {
            "notifyCustomer": False,
            "lines": [
                {
                    "orderLineId": graphene.Node.to_global_id("OrderLine", line.pk),
                    "stocks": [
                        {
                            "quantity": line.quantity,
                            "warehouse": graphene.Node.to_global_id("Warehouse", warehouse.pk),
                        }
                    ],
                }
            ],
        },
    }


def fulfillment_count(order):
    return Fulfillment.objects.filter(order=order).count()


def status_of(order):
    return Order.objects.get(pk=order.pk).status


def history_notes(order):
    return list(
        OrderEvent.objects.filter(order=order, type="note_added").values_list(
            "parameters__message", flat=True
        )
    )


def reload(order):
    return Order.objects.get(pk=order.pk)


def address(postal_code="100-0001", phone=""):
    return Address.objects.create(
        first_name="太郎", last_name="山田", street_address_1="千代田1-1",
        city="千代田区", country_area="東京都", postal_code=postal_code, country="JP", phone=phone,
    )


def warehouse(n, shipping_zone):
    """A warehouse serving the shipping zone (orderFulfill ships only from one)."""
    created = Warehouse.objects.create(
        name=f"Warehouse {n}", slug=f"warehouse-{n}", address=address()
    )
    created.shipping_zones.add(shipping_zone)
    return created


def order_fields(n, user, status, postal_code, phone, shipping_method, total, metadata):
    """What Order.objects.create is given the same on both lines."""
    return dict(
        status=status, user=user,
        user_email=user.email if user else f"guest{n}@example.com",
        billing_address=address(phone=phone), shipping_address=address(postal_code, phone),
        shipping_method=shipping_method, shipping_method_name=shipping_method.name,
        total=total, private_metadata=dict(metadata or {}),
    )


def payment(order, gateway):
    return Payment.objects.create(
        order=order, gateway=gateway, total=order.total_gross_amount, currency=CURRENCY,
        billing_email=order.user_email, is_active=True,
    )


def place_order(gql, as_, postal_code="100-0001", payment_gateway=None, user=None, phone="",
                names=None, metadata=None):
    """An order placed the way staff place one: a draft, completed with Saleor's own
    draftOrderComplete (which runs the plugins' order_created hooks). `names`:
    (last name, first name) of both addresses, instead of 山田 太郎; `metadata`: its
    private metadata (a subscription app's link)."""
    draft = _line().order(
        user=user, status=OrderStatus.DRAFT, postal_code=postal_code, phone=phone,
        metadata=metadata,
    )
    if names:
        last_name, first_name = names
        Address.objects.filter(pk__in=[draft.billing_address_id, draft.shipping_address_id]).update(
            last_name=last_name, first_name=first_name
        )
    if payment_gateway:
        payment(draft, payment_gateway)
    with _line().hooks_run_after_commit():
        return complete_draft(gql, as_, draft)


def complete_draft(gql, as_, draft):
    """Saleor's own draftOrderComplete of a draft; the order it placed."""
    errors = _line().errors_field("order")
    response = gql(_DRAFT_ORDER_COMPLETE % errors, {"id": order_id(draft)}, as_=as_)
    assert response["data"]["draftOrderComplete"][errors] == [], response
    return reload(draft)


def change_total(order, amount):
    """Staff edit the order's total; Saleor then calls the plugins' order_updated."""
    order = reload(order)  # as the editing request loads it
    order.total_gross_amount = amount
    order.save(update_fields=["total_gross_amount"])
    _line().plugins_manager().order_updated(order)


def configure_plugin(gql, as_, active=None, values=None):
    """Saleor's pluginUpdate; returns its errors and the plugin's state read back
    through the `plugins` query (2.10's pluginUpdate payload resolves the configuration
    by database id: null; on 3.x the plugin is global, configured with no channel)."""
    payload = {"configuration": [{"name": k, "value": v} for k, v in (values or {}).items()]}
    if active is not None:
        payload["active"] = active
    errors = _line().errors_field("plugins")
    answer = gql(_PLUGIN_UPDATE % errors, {"input": payload}, as_=as_)["data"]["pluginUpdate"]
    return {"errors": answer[errors], "plugin": _line().plugin_state(gql, as_)}


GUEST_ORDER = """
query Guest($token: UUID!) { orderByToken(token: $token) {
    customerRestrictions { restricted allowedActions message }
    attention { required }
} }
"""


# Saleor's own operations; %s is where the line names their errors (errors_field).
_ORDER_FULFILL = """
mutation Fulfill($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id }
    order { status }
    %s { field code message }
  }
}
"""

def order_fulfill_document(errors_field):
    """orderFulfill, its errors under 2.10's key `orderErrors` on both lines."""
    return _ORDER_FULFILL % f"orderErrors: {errors_field('order')}"


_DRAFT_ORDER_COMPLETE = """
mutation Complete($id: ID!) {
  draftOrderComplete(id: $id) { order { status } %s { field code message } }
}
"""

_PLUGIN_UPDATE = """
mutation Configure($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor_attention", input: $input) { %s { field code message } }
}
"""

_UPDATE_PRIVATE_METADATA = """
mutation Update($id: ID!, $input: [MetadataInput!]!) {
  updatePrivateMetadata(id: $id, input: $input) { %s { field code message } }
}
"""

_DELETE_PRIVATE_METADATA = """
mutation Delete($id: ID!, $keys: [String!]!) {
  deletePrivateMetadata(id: $id, keys: $keys) { %s { field code message } }
}
"""

_DRAFT_ORDER_DELETE = """
mutation Delete($id: ID!) { draftOrderDelete(id: $id) { %s { field code message } } }
"""


_ORDER_CANCEL = """
mutation Cancel($id: ID!) { orderCancel(id: $id) { %s { field code message } } }
"""


def cancel_order(gql, as_, order):
    """Saleor's own orderCancel (which runs the plugins' order_cancelled hooks)."""
    with _line().hooks_run_after_commit():
        return _saleor_mutation(
            gql, as_, _ORDER_CANCEL, "orderCancel", "order", {"id": order_id(order)}
        )


def update_private_metadata(gql, as_, order, values):
    items = [{"key": key, "value": value} for key, value in values.items()]
    return _saleor_mutation(
        gql, as_, _UPDATE_PRIVATE_METADATA, "updatePrivateMetadata", "metadata",
        {"id": order_id(order), "input": items},
    )


def delete_private_metadata(gql, as_, order, keys):
    return _saleor_mutation(
        gql, as_, _DELETE_PRIVATE_METADATA, "deletePrivateMetadata", "metadata",
        {"id": order_id(order), "keys": keys},
    )


def delete_draft_order(gql, as_, order):
    return _saleor_mutation(
        gql, as_, _DRAFT_ORDER_DELETE, "draftOrderDelete", "order", {"id": order_id(order)}
    )


def _saleor_mutation(gql, as_, document, name, kind, variables):
    """The errors of one of Saleor's mutations, under the name the line gives them."""
    errors = _line().errors_field(kind)
    return gql(document % errors, variables, as_=as_)["data"][name][errors]


def ensure_site():
    """Saleor's site and its settings, which its migrations make and which a test in
    a real transaction (transactional_db) flushes away with every other row; Django
    caches the site across tests."""
    from django.conf import settings
    from django.contrib.sites.models import Site
    from saleor.site.models import SiteSettings

    Site.objects.clear_cache()
    site, _ = Site.objects.get_or_create(
        pk=settings.SITE_ID, defaults={"domain": "localhost:8000", "name": "Saleor e-commerce"}
    )
    SiteSettings.objects.get_or_create(site=site)
