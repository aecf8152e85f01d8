"""Test helpers whose Saleor models and API look the same on 2.10 and 3.x; each
line's shop module re-exports them beside what differs."""
import graphene
from saleor.account.models import Address
from saleor.order.models import Fulfillment, Order, OrderEvent
from saleor.warehouse.models import Stock


def order_id(order):
    return graphene.Node.to_global_id("Order", order.pk)


def order_number(order):
    """How staff know the order (2.10: its id; 3.x: its number)."""
    return str(getattr(order, "number", order.pk))


def fulfill_variables(order):
    line = order.lines.get()
    warehouse = Stock.objects.get(product_variant=line.variant).warehouse
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
        city="千代田区", postal_code=postal_code, country="JP", phone=phone,
    )


GUEST_ORDER = """
query Guest($token: UUID!) { orderByToken(token: $token) {
    customerRestrictions { restricted allowedActions message }
    attention { required }
} }
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


def saleor_mutations(errors_field):
    """Saleor mutations whose shape differs between lines only by the errors field
    (2.10: metadataErrors/orderErrors; 3.x: errors)."""

    def update_private_metadata(gql, as_, order, values):
        items = [{"key": key, "value": value} for key, value in values.items()]
        document = _UPDATE_PRIVATE_METADATA % errors_field("metadata")
        data = gql(document, {"id": order_id(order), "input": items}, as_=as_)["data"]
        return data["updatePrivateMetadata"][errors_field("metadata")]

    def delete_private_metadata(gql, as_, order, keys):
        document = _DELETE_PRIVATE_METADATA % errors_field("metadata")
        data = gql(document, {"id": order_id(order), "keys": keys}, as_=as_)["data"]
        return data["deletePrivateMetadata"][errors_field("metadata")]

    def delete_draft_order(gql, as_, order):
        document = _DRAFT_ORDER_DELETE % errors_field("order")
        data = gql(document, {"id": order_id(order)}, as_=as_)["data"]
        return data["draftOrderDelete"][errors_field("order")]

    return update_private_metadata, delete_private_metadata, delete_draft_order
