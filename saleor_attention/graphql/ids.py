"""Global ids in and out. Bad ids become typed errors naming the input field."""
import binascii

import graphene

from ..errors import AttentionError, AttentionErrorCode

FLAG_TYPE = "AttentionFlag"


def flag_pk(global_id: str, field: str) -> int:
    try:
        type_name, pk = graphene.Node.from_global_id(global_id)
        if type_name != FLAG_TYPE:
            raise ValueError(type_name)
        return int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise AttentionError(
            field, AttentionErrorCode.GRAPHQL_ERROR, f"Couldn't resolve to a flag: {global_id}"
        ) from None
