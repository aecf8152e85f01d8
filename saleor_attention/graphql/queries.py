"""attentionFlags: the staff work queue, keyset-paginated so deep pages stay fast."""
import datetime

import graphene
from django.db.models import Q
from django.utils import timezone
from graphql import GraphQLError

from .. import facts, gate, guards, plugin_state, services
from ..adapter import shop
from ..errors import AttentionError
from ..models import Flag
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
        description="Active flags older than the overdue_after_days setting."
    )


class AttentionFlagSortingInput(graphene.InputObjectType):
    field = AttentionFlagSortField(required=True)
    direction = AttentionSortDirection(required=True)


def resolve_attention_flags(info, filter=None, first=None, after=None, sort_by=None, **backwards):
    field = sort_by.field if sort_by else AttentionFlagSortField.CREATED_AT.value
    descending = (sort_by.direction if sort_by else "DESC") == "DESC"
    # The order and its facts come with each flag: an order's `attention` then reads
    # no row of its own, and the page's active flags are one query (ActiveFlagsOfPage).
    queryset = _filtered(
        Flag.objects.select_related("order", "order__attention_facts"), filter or {}
    )
    connection = keyset_page(
        AttentionFlagConnection, queryset, field, descending, first, after, **backwards
    )
    ActiveFlagsOfPage.register(info, [edge.node.order for edge in connection.edges])
    return connection


def _filtered(queryset, filter):
    if filter.get("status"):
        queryset = queryset.filter(status=filter["status"])
    if filter.get("reasons"):
        queryset = queryset.filter(reason__in=filter["reasons"])
    if filter.get("scope"):
        queryset = queryset.filter(scope=filter["scope"])
    if filter.get("source"):
        queryset = queryset.filter(source=filter["source"])
    if filter.get("order"):
        try:
            order = ids.order_or_number(filter["order"], "order")
        except AttentionError as exc:
            raise query_error(exc) from None
        queryset = queryset.affecting(order.pk, facts.subscription_of(order))
    if filter.get("subscription"):
        queryset = queryset.filter(subscription=filter["subscription"])
    created = filter.get("created") or {}
    if created.get("gte"):
        queryset = queryset.filter(created_at__gte=created["gte"])
    if created.get("lte"):
        queryset = queryset.filter(created_at__lte=created["lte"])
    if filter.get("overdue") is not None:
        days = plugin_state.settings().overdue_after_days
        cutoff = timezone.now() - datetime.timedelta(days=days)
        overdue = Q(status="ACTIVE", created_at__lt=cutoff)
        queryset = queryset.filter(overdue if filter["overdue"] else ~overdue)
    return queryset


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

    @staticmethod
    @staff_only
    def resolve_attention_flags(_root, info, **kwargs):
        return resolve_attention_flags(info, **kwargs)


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
