"""Saleor 2.10 as the core sees it (port.SaleorPort): orders, which fulfillments ship,
history notes, webhooks, the plugin's stored settings and who is calling."""
from __future__ import annotations

import contextlib
from typing import Any, List, Mapping

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from graphql_jwt.exceptions import PermissionDenied
from saleor.core.permissions import AccountPermissions, OrderPermissions
from saleor.graphql.decorators import _permission_required
from saleor.order import OrderStatus, events as order_events
from saleor.order.models import Fulfillment, Order, OrderEvent
from saleor.payment.models import Payment
from saleor.product.models import ProductVariant
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from .. import config
from ..actors import Actor
from ..line import ORDER_CREATED_FIELD  # noqa: F401 - a member of the port
from . import graphql_types as types
from .payments import charge, is_paid, payment_method_problem  # noqa: F401 - port members
from .renewals import order_terms, place_renewal_order, start_checkout

_SHIPPED_STATUSES = (OrderStatus.FULFILLED, OrderStatus.PARTIALLY_FULFILLED)
# What orders.py needs to know of this line's Order model.
ORDER_NUMBER_FIELD = "id"  # 2.10 numbers orders by their id
ORDER_FIELDS_WITHOUT_WEIGHT = frozenset({
    "__typename", "id", "number", "created", "status", "statusDisplay", "userEmail", "user",
    "paymentStatus", "paymentStatusDisplay", "isPaid", "customerNote", "total", "subtotal",
    "shippingPrice", "billingAddress", "shippingAddress", "metadata", "privateMetadata",
    "attention", "customerRestrictions",
})
DRAFT_STATUS = OrderStatus.DRAFT
CANCELLED_STATUS = OrderStatus.CANCELED
ORDER_PK = int  # what the pk in an Order global id is


def is_shipped(order: Order) -> bool:
    return order.status in _SHIPPED_STATUSES


def starts_shipping(fulfillment: Fulfillment) -> bool:
    """On 2.10 every new fulfillment ships (one is only ever fulfilled, then maybe
    cancelled: no approvals, returns or refunds)."""
    return fulfillment._state.adding


def order_number(order: Order) -> str:
    """The number staff know the order by."""
    return str(order.pk)


def order_token(order: Order) -> str:
    """The order's token (orderByToken)."""
    return str(order.token)


def latest_payment_gateway():
    """The gateway of the order's latest payment ("" when it has none)."""
    latest = Payment.objects.filter(order_id=OuterRef("pk")).order_by("-pk")
    return Coalesce(Subquery(latest.values("gateway")[:1]), Value(""))


def add_history_note(order: Order, actor: Actor, message: str) -> None:
    order_events.order_note_added_event(order=order, user=actor.user, message=message)


def history_note_rows(notes: Mapping[Any, str], actor: Actor) -> List[OrderEvent]:
    """What order_note_added_event writes, for many orders (unsaved)."""
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return [
        OrderEvent(
            order_id=order_id, type=order_events.OrderEvents.NOTE_ADDED, user=user,
            parameters={"message": message},
        )
        for order_id, message in notes.items()
    ]


def announce_order_updated(order: Order) -> None:
    """Saleor's order-updated hooks (webhooks included), once the change is committed."""
    transaction.on_commit(lambda: get_plugins_manager().order_updated(order))


def plugin_configurations():
    return PluginConfiguration.objects.filter(identifier=config.PLUGIN_ID)


def ensure_plugin_configuration() -> None:
    """Store the plugin's configuration at install time, switched on."""
    PluginConfiguration.objects.get_or_create(
        identifier=config.PLUGIN_ID,
        defaults={
            "name": config.PLUGIN_NAME,
            "active": config.DEFAULT_ACTIVE,
            "configuration": config.DEFAULT_CONFIGURATION,
        },
    )


def can_manage_orders(context) -> bool:
    return _permission_required((OrderPermissions.MANAGE_ORDERS,), context)


def can_manage_users(context) -> bool:
    """Whether Saleor would show this caller customer accounts."""
    return _permission_required((AccountPermissions.MANAGE_USERS,), context)


def actor_of(context) -> Actor:
    user = getattr(context, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return Actor(user=user, app=getattr(context, "app", None) or None)


def graphql_order(order: Order):
    """The object Saleor's Order type resolves fields on."""
    return order


def order_of_graphql_root(root) -> Order:
    return root


def extended_schema():
    """Saleor's schema with the plugin's queries, mutations and Order fields."""
    from .schema import schema

    return schema


def database_access():
    """Saleor 2.10 has one database and no rules about using it."""
    return contextlib.nullcontext()


__all__ = ["PermissionDenied", "ProductVariant", "order_terms", "place_renewal_order", "start_checkout",
           "types"]
