"""The per-order facts rules and guards read (OrderFacts), and how they get there.

Facts are written under the order's row lock, in the plugin's own table. Saleor
rewrites an order's private metadata without locks, so the metadata only mirrors
them (mirror.py). The one fact that comes from outside, an external subscription
app's link, is copied in when an order save first shows it.
"""
from __future__ import annotations

import datetime
from typing import Optional

from django.db import connection, transaction
from django.utils import timezone

from . import gate, rows
from .adapter import shop
from .models import OrderFacts, SubscriptionFacts

# What an external subscription app writes into an order's private metadata.
SUBSCRIPTION_KEY = "saleor_attention.subscription"
PLANNED_SHIPPING_DATE_KEY = "saleor_attention.planned_shipping_date"
MAX_SUBSCRIPTION_LENGTH = OrderFacts._meta.get_field("subscription").max_length


def of(order) -> OrderFacts:
    """The order's facts (loaded with the order by orders.lock), or empty ones."""
    try:
        return order.attention_facts
    except OrderFacts.DoesNotExist:
        return OrderFacts(order_id=order.pk)


def subscription_of(order) -> str:
    return of(order).subscription


def orders_of_subscription(subscription: str):
    """The orders linked to a subscription, oldest first."""
    return shop.Order.objects.filter(attention_facts__subscription=subscription).order_by("pk")


def is_first_of_subscription(order, subscription: str) -> bool:
    """Whether no order linked to the subscription was placed before this one."""
    created = shop.ORDER_CREATED_FIELD
    return not OrderFacts.objects.filter(
        subscription=subscription, **{f"order__{created}__lt": getattr(order, created)}
    ).exists()


def updating(order, **values) -> rows.Statement:
    """Change facts of an order whose row the caller holds locked (orders.lock, which
    loaded them): the one statement that writes them, an UPDATE of the named facts
    or the INSERT of a row for an order that had none, for the caller to run with
    its other writes (rows.run_together)."""
    current = of(order)
    for name, value in values.items():
        setattr(current, name, value)
    order.attention_facts = current
    # What the guard found under the lock no longer holds once we changed it ourselves.
    getattr(connection, _CLEARED, {}).pop(order.pk, None)
    return rows.upsert(
        OrderFacts, [current], f"(order_id) DO UPDATE SET {rows.excluded(OrderFacts, values)}"
    )


def has_checked_amount(order) -> bool:
    """Whether a deferred-payment provider approved an amount for the order (one
    indexed read, before any lock: most orders have none). False when this
    transaction's fulfillment guard found the order clear: it still holds the lock
    under which it read that (orderFulfill's order-updated hook asks next)."""
    if _cleared_under_lock(order.pk):
        return False
    return OrderFacts.objects.filter(
        order_id=order.pk, credit_checked_amount__isnull=False
    ).exists()


def clear_to_ship(order_id) -> bool:
    """Whether the order and its facts row, both locked, show nothing that stops
    shipping: no active flag of its own or of its subscription, rules run, no
    credit-checked amount to compare. One statement. False also when the order has
    no facts row yet (an order from before the plugin): the caller looks closer.

    The counts are kept by a trigger in the transaction that sets or releases a
    flag (migration 0008), and that transaction holds the same two locks (taken in
    the same order, orders.lock): a check that waited on them reads the facts row
    as that transaction committed it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT facts.active_flags = 0 AND COALESCE(subscription.active_flags, 0) = 0
                   AND facts.rules_pending_since IS NULL
                   AND facts.credit_checked_amount IS NULL
            FROM {shop.Order._meta.db_table} orders
            JOIN {OrderFacts._meta.db_table} facts ON facts.order_id = orders.id
            LEFT JOIN {SubscriptionFacts._meta.db_table} subscription
                ON facts.subscription <> '' AND subscription.subscription = facts.subscription
            WHERE orders.id = %s
            FOR NO KEY UPDATE OF orders, facts
            """,
            [order_id],
        )
        row = cursor.fetchone()
    clear = bool(row and row[0])
    if clear:
        _remember_cleared(order_id)
    return clear


class _Lock:
    """Stands for a facts row lock the transaction holds, registered with
    transaction.on_commit: Django drops it when the transaction ends or the savepoint
    it was registered in rolls back, which is when PostgreSQL releases the lock."""

    def __call__(self) -> None:
        pass  # the transaction committed: nothing to do, it only stops being held

    def is_held(self) -> bool:
        return any(entry[1] is self for entry in connection.run_on_commit)


def _remember_cleared(order_id) -> None:
    """The guard found the order clear (no checked amount among the rest) with its
    facts row locked: nothing can change them before this transaction ends."""
    if not connection.in_atomic_block:
        return  # the lock went with the guard's own transaction
    lock = _Lock()
    transaction.on_commit(lock)
    held = getattr(connection, _CLEARED, {})
    held = {pk: other for pk, other in held.items() if other.is_held()}
    held[order_id] = lock
    setattr(connection, _CLEARED, held)


def _cleared_under_lock(order_id) -> bool:
    lock = getattr(connection, _CLEARED, {}).get(order_id)
    return lock is not None and lock.is_held()


# The connection's attribute for _remember_cleared: {order id: _Lock}.
_CLEARED = "_attention_cleared_under_lock"


def ensure_row(order_id) -> None:
    """Give an order from before the plugin (whose row the caller holds locked) its
    empty facts row, so that changes and the guard lock both."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {OrderFacts._meta.db_table}
                (order_id, subscription, payment_method, active_flags)
            SELECT id, '', '', 0 FROM {shop.Order._meta.db_table} WHERE id = %s
            ON CONFLICT (order_id) DO NOTHING
            """,
            [order_id],
        )


def link(order_id, subscription: str, planned: Optional[datetime.date] = None) -> None:
    """Link an order to a subscription contract of the plugin's own (and give its
    planned shipping date), as an external app's metadata would."""
    _merge(order_id, subscription, planned, None)


def await_rules(order_id) -> None:
    """A new order (with no external link) awaits its rules when the plugin is on:
    one statement, which reads the stored switch too and writes nothing when it is
    off (what order_saved's merge does for such an order)."""
    switched_on, parameters = gate.is_on_sql()
    table = OrderFacts._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (order_id, subscription, payment_method, rules_pending_since, active_flags)
            SELECT %s, '', '', %s, 0 WHERE {switched_on}
            ON CONFLICT (order_id) DO UPDATE SET
                rules_pending_since = COALESCE(EXCLUDED.rules_pending_since,
                                               {table}.rules_pending_since)
            """,
            [order_id, timezone.now(), *parameters],
        )


def has_external_links(order) -> bool:
    return any(_external_links(order.private_metadata or {}))


def order_saved(order, awaits_rules: bool) -> None:
    """Saleor saved an order: a new one awaits its rules (when the plugin is on), and
    an external app's subscription link is copied in the first time it appears."""
    subscription, planned = _external_links(order.private_metadata or {})
    _merge(order.pk, subscription, planned, timezone.now() if awaits_rules else None)


def _external_links(metadata) -> tuple:
    subscription = str(metadata.get(SUBSCRIPTION_KEY) or "").strip()
    if len(subscription) > MAX_SUBSCRIPTION_LENGTH:
        subscription = ""  # not an id the plugin can hold; ignored, never truncated
    return subscription, _date(metadata.get(PLANNED_SHIPPING_DATE_KEY))


def _date(raw) -> Optional[datetime.date]:
    try:
        return datetime.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def _merge(order_id, subscription: str, planned, pending_since) -> None:
    """One statement: a link once made stays (a later metadata rewrite cannot detach
    the order from its subscription's flags); a new planned date replaces the old. A
    subscription order's search keys are taken (its subscription's flags can put it
    in the order queue; migration 0010's function)."""
    table = OrderFacts._meta.db_table
    pk_type = shop.Order._meta.pk.rel_db_type(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (order_id, subscription, planned_shipping_date,
                                 payment_method, rules_pending_since, active_flags,
                                 search_keys)
            VALUES (%s, %s, %s, '', %s, 0, CASE WHEN %s <> ''
                    THEN saleor_attention_order_search_keys(CAST(%s AS {pk_type})) END)
            ON CONFLICT (order_id) DO UPDATE SET
                subscription = CASE WHEN {table}.subscription = ''
                               THEN EXCLUDED.subscription ELSE {table}.subscription END,
                planned_shipping_date = COALESCE(EXCLUDED.planned_shipping_date,
                                                 {table}.planned_shipping_date),
                rules_pending_since = COALESCE(EXCLUDED.rules_pending_since,
                                               {table}.rules_pending_since),
                search_keys = COALESCE(EXCLUDED.search_keys, {table}.search_keys)
            """,
            [order_id, subscription, planned, pending_since, subscription, order_id],
        )
