"""Global ids in and out. Bad ids become typed errors naming the input field."""
import binascii

import graphene
from django.contrib.auth import get_user_model

from ..errors import AttentionError, AttentionErrorCode

FLAG_TYPE = "AttentionFlag"
BLACKLIST_ENTRY_TYPE = "AttentionBlacklistEntry"


def flag_pk(global_id: str, field: str) -> int:
    return _pk(global_id, FLAG_TYPE, field, "a flag")


def blacklist_entry_pk(global_id: str, field: str) -> int:
    return _pk(global_id, BLACKLIST_ENTRY_TYPE, field, "a blacklist entry")


def customer(global_id: str, field: str):
    """A customer account by Saleor's User id (the same form on both Saleor lines).
    Staff accounts are not customers: they answer as unknown ids do."""
    users = get_user_model().objects.filter(is_staff=False)
    found = users.filter(pk=_pk(global_id, "User", field, "a customer")).first()
    if found is None:
        raise AttentionError(field, AttentionErrorCode.NOT_FOUND, f"No such customer: {global_id}")
    return found


def _pk(global_id: str, expected_type: str, field: str, what: str) -> int:
    try:
        type_name, pk = graphene.Node.from_global_id(global_id)
        if type_name != expected_type:
            raise ValueError(type_name)
        return int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise AttentionError(
            field, AttentionErrorCode.GRAPHQL_ERROR, f"Couldn't resolve to {what}: {global_id}"
        ) from None
