"""attentionFlags, the staff work queue, on a shop-sized flag table."""
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
