"""`make benchmark-charges`: an automatic charge run over many due renewal orders (issue 11).

Seeds `--orders` renewal orders (10,000 by default) due to be charged today: one real
one (a contract with a payment method of Saleor 2.10's dummy gateway, started through
the plugin, its renewal placed by contracts.renewals.renew, which schedules its
charge), then the rest copied from it in SQL, each a contract (subscription) of its
own with that renewal order, its lines, facts, cycle and charge; `--flagged` (1 %) of
them carry an active ORDER flag, so their charges are held. Then tries every due
charge (or `--sample` of each kind) one by one, as the run does (contracts.charges.
attempt, each its own transaction, under the charge's and the order's locks), and
prints: charges per second for one worker, a charge's time and the plugin's part of it
next to Saleor's payment pipeline (shop.charge, timed inside: the gateway's authorize
and capture, Saleor's payment, transaction and event rows, its order-updated hooks,
the plugin's among them), statements per charge (the plugin's and Saleor's, min-max:
constant), a held charge's cost (the first time, recorded once, and again at a later
run), and the process's peak memory. Rerun with --orders 1000 to see the statements
stay the same as the tables grow. Adds only its own rows (each run's tagged): a
reused database keeps earlier runs' held charges due, and this run never tries them.
Saleor 2.10's order tables (the copies share the real order's addresses).
"""
import argparse
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

from benchmarks import subscription_runs as runs  # noqa: E402

# Saleor 2.10's dummy gateway: authorizes and captures every token.
PAYMENT_METHOD = "gateway:mirumee.payments.dummy:tok-bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000,
                        help="renewal orders due to be charged today")
    parser.add_argument("--flagged", type=float, default=0.01,
                        help="share of them held by an active ORDER flag")
    parser.add_argument("--sample", type=int, default=None,
                        help="charges tried of each kind (default: all)")
    return parser.parse_args()


def seed(args, tag: str):
    """The real renewal order, its copies in SQL, the flags: (the charges to try as of
    today in the run's order, the held ones among them)."""
    from django.db import connection, transaction

    from saleor_attention import plugin_state, shop_time
    from saleor_attention.contracts import renewals
    from saleor_attention.contracts.models import AutomaticCharge
    from saleor_attention.models import Scope

    today = shop_time.calendar().today()
    # Shipping then: the charge date (shipping less the charge lead time) is today.
    shipping = today + runs.days(plugin_state.settings().charge_lead_days)
    _source, first = runs.source_contract(shipping, PAYMENT_METHOD)
    cycle = renewals.renew(first.pk, shipping)
    charge = AutomaticCharge.objects.get(cycle=cycle)
    assert charge.charge_on == today, (charge.charge_on, today)
    with transaction.atomic(), connection.cursor() as cursor:
        prefix = runs.copy_contracts(cursor, first, tag, args.orders)
        copy_renewal_orders(cursor, prefix, cycle)
    charges = [charge.pk, *(
        AutomaticCharge.objects.filter(cycle__contract__subscription__startswith=prefix)
        .order_by("charge_on", "pk").values_list("pk", flat=True)
    )]
    flagged = int(args.orders * args.flagged)
    # Spread through the run, as a run meets them.
    held = charges[1::max(1, len(charges) // flagged)][:flagged] if flagged else []
    print(f"Flagging {len(held)} orders...", flush=True)
    orders = dict(AutomaticCharge.objects.filter(pk__in=held).values_list("pk", "order_id"))
    for pk in held:
        runs.flag(orders[pk], Scope.ORDER)
    return today, charges, set(held)


def copy_renewal_orders(cursor, prefix: str, cycle) -> None:
    """For each contract copied (subscription `prefix`…): a copy of the cycle's
    renewal order (a fresh token) with its lines and facts, its cycle, and its charge."""
    from saleor_attention.contracts.models import (
        AutomaticCharge, RenewalCycle, SubscriptionContract,
    )
    from saleor_attention.models import OrderFacts
    from tests.line import saleor_shop

    order, cycles = saleor_shop.Order._meta.db_table, RenewalCycle._meta.db_table
    # Each copy's ids, taken up front: the rows below refer to one another.
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_copies ON COMMIT DROP AS
        SELECT c.id AS contract_id, c.subscription,
               nextval(pg_get_serial_sequence('{order}', 'id')) AS order_id,
               nextval(pg_get_serial_sequence('{cycles}', 'id')) AS cycle_id
        FROM {SubscriptionContract._meta.db_table} c WHERE c.subscription LIKE %(pattern)s
        """,
        {"pattern": prefix + "%"},
    )
    # (model, the column naming the copied row(s), its value, the copies' own values)
    copies = [
        (saleor_shop.Order, "id", cycle.order_id,
         {"id": "m.order_id", "token": "gen_random_uuid()::text"}),
        (saleor_shop.OrderLine, "order_id", cycle.order_id, {"id": None, "order_id": "m.order_id"}),
        (OrderFacts, "order_id", cycle.order_id,
         {"order_id": "m.order_id", "subscription": "m.subscription"}),
        (RenewalCycle, "id", cycle.pk,
         {"id": "m.cycle_id", "contract_id": "m.contract_id", "order_id": "m.order_id"}),
        (AutomaticCharge, "cycle_id", cycle.pk,
         {"id": None, "cycle_id": "m.cycle_id", "order_id": "m.order_id"}),
    ]
    for model, column, value, overrides in copies:
        table = model._meta.db_table
        runs.copy_rows(cursor, model, f"bench_copies m, {table} s WHERE s.{column} = %(value)s",
                       overrides, {"value": value})
        cursor.execute(f"ANALYZE {table}")


def run(args) -> None:
    from benchmarks.report import environment_facts
    from benchmarks.stats import facts, heading
    from saleor_attention.contracts import charges

    _tag, (today, due, held_ids) = runs.seeded(
        f"{args.orders} renewal orders due to be charged", seed, args)
    sample = args.sample
    to_charge = [pk for pk in due if pk not in held_ids][: None if sample is None else sample + 1]
    to_hold = [pk for pk in due if pk in held_ids][:sample]

    def attempt(ids):
        return runs.measure(lambda pk: charges.attempt(pk, today), ids, "charge",
                            lambda attempted: attempted.outcome if attempted else None)

    print(f"Charging {len(to_charge)}, holding {len(to_hold)}...", flush=True)
    quiet_missing_email_templates()
    started = time.perf_counter()
    charged = attempt(to_charge)
    seconds = time.perf_counter() - started
    charged = charged[1:]  # the first warms up
    held = attempt(to_hold)
    held_again = attempt(to_hold)

    print(heading("Automatic charges (issue 11)"))
    print(facts([
        *environment_facts(),
        ("renewal orders due today (held)", f"{args.orders} ({len(held_ids)})"),
        ("payment method", PAYMENT_METHOD),
        ("charged one by one, one worker",
         f"{len(charged) + 1} in {seconds:.1f} s (with the warm-up): "
         f"{len(charged) / sum(step.seconds for step in charged):.1f} per second"),
    ]))
    print(runs.summary([("due: charged", charged), ("held (ORDER flag): recorded", held),
                        ("held again, a later run", held_again)], "inside shop.charge"))
    print("\ninside shop.charge: Saleor's payment pipeline (payment, the gateway plugin's\n"
          "authorize and capture, transactions, events, the fully-paid handling and\n"
          "order-updated hooks, the plugin's among them); the plugin's: the rest of the\n"
          "charge. Rerun with --orders 1000: the statements stay the same.")
    print(f"\npeak memory of this process: {runs.peak_memory_mb():.0f} MB")


def quiet_missing_email_templates() -> None:
    """Saleor 2.10 from PyPI ships no e-mail templates: the payment confirmation a
    charge queues (a Celery task, run in this process as there is no broker) fails to
    render, and Celery logs its traceback. Not the charge's failure: left out."""
    import logging

    class MissingTemplates(logging.Filter):
        def filter(self, record):
            return "TemplateDoesNotExist" not in record.getMessage()

    logging.getLogger("celery.app.trace").addFilter(MissingTemplates())


if __name__ == "__main__":
    runs.main(parse_args, run)
