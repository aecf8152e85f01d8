"""A cancelled order leaves the queue: Saleor's orderCancel closes its own flags by
the system (audited, noted once in the order history); its subscription's flags stay
for the subscription's other orders."""
from django.utils import timezone

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.models import Event, Flag

from .documents import ATTENTION_ORDERS

CLOSED = "注文がキャンセルされたため、要対応を終了"
SUBSCRIPTION_KEY = "saleor_attention.subscription"


def queued(gql, manager):
    page = gql(ATTENTION_ORDERS, {"first": 50}, as_=manager)["data"]["attentionOrders"]
    return {edge["node"]["orderNumber"] for edge in page["edges"]}


def test_cancelling_closes_the_orders_own_flags(gql, shop, manager, configure):
    configure(history_language="ja")
    order = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-C"})
    sibling = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-C"})
    hold = services.set_flag(order, note="出荷保留", actor=Actor(user=manager)).flag
    island = services.set_flag(order, "REMOTE_ISLAND", handle="island").flag
    renewal = services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION").flag
    notes_before = len(shop.history_notes(order))
    assert shop.order_number(order) in queued(gql, manager)

    assert shop.cancel_order(gql, manager, order) == []

    for flag in (hold, island):
        flag.refresh_from_db()
        assert flag.status == "RELEASED" and flag.release_comment == CLOSED
        assert flag.handled_on == timezone.localdate() and flag.released_by_source == "RULE"
    assert Flag.objects.get(pk=renewal.pk).status == "ACTIVE"
    events = Event.objects.filter(order=order)
    assert events.filter(type="FLAG_RELEASED").count() == 2
    assert events.get(type="ORDER_CANCELLED").message == CLOSED
    notes = shop.history_notes(order)[notes_before:]
    assert len(notes) == 1 and CLOSED in notes[0]
    # Out of the queue; the subscription's flag still keeps its other order there.
    assert queued(gql, manager) == {shop.order_number(sibling)}
    assert services.needs_attention(shop.reload(order))  # the subscription's flag


def test_cancelling_an_order_without_flags_writes_nothing(gql, shop, manager):
    order = shop.order()
    notes_before = shop.history_notes(order)

    assert shop.cancel_order(gql, manager, order) == []

    assert not Event.objects.filter(order=order).exists()
    assert shop.history_notes(order) == notes_before


def test_switched_off_the_plugin_keeps_the_flags(gql, shop, manager, configure):
    order = shop.order()
    flag = services.set_flag(order, note="hold").flag
    assert configure(active=False)["errors"] == []

    assert shop.cancel_order(gql, manager, order) == []

    assert Flag.objects.get(pk=flag.pk).status == "ACTIVE"
