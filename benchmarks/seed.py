"""A shop-sized flag table: 100,000 flags over 200,000 orders, generated in SQL.

Orders are copies of one order built with the test builders; every copy gets its own
token and a `bench-<n>@example.com` e-mail, which is how reruns count (and reuse) them.
The first SUBSCRIBED orders belong to subscriptions of SUBSCRIPTION_SIZE orders each.
"""
import json
from dataclasses import dataclass
from typing import List, Tuple

from django.db import connection, transaction

from saleor_attention.reasons import CATALOGUE
from saleor_attention.facts import SUBSCRIPTION_KEY
from tests.line import saleor_shop

ORDERS = 200_000
FLAGS = 100_000
SUBSCRIBED = 50_000
SUBSCRIPTION_SIZE = 5
RELEASED_SHARE = 0.7
SUBSCRIPTION_SCOPE_SHARE = 0.15
ORDER_EMAIL = "bench-%s@example.com"
SUBSCRIPTION_PREFIX = "BENCH-SUB-"
FLAG_HANDLE_PREFIX = "bench-"

# Columns the copies set themselves; everything else is copied from the template.
_OWN_COLUMNS = ("id", "token", "user_email", "created", "private_metadata")


@dataclass
class Dataset:
    orders: int
    flags: int
    active: int
    subscription_scope: int
    generated: bool


def ensure() -> Dataset:
    """Generate whatever is missing, then refresh the planner's statistics."""
    generated = False
    orders = _bench_order_count()
    if orders < ORDERS:
        print(f"Generating {ORDERS - orders:,} orders...", flush=True)
        _insert_orders(first=orders + 1, last=ORDERS)
        generated = True
    flags = _bench_flag_count()
    if flags < FLAGS:
        print(f"Generating {FLAGS - flags:,} flags...", flush=True)
        _insert_flags(FLAGS - flags)
        generated = True
    print("VACUUM ANALYZE (visibility map and planner statistics)...", flush=True)
    _vacuum_analyze()
    return _describe(generated)


def _count(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def _bench_order_count() -> int:
    return _count(
        "SELECT count(*) FROM order_order WHERE user_email LIKE %s", [ORDER_EMAIL % "%"]
    )


def _bench_flag_count() -> int:
    return _count(
        "SELECT count(*) FROM saleor_attention_flag WHERE handle LIKE %s",
        [FLAG_HANDLE_PREFIX + "%"],
    )


def _copied_columns() -> List[str]:
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(cursor, "order_order")
        ]
    return [name for name in columns if name not in _OWN_COLUMNS]


@transaction.atomic
def _insert_orders(
    first: int, last: int, *, email: str = ORDER_EMAIL, subscribed: int = SUBSCRIBED,
    prefix: str = SUBSCRIPTION_PREFIX, days: int = 365,
) -> None:
    """Copies number first..last, created over the last `days`; the first
    `subscribed` in subscriptions of SUBSCRIPTION_SIZE orders."""
    template = saleor_shop.order()
    copied = ", ".join(f'"{name}"' for name in _copied_columns())
    # Subscribed orders carry the link as an app writes it, and in the plugin's facts
    # as its order-save receiver would have copied it.
    sql = f"""
        WITH inserted AS (
        INSERT INTO order_order (token, user_email, created, private_metadata, {copied})
        SELECT gen_random_uuid()::text,
               replace(%(email)s, '%%s', n::text),
               now() - random() * %(days)s * interval '1 day',
               CASE WHEN n <= %(subscribed)s
                    THEN jsonb_build_object(%(key)s, %(prefix)s || (n - 1) / %(size)s)
                    ELSE '{{}}'::jsonb END,
               {copied}
        FROM order_order, generate_series(%(first)s, %(last)s) AS n
        WHERE order_order.id = %(template)s
        RETURNING id, private_metadata
        )
        INSERT INTO saleor_attention_orderfacts
            (order_id, subscription, payment_method, active_flags)
        SELECT id, private_metadata ->> %(key)s, '', 0 FROM inserted
        WHERE private_metadata ? %(key)s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {
            "email": email, "subscribed": subscribed, "key": SUBSCRIPTION_KEY,
            "prefix": prefix, "size": SUBSCRIPTION_SIZE, "days": days,
            "first": first, "last": last, "template": template.pk,
        })


def _reasons() -> Tuple[List[str], List[str], List[str]]:
    """Codes, params (JSON) and notes of every reason, with what its text needs."""
    codes, params, notes = [], [], []
    for reason in CATALOGUE.values():
        values = {name: "123" for name in reason.parameters if name != "note"}
        note = "Benchmark: hold the parcel" if "note" in reason.parameters else ""
        reason.staff_message({**values, "note": note})  # fails loudly on a missing one
        codes.append(reason.code)
        params.append(json.dumps(values))
        notes.append(note)
    return codes, params, notes


@transaction.atomic
def _insert_flags(count: int) -> None:
    """Random orders (SUBSCRIPTION scope only on subscribed ones), reasons in turn,
    ~70% released, created over the last year, every handle unique."""
    codes, params, notes = _reasons()
    sql = """
        WITH reasons AS (
            SELECT * FROM unnest(%(codes)s::text[], %(params)s::text[], %(notes)s::text[])
                WITH ORDINALITY AS r (code, params, note, number)
        ),
        drawn AS (
            SELECT g,
                   CASE WHEN random() < %(subscription_share)s
                        THEN 'SUBSCRIPTION' ELSE 'ORDER' END AS scope,
                   random() AS pick,
                   random() < %(released_share)s AS released,
                   now() - random() * interval '365 days' AS created_at
            FROM generate_series(1, %(count)s) AS g
        ),
        targeted AS (
            SELECT drawn.*,
                   1 + floor(pick * CASE scope WHEN 'SUBSCRIPTION'
                                     THEN %(subscribed)s ELSE %(orders)s END)::int AS number
            FROM drawn
        )
        INSERT INTO saleor_attention_flag (
            order_id, scope, subscription, reason, source, params, note, handle, status,
            created_at, handled_on, released_at, release_comment)
        SELECT o.id, t.scope,
               CASE t.scope WHEN 'SUBSCRIPTION'
                    THEN %(prefix)s || (t.number - 1) / %(size)s ELSE '' END,
               r.code,
               (ARRAY['RULE', 'STAFF', 'APP'])[1 + t.g %% 3],
               r.params::jsonb, r.note,
               %(handle)s || gen_random_uuid()::text,
               CASE WHEN t.released THEN 'RELEASED' ELSE 'ACTIVE' END,
               t.created_at,
               CASE WHEN t.released THEN (t.created_at + interval '1 day')::date END,
               CASE WHEN t.released
                    THEN least(now(), t.created_at + random() * interval '3 days') END,
               CASE WHEN t.released THEN 'Benchmark: handled' ELSE '' END
        FROM targeted AS t
        JOIN reasons AS r ON r.number = 1 + t.g %% cardinality(%(codes)s::text[])
        JOIN order_order AS o ON o.user_email = replace(%(email)s, '%%s', t.number::text)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {
            "codes": codes, "params": params, "notes": notes,
            "subscription_share": SUBSCRIPTION_SCOPE_SHARE, "released_share": RELEASED_SHARE,
            "count": count, "subscribed": SUBSCRIBED, "orders": ORDERS,
            "prefix": SUBSCRIPTION_PREFIX, "size": SUBSCRIPTION_SIZE,
            "handle": FLAG_HANDLE_PREFIX, "email": ORDER_EMAIL,
        })


def _vacuum_analyze() -> None:
    """Outside any transaction (VACUUM refuses one): a settled table, as autovacuum
    leaves a production one, and fresh statistics for the planner."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE order_order")
        cursor.execute("VACUUM ANALYZE saleor_attention_flag")


def _describe(generated: bool) -> Dataset:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*),
                      count(*) FILTER (WHERE status = 'ACTIVE'),
                      count(*) FILTER (WHERE scope = 'SUBSCRIPTION')
               FROM saleor_attention_flag"""
        )
        flags, active, subscription_scope = cursor.fetchone()
    orders = _count("SELECT count(*) FROM order_order")
    return Dataset(orders, flags, active, subscription_scope, generated)
