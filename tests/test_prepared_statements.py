"""attentionOrders keeps its page's reads prepared on a connection Django keeps open
(saleor_attention/prepared.py): the same rows, fewer plans made; never where it is
unsafe (a pooler's connections, inside a transaction) or useless (a connection closed
after each request), never for a search."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_attention import prepared, services

from .documents import ATTENTION_ORDERS

pytestmark = pytest.mark.django_db(transaction=True)


def page(gql, manager, **variables):
    response = gql(ATTENTION_ORDERS, {"first": 20, **variables}, as_=manager)
    assert "errors" not in response, response
    return response["data"]["attentionOrders"]


def kept_on_connection(runs=False):
    """The plugin's statements this connection holds prepared, by their text (and how
    many times each ran prepared)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE name LIKE %s",
            [prepared.NAME_PREFIX + "%"],
        )
        rows = cursor.fetchall()
    return rows if runs else [text for text, _runs in rows]


@pytest.fixture
def kept_open(monkeypatch):
    """A connection Django keeps between requests (Saleor 2.10's default; Saleor 3's
    DB_CONN_MAX_AGE), starting with nothing prepared."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    connection.close()
    yield
    connection.close()


@pytest.fixture
def flagged(shop):
    orders = [shop.order(), shop.order(), shop.order()]
    for order in orders:
        services.set_flag(order, "REMOTE_ISLAND")
    services.set_flag(orders[0], note="hold")
    return orders


def test_a_page_asked_again_runs_prepared_and_answers_the_same(gql, manager, flagged, kept_open):
    first = page(gql, manager)
    assert kept_on_connection() == []  # seen once: planned as usual

    second = page(gql, manager)
    third = page(gql, manager)

    assert first == second == third
    assert len(first["edges"]) == 3
    kept = kept_on_connection()
    # The page, its orders with their customers and addresses, their flags.
    assert len(kept) == 3
    assert any("saleor_attention_orderfacts" in text and "UNION ALL" in text for text in kept)
    assert any('FROM "order_order"' in text for text in kept)
    assert any('FROM "saleor_attention_flag"' in text for text in kept)
    assert [runs for _text, runs in kept_on_connection(runs=True)] == [2, 2, 2]


def test_a_flag_set_between_pages_shows_on_the_prepared_page(gql, manager, shop, flagged, kept_open):
    page(gql, manager)
    page(gql, manager)
    late = shop.order()
    services.set_flag(late, "REMOTE_ISLAND")

    rows = page(gql, manager)["edges"]

    assert shop.order_number(late) in [edge["node"]["orderNumber"] for edge in rows]
    assert rows[-1]["node"]["flags"][0]["reason"] == "REMOTE_ISLAND"


def test_a_search_is_planned_for_its_text_each_time(gql, manager, shop, flagged, kept_open):
    number = shop.order_number(flagged[1])
    for _ in range(3):
        found = page(gql, manager, filter={"search": number})
        assert [edge["node"]["orderNumber"] for edge in found["edges"]] == [number]

    kept = kept_on_connection()
    assert not any("UNION ALL" in text for text in kept)  # the search's page: not kept
    assert len(kept) == 2  # its orders and flags, read by id, are


def test_a_statement_the_database_lost_runs_as_it_is_and_is_prepared_anew(
    gql, manager, flagged, kept_open
):
    before = page(gql, manager)
    page(gql, manager)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's reset, or DISCARD ALL, would

    assert page(gql, manager) == before
    page(gql, manager)
    assert page(gql, manager) == before
    assert len(kept_on_connection()) == 3


def test_a_connection_keeps_at_most_max_prepared(gql, manager, flagged, kept_open, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PREPARED", 2)
    sorts = [None, {"field": "CREATED", "direction": "ASC"}, {"field": "CREATED", "direction": "DESC"}]
    for sort in sorts:
        for _ in range(2):
            page(gql, manager, **({"sortBy": sort} if sort else {}))

    assert len(kept_on_connection()) == 2


@pytest.mark.parametrize("entry", [
    {"CONN_MAX_AGE": 0},  # closed after each request: nothing to reuse
    {"CONN_MAX_AGE": 600, "DISABLE_SERVER_SIDE_CURSORS": True},  # a transaction pooler
])
def test_nothing_is_prepared_where_it_cannot_be_reused(gql, manager, flagged, monkeypatch, entry):
    for key, value in entry.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    connection.close()
    answers = [page(gql, manager) for _ in range(3)]

    assert answers[0] == answers[2]
    assert kept_on_connection() == []


def test_nothing_is_prepared_inside_a_transaction(flagged, kept_open):
    from saleor_attention import queue

    plan = queue.Plan.of(queue.QueueFilter())
    with transaction.atomic():
        pages = [queue.page(plan, queue.AGE, True, 20) for _ in range(3)]
        assert kept_on_connection() == []
    assert pages[0] == pages[2]
    assert len(pages[0][0]) == 3


def test_pages_after_cursors_are_planned_alike_whatever_their_position_and_orders(
    gql, manager, shop, kept_open
):
    """A cursor's position and a page's orders reach their statements as values read
    when they run (queue._beyond, prepared.any_of): the plan PostgreSQL makes for the
    page after one cursor, and for its flags, is the plan for any other, so it keeps
    one instead of planning each call for its values."""
    for _ in range(6):
        services.set_flag(shop.order(), "REMOTE_ISLAND")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE saleor_attention_orderfacts, saleor_attention_flag")
    after = page(gql, manager, first=2)["pageInfo"]["endCursor"]
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):  # a page read again runs prepared
            second = page(gql, manager, first=2, after=after)
            third = page(gql, manager, first=2, after=second["pageInfo"]["endCursor"])
    run = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("EXECUTE")]

    def plans(table: str):
        """The plans of the last two pages' reads of `table`, each made for its values."""
        texts = [sql for sql in run if table in _prepared_text(sql)][-2:]
        assert len(texts) == 2 and texts[0] != texts[1]  # run with other values
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
            try:
                return [_explained(cursor, sql) for sql in texts]
            finally:
                cursor.execute("RESET plan_cache_mode")

    position, other_position = plans("UNION ALL")
    flags, other_flags = plans('FROM "saleor_attention_flag"')
    assert position == other_position and flags == other_flags


def _prepared_text(execute: str) -> str:
    name = execute.split()[1].split("(")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchone()[0]


def _explained(cursor, execute: str) -> str:
    cursor.execute(f"EXPLAIN {execute}")
    return "\n".join(row[0] for row in cursor.fetchall())
