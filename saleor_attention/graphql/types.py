from typing import Dict, List, Optional, Set

import graphene

from graphql import GraphQLError

from .. import facts, guards, services
from ..adapter import shop
from ..bulk import MAX_JOB_ERRORS
from ..errors import AttentionErrorCode as _AttentionErrorCode
from ..models import BulkJob, Flag, FlagComment, Scope, active_affecting_each
from . import ids
from .people import ActorReference, AttentionActor
from .scalars import Date, DateTime
from .database import attribute_resolver, with_database
from .pagination import CountedConnection, keyset_page
from .enums import (
    AttentionBlockedAction,
    AttentionBulkJobKind,
    AttentionBulkJobStatus,
    AttentionCustomerAction,
    AttentionErrorCode,
    AttentionEventType,
    AttentionFlagStatus,
    AttentionLanguage,
    AttentionReason,
    AttentionScope,
    AttentionSource,
    LANGUAGE_CODES,
)


# Lists inside an order are capped, so one query cannot fetch unbounded rows per order;
# and one request may hand out at most NESTED_BUDGET of their rows across all orders
# (a list of 100 orders each asking for 100 flags and 100 events took 16 s).
NESTED_DEFAULT = 20
NESTED_MAX = 100
NESTED_BUDGET = 1000


def language_argument():
    return graphene.Argument(AttentionLanguage, default_value="JA")


def _code(language: str) -> str:
    """The catalogue's language for an AttentionLanguage value."""
    return LANGUAGE_CODES[language]


class AttentionError(graphene.ObjectType):
    field = graphene.String(description="The input field at fault, or null.")
    message = graphene.String()
    code = AttentionErrorCode(required=True)


def error_entries(problems):
    """A service's problems as the typed `errors` of an answer."""
    return [
        AttentionError(field=p.field, code=p.code.value, message=p.message) for p in problems
    ]


class AttentionWarning(graphene.ObjectType):
    code = graphene.String(required=True)
    message = graphene.String(required=True)


def warning_entries(warnings):
    return [AttentionWarning(code=w.code, message=w.message) for w in warnings]


def _creator(root) -> ActorReference:
    """Who created a row that names its creator in created_by* columns."""
    return ActorReference(
        root.created_by_source, root.created_by_id, root.created_by_app_id, root.created_by_name
    )


class AttentionFlagComment(graphene.ObjectType):
    id = graphene.ID(required=True)
    comment = graphene.String(required=True)
    created_at = DateTime(required=True)
    created_by = graphene.Field(AttentionActor, required=True, description="Who wrote it.")

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root: FlagComment, _info):
        return ids.comment_id(root.pk)

    resolve_created_by = staticmethod(lambda root, _info: _creator(root))


class AttentionFlagCommentConnection(CountedConnection):
    class Meta:
        node = AttentionFlagComment


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
    message = graphene.String(required=True, language=language_argument(), description="Staff-facing text.")
    guidance = graphene.String(required=True, language=language_argument(), description="What staff should do.")
    evidence = graphene.List(
        graphene.NonNull(AttentionEvidence),
        required=True,
        language=language_argument(),
        description="Why a rule raised the flag (which blacklist entry and fields "
        "matched, the provider's result code, the postal code, the gateway, the "
        "carrier's data); empty for flags set by hand. Staff-facing, like message.",
    )
    customer_message = graphene.String(
        required=True, language=language_argument(), description="What the customer may be told."
    )
    note = graphene.String(required=True)
    handle = graphene.String(required=True)
    created_at = DateTime(required=True)
    created_by = graphene.Field(AttentionActor, required=True)
    due_on = Date(description="Handle by: the day it was set to be handled by.")
    handled_on = Date(description="The day staff handled it, given when releasing it.")
    released_at = DateTime()
    released_by = graphene.Field(AttentionActor, description="Null while the flag is active.")
    release_comment = graphene.String(required=True)
    comments = graphene.relay.ConnectionField(
        AttentionFlagCommentConnection,
        description=f"Comments, oldest first: `first` 1-{NESTED_MAX} ({NESTED_DEFAULT} if "
        "not given) and `after`; they count against the request's budget of nested rows.",
    )

    # Fields without a resolver here are the flag's own columns: read as plain
    # attributes (no database), which Saleor's tracing middleware leaves out. A page
    # of the order queue shows some 250 of them.

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
    @with_database
    def resolve_comments(root: Flag, info, first=None, after=None, **backwards):
        first = _bounded(info, "first", NESTED_DEFAULT if first is None else first)
        return keyset_page(
            AttentionFlagCommentConnection, root.comments.all(), "created_at", False,
            first, after, **backwards,
        )

    @staticmethod
    def resolve_message(root: Flag, _info, language="JA"):
        return root.message(_code(language))

    @staticmethod
    def resolve_guidance(root: Flag, _info, language="JA"):
        return root.guidance(_code(language))

    @staticmethod
    def resolve_evidence(root: Flag, _info, language="JA"):
        return [
            AttentionEvidence(key=key, label=label, value=value, text=text)
            for key, label, value, text in root.evidence(_code(language))
        ]

    @staticmethod
    def resolve_customer_message(root: Flag, _info, language="JA"):
        return root.customer_message(_code(language))


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
        return ids.event_id(root.pk)

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

    def __init__(self, order, page: "Optional[ActiveFlagsOfPage]" = None):
        super().__init__()
        self.order = order
        self.facts = facts.of(order)
        self._page = page  # the page the order came with, which reads its flags
        self._active: Optional[List[Flag]] = None

    @property
    def active(self) -> List[Flag]:
        """The order's active flags, its own and its subscription's (read when asked)."""
        if self._active is None:
            if self._page is not None:
                self._active = self._page.active_of(self.order.pk)
            else:
                with shop.database_access():
                    self._active = services.active_flags(self.order)
        return self._active

    def _scopes(self) -> Set[str]:
        """The scopes of the order's active flags. Its facts count its own, and its
        page the subscription's (a trigger keeps both counts in the transaction that
        sets or releases a flag): a page reads no flag for `required` and
        `blockedActions`. Else they are read."""
        subscription_flags = 0
        if self.facts.subscription:
            counted_by_page = self._page.subscription_flags if self._page is not None else {}
            subscription_flags = counted_by_page.get(self.order.pk)
            if subscription_flags is None:
                return {flag.scope for flag in self.active}
        counted = {Scope.ORDER: self.facts.active_flags, Scope.SUBSCRIPTION: subscription_flags}
        return {scope for scope, flags in counted.items() if flags}

    def resolve_required(self, _info):
        return bool(self._scopes()) or self.facts.rules_pending

    def resolve_rules_pending(self, _info):
        return self.facts.rules_pending

    @with_database
    def resolve_flags(self, _info, status=None, first=NESTED_DEFAULT):
        flags = Flag.objects.affecting(self.order.pk, self.facts.subscription)
        flags = flags.filter(status=status) if status else flags
        return list(flags[: _bounded(_info, "first", first)])

    def resolve_blocked_actions(self, _info):
        return guards.blocked_by(self._scopes(), shipped=shop.is_shipped(self.order))

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
        self.subscription_flags: Dict[object, int] = {}

    @classmethod
    def register(cls, info, orders, active=None, subscription_flags=None) -> None:
        """Offer the page's orders to the `attention` fields resolved below it; with
        `active`, their active flags as active_affecting_each read them already; with
        `subscription_flags`, how many active flags each one's subscription has, read
        with the page."""
        page = cls([order for order in orders if order is not None])
        page._active = active
        page.subscription_flags = subscription_flags or {}
        pages = getattr(info.context, "attention_active_pages", {})
        pages.update(dict.fromkeys(page.orders, page))
        info.context.attention_active_pages = pages

    @staticmethod
    def lookup(info, order) -> "Optional[ActiveFlagsOfPage]":
        """The page the order came with, if any."""
        return getattr(info.context, "attention_active_pages", {}).get(order.pk)

    def active_of(self, order_pk):
        if self._active is None:
            with shop.database_access():
                self._active = self._read()
        return self._active[order_pk]

    def _read(self):
        return active_affecting_each(
            {pk: facts.subscription_of(order) for pk, order in self.orders.items()}
        )


class AttentionFlagConnection(CountedConnection):
    class Meta:
        node = AttentionFlag


class _BulkOrderResult(graphene.ObjectType):
    """One order of a bulk call (root: bulk.Outcome); its errors changed nothing of it."""

    order = graphene.Field(
        lambda: shop.types.Order, description="Null if Saleor deleted the order."
    )
    order_number = graphene.String(required=True)
    errors = graphene.List(graphene.NonNull(AttentionError), required=True)

    @staticmethod
    @with_database
    def resolve_order(root, _info):
        return None if root.order is None else shop.graphql_order(root.order)

    @staticmethod
    def resolve_order_number(root, _info):
        return root.order_number

    @staticmethod
    def resolve_errors(root, _info):
        return error_entries(root.problems)


class AttentionBulkSetResult(_BulkOrderResult):
    flag = graphene.Field(AttentionFlag, description="The flag set (or found active).")
    created = graphene.Boolean(description="False when an active flag with the handle existed.")

    @staticmethod
    def resolve_flag(root, _info):
        return root.result and root.result.flag

    @staticmethod
    def resolve_created(root, _info):
        return root.result and root.result.created


class AttentionBulkReleaseResult(_BulkOrderResult):
    released = graphene.List(graphene.NonNull(AttentionFlag))
    remaining = graphene.List(
        graphene.NonNull(AttentionFlag), description="Flags still active on the order."
    )
    warnings = graphene.List(graphene.NonNull(AttentionWarning))

    @staticmethod
    def resolve_released(root, _info):
        return root.result and root.result.released

    @staticmethod
    def resolve_remaining(root, _info):
        return root.result and root.result.remaining

    @staticmethod
    def resolve_warnings(root, _info):
        return root.result and warning_entries(root.result.warnings)


class AttentionBulkJobError(graphene.ObjectType):
    order = graphene.ID(description="Saleor's Order id; null if the order was deleted.")
    order_number = graphene.String(required=True)
    field = graphene.String()
    code = AttentionErrorCode(required=True)
    message = graphene.String(required=True)

    @staticmethod
    def resolve_order(root, _info):
        return None if root["order"] is None else ids.order_global_id(root["order"])

    @staticmethod
    def resolve_order_number(root, _info):
        return root["order_number"]

    @staticmethod
    def resolve_field(root, _info):
        return root["field"]

    @staticmethod
    def resolve_code(root, _info):
        return _AttentionErrorCode[root["code"]].value

    @staticmethod
    def resolve_message(root, _info):
        return root["message"]


class AttentionBulkJob(graphene.ObjectType):
    """A bulk set or release running in the background, one order at a time."""

    id = graphene.ID(required=True)
    kind = AttentionBulkJobKind(required=True)
    status = AttentionBulkJobStatus(required=True)
    total = graphene.Int(required=True, description="Orders it changes.")
    done = graphene.Int(required=True, description="Orders done so far, with or without an error.")
    failed = graphene.Int(required=True, description="Orders refused with an error.")
    errors = graphene.List(
        graphene.NonNull(AttentionBulkJobError), required=True,
        description=f"The first {MAX_JOB_ERRORS} orders' errors.",
    )
    created_at = DateTime(required=True)
    created_by = graphene.Field(AttentionActor, required=True)
    started_at = DateTime()
    finished_at = DateTime()

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root: BulkJob, _info):
        return ids.bulk_job_id(root.pk)

    resolve_created_by = staticmethod(lambda root, _info: _creator(root))


class CustomerRestrictions(graphene.ObjectType):
    restricted = graphene.Boolean(
        required=True, description="Whether storefront changes to this order are refused."
    )
    allowed_actions = graphene.List(graphene.NonNull(AttentionCustomerAction), required=True)
    message = graphene.String(
        language=language_argument(), description="Why, in words safe to show the customer."
    )

    def __init__(self, restrictions):
        super().__init__()
        self.restrictions = restrictions

    def resolve_restricted(self, _info):
        return self.restrictions.restricted

    def resolve_allowed_actions(self, _info):
        return self.restrictions.allowed_actions

    def resolve_message(self, _info, language="JA"):
        return self.restrictions.message(_code(language))
