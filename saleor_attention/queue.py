"""The order queue: one row per order that needs attention, as the staff's work list
(attentionOrders). Read-only SQL over the plugin's tables, built to start from an
index whatever the shop's size.

An order needs attention while it has active ORDER flags (OrderFacts.active_flags) or
its subscription has active SUBSCRIPTION flags (SubscriptionFacts.active_flags); both
counts, and when the oldest of those flags was set (`attention_since`), are kept by
triggers on the flag table (migrations 0008, 0009). The queue is the union of

  1. orders whose oldest flag is their own (or as old as their subscription's), and
  2. orders of a subscription whose oldest flag is the subscription's (but not
     those Saleor cancelled),

so each order appears once, with its age (`since`, the older of the two), and each
part can be read in the order of a partial index: page one by age is a merge of two
index scans that stops after `first` rows. A subscription flag stays one row: it is
never copied onto the subscription's orders.

An order's due date is likewise the earlier of its own flags' (OrderFacts.due_on) and
its subscription's (SubscriptionFacts.due_on, migration 0013). Sorted by due date, the
queue is split by whose date is the earlier instead (and the subscription orders
whose every flag is undated, in order id order).

The other sorts and filters read columns of the same rows too (migration 0014): when
the order was placed (OrderFacts.placed_at, for CREATED), the kinds of the order's own
and its subscription's active flags (flag_kinds, for the reasons and source filters)
and the search keys, with a trigram index (and one of their pairs of characters,
migration 0021). No part joins Saleor's tables or the flags.
"""
from __future__ import annotations

import datetime
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from . import normalize, orders, plugin_state, prepared, shop_time
from .adapter import shop
from .models import OrderFacts, ReasonCount, Scope, SubscriptionFacts

AGE = "AGE"
PLANNED_SHIPPING_DATE = "PLANNED_SHIPPING_DATE"
CREATED = "CREATED"
DUE_DATE = "DUE_DATE"
# Sorts by a date (undated orders last going up).
DATE_SORTS = (PLANNED_SHIPPING_DATE, DUE_DATE)


@dataclass(frozen=True)
class QueueFilter:
    search: str = ""
    reasons: Sequence[str] = ()
    scope: Optional[str] = None
    source: Optional[str] = None
    overdue: Optional[bool] = None


@dataclass(frozen=True)
class QueueRow:
    order_id: object
    subscription: str
    # When the order began to need attention: its oldest active flag (own or its
    # subscription's).
    since: datetime.datetime
    # The earliest due date of its active flags (own or its subscription's), if any.
    due_on: Optional[datetime.date]
    # The sort value (since, the planned shipping date or due date or None, or when
    # the order was placed).
    key: object


@dataclass(frozen=True)
class Overdue:
    """When an order is overdue: its oldest active flag was set before `cutoff` (the
    overdue_after_days setting), or a due date of its active flags is before `today`
    (the shop's calendar). Read once per page."""

    cutoff: datetime.datetime
    today: datetime.date

    @classmethod
    def now(cls) -> "Overdue":
        settings = plugin_state.settings()
        return cls(
            cutoff=timezone.now() - datetime.timedelta(days=settings.overdue_after_days),
            today=shop_time.calendar(settings).today(),
        )

    def of(self, since: datetime.datetime, due_on: Optional[datetime.date]) -> bool:
        return since < self.cutoff or (due_on is not None and due_on < self.today)


@dataclass(frozen=True)
class Search:
    """What a search text can be, each as OrderFacts.search_keys holds it."""

    order_id: object = None  # the order whose number the text is
    phone: str = ""
    email: str = ""  # a whole email address
    email_part: str = ""  # part of an email across its @ (taro@, taro@exam)
    text: str = ""  # part of a name or an email

    @classmethod
    def of(cls, text: str) -> "Search":
        """A text of digits (hyphens, spaces, +81 allowed) is an order number or a
        whole phone number; a whole email address (mailbox@domain) that address; one
        with @ part of an email across it (or of its domain, when nothing is before
        the @); any other part of a name or an email."""
        text = text.strip()
        if not text:
            return cls()
        name = normalize.text_key(text)
        if name.lstrip("+").isdigit():
            number = orders.number_in(text)
            found = None if number is None else orders.numbered(number)
            return cls(order_id=found, phone=normalize.phone_key(text))
        email = normalize.email_key(text)  # a full-width ＠ is an @ too
        if "@" not in email:
            return cls(text=name)
        if _whole_address(email):
            return cls(email=email)
        if email.startswith("@"):
            return cls(text=email)  # part of a domain: any key that holds it
        return cls(email_part=email)

    @property
    def searches(self) -> bool:
        """False for a blank text: no search at all (a number of no order still
        searches, and finds nothing by its number)."""
        return bool(self.phone or self.email or self.email_part or self.text)


def _whole_address(email: str) -> bool:
    """Whether the text is an address as Django validates one (a mailbox, an @ and a
    domain with a dot)."""
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Plan:
    """What a filter asks of the queue, worked out once for a page and its count: the
    search (an order number is looked up), whether its reasons are rare (by the badge's
    counts, _rare_kinds) and, for the overdue filter, when an order is overdue."""

    filter: QueueFilter
    search: Search
    rare: bool
    overdue: Optional[Overdue]

    @classmethod
    def of(cls, filter: QueueFilter, overdue: Optional[Overdue] = None) -> "Plan":
        """`overdue`: Overdue.now() if the caller read it already, else read here (the
        settings) when the filter needs it."""
        if overdue is None and filter.overdue is not None:
            overdue = Overdue.now()
        return cls(filter, Search.of(filter.search), _rare_kinds(filter), overdue)


def page(
    plan: Plan, sort: str, descending: bool, first: int,
    after: Optional[Tuple[object, object]] = None,
) -> Tuple[List[QueueRow], bool]:
    """`first` rows in (sort value, order id) order after the `after` position, and
    whether more follow.

    Each part of the union is ordered and limited itself, then the two are merged:
    PostgreSQL does not carry an outer ORDER BY into the parts of a union, and would
    otherwise read every order in the queue to sort them."""
    direction = "DESC" if descending else "ASC"
    # The row count is written in, not passed: a plan kept for any count (a prepared
    # statement's) would be made for a tenth of the queue.
    rows_wanted = int(first) + 1
    limit = f" ORDER BY key {direction}, order_id {direction} LIMIT {rows_wanted}"
    ctes, params = _with(plan)
    parts = []
    for part in _parts(sort):
        conditions, values = _conditions(part, plan)
        if after is not None:
            position, position_values = _beyond(part, sort, descending, after)
            conditions.append(position)
            values += position_values
        select = _part_select(part, sort, conditions)
        parts.append(f"({select} ORDER BY 4 {direction}, 1 {direction} LIMIT {rows_wanted})")
        params += values
    sql = (
        f"{ctes}SELECT order_id, subscription, since, due_on, cursor_value"
        f" FROM ({' UNION ALL '.join(parts)}) AS q{limit}"
    )
    # A search's text decides its plan (which index, how far to walk): it is planned
    # for its own values each time; other pages reuse their plan.
    reuse = nullcontext() if plan.search.searches else prepared.statements()
    with reuse, connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [QueueRow(*row) for row in cursor.fetchall()]
    return rows[:first], len(rows) > first


def count(plan: Plan) -> int:
    ctes, params = _with(plan)
    parts = []
    for part in _parts(AGE):
        conditions, values = _conditions(part, plan)
        parts.append(_part_select(part, AGE, conditions))
        params += values
    with connection.cursor() as cursor:
        cursor.execute(f"{ctes}SELECT count(*) FROM ({' UNION ALL '.join(parts)}) AS q", params)
        return cursor.fetchone()[0]


def reason_counts() -> Dict[str, int]:
    """Active flags per reason (reasons without any left out): the sum of the
    ReasonCount rows the flag trigger inserts, folded into one row per reason once
    more than FOLD_AFTER have been summed (so that a read stays a few dozen rows)."""
    rows = list(
        ReasonCount.objects.order_by().values_list("reason")
        .annotate(flags=Sum("flags"), rows=Count("id")).values_list("reason", "flags", "rows")
    )
    if sum(summed for _reason, _flags, summed in rows) > FOLD_AFTER:
        _fold_reason_counts()
    return {reason: flags for reason, flags, _summed in rows if flags}


# ReasonCount rows a read sums before it folds them.
FOLD_AFTER = 500
# The advisory lock one fold holds (any other waits for nothing and skips its fold).
_FOLD_LOCK = 0x5A1E0C0
_FOLD = """
    WITH folded AS (DELETE FROM {table} RETURNING reason, flags)
    INSERT INTO {table} (reason, flags)
    SELECT reason, sum(flags) FROM folded GROUP BY reason HAVING sum(flags) <> 0"""


def _fold_reason_counts() -> None:
    """One row per reason in place of the rows committed so far, in one statement (a
    read meanwhile sees either all the old rows or the new ones). Rows of flags being
    set meanwhile are not yet visible to it, and stay."""
    table = connection.ops.quote_name(ReasonCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_FOLD_LOCK])
        if cursor.fetchone()[0]:
            cursor.execute(_FOLD.format(table=table))


def age_in_days(since: datetime.datetime) -> int:
    """Whole days since the order began to need attention."""
    return (timezone.now() - since).days


# Typed casts of a cursor's sort value: a text ('infinity') compares as the column's
# type whichever way the database driver binds it.
_KEY_TYPES = {
    AGE: "timestamptz", PLANNED_SHIPPING_DATE: "date", DUE_DATE: "date", CREATED: "timestamptz",
}


def _parts(sort: str) -> List[Dict[str, str]]:
    """The parts of the queue (see the module's docstring) read in `sort`'s
    order, each as the SQL that reads it and the expressions of its columns."""
    quote = connection.ops.quote_name
    facts = quote(OrderFacts._meta.db_table)
    subscriptions = quote(SubscriptionFacts._meta.db_table)
    own = {
        "from": f"""{facts} f LEFT JOIN {subscriptions} s
            ON f.subscription <> '' AND s.subscription = f.subscription
            AND s.active_flags > 0""",
        "subscription_flags": "COALESCE(s.active_flags, 0)",
    }
    subscribed = {
        "from": f"{subscriptions} s JOIN {facts} f ON f.subscription = s.subscription",
        "subscription_flags": "s.active_flags",
    }
    common = {
        "order_id": "f.order_id",
        "subscription": "f.subscription",
        "due_on": "LEAST(f.due_on, s.due_on)",
        "own_flags": "f.active_flags",
        "own_kinds": "f.flag_kinds",
        "subscription_kinds": "s.flag_kinds",
    }
    if sort == DUE_DATE:
        # Split by whose due date is the earlier, the order's own (undated orders with
        # flags of their own among them) or its subscription's, each read from its
        # table's index (migrations 0012, 0013); and the orders with no flag of their
        # own whose subscription's flags have no date, all alike ('infinity') and so
        # in order id order: PostgreSQL reads them from the subscription orders'
        # index, or from the flagged subscriptions when those are few.
        since = "LEAST(f.attention_since, s.attention_since)"
        return [
            {
                **common, **own, AGE: since,
                "where": "f.active_flags > 0 AND (s.due_on IS NULL OR f.due_on <= s.due_on)",
                DUE_DATE: "COALESCE(f.due_on, 'infinity'::date)", "cursor": "f.due_on",
            },
            {
                **common, **subscribed, AGE: since,
                "where": """s.active_flags > 0 AND s.due_on IS NOT NULL AND f.subscription <> ''
                    AND f.cancelled_at IS NULL
                    AND (f.active_flags = 0 OR f.due_on IS NULL OR s.due_on < f.due_on)""",
                DUE_DATE: "s.due_on", "cursor": "s.due_on",
            },
            {
                **common, **subscribed, AGE: "s.attention_since",
                "where": """s.active_flags > 0 AND s.due_on IS NULL AND f.subscription <> ''
                    AND f.cancelled_at IS NULL AND f.active_flags = 0""",
                DUE_DATE: "'infinity'::date", "cursor": "NULL::date",
            },
        ]
    common.update({
        # The planned date as the partial indexes of migration 0010 hold it, and
        # itself (null for undated orders) as the cursor's value.
        PLANNED_SHIPPING_DATE: "COALESCE(f.planned_shipping_date, 'infinity'::date)",
        "cursor": {PLANNED_SHIPPING_DATE: "f.planned_shipping_date"}.get(sort),
        # When the order was placed, as the partial indexes of migration 0014 hold it.
        CREATED: "f.placed_at",
    })
    return [
        {
            **common, **own, AGE: "f.attention_since",
            "where": """f.active_flags > 0
                AND (s.attention_since IS NULL OR s.attention_since >= f.attention_since)""",
        },
        {
            **common, **subscribed, AGE: "s.attention_since",
            "where": """s.active_flags > 0 AND f.subscription <> '' AND f.cancelled_at IS NULL
                AND (f.active_flags = 0 OR s.attention_since < f.attention_since)""",
        },
    ]


def _part_select(part: Dict[str, str], sort: str, conditions: List[str]) -> str:
    """QueueRow's columns of one part (order_id, subscription, since), the sort value
    (key, the fourth column: page() orders each part by it) and the cursor's value of
    it (a date itself, null for undated orders: a date 'infinity' would not read back
    into Python), then the due date."""
    where = " AND ".join([part["where"], *conditions])
    return f"""
        SELECT {part['order_id']} AS order_id, {part['subscription']} AS subscription,
               {part[AGE]} AS since, {part[sort]} AS key,
               {part['cursor'] or part[sort]} AS cursor_value, {part['due_on']} AS due_on
        FROM {part['from']}
        WHERE {where}"""


def _beyond(part: Dict[str, str], sort: str, descending: bool, after) -> Tuple[str, list]:
    """Rows after the cursor's (sort value, order id), in the part's own columns."""
    value, order_id = after
    key, beyond = part[sort], "<" if descending else ">"
    # The position read in sub-selects: PostgreSQL plans the page for any position and
    # keeps that plan, the same index walk (in sight, the position made a plan for
    # itself look cheaper, and every page after a cursor was planned anew).
    bound = f"(SELECT CAST(%s AS {_KEY_TYPES[sort]}))"
    id_type = shop.Order._meta.pk.rel_db_type(connection)
    # The plain bound lets the index scan start there; the row comparison places the
    # cursor exactly (PostgreSQL cannot start an index scan from it alone).
    condition = (
        f"{key} {beyond}= {bound}"
        f" AND ({key}, {part['order_id']}) {beyond} ({bound}, (SELECT CAST(%s AS {id_type})))"
    )
    return condition, [value, value, order_id if isinstance(order_id, int) else str(order_id)]


def _conditions(part: Dict[str, str], plan: Plan) -> Tuple[List[str], list]:
    """The plan's filter as conditions on one part's columns (`plan.rare`: its kinds
    are read first, see _rare_kinds)."""
    filter, search, overdue = plan.filter, plan.search, plan.overdue
    conditions, params = [], []
    if filter.overdue is not None:
        late = f"({part[AGE]} < %s OR {part['due_on']} < %s)"
        params += [overdue.cutoff, overdue.today]
        if filter.overdue:
            conditions.append(late)
        else:
            # The age's bound said on its own too (a row's age is never null): an
            # index scan of the age then starts at the cutoff, instead of reading
            # every older (overdue) order to drop it.
            conditions.append(f"NOT COALESCE({late}, false) AND {part[AGE]} >= %s")
            params.append(overdue.cutoff)
    kinds = _kinds(filter)
    if kinds:
        # An active flag of the order's own, or of its subscription, that matches.
        written = _kinds_array(kinds)
        overlaps = [f"{part[side]} && {written}" for side in _sides(filter)]
        conditions.append("(" + " OR ".join(overlaps) + ")")
        if plan.rare:
            # The few orders found first (`kinded`), as ids PostgreSQL probes the
            # order id's index with; the overlap above still says which rows match.
            conditions.append(f"{part['order_id']} = ANY(ARRAY(SELECT order_id FROM kinded))")
    elif filter.scope == Scope.ORDER:
        conditions.append(f"{part['own_flags']} > 0")
    elif filter.scope == Scope.SUBSCRIPTION:
        conditions.append(f"{part['subscription_flags']} > 0")
    if _reads_index(search):
        conditions.append(f"{part['order_id']} IN (SELECT order_id FROM found)")
    elif search.searches:
        # Fewer than three characters, no trigram: each part compares them itself,
        # rows in the sort's order, or reads a pair of characters from the pair
        # index (migration 0021) when PostgreSQL finds that cheaper (a rare pair).
        terms, search_params = _search_terms(search)
        conditions.append(terms)
        params += search_params
    return conditions, params


# A flag kind: a reason code or *, a space, a source or *.
_KIND = re.compile(r"(\*|[A-Z_]+) (\*|[A-Z_]+)")


def _kinds_array(kinds: List[str]) -> str:
    """Flag kinds (_kinds), written into the statement: they are catalogue codes
    (checked here), and a plan kept for any kinds (a prepared statement's,
    prepared.py) would be made for none in particular and could not use the kinds'
    indexes."""
    if not all(_KIND.fullmatch(kind) for kind in kinds):
        raise ValueError(f"Not flag kinds: {kinds!r}")
    return "ARRAY[" + ", ".join(f"'{kind}'" for kind in kinds) + "]::text[]"


def _sides(filter: QueueFilter) -> List[str]:
    """Whose kinds the filter reads: the order's own, its subscription's, or either
    (no scope)."""
    return {Scope.ORDER: ["own_kinds"], Scope.SUBSCRIPTION: ["subscription_kinds"]}.get(
        filter.scope, ["own_kinds", "subscription_kinds"]
    )


def _kinds(filter: QueueFilter) -> List[str]:
    """The flag kinds (OrderFacts.flag_kinds, migration 0014) of which an order needs
    one for the reasons and source filters: one flag must match both."""
    if filter.reasons:
        return [f"{reason} {filter.source or '*'}" for reason in filter.reasons]
    return [f"* {filter.source}"] if filter.source else []


# The filter's reasons are rare when they have at most one in RARE_SHARE of all
# active flags: the parts then start from the orders that have them, read through the
# kinds' GIN indexes, instead of walking the sort's index until `first` of them turn
# up. The walk reads about `first` x (all / matching) rows, the whole queue when none
# match; starting from the orders probes each of them by id, some three times a
# walked row's cost (1.2 ms walked against 4.2 ms probed for a reason with 4 % of the
# flags, 254 of them), and sorts them. So the share, not a number of flags: a shop's
# rare reason is one the walk would meet too seldom, some 1,000 of 1,000,000 flags
# (300,000 active).
RARE_SHARE = 300


def _rare_kinds(filter: QueueFilter) -> bool:
    """Whether the filter's reasons are rare (RARE_SHARE), by the badge's counts (a
    source has no count of its own: a source filter alone walks the sort's index)."""
    if not filter.reasons:
        return False
    counts = _counts_for_rarity()
    matching = sum(counts.get(reason, 0) for reason in filter.reasons)
    return matching * RARE_SHARE <= sum(counts.values())


# How long what decides how a page is read (the badge's counts for the reasons'
# rarity, PostgreSQL's statistics of the pairs of characters) is reused before it is
# read again, in each server process: a screen's pages and filters reuse it instead
# of reading it each time. Like PostgreSQL's own statistics it may be that old: it
# chooses how a page is read (walked or probed), never which rows it shows.
PLANNING_READS_SECONDS = 60.0


class _ReusedRead:
    """A read whose answer is reused for PLANNING_READS_SECONDS."""

    def __init__(self, read):
        self._read = read
        self._answer = (None, None)

    def __call__(self):
        read_at, answer = self._answer
        now = time.monotonic()
        if read_at is None or now - read_at >= PLANNING_READS_SECONDS:
            answer = self._read()
            self._answer = (now, answer)
        return answer

    def forget(self) -> None:
        self._answer = (None, None)


def _read_common_pairs() -> Dict[str, float]:
    """The pairs of characters that PostgreSQL's statistics of the pair index
    (migration 0021) count among the most common, each with the share of the index's
    orders whose keys hold it (none before the table was first analyzed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s",
            [_PAIR_INDEX],
        )
        row = cursor.fetchone()
    if not row or not row[0]:
        return {}
    pairs, shares = row
    return dict(zip(pairs, shares))  # the shares end with three figures of their own


_counts_for_rarity = _ReusedRead(reason_counts)
_common_pairs = _ReusedRead(_read_common_pairs)


def forget_planning_reads() -> None:
    """The next filters read the counts and the statistics anew (each test's own
    flags decide)."""
    _counts_for_rarity.forget()
    _common_pairs.forget()


def _with(plan: Plan) -> Tuple[str, list]:
    """The WITH clause of the orders the parts start from, each read once, not once per
    part: those a search finds (`found`) and those with flags of rare kinds
    (`kinded`)."""
    tables = [
        table for table in (_found(plan.search), _kinded(plan.filter, plan.rare)) if table
    ]
    if not tables:
        return "", []
    sql = ", ".join(table for table, _params in tables)
    return f"WITH {sql} ", [param for _table, params in tables for param in params]


def _kinded(filter: QueueFilter, rare: bool) -> Optional[Tuple[str, list]]:
    """The orders with an active flag of the filter's rare kinds, of their own or of
    their subscription (as the scope says), read from the kinds' GIN indexes
    (migration 0014: partial, on rows with active flags)."""
    if not rare:
        return None
    quote = connection.ops.quote_name
    facts = quote(OrderFacts._meta.db_table)
    subscriptions = quote(SubscriptionFacts._meta.db_table)
    kinds = _kinds_array(_kinds(filter))
    reads = {
        "own_kinds": f"""SELECT order_id FROM {facts}
            WHERE active_flags > 0 AND flag_kinds && {kinds}""",
        # Their orders probed by subscription (its index), whatever the planner
        # guesses of how many the subscriptions are.
        "subscription_kinds": f"""SELECT order_id FROM {facts}
            WHERE subscription = ANY(ARRAY(SELECT subscription FROM {subscriptions}
                WHERE active_flags > 0 AND flag_kinds && {kinds}))""",
    }
    union = " UNION ALL ".join(reads[side] for side in _sides(filter))
    return f"kinded AS ({union})", []


# The fewest characters of a searched text that give the trigram index something to
# read (pg_trgm makes no trigram of fewer).
_INDEXED_TEXT = 3
# A text of this many characters is one of the pairs of characters the pair index
# holds (migration 0021); a single character is compared in each row.
_PAIR = 2
_PAIR_INDEX = "attention_facts_search_pairs"
# A pair held by the keys of at least one in COMMON_PAIR_SHARE of the orders is common:
# its page walks the sort's index (some `first` x 50 rows at most), comparing each
# row's keys with LIKE alone, which for two characters (never a tab) finds exactly the
# rows whose pairs hold them. Said with the pairs too, the walk made each compared
# row's pairs (0.9 of 1.7 ms for a name every order has); a rarer pair keeps both, so
# that PostgreSQL can read the pair index instead.
COMMON_PAIR_SHARE = 50


def _found(search: Search) -> Optional[Tuple[str, list]]:
    """The orders a search finds, as a table the parts read (`found`): read from the
    trigram index once, not once per part (none for a shorter text: see
    _search_terms)."""
    if not _reads_index(search):
        return None
    terms, params = _search_terms(search)
    facts = connection.ops.quote_name(OrderFacts._meta.db_table)
    return f"found AS (SELECT order_id FROM {facts} f WHERE {terms})", params


def _search_terms(search: Search) -> Tuple[str, list]:
    """Its order is the numbered one, or one of its stored search keys
    (tab-separated, no key holds a tab) is the phone or the email, or holds the
    text."""
    terms, params = [], []
    if search.order_id is not None:
        terms.append("f.order_id = %s")
        params.append(search.order_id)
    if search.phone:
        terms.append(_whole_key(_PHONE_FIELDS))
        params += [search.phone] * len(_PHONE_FIELDS)
    if search.email:
        terms.append(f"({_MAILBOX} = %s AND {_EMAIL} = %s)")
        params += [_mailbox_reversed(search.email), search.email]
    if search.email_part:
        terms.append(f"({_MAILBOX} LIKE %s AND strpos({_EMAIL}, %s) > 0)")
        params += [_escaped(_mailbox_reversed(search.email_part)) + "%", search.email_part]
    if search.text:
        held, held_params = _held(search.text)
        terms.append(held)
        params += held_params
    return "(" + " OR ".join(terms) + ")", params


def _key_field(number: int) -> str:
    """One field of an order's search keys, as migration 0026's indexes hold it."""
    return f"split_part(f.search_keys, E'\\t', {number})"


# The fields of an order's search keys (between tabs, always all seven, migration
# 0010) that an email or phone number is searched in, each read from an index of its
# own (migration 0026). An email's mailbox is the text's part before the @, or ends
# with it: the index holds mailboxes reversed, so those that end with it are one range
# of it. The whole text is compared in the rows found.
_EMAIL = _key_field(2)
_MAILBOX = f"reverse(split_part({_EMAIL}, '@', 1))"
_PHONE_FIELDS = (5, 8)  # the billing and the shipping address's


def _mailbox_reversed(email: str) -> str:
    return email.partition("@")[0][::-1]


def _whole_key(fields: Sequence[int]) -> str:
    """The condition that one of these fields of an order's keys is the searched
    text."""
    return "(" + " OR ".join(f"{_key_field(field)} = %s" for field in fields) + ")"


def _held(text: str) -> Tuple[str, list]:
    """The condition that one of an order's keys holds `text`, and its parameters: a
    part of the keys (LIKE: the trigram index reads three characters or more); a text
    of two characters is also one of a key's pairs, which the pair index of migration
    0021 reads. Both are said unless the pair is common (COMMON_PAIR_SHARE): making a
    row's pairs costs some 70 times a LIKE, which rejects first the rows a walk of the
    sort's index compares."""
    like = "f.search_keys LIKE %s"
    if len(text) != _PAIR or _common_pairs().get(text, 0) * COMMON_PAIR_SHARE >= 1:
        return like, [_containing(text)]
    pairs = "saleor_attention_key_pairs(f.search_keys) @> ARRAY[CAST(%s AS text)]"
    return f"({like} AND {pairs})", [_containing(text), text]


def _reads_index(search: Search) -> bool:
    """A phone number or an email is read from its own index; a text from the
    trigram index when long enough."""
    return bool(search.phone or search.email or search.email_part) or (
        len(search.text) >= _INDEXED_TEXT
    )


def _containing(key: str) -> str:
    return f"%{_escaped(key)}%"


def _escaped(text: str) -> str:
    """The text as a LIKE pattern matches it literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

