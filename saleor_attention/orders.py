"""Queries on Saleor's orders that read the same on both Saleor lines; the adapter
supplies the model and what its fields are called."""
from __future__ import annotations

from typing import Mapping, Optional

from . import compat, facts
from .adapter import shop


def lock(order_id, *related: str, annotations: Optional[Mapping[str, object]] = None):
    """The order row and its facts row, both locked until the surrounding transaction
    ends (the fulfillment guard takes the same two), with the `related` rows a
    caller reads (e.g. addresses) and any `annotations`, in one statement; an order
    from before the plugin first gets its facts row.

    The locks are FOR NO KEY UPDATE: they keep every other change and the guard out,
    but not a transaction that only adds a row referencing the order (Saleor's
    history notes: a subscription's change writes them on every order of it, which
    other changes may hold)."""
    locked = (
        compat.select_for_no_key_update(shop.Order.objects.all(), of=("self", "attention_facts"))
        .select_related("attention_facts", *related)
        .filter(attention_facts__isnull=False)
    )
    if annotations:
        locked = locked.annotate(**annotations)
    with compat.no_key_locks():
        try:
            return locked.get(pk=order_id)
        except shop.Order.DoesNotExist:
            # The order first, as every path locks them: two changes never wait on each
            # other crosswise.
            compat.select_for_no_key_update(shop.Order.objects.all(), of=("self",)).get(pk=order_id)
            facts.ensure_row(order_id)
            return locked.get(pk=order_id)


# Order numbers fit PostgreSQL's integer on both lines (2.10: the id; 3.x: `number`).
_MAX_ORDER_NUMBER = 2 ** 31 - 1


def number_in(text: str) -> Optional[int]:
    """The order number `text` spells (digits, as staff type it), else None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and int(text) <= _MAX_ORDER_NUMBER:
        return int(text)
    return None


def numbered(number: int):
    """The pk of the order staff know by this number, or None."""
    return (
        shop.Order.objects.filter(**{shop.ORDER_NUMBER_FIELD: number})
        .values_list("pk", flat=True).first()
    )


def is_first_order(order) -> bool:
    """No earlier order from the same customer (account, or email for guests)."""
    orders = shop.Order.objects.exclude(pk=order.pk).exclude(status=shop.DRAFT_STATUS)
    same_customer = (
        orders.filter(user_id=order.user_id)
        if order.user_id
        else orders.filter(user_email__iexact=order.user_email)
    )
    created = shop.ORDER_CREATED_FIELD
    return not same_customer.filter(**{f"{created}__lt": getattr(order, created)}).exists()
