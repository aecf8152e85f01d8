"""`make benchmark-renewals`: a renewal run over many subscription contracts (issue 10).

Seeds `--contracts` contracts (100,000 by default) of one source order's items and
address, in SQL: `--due` of them (10 %) due now, `--flagged` (1 %) of those due held
by a SUBSCRIPTION flag, the rest due later. Then renews `--sample` due contracts and
`--sample` flagged ones one by one, as the run does (contracts.renewals.renew, each its
own transaction), and prints: renewals per second for one worker, statements per
renewal (the plugin's, the rest Saleor's draft-order mutations and order-created
hooks), the plugin's share of a renewal's time next to Saleor's own order creation
(shop.place_renewal_order, timed inside), a held contract's cost, and the process's
peak memory. Rerun with --contracts 1000 to see the statements stay the same as the
table grows. Adds only its own contracts (each run's tagged), and the orders renewals
place.
"""
import argparse
import os
import resource
import sys
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--due", type=float, default=0.10, help="share of contracts due now")
    parser.add_argument("--flagged", type=float, default=0.01,
                        help="share of contracts held by a SUBSCRIPTION flag (all due)")
    parser.add_argument("--sample", type=int, default=100, help="renewals timed of each kind")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if "bench" not in database.database_name():
        sys.exit("Refusing: point DATABASE_URL at a *bench* database.")
    database.prepare()
    run(args)


def seed(args, tag: str):
    """The source order and its contract (through the plugin), then the rest copied
    from it in SQL; the flagged ones' flags through the service, as staff set them."""
    from django.db import connection

    from saleor_attention import plugin_state, shop_time
    from saleor_attention.contracts import actions
    from saleor_attention.contracts.models import SubscriptionContract
    from tests.line import saleor_shop

    today = shop_time.calendar().today()
    lead = plugin_state.settings().renewal_lead_days
    source = saleor_shop.order(user=saleor_shop.customer())
    saleor_shop.Stock.objects.filter(
        product_variant__in=[line.variant for line in source.lines.all()]
    ).update(quantity=10_000_000)
    first = actions.create_from_order(source, interval_count=1, interval_unit="MONTH",
                                      next_shipping_date=today + _days(1))
    due = int(args.contracts * args.due)
    flagged = int(args.contracts * args.flagged)
    table = SubscriptionContract._meta.db_table
    with connection.cursor() as cursor:
        # Contract n: due now (shipping within the lead time) for n <= due, else later.
        cursor.execute(
            f"""
            INSERT INTO {table} (subscription, status, user_id, user_email, source_order_id,
                interval_count, interval_unit, day_of_month, next_shipping_date,
                shipping_address, billing_address, shipping_method, channel,
                payment_method, created_at, updated_at)
            SELECT 'bench-{tag}-' || n, 'ACTIVE', c.user_id, c.user_email, c.source_order_id,
                   1, 'MONTH', c.day_of_month,
                   CASE WHEN n <= %s THEN %s::date ELSE %s::date + (n %% 300) END,
                   c.shipping_address, c.billing_address, c.shipping_method, c.channel, '',
                   now(), now()
            FROM generate_series(2, %s) AS n, {table} c WHERE c.id = %s
            """,
            [due, today + _days(lead), today + _days(lead + 1), args.contracts, first.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {SubscriptionContract.lines.rel.related_model._meta.db_table}
                (contract_id, variant_id, sku, quantity)
            SELECT c.id, l.variant_id, l.sku, l.quantity
            FROM {table} c, {SubscriptionContract.lines.rel.related_model._meta.db_table} l
            WHERE c.subscription LIKE %s AND l.contract_id = %s
            """,
            [f"bench-{tag}-%", first.pk],
        )
        cursor.execute(f"ANALYZE {table}")
    held = list(
        SubscriptionContract.objects.filter(subscription__startswith=f"bench-{tag}-")
        .order_by("next_shipping_date", "pk").values_list("pk", "subscription")[:flagged]
    )
    print(f"Flagging {len(held)} subscriptions...", flush=True)
    for _pk, subscription in held:
        _flag(source, subscription)
    return today + _days(lead), [pk for pk, _ in held]


def _flag(order, subscription: str) -> None:
    """A RENEWAL_PAYMENT_FAILED flag of a subscription, as the lifecycle writes one
    (its counting trigger then marks the subscription as needing attention)."""
    from saleor_attention.models import Flag, Scope, Source

    Flag.objects.create(order=order, scope=Scope.SUBSCRIPTION, subscription=subscription,
                        reason="RENEWAL_PAYMENT_FAILED", source=Source.RULE,
                        handle=f"bench-{subscription}")


def _days(n: int):
    import datetime

    return datetime.timedelta(days=n)


def measure(contract_ids, due_by):
    """Each contract renewed in turn: total seconds, seconds inside Saleor's order
    creation, statements in all and inside it."""
    from django.db import connection

    from saleor_attention.adapter import shop
    from saleor_attention.contracts import renewals

    place = shop.place_renewal_order
    inside = {"seconds": 0.0, "statements": 0, "placing": False}
    counted = {"statements": 0}

    def count(execute, sql, params, many, context):
        counted["statements"] += 1
        if inside["placing"]:
            inside["statements"] += 1
        return execute(sql, params, many, context)

    def timed_place(renewal):
        inside["placing"] = True
        started = time.perf_counter()
        try:
            return place(renewal)
        finally:
            inside["seconds"] += time.perf_counter() - started
            inside["placing"] = False

    rows = []
    shop.place_renewal_order = timed_place
    try:
        with connection.execute_wrapper(count):
            for pk in contract_ids:
                inside.update(seconds=0.0, statements=0)
                counted["statements"] = 0
                started = time.perf_counter()
                cycle = renewals.renew(pk, due_by)
                total = time.perf_counter() - started
                rows.append((total, inside["seconds"], counted["statements"],
                             inside["statements"], cycle.status if cycle else None))
    finally:
        shop.place_renewal_order = place
    return rows


def run(args) -> None:
    import statistics

    from benchmarks.api import fresh_builder_serials
    from benchmarks.plugin_modes import set_plugin_active
    from benchmarks.report import environment_facts
    from benchmarks.stats import facts, heading, table
    from saleor_attention.contracts.models import SubscriptionContract

    fresh_builder_serials()
    set_plugin_active(True)
    tag = uuid.uuid4().hex[:8]
    print(f"Seeding {args.contracts} contracts...", flush=True)
    started = time.perf_counter()
    due_by, held_ids = seed(args, tag)
    print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)
    due_ids = list(
        SubscriptionContract.objects.filter(subscription__startswith=f"bench-{tag}-",
                                            next_shipping_date__lte=due_by)
        .exclude(pk__in=held_ids).order_by("pk").values_list("pk", flat=True)[: args.sample + 1]
    )
    placed = measure(due_ids, due_by)[1:]  # the first warms up
    held = measure(held_ids[: args.sample], due_by)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(heading("Renewals (issue 10)"))
    print(facts([*environment_facts(),
                 ("contracts (due / held)", f"{args.contracts} ({int(args.contracts * args.due)} / "
                                            f"{len(held_ids)})")]))

    def row(label, measured):
        totals = [r[0] * 1000 for r in measured]
        saleor = [r[1] * 1000 for r in measured]
        plugin = [t - s for t, s in zip(totals, saleor)]
        statements = [r[2] for r in measured]
        saleor_statements = [r[3] for r in measured]
        statuses = {r[4] for r in measured}
        return [label, len(measured), ",".join(sorted(map(str, statuses))),
                statistics.median(totals), _p95(totals), statistics.median(saleor),
                statistics.median(plugin), 1000 / statistics.median(totals),
                f"{min(statements)}-{max(statements)}",
                f"{min(s - i for s, i in zip(statements, saleor_statements))}-"
                f"{max(s - i for s, i in zip(statements, saleor_statements))}"]

    print(table(
        ["renewal", "runs", "status", "p50 ms", "p95 ms", "Saleor's order creation p50 ms",
         "plugin's p50 ms", "per second", "statements", "plugin's statements"],
        [row("due", placed), row("held (SUBSCRIPTION flag)", held)],
    ))
    print(f"\npeak memory of this process: {peak_mb:.0f} MB")


def _p95(values):
    import statistics

    return statistics.quantiles(values, n=100, method="inclusive")[94]


if __name__ == "__main__":
    main()
