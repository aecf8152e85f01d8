"""The printed report: one function per section, each measuring then printing."""
import os
from importlib.metadata import PackageNotFoundError, version

from django.db import connection

from . import database, seed
from . import fulfill_bench as fb
from . import queue_bench as qb
from .api import StaffAPI, fresh_builder_serials, staff_manager
from .sqltext import abridged
from .stats import facts, heading, merged, table, verdict

RATIO_TARGET = 1.10
EXTRA_QUERIES_TARGET = 2


def run(args) -> None:
    fresh_builder_serials()
    dataset = None if args.fulfill_only else seed.ensure()
    api = StaffAPI(staff_manager())
    print_environment(dataset, args)
    fulfill_latency(api, args)
    fulfill_statements(api)
    if dataset is not None:
        queue(api, args)


def saleor_version() -> str:
    """Saleor 2.10 is installed from PyPI; Saleor 3 usually runs from its source tree."""
    try:
        return version("saleor")
    except PackageNotFoundError:
        import saleor

        return saleor.__version__


def print_environment(dataset, args) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    print(heading("Environment"))
    print(facts([
        ("Saleor / Django", f"{saleor_version()} / {version('django')}"),
        ("PostgreSQL", postgres),
        ("database", database.database_name()),
        ("CPUs", os.cpu_count()),
        ("load average (1/5/15 min)", load_average()),
        ("orderFulfill runs per mode", f"{args.iterations} (+{args.warmup} warm-up)"),
    ] + ([] if dataset is None else [
        ("orders (all)", f"{dataset.orders:,}"),
        ("flags: all / ACTIVE / SUBSCRIPTION scope",
         f"{dataset.flags:,} / {dataset.active:,} / {dataset.subscription_scope:,}"),
        ("data", "generated this run" if dataset.generated else "reused"),
        ("attentionFlags runs per variant", f"{args.query_runs} (+{args.query_warmup} warm-up)"),
    ])))


def fulfill_latency(api, args) -> None:
    print("\nTiming orderFulfill (interleaved modes, fresh order per request)...", flush=True)
    timings = fb.measure_latency(api, args.iterations, args.warmup)
    baseline = timings[fb.WITHOUT].p50
    print(heading("orderFulfill latency (ms, whole HTTP request through Django)"))
    print(table(
        ["mode", "runs", "p50", "p95", "p50 / no plugin"],
        [[t.label, t.runs, t.p50, t.p95, t.p50 / baseline] for t in timings.values()],
    ))
    ratio = timings[fb.ACTIVE].p50 / baseline
    print(f"\nplugin active vs without the plugin, ratio of medians: {ratio:.3f} "
          f"(target <= {RATIO_TARGET:.2f}): {verdict(ratio <= RATIO_TARGET)}")
    inactive = timings[fb.ACTIVE].p50 / timings[fb.INACTIVE].p50
    print(f"plugin active vs plugin inactive, ratio of medians: {inactive:.3f}")


def fulfill_statements(api) -> None:
    statements = fb.capture_all(api)
    print(heading("SQL statements in one orderFulfill"))
    print(table(
        ["mode", "statements", "queries", "savepoints etc."],
        [
            [s.mode.label, len(s.sql), len(s.data_queries), len(s.sql) - len(s.data_queries)]
            for s in statements.values()
        ],
    ))
    without = statements[fb.WITHOUT]
    for mode in (fb.ACTIVE, fb.INACTIVE):
        extra = fb.extra_statements(statements[mode], without)
        queries = [sql for sql in extra if not fb.is_transaction_control(sql)]
        print(f"\n{mode.label} vs without the plugin: +{len(extra)} statements, "
              f"of which {len(queries)} queries (target <= {EXTRA_QUERIES_TARGET}): "
              f"{verdict(len(queries) <= EXTRA_QUERIES_TARGET)}")
        for number, sql in enumerate(extra, 1):
            print(f"  {number}. {abridged(sql)}")
        missing = fb.missing_statements(statements[mode], without)
        if missing:
            print(f"  (and {len(missing)} statements ran only without the plugin)")


def queue(api, args) -> None:
    cases = qb.variants(api)
    print("\nTiming attentionFlags (round-robin over variants)...", flush=True)
    timings = qb.measure(api, cases, args.query_runs, args.query_warmup)
    profiles = {case: qb.profile(api, case) for case in cases}
    print(heading(f"attentionFlags(first: {qb.PAGE}) latency (ms, whole HTTP request)"))
    rows = [
        [t.label, profiles[case].total_count, profiles[case].count, profiles[case].total_ms,
         t.p50 - profiles[case].total_ms, t.runs, t.p50, t.p95, verdict(t.p95 <= qb.TARGET_MS)]
        for case, t in timings.items()
    ]
    overall = merged("overall", list(timings.values()))
    rows.append([overall.label, "", "", "", "", overall.runs, overall.p50, overall.p95,
                 verdict(overall.p95 <= qb.TARGET_MS)])
    print(table(
        ["variant", "totalCount", "SQL", "SQL ms", "rest ms", "runs", "p50", "p95",
         f"p95 <= {qb.TARGET_MS:.0f}"],
        rows,
    ))
    print("SQL: statements in one request and their time; rest: p50 minus that "
          "(Django, JWT, GraphQL execution, serialisation).")
    print(f"Load average (1/5/15 min) now: {load_average()}")
    for case, t in timings.items():
        if t.p95 > qb.TARGET_MS:
            explain_miss(case, t, profiles[case])


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def explain_miss(case, timing, profile) -> None:
    print(heading(f"Missed: {case.label} (variables {case.variables})"))
    share = profile.total_ms / timing.p50
    print(f"SQL: {profile.total_ms:.1f} ms of the {timing.p50:.1f} ms median ({share:.0%}). "
          "Its slowest statements:")
    for statement in profile.slowest[:2]:
        print(f"\n{statement.seconds * 1000:.1f} ms: {abridged(statement.sql)}\n")
        print(qb.explain(statement.sql))
