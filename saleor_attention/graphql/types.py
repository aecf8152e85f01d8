import graphene

from .. import guards, services
from .. import order_metadata
from ..adapter import shop
from ..models import Flag
from ..reasons import JA
from .scalars import Date, DateTime
from .database import attribute_resolver, with_database
from .enums import (
    AttentionBlockedAction,
    AttentionCustomerAction,
    AttentionErrorCode,
    AttentionEventType,
    AttentionFlagStatus,
    AttentionLanguage,
    AttentionReason,
    AttentionScope,
    AttentionSource,
)


def _language():
    return graphene.Argument(AttentionLanguage, default_value=JA)


class AttentionError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault, or null.")
    message = graphene.String()
    code = AttentionErrorCode(required=True)


class AttentionWarning(graphene.ObjectType):
    code = graphene.String(required=True)
    message = graphene.String(required=True)


class AttentionFlag(graphene.ObjectType):
    id = graphene.ID(required=True)
    order = graphene.Field(lambda: shop.types.Order, required=True)
    scope = AttentionScope(required=True)
    subscription = graphene.String(description="Subscription id, for SUBSCRIPTION scope.")
    reason = AttentionReason(required=True)
    source = AttentionSource(required=True)
    status = AttentionFlagStatus(required=True)
    message = graphene.String(required=True, language=_language(), description="Staff-facing text.")
    guidance = graphene.String(required=True, language=_language(), description="What staff should do.")
    customer_message = graphene.String(
        required=True, language=_language(), description="What the customer may be told."
    )
    note = graphene.String(required=True)
    handle = graphene.String(required=True)
    created_at = DateTime(required=True)
    created_by = graphene.Field(lambda: shop.types.User)
    created_by_app = graphene.Field(lambda: shop.types.App)
    handled_on = Date()
    released_at = DateTime()
    released_by = graphene.Field(lambda: shop.types.User)
    released_by_app = graphene.Field(lambda: shop.types.App)
    release_comment = graphene.String(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root: Flag, _info):
        return graphene.Node.to_global_id("AttentionFlag", root.pk)

    @staticmethod
    @with_database
    def resolve_order(root: Flag, _info):
        return shop.graphql_order(root.order)

    @staticmethod
    def resolve_message(root: Flag, _info, language=JA):
        return root.message(language)

    @staticmethod
    def resolve_guidance(root: Flag, _info, language=JA):
        return root.guidance(language)

    @staticmethod
    def resolve_customer_message(root: Flag, _info, language=JA):
        return root.customer_message(language)


class AttentionEvent(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = AttentionEventType(required=True)
    date = DateTime(required=True)
    flag = graphene.Field(AttentionFlag)
    user = graphene.Field(lambda: shop.types.User)
    app = graphene.Field(lambda: shop.types.App)
    message = graphene.String(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root, _info):
        return graphene.Node.to_global_id("AttentionEvent", root.pk)


class OrderAttention(graphene.ObjectType):
    required = graphene.Boolean(required=True, description="Whether the order needs attention.")
    flags = graphene.List(
        graphene.NonNull(AttentionFlag),
        required=True,
        status=AttentionFlagStatus(),
        description="Flags raised on this order or its subscription, newest first.",
    )
    blocked_actions = graphene.List(graphene.NonNull(AttentionBlockedAction), required=True)
    events = graphene.List(graphene.NonNull(AttentionEvent), required=True)

    def __init__(self, order):
        super().__init__()
        self.order = order
        self.active = services.active_flags(order)

    def resolve_required(self, _info):
        return bool(self.active)

    @with_database
    def resolve_flags(self, _info, status=None):
        subscription = order_metadata.subscription_of(self.order)
        flags = Flag.objects.affecting(self.order.pk, subscription)
        return list(flags.filter(status=status) if status else flags)

    def resolve_blocked_actions(self, _info):
        return guards.blocked_actions(self.active, shipped=shop.is_shipped(self.order))

    @with_database
    def resolve_events(self, _info):
        return list(self.order.attention_events.select_related("flag"))


class AttentionFlagConnection(graphene.relay.Connection):
    total_count = graphene.Int(required=True)

    class Meta:
        node = AttentionFlag

    @with_database
    def resolve_total_count(self, _info):
        return self.queryset.count()


class CustomerRestrictions(graphene.ObjectType):
    restricted = graphene.Boolean(
        required=True, description="Whether storefront changes to this order are refused."
    )
    allowed_actions = graphene.List(graphene.NonNull(AttentionCustomerAction), required=True)
    message = graphene.String(
        language=_language(), description="Why, in words safe to show the customer."
    )

    def __init__(self, restrictions):
        super().__init__()
        self.restrictions = restrictions

    def resolve_restricted(self, _info):
        return self.restrictions.restricted

    def resolve_allowed_actions(self, _info):
        return self.restrictions.allowed_actions

    def resolve_message(self, _info, language=JA):
        return self.restrictions.message(language)
