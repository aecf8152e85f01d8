"""`make benchmark-worst-query`: the most a single staff query can ask of the plugin.

The largest request the caps allow: 100 flags of the queue, each with its order's
attention, all on one order with 231 flags (before the caps, 100 flags and 231 events
per order: 18.8 s and 2.5 MB). A request may fetch at most 1,000 nested flags and
events in all, so the largest is 100 orders x (5 flags + 5 events); the request that
asks for more is refused at once, and its time is printed too.
Prints the time (p50/p95), SQL statements and response size.
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import database  # noqa: E402

FLAGS_ON_ONE_ORDER = 231
RUNS = 10
WORST = """
query Worst($order: ID!, $nested: Int!) {
  attentionFlags(first: 100, filter: {order: $order}) { edges { node {
    id order { attention {
      flags(first: $nested) { id message guidance createdBy { name } }
      events(last: $nested) { id message actor { name } }
    } }
  } } }
}
"""


def main() -> None:
    database.prepare()
    from benchmarks.api import StaffAPI, data_of, fresh_builder_serials, staff_manager
    from benchmarks.sqltext import capturing
    from benchmarks.stats import Timings, facts, heading, timed
    from saleor_attention import services
    from tests.line import saleor_shop

    fresh_builder_serials()
    order = saleor_shop.order()
    for number in range(FLAGS_ON_ONE_ORDER):
        services.set_flag(order, note=f"hold {number}")
    api = StaffAPI(staff_manager())
    for nested, label in ((5, "largest allowed"), (100, "refused (over budget)")):
        variables = {"order": saleor_shop.order_id(order), "nested": nested}
        timings = Timings(label)
        for _ in range(RUNS):
            seconds, response = timed(lambda: api.post(WORST, variables))
            timings.add(seconds)
        if nested == 5:
            data_of(response, "attentionFlags")
        with capturing() as queries:
            response = api.post(WORST, variables)
        print(heading(f"100 queue rows x {nested} flags + {nested} events: {label}"))
        print(facts([
            ("flags on the order", FLAGS_ON_ONE_ORDER),
            ("p50 / p95", f"{timings.p50:.0f} ms / {timings.p95:.0f} ms"),
            ("SQL statements", len(queries)),
            ("response", f"{len(response.content) / 1024:.0f} KiB"),
        ]))


if __name__ == "__main__":
    main()
