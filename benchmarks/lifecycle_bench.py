"""`make benchmark-lifecycle`: what raising flags costs inside Saleor's transaction
(issue 8, the flag lifecycle).

1. An order change that raises k flags (k = 1..5: REMOTE_ISLAND, COD_NOT_ALLOWED,
   BLACKLIST_CANDIDATE, PAYMENT_FAILED, DELIVERY_RETURNED; ORDER scope, fresh handles
   every run), and one SUBSCRIPTION-scope flag on an order whose subscription holds 1,
   10 or 100 orders. Inside an outer transaction.atomic() (Saleor's transaction) the
   plugin is called as its hooks call a rule (hooks._run_safely: a savepoint), and every
   statement it issues is counted, SAVEPOINT and RELEASE included (target <= 8, the
   same for every k and subscription size). The outer transaction is rolled back after
   each run, so every run starts from the same clean order; on-commit work (Saleor's
   order-updated hooks, webhooks) therefore never runs and is not counted: how many
   callbacks the change queued is shown instead. Runs are interleaved over the cases.
2. The fulfillment guard, guards.check_fulfillment(order_id), inside a transaction on
   an order without flags: its statements (target 1).

The function raising the flags is lifecycle.raise_flags once issue 8 added it,
services._raise_all before (raise_flags_function): the same script measures both.
Adds only its own orders (and rolls back every flag it raises).
"""
import argparse
import inspect
import os
import sys
import time
from importlib.machinery import PathFinder

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402

REASONS = (
    "REMOTE_ISLAND", "COD_NOT_ALLOWED", "BLACKLIST_CANDIDATE", "PAYMENT_FAILED",
    "DELIVERY_RETURNED",
)
SUBSCRIPTION_REASON = "RENEWAL_PAYMENT_FAILED"
STATEMENTS_TARGET = 8
GUARD_TARGET = 1
LISTED_K = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="measured runs per case")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs per case")
    parser.add_argument("--sizes", default="1,10,100",
                        help="orders per subscription, comma-separated")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if "bench" not in database.database_name():
        sys.exit("Refusing: point DATABASE_URL at a *bench* database.")
    database.prepare()
    run(args)


def raise_flags_function():
    """What raises several flags in one change: lifecycle.raise_flags once issue 8's
    refactor added it, services._raise_all before. Both take (order, flags, actor).
    Looked for in this checkout's package only: an editable install of another
    checkout would otherwise lend its lifecycle module to this one."""
    import saleor_attention

    if PathFinder.find_spec("saleor_attention.lifecycle", saleor_attention.__path__):
        from saleor_attention import lifecycle

        return "lifecycle.raise_flags", lifecycle.raise_flags
    from saleor_attention import services

    return "services._raise_all", services._raise_all


def as_hooks_call(rule, order) -> str:
    """Call a rule as the plugin's hooks do (hooks._run_safely: the plugin's savepoint
    in Saleor's transaction); its own copy of that if the hooks no longer have it."""
    from django.db import transaction
    from saleor_attention import hooks
    from saleor_attention.adapter import shop

    run_safely = getattr(hooks, "_run_safely", None)
    if run_safely is not None:
        run_safely("lifecycle_bench", rule, order)
        return "hooks._run_safely"
    with shop.database_access(), transaction.atomic():
        rule(order)
    return "a savepoint (hooks._run_safely is gone)"


class Case:
    """One kind of change: which order, which flags (fresh handles per run)."""

    def __init__(self, label, order, reasons, scope):
        from benchmarks.stats import Timings

        self.label, self.order, self.reasons, self.scope = label, order, reasons, scope
        self.timings = Timings(label)
        self.counts = set()
        self.callbacks = set()
        self.statements = []

    def flags(self, run: str):
        from saleor_attention.rules import FlagToRaise

        return tuple(FlagToRaise(reason, f"lifecycle-bench:{run}:{reason}", {}, self.scope)
                     for reason in self.reasons)


def measure(case: Case, run: str, record: bool) -> str:
    """One change in Saleor's (rolled back) transaction: its statements and time."""
    from django.db import connection, transaction
    from saleor.order.models import Order
    from saleor_attention.actors import RULES
    from saleor_attention.models import Event, Flag

    from benchmarks.sqltext import capturing
    from benchmarks.stats import timed

    name, raise_flags = raise_flags_function()
    flags = case.flags(run)
    order = Order.objects.get(pk=case.order.pk)  # as Saleor hands it to the hooks
    with transaction.atomic():  # Saleor's transaction
        queued = len(connection.run_on_commit)
        with capturing() as captured:
            seconds, path = timed(
                lambda: as_hooks_call(lambda o: raise_flags(o, flags, RULES), order)
            )
        callbacks = len(connection.run_on_commit) - queued
        raised = Flag.objects.filter(handle__in=[f.handle for f in flags], status="ACTIVE")
        if raised.count() != len(flags):
            failure = Event.objects.filter(order_id=order.pk, type="RULE_FAILED").last()
            raise RuntimeError(f"{case.label}: {name} raised {raised.count()} of "
                               f"{len(flags)} flags ({failure and failure.message})")
        transaction.set_rollback(True)
    if record:
        statements = [q["sql"] for q in captured.captured_queries]
        case.timings.add(seconds)
        case.counts.add(len(statements))
        case.callbacks.add(callbacks)
        case.statements = case.statements or statements
    return path


def guard_statements(order, runs: int):
    """guards.check_fulfillment on an order without flags, in a (rolled back)
    transaction, as the pre_save receiver runs it inside orderFulfill's."""
    from django.db import transaction
    from saleor_attention import guards

    from benchmarks.sqltext import capturing
    from benchmarks.stats import Timings, timed

    timings, counts, statements = Timings("guard"), set(), []
    for number in range(runs):
        with transaction.atomic():
            with capturing() as captured:
                seconds, _ = timed(lambda: guards.check_fulfillment(order.pk))
            transaction.set_rollback(True)
        if number:  # the first one warms up
            timings.add(seconds)
        statements = [q["sql"] for q in captured.captured_queries]
        counts.add(len(statements))
    return timings, counts, statements


def subscription_order(size: int, stamp: str):
    """The first of `size` orders linked to one fresh subscription in the plugin's
    facts (OrderFacts.subscription), as its order-save receiver links an app's orders."""
    from saleor_attention.models import OrderFacts
    from tests.line import saleor_shop

    subscription = f"S-lifecycle-bench-{stamp}-{size}"
    orders = [saleor_shop.order() for _ in range(size)]
    ids = [order.pk for order in orders]
    have = set(OrderFacts.objects.filter(order_id__in=ids).values_list("order_id", flat=True))
    OrderFacts.objects.filter(order_id__in=have).update(subscription=subscription)
    OrderFacts.objects.bulk_create(
        [OrderFacts(order_id=pk, subscription=subscription) for pk in ids if pk not in have]
    )
    linked = OrderFacts.objects.filter(subscription=subscription).count()
    if linked != size:
        raise RuntimeError(f"{subscription}: {linked} orders linked, expected {size}")
    return orders[0]


def run(args) -> None:
    from saleor_attention.models import Flag
    from tests.line import saleor_shop

    from benchmarks.api import fresh_builder_serials
    from benchmarks.plain_saleor import set_plugin_active
    from benchmarks.report import environment_facts
    from benchmarks.stats import facts, heading, rotated

    fresh_builder_serials()
    set_plugin_active(True)
    stamp = str(int(time.time()))
    sizes = [int(size) for size in args.sizes.split(",")]
    name, _ = raise_flags_function()
    print(f"Building {len(REASONS) + sum(sizes) + 1} orders...", flush=True)
    cases = [Case(f"k={k} (ORDER)", saleor_shop.order(), REASONS[:k], "ORDER")
             for k in range(1, len(REASONS) + 1)]
    cases += [Case(f"SUBSCRIPTION, {size} order{'s' if size > 1 else ''}",
                   subscription_order(size, stamp), (SUBSCRIPTION_REASON,), "SUBSCRIPTION")
              for size in sizes]
    guarded = saleor_shop.order()
    clean = [c.order.pk for c in cases] + [guarded.pk]
    if Flag.objects.active().filter(order_id__in=clean).exists():
        raise RuntimeError("the built orders already carry flags")

    print(f"Measuring {args.warmup} + {args.runs} runs per case, interleaved...", flush=True)
    paths = set()
    for turn in range(args.warmup + args.runs):
        for case in rotated(cases, turn):
            paths.add(measure(case, f"{stamp}-{turn}", record=turn >= args.warmup))
    guard = guard_statements(guarded, args.runs + 1)

    print(heading("Environment"))
    print(facts(environment_facts() + [
        ("flags raised by", f"saleor_attention.{name}(order, flags, actors.RULES) in "
         f"{inspect.getsourcefile(raise_flags_function()[1])}"),
        ("called through", ", ".join(sorted(paths))
         + " inside an outer transaction.atomic(), rolled back after each run"),
        ("runs per case", f"{args.runs} (+{args.warmup} warm-up), interleaved"),
    ]))
    print_changes(cases)
    print_guard(*guard)


def print_changes(cases) -> None:
    from benchmarks.sqltext import abridged, is_transaction_control
    from benchmarks.stats import heading, table, verdict

    print(heading("1. Statements the plugin issues in the transaction of a flag-raising change"))
    rows = []
    for case in cases:
        savepoints = sum(is_transaction_control(sql) for sql in case.statements)
        worst = max(case.counts)
        rows.append([
            case.label, len(case.reasons), "/".join(map(str, sorted(case.counts))),
            savepoints, worst - savepoints, "/".join(map(str, sorted(case.callbacks))),
            case.timings.runs, case.timings.p50, case.timings.p95,
            verdict(worst <= STATEMENTS_TARGET),
        ])
    print(table(["change", "flags", "statements", "savepoint stmts", "queries",
                 "on-commit callbacks", "runs", "p50 ms", "p95 ms",
                 f"<= {STATEMENTS_TARGET}"], rows))
    print("statements = every statement between the hook's call and its return, SAVEPOINT\n"
          "and RELEASE included (exact); on-commit callbacks = work queued for after Saleor's\n"
          "commit (Saleor's order-updated hooks), not run here. Times: the call alone; shared\n"
          "2-core machine, so timings are noisy.")
    ordered = [c for c in cases if c.scope == "ORDER"]
    subscribed = [c for c in cases if c.scope != "ORDER"]
    for label, group in (("k", ordered), ("subscription size", subscribed)):
        counts = {n for c in group for n in c.counts}
        print(f"constant in {label}: {verdict(len(counts) == 1)} ({sorted(counts)})")
    [listed] = [c for c in ordered if len(c.reasons) == LISTED_K]
    print(f"\nThe {len(listed.statements)} statements of {listed.label}, in order:")
    for number, sql in enumerate(listed.statements, 1):
        print(f"  {number:2}. {abridged(sql, 160)}")


def print_guard(timings, counts, statements) -> None:
    from benchmarks.sqltext import abridged
    from benchmarks.stats import heading, verdict

    print(heading("2. The fulfillment guard on an order without flags"))
    worst = max(counts)
    print(f"guards.check_fulfillment(order_id): {'/'.join(map(str, sorted(counts)))} statements "
          f"(target {GUARD_TARGET}): {verdict(worst <= GUARD_TARGET)}; p50 {timings.p50:.2f} ms, "
          f"p95 {timings.p95:.2f} ms over {timings.runs} runs")
    for number, sql in enumerate(statements, 1):
        print(f"  {number}. {abridged(sql, 160)}")


if __name__ == "__main__":
    main()
