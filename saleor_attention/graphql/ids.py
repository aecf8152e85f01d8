"""Global ids in and out: the plugin's own ids are made here (for the API, the
metadata mirror and the evidence flags keep), and every id an input takes is read
here. Bad ids become typed errors naming the input field, by one rule for every input
that takes an id: an id that is malformed or of another type is GRAPHQL_ERROR
("Couldn't resolve to …"); a well-formed id of the right type that names nothing is
NOT_FOUND."""
import binascii
from functools import partial

import graphene
from django.contrib.auth import get_user_model

from .. import orders
from ..adapter import shop
from ..errors import AttentionError, AttentionErrorCode

FLAG_TYPE = "AttentionFlag"
BLACKLIST_ENTRY_TYPE = "AttentionBlacklistEntry"
BULK_JOB_TYPE = "AttentionBulkJob"
COMMENT_TYPE = "AttentionFlagComment"
EVENT_TYPE = "AttentionEvent"
CONTRACT_TYPE = "SubscriptionContract"
DELIVERY_TYPE = "AttentionWebhookDelivery"


# The plugin's own ids, each `id(pk) -> str`.
flag_id = partial(graphene.Node.to_global_id, FLAG_TYPE)
blacklist_entry_id = partial(graphene.Node.to_global_id, BLACKLIST_ENTRY_TYPE)
bulk_job_id = partial(graphene.Node.to_global_id, BULK_JOB_TYPE)
comment_id = partial(graphene.Node.to_global_id, COMMENT_TYPE)
event_id = partial(graphene.Node.to_global_id, EVENT_TYPE)
contract_id = partial(graphene.Node.to_global_id, CONTRACT_TYPE)
delivery_id = partial(graphene.Node.to_global_id, DELIVERY_TYPE)


def order_global_id(pk) -> str:
    """Saleor's Order id, as its API names the order."""
    return graphene.Node.to_global_id("Order", pk)


def contract_pk(global_id: str, field: str) -> int:
    return _pk(global_id, CONTRACT_TYPE, field, "subscription contract")


def variant_pk(global_id: str, field: str) -> int:
    """The pk a Saleor ProductVariant id names, unchecked."""
    return _pk(global_id, "ProductVariant", field, "product variant")


def flag_pk(global_id: str, field: str) -> int:
    return _pk(global_id, FLAG_TYPE, field, "flag")


def bulk_job_pk(global_id: str, field: str) -> int:
    return _pk(global_id, BULK_JOB_TYPE, field, "bulk job")


def order_pk(global_id: str, field: str):
    """The pk a Saleor Order id names, unchecked (for many orders read at once)."""
    return _pk(global_id, "Order", field, "order", shop.ORDER_PK)


def blacklist_entry_pk(global_id: str, field: str) -> int:
    return _pk(global_id, BLACKLIST_ENTRY_TYPE, field, "blacklist entry")


def order(global_id: str, field: str):
    """The order a Saleor Order id names (its pk: an int on 2.10, a UUID on 3.x)."""
    return _found(shop.Order.objects.all(), global_id, "Order", field, "order", shop.ORDER_PK)


def order_or_number(value: str, field: str):
    """The order a Saleor Order id or an order number ("21", as staff know it) names:
    a number of no order is NOT_FOUND; anything else is read as an id."""
    number = orders.number_in(value)
    if number is None:
        return order(value, field)
    found = shop.Order.objects.filter(pk=orders.numbered(number)).first()
    if found is None:
        raise AttentionError(field, AttentionErrorCode.NOT_FOUND, f"No such order: {value}")
    return found


def customer(global_id: str, field: str):
    """A customer account by Saleor's User id (the same form on both Saleor lines).
    Staff accounts are not customers: they answer as unknown ids do."""
    users = get_user_model().objects.filter(is_staff=False)
    return _found(users, global_id, "User", field, "customer")


def _found(queryset, global_id: str, expected_type: str, field: str, noun: str, pk_type=int):
    found = queryset.filter(pk=_pk(global_id, expected_type, field, noun, pk_type)).first()
    if found is None:
        raise AttentionError(field, AttentionErrorCode.NOT_FOUND, f"No such {noun}: {global_id}")
    return found


def _pk(global_id: str, expected_type: str, field: str, noun: str, pk_type=int):
    try:
        type_name, pk = graphene.Node.from_global_id(global_id)
        if type_name != expected_type:
            raise ValueError(type_name)
        return pk_type(pk)
    except (ValueError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError):
        article = "an" if noun[0] in "aeiou" else "a"
        raise AttentionError(
            field, AttentionErrorCode.GRAPHQL_ERROR,
            f"Couldn't resolve to {article} {noun}: {global_id}",
        ) from None
