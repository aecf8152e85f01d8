"""attentionFlags, the staff work queue, on a shop-sized flag table."""
import re
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

import graphene
from django.db import connection

from saleor_attention.graphql.pagination import encode_cursor
from saleor_attention.models import Flag, Scope, Status
from tests.documents import ATTENTION_FLAGS

from .api import StaffAPI, data_of
from .stats import Timings, timed

PAGE = 50
DEEP_PAGES = 20  # followed by hand: endCursor after endCursor
VERY_DEEP_ROW = 50_000  # its cursor is made directly, in the API's own format
TARGET_MS = 50.0


@dataclass(frozen=True, eq=False)  # eq=False: hashable by identity, for dict keys
class Variant:
    label: str
    variables: dict
    document: str = ""  # big_measure's: QUEUE_PAGE unless named
    field: str = "attentionFlags"
    # A search that finds nothing reads the whole queue: the page is rightly empty.
    may_be_empty: bool = False


@dataclass(frozen=True)
class Statement:
    sql: str  # as sent, values interpolated: ready for EXPLAIN
    seconds: float


@dataclass
class SqlProfile:
    """One request's SQL statements, each timed to the microsecond."""

    statements: List[Statement]
    total_count: int

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def total_ms(self) -> float:
        return sum(s.seconds for s in self.statements) * 1000

    @property
    def slowest(self) -> List[Statement]:
        return sorted(self.statements, key=lambda s: s.seconds, reverse=True)


class SqlRecorder:
    """A connection.execute_wrapper that times every statement (Django's own query
    log rounds to the millisecond)."""

    def __init__(self):
        self.statements: List[Statement] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            sent = connection.ops.last_executed_query(context["cursor"], sql, params)
            self.statements.append(Statement(sent, elapsed))


def variants(api: StaffAPI) -> List[Variant]:
    first_page = {"first": PAGE}
    return [
        Variant("first page, newest first", first_page),
        Variant("status ACTIVE", {**first_page, "filter": {"status": "ACTIVE"}}),
        Variant(
            "reasons [PAYMENT_FAILED], ACTIVE",
            {**first_page, "filter": {"status": "ACTIVE", "reasons": ["PAYMENT_FAILED"]}},
        ),
        Variant("overdue", {**first_page, "filter": {"overdue": True}}),
        Variant(
            "one order (+ its subscription)",
            {**first_page, "filter": {"order": _busy_order_id()}},
        ),
        Variant(
            f"page {DEEP_PAGES + 1} (after {DEEP_PAGES} x endCursor)",
            {**first_page, "after": _cursor_after(api, DEEP_PAGES)},
        ),
        # Beyond the brief's list: what a staff member can also ask for.
        Variant(
            f"page {VERY_DEEP_ROW // PAGE + 1} (cursor at row {VERY_DEEP_ROW:,})",
            {**first_page, "after": _cursor_at_row(VERY_DEEP_ROW)},
        ),
        Variant(
            "sorted by REASON",
            {**first_page, "sortBy": {"field": "REASON", "direction": "ASC"}},
        ),
    ]


def _busy_order_id() -> str:
    """A subscribed order with an active flag on its subscription: the filter then
    matches both the order's own flags and its subscription's."""
    flag = (
        Flag.objects.filter(scope=Scope.SUBSCRIPTION, status=Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    return graphene.Node.to_global_id("Order", flag.order_id)


def _cursor_after(api: StaffAPI, pages: int) -> Optional[str]:
    """Walk the queue as staff would, following endCursor page after page."""
    after = None
    for _ in range(pages):
        page = fetch(api, {"first": PAGE, "after": after})
        after = page["pageInfo"]["endCursor"]
    return after


def _cursor_at_row(row: int) -> str:
    """The endCursor the API returns for the given row of the default (newest first)
    order, without fetching the 1,000 pages before it."""
    flag = Flag.objects.order_by("-created_at", "-pk")[row - 1]
    return encode_cursor("created_at", flag)


def fetch(api: StaffAPI, variables: dict) -> dict:
    return data_of(api.post(ATTENTION_FLAGS, variables), "attentionFlags")


def measure(
    api: StaffAPI, cases: List[Variant], runs: int, warmup: int
) -> Dict[Variant, Timings]:
    """Round-robin over the variants, so load from elsewhere hits them all alike."""
    timings = {case: Timings(case.label) for case in cases}
    for turn in range(warmup + runs):
        for case in cases:
            seconds, response = timed(lambda: api.post(ATTENTION_FLAGS, case.variables))
            page = data_of(response, "attentionFlags")
            if not page["edges"]:
                raise RuntimeError(f"{case.label}: an empty page proves nothing")
            if turn >= warmup:
                timings[case].add(seconds)
    return timings


def profile(api: StaffAPI, case: Variant) -> SqlProfile:
    recorder = SqlRecorder()
    with connection.execute_wrapper(recorder):
        page = data_of(api.post(ATTENTION_FLAGS, case.variables), "attentionFlags")
    return SqlProfile(recorder.statements, page["totalCount"])


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE of a captured statement (already interpolated by psycopg2)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


# ---------------------------------------------------------------------------------
# The queue at shop scale (`make benchmark-queue`): 1,000,000 flags over 2,000,000
# orders, every filter and every sort, against Saleor's own orders(first: 20).
# ---------------------------------------------------------------------------------

BIG_FLAGS = 1_000_000  # the full run; --queue-flags makes a smaller one
BIG_PAGE = 20
BIG_SQL_TARGET_MS = 5.0
BIG_CHUNK = 250_000  # rows per INSERT, each committed: an interrupted seed resumes
BIG_ORDER_EMAIL = "queue-%s@example.com"
BIG_SUBSCRIPTION_PREFIX = "QUEUE-SUB-"
BIG_HANDLE_PREFIX = "queue-"

# What a work-queue screen shows per row: the flag, and its order as Saleor's list
# shows it, with the order's attention summary.
def _screen(field: str, kind: str, node: str) -> str:
    """A page of one of the plugin's lists as a screen asks for it (no totalCount)."""
    return """
query Screen($filter: Attention%(kind)sFilterInput, $first: Int, $after: String,
             $sortBy: Attention%(kind)sSortingInput) {
  %(field)s(filter: $filter, first: $first, after: $after, sortBy: $sortBy) {
    pageInfo { hasNextPage endCursor }
    edges { node { %(node)s } }
  }
}
""" % {"field": field, "kind": kind, "node": node}


QUEUE_PAGE = _screen("attentionFlags", "Flag", """
      id reason scope source status message createdAt orderNumber subscription
      createdBy { kind name }
      order { id number created status userEmail attention { required blockedActions } }
""")
QUEUE_COUNT = """
query QueueCount($filter: AttentionFlagFilterInput) {
  attentionFlags(filter: $filter, first: 1) { totalCount }
}
"""
# The dashboard's order list (Saleor 2.10's OrderList, without the billing address).
SALEOR_ORDERS = """
query Orders($first: Int) {
  orders(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { node { id number created status paymentStatus userEmail
                   total { gross { amount currency } } } }
  }
}
"""
SALEOR_ORDERS_COUNT = "{ orders(first: 1) { totalCount } }"


@dataclass(frozen=True)
class Size:
    """The data set for `flags` flags: twice as many orders, the first fifth of them in
    subscriptions of 5 (at 1,000,000 flags: 2,000,000 orders, 400,000 subscribed)."""

    flags: int = BIG_FLAGS

    @property
    def orders(self) -> int:
        return 2 * self.flags

    @property
    def subscribed(self) -> int:
        return self.orders // 5

    @property
    def chunk(self) -> int:
        return min(BIG_CHUNK, self.flags)


@dataclass
class BigDataset:
    orders: int
    flags: int
    active: int
    subscription_scope: int
    generated: bool


def big_ensure(size: Size) -> BigDataset:
    """Seed what is missing (set-based SQL, in committed chunks), then settle the
    tables as autovacuum would. Reruns only count."""
    from . import seed

    generated = False
    orders = _big_count(
        "SELECT count(*) FROM order_order WHERE user_email LIKE %s", [BIG_ORDER_EMAIL % "%"]
    )
    if orders < size.orders:
        # Over the last two years; the first size.subscribed in subscriptions (in their
        # metadata and OrderFacts, as the plugin keeps them).
        for first in range(orders + 1, size.orders + 1, size.chunk):
            last = min(first + size.chunk - 1, size.orders)
            print(f"Orders {first:,}-{last:,} of {size.orders:,}...", flush=True)
            seed._insert_orders(
                first, last, email=BIG_ORDER_EMAIL, subscribed=size.subscribed,
                prefix=BIG_SUBSCRIPTION_PREFIX, days=730,
            )
        generated = True
    flags = _big_count(
        "SELECT count(*) FROM saleor_attention_flag WHERE handle LIKE %s",
        [BIG_HANDLE_PREFIX + "%"],
    )
    if flags < size.flags:
        _big_numbered_orders(size.subscribed)
        for first in range(flags + 1, size.flags + 1, size.chunk):
            last = min(first + size.chunk - 1, size.flags)
            print(f"Flags {first:,}-{last:,} of {size.flags:,}...", flush=True)
            _big_flags(first, last, size)
        generated = True
    _big_planned_dates()
    print("VACUUM ANALYZE...", flush=True)
    with connection.cursor() as cursor:
        for table in ("order_order", "saleor_attention_flag", "saleor_attention_orderfacts",
                      "saleor_attention_subscriptionfacts"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE status = 'ACTIVE'),
                      count(*) FILTER (WHERE scope = 'SUBSCRIPTION')
               FROM saleor_attention_flag"""
        )
        flags, active, subscription_scope = cursor.fetchone()
    return BigDataset(
        _big_count("SELECT count(*) FROM order_order"), flags, active, subscription_scope,
        generated,
    )


def _big_count(sql, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _big_numbered_orders(subscribed: int) -> None:
    """A temporary table numbering the seeded orders, subscribed ones first, so a
    flag finds a random order by number."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS queue_orders")
        cursor.execute(
            """CREATE TEMPORARY TABLE queue_orders AS
               SELECT (row_number() OVER (ORDER BY o.id))::int AS n, o.id, o.created,
                      coalesce(f.subscription, '') AS subscription
               FROM order_order o
               LEFT JOIN saleor_attention_orderfacts f ON f.order_id = o.id
               WHERE o.user_email LIKE %s""",
            [BIG_ORDER_EMAIL % "%"],
        )
        cursor.execute("CREATE INDEX ON queue_orders (n)")
        cursor.execute("ANALYZE queue_orders")
        # Subscribed orders were inserted first: they are numbers 1..subscribed.
        cursor.execute(
            "SELECT count(*) FROM queue_orders WHERE subscription <> '' AND n > %s",
            [subscribed],
        )
        if cursor.fetchone()[0]:
            raise RuntimeError("subscribed orders are not numbered first")


def _big_flags(first: int, last: int, size: Size) -> None:
    """Flags on random orders, a little after the order; reasons skewed (the first of
    the catalogue common, the last rare), 65 % raised by rules, 25 % by staff, 10 % by
    apps; 15 % on whole subscriptions; recent flags mostly still ACTIVE, older ones
    mostly released: about 30 % ACTIVE in all."""
    from django.db import transaction

    from . import seed

    codes, params, notes = seed._reasons()
    sql = """
        WITH reasons AS (
            SELECT * FROM unnest(%(codes)s::text[], %(params)s::text[], %(notes)s::text[])
                WITH ORDINALITY AS r (code, params, note, number)
        ),
        drawn AS (
            SELECT g, random() < 0.15 AS whole_subscription, random() AS pick,
                   random() AS r_reason, random() AS r_source, random() AS r_status,
                   random() AS r_delay
            FROM generate_series(%(first)s, %(last)s) AS g
        ),
        targeted AS (
            SELECT d.*, o.id AS order_id, o.subscription,
                   least(now(), o.created + d.r_delay ^ 3 * interval '5 days') AS created_at
            FROM drawn d
            JOIN queue_orders o ON o.n = 1 + floor(d.pick * CASE WHEN d.whole_subscription
                                         THEN %(subscribed)s ELSE %(orders)s END)::int
        ),
        settled AS (
            SELECT t.*, CASE WHEN t.created_at > now() - interval '30 days'
                             THEN t.r_status < 0.9 ELSE t.r_status < 0.275 END AS active
            FROM targeted t
        )
        INSERT INTO saleor_attention_flag (
            order_id, order_number, scope, subscription, reason, source, params, note,
            handle, status, created_at, created_by_name, handled_on, released_at,
            released_by_name, released_by_source, release_comment)
        SELECT s.order_id, s.order_id::text,
               CASE WHEN s.whole_subscription THEN 'SUBSCRIPTION' ELSE 'ORDER' END,
               CASE WHEN s.whole_subscription THEN s.subscription ELSE '' END,
               r.code,
               CASE WHEN s.r_source < 0.65 THEN 'RULE'
                    WHEN s.r_source < 0.9 THEN 'STAFF' ELSE 'APP' END,
               r.params::jsonb, r.note,
               %(handle)s || s.g,
               CASE WHEN s.active THEN 'ACTIVE' ELSE 'RELEASED' END,
               s.created_at,
               'Benchmark',
               CASE WHEN NOT s.active THEN (s.created_at + interval '1 day')::date END,
               CASE WHEN NOT s.active
                    THEN least(now(), s.created_at + random() * interval '3 days') END,
               CASE WHEN NOT s.active THEN 'Benchmark' ELSE '' END,
               CASE WHEN NOT s.active THEN 'STAFF' ELSE '' END,
               CASE WHEN NOT s.active THEN 'Benchmark: handled' ELSE '' END
        FROM settled s
        JOIN reasons r ON r.number = 1 + floor(s.r_reason ^ 2 * cardinality(%(codes)s::text[]))
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {
            "codes": codes, "params": params, "notes": notes, "first": first, "last": last,
            "subscribed": size.subscribed, "orders": size.orders, "handle": BIG_HANDLE_PREFIX,
        })


def _big_planned_dates() -> None:
    """Subscription orders carry a planned shipping date (a week after the order), as
    a subscription app writes it; the order queue sorts by it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE saleor_attention_orderfacts f
                SET planned_shipping_date = (o.created + interval '7 days')::date
                FROM order_order o
                WHERE o.id = f.order_id AND f.subscription LIKE %s
                  AND f.planned_shipping_date IS NULL""",
            [BIG_SUBSCRIPTION_PREFIX + "%"],
        )


def page_variables(filter=None, sort=None, after=None) -> dict:
    """A page of BIG_PAGE rows, with what is given of filter, sort ((field, direction))
    and cursor."""
    variables = {"first": BIG_PAGE}
    if filter:
        variables["filter"] = filter
    if sort:
        variables["sortBy"] = {"field": sort[0], "direction": sort[1]}
    if after:
        variables["after"] = after
    return variables


def big_variants(size: Size) -> List[Variant]:
    """No filter, each filter alone, each sort both ways, and deep pages."""
    from django.utils import timezone
    import datetime

    from saleor_attention.reasons import CATALOGUE

    codes = list(CATALOGUE)
    common, rare = codes[0], codes[-1]
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def v(label, filter=None, sort=None, after=None):
        return Variant(label, page_variables(filter, sort, after))

    busy = (
        Flag.objects.filter(scope=Scope.SUBSCRIPTION, status=Status.ACTIVE)
        .order_by("pk").first()
    )
    cases = [
        v("no filter (CREATED_AT DESC)"),
        v("status ACTIVE", {"status": "ACTIVE"}),
        v("status RELEASED", {"status": "RELEASED"}),
        v(f"reasons [{common}] (common)", {"reasons": [common]}),
        v(f"reasons [{rare}] (rare)", {"reasons": [rare]}),
        v("reasons [2 rare]", {"reasons": codes[-2:]}),
        v(f"ACTIVE + reasons [{rare}]", {"status": "ACTIVE", "reasons": [rare]}),
        v("scope SUBSCRIPTION", {"scope": "SUBSCRIPTION"}),
        v("scope ORDER", {"scope": "ORDER"}),
        v("source APP", {"source": "APP"}),
        v("source STAFF", {"source": "STAFF"}),
        v("order (+ its subscription)",
          {"order": graphene.Node.to_global_id("Order", busy.order_id)}),
        v("subscription", {"subscription": busy.subscription}),
        v("created last 7 days", {"created": {"gte": (now - 7 * day).isoformat()}}),
        v("created a month a year ago", {"created": {
            "gte": (now - 395 * day).isoformat(), "lte": (now - 365 * day).isoformat()}}),
        v("overdue true", {"overdue": True}),
        v("overdue false", {"overdue": False}),
        v("ACTIVE + APP + SUBSCRIPTION",
          {"status": "ACTIVE", "source": "APP", "scope": "SUBSCRIPTION"}),
        v("sort CREATED_AT ASC", sort=("CREATED_AT", "ASC")),
        v("sort REASON ASC", sort=("REASON", "ASC")),
        v("sort REASON DESC", sort=("REASON", "DESC")),
        v("sort ORDER ASC", sort=("ORDER", "ASC")),
        v("sort ORDER DESC", sort=("ORDER", "DESC")),
        v("ACTIVE, sort REASON ASC", {"status": "ACTIVE"}, ("REASON", "ASC")),
        v("ACTIVE, sort ORDER DESC", {"status": "ACTIVE"}, ("ORDER", "DESC")),
    ]
    deep = [
        ("after row 100,000", Flag.objects.order_by("-created_at", "-pk"), "created_at",
         None, None),
        ("ACTIVE, after row 50,000",
         Flag.objects.filter(status="ACTIVE").order_by("-created_at", "-pk"), "created_at",
         {"status": "ACTIVE"}, None),
        ("sort REASON ASC, after row 100,000", Flag.objects.order_by("reason", "pk"),
         "reason", None, ("REASON", "ASC")),
        ("sort ORDER ASC, after row 100,000", Flag.objects.order_by("order_id", "pk"),
         "order_id", None, ("ORDER", "ASC")),
    ]
    for label, ordered, field, filter, sort in deep:
        # At the full size the rows named; a smaller run goes as deep, proportionally.
        row = (50_000 if "50,000" in label else 100_000) * size.flags // BIG_FLAGS
        label = label.replace("50,000" if "50,000" in label else "100,000", f"{row:,}")
        cases.append(v(label, filter, sort, encode_cursor(field, ordered[row - 1])))
    return cases


@dataclass
class BigResult:
    queue: Timings
    saleor: Timings
    profile: Optional[SqlProfile]


def big_measure(api: StaffAPI, cases: List[Variant], runs: int, warmup: int):
    """Each variant's request then Saleor's orders(first: 20), turn after turn, so
    load from elsewhere hits both alike. A variant slower than 2 s gets 5 runs. Its
    SQL is profiled after its runs, on the connection they warmed, as a screen's
    requests find it (a statement the plugin keeps prepared is prepared on a read's
    second use, and planned for its values the first five times it runs)."""
    saleor_vars = {"first": BIG_PAGE}
    results = {}
    for case in cases:
        results[case] = BigResult(Timings(case.label), Timings("orders(first: 20)"), None)
    slow = {
        case for case in cases
        if timed(lambda: api.post(case.document or QUEUE_PAGE, case.variables))[0] > 2.0
    }
    for turn in range(warmup + runs):
        for case in cases:
            if case in slow and turn >= warmup + 5:
                continue
            seconds, response = timed(
                lambda: api.post(case.document or QUEUE_PAGE, case.variables)
            )
            page = data_of(response, case.field)
            if isinstance(page, dict) and not page["edges"] and not case.may_be_empty:
                raise RuntimeError(f"{case.label}: an empty page proves nothing")
            baseline, response = timed(lambda: api.post(SALEOR_ORDERS, saleor_vars))
            data_of(response, "orders")
            if turn >= warmup:
                results[case].queue.add(seconds)
                results[case].saleor.add(baseline)
    for case in cases:
        results[case].profile = big_profile(api, case)
    return results


# Profiled requests per variant: the one with the median SQL time is reported. One
# profile, taken cold on a shared 2-core machine, measured the scheduler as much as
# the database (an indexed 0.03 ms read timed at 10 ms).
PROFILES = 5


def big_profile(api: StaffAPI, case: Variant) -> SqlProfile:
    profiles = []
    for _ in range(PROFILES):
        recorder = SqlRecorder()
        with connection.execute_wrapper(recorder):
            response = api.post(case.document or QUEUE_PAGE, case.variables)
        data_of(response, case.field)
        profiles.append(SqlProfile(recorder.statements, 0))
    return sorted(profiles, key=lambda profile: profile.total_ms)[len(profiles) // 2]


def big_counts(
    api: StaffAPI, cases: List[Variant], document: str = QUEUE_COUNT,
    field: str = "attentionFlags", runs: int = 5,
):
    """totalCount alone per filter: the median SQL time of `runs` requests."""
    import statistics

    rows = []
    seen = set()
    for case in cases:
        filter = case.variables.get("filter")
        key = repr(filter)
        if key in seen:
            continue
        seen.add(key)
        variables = {"filter": filter} if filter else {}
        times, count = [], None
        for _ in range(runs):
            recorder = SqlRecorder()
            with connection.execute_wrapper(recorder):
                response = api.post(document, variables)
            count = data_of(response, field)["totalCount"]
            times.append(sum(s.seconds for s in recorder.statements) * 1000)
        rows.append((case.label, count, statistics.median(times)))
    times = []
    for _ in range(runs):
        recorder = SqlRecorder()
        with connection.execute_wrapper(recorder):
            response = api.post(SALEOR_ORDERS_COUNT)
        count = data_of(response, "orders")["totalCount"]
        times.append(sum(s.seconds for s in recorder.statements) * 1000)
    rows.append(("Saleor orders(first: 1) { totalCount }", count, statistics.median(times)))
    return rows


# ---------------------------------------------------------------------------------
# The order queue on the same data: attentionOrders(first: 20) with each filter, sort
# and search kind, and the reason counts, against Saleor's orders(first: 20).
# ---------------------------------------------------------------------------------

# What the queue screen shows per row: the order as Saleor's list shows it, its flags,
# age, planned date and customer.
ORDERS_QUEUE_PAGE = _screen("attentionOrders", "Order", """
      orderNumber age overdue attentionSince plannedShippingDate
      flags { id reason scope source message createdAt }
      customer { email name phone }
      order { id number created status userEmail attention { required blockedActions } }
""")
ORDERS_QUEUE_COUNT = """
query OrderQueueCount($filter: AttentionOrderFilterInput) {
  attentionOrders(filter: $filter, first: 1) { totalCount }
}
"""
REASON_COUNTS = "{ attentionReasonCounts { reason flags } }"
ORDERS_QUEUE_DEEP_ROW = 10_000  # at the full size; a smaller run goes proportionally deep


def orders_variants(size: Size) -> List[Variant]:
    """Each sort both ways, each filter alone, each search kind, a deep page, and the
    badge's counts."""
    from saleor_attention import queue
    from saleor_attention.adapter import shop
    from saleor_attention.graphql.orders_queue import _key_text
    from saleor_attention.graphql.pagination import encode_position
    from saleor_attention.models import OrderFacts
    from saleor_attention.reasons import CATALOGUE

    codes = list(CATALOGUE)

    def v(label, filter=None, sort=None, after=None, may_be_empty=False):
        variables = page_variables(filter, sort, after)
        return Variant(label, variables, ORDERS_QUEUE_PAGE, "attentionOrders", may_be_empty)

    flagged = OrderFacts.objects.filter(active_flags__gt=0).order_by("order_id")
    middle = shop.Order.objects.get(pk=flagged[flagged.count() // 2].order_id)
    row = max(ORDERS_QUEUE_DEEP_ROW * size.flags // BIG_FLAGS, 1)
    rows, _more = queue.page(queue.Plan.of(queue.QueueFilter()), queue.AGE, False, row)
    deep = encode_position(_key_text(rows[-1].key), str(rows[-1].order_id))
    return [
        v("AGE DESC (oldest first: the default)"),
        v("AGE ASC", sort=("AGE", "ASC")),
        v("PLANNED_SHIPPING_DATE ASC", sort=("PLANNED_SHIPPING_DATE", "ASC")),
        v("PLANNED_SHIPPING_DATE DESC", sort=("PLANNED_SHIPPING_DATE", "DESC")),
        v("CREATED ASC", sort=("CREATED", "ASC")),
        v("CREATED DESC", sort=("CREATED", "DESC")),
        v(f"reasons [{codes[0]}] (common)", {"reasons": [codes[0]]}),
        v(f"reasons [{codes[-1]}] (rare)", {"reasons": [codes[-1]]}),
        v("scope ORDER", {"scope": "ORDER"}),
        v("scope SUBSCRIPTION", {"scope": "SUBSCRIPTION"}),
        v("source APP", {"source": "APP"}),
        v("overdue true", {"overdue": True}),
        v("overdue false", {"overdue": False}),
        v(f"AGE DESC after row {row:,}", after=deep),
        v("search: order number", {"search": shop.order_number(middle)}),
        v("search: whole email (one order)", {"search": middle.user_email}),
        # Part of an email across its @: a range of migration 0026's index of mailboxes
        # (the trigram index would read the `queue` trigrams every order shares).
        v("search: part of an email (one order)",
          {"search": middle.user_email.partition("@")[0] + "@"}),
        v("search: phone, none matches", {"search": "090-0000-0000"}, may_be_empty=True),
        v("search: name in kana, none matches", {"search": "ﾔﾏﾀﾞ ｲﾁﾛｳ"}, may_be_empty=True),
        # Two characters give no trigram: the pair index (migration 0021), or a walk
        # of the sort's index while the name is common (every order's is 山田 太郎).
        v("search: 2-character name, none matches", {"search": "佐藤"}, may_be_empty=True),
        v("search: 2-character name, every order's", {"search": "山田"}),
        Variant("attentionReasonCounts", {}, REASON_COUNTS, "attentionReasonCounts"),
    ]


def big_report(args) -> None:
    """The whole queue report: seed (or reuse), measure, print."""
    import os

    from .api import fresh_builder_serials, staff_manager
    from .stats import facts, heading

    fresh_builder_serials()
    size = Size(args.queue_flags)
    dataset = big_ensure(size)
    api = StaffAPI(staff_manager())
    print(heading("The staff queues at shop scale"))
    print(facts([
        ("orders (all)", f"{dataset.orders:,}"),
        ("flags: all / ACTIVE / SUBSCRIPTION scope",
         f"{dataset.flags:,} / {dataset.active:,} / {dataset.subscription_scope:,}"),
        ("orders that need attention", f"{_queued_orders():,}"),
        ("data", "generated this run" if dataset.generated else "reused"),
        ("runs per variant", f"{args.query_runs} (+{args.query_warmup} warm-up), "
                             "each followed by Saleor's orders(first: 20)"),
        ("load average (1/5/15 min)", " / ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]))
    if not args.orders_queue_only:
        cases = big_variants(size)
        _timing_report(api, "attentionFlags", cases, args)
        print(heading("totalCount alone (median SQL ms of 5 requests)"))
        print(table_of_counts(big_counts(api, cases)))
    cases = orders_variants(size)
    results = _timing_report(api, "attentionOrders", cases, args)
    print(heading("attentionOrders totalCount alone (median SQL ms of 5 requests)"))
    queued = [case for case in cases if case.field == "attentionOrders"]
    print(table_of_counts(big_counts(api, queued, ORDERS_QUEUE_COUNT, "attentionOrders")))
    _explain_queue(results[cases[0]].profile, cases[0].label)


def _queued_orders() -> int:
    from saleor_attention import queue

    return queue.count(queue.Plan.of(queue.QueueFilter()))


def table_of_counts(rows) -> str:
    from .stats import table

    return table(["filter of variant", "totalCount", "SQL ms"], rows)


def _timing_report(api: StaffAPI, field: str, cases: List[Variant], args):
    """Time the variants against Saleor's orders(first: 20); print the table and the
    plan of each variant's slowest statement when its SQL misses the target."""
    import os

    from .sqltext import abridged
    from .stats import heading, merged, table, verdict

    print(f"\nTiming {field} (interleaved with Saleor's orders(first: 20))...", flush=True)
    results = big_measure(api, cases, args.query_runs, args.query_warmup)
    print(heading(f"{field}(first: {BIG_PAGE}) vs orders(first: {BIG_PAGE}) (ms)"))
    rows = []
    for case, r in results.items():
        ok = r.profile.total_ms <= BIG_SQL_TARGET_MS and r.queue.p95 <= r.saleor.p95
        rows.append([case.label, r.profile.count, r.profile.total_ms, r.queue.runs,
                     r.queue.p50, r.queue.p95, r.saleor.p50, r.saleor.p95, verdict(ok)])
    queue_all = merged("all variants", [r.queue for r in results.values()])
    saleor_all = merged("orders", [r.saleor for r in results.values()])
    rows.append(["all variants", "", "", queue_all.runs, queue_all.p50, queue_all.p95,
                 saleor_all.p50, saleor_all.p95,
                 verdict(queue_all.p95 <= saleor_all.p95)])
    print(table(["variant", "SQL", "SQL ms", "runs", "p50", "p95", "orders p50",
                 "orders p95", f"SQL<={BIG_SQL_TARGET_MS:.0f}, p95<=orders"], rows))
    print(f"SQL: statements in one request (the median of {PROFILES} profiled requests, "
          "client-side time of each); p50/p95: whole request.")
    print(f"Load average now: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for case, r in results.items():
        if r.profile.total_ms > BIG_SQL_TARGET_MS:
            print(heading(f"Slow SQL: {case.label} ({r.profile.total_ms:.1f} ms, "
                          f"{r.profile.count} statements)"))
            for statement in r.profile.slowest[:1]:
                print(f"{statement.seconds * 1000:.1f} ms: {abridged(statement.sql)}\n")
                print(explain(statement.sql))
    return results


def _explain_queue(profile: SqlProfile, label: str) -> None:
    """The plan of the queue's own statement (the one reading attention_since)."""
    from .stats import heading

    [statement] = [
        s for s in profile.statements if "attention_since" in _prepared_text(s.sql)
    ][:1]
    print(heading(f"EXPLAIN ANALYZE: the attentionOrders page, {label}"))
    print(explain(statement.sql))


def _prepared_text(sql: str) -> str:
    """A captured statement's SQL, or for an EXECUTE of a statement the connection
    keeps prepared (saleor_attention.prepared), the prepared statement's: EXPLAIN of
    the EXECUTE then shows the plan the request ran."""
    executed = re.match(r"EXECUTE (\w+)", sql)
    if executed is None:
        return sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE name = %s", [executed.group(1)]
        )
        row = cursor.fetchone()
    return row[0] if row else sql
