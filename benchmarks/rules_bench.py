"""`make benchmark-rules`: what the order-placed rules cost (blacklist, remote island,
cash on delivery) on Saleor 2.10.

1. The task the plugin's order-created hook queues (tasks.run_order_rules: the
   switch, the order's key, its rules under its lock and writing the flags they
   raise) on freshly built orders awaiting their rules, as every new order does when
   the task runs, at two data sizes (small: ~1,000
   customers / 100 blacklist entries; large: 1,000,000 customers / 10,000 entries):
   SQL queries per order (target <= 5, the same at both sizes; captured on each kind's
   first order, which is not timed) and p50/p95 of its time (target p95 <= 10 ms),
   for orders that match nothing, orders that match each rule, and orders that match
   three (blacklist candidate by phone + remote island + COD);
   then EXPLAIN ANALYZE of the blacklist lookup. `--large-only --kinds no-match,3-rules`
   keeps it to what issue 8 compares.
2. Saleor 2.10's real checkoutComplete (checkoutCreate, checkoutShippingMethodUpdate,
   checkoutPaymentCreate with the dummy gateway prepared beforehand) with the plugin
   active, inactive (stored switch) and not installed (plain Saleor, see
   plugin_modes.py), interleaved, each served as a WSGI server serves it (served.py)
   and timed until its answer is read, and until its response is closed: ratios of
   medians with 95% confidence intervals (target <= 1.03). `--iterations 300` for the
   issue-8 figures.

Only rows it marks as its own are added or removed: customers `rules-bench-<n>@...`,
blacklist entries with note `rules-bench`; the plugin's stored settings are restored.
"""
import argparse
import itertools
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import FrozenSet

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

import benchmarks.environment  # noqa: E402,F401 - before Django loads

# A Japanese shop: Saleor 2.10 checks checkoutCreate's stock for the request's country
# (GeoIP, else DEFAULT_COUNTRY), and the only warehouse zone here serves JP.
os.environ.setdefault("DEFAULT_COUNTRY", "JP")

from benchmarks import database  # noqa: E402
from benchmarks.rules_worker import add_argument as add_worker_argument  # noqa: E402

USER_EMAIL = "rules-bench-%s@example.com"
ENTRY_NOTE = "rules-bench"
COD_GATEWAY = "bench.cod"
SIZES = (("small", 1_000, 100), ("large", 1_000_000, 10_000))
QUERIES_TARGET = 5
P95_TARGET_MS = 10.0
# Issue 8: the 3-rule order's p95 at most this far above the order that matches nothing.
GAP_TARGET_MS = 5.0


@dataclass(frozen=True)
class Kind:
    """Orders that match what: a blacklist entry (by `entry`), a remote-island postal
    code, a COD gateway on a regular order; and the flags they must raise."""

    key: str  # as --kinds names it
    label: str
    expected: FrozenSet[str] = frozenset()
    entry: str = ""
    island: bool = False
    cod: bool = False


NO_MATCH = Kind("no-match", "no match")
THREE_RULES = Kind("3-rules", "3 rules (candidate + island + COD)",
                   frozenset({"BLACKLIST_CANDIDATE", "REMOTE_ISLAND", "COD_NOT_ALLOWED"}),
                   entry="phone", island=True, cod=True)
KINDS = (
    NO_MATCH,
    Kind("customer", "blacklisted customer", frozenset({"BLACKLISTED_CUSTOMER"}),
         entry="customer"),
    Kind("phone", "phone", frozenset({"BLACKLIST_CANDIDATE"}), entry="phone"),
    Kind("name-postal", "name + postal code", frozenset({"BLACKLIST_CANDIDATE"}),
         entry="name + postal code"),
    Kind("address", "address", frozenset({"BLACKLIST_CANDIDATE"}), entry="address"),
    Kind("email", "email", frozenset({"BLACKLIST_CANDIDATE"}), entry="email"),
    Kind("island", "remote island", frozenset({"REMOTE_ISLAND"}), island=True),
    Kind("cod", "COD (regular order)", frozenset({"COD_NOT_ALLOWED"}), cod=True),
    THREE_RULES,
)
WARM_UP = Kind("warm-up", "warm-up")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=150, help="no-match orders per size")
    parser.add_argument("--matches", type=int, default=5, help="orders per match kind and size")
    parser.add_argument("--kinds", default=",".join(k.key for k in KINDS),
                        help="order kinds to measure, comma-separated: "
                        + ", ".join(k.key for k in KINDS))
    parser.add_argument("--large-only", action="store_true",
                        help="part 1 at 1,000,000 customers only (not the small size)")
    parser.add_argument("--iterations", type=int, default=40, help="checkoutComplete runs per mode")
    parser.add_argument("--warmup", type=int, default=5)
    add_worker_argument(parser)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--checkout-only", action="store_true", help="only part 2")
    only.add_argument("--rules-only", action="store_true", help="only part 1")
    args = parser.parse_args()
    by_key = {kind.key: kind for kind in KINDS}
    unknown = [key for key in args.kinds.split(",") if key not in by_key]
    if unknown:
        parser.error(f"unknown kinds {unknown}; choose from {list(by_key)}")
    args.kinds = [by_key[key] for key in args.kinds.split(",")]
    return args


def main() -> None:
    args = parse_args()
    if "bench" not in database.database_name():
        sys.exit("Refusing: point DATABASE_URL at a *bench* database.")
    database.prepare()
    from django.conf import settings

    # Saleor's console mail backend would print every order confirmation.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    run(args)


# --------------------------------------------------------------------------- report


def run(args) -> None:
    from benchmarks.api import fresh_builder_serials
    from benchmarks.report import environment_facts
    from benchmarks.stats import facts, heading

    fresh_builder_serials()
    original = configure_all_rules()
    try:
        print(heading("Environment"))
        print(facts(environment_facts() + [
            ("plugin settings", "remote_island_check=true, cod_payment_gateways="
             f"{COD_GATEWAY}, cod_allowed_regular_orders=false, "
             "blacklist_match_patterns=default (all four)"),
        ]))
        if not args.checkout_only:
            sizes = SIZES[-1:] if args.large_only else SIZES
            results = {}
            for label, customers, entries in sizes:
                results[label] = rule_evaluation(label, customers, entries, args)
            print_rule_summary(results)
            if results["large"]["probe"] is not None:
                explain_blacklist_lookup(results["large"]["probe"])
        if not args.rules_only:
            checkout_on_off(args)
    finally:
        restore_configuration(original)


# --------------------------------------------------------------- plugin settings


def configure_all_rules():
    """Store settings under which every order-placed rule runs; returns what was stored."""
    from saleor_attention import plugin_state
    from saleor_attention.adapter import shop

    shop.ensure_plugin_configuration()
    stored = plugin_state.stored_configuration()
    original = (stored.active, [dict(item) for item in stored.configuration or []])
    wanted = {
        "remote_island_check": "true",
        "cod_payment_gateways": COD_GATEWAY,
        "cod_allowed_regular_orders": "false",
        "blacklist_match_patterns": "PHONE,NAME_POSTAL_CODE,ADDRESS,EMAIL",
    }
    items = [item for item in stored.configuration or [] if item["name"] not in wanted]
    items += [{"name": name, "value": value} for name, value in wanted.items()]
    stored.configuration = items
    stored.active = True
    stored.save(update_fields=["configuration", "active"])
    parsed = plugin_state.settings()
    assert parsed.remote_island_check and COD_GATEWAY in parsed.cod_payment_gateways
    return original


def restore_configuration(original) -> None:
    from saleor_attention import plugin_state

    stored = plugin_state.stored_configuration()
    stored.active, stored.configuration = original
    stored.save(update_fields=["configuration", "active"])


# ------------------------------------------------------------------------ data


def execute(sql, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def scalar(sql, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def set_customers(target: int) -> None:
    """Exactly `target` benchmark customers (copies of one template user row)."""
    from django.db import connection, transaction
    from tests.line import saleor_shop

    have = scalar("SELECT count(*) FROM account_user WHERE email LIKE %s", [USER_EMAIL % "%"])
    if have > target:
        print(f"  removing {have - target:,} benchmark customers...", flush=True)
        with transaction.atomic():
            # Nothing references these rows (only this script makes them): skip the
            # per-row foreign-key checks of the 15 referencing tables.
            execute("SET LOCAL session_replication_role = replica")
            execute(
                "DELETE FROM account_user WHERE email LIKE %s "
                "AND substring(email from '[0-9]+')::int > %s",
                [USER_EMAIL % "%", target],
            )
    elif have < target:
        print(f"  inserting {target - have:,} customers (INSERT ... SELECT generate_series)...",
              flush=True)
        template = saleor_shop.customer()
        with connection.cursor() as cursor:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, "account_user")
                if c.name not in ("id", "email")
            ]
        copied = ", ".join(f'"{c}"' for c in columns)
        execute(
            f"""INSERT INTO account_user (email, {copied})
                SELECT replace(%s, '%%s', n::text), {copied}
                FROM account_user, generate_series(%s, %s) AS n
                WHERE account_user.id = %s""",
            [USER_EMAIL, have + 1, target, template.pk],
        )
        execute("DELETE FROM account_user WHERE id = %s", [template.pk])
    execute("ANALYZE account_user")


def set_blacklist(target: int, matching) -> None:
    """`target` entries: filler with realistic keys that match no benchmark order, plus
    one entry per order in `matching` ([(kind, order)]) that matches it by kind.entry."""
    from saleor_attention import normalize
    from saleor_attention.models import BlacklistEntry

    BlacklistEntry.objects.filter(note=ENTRY_NOTE).delete()
    filler = target - len(matching)
    # Filler keys: phones 090 + 8 digits (benchmark orders use 080), katakana names
    # (orders: kanji), 7-digit postal codes, 東京都… addresses (orders: 千代田区…),
    # @example.net e-mails (orders: @example.com). Not every entry has every key.
    execute(
        """INSERT INTO saleor_attention_blacklistentry
             (email, phone, name, postal_code, address, note, email_key, phone_key,
              name_key, postal_code_key, address_key, created_at, updated_at,
              created_by_name, created_by_source, name_reading, name_reading_key)
           SELECT k.email, k.phone, k.name, k.postal, k.address, %s,
                  k.email, k.phone, k.name, k.postal, k.address, now(), now(), '', '',
                  '', ''
           FROM generate_series(1, %s) AS n,
           LATERAL (SELECT
             CASE WHEN n %% 5 < 3 THEN 'blocked' || n || '@example.net' ELSE '' END AS email,
             '090' || lpad(((n::bigint * 7919) %% 100000000)::text, 8, '0') AS phone,
             CASE WHEN n %% 10 < 7 THEN translate(lpad(n::text, 6, '0'), '0123456789',
                  'アイウエオカキクケコ') || 'タロウ' ELSE '' END AS name,
             CASE WHEN n %% 10 < 7 THEN lpad(((n::bigint * 7907) %% 10000000)::text, 7, '0')
                  ELSE '' END AS postal,
             CASE WHEN n %% 2 = 0 THEN '東京都新宿区西新宿' || n || '丁目' ELSE '' END AS address
           ) AS k""",
        [ENTRY_NOTE, filler],
    )
    entries = []
    for kind, order in matching:
        addr = order.billing_address
        values = {"note": ENTRY_NOTE}
        if kind.entry == "customer":
            values["customer_id"] = order.user_id
        elif kind.entry == "phone":
            values["phone"] = values["phone_key"] = normalize.phone_key(str(addr.phone))
        elif kind.entry == "name + postal code":
            values["name"] = values["name_key"] = normalize.text_key(
                f"{addr.last_name}{addr.first_name}")
            values["postal_code"] = values["postal_code_key"] = normalize.digits_key(
                addr.postal_code)
        elif kind.entry == "address":
            values["address"] = values["address_key"] = normalize.text_key(
                f"{addr.country_area}{addr.city}{addr.city_area}"
                f"{addr.street_address_1}{addr.street_address_2}")
        elif kind.entry == "email":
            values["email"] = values["email_key"] = normalize.email_key(order.user_email)
        else:
            continue  # no blacklist entry (no match, remote island, COD)
        entries.append(BlacklistEntry(**values))
    # bulk_create skips save(): the keys above are the normalised ones already.
    BlacklistEntry.objects.bulk_create(entries)
    execute("ANALYZE saleor_attention_blacklistentry")


def build_orders(args):
    """Orders built with the test builders, each with its own customer, phone, name,
    postal code and street, so that exactly the intended ones match. The builder
    places each order (its order_created hook runs the rules): what makes an order
    match (an island postal code, a COD payment, a blacklist entry) is added after."""
    from saleor.payment.models import Payment
    from tests.line import saleor_shop

    islands = sorted(remote_island_codes())
    planned = _interleaved({
        kind: [(kind, i) for i in range(args.orders if kind == NO_MATCH else args.matches)]
        for kind in args.kinds
    })
    planned += [(WARM_UP, i) for i in range(5)]
    orders = []
    for number, (kind, i) in enumerate(planned):
        serial = next(saleor_shop._serial) % 100_000_000
        order = saleor_shop.order(
            user=saleor_shop.customer(), postal_code="100-0001",
            phone=f"+8180{serial:08d}",
        )
        for address in (order.billing_address, order.shipping_address):
            address.first_name = f"太郎{serial}"
            address.street_address_1 = f"千代田{serial}-{number}"
            if kind.island and address is order.shipping_address:
                code = islands[i % len(islands)]
                address.postal_code = f"{code[:3]}-{code[3:]}"
            address.save(update_fields=["first_name", "street_address_1", "postal_code"])
        if kind.cod:
            Payment.objects.create(
                order=order, gateway=COD_GATEWAY, total=order.total.gross.amount,
                currency="USD", billing_email=order.user_email, is_active=True,
            )
        orders.append((kind, order))
    return orders


def _interleaved(runs_of_kinds):
    """One run of each kind in turn (a kind with fewer runs ends earlier): the kinds
    compared run under the same conditions, not one block after another."""
    rounds = itertools.zip_longest(*runs_of_kinds.values())
    return [run for runs in rounds for run in runs if run is not None]


def remote_island_codes():
    from saleor_attention.rules import order_placed

    return order_placed.built_in_remote_islands()


# ------------------------------------------------------------ 1. rule evaluation


def rule_evaluation(label, customers, entries, args):
    from django.utils import timezone

    from saleor_attention import tasks
    from saleor_attention.models import Event, Flag, OrderFacts

    from benchmarks.sqltext import capturing, is_transaction_control
    from benchmarks.stats import Timings, timed

    print(f"\nPreparing the {label} data set: {customers:,} customers, "
          f"{entries:,} blacklist entries...", flush=True)
    set_customers(customers)
    orders = build_orders(args)
    set_blacklist(entries, [(k, o) for k, o in orders if k.entry])
    counts = {
        "customers": scalar("SELECT count(*) FROM account_user"),
        "entries": scalar("SELECT count(*) FROM saleor_attention_blacklistentry"),
    }
    print(f"  account_user rows: {counts['customers']:,}; blacklist entries: "
          f"{counts['entries']:,}; orders built: {len(orders)}", flush=True)
    if Flag.objects.filter(order_id__in=[o.pk for _, o in orders]).exists():
        raise RuntimeError("built orders already carry flags: the measured call would not "
                           "write them")
    failures_before = Event.objects.filter(type="RULE_FAILED").count()
    # As Saleor placed them: awaiting their rules (the builder ran those of the orders
    # that matched nothing yet; the task clears the mark with the rules' write).
    OrderFacts.objects.filter(order_id__in=[o.pk for _, o in orders]).update(
        rules_pending_since=timezone.now())

    def run_task(order_id):
        if not tasks.run_order_rules(order_id):
            raise RuntimeError("the rules' task ran nothing: is the plugin switched on?")

    timings, after_commit = {}, {}
    queries = {}
    reasons = {}
    probe = None
    for kind, order in orders:  # warm-up first, then the measured ones, kinds in turn
        if kind == WARM_UP:
            run_task(str(order.pk))
    for kind, built in orders:
        if kind == WARM_UP:
            continue
        order_id = str(built.pk)
        if kind not in queries:
            # The kind's first order: its statements, captured and not timed (capturing
            # formats every statement, the longer ones the longer: it would be billed
            # to the orders that write more).
            with capturing() as captured:
                _seconds, committed = until_commit(lambda: run_task(order_id))
            data = [q["sql"] for q in captured.captured_queries[:committed]
                    if not is_transaction_control(q["sql"])]
            queries[kind] = {len(data)}
            if kind == NO_MATCH:
                probe = (built.pk, data)
        else:
            total, (seconds, _committed) = timed(
                lambda: until_commit(lambda: run_task(order_id)))
            timings.setdefault(kind, Timings(kind.label)).add(seconds)
            after_commit.setdefault(kind, Timings(kind.label)).add(total - seconds)
        stored = frozenset(Flag.objects.filter(order_id=built.pk).values_list("reason", flat=True))
        reasons.setdefault(kind, set()).add(stored)
        if stored != kind.expected:
            raise RuntimeError(f"{kind.label}: flags stored {set(stored)}, expected "
                               f"{set(kind.expected)}")
    failures = Event.objects.filter(type="RULE_FAILED").count() - failures_before
    if failures:
        raise RuntimeError(f"the rules failed {failures} times (RULE_FAILED events)")
    return {"counts": counts, "timings": timings, "after_commit": after_commit,
            "queries": queries, "reasons": reasons, "probe": probe}


def until_commit(call):
    """The call in a transaction of its own (the task's): seconds until its commit and
    the statements run by then. What the commit then runs (Saleor's order-updated
    hooks, whose webhook plugin builds the order's payload; the customer e-mails and
    flag webhooks queued) is not the rules' work: timed apart."""
    import time

    from django.db import connection, transaction

    started, mark = time.perf_counter(), {}
    with transaction.atomic():
        transaction.on_commit(lambda: mark.update(
            at=time.perf_counter(), statements=len(connection.queries_log)))
        call()
    return mark["at"] - started, mark["statements"]


def print_rule_summary(results) -> None:
    from benchmarks.stats import gap_of_percentiles, heading, table, verdict

    print(heading("1. The rules' task (tasks.run_order_rules): SQL queries and time per "
                  "order (ms)"))
    rows = []
    for label, result in results.items():
        size = (f"{label}: {result['counts']['customers']:,} users / "
                f"{result['counts']['entries']:,} entries")
        for kind, t in result["timings"].items():
            q = result["queries"][kind]
            flags = ", ".join(sorted({r for rs in result["reasons"][kind] for r in rs})) or "-"
            after = result["after_commit"][kind]
            rows.append([size, kind.label, t.runs, "/".join(map(str, sorted(q))), flags,
                         t.p50, t.p95, f"{after.p50:.2f} / {after.p95:.2f}"])
            size = ""
    print(table(["data size", "order kind", "runs", "queries", "flags raised", "p50", "p95",
                 "after commit p50 / p95"], rows))
    print("The task is called with the order's id, as the worker calls it, on an order\n"
          "awaiting its rules. Time = the call in its own transaction, up to its commit: the\n"
          "switch, the order, the rules, the rules-pending mark cleared, and for match rows\n"
          "writing the flags, their audit events, the order history note and the metadata\n"
          "summary. After commit = what the change queued for the commit, in\n"
          "the same worker: Saleor's order-updated hooks (its webhook plugin builds the\n"
          "order's payload) once the rules flagged the order, the e-mails and webhooks.\n"
          "queries = SQL statements up to the commit, without SAVEPOINT/RELEASE. Shared\n"
          "machine: timings are noisy, query counts exact.")

    for kind in KINDS:
        per_size = [result["queries"][kind] for result in results.values()
                    if kind in result["queries"]]
        if len(per_size) > 1 and any(q != per_size[0] for q in per_size):
            print(f"  note: '{kind.label}' queries differ between sizes: "
                  + " vs ".join(str(sorted(q)) for q in per_size))
    no_match = [result["queries"][NO_MATCH] for result in results.values()
                if NO_MATCH in result["queries"]]
    if no_match:
        constant = all(q == no_match[0] for q in no_match) and len(no_match[0]) == 1
        worst = max(max(q) for q in no_match)
        print(f"\nqueries per order, no-match path: "
              + ", ".join(f"{label} {sorted(r['queries'][NO_MATCH])}"
                          for label, r in results.items())
              + f" -> constant: {verdict(constant)}; <= {QUERIES_TARGET}: "
              f"{verdict(worst <= QUERIES_TARGET)}")
    for label, result in results.items():
        for kind, t in result["timings"].items():
            print(f"p95 {label}, {kind.label}: {t.p95:.2f} ms (target <= {P95_TARGET_MS:.0f}): "
                  f"{verdict(t.p95 <= P95_TARGET_MS)}")
    large = results["large"]["timings"]
    if NO_MATCH in large and THREE_RULES in large:
        gap = gap_of_percentiles(large[THREE_RULES].seconds, large[NO_MATCH].seconds, 95)
        print(f"p95 large, 3 rules - no match: {gap} (issue 8 target <= +5): "
              f"{verdict(gap.value <= GAP_TARGET_MS)}; the interval's upper end "
              f"{verdict(gap.high <= GAP_TARGET_MS)}")
    probe = results["large"]["probe"]
    if probe is not None:
        print("\nThe no-match SQL (large size, one order):")
        for number, sql in enumerate(probe[1], 1):
            print(f"  {number}. {abridge(sql)}")


def abridge(sql, width=220):
    from benchmarks.sqltext import abridged

    return abridged(sql, width)


def explain_blacklist_lookup(probe) -> None:
    from django.db import connection

    from benchmarks.stats import heading

    [sql] = [s for s in probe[1] if "saleor_attention_blacklistentry" in s]
    print(heading("EXPLAIN ANALYZE of the blacklist lookup (large size, no-match order)"))
    print(sql)
    print()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    if "BitmapOr" in plan and "Seq Scan" not in plan:
        print("\n-> BitmapOr of index scans: every OR branch is answered from an index.")
    else:
        print("\n-> NOT a BitmapOr of index scans: PostgreSQL scans the table here.")


# --------------------------------------------------- 2. checkoutComplete on / off

CHECKOUT_CREATE = """
mutation Create($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id totalPrice { gross { amount } } }
    checkoutErrors { field code message }
  }
}
"""
SHIPPING_UPDATE = """
mutation Ship($id: ID!, $method: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $id, shippingMethodId: $method) {
    checkout { totalPrice { gross { amount } } }
    checkoutErrors { field code message }
  }
}
"""
PAYMENT_CREATE = """
mutation Pay($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $id, input: $input) {
    payment { id }
    paymentErrors { field code message }
  }
}
"""
CHECKOUT_COMPLETE = """
mutation Complete($id: ID!) {
  checkoutComplete(checkoutId: $id) {
    order { id number }
    checkoutErrors { field code message }
  }
}
"""


class Storefront:
    """An anonymous shopper posting to /graphql/ through Django's full stack, served
    as a WSGI server serves it (served.py)."""

    def __init__(self):
        from benchmarks.served import Server

        self.server = Server()

    def post(self, query, variables):
        return self.server.post_json("/graphql/", {"query": query, "variables": variables})


def data_or_raise(response, field, errors_field):
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{field} failed ({response.status_code}): {body}")
    payload = body["data"][field]
    if payload[errors_field]:
        raise RuntimeError(f"{field}: {payload[errors_field]}")
    return payload


def sellable_variant():
    """A published product with plenty of stock in a warehouse serving Japan."""
    import graphene
    from saleor.warehouse.models import Stock
    from tests.line import saleor_shop

    template = saleor_shop.order()
    line = template.lines.get()
    Stock.objects.filter(product_variant=line.variant).update(quantity=1_000_000)
    method = saleor_shop._shipping_method()
    return (graphene.Node.to_global_id("ProductVariant", line.variant_id),
            graphene.Node.to_global_id("ShippingMethod", method.pk))


def ready_checkout(shopper, variant_id, method_id, n) -> str:
    """checkoutCreate + checkoutShippingMethodUpdate + checkoutPaymentCreate: a checkout
    ready to complete (an ordinary order: it matches no blacklist entry, no rule)."""
    address = {
        "firstName": "花子", "lastName": f"佐藤{n}", "streetAddress1": f"丸の内{n}-1",
        "city": "千代田区", "countryArea": "東京都", "postalCode": "100-0005",
        "country": "JP", "phone": f"+8180{10_000_000 + n % 90_000_000:08d}",
    }
    created = data_or_raise(shopper.post(CHECKOUT_CREATE, {"input": {
        "email": f"rules-bench-checkout-{n}@example.com",
        "lines": [{"quantity": 1, "variantId": variant_id}],
        "shippingAddress": address, "billingAddress": address,
    }}), "checkoutCreate", "checkoutErrors")
    checkout_id = created["checkout"]["id"]
    shipped = data_or_raise(shopper.post(SHIPPING_UPDATE, {"id": checkout_id, "method": method_id}),
                            "checkoutShippingMethodUpdate", "checkoutErrors")
    amount = shipped["checkout"]["totalPrice"]["gross"]["amount"]
    data_or_raise(shopper.post(PAYMENT_CREATE, {"id": checkout_id, "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": amount,
    }}), "checkoutPaymentCreate", "paymentErrors")
    return checkout_id


class _NoMail:
    """Saleor 2.10's wheel ships no e-mail templates: its order confirmation tasks
    (eager Celery, on commit) would fail with a traceback on every order."""

    @staticmethod
    def delay(*args, **kwargs):
        return None


@contextmanager
def counting_plugins():
    """The instances of the plugin made inside the block."""
    from saleor_attention.saleor_v2.plugin import AttentionPlugin

    made, original = [], AttentionPlugin.__init__

    def counted(self, **kwargs):
        made.append(self)
        original(self, **kwargs)

    AttentionPlugin.__init__ = counted
    try:
        yield made
    finally:
        AttentionPlugin.__init__ = original


def plugin_instance_us(runs: int = 5_000) -> float:
    """What making one instance of the plugin with its stored settings costs, as
    Saleor 2.10's plugin manager makes it."""
    import statistics
    import time

    from saleor_attention import plugin_state
    from saleor_attention.saleor_v2.plugin import AttentionPlugin

    stored = plugin_state.stored_configuration()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        AttentionPlugin(configuration=stored.configuration, active=stored.active)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def checkout_on_off(args) -> None:
    from saleor.checkout import utils as checkout_utils
    from saleor.order.models import Order
    from saleor_attention.models import Event

    from benchmarks.plugin_modes import ACTIVE, INACTIVE, MODES, PLAIN, restore
    from benchmarks.rules_worker import rules_worker, worker_report
    from benchmarks.report import print_on_off
    from benchmarks.sqltext import capturing
    from benchmarks.stats import Timings, heading, rotated
    from tests.line import saleor_shop

    checkout_utils.send_order_confirmation = _NoMail
    checkout_utils.send_staff_order_confirmation = _NoMail
    rounds = args.warmup + args.iterations
    print(f"\nPreparing {len(MODES) * (rounds + 1)} checkouts (create, shipping method, "
          "dummy payment)...", flush=True)
    shopper = Storefront()
    variant_id, method_id = sellable_variant()
    base = next(saleor_shop._serial) % 10_000_000
    checkouts = {mode: [ready_checkout(shopper, variant_id, method_id,
                                       base + len(MODES) * i + j)
                        for i in range(rounds + 1)]
                 for j, mode in enumerate(MODES)}
    events_before = Event.objects.filter(type="RULE_FAILED").count()

    def complete(mode, checkout_id):
        mode.apply()
        served = shopper.post(CHECKOUT_COMPLETE, {"id": checkout_id})
        payload = data_or_raise(served, "checkoutComplete", "checkoutErrors")
        if not payload["order"]:
            raise RuntimeError(f"checkoutComplete placed no order: {payload}")
        return served

    print(f"Timing {rounds} rounds of checkoutComplete ({args.warmup} warm-up)...", flush=True)
    timings = {mode: Timings(mode.label) for mode in MODES}
    until_closed = {mode: Timings(mode.label) for mode in MODES}
    with rules_worker(args.worker) as worker:
        try:
            for turn in range(rounds):
                for mode in rotated(MODES, turn):
                    served = complete(mode, checkouts[mode][turn])
                    if turn >= args.warmup:
                        timings[mode].add(served.answered)
                        until_closed[mode].add(served.closed)
            statements, lookups, instances = {}, {}, 0
            for mode in MODES:
                mode.apply()
                with capturing() as captured, counting_plugins() as made:
                    data_or_raise(shopper.post(CHECKOUT_COMPLETE, {"id": checkouts[mode][rounds]}),
                                  "checkoutComplete", "checkoutErrors")
                if mode is ACTIVE:
                    instances = len(made)
                sql = [q["sql"] for q in captured.captured_queries]
                statements[mode] = len(sql)
                lookups[mode] = sum("saleor_attention_blacklistentry" in s for s in sql)
        finally:
            restore()
        waited = worker.rules_done() if worker else None
    failures = Event.objects.filter(type="RULE_FAILED").count() - events_before
    placed = Order.objects.filter(user_email__startswith="rules-bench-checkout-").count()

    print(heading("2. checkoutComplete through /graphql/ (ms, until the answer is sent)"))
    print("Saleor 2.10's real checkout completion: anonymous shopper, JP shipping/billing\n"
          "address, one line, dummy gateway (token 'charged'); checkoutCreate, shipping method\n"
          "and checkoutPaymentCreate prepared untimed, only checkoutComplete is timed, served\n"
          "as a WSGI server serves it: until its answer is read. The orders match no rule (the\n"
          "usual case). Confirmation e-mails stubbed out (no templates in Saleor 2.10's\n"
          "wheel). Modes interleaved, rotating position every round.")
    print_on_off(timings, ACTIVE, INACTIVE, PLAIN, statements)
    print("\nUntil the response is closed (the server's worker busy with the request; the\n"
          "plugin queues the new order's rules there):")
    print_on_off(until_closed, ACTIVE, INACTIVE, PLAIN)
    print(f"SQL statements, active vs plain Saleor: +{statements[ACTIVE] - statements[PLAIN]}; "
          f"blacklist lookups per mode: "
          + ", ".join(f"{mode.label} {lookups[mode]}" for mode in MODES))
    if lookups[INACTIVE]:
        print("WARNING: with the plugin switched off (stored active=false) the order-placed rules\n"
              "still ran (the blacklist lookup is in the inactive request).")
    print(f"plugin instances Saleor 2.10 made in one checkoutComplete (one per "
          f"get_plugins_manager() call): {instances}, {plugin_instance_us():.1f} µs each "
          "(median, made alone)")
    print(f"rule failures recorded during the run: {failures}; benchmark checkout orders in "
          f"the database: {placed:,}")
    print(worker_report(worker, waited))


if __name__ == "__main__":
    main()
