"""`make benchmark-saleor3-plain` / `benchmark-saleor3-checkout`: what the plugin costs
Saleor 3 against plain Saleor (the plugin not installed), for orderFulfill (staff) and
checkoutComplete (an anonymous shopper), interleaved, with the ratio of medians and a
95 % bootstrap interval, and the SQL statements of one request per mode.

    python benchmarks/saleor3_plain.py --bench fulfill|checkout|both [--iterations 300]

Needs DJANGO_SETTINGS_MODULE=saleor.settings and a *bench* DATABASE_URL; the plugin is
the one `saleor_attention` resolves to (printed), so an older checkout first on
PYTHONPATH, with this file copied into its benchmarks/, measures that version.
"""
import argparse
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)  # benchmarks.* and the builders in tests.*

# Saleor 3's staff JWTs last 5 minutes by default; building the orders takes longer.
os.environ.setdefault("JWT_TTL_ACCESS", "4 hours")

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402
from benchmarks.rules_worker import add_argument as add_worker_argument  # noqa: E402

TARGET = 1.03


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", choices=["fulfill", "checkout", "both"], default="both")
    parser.add_argument("--iterations", type=int, default=300, help="timed runs per mode")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs per mode")
    parser.add_argument(
        "--shop", default="bench3",
        help="name of the checkout's channel and product (one per concurrent run)",
    )
    parser.add_argument("--resamples", type=int, default=5000, help="bootstrap resamples")
    add_worker_argument(parser)
    return parser.parse_args()


def plugin_version() -> str:
    import saleor_attention

    folder = os.path.dirname(os.path.dirname(os.path.abspath(saleor_attention.__file__)))
    try:
        commit = subprocess.run(
            ["git", "-C", folder, "log", "-1", "--format=%h %s", "--", "saleor_attention"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", folder, "status", "--porcelain", "--", "saleor_attention"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", ""
    return f"{folder}, last plugin commit {commit}{' (+ local changes)' if dirty else ''}"


def print_environment(args) -> None:
    from django.db import connection

    from benchmarks.report import load_average, saleor_version
    from benchmarks.stats import facts, heading

    from benchmarks import plain_saleor

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    receivers = plain_saleor.installation().connected_receivers()
    print(heading("Environment"))
    print(facts([
        ("Saleor / Python", f"{saleor_version()} / {sys.version.split()[0]}"),
        ("PostgreSQL", postgres),
        ("database", database.database_name()),
        ("plugin", plugin_version()),
        ("plain Saleor", f"{', '.join(plain_saleor.installation().plugin_paths)} out of "
                         f"settings.PLUGINS, {receivers} model- and request-signal "
                         "receivers disconnected"),
        ("CPUs", os.cpu_count()),
        ("load average (1/5/15 min)", load_average()),
        ("runs per mode", f"{args.iterations} (+{args.warmup} warm-up), interleaved"),
    ]))


def report(title, timings, statements, args, timed_as="whole HTTP request through Django") -> None:
    from benchmarks import plain_saleor as ps
    from benchmarks.sqltext import abridged
    from benchmarks.stats import heading, table, verdict

    plain = timings[ps.PLAIN]
    ratio, low, high = ps.median_ratio_ci(
        timings[ps.PLUGIN].seconds, plain.seconds, resamples=args.resamples
    )
    print(heading(f"{title} (ms, {timed_as})"))
    rows = []
    for mode, t in timings.items():
        sql = statements[mode]
        shown = "1.000" if mode is ps.PLAIN else f"{ratio:.3f} [{low:.3f}, {high:.3f}]"
        rows.append([t.label, t.runs, t.p50, t.p95, shown,
                     f"{len(sql)} ({len(ps.data_queries(sql))} queries)"])
    print(table(["mode", "runs", "p50", "p95", "p50 / plain [95% CI]", "SQL statements"], rows))
    print(f"\nplugin vs plain Saleor, ratio of medians {ratio:.3f}, 95% CI [{low:.3f}, "
          f"{high:.3f}] (bootstrap over {args.resamples} resamples of paired turns); "
          f"target <= {TARGET:.2f}: {verdict(ratio <= TARGET)}")
    mine, plain_sql = statements[ps.PLUGIN], statements[ps.PLAIN]
    added = len(ps.data_queries(mine)) - len(ps.data_queries(plain_sql))
    print(f"SQL statements the plugin adds: {len(mine) - len(plain_sql):+d} ({added:+d} queries)")
    surplus = ps.surplus(mine, plain_sql)
    for number, sql in enumerate(surplus, 1):
        print(f"  {number}. {abridged(sql, 160)}")
    touched = [sql for sql in plain_sql if ps.PLUGIN_PACKAGE in sql]
    if touched:
        print(f"  WARNING: plain Saleor ran {len(touched)} statements on the plugin's tables")
    missing = ps.surplus(plain_sql, mine)
    if missing:
        print(f"  (and {len(missing)} statements ran only in plain Saleor)")


def compare(mutation, requests, check, args, measured=None, **reported) -> None:
    """requests: per mode, warm-up + timed requests and two more (the last two: one
    untimed, then the one whose SQL is captured); `measured`: ps.measure's options."""
    from benchmarks import plain_saleor as ps

    statements = {}
    for mode in ps.MODES:
        ps.capture(mode, requests[mode][-2], check)
    for mode in ps.MODES:
        statements[mode] = ps.capture(mode, requests[mode][-1], check)
    print(f"Timing {mutation} (interleaved)...", flush=True)
    started = time.time()
    timings = ps.measure(
        ps.MODES, {m: r[:-2] for m, r in requests.items()}, check, args.warmup,
        **(measured or {}),
    )
    print(f"({time.time() - started:.0f} s)")
    report(f"{mutation}, plugin vs plain Saleor 3", timings, statements, args, **reported)


def bench_fulfill(args) -> None:
    from benchmarks import fulfill_bench as fb
    from benchmarks import plain_saleor as ps
    from benchmarks.api import StaffAPI, staff_manager
    from tests.line import saleor_shop

    api = StaffAPI(staff_manager())
    rounds = args.warmup + args.iterations
    print(f"\nBuilding {2 * (rounds + 2)} orders (plugin installed, as shops place them)...",
          flush=True)
    ps.PLUGIN.apply()
    variables = {
        mode: [saleor_shop.fulfill_variables(o) for o in fb.build_orders(rounds + 2)]
        for mode in ps.MODES
    }
    requests = {
        mode: [lambda v=v: api.post(saleor_shop.ORDER_FULFILL, v) for v in variables[mode]]
        for mode in ps.MODES
    }
    compare("orderFulfill", requests, fb.check_shipped, args)


def bench_checkout(args) -> None:
    from benchmarks import checkout3_bench as cb
    from benchmarks import plain_saleor as ps
    from benchmarks.rules_worker import rules_worker, worker_report
    from benchmarks.served import Server

    api = cb.StorefrontAPI()
    ps.PLUGIN.apply()
    channel, variant = cb.ensure_shop(args.shop)
    rounds = args.warmup + args.iterations
    print(f"\nPreparing {2 * (rounds + 2)} checkouts through the storefront API...",
          flush=True)
    serial = int(time.time() * 1000)
    started = time.time()
    ids = {}
    for number, mode in enumerate(ps.MODES):
        ids[mode] = cb.prepare_checkouts(
            api, channel, variant, rounds + 2, serial + number * 100_000
        )
    print(f"({time.time() - started:.0f} s)")
    # Timed until the customer has the answer, as a server sends it (served.py).
    server = Server()
    requests = {
        mode: [
            lambda i=i: server.post_json(api.path, {"query": cb.COMPLETE, "variables": {"id": i}})
            for i in ids[mode]
        ]
        for mode in ps.MODES
    }
    with rules_worker(args.worker) as worker:
        compare("checkoutComplete", requests, cb.check_completed, args,
                measured={"seconds_of": lambda _elapsed, served: served.answered},
                timed_as="until the answer is sent, served as a WSGI server serves it")
        waited = worker.rules_done() if worker else None
    print(worker_report(worker, waited))


def distinct_builder_serials() -> None:
    """The test builders' slugs and SKUs, numbered past any earlier run's (the time)
    and apart from any run at the same time (the process id in the last digits), so
    two versions of the plugin can be measured side by side on one database."""
    import itertools

    from tests.line import saleor_shop

    saleor_shop._serial = itertools.count(int(time.time() * 1000) * 10**7 + os.getpid(), 10**7)


def main() -> None:
    args = parse_args()
    name = database.database_name()
    if "bench" not in name:
        sys.exit(f"Refusing to fill {name!r}: point DATABASE_URL at a *bench* database.")
    database.prepare()
    distinct_builder_serials()
    print_environment(args)
    if args.bench in ("fulfill", "both"):
        bench_fulfill(args)
    if args.bench in ("checkout", "both"):
        bench_checkout(args)
    from benchmarks.report import load_average

    print(f"\nLoad average (1/5/15 min) at the end: {load_average()}")


if __name__ == "__main__":
    main()
