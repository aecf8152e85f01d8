"""Who acted and whom an entry is about, as the plugin's own references.

Never Saleor's User or App objects: their fields (permissions, addresses, an app's
tokens and webhook secrets) follow Saleor's own permission rules, which a holder of
MANAGE_ORDERS does not meet. The ids are Saleor's, so a caller Saleor allows can look
the account up with Saleor's own `user`/`app` queries.
"""
from typing import NamedTuple, Optional

import graphene

from ..adapter import shop
from ..models import Source
from .enums import AttentionSource


class ActorReference(NamedTuple):
    source: str
    user_id: Optional[int]
    app_id: Optional[int]
    name: str


class AttentionActor(graphene.ObjectType):
    kind = AttentionSource(required=True, description="A staff member, an app, or a rule.")
    id = graphene.ID(
        description="Saleor's User or App id; null for rules and deleted accounts."
    )
    name = graphene.String(
        required=True, description="The staff member's name (or email) or the app's name, "
        "as it was then; empty for rules."
    )

    @staticmethod
    def resolve_kind(root: ActorReference, _info):
        return root.source or Source.RULE

    @staticmethod
    def resolve_id(root: ActorReference, _info):
        if root.app_id is not None:
            return graphene.Node.to_global_id("App", root.app_id)
        if root.user_id is not None:
            return graphene.Node.to_global_id("User", root.user_id)
        return None

    @staticmethod
    def resolve_name(root: ActorReference, _info):
        return root.name


class AttentionCustomer(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor's User id of the customer.")
    email = graphene.String(
        description="The account's email, for callers Saleor lets read customers "
        "(MANAGE_USERS); null for others."
    )

    @staticmethod
    def resolve_id(root, _info):
        return graphene.Node.to_global_id("User", root.pk)

    @staticmethod
    def resolve_email(root, info):
        return root.email if shop.can_manage_users(info.context) else None

