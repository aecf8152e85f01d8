import graphene

from graphql import GraphQLError

from .. import facts, guards, services
from ..adapter import shop
from ..models import Flag
from ..reasons import JA
from . import ids
from .people import ActorReference, AttentionActor
from .scalars import Date, DateTime
from .database import attribute_resolver, with_database
from .pagination import CountedConnection
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


# Lists inside an order are capped, so one query cannot fetch unbounded rows per order;
# and one request may hand out at most NESTED_BUDGET of their rows across all orders
# (a list of 100 orders each asking for 100 flags and 100 events took 16 s).
NESTED_DEFAULT = 20
NESTED_MAX = 100
NESTED_BUDGET = 1000


def _language():
    return graphene.Argument(AttentionLanguage, default_value=JA)


class AttentionError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault, or null.")
    message = graphene.String()
    code = AttentionErrorCode(required=True)


class AttentionWarning(graphene.ObjectType):
    code = graphene.String(required=True)
    message = graphene.String(required=True)


class AttentionEvidence(graphene.ObjectType):
    key = graphene.String(
        required=True,
        description="What the piece of evidence is: matched, entry, other_entries, code, "
        "event, postal_code, island_list, gateway, message, reference, carrier, "
        "tracking_number, return_reason.",
    )
    label = graphene.String(required=True, description="What staff call it.")
    value = graphene.String(
        required=True,
        description="As the rule kept it: a global id (entry; ids comma-separated for "
        "other_entries), codes comma-separated (matched, island_list), or text.",
    )
    text = graphene.String(required=True, description="As the staff message shows it.")


class AttentionFlag(graphene.ObjectType):
    id = graphene.ID(required=True)
    order = graphene.Field(
        lambda: shop.types.Order, description="Null once Saleor deleted the order."
    )
    order_number = graphene.String(required=True, description="The order's number, kept after it is deleted.")
    scope = AttentionScope(required=True)
    subscription = graphene.String(description="Subscription id, for SUBSCRIPTION scope.")
    reason = AttentionReason(required=True)
    source = AttentionSource(required=True)
    status = AttentionFlagStatus(required=True)
    message = graphene.String(required=True, language=_language(), description="Staff-facing text.")
    guidance = graphene.String(required=True, language=_language(), description="What staff should do.")
    evidence = graphene.List(
        graphene.NonNull(AttentionEvidence),
        required=True,
        language=_language(),
        description="Why a rule raised the flag (which blacklist entry and fields "
        "matched, the provider's result code, the postal code, the gateway, the "
        "carrier's data); empty for flags set by hand. Staff-facing, like message.",
    )
    customer_message = graphene.String(
        required=True, language=_language(), description="What the customer may be told."
    )
    note = graphene.String(required=True)
    handle = graphene.String(required=True)
    created_at = DateTime(required=True)
    created_by = graphene.Field(AttentionActor, required=True)
    handled_on = Date()
    released_at = DateTime()
    released_by = graphene.Field(AttentionActor, description="Null while the flag is active.")
    release_comment = graphene.String(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root: Flag, _info):
        return ids.flag_id(root.pk)

    @staticmethod
    @with_database
    def resolve_order(root: Flag, _info):
        return shop.graphql_order(root.order) if root.order_id is not None else None

    @staticmethod
    def resolve_created_by(root: Flag, _info):
        return ActorReference(root.source, root.created_by_id, root.created_by_app_id, root.created_by_name)

    @staticmethod
    def resolve_released_by(root: Flag, _info):
        if root.is_active:
            return None
        return ActorReference(
            root.released_by_source, root.released_by_id, root.released_by_app_id,
            root.released_by_name,
        )

    @staticmethod
    def resolve_message(root: Flag, _info, language=JA):
        return root.message(language)

    @staticmethod
    def resolve_guidance(root: Flag, _info, language=JA):
        return root.guidance(language)

    @staticmethod
    def resolve_evidence(root: Flag, _info, language=JA):
        return [
            AttentionEvidence(key=key, label=label, value=value, text=text)
            for key, label, value, text in root.evidence(language)
        ]

    @staticmethod
    def resolve_customer_message(root: Flag, _info, language=JA):
        return root.customer_message(language)


class AttentionEvent(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = AttentionEventType(required=True)
    date = DateTime(required=True)
    flag = graphene.Field(AttentionFlag)
    actor = graphene.Field(AttentionActor, required=True)
    message = graphene.String(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root, _info):
        return graphene.Node.to_global_id("AttentionEvent", root.pk)

    @staticmethod
    def resolve_actor(root, _info):
        return ActorReference(root.actor_source, root.user_id, root.app_id, root.actor_name)


class OrderAttention(graphene.ObjectType):
    required = graphene.Boolean(required=True, description="Whether the order needs attention.")
    rules_pending = graphene.Boolean(
        required=True,
        description="The order's rules have not run yet; it cannot ship until they have.",
    )
    flags = graphene.List(
        graphene.NonNull(AttentionFlag),
        required=True,
        status=AttentionFlagStatus(),
        first=graphene.Int(default_value=NESTED_DEFAULT, description=f"At most {NESTED_MAX}."),
        description="Flags raised on this order or its subscription, newest first; "
        "use attentionFlags(filter: {order}) to page through more.",
    )
    blocked_actions = graphene.List(graphene.NonNull(AttentionBlockedAction), required=True)
    events = graphene.List(
        graphene.NonNull(AttentionEvent),
        required=True,
        last=graphene.Int(default_value=NESTED_DEFAULT, description=f"At most {NESTED_MAX}."),
        description="The latest audit events, in the order they happened.",
    )

    def __init__(self, order, active=None):
        super().__init__()
        self.order = order
        self.active = services.active_flags(order) if active is None else active
        self.facts = facts.of(order)

    def resolve_required(self, _info):
        return bool(self.active) or self.facts.rules_pending

    def resolve_rules_pending(self, _info):
        return self.facts.rules_pending

    @with_database
    def resolve_flags(self, _info, status=None, first=NESTED_DEFAULT):
        flags = Flag.objects.affecting(self.order.pk, self.facts.subscription)
        flags = flags.filter(status=status) if status else flags
        return list(flags[: _bounded(_info, "first", first)])

    def resolve_blocked_actions(self, _info):
        return guards.blocked_actions(self.active, shipped=shop.is_shipped(self.order))

    @with_database
    def resolve_events(self, _info, last=NESTED_DEFAULT):
        latest = self.order.attention_events.order_by("-date", "-pk")
        return list(reversed(latest.select_related("flag")[: _bounded(_info, "last", last)]))


def _bounded(info, argument: str, value: int) -> int:
    """The rows one nested list may fetch, charged to the request's budget before any
    query runs, so an oversized request stops cheaply."""
    if not 1 <= value <= NESTED_MAX:
        raise GraphQLError(f"Pass `{argument}` between 1 and {NESTED_MAX}.")
    spent = getattr(info.context, "attention_nested_rows", 0) + value
    if spent > NESTED_BUDGET:
        raise GraphQLError(
            f"This request asks for more than {NESTED_BUDGET} flags and events inside "
            "orders; ask for fewer, or page with attentionFlags(filter: {order})."
        )
    info.context.attention_nested_rows = spent
    return value


class ActiveFlagsOfPage:
    """The active flags of every order on one page of attentionFlags, read in one
    query when the first order's `attention` asks for them (not one per order).

    Each order gets what services.active_flags gives it: its own ORDER flags and its
    subscription's, in the same order. The page's orders come with their OrderFacts.
    """

    def __init__(self, orders):
        self.orders = {order.pk: order for order in orders}
        self._active = None

    @classmethod
    def register(cls, info, orders) -> None:
        """Offer the page's orders to the `attention` fields resolved below it."""
        page = cls([order for order in orders if order is not None])
        pages = getattr(info.context, "attention_active_pages", {})
        pages.update(dict.fromkeys(page.orders, page))
        info.context.attention_active_pages = pages

    @staticmethod
    def lookup(info, order):
        """The order's active flags if a page read them (or can), else None."""
        page = getattr(info.context, "attention_active_pages", {}).get(order.pk)
        return None if page is None else page.active_of(order.pk)

    def active_of(self, order_pk):
        if self._active is None:
            with shop.database_access():
                self._active = self._read()
        return self._active[order_pk]

    def _read(self):
        return Flag.objects.active().affecting_each(
            {pk: facts.subscription_of(order) for pk, order in self.orders.items()}
        )


class AttentionFlagConnection(CountedConnection):
    class Meta:
        node = AttentionFlag


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
