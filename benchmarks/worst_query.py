"""`make benchmark-worst-query`: the most a single staff query can ask of the plugin.

The largest request its caps allow: 100 flags of the queue, each with its order's
attention (100 flags and the last 100 events), all on one order with 231 flags, the
case that took 18.8 s and returned 2.5 MB before the nested lists were capped.
Prints the time (p50/p95), SQL statements and response size.
"""
import os
import secrets
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_attention.saleor_v2.settings")
os.environ.setdefault("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ATTENTION_JWT_LIFETIME_MINUTES", "240")

from benchmarks import database  # noqa: E402

FLAGS_ON_ONE_ORDER = 231
RUNS = 10
WORST = """
query Worst($order: ID!) {
  attentionFlags(first: 100, filter: {order: $order}) { edges { node {
    id order { attention {
      flags(first: 100) { id message guidance createdBy { name } }
      events(last: 100) { id message actor { name } }
    } }
  } } }
}
"""


def main() -> None:
    database.prepare()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.api import StaffAPI, data_of, fresh_builder_serials, staff_manager
    from benchmarks.stats import Timings, facts, heading, timed
    from saleor_attention import services
    from tests.line import saleor_shop

    fresh_builder_serials()
    order = saleor_shop.order()
    for number in range(FLAGS_ON_ONE_ORDER):
        services.set_flag(order, note=f"hold {number}")
    api = StaffAPI(staff_manager())
    variables = {"order": saleor_shop.order_id(order)}

    timings = Timings("worst query")
    for _ in range(RUNS):
        seconds, response = timed(lambda: api.post(WORST, variables))
        data_of(response, "attentionFlags")
        timings.add(seconds)
    with CaptureQueriesContext(connection) as queries:
        response = api.post(WORST, variables)
    print(heading("The largest query the caps allow"))
    print(facts([
        ("flags on the order", FLAGS_ON_ONE_ORDER),
        ("p50 / p95", f"{timings.p50:.0f} ms / {timings.p95:.0f} ms"),
        ("SQL statements", len(queries)),
        ("response", f"{len(response.content) / 1024:.0f} KiB"),
    ]))


if __name__ == "__main__":
    main()
