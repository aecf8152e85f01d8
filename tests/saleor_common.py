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
