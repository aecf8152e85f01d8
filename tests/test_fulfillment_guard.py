"""While an order needs attention it cannot be shipped, by any path."""
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_attention import facts, guards, services
from saleor_attention.actors import Actor
from saleor_attention.models import OrderFacts, SubscriptionFacts

from .documents import RELEASE_FLAGS, SET_FLAG, today


def set_manual(gql, order, manager, shop, note="Do not ship yet", **extra):
    response = gql(
        SET_FLAG,
        {"input": {"order": shop.order_id(order), "note": note, **extra}},
        as_=manager,
    )
    payload = response["data"]["attentionFlagSet"]
    assert payload["errors"] == []
    return payload["flag"]


def fulfill(gql, order, manager, shop):
    return gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"][
        "orderFulfill"
    ]


def test_set_blocks_fulfill_and_release_unblocks_it(gql, shop, manager, order):
    flag = set_manual(gql, order, manager, shop)

    refused = fulfill(gql, order, manager, shop)

    assert refused["fulfillments"] is None
    [error] = refused["orderErrors"]
    assert error["field"] == "order"
    assert error["code"] == "INVALID"
    assert "MANUAL" in error["message"] and "Do not ship yet" in error["message"]
    assert shop.fulfillment_count(order) == 0
    assert shop.status_of(order) == shop.NOT_SHIPPED

    released = gql(
        RELEASE_FLAGS,
        {"input": {"flags": [flag["id"]], "handledOn": today(), "comment": "確認済み"}},
        as_=manager,
    )["data"]["attentionFlagRelease"]
    assert released["errors"] == []
    assert released["remaining"] == []

    shipped = fulfill(gql, order, manager, shop)

    assert shipped["orderErrors"] == []
    assert len(shipped["fulfillments"]) == 1
    assert shop.fulfillment_count(order) == 1
    assert shop.status_of(order) == shop.SHIPPED


def test_refused_fulfill_writes_nothing_but_its_record(gql, shop, manager, order):
    set_manual(gql, order, manager, shop)
    notes_before = shop.history_notes(order)
    stock_before = [line.variant.stocks.get().quantity for line in order.lines.all()]

    fulfill(gql, order, manager, shop)

    # The refusal's own line (tests/test_refusals.py), nothing of the fulfillment's.
    [refusal] = shop.history_notes(order)[len(notes_before):]
    assert shop.history_notes(order)[:len(notes_before)] == notes_before
    assert refusal.startswith("Shipping refused:")
    assert [line.variant.stocks.get().quantity for line in order.lines.all()] == stock_before
    assert shop.reload(order).lines.get().quantity_fulfilled == 0


def test_releasing_one_of_two_flags_keeps_the_order_blocked(gql, shop, manager, order):
    first = set_manual(gql, order, manager, shop, note="Check the address")
    second = set_manual(gql, order, manager, shop, note="Customer called, hold")

    released = gql(
        RELEASE_FLAGS,
        {"input": {"flags": [first["id"]], "handledOn": today()}},
        as_=manager,
    )["data"]["attentionFlagRelease"]

    assert [flag["id"] for flag in released["remaining"]] == [second["id"]]
    assert released["warnings"][0]["code"] == "STILL_NEEDS_ATTENTION"
    refused = fulfill(gql, order, manager, shop)
    assert "Customer called, hold" in refused["orderErrors"][0]["message"]
    assert "Check the address" not in refused["orderErrors"][0]["message"]
    assert shop.fulfillment_count(order) == 0


def test_python_path_raises_and_writes_nothing(shop, manager, order):
    services.set_flag(order, note="hold", actor=Actor(user=manager))

    with pytest.raises(ValidationError) as raised:
        shop.fulfill_in_python(order, manager)

    assert "MANUAL" in str(raised.value)
    assert shop.fulfillment_count(order) == 0


def test_subscription_flag_blocks_every_order_of_the_subscription(gql, shop, manager):
    first = shop.order(metadata={"saleor_attention.subscription": "SUB-1"})
    fifth = shop.order(metadata={"saleor_attention.subscription": "SUB-1"})
    other = shop.order(metadata={"saleor_attention.subscription": "SUB-2"})

    set_manual(gql, first, manager, shop, scope="SUBSCRIPTION")

    assert fulfill(gql, fifth, manager, shop)["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(fifth) == 0
    assert fulfill(gql, other, manager, shop)["orderErrors"] == []


def test_reactivated_plugin_blocks_again(gql, shop, manager, order, configure):
    set_manual(gql, order, manager, shop)
    configure(active=False)
    configure(active=True)

    assert fulfill(gql, order, manager, shop)["orderErrors"][0]["code"] == "INVALID"


def counted(order):
    """What the guard reads: the order's own active flags and its subscription's."""
    facts = OrderFacts.objects.get(order_id=order.pk)
    subscription = SubscriptionFacts.objects.filter(subscription=facts.subscription).first()
    return facts.active_flags, subscription.active_flags if subscription else 0


def test_the_counts_the_guard_reads_follow_every_set_and_release(gql, shop, manager):
    first = shop.order(metadata={"saleor_attention.subscription": "SUB-C"})
    second = shop.order(metadata={"saleor_attention.subscription": "SUB-C"})
    own = set_manual(gql, first, manager, shop)
    set_manual(gql, first, manager, shop, note="second hold", handle="second")
    shared = set_manual(gql, second, manager, shop, scope="SUBSCRIPTION")
    assert counted(first) == (2, 1) and counted(second) == (0, 1)

    for flag in (own, shared):
        response = gql(RELEASE_FLAGS, {"input": {"flags": [flag["id"]], "handledOn": today()}},
                       as_=manager)
        assert response["data"]["attentionFlagRelease"]["errors"] == []
    assert counted(first) == (1, 0) and counted(second) == (0, 0)
    assert fulfill(gql, second, manager, shop)["orderErrors"] == []
    assert fulfill(gql, first, manager, shop)["orderErrors"][0]["code"] == "INVALID"


def test_the_guard_costs_one_statement_on_an_order_that_may_ship(shop, order):
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        guards.check_fulfillment(order.pk)

    assert len(captured.captured_queries) == 1


def test_an_order_from_before_the_plugin_is_checked_in_full(gql, shop, manager, order):
    OrderFacts.objects.filter(order_id=order.pk).delete()  # as if placed before install
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        guards.check_fulfillment(order.pk)
    assert len(captured.captured_queries) > 1

    set_manual(gql, order, manager, shop)
    assert counted(order) == (1, 0)
    assert fulfill(gql, order, manager, shop)["orderErrors"][0]["code"] == "INVALID"


def test_order_fulfill_reads_the_plugins_facts_once(gql, shop, manager, order):
    """The guard's statement also answers the order-updated hook's question (is there
    a credit-checked amount to compare?), under the lock it holds to the end."""
    with CaptureQueriesContext(connection) as captured:
        assert fulfill(gql, order, manager, shop)["orderErrors"] == []

    facts_reads = [query for query in captured.captured_queries
                   if OrderFacts._meta.db_table in query["sql"]]
    assert len(facts_reads) == 1


def test_the_guards_answer_holds_only_while_its_lock_does(shop, order):
    def checked_amount_read():
        with CaptureQueriesContext(connection) as captured:
            answer = facts.has_checked_amount(order)
        return answer, len(captured.captured_queries)

    with transaction.atomic():
        guards.check_fulfillment(order.pk)
        assert checked_amount_read() == (False, 0)
        # The transaction's own credit check changes what the guard read.
        services.report_credit_check(order, "00", "np-guard", amount=order.total_gross_amount)
        assert checked_amount_read() == (True, 1)
    assert checked_amount_read() == (True, 1)

    other = shop.order()
    with transaction.atomic():
        with transaction.atomic():  # a savepoint rolled back releases the guard's lock
            guards.check_fulfillment(other.pk)
            transaction.set_rollback(True)
        with CaptureQueriesContext(connection) as captured:
            assert not facts.has_checked_amount(other)
        assert len(captured.captured_queries) == 1


@pytest.mark.django_db(transaction=True)
def test_the_guards_answer_ends_with_its_transaction(shop):
    order = shop.order()
    with transaction.atomic():
        guards.check_fulfillment(order.pk)
        with CaptureQueriesContext(connection) as captured:
            assert not facts.has_checked_amount(order)
        assert len(captured.captured_queries) == 0

    with CaptureQueriesContext(connection) as captured:
        assert not facts.has_checked_amount(order)
    assert len(captured.captured_queries) == 1
