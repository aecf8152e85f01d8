"""attentionFlags: the staff work queue across all orders."""
import datetime

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_attention import services
from saleor_attention.actors import RULES
from saleor_attention.models import Flag

from .documents import ATTENTION_FLAGS


def query(gql, manager, **variables):
    response = gql(ATTENTION_FLAGS, {"first": 50, **variables}, as_=manager)
    assert "errors" not in response, response
    return response["data"]["attentionFlags"]


def reasons(page):
    return [edge["node"]["reason"] for edge in page["edges"]]


@pytest.fixture
def queue(shop):
    island = shop.order(metadata={"saleor_attention.subscription": "SUB-7"})
    card = shop.order()
    services.set_flag(island, "REMOTE_ISLAND", handle="i", actor=RULES)
    services.set_flag(island, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r")
    paid = services.set_flag(card, "PAYMENT_FAILED", handle="p").flag
    services.release_flags(card, flag_ids=[paid.pk], handled_on=timezone.localdate())
    old = services.set_flag(card, note="old hold", handle="old").flag
    Flag.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    return {"island": island, "card": card}


def test_newest_first_by_default(gql, manager, queue):
    page = query(gql, manager)
    assert page["totalCount"] == 4
    assert reasons(page) == ["PAYMENT_FAILED", "RENEWAL_PAYMENT_FAILED", "REMOTE_ISLAND", "MANUAL"]


@pytest.mark.parametrize(
    "filter, expected",
    [
        ({"status": "ACTIVE"}, {"RENEWAL_PAYMENT_FAILED", "REMOTE_ISLAND", "MANUAL"}),
        ({"status": "RELEASED"}, {"PAYMENT_FAILED"}),
        ({"reasons": ["REMOTE_ISLAND", "MANUAL"]}, {"REMOTE_ISLAND", "MANUAL"}),
        ({"scope": "SUBSCRIPTION"}, {"RENEWAL_PAYMENT_FAILED"}),
        ({"source": "RULE"}, {"REMOTE_ISLAND", "RENEWAL_PAYMENT_FAILED", "PAYMENT_FAILED", "MANUAL"}),
        ({"subscription": "SUB-7"}, {"RENEWAL_PAYMENT_FAILED"}),
        ({"overdue": True}, {"MANUAL"}),
        ({"overdue": False}, {"RENEWAL_PAYMENT_FAILED", "REMOTE_ISLAND", "PAYMENT_FAILED"}),
    ],
)
def test_filters(gql, manager, queue, filter, expected):
    assert set(reasons(query(gql, manager, filter=filter))) == expected


def test_filter_by_order_includes_its_subscription_flags(gql, shop, manager, queue):
    page = query(gql, manager, filter={"order": shop.order_id(queue["island"])})
    assert set(reasons(page)) == {"REMOTE_ISLAND", "RENEWAL_PAYMENT_FAILED"}


def test_filter_by_order_number(gql, shop, manager, queue):
    number = shop.order_number(queue["island"])
    page = query(gql, manager, filter={"order": number})
    assert set(reasons(page)) == {"REMOTE_ISLAND", "RENEWAL_PAYMENT_FAILED"}
    assert reasons(query(gql, manager, filter={"order": f" {number} "})) == reasons(page)


def test_filter_by_an_unknown_order_number_is_not_found(gql, manager, queue):
    response = gql(ATTENTION_FLAGS, {"first": 10, "filter": {"order": "2147483647"}}, as_=manager)
    assert response["data"]["attentionFlags"] is None
    assert response["errors"][0]["message"] == "No such order: 2147483647"


def test_filter_by_creation_range(gql, manager, queue):
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    page = query(gql, manager, filter={"created": {"gte": since}})
    assert "MANUAL" not in reasons(page) and page["totalCount"] == 3


def test_overdue_follows_the_setting(gql, manager, queue, configure):
    assert configure(overdue_after_days="30")["errors"] == []
    assert reasons(query(gql, manager, filter={"overdue": True})) == []


def test_overdue_flags_by_age_or_by_a_due_date_that_passed(gql, shop, manager, configure):
    """Overdue: older than the setting, or its due date passed; newest first, also
    when a recent flag's due date has passed (its own bound on the index walk)."""
    assert configure(overdue_after_days="3")["errors"] == []
    today = timezone.localdate()
    flags = {}
    for name, age_days, due_on in [
        ("old", 10, None), ("recent", 0, None),
        ("recent past due", 1, today - datetime.timedelta(days=1)),
        ("recent due later", 0, today + datetime.timedelta(days=5)), ("old past due", 20, today),
    ]:
        flag = services.set_flag(shop.order(), note=name, handle=name).flag
        Flag.objects.filter(pk=flag.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=age_days), due_on=due_on)
        flags[name] = flag

    def notes(overdue):
        page = query(gql, manager, filter={"overdue": overdue, "status": "ACTIVE"})
        return [Flag.objects.get(pk=graphene.Node.from_global_id(edge["node"]["id"])[1]).note
                for edge in page["edges"]]

    assert notes(True) == ["recent past due", "old", "old past due"]
    assert notes(False) == ["recent due later", "recent"]


def test_pages_do_not_skip_or_repeat(gql, shop, manager):
    order = shop.order()
    for n in range(7):
        services.set_flag(order, note=f"hold {n}")
    seen, after = [], None
    while True:
        page = query(gql, manager, first=3, after=after)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_pages_sorted_by_order_follow_the_orders(gql, shop, manager, direction):
    """Past the first page, a sort by order reads the page's flags first, then their
    orders (pagination.keyset_page): the same rows, in the same order."""
    for order in [shop.order() for _ in range(3)]:
        for n in range(2):
            services.set_flag(order, note=f"hold {n}")
    sign = "-" if direction == "DESC" else ""
    expected = [
        graphene.Node.to_global_id("AttentionFlag", pk)
        for pk in Flag.objects.order_by(f"{sign}order_id", f"{sign}pk").values_list("pk", flat=True)
    ]
    seen, after = [], None
    while True:
        page = query(gql, manager, first=4, after=after,
                     sortBy={"field": "ORDER", "direction": direction})
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_sort_by_reason(gql, manager, queue, direction):
    page = query(gql, manager, sortBy={"field": "REASON", "direction": direction})
    assert reasons(page) == sorted(reasons(page), reverse=direction == "DESC")


def test_first_is_required_and_capped(gql, manager, queue):
    for first in (None, 0, 101):
        response = gql(ATTENTION_FLAGS, {"first": first}, as_=manager)
        assert response["data"]["attentionFlags"] is None
        assert "first" in response["errors"][0]["message"]


PAGE_WITH_ATTENTION = """
query Page($filter: AttentionFlagFilterInput) {
  attentionFlags(first: 20, filter: $filter) { edges { node {
    reason order { number attention { required blockedActions } }
  } } }
}
"""


def flag_reads(gql, manager, filter):
    """The page's attention per order, and the statements that read the flags."""
    with CaptureQueriesContext(connection) as captured:
        response = gql(PAGE_WITH_ATTENTION, {"filter": filter}, as_=manager)
    assert "errors" not in response, response
    attention = {edge["node"]["order"]["number"]: edge["node"]["order"]["attention"]
                 for edge in response["data"]["attentionFlags"]["edges"]}
    table = Flag._meta.db_table
    return attention, sum(table in query["sql"] for query in captured.captured_queries)


def test_a_page_reads_no_flag_for_its_orders_attention(gql, shop, manager, queue):
    """Their facts count their own active flags, and the page reads how many their
    subscription has: `required` and `blockedActions` follow both counts."""
    card, island = (shop.order_number(queue[name]) for name in ("card", "island"))
    attention, reads = flag_reads(gql, manager, {"order": card})
    assert attention == {card: {"required": True, "blockedActions": [
        "FULFILL", "AUTOMATIC_CHARGE", "CUSTOMER_CHANGES"]}}
    assert reads == 1  # the page itself

    attention, reads = flag_reads(gql, manager, {})
    assert attention[island] == {"required": True, "blockedActions": [
        "FULFILL", "AUTOMATIC_CHARGE", "SUBSCRIPTION_RENEWAL", "CUSTOMER_CHANGES"]}
    assert attention[card]["blockedActions"] == ["FULFILL", "AUTOMATIC_CHARGE", "CUSTOMER_CHANGES"]
    assert reads == 1

    for order in (queue["card"], queue["island"]):  # their own flags
        services.release_flags(order, flag_ids=[
            flag.pk for flag in Flag.objects.filter(order=order, scope="ORDER", status="ACTIVE")
        ], handled_on=timezone.localdate())
    attention, reads = flag_reads(gql, manager, {})
    assert attention[card] == {"required": False, "blockedActions": []}
    # The subscription's flag alone still holds the island order.
    assert attention[island] == {"required": True, "blockedActions": [
        "FULFILL", "AUTOMATIC_CHARGE", "SUBSCRIPTION_RENEWAL"]}
    assert reads == 1

    services.release_flags(queue["island"], flag_ids=[
        flag.pk for flag in Flag.objects.filter(subscription="SUB-7", status="ACTIVE")
    ], handled_on=timezone.localdate())
    attention, reads = flag_reads(gql, manager, {"order": island})
    assert attention == {island: {"required": False, "blockedActions": []}}
    assert reads == 1
