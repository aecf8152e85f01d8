"""Queries on Saleor's orders that read the same on both Saleor lines; the adapter
supplies the model and what its fields are called."""
from __future__ import annotations

from .adapter import shop


def lock(order_id, *related: str):
    """The order row, locked until the surrounding transaction ends, with its facts
    (and the `related` rows a caller reads, e.g. addresses) in the same statement."""
    return (
        shop.Order.objects.select_for_update(of=("self",))
        .select_related("attention_facts", *related)
        .get(pk=order_id)
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

