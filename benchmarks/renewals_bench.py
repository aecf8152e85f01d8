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
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import subscription_runs as runs  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--due", type=float, default=0.10, help="share of contracts due now")
    parser.add_argument("--flagged", type=float, default=0.01,
                        help="share of contracts held by a SUBSCRIPTION flag (all due)")
    parser.add_argument("--sample", type=int, default=100, help="renewals timed of each kind")
    return parser.parse_args()


def seed(args, tag: str):
    """The source order and its contract (through the plugin), then the rest copied
    from it in SQL; the flagged ones' flags as the lifecycle writes them."""
    from django.db import connection

    from saleor_attention import plugin_state, shop_time
    from saleor_attention.contracts.models import SubscriptionContract
    from saleor_attention.models import Scope

    today = shop_time.calendar().today()
    lead = plugin_state.settings().renewal_lead_days
    source, first = runs.source_contract(today + runs.days(1))
    due = int(args.contracts * args.due)
    flagged = int(args.contracts * args.flagged)
    with connection.cursor() as cursor:
        # Contract n: due now (shipping within the lead time) for n <= due, else later.
        prefix = runs.copy_contracts(
            cursor, first, tag, args.contracts,
            "CASE WHEN n <= %(due)s THEN %(due_on)s::date ELSE %(later)s::date + (n %% 300) END",
            {"due": due, "due_on": today + runs.days(lead), "later": today + runs.days(lead + 1)},
        )
    held = list(
        SubscriptionContract.objects.filter(subscription__startswith=prefix)
        .order_by("next_shipping_date", "pk").values_list("pk", "subscription")[:flagged]
    )
    print(f"Flagging {len(held)} subscriptions...", flush=True)
    for _pk, subscription in held:
        runs.flag(source.pk, Scope.SUBSCRIPTION, subscription)
    return today + runs.days(lead), [pk for pk, _ in held]


def run(args) -> None:
    from benchmarks.report import environment_facts
    from benchmarks.stats import facts, heading
    from saleor_attention.contracts import renewals
    from saleor_attention.contracts.models import SubscriptionContract

    tag, (due_by, held_ids) = runs.seeded(f"{args.contracts} contracts", seed, args)
    due_ids = list(
        SubscriptionContract.objects.filter(subscription__startswith=f"bench-{tag}-",
                                            next_shipping_date__lte=due_by)
        .exclude(pk__in=held_ids).order_by("pk").values_list("pk", flat=True)[: args.sample + 1]
    )

    def renew(ids):
        return runs.measure(lambda pk: renewals.renew(pk, due_by), ids, "place_renewal_order",
                            lambda cycle: cycle.status if cycle else None)

    placed = renew(due_ids)[1:]  # the first warms up
    held = renew(held_ids[: args.sample])

    print(heading("Renewals (issue 10)"))
    print(facts([*environment_facts(),
                 ("contracts (due / held)", f"{args.contracts} ({int(args.contracts * args.due)} / "
                                            f"{len(held_ids)})")]))
    print(runs.summary([("due", placed), ("held (SUBSCRIPTION flag)", held)],
                       "Saleor's order creation"))
    print(f"\npeak memory of this process: {runs.peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    runs.main(parse_args, run)
