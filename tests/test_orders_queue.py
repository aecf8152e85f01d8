"""attentionOrders: the staff's work list, one row per order that needs attention,
through the served API; and attentionReasonCounts, its badge."""
import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_attention import normalize, services
from saleor_attention import queue as order_queue  # `queue` is the fixture below
from saleor_attention.actors import Actor
from saleor_attention.line import LINE, ORDER_CREATED_FIELD
from saleor_attention.orders import numbered
from saleor_attention.models import Flag, OrderFacts, ReasonCount, SubscriptionFacts

from .documents import ATTENTION_FLAGS, ATTENTION_ORDERS, REASON_COUNTS, shop_date, today

SUBSCRIPTION_KEY = "saleor_attention.subscription"
PLANNED_KEY = "saleor_attention.planned_shipping_date"


def query(gql, manager, **variables):
    response = gql(ATTENTION_ORDERS, {"first": 50, **variables}, as_=manager)
    assert "errors" not in response, response
    return response["data"]["attentionOrders"]


def numbers(page):
    return [edge["node"]["orderNumber"] for edge in page["edges"]]


def named(shop, order, last, first, metadata=None):
    """Give the order's addresses another name (the builders' is 山田 太郎), then its
    metadata, as a shop's order is named before a subscription app links it (the
    link takes the order's search keys)."""
    for address in (order.billing_address, order.shipping_address):
        address.last_name, address.first_name = last, first
        address.save()
    if metadata:
        order.private_metadata = {**(order.private_metadata or {}), **metadata}
        order.save()
    return order


def backdate(flag, days):
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def queue(shop):
    """island: its own flag and its subscription's; sibling: only the subscription's;
    card: an overdue flag and a released one; clean: nothing."""
    staff = Actor(user=shop.staff())
    island = named(shop, shop.order(phone="+819012345678"), "佐藤", "一郎",
                   {SUBSCRIPTION_KEY: "SUB-Q", PLANNED_KEY: "2030-01-10"})
    sibling = named(shop, shop.order(), "やまだ", "はなこ",
                    {SUBSCRIPTION_KEY: "SUB-Q", PLANNED_KEY: "2030-01-05"})
    card = shop.order(user=shop.customer())
    clean = shop.order()
    own = services.set_flag(island, "REMOTE_ISLAND", handle="i").flag
    backdate(own, 2)
    services.set_flag(island, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r")
    paid = services.set_flag(card, "PAYMENT_FAILED", handle="p").flag
    services.release_flags(card, flag_ids=[paid.pk], handled_on=timezone.localdate())
    backdate(services.set_flag(card, note="hold", handle="old", actor=staff).flag, 10)
    number = {name: shop.order_number(order) for name, order in
              dict(island=island, sibling=sibling, card=card, clean=clean).items()}
    return {"island": island, "sibling": sibling, "card": card, "clean": clean, **{
        f"{name}_number": value for name, value in number.items()}}


def test_one_row_per_order_that_needs_attention_oldest_first(gql, manager, queue):
    page = query(gql, manager)

    assert page["totalCount"] == 3
    assert numbers(page) == [queue["card_number"], queue["island_number"], queue["sibling_number"]]
    card, island, sibling = [edge["node"] for edge in page["edges"]]
    assert [flag["reason"] for flag in island["flags"]] == ["RENEWAL_PAYMENT_FAILED", "REMOTE_ISLAND"]
    assert [flag["reason"] for flag in sibling["flags"]] == ["RENEWAL_PAYMENT_FAILED"]
    assert [flag["reason"] for flag in card["flags"]] == ["MANUAL"]
    assert (card["age"], card["overdue"]) == (10, True)
    assert (island["age"], island["overdue"]) == (2, False)
    assert (sibling["age"], sibling["overdue"]) == (0, False)
    assert island["plannedShippingDate"] == "2030-01-10" and card["plannedShippingDate"] is None
    assert island["order"]["number"] == queue["island_number"]
    assert island["order"]["attention"]["required"] is True


def test_customer_as_saleor_shows_staff(gql, manager, queue):
    rows = {edge["node"]["orderNumber"]: edge["node"] for edge in query(gql, manager)["edges"]}

    island, card = rows[queue["island_number"]], rows[queue["card_number"]]
    assert island["customer"] == {
        "email": queue["island"].user_email, "name": "佐藤 一郎", "phone": "+819012345678",
    }
    assert card["customer"]["email"] == queue["card"].user.email
    assert set(island["customer"]) == {"email", "name", "phone"}  # no Saleor User


@pytest.mark.parametrize(
    "filter, expected",
    [
        ({"reasons": ["REMOTE_ISLAND"]}, {"island"}),
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"]}, {"island", "sibling"}),
        ({"reasons": ["PAYMENT_FAILED"]}, set()),  # released
        ({"reasons": ["MANUAL", "REMOTE_ISLAND"]}, {"island", "card"}),
        ({"scope": "ORDER"}, {"island", "card"}),
        ({"scope": "SUBSCRIPTION"}, {"island", "sibling"}),
        ({"source": "STAFF"}, {"card"}),
        ({"source": "RULE"}, {"island", "sibling"}),
        ({"source": "APP"}, set()),
        # One flag must match them all: the subscription flag is no ORDER flag.
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"], "scope": "ORDER"}, set()),
        ({"source": "RULE", "scope": "ORDER"}, {"island"}),
        ({"overdue": True}, {"card"}),
        ({"overdue": False}, {"island", "sibling"}),
        ({"overdue": False, "scope": "ORDER"}, {"island"}),
    ],
)
def test_filters(gql, manager, queue, filter, expected):
    page = query(gql, manager, filter=filter)
    assert set(numbers(page)) == {queue[f"{name}_number"] for name in expected}
    assert page["totalCount"] == len(expected)


def test_overdue_follows_the_setting(gql, manager, queue, configure):
    assert configure(overdue_after_days="30")["errors"] == []
    page = query(gql, manager, filter={"overdue": True})
    assert numbers(page) == []
    assert not any(edge["node"]["overdue"] for edge in query(gql, manager)["edges"])


@pytest.mark.parametrize(
    "sort, expected",
    [
        (("AGE", "DESC"), ["card", "island", "sibling"]),
        (("AGE", "ASC"), ["sibling", "island", "card"]),
        # Undated orders after dated ones.
        (("PLANNED_SHIPPING_DATE", "ASC"), ["sibling", "island", "card"]),
        (("PLANNED_SHIPPING_DATE", "DESC"), ["card", "island", "sibling"]),
        (("CREATED", "ASC"), ["island", "sibling", "card"]),
        (("CREATED", "DESC"), ["card", "sibling", "island"]),
    ],
)
def test_sorts(gql, manager, queue, sort, expected):
    page = query(gql, manager, sortBy={"field": sort[0], "direction": sort[1]})
    assert numbers(page) == [queue[f"{name}_number"] for name in expected]


@pytest.mark.parametrize(
    "search, expected",
    [
        ("{island_number}", {"island"}),
        (" {card_number} ", {"card"}),
        ("{clean_number}", set()),  # an order that needs no attention
        ("{card_email}", {"card"}),
        ("{card_email_upper}", {"card"}),  # full width, upper case
        ("{card_email_part}", {"card"}),
        ("佐藤一郎", {"island"}),
        ("佐藤　一郎", {"island"}),  # a full-width space
        ("一郎 佐藤", {"island"}),  # given name first
        ("佐藤", {"island"}),
        ("ヤマダ", {"sibling"}),  # typed in katakana, stored in hiragana
        ("ﾔﾏﾀﾞ ﾊﾅｺ", {"sibling"}),  # half-width katakana
        ("やまだはなこ", {"sibling"}),
        ("山田", {"card"}),  # the builders' 山田 太郎
        ("090-1234-5678", {"island"}),
        ("０９０ー１２３４ー５６７８", {"island"}),  # full width, a long-vowel mark as hyphen
        ("+81 90 1234 5678", {"island"}),
        ("090-0000-0000", set()),
        ("nobody@example.com", set()),
        ("100%_", set()),  # LIKE's wildcards are plain characters
    ],
)
def test_search(gql, manager, queue, search, expected):
    email = queue["card"].user.email
    text = search.format(
        card_email=email,
        card_email_upper=email.upper().replace("@", "＠").replace("C", "Ｃ"),
        card_email_part=email.split("@")[0],
        **{key: value for key, value in queue.items() if key.endswith("_number")},
    )
    page = query(gql, manager, filter={"search": text})
    assert set(numbers(page)) == {queue[f"{name}_number"] for name in expected}
    assert page["totalCount"] == len(expected)


@pytest.fixture
def taro(shop):
    """Two flagged orders, one's email a part of the other's."""
    numbers = {}
    for email in ("taro@example.com", "yamada.taro@example.com"):
        order = shop.order()
        shop.Order.objects.filter(pk=order.pk).update(user_email=email)
        order.refresh_from_db()
        services.set_flag(order, "PAYMENT_FAILED", handle="p")
        numbers[email] = shop.order_number(order)
    return numbers


@pytest.mark.parametrize(
    "search, expected",
    [
        ("taro@example.com", {"taro@example.com"}),
        ("ＴＡＲＯ＠ｅｘａｍｐｌｅ.ｃｏｍ", {"taro@example.com"}),  # full width, upper case
        ("taro@", {"taro@example.com", "yamada.taro@example.com"}),
        ("ro@", {"taro@example.com", "yamada.taro@example.com"}),  # no trigram
        ("a.taro@", {"yamada.taro@example.com"}),
        ("taro@example", {"taro@example.com", "yamada.taro@example.com"}),
        ("taro@other", set()),
        ("@example.com", {"taro@example.com", "yamada.taro@example.com"}),
        ("jiro@example.com", set()),
        ("%@example.com", set()),  # LIKE's wildcards are plain characters
        ("_aro@", set()),
    ],
)
def test_an_email_is_found_whole_or_across_its_at(gql, manager, taro, search, expected):
    """A whole address finds that address; part of one across its @ every address
    that holds it (both read from the index of mailboxes of migration 0026); part of
    a domain, every address that holds it too."""
    page = query(gql, manager, filter={"search": search})
    assert set(numbers(page)) == {taro[email] for email in expected}
    assert page["totalCount"] == len(expected)


def test_search_with_a_filter_and_a_sort(gql, manager, queue):
    page = query(
        gql, manager, filter={"search": "佐藤", "scope": "SUBSCRIPTION", "overdue": False},
        sortBy={"field": "CREATED", "direction": "DESC"},
    )
    assert numbers(page) == [queue["island_number"]]


@pytest.mark.parametrize(
    "search, expected",
    [
        ("一郎", {"island"}),  # a given name of two characters
        ("ﾊﾅ", {"sibling"}),  # half-width, stored in hiragana
        ("藤一", {"island"}),  # any part of a key, as a longer text
        ("郎佐", {"island"}),  # 一郎佐藤: given name first
        ("田中", set()),
        ("佐", {"island"}),  # one character: compared in each row
    ],
)
def test_a_name_of_two_characters_is_found_by_its_pairs(gql, manager, queue, search, expected):
    page = query(gql, manager, filter={"search": search})
    assert set(numbers(page)) == {queue[f"{name}_number"] for name in expected}
    assert page["totalCount"] == len(expected)


def test_a_common_pair_is_compared_with_like_alone(gql, manager, shop):
    """A pair of characters that PostgreSQL's statistics of the pair index find in the
    keys of one order in 50 or more is compared with LIKE alone, without making each
    walked row's pairs; a pair the statistics do not count keeps its pairs, so that
    the pair index can be read. Either finds the orders that hold it."""
    flagged = [shop.order() for _ in range(3)]  # the builders' 山田 太郎
    for order in flagged:
        services.set_flag(order, "PAYMENT_FAILED")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE saleor_attention_orderfacts")
    order_queue.forget_planning_reads()

    def searched(text):
        with CaptureQueriesContext(connection) as captured:
            found = numbers(query(gql, manager, filter={"search": text}))
        pairs_made = any(
            "saleor_attention_key_pairs" in statement["sql"]
            for statement in captured.captured_queries
        )
        return sorted(found), pairs_made

    everyone = sorted(shop.order_number(order) for order in flagged)
    assert searched("山田") == (everyone, False)
    assert searched("太郎") == (everyone, False)
    assert searched("田中") == ([], True)


def test_sql_key_pairs_are_every_two_characters_within_a_key():
    pairs = _sql("saleor_attention_key_pairs", "\tab@x\t山田太郎\t\t1\t")
    assert sorted(pairs) == sorted(["ab", "b@", "@x", "山田", "田太", "太郎"])
    assert _sql("saleor_attention_key_pairs", None) is None


@pytest.mark.parametrize(
    "filter, expected",
    [
        ({"reasons": ["REMOTE_ISLAND"]}, {"island"}),
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"]}, {"island", "sibling"}),
        ({"reasons": ["PAYMENT_FAILED"]}, set()),  # released: no active flag at all
        ({"reasons": ["MANUAL", "REMOTE_ISLAND"]}, {"island", "card"}),
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"], "scope": "ORDER"}, set()),
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"], "scope": "SUBSCRIPTION"}, {"island", "sibling"}),
        ({"reasons": ["RENEWAL_PAYMENT_FAILED"], "source": "RULE"}, {"island", "sibling"}),
        ({"reasons": ["MANUAL"], "source": "RULE"}, set()),
        ({"reasons": ["MANUAL", "REMOTE_ISLAND"], "overdue": False, "search": "佐藤"}, {"island"}),
    ],
)
@pytest.mark.parametrize("sort", ["AGE", "DUE_DATE"])
def test_rare_reasons_are_read_from_their_orders(gql, manager, queue, monkeypatch, filter,
                                                  expected, sort):
    monkeypatch.setattr(order_queue, "RARE_SHARE", 1)  # every reason rare, here
    with CaptureQueriesContext(connection) as captured:
        page = query(gql, manager, filter=filter, sortBy={"field": sort, "direction": "ASC"})
    assert set(numbers(page)) == {queue[f"{name}_number"] for name in expected}
    assert page["totalCount"] == len(expected)
    assert any("kinded AS" in statement["sql"] for statement in captured.captured_queries)


def test_a_common_reason_walks_the_queue(gql, manager, queue):
    with CaptureQueriesContext(connection) as captured:
        assert set(numbers(query(gql, manager, filter={"reasons": ["MANUAL"]}))) == {
            queue["card_number"]}
    assert not any("kinded AS" in statement["sql"] for statement in captured.captured_queries)


def test_a_reason_without_active_flags_is_rare(gql, manager, queue):
    with CaptureQueriesContext(connection) as captured:
        assert numbers(query(gql, manager, filter={"reasons": ["DELIVERY_RETURNED"]})) == []
    assert any("kinded AS" in statement["sql"] for statement in captured.captured_queries)


def test_a_page_and_its_count_work_the_filter_out_once(gql, manager, queue):
    """totalCount counts what the page shows, with what the page worked out: the order
    number searched for is looked up once, the badge's counts (are the reasons
    rare?) are read once."""
    text = queue["island_number"]
    with CaptureQueriesContext(connection) as lookup:
        order_queue.Search.of(text)
    with CaptureQueriesContext(connection) as captured:
        page = query(gql, manager, filter={"search": text, "reasons": ["REMOTE_ISLAND"]})

    assert numbers(page) == [text] and page["totalCount"] == 1
    statements = [query["sql"] for query in captured.captured_queries]
    [number_lookup] = [query["sql"] for query in lookup.captured_queries]
    assert statements.count(number_lookup) == 1
    assert sum(ReasonCount._meta.db_table in sql for sql in statements) == 1


def test_reason_counts(gql, manager, queue):
    response = gql(REASON_COUNTS, as_=manager)
    counts = {row["reason"]: row["flags"] for row in response["data"]["attentionReasonCounts"]}
    assert counts["REMOTE_ISLAND"] == counts["RENEWAL_PAYMENT_FAILED"] == counts["MANUAL"] == 1
    assert counts["PAYMENT_FAILED"] == 0  # released
    assert "BLACKLISTED_CUSTOMER" in counts  # every reason, for a stable badge list


@pytest.mark.parametrize(
    "sort", [("AGE", "DESC"), ("AGE", "ASC"), ("PLANNED_SHIPPING_DATE", "ASC"),
             ("PLANNED_SHIPPING_DATE", "DESC"), ("CREATED", "ASC"), ("CREATED", "DESC")]
)
def test_pages_do_not_skip_or_repeat(gql, shop, manager, sort):
    subscribed = [shop.order(metadata={SUBSCRIPTION_KEY: "SUB-P"}) for _ in range(3)]
    services.set_flag(subscribed[0], "MANUAL", scope="SUBSCRIPTION", note="hold")
    for n in range(5):
        order = shop.order(metadata={PLANNED_KEY: "2030-02-01"} if n % 2 else None)
        services.set_flag(order, note=f"hold {n}")
    seen, after = [], None
    while True:
        page = query(gql, manager, first=3, after=after, sortBy={"field": sort[0], "direction": sort[1]})
        seen += numbers(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 8
    assert seen == numbers(query(gql, manager, sortBy={"field": sort[0], "direction": sort[1]}))


def test_a_released_order_leaves_the_queue(gql, shop, manager, queue):
    services.release_flags(queue["card"], scope="ORDER", handled_on=timezone.localdate())
    assert queue["card_number"] not in numbers(query(gql, manager))


def test_the_age_follows_the_oldest_flag_still_active(gql, shop, manager):
    order = shop.order()
    old = services.set_flag(order, note="old", handle="old").flag
    backdate(old, 5)
    backdate(services.set_flag(order, note="newer", handle="newer").flag, 1)
    assert query(gql, manager)["edges"][0]["node"]["age"] == 5
    services.release_flags(order, flag_ids=[old.pk], handled_on=timezone.localdate())
    assert query(gql, manager)["edges"][0]["node"]["age"] == 1


@pytest.mark.parametrize("first", [None, 0, 101])
def test_first_is_required_and_capped(gql, manager, queue, first):
    response = gql(ATTENTION_ORDERS, {"first": first}, as_=manager)
    assert response["data"]["attentionOrders"] is None
    assert "first" in response["errors"][0]["message"]


def test_pages_forward_only(gql, manager, queue):
    response = gql("{ attentionOrders(last: 5) { totalCount } }", as_=manager)
    assert "forward" in response["errors"][0]["message"]


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "WzEsIDJd", "WyJub3QgYSBkYXRlIiwgIjEiXQ==", "WyIyMDI2LTAxLTAxIiwgIngiXQ=="],
)
def test_bad_cursor_is_an_error_not_a_crash(gql, manager, queue, cursor):
    response = gql(ATTENTION_ORDERS, {"first": 5, "after": cursor}, as_=manager)
    assert response["data"]["attentionOrders"] is None
    assert response["errors"][0]["message"] == "Invalid cursor."


def test_a_cursor_of_another_sort_is_refused(gql, manager, queue):
    cursor = query(gql, manager, first=1)["pageInfo"]["endCursor"]  # AGE: a time
    response = gql(
        ATTENTION_ORDERS,
        {"first": 5, "after": cursor, "sortBy": {"field": "PLANNED_SHIPPING_DATE", "direction": "ASC"}},
        as_=manager,
    )
    assert response["errors"][0]["message"] == "Invalid cursor."


@pytest.mark.parametrize(
    "search, code, message",
    [("a\x00b", "INVALID", "search contains a NUL character."),
     ("x" * 256, "TOO_LONG", "search is longer than 255.")],
)
def test_bad_search_is_a_typed_error(gql, manager, queue, search, code, message):
    response = gql(ATTENTION_ORDERS, {"first": 5, "filter": {"search": search}}, as_=manager)
    assert response["data"]["attentionOrders"] is None
    [error] = response["errors"]
    assert error["message"] == message
    if LINE != "saleor_v2":  # 2.10's view replaces an error's extensions with its own
        assert (error["extensions"]["field"], error["extensions"]["code"]) == ("search", code)


def test_unknown_reason_is_refused_by_the_schema(gql, manager, queue):
    response = gql(ATTENTION_ORDERS, {"first": 5, "filter": {"reasons": ["NOPE"]}}, as_=manager)
    assert response["errors"] and not response.get("data")


@pytest.mark.parametrize("reason", ["MANUAL' OR 'x", "manual", "MANUAL *"])
def test_only_flag_kinds_are_written_into_the_queue_sql(queue, reason):
    """The kinds a filter asks for are written into the page's SQL (kept plans fit any
    call): whatever passes the schema is a code, and the SQL takes nothing else."""
    plan = order_queue.Plan(
        order_queue.QueueFilter(reasons=(reason,)), order_queue.Search(), False, None
    )
    with pytest.raises(ValueError):
        order_queue.page(plan, order_queue.AGE, True, 5)


@pytest.mark.parametrize(
    "typed",
    ["やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "山田　太郎", "ＡＢＣ－１２３", "1ー2ー3", "東京都千代田区1‐1", "Ｔａｒｏ",
     "ゝゞヴ", ""],
)
def test_sql_text_key_is_normalize_text_key(typed):
    assert _sql("saleor_attention_text_key", typed) == normalize.text_key(typed)


@pytest.mark.parametrize(
    "typed", ["090-1234-5678", "+81 90 1234 5678", "＋８１９０１２３４５６７８", "(03) 1234 5678", ""]
)
def test_sql_phone_key_is_normalize_phone_key(typed):
    assert _sql("saleor_attention_phone_key", typed) == normalize.phone_key(typed)


@pytest.mark.parametrize("typed", [" Taro@Example.JP ", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", ""])
def test_sql_email_key_is_normalize_email_key(typed):
    assert _sql("saleor_attention_email_key", typed) == normalize.email_key(typed)


def _sql(function, value):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [value])
        return cursor.fetchone()[0]


pytestmark = pytest.mark.django_db


# Due dates (handle by): each row's dueOn is the earliest of its active flags' (its
# own and its subscription's), kept per order by migration 0011's trigger.


def due(flag, days):
    """Move a flag's due date to the shop's today plus `days` (the API refuses a past
    date when a flag is set; a flag set days ago can be due by now)."""
    Flag.objects.filter(pk=flag.pk).update(due_on=shop_date(days))


@pytest.fixture
def dated(shop):
    """soon: due in 2 days (own flag; a later one too); subscribed: due tomorrow by its
    subscription's flag (its own is in 5 days); sibling: of the same subscription, no
    flag of its own; ahead: due in 3 days by its own flag, its subscription's in 8;
    late: due yesterday; undated: no due date."""
    soon, late, undated = shop.order(), shop.order(), shop.order()
    subscribed = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-D"})
    sibling = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-D"})
    ahead = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-E"})
    services.set_flag(soon, note="later", handle="later", due_on=shop_date(9))
    services.set_flag(soon, note="soon", handle="soon", due_on=shop_date(2))
    services.set_flag(subscribed, note="own", handle="own", due_on=shop_date(5))
    services.set_flag(subscribed, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION",
                      handle="sub", due_on=shop_date(1))
    services.set_flag(ahead, note="ahead", handle="ahead", due_on=shop_date(3))
    services.set_flag(ahead, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION",
                      handle="sub-e", due_on=shop_date(8))
    due(services.set_flag(late, note="late", handle="late", due_on=shop_date()).flag, -1)
    services.set_flag(undated, note="undated", handle="undated")
    return {name: shop.order_number(order) for name, order in
            dict(soon=soon, subscribed=subscribed, sibling=sibling, ahead=ahead, late=late,
                 undated=undated).items()}


def test_due_on_is_the_earliest_of_the_flags_that_apply(gql, manager, dated):
    rows = {edge["node"]["orderNumber"]: edge["node"] for edge in query(gql, manager)["edges"]}
    assert {name: rows[number]["dueOn"] for name, number in dated.items()} == {
        "soon": today(2), "subscribed": today(1), "sibling": today(1), "ahead": today(3),
        "late": today(-1), "undated": None,
    }
    assert sorted(flag["dueOn"] for flag in rows[dated["soon"]]["flags"]) == [today(2), today(9)]


@pytest.mark.parametrize(
    "direction, expected",
    [("ASC", ["late", "subscribed", "sibling", "soon", "ahead", "undated"]),  # undated last
     ("DESC", ["undated", "ahead", "soon", "sibling", "subscribed", "late"])],
)
def test_sort_by_due_date_pages(gql, manager, dated, direction, expected):
    seen, after = [], None
    while True:
        page = query(gql, manager, first=1, after=after,
                     sortBy={"field": "DUE_DATE", "direction": direction})
        seen += numbers(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # subscribed and sibling are due the same day: they follow their order ids (on
    # Saleor 3 UUIDs, in no order of their numbers).
    tied = sorted((dated["subscribed"], dated["sibling"]), reverse=direction == "DESC",
                  key=lambda number: numbered(int(number)))
    assert seen == [tied.pop(0) if name in ("subscribed", "sibling") else dated[name]
                    for name in expected]


def test_overdue_by_due_date_or_by_age(gql, manager, dated, configure):
    rows = {edge["node"]["orderNumber"]: edge["node"]["overdue"] for edge in query(gql, manager)["edges"]}
    assert {name: rows[number] for name, number in dated.items()} == {
        "soon": False, "subscribed": False, "sibling": False, "ahead": False, "late": True,
        "undated": False,
    }
    assert numbers(query(gql, manager, filter={"overdue": True})) == [dated["late"]]
    assert set(numbers(query(gql, manager, filter={"overdue": False}))) == {
        dated[name] for name in ("soon", "subscribed", "sibling", "ahead", "undated")}
    # By the setting too: flags set long ago, whatever their due dates.
    for flag in Flag.objects.filter(note__in=["soon", "later"]):
        backdate(flag, 4)
    page = query(gql, manager, filter={"overdue": True})
    assert set(numbers(page)) == {dated["late"], dated["soon"]} and page["totalCount"] == 2
    assert configure(overdue_after_days="5")["errors"] == []
    assert numbers(query(gql, manager, filter={"overdue": True})) == [dated["late"]]


def test_a_subscription_flag_due_yesterday_makes_its_orders_overdue(gql, manager, dated):
    due(Flag.objects.get(handle="sub"), -1)
    page = query(gql, manager, filter={"overdue": True}, sortBy={"field": "DUE_DATE", "direction": "ASC"})
    assert set(numbers(page)) == {dated["late"], dated["subscribed"], dated["sibling"]}
    assert all(edge["node"]["dueOn"] == today(-1) for edge in page["edges"])


def test_releasing_the_earliest_flag_moves_due_on(gql, shop, manager, dated):
    flag = Flag.objects.get(handle="sub")
    services.release_flags(flag.order, scope="SUBSCRIPTION", handled_on=shop_date())
    rows = {edge["node"]["orderNumber"]: edge["node"] for edge in query(gql, manager)["edges"]}
    assert rows[dated["subscribed"]]["dueOn"] == today(5)
    assert dated["sibling"] not in rows  # its subscription's flag was all it had
    services.release_flags(flag.order, scope="ORDER", handled_on=shop_date())
    assert dated["subscribed"] not in numbers(query(gql, manager))


def test_an_order_linked_later_takes_its_subscriptions_due_date(gql, shop, manager, dated):
    joined = shop.order()
    services.set_flag(joined, note="own", handle="joined", due_on=shop_date(3))
    with shop.hooks_run_after_commit():
        assert not shop.update_private_metadata(gql, manager, joined, {SUBSCRIPTION_KEY: "SUB-D"})
    rows = {edge["node"]["orderNumber"]: edge["node"] for edge in query(gql, manager)["edges"]}
    assert rows[shop.order_number(joined)]["dueOn"] == today(1)


def test_attention_flags_overdue_honours_due_dates(gql, manager, dated):
    response = gql(ATTENTION_FLAGS, {"first": 50, "filter": {"overdue": True}}, as_=manager)
    assert [edge["node"]["message"] for edge in response["data"]["attentionFlags"]["edges"]] == ["late"]
    response = gql(ATTENTION_FLAGS, {"first": 50, "filter": {"overdue": False, "status": "ACTIVE"}},
                   as_=manager)
    assert len(response["data"]["attentionFlags"]["edges"]) == 7


def kinds_of(flags):
    """OrderFacts.flag_kinds as migration 0014's trigger keeps them, from the flags."""
    kinds = {kind for flag in flags for kind in (
        f"{flag.reason} {flag.source}", f"{flag.reason} *", f"* {flag.source}")}
    return sorted(kinds) or None


def assert_kept():
    """Every facts row's kept columns as the flags and Saleor's orders say, and the
    reason counts as the active flags."""
    active = Flag.objects.active()
    for facts in OrderFacts.objects.select_related("order"):
        assert facts.placed_at == getattr(facts.order, ORDER_CREATED_FIELD)
        assert facts.flag_kinds == kinds_of(active.filter(order=facts.order, scope="ORDER"))
    for facts in SubscriptionFacts.objects.all():
        mine = active.filter(subscription=facts.subscription, scope="SUBSCRIPTION")
        assert facts.flag_kinds == kinds_of(mine)
    assert order_queue.reason_counts() == dict(Counter(active.values_list("reason", flat=True)))


def test_kept_columns_follow_set_release_cancel_and_link(gql, shop, manager, monkeypatch):
    monkeypatch.setattr(order_queue, "FOLD_AFTER", 2)  # the counts folded along the way
    old = shop.order()
    OrderFacts.objects.filter(order_id=old.pk).delete()  # placed before the plugin
    type(old).objects.filter(pk=old.pk).update(**{
        ORDER_CREATED_FIELD: timezone.now() - datetime.timedelta(days=400)})
    subscribed = shop.order(metadata={SUBSCRIPTION_KEY: "SUB-K"})
    joined = shop.order()
    hold = services.set_flag(old, note="hold", actor=Actor(user=shop.staff())).flag
    services.set_flag(old, "REMOTE_ISLAND", handle="island")
    services.set_flag(subscribed, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION")
    with shop.hooks_run_after_commit():
        assert not shop.update_private_metadata(gql, manager, joined, {SUBSCRIPTION_KEY: "SUB-K"})
    name = {shop.order_number(order): label for label, order in
            dict(old=old, subscribed=subscribed, joined=joined).items()}

    def found(**filter):
        return {name[number] for number in numbers(query(gql, manager, filter=filter))}

    assert_kept()
    assert found(reasons=["MANUAL"]) == found(source="STAFF") == {"old"}
    assert found(reasons=["RENEWAL_PAYMENT_FAILED"]) == {"subscribed", "joined"}
    assert found(reasons=["REMOTE_ISLAND"], source="STAFF") == set()  # one flag, both
    assert found(reasons=["MANUAL", "RENEWAL_PAYMENT_FAILED"], scope="SUBSCRIPTION") == {
        "subscribed", "joined"}
    page = query(gql, manager, sortBy={"field": "CREATED", "direction": "ASC"})
    assert [name[number] for number in numbers(page)] == ["old", "subscribed", "joined"]

    services.release_flags(old, flag_ids=[hold.pk], handled_on=shop_date())
    assert_kept()
    assert found(reasons=["MANUAL"]) == found(source="STAFF") == set()
    assert found(reasons=["REMOTE_ISLAND"], source="RULE") == {"old"}

    assert shop.cancel_order(gql, manager, old) == []
    assert_kept()
    assert found(reasons=["REMOTE_ISLAND"]) == set()
    assert found(source="RULE") == {"subscribed", "joined"}

    services.release_flags(joined, scope="SUBSCRIPTION", handled_on=shop_date())
    assert_kept()
    assert found(source="RULE") == set()


def test_reason_counts_are_folded_into_one_row_per_reason(gql, shop, manager, monkeypatch):
    monkeypatch.setattr(order_queue, "FOLD_AFTER", 1)
    orders = [shop.order() for _ in range(3)]
    for order in orders:
        services.set_flag(order, note="hold")
        services.set_flag(order, "REMOTE_ISLAND", handle="island")
    services.release_flags(orders[0], scope="ORDER", handled_on=shop_date())

    def counts():
        response = gql(REASON_COUNTS, as_=manager)
        return {row["reason"]: row["flags"] for row in
                response["data"]["attentionReasonCounts"] if row["flags"]}

    assert counts() == {"MANUAL": 2, "REMOTE_ISLAND": 2}
    assert ReasonCount.objects.count() == 2  # folded after that read
    assert counts() == {"MANUAL": 2, "REMOTE_ISLAND": 2}
    services.release_flags(orders[1], scope="ORDER", handled_on=shop_date())
    assert counts() == {"MANUAL": 1, "REMOTE_ISLAND": 1}


def test_a_page_of_no_orders_reads_no_flags(gql, manager, queue):
    with CaptureQueriesContext(connection) as captured:
        assert numbers(query(gql, manager, filter={"search": "090-0000-0000"})) == []
    assert not any('FROM "saleor_attention_flag"' in q["sql"] for q in captured.captured_queries)


def test_the_counts_that_decide_rarity_are_reused_for_a_minute(gql, manager, queue, shop, monkeypatch):
    """A screen's filters reuse the badge's counts to choose how to read a page; a
    reason grown common meanwhile is walked once they are read again. The rows shown
    never depend on them."""
    def filtered():
        with CaptureQueriesContext(connection) as captured:
            found = numbers(query(gql, manager, filter={"reasons": ["DELIVERY_RETURNED"]}))
        statements = [statement["sql"] for statement in captured.captured_queries]
        return found, sum(ReasonCount._meta.db_table in sql for sql in statements), any(
            "kinded AS" in sql for sql in statements)

    assert filtered() == ([], 1, True)  # none active: rare
    returned = [shop.order() for _ in range(3)]
    for order in returned:
        services.set_flag(order, "DELIVERY_RETURNED")
    numbers_returned = sorted(shop.order_number(order) for order in returned)

    found, read, probed = filtered()
    assert (sorted(found), read, probed) == (numbers_returned, 0, True)  # the counts reused
    monkeypatch.setattr(order_queue, "PLANNING_READS_SECONDS", 0.0)
    found, read, probed = filtered()
    assert (sorted(found), read, probed) == (numbers_returned, 1, False)  # now common: walked
