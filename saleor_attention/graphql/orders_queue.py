"""attentionOrders: the staff's work list, one row per order that needs attention;
attentionReasonCounts: the badge. The rows come from queue.py; this module only
reads the page's orders and flags (one query each) and shapes them."""
import datetime

import graphene
from graphql import GraphQLError

from .. import facts, inputs, prepared, queue
from ..adapter import shop
from ..errors import AttentionError
from ..composed import ComposedRead
from ..models import active_affecting_each
from ..reasons import CATALOGUE
from .enums import (
    AttentionOrderSortField,
    AttentionReason,
    AttentionScope,
    AttentionSortDirection,
    AttentionSource,
)
from .pagination import (
    CountedConnection, check_forward, decode_position, encode_position, page_info,
)
from .permissions import staff_only
from .queries import query_error
from .scalars import Date, DateTime
from .selected import fields_under
from .types import ActiveFlagsOfPage, AttentionFlag

MAX_SEARCH_LENGTH = 255


class AttentionOrderFilterInput(graphene.InputObjectType):
    search = graphene.String(
        description="An order number, or the customer's email (a whole address, or "
        "part of one with its @), name or phone (typed any way: full or half width, "
        "kana, hyphens), as the blacklist matches them."
    )
    reasons = graphene.List(
        graphene.NonNull(AttentionReason), description="Orders with an active flag of one of these."
    )
    scope = AttentionScope(description="Orders with an active flag of this scope.")
    source = AttentionSource(description="Orders with an active flag set by this source.")
    overdue = graphene.Boolean(
        description="Orders whose oldest active flag is older than the overdue_after_days "
        "setting or whose dueOn has passed (true), or neither (false)."
    )


class AttentionOrderSortingInput(graphene.InputObjectType):
    field = AttentionOrderSortField(required=True)
    direction = AttentionSortDirection(required=True)


class AttentionOrderCustomer(graphene.ObjectType):
    """Who placed the order, as Saleor's Order type shows staff (userEmail, the
    addresses): never Saleor's User object."""

    email = graphene.String(required=True, description="The order's customer email.")
    name = graphene.String(
        required=True,
        description="The billing (else shipping) address's name; family name first in Japan.",
    )
    phone = graphene.String(required=True, description="The billing (else shipping) address's phone.")


class AttentionOrder(graphene.ObjectType):
    order = graphene.Field(lambda: shop.types.Order, required=True)
    order_number = graphene.String(required=True)
    flags = graphene.List(
        graphene.NonNull(AttentionFlag),
        required=True,
        description="Its active flags, its own and its subscription's, newest first.",
    )
    attention_since = DateTime(
        required=True, description="When its oldest active flag (own or subscription's) was set."
    )
    age = graphene.Int(required=True, description="Whole days since attentionSince.")
    overdue = graphene.Boolean(
        required=True,
        description="Whether age passed the overdue_after_days setting, or dueOn is "
        "before today (the shop's calendar).",
    )
    due_on = Date(
        description="Handle by: the earliest due date of its active flags (own or "
        "subscription's); null if none has one."
    )
    planned_shipping_date = Date()
    customer = graphene.Field(AttentionOrderCustomer, required=True)

    def __init__(self, row, order, flags, overdue):
        # Each field's value is worked out here (none costs a query): fields read as
        # attributes, which Saleor's tracing middleware leaves out (a span each else).
        super().__init__(
            order=shop.graphql_order(order),
            order_number=shop.order_number(order),
            flags=flags,
            attention_since=row.since,
            age=queue.age_in_days(row.since),
            overdue=overdue.of(row.since, row.due_on),
            due_on=row.due_on,
            planned_shipping_date=facts.of(order).planned_shipping_date,
            customer=_customer(order),
        )


def _customer(order) -> AttentionOrderCustomer:
    address = order.billing_address or order.shipping_address
    email = order.user_email or (order.user.email if order.user else "")
    if address is None:
        return AttentionOrderCustomer(email=email, name="", phone="")
    first, last = address.first_name, address.last_name
    name = f"{last} {first}" if str(address.country) == "JP" else f"{first} {last}"
    return AttentionOrderCustomer(email=email, name=name.strip(), phone=str(address.phone or ""))


class AttentionOrderConnection(CountedConnection):
    class Meta:
        node = AttentionOrder


class _Counted:
    """What CountedConnection counts for totalCount, only when asked for."""

    def __init__(self, plan: queue.Plan):
        self.plan = plan

    def count(self) -> int:
        return queue.count(self.plan)


class AttentionReasonCount(graphene.ObjectType):
    reason = AttentionReason(required=True)
    flags = graphene.Int(required=True, description="Active flags of this reason.")


class AttentionOrderQueries(graphene.ObjectType):
    attention_orders = graphene.relay.ConnectionField(
        AttentionOrderConnection,
        filter=AttentionOrderFilterInput(),
        sort_by=AttentionOrderSortingInput(),
        description="Orders that need attention, one row each (oldest first by default). "
        "Requires MANAGE_ORDERS.",
    )
    attention_reason_counts = graphene.List(
        graphene.NonNull(AttentionReasonCount),
        required=True,
        description="Active flags per reason, every reason listed. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    @staff_only
    def resolve_attention_orders(_root, info, **kwargs):
        return resolve_attention_orders(info, **kwargs)

    @staticmethod
    @staff_only
    def resolve_attention_reason_counts(_root, _info):
        counts = queue.reason_counts()
        return [AttentionReasonCount(code, counts.get(code, 0)) for code in CATALOGUE]


def resolve_attention_orders(info, filter=None, first=None, after=None, sort_by=None, **backwards):
    check_forward(first, **backwards)
    wanted = _filter(filter or {})
    sort = sort_by.field if sort_by else queue.AGE
    direction = sort_by.direction if sort_by else "DESC"
    # AGE counts days back from now: descending age is ascending time.
    descending = (direction == "DESC") != (sort == queue.AGE)
    position = _position(sort, after) if after else None
    overdue = queue.Overdue.now()
    # Worked out once for the page and its totalCount.
    plan = queue.Plan.of(wanted, overdue)
    rows, more = queue.page(plan, sort, descending, first, position)
    with prepared.statements():
        read = _PAGE_ORDERS
        if fields_under(info, "edges", "node", "order") <= shop.ORDER_FIELDS_WITHOUT_WEIGHT:
            read = _PAGE_ORDERS_WITHOUT_WEIGHT
        ids = [row.order_id for row in rows]
        orders = {order.pk: order for order in read(ids)} if ids else {}
        active = active_affecting_each({row.order_id: row.subscription for row in rows})
    ActiveFlagsOfPage.register(info, orders.values(), active)
    edges = [
        AttentionOrderConnection.Edge(
            node=AttentionOrder(row, orders[row.order_id], active[row.order_id], overdue),
            cursor=encode_position(_key_text(row.key), str(row.order_id)),
        )
        for row in rows
        if row.order_id in orders  # not deleted since the page was read
    ]
    connection = AttentionOrderConnection(edges=edges, page_info=page_info(edges, more, after))
    connection.queryset = _Counted(plan)
    return connection


def _page_orders(*deferred: str) -> ComposedRead:
    """The page's orders with what its rows show of them, in no order (the rows are)."""
    return ComposedRead(
        lambda ids: shop.Order.objects.select_related(
            "attention_facts", "billing_address", "shipping_address", "user"
        ).filter(
            prepared.any_of(shop.Order, shop.Order._meta.pk.name, ids)
        ).defer(*deferred).order_by()
    )


_PAGE_ORDERS = _page_orders()
# Turning each order's weight into a Weight object took a third of building them:
# a page that shows nothing needing it reads the orders without it.
_PAGE_ORDERS_WITHOUT_WEIGHT = _page_orders("weight")


def _filter(values) -> queue.QueueFilter:
    search = values.get("search") or ""
    problems = inputs.text_problems("search", search, MAX_SEARCH_LENGTH)
    if problems:
        raise query_error(AttentionError.of(problems))
    return queue.QueueFilter(
        search=search,
        reasons=tuple(values.get("reasons") or ()),
        scope=values.get("scope"),
        source=values.get("source"),
        overdue=values.get("overdue"),
    )


def _key_text(value) -> str:
    return "infinity" if value is None else value.isoformat()  # None: an undated order


def _position(sort: str, cursor: str):
    """The (sort value, order id) a cursor names, parsed: a cursor of another sort,
    or made up, is refused before it reaches the database."""
    value, order_id = decode_position(cursor)
    try:
        if sort in queue.DATE_SORTS:
            key = value if value == "infinity" else datetime.date.fromisoformat(value)
        else:
            key = datetime.datetime.fromisoformat(value)
            if key.tzinfo is None:
                raise ValueError(value)
        return key, shop.ORDER_PK(order_id)
    except (ValueError, TypeError):
        raise GraphQLError("Invalid cursor.") from None
