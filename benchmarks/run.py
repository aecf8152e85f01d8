"""`make benchmark`: what saleor-attention costs Saleor 2.10's real GraphQL API.

1. orderFulfill latency with the plugin active, inactive, and with its guard
   disconnected (= Saleor without the plugin); target: p50 ratio <= 1.10.
2. The SQL statements the guard adds to one orderFulfill; target: <= 2 queries.
3. attentionFlags (the staff queue) over 100,000 flags on 200,000 orders;
   target: p95 <= 50 ms per variant. On a miss, EXPLAIN ANALYZE of its slowest SQL.

Idempotent: the first run creates, migrates and fills saleor_attention_bench; later
runs reuse it. Only benchmark rows are added (fresh orders for orderFulfill each run).
"""
import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)  # benchmarks.* and the builders in tests.*

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=80, help="orderFulfill runs per mode")
    parser.add_argument(
        "--warmup", type=int, default=10, help="untimed orderFulfill runs per mode"
    )
    parser.add_argument("--query-runs", type=int, default=50, help="attentionFlags runs per variant")
    parser.add_argument("--query-warmup", type=int, default=5)
    parser.add_argument(
        "--fulfill-only",
        action="store_true",
        help="only the orderFulfill figures (no 200,000-order data set); e.g. on Saleor 3",
    )
    parser.add_argument(
        "--queue-only",
        action="store_true",
        help="only attentionFlags at 1,000,000 flags over 2,000,000 orders, against "
        "Saleor's orders(first: 20) (make benchmark-queue)",
    )
    parser.add_argument(
        "--queue-flags",
        type=int,
        default=1_000_000,
        help="with --queue-only: the flags to seed (twice as many orders); a smaller run "
        "checks the benchmark, the full one measures",
    )
    parser.add_argument(
        "--orders-queue-only",
        action="store_true",
        help="with --queue-only: attentionOrders and the reason counts, not attentionFlags",
    )
    return parser.parse_args()


def refuse_foreign_database() -> None:
    """The run adds 200,000 orders: never into a database not meant for it."""
    name = database.database_name()
    if "bench" not in name and "queue" not in name:
        sys.exit(f"Refusing to fill {name!r}: point DATABASE_URL at a *bench* database.")


def main() -> None:
    args = parse_args()
    refuse_foreign_database()
    database.prepare()
    if args.queue_only:
        from benchmarks import queue_bench  # needs Django set up

        queue_bench.big_report(args)
        return
    from benchmarks import report  # needs Django set up

    report.run(args)


if __name__ == "__main__":
    main()
