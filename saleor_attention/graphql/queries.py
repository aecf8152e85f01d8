"""attentionFlags: the staff work queue, keyset-paginated so deep pages stay fast."""
import contextlib

import graphene
from django.db.models import OuterRef, Subquery
from graphql import GraphQLError

from .. import gate, guards, selection, services
from ..adapter import shop
from ..errors import AttentionError
from ..models import Flag, SubscriptionFacts
from .scalars import DateTime
from .enums import (
    AttentionFlagSortField,
    AttentionFlagStatus,
    AttentionReason,
    AttentionScope,
    AttentionSortDirection,
    AttentionSource,
)
from .database import with_database
from . import ids
from .pagination import keyset_page
from .permissions import staff_only
from .types import (
    ActiveFlagsOfPage,
    AttentionBulkJob,
    AttentionFlagConnection,
    CustomerRestrictions,
    OrderAttention,
)


class AttentionDateTimeRange(graphene.InputObjectType):
    gte = DateTime()
    lte = DateTime()


class AttentionFlagFilterInput(graphene.InputObjectType):
    status = AttentionFlagStatus()
    reasons = graphene.List(graphene.NonNull(AttentionReason))
    scope = AttentionScope()
    source = AttentionSource()
    order = graphene.ID(description="Saleor's Order id, or the order's number.")
    subscription = graphene.String()
    created = AttentionDateTimeRange()
    overdue = graphene.Boolean(
        description="Active flags older than the overdue_after_days setting, or whose "
        "dueOn has passed (the shop's calendar)."
    )


class AttentionFlagSortingInput(graphene.InputObjectType):
    field = AttentionFlagSortField(required=True)
    direction = AttentionSortDirection(required=True)


def resolve_attention_flags(info, filter=None, first=None, after=None, sort_by=None, **backwards):
    field = sort_by.field if sort_by else AttentionFlagSortField.CREATED_AT.value
    descending = (sort_by.direction if sort_by else "DESC") == "DESC"
    # The order and its facts come with each flag, and the count of its subscription's
    # active flags: an order's `attention` then reads no row of its own, and its
    # `flags` read the page's active flags in one query (ActiveFlagsOfPage).
    queryset = _filtered(
        Flag.objects.select_related("order", "order__attention_facts"), filter or {}
    )
    connection = keyset_page(
        AttentionFlagConnection, queryset, field, descending, first, after,
        columns={"subscription_flags": _SUBSCRIPTION_FLAGS}, **backwards
    )
    ActiveFlagsOfPage.register(
        info,
        [edge.node.order for edge in connection.edges],
        subscription_flags={
            edge.node.order_id: edge.node.subscription_flags or 0 for edge in connection.edges
        },
    )
    return connection


# The active flags of a flag's order's subscription, as the flag trigger counts them
# (read only for an order in one): one indexed probe per row of the page.
_SUBSCRIPTION_FLAGS = Subquery(
    SubscriptionFacts.objects.filter(
        subscription=OuterRef("order__attention_facts__subscription")
    ).values("active_flags")[:1]
)


def _filtered(queryset, filter):
    with _query_errors():
        flag_filter = flag_filter_of(filter, "order")
    return selection.flags_matching(flag_filter, queryset)


@contextlib.contextmanager
def _query_errors():
    """A query has no typed errors list: a bad id's code and field go with the error."""
    try:
        yield
    except AttentionError as exc:
        raise query_error(exc) from None


def flag_filter_of(filter, order_field: str) -> selection.FlagFilter:
    """An AttentionFlagFilterInput as the core reads it (the order id decoded, a bad
    one an AttentionError naming `order_field`)."""
    created = filter.get("created") or {}
    return selection.FlagFilter(
        status=filter.get("status"),
        reasons=tuple(filter.get("reasons") or ()),
        scope=filter.get("scope"),
        source=filter.get("source"),
        order=ids.order_or_number(filter["order"], order_field) if filter.get("order") else None,
        subscription=filter.get("subscription") or "",
        created_gte=created.get("gte"),
        created_lte=created.get("lte"),
        overdue=filter.get("overdue"),
    )


def query_error(exc: AttentionError) -> GraphQLError:
    """A query has no typed errors list: the code and field go with the error."""
    problem = exc.problems[0]
    return GraphQLError(
        problem.message, extensions={"code": problem.code.name, "field": problem.field}
    )


class AttentionQueries(graphene.ObjectType):
    attention_flags = graphene.relay.ConnectionField(
        AttentionFlagConnection,
        filter=AttentionFlagFilterInput(),
        sort_by=AttentionFlagSortingInput(),
        description="Attention flags across the shop. Requires MANAGE_ORDERS.",
    )

    attention_bulk_job = graphene.Field(
        AttentionBulkJob,
        id=graphene.ID(required=True),
        description="A background bulk set or release and its progress; null if there "
        "is no such job. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    @staff_only
    def resolve_attention_flags(_root, info, **kwargs):
        return resolve_attention_flags(info, **kwargs)

    @staticmethod
    @staff_only
    def resolve_attention_bulk_job(_root, _info, id):
        with _query_errors():
            return services.bulk_job(ids.bulk_job_pk(id, "id"))


@staff_only
def resolve_order_attention(root, info):
    order = shop.order_of_graphql_root(root)
    return OrderAttention(order, ActiveFlagsOfPage.lookup(info, order))


def order_attention_field():
    """The `attention` field the adapter adds to Saleor's Order type."""
    return graphene.Field(
        OrderAttention,
        resolver=resolve_order_attention,
        description="Whether the order needs attention (要対応) and why. Requires MANAGE_ORDERS.",
    )


@with_database
def resolve_customer_restrictions(root, _info):
    order = shop.order_of_graphql_root(root)
    # Whoever Saleor lets see the order (its customer, the holder of its token,
    # staff) may see what the storefront allows; the texts are customer-safe.
    active = services.active_flags(order) if gate.is_on() else []
    return CustomerRestrictions(guards.customer_restrictions(active))


def customer_restrictions_field():
    """The `customerRestrictions` field the adapter adds to Saleor's Order type."""
    return graphene.Field(
        CustomerRestrictions,
        required=True,
        resolver=resolve_customer_restrictions,
        description="Which storefront actions the customer may take on this order.",
    )
