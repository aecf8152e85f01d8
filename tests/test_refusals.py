"""What happened: a refused shipment leaves an ACTION_BLOCKED audit event and a line
in the order's history (who tried, through which path, which flags), although the
fulfillment's transaction rolls back; nothing else is written (issue 9)."""
import graphene
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from saleor_attention import refusals, services
from saleor_attention.actors import Actor
from saleor_attention.adapter import shop as line
from saleor_attention.models import Event, Flag

from .documents import ORDER_ATTENTION


def fulfill(gql, shop, order, as_):
    return gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=as_)["data"]["orderFulfill"]


def written(order):
    """Everything a refused fulfillment could have written, bar its own record."""
    order = line.Order.objects.get(pk=order.pk)
    return {
        "order": (order.status, order.private_metadata, order.metadata),
        "fulfillments": line.Fulfillment.objects.filter(order=order).count(),
        "stock": sorted(
            (stock.pk, stock.quantity) for item in order.lines.all()
            for stock in item.variant.stocks.all()
        ),
        "lines": [item.quantity_fulfilled for item in order.lines.all()],
        "flags": list(Flag.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values_list("pk", flat=True)),
        "history": list(
            line.OrderEvent.objects.filter(order=order).order_by("pk").values_list("pk", flat=True)
        ),
    }


def new_records(order, before):
    events = Event.objects.exclude(pk__in=before["events"])
    history = line.OrderEvent.objects.filter(order=order).exclude(pk__in=before["history"])
    return list(events), list(history)


@pytest.fixture
def flagged(shop, manager):
    order = shop.order()
    flag = services.set_flag(order, note="出荷保留", actor=Actor(user=manager)).flag
    return order, flag


def test_a_refused_order_fulfill_is_recorded_and_nothing_else_is_written(gql, shop, manager,
                                                                         flagged):
    order, flag = flagged
    before = written(order)

    refused = fulfill(gql, shop, order, manager)

    assert refused["orderErrors"][0]["code"] == "INVALID"
    [event], [note] = new_records(order, before)
    flag_id = graphene.Node.to_global_id("AttentionFlag", flag.pk)
    expected = (
        f"Shipping refused: {manager.email} tried to ship through GraphQL orderFulfill "
        "while the order needs attention: MANUAL (ORDER): 出荷保留"
    )
    assert (event.type, event.order_id, event.flag_id, event.message) == (
        "ACTION_BLOCKED", order.pk, None, expected,
    )
    assert (event.user, event.actor_source, event.actor_name) == (manager, "STAFF", manager.email)
    assert event.parameters == {
        "via": "GRAPHQL", "operation": "orderFulfill", "flags": [flag_id],
        "reasons": ["MANUAL"], "findings": [],
    }
    assert (note.type, note.parameters, note.user) == (
        "note_added", {"message": expected}, manager,
    )
    after = written(order)
    for key in ("order", "fulfillments", "stock", "lines", "flags"):
        assert after[key] == before[key], key


def test_the_refusal_is_in_the_orders_audit_trail(gql, shop, manager, flagged):
    order, _flag = flagged
    fulfill(gql, shop, order, manager)

    response = gql(ORDER_ATTENTION, {"id": shop.order_id(order)}, as_=manager)
    events = response["data"]["order"]["attention"]["events"]

    assert [event["type"] for event in events] == ["FLAG_SET", "ACTION_BLOCKED"]
    assert events[-1]["actor"]["kind"] == "STAFF"
    assert events[-1]["message"].startswith(f"Shipping refused: {manager.email} tried")


def test_an_app_that_tries_is_named(gql, shop, flagged):
    order, _flag = flagged
    token = shop.app()

    fulfill(gql, shop, order, token)

    event = Event.objects.get(order=order, type="ACTION_BLOCKED")
    assert event.actor_source == "APP" and event.app is not None
    assert event.message.startswith(f"Shipping refused: {event.app.name} tried")


def test_a_refusal_in_python_names_the_function_that_tried(shop, manager, flagged):
    order, _flag = flagged
    before = written(order)

    with pytest.raises(ValidationError):
        shop.fulfill_in_python(order, manager)

    [event], [note] = new_records(order, before)
    assert event.parameters["via"] == "PYTHON"
    assert event.parameters["operation"] == "saleor.order.actions.create_fulfillments"
    assert note.parameters["message"] == (
        "Shipping refused: an unknown caller tried to ship through Python "
        "saleor.order.actions.create_fulfillments while the order needs attention: "
        "MANUAL (ORDER): 出荷保留"
    )
    assert written(order)["fulfillments"] == 0


def test_the_refusal_is_in_the_shops_language(gql, shop, manager, flagged, configure):
    order, _flag = flagged
    configure(history_language="ja")

    fulfill(gql, shop, order, manager)

    assert shop.history_notes(order)[-1] == (
        f"出荷を止めました: {manager.email}がGraphQL orderFulfillで出荷しようとしましたが、"
        "要対応です: MANUAL (ORDER): 出荷保留"
    )


def test_findings_without_a_flag_are_named_too(gql, shop, manager):
    from decimal import Decimal

    order = shop.order()
    services.report_credit_check(order, "00", "np-1", amount=Decimal("15"))
    [flag] = Flag.objects.filter(order=order)
    services.release_flags(order, flag_ids=[flag.pk], handled_on=timezone.localdate(flag.created_at))

    fulfill(gql, shop, order, manager)

    event = Event.objects.get(order=order, type="ACTION_BLOCKED")
    assert event.parameters["flags"] == []
    assert event.parameters["findings"] == ["DEFERRED_PAYMENT_AMOUNT_MISMATCH"]
    assert event.message.endswith(
        "DEFERRED_PAYMENT_AMOUNT_MISMATCH: The credit-checked amount [15] does not match "
        "the order total [20]."
    )


def test_a_shipment_that_goes_through_records_nothing(gql, shop, manager, order):
    assert fulfill(gql, shop, order, manager)["orderErrors"] == []
    assert not Event.objects.filter(type="ACTION_BLOCKED").exists()
    assert not getattr(connection, refusals._PENDING, [])
    assert refusals._write_before not in connection.execute_wrappers


@pytest.mark.django_db(transaction=True)
def test_the_record_is_committed_although_the_fulfillment_rolled_back(shop):
    """Autocommit, as in production: orderFulfill's own transaction is the outermost
    and rolls back; the refusal is written after it, committed, on the same
    connection, and nothing waits on the connection afterwards."""
    from .conftest import GraphQL

    manager = shop.staff()
    order = shop.order()
    services.set_flag(order, note="hold", actor=Actor(user=manager))

    refused = GraphQL()(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)

    assert refused["data"]["orderFulfill"]["orderErrors"][0]["code"] == "INVALID"
    assert Event.objects.filter(order=order, type="ACTION_BLOCKED").count() == 1
    assert any(note.startswith("Shipping refused:") for note in shop.history_notes(order))
    assert line.Fulfillment.objects.filter(order=order).count() == 0
    assert not getattr(connection, refusals._PENDING, [])


def test_a_refusal_whose_order_a_rollback_took_away_is_dropped(shop, manager):
    """A transaction around the refused one rolled back the order as well (a test's
    does): nothing is written for it, and nothing waits any more."""
    from django.db import transaction

    with transaction.atomic():
        doomed = shop.order()
        services.set_flag(doomed, note="hold", actor=Actor(user=manager))
        with pytest.raises(ValidationError):
            shop.fulfill_in_python(doomed, manager)
        transaction.set_rollback(True)

    assert not Event.objects.filter(type="ACTION_BLOCKED").exists()
    assert not getattr(connection, refusals._PENDING, [])


def test_a_waiting_refusal_leaves_other_statement_wrappers_in_their_order(shop, manager, flagged):
    """Code that wraps statements for a while (Saleor 3's writer checks) pops the last
    wrapper when it ends: the refusal's own hook must not be the one it pops."""
    order, _flag = flagged

    def theirs(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    with connection.execute_wrapper(theirs):
        with pytest.raises(ValidationError):
            shop.fulfill_in_python(order, manager)
        assert connection.execute_wrappers[-1] is theirs
    assert theirs not in connection.execute_wrappers

    assert Event.objects.filter(order=order, type="ACTION_BLOCKED").count() == 1
    assert refusals._write_before not in connection.execute_wrappers
