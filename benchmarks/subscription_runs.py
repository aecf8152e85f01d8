"""What the subscription run benchmarks (renewals_bench, charges_bench) share: the
refusal of any database but a *bench* one, one real contract started through the
plugin from a Saleor order, its copies in SQL, flags written as the lifecycle writes
them, and a run timed item by item: each item's seconds and SQL statements, and the
part of both spent inside one call of the Saleor port (shop.place_renewal_order,
shop.charge): Saleor's own work; the rest is the plugin's."""
import datetime
import resource
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Callable, Iterable, List, Mapping, Optional, Sequence, Tuple

from benchmarks import database
from benchmarks.stats import table


def main(parse_args: Callable, run: Callable) -> None:
    """Parse the arguments, refuse any database but a bench one, migrate it, switch
    the plugin on, and run."""
    args = parse_args()
    if "bench" not in database.database_name():
        sys.exit("Refusing: point DATABASE_URL at a *bench* database.")
    database.prepare()
    from benchmarks.api import fresh_builder_serials
    from benchmarks.plain_saleor import set_plugin_active

    fresh_builder_serials()
    set_plugin_active(True)
    run(args)


def seeded(what: str, seed: Callable, args):
    """`seed(args, tag)`, timed, with a tag of its own that names this run's rows:
    (the tag, what seed returned)."""
    tag = uuid.uuid4().hex[:8]
    print(f"Seeding {what}...", flush=True)
    started = time.perf_counter()
    seeds = seed(args, tag)
    print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)
    return tag, seeds


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def source_contract(next_shipping_date: datetime.date, payment_method: str = ""):
    """A customer's order (with stock for every renewal a run places) and the monthly
    contract staff start from it, through the plugin."""
    from saleor_attention.contracts import actions
    from tests.line import saleor_shop

    source = saleor_shop.order(user=saleor_shop.customer())
    saleor_shop.Stock.objects.filter(
        product_variant__in=[line.variant for line in source.lines.all()]
    ).update(quantity=10_000_000)
    contract = actions.create_from_order(
        source, interval_count=1, interval_unit="MONTH", next_shipping_date=next_shipping_date,
        payment_method=payment_method,
    )
    return source, contract


def copy_rows(cursor, model, source: str, overrides: Mapping[str, Optional[str]],
              params: Mapping[str, object]) -> int:
    """INSERT INTO the model's table SELECT its every column from the rows `source`
    names (a FROM clause naming the copied row `s`), but the columns in `overrides`:
    an SQL expression each, or None to leave it to its default (a serial id). Named
    %(parameters)s. How many rows were inserted."""
    from django.db import connection

    table = model._meta.db_table
    columns = [
        column.name for column in connection.introspection.get_table_description(cursor, table)
        if overrides.get(column.name, "") is not None
    ]
    values = [overrides.get(column) or f"s.{connection.ops.quote_name(column)}"
              for column in columns]
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(table)} "
        f"({', '.join(map(connection.ops.quote_name, columns))}) "
        f"SELECT {', '.join(values)} FROM {source}",
        params,
    )
    return cursor.rowcount


def copy_contracts(cursor, first, tag: str, count: int,
                   next_shipping_date: str = "s.next_shipping_date",
                   params: Mapping[str, object] = None) -> str:
    """Contracts 2..count as copies of `first` (with its items), each a subscription
    of its own, 'bench-<tag>-<n>'; `next_shipping_date` an SQL expression of n (and
    `params`). The prefix of their subscriptions."""
    from saleor_attention.contracts.models import ContractLine, SubscriptionContract

    prefix = f"bench-{tag}-"
    copy_rows(cursor, SubscriptionContract, "generate_series(2, %(count)s) AS n, "
              f"{SubscriptionContract._meta.db_table} s WHERE s.id = %(first)s", {
                  "id": None, "subscription": "%(prefix)s || n",
                  "next_shipping_date": next_shipping_date,
                  "created_at": "now()", "updated_at": "now()",
              }, {**(params or {}), "count": count, "first": first.pk,
                  "prefix": prefix})
    copy_rows(cursor, ContractLine, f"{SubscriptionContract._meta.db_table} c, "
              f"{ContractLine._meta.db_table} s "
              "WHERE c.subscription LIKE %(pattern)s AND s.contract_id = %(first)s",
              {"id": None, "contract_id": "c.id"}, {"pattern": prefix + "%", "first": first.pk})
    cursor.execute(f"ANALYZE {SubscriptionContract._meta.db_table}")
    return prefix


def flag(order_id, scope: str, subscription: str = "") -> None:
    """A RENEWAL_PAYMENT_FAILED flag of an order (ORDER) or of a subscription
    (SUBSCRIPTION), as the lifecycle writes one: its counting trigger then marks the
    order, or the subscription, as needing attention."""
    from saleor_attention.models import Flag, Source

    Flag.objects.create(order_id=order_id, scope=scope, subscription=subscription,
                        reason="RENEWAL_PAYMENT_FAILED", source=Source.RULE,
                        handle=f"bench-{subscription or order_id}")


# What the plugin's tables are named after (its app label).
PLUGIN_TABLES = '"saleor_attention_'


@dataclass(frozen=True)
class Step:
    """One item of a run: its seconds and statements, and those inside the port call
    (of which `inside_plugin_tables` name one of the plugin's tables: its hooks that
    Saleor calls there)."""

    seconds: float
    inside_seconds: float
    statements: int
    inside_statements: int
    inside_plugin_tables: int
    outcome: str

    @property
    def plugin_seconds(self) -> float:
        return self.seconds - self.inside_seconds

    @property
    def plugin_statements(self) -> int:
        return self.statements - self.inside_statements


def measure(step: Callable, ids: Iterable, inside: str,
            outcome: Callable[[object], object]) -> List[Step]:
    """`step(id)` for each id in turn (each its own transaction, as the run does),
    with the Saleor port's `inside` call timed and its statements counted apart."""
    from django.db import connection

    from saleor_attention.adapter import shop

    wrapped = getattr(shop, inside)
    within = {"seconds": 0.0, "statements": 0, "plugin_tables": 0, "active": False}
    counted = {"statements": 0}

    def count(execute, sql, params, many, context):
        counted["statements"] += 1
        if within["active"]:
            within["statements"] += 1
            within["plugin_tables"] += PLUGIN_TABLES in sql
        return execute(sql, params, many, context)

    def timed(*args, **kwargs):
        within["active"] = True
        started = time.perf_counter()
        try:
            return wrapped(*args, **kwargs)
        finally:
            within["seconds"] += time.perf_counter() - started
            within["active"] = False

    steps = []
    setattr(shop, inside, timed)
    try:
        with connection.execute_wrapper(count):
            for pk in ids:
                within.update(seconds=0.0, statements=0, plugin_tables=0)
                counted["statements"] = 0
                started = time.perf_counter()
                result = step(pk)
                total = time.perf_counter() - started
                steps.append(Step(total, within["seconds"], counted["statements"],
                                  within["statements"], within["plugin_tables"],
                                  str(outcome(result))))
    finally:
        setattr(shop, inside, wrapped)
    return steps


def p95(values) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def spread(values) -> str:
    return f"{min(values)}-{max(values)}"


def summary(kinds: Sequence[Tuple[str, List[Step]]], inside_label: str) -> str:
    """A table, a column per kind of item: its time, the plugin's part of it (outside
    the port call; its share of the summed time), per second (1000 / p50), and its
    statements, min-max."""
    rows = [
        ("runs", len),
        ("outcome", lambda steps: ",".join(sorted({step.outcome for step in steps}))),
        ("p50 ms", _median_ms("seconds")),
        ("p95 ms", _p95_ms("seconds")),
        ("per second, one worker (1000 / p50)", lambda steps: 1000 / _median_ms("seconds")(steps)),
        (f"{inside_label} p50 ms", _median_ms("inside_seconds")),
        ("plugin's p50 ms", _median_ms("plugin_seconds")),
        ("plugin's p95 ms", _p95_ms("plugin_seconds")),
        ("plugin's share of the time", lambda steps: "{:.0%}".format(
            sum(_ms(steps, "plugin_seconds")) / sum(_ms(steps, "seconds")))),
        ("statements", _spread("statements")),
        ("plugin's statements", _spread("plugin_statements")),
        (f"{inside_label} statements", _spread("inside_statements")),
        ("  of which on the plugin's tables (its hooks)", _spread("inside_plugin_tables")),
    ]
    return table(["", *(label for label, _ in kinds)],
                 [[name, *(_text(value(steps)) for _, steps in kinds)] for name, value in rows])


def _ms(steps: List[Step], attribute: str) -> List[float]:
    return [getattr(step, attribute) * 1000 for step in steps]


def _median_ms(attribute: str):
    return lambda steps: statistics.median(_ms(steps, attribute))


def _p95_ms(attribute: str):
    return lambda steps: p95(_ms(steps, attribute))


def _spread(attribute: str):
    return lambda steps: spread([getattr(step, attribute) for step in steps])


def _text(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
