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
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from . import normalize, plugin_state
from .adapter import shop
from .models import Flag, OrderFacts, Scope, SubscriptionFacts

AGE = "AGE"
PLANNED_SHIPPING_DATE = "PLANNED_SHIPPING_DATE"
CREATED = "CREATED"
SORTS = (AGE, PLANNED_SHIPPING_DATE, CREATED)


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
    # The sort value (since, the planned shipping date, or when the order was placed).
    key: object


@dataclass(frozen=True)
class Search:
    """What a search text can be, each as the key it is compared by."""

    number: Optional[int] = None
    phone: str = ""
    email: str = ""
    name: str = ""

    @classmethod
    def of(cls, text: str, number: Optional[int]) -> "Search":
        """A text of digits (hyphens, spaces, +81 allowed) is an order number or a
        whole phone number; one with @ an email; any other a name or an email."""
        text = text.strip()
        if not text:
            return cls()
        name = normalize.text_key(text)
        if name.lstrip("+").isdigit():
            return cls(number=number, phone=normalize.phone_key(text))
        email = normalize.email_key(text)
        if "@" in text:
            return cls(email=email)
        return cls(email=email, name=name)

    def __bool__(self):
        return bool(self.number is not None or self.phone or self.email or self.name)


def page(
    filter: QueueFilter, sort: str, descending: bool, first: int,
    after: Optional[Tuple[object, object]] = None, number: Optional[int] = None,
) -> Tuple[List[QueueRow], bool]:
    """`first` rows in (sort value, order id) order after the `after` position, and
    whether more follow. `number`: the search text as an order number, if it is one."""
    select, params = _select(filter, sort, number)
    key = _KEYS[sort]
    direction, beyond = ("DESC", "<") if descending else ("ASC", ">")
    if after is not None:
        value, order_id = after
        # The plain bound lets the index scan start there; the row comparison places
        # the cursor exactly (PostgreSQL cannot start an index scan from it alone).
        select += f" AND {key} {beyond}= %s AND ({key}, q.order_id) {beyond} (%s, %s)"
        params += [value, value, order_id]
    select += f" ORDER BY {key} {direction}, q.order_id {direction} LIMIT %s"
    params.append(first + 1)
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        rows = [QueueRow(*row) for row in cursor.fetchall()]
    return rows[:first], len(rows) > first


def count(filter: QueueFilter, number: Optional[int] = None) -> int:
    select, params = _select(filter, AGE, number)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({select}) AS queue", params)
        return cursor.fetchone()[0]


def reason_counts() -> Dict[str, int]:
    """Active flags per reason (reasons without any left out): one index-only scan."""
    counts = (
        Flag.objects.active().order_by().values_list("reason")
        .annotate(flags=Count("id")).values_list("reason", "flags")
    )
    return dict(counts)


def age_in_days(since: datetime.datetime) -> int:
    """Whole days since the order began to need attention."""
    return (timezone.now() - since).days


def overdue_cutoff() -> datetime.datetime:
    """Flags set before this are overdue (the overdue_after_days setting), as in
    attentionFlags(filter: {overdue})."""
    return timezone.now() - datetime.timedelta(days=plugin_state.settings().overdue_after_days)


# The sort value of a queue row, as the union below names it.
_KEYS = {AGE: "q.since", PLANNED_SHIPPING_DATE: "q.planned", CREATED: "q.created"}


def _select(filter: QueueFilter, sort: str, number: Optional[int]) -> Tuple[str, list]:
    """The queue, filtered: a SELECT of QueueRow's columns ending in its WHERE."""
    quote = connection.ops.quote_name
    facts = quote(OrderFacts._meta.db_table)
    subscriptions = quote(SubscriptionFacts._meta.db_table)
    # The planned date as the partial indexes of migration 0009 hold it: undated last.
    planned = "COALESCE(f.planned_shipping_date, 'infinity'::date)"
    search = Search.of(filter.search, number)
    order_columns, order_joins = _order_columns(sort == CREATED, bool(search))
    select = f"""
        SELECT q.order_id, q.subscription, q.since, {_KEYS[sort]}
        FROM (
            SELECT f.order_id, f.subscription, f.attention_since AS since,
                   {planned} AS planned, f.active_flags AS own_flags,
                   COALESCE(s.active_flags, 0) AS subscription_flags{order_columns}
            FROM {facts} f
            LEFT JOIN {subscriptions} s
                ON f.subscription <> '' AND s.subscription = f.subscription
                AND s.active_flags > 0{order_joins}
            WHERE f.active_flags > 0
              AND (s.attention_since IS NULL OR s.attention_since >= f.attention_since)
            UNION ALL
            SELECT f.order_id, f.subscription, s.attention_since AS since,
                   {planned} AS planned, f.active_flags AS own_flags,
                   s.active_flags AS subscription_flags{order_columns}
            FROM {subscriptions} s
            JOIN {facts} f ON f.subscription = s.subscription{order_joins}
            WHERE s.active_flags > 0 AND f.subscription <> '' AND f.cancelled_at IS NULL
              AND (f.active_flags = 0 OR s.attention_since < f.attention_since)
        ) AS q
        WHERE TRUE"""
    params: list = []
    if filter.overdue is not None:
        select += " AND q.since " + ("<" if filter.overdue else ">=") + " %s"
        params.append(overdue_cutoff())
    flag_terms, flag_params = _flag_terms(filter)
    if flag_terms:
        # An active flag of the order's own, or of its subscription, that matches.
        flags = quote(Flag._meta.db_table)
        select += f"""
            AND (EXISTS (SELECT 1 FROM {flags} g WHERE g.order_id = q.order_id
                         AND g.scope = 'ORDER' AND g.status = 'ACTIVE'{flag_terms})
                 OR q.subscription <> '' AND EXISTS (
                         SELECT 1 FROM {flags} g WHERE g.subscription = q.subscription
                         AND g.scope = 'SUBSCRIPTION' AND g.status = 'ACTIVE'{flag_terms}))"""
        params += flag_params + flag_params
    elif filter.scope == Scope.ORDER:
        select += " AND q.own_flags > 0"
    elif filter.scope == Scope.SUBSCRIPTION:
        select += " AND q.subscription_flags > 0"
    if search:
        terms, search_params = _search_terms(search)
        select += f" AND {terms}"
        params += search_params
    return select, params


def _order_columns(created: bool, searched: bool) -> Tuple[str, str]:
    """What each part of the queue reads of Saleor's order (and its two addresses,
    to search): as plain columns, so that the search is a condition on each queue
    row (never a scan of every order the planner could prefer for a subquery)."""
    if not (created or searched):
        return "", ""
    quote = connection.ops.quote_name
    order = shop.Order._meta
    columns = f", o.{quote(order.get_field(shop.ORDER_CREATED_FIELD).column)} AS created"
    joins = f" JOIN {quote(order.db_table)} o ON o.id = f.order_id"
    if searched:
        addresses = quote(order.get_field("billing_address").related_model._meta.db_table)
        number = quote(order.get_field(shop.ORDER_NUMBER_FIELD).column)
        columns += f", o.{number} AS number, o.user_email"
        for person in ("billing", "shipping"):
            columns += "".join(
                f", {person}.{name} AS {person}_{name}"
                for name in ("phone", "first_name", "last_name")
            )
            joins += f" LEFT JOIN {addresses} {person} ON {person}.id = o.{person}_address_id"
    return columns, joins


def _flag_terms(filter: QueueFilter) -> Tuple[str, list]:
    """Conditions on a flag `g` for the reasons and source filters (with the scope,
    when either is given: one flag must match them all)."""
    terms, params = "", []
    if filter.reasons:
        terms += " AND g.reason = ANY(%s)"
        params.append(list(filter.reasons))
    if filter.source:
        terms += " AND g.source = %s"
        params.append(filter.source)
    if terms and filter.scope:
        terms += " AND g.scope = %s"
        params.append(filter.scope)
    return terms, params


def _search_terms(search: Search) -> Tuple[str, list]:
    """Conditions on a queue row: its order's number, email, or the name or phone of
    its billing or shipping address, compared by the blacklist's match keys (the SQL
    twins of normalize.py, migration 0009). Names and emails match anywhere in the
    key; phones and numbers whole."""
    terms, params = [], []
    if search.number is not None:
        terms.append("q.number = %s")
        params.append(search.number)
    for person in ("billing", "shipping"):
        if search.phone:
            terms.append(f"saleor_attention_phone_key(q.{person}_phone) = %s")
            params.append(search.phone)
        if search.name:
            for first, second in (("last_name", "first_name"), ("first_name", "last_name")):
                terms.append(
                    f"saleor_attention_text_key(q.{person}_{first} || q.{person}_{second})"
                    " LIKE %s"
                )
                params.append(_containing(search.name))
    if search.email:
        terms.append("saleor_attention_email_key(q.user_email) LIKE %s")
        params.append(_containing(search.email))
    return "(" + " OR ".join(terms) + ")", params


def _containing(key: str) -> str:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

