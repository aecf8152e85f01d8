"""Queries on Saleor's orders that read the same on both Saleor lines; the adapter
supplies the model and what its fields are called."""
from __future__ import annotations

import binascii

import graphene

from .adapter import shop
from .errors import AttentionError, AttentionErrorCode


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


def from_global_id(global_id: str, field: str):
    """The order a Saleor Order id names; a typed error naming `field` otherwise."""
    try:
        type_name, pk = graphene.Node.from_global_id(global_id)
        order = (
            shop.Order.objects.filter(pk=shop.ORDER_PK(pk)).first()
            if type_name == "Order"
            else None
        )
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError, binascii.Error):
        order = None
    if order is None:
        raise AttentionError(
            field, AttentionErrorCode.NOT_FOUND, f"Couldn't resolve to an order: {global_id}"
        )
    return order
