"""One change of an order is one batch: one lock, the flags inserted together, one
audit insert, one history note, one mirror write, one announcement after commit, and
the plugin does not react to its own announcement."""
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_attention import lifecycle
from saleor_attention.mirror import SUMMARY_KEY
from saleor_attention.models import BlacklistEntry, Event, Flag, OrderFacts
from saleor_attention.rules import FlagToRaise

HACHIJO = "100-1401"  # 八丈島八丈町
COD = "cash-on-delivery"
RULE_REASONS = (
    "REMOTE_ISLAND", "COD_NOT_ALLOWED", "BLACKLIST_CANDIDATE", "PAYMENT_FAILED",
    "DELIVERY_RETURNED",
)


def flags(k, scope="ORDER", tag=""):
    return [FlagToRaise(reason, f"batch{tag}:{reason}", scope=scope) for reason in RULE_REASONS[:k]]


def link(order, **facts):
    OrderFacts.objects.update_or_create(order_id=order.pk, defaults=facts)


def statements_of(change):
    with CaptureQueriesContext(connection) as captured:
        with transaction.atomic():
            change()
    return [query["sql"] for query in captured.captured_queries]


def test_an_order_matching_three_rules_is_flagged_in_one_batch(gql, shop, manager, configure):
    configure(
        remote_island_check="true", cod_payment_gateways=COD, cod_allowed_regular_orders="false",
        history_language="ja", active=True,
    )
    BlacklistEntry.objects.create(phone="090-1111-2222")

    order = shop.place_order(
        gql, manager, postal_code=HACHIJO, payment_gateway=COD, phone="09011112222"
    )

    active = Flag.objects.filter(order=order, status="ACTIVE")
    assert sorted(active.values_list("reason", flat=True)) == [
        "BLACKLIST_CANDIDATE", "COD_NOT_ALLOWED", "REMOTE_ISLAND"]
    assert Event.objects.filter(order=order, type="FLAG_SET").count() == 3
    notes = [note for note in shop.history_notes(order) if "要対応 設定" in note]
    assert len(notes) == 1 and notes[0].count("要対応 設定") == 3
    summary = json.loads(shop.reload(order).private_metadata[SUMMARY_KEY])
    assert sorted(flag["reason"] for flag in summary["flags"]) == sorted(
        active.values_list("reason", flat=True))


@pytest.mark.parametrize("scope", ["ORDER", "SUBSCRIPTION"])
def test_statements_do_not_grow_with_the_flags_of_a_change(shop, scope):
    counts = {}
    for k in range(1, 6):
        order = shop.order()
        if scope == "SUBSCRIPTION":
            link(order, subscription=f"S-{k}")
        counts[k] = len(statements_of(lambda: lifecycle.raise_flags(order, flags(k, scope))))

    assert len(set(counts.values())) == 1, counts
    # savepoint, lock, active flags (a subscription's), flags, one statement of audit
    # events, history note and metadata mirror, savepoint released
    assert counts[1] <= 6, counts


def test_statements_do_not_grow_with_the_subscription(shop):
    counts = {}
    for size in (1, 20):
        orders = [shop.order() for _ in range(size)]
        for order in orders:
            link(order, subscription=f"S-size-{size}")
        change = lambda: lifecycle.raise_flags(orders[0], flags(3, "SUBSCRIPTION", size))  # noqa: E731
        counts[size] = len(statements_of(change))

    assert counts[1] == counts[20], counts


def test_a_change_is_announced_once_after_commit_and_not_reacted_to(shop):
    order = shop.order()
    link(order, credit_checked_amount=order.total_gross_amount)

    with transaction.atomic():
        waiting = len(connection.run_on_commit)
        assert lifecycle.raise_flags(order, flags(3)) == 3
        after_commit = connection.run_on_commit[waiting:]
        # COD_NOT_ALLOWED's customer e-mail is queued after the commit too.
        announcements = [item for item in after_commit
                         if item[1].__module__ != "saleor_attention.notifications.emails"]
        assert (len(announcements), len(after_commit)) == (1, 2)
        with CaptureQueriesContext(connection) as captured:
            announcements[0][1]()  # what runs once the change commits
    touched = " ".join(query["sql"] for query in captured.captured_queries)
    assert "saleor_attention" not in touched


def test_a_cause_already_active_is_the_same_flag_and_writes_nothing(shop):
    order = shop.order()
    lifecycle.raise_flags(order, flags(2))
    events = Event.objects.count()

    statements = statements_of(lambda: lifecycle.raise_flags(order, flags(2)))

    assert Flag.objects.filter(order=order).count() == 2
    assert Event.objects.count() == events
    assert not [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_flags_inserted_together_give_the_order_its_age_and_search_keys_once(shop):
    """One statement-level trigger (migration 0015) does per order what 0010's did
    per flag: the oldest flag's time, the search keys, and the count beside them."""
    order = shop.order()

    assert lifecycle.raise_flags(order, flags(3)) == 3

    row = OrderFacts.objects.get(order_id=order.pk)
    created = Flag.objects.filter(order=order).values_list("created_at", flat=True)
    assert row.active_flags == 3
    assert row.attention_since == min(created)
    assert row.search_keys
    with connection.cursor() as cursor:
        cursor.execute("SELECT saleor_attention_order_search_keys(%s)", [order.pk])
        assert row.search_keys == cursor.fetchone()[0]
