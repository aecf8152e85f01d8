"""Saleor 3 as the core sees it (port.SaleorPort): orders, which fulfillments ship
(approvals, gift cards), history notes, webhooks, the plugin's stored settings and who
is calling."""
from __future__ import annotations

import inspect
import sys
import uuid
from typing import Any, List, Mapping

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.functional import LazyObject
from saleor.core.db.connection import allow_writer
from saleor.core.exceptions import PermissionDenied
from saleor.core.utils.lazyobjects import unwrap_lazy
from saleor.giftcard import utils as giftcard_utils
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.order import FulfillmentStatus, OrderEvents, OrderStatus
from saleor.order import events as order_events
from saleor.order.models import Fulfillment, Order, OrderEvent
from saleor.product.models import ProductVariant
from saleor.permission.enums import AccountPermissions, OrderPermissions
from saleor.permission.utils import has_one_of_permissions
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from .. import config
from ..actors import Actor
from ..line import ORDER_CREATED_FIELD  # noqa: F401 - a member of the port
from . import graphql_types as types
from .payments import charge, is_paid, payment_method_problem  # noqa: F401 - port members
from .renewals import order_terms, place_renewal_order, start_checkout

_SHIPPED_STATUSES = (
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_FULFILLED,
    OrderStatus.PARTIALLY_RETURNED,
    OrderStatus.RETURNED,
)
# What orders.py needs to know of this line's Order model.
ORDER_NUMBER_FIELD = "number"
# Only fields read off the order row itself: 3.x may recalculate an order's prices
# (shipping, by weight) when its totals are read.
ORDER_FIELDS_WITHOUT_WEIGHT = frozenset({
    "__typename", "id", "number", "created", "status", "userEmail", "attention",
    "customerRestrictions",
})
DRAFT_STATUS = OrderStatus.DRAFT
CANCELLED_STATUS = OrderStatus.CANCELED
ORDER_PK = uuid.UUID  # what the pk in an Order global id is


def is_shipped(order: Order) -> bool:
    return order.status in _SHIPPED_STATUSES


# Fulfillment statuses that mean "goods leave the warehouse". Refunds, returns,
# replacements and cancellations also create or change fulfillments; they never ship.
_SHIPPING = (FulfillmentStatus.FULFILLED, FulfillmentStatus.WAITING_FOR_APPROVAL)

# Saleor fulfils non-shippable gift cards by itself when an order is paid, inside
# checkout completion; nothing is shipped, and a veto there would fail the checkout.
_GIFT_CARD_AUTOFULFILMENT = inspect.unwrap(giftcard_utils.fulfill_non_shippable_gift_cards).__code__


def starts_shipping(fulfillment: Fulfillment) -> bool:
    """A new fulfillment that ships (not Saleor's gift-card autofulfilment), or
    orderFulfillmentApprove turning a waiting fulfillment into a fulfilled one."""
    if fulfillment.status not in _SHIPPING:
        return False
    if fulfillment._state.adding:
        return not _inside_gift_card_autofulfilment()
    return (
        fulfillment.status == FulfillmentStatus.FULFILLED
        and Fulfillment.objects.filter(
            pk=fulfillment.pk, status=FulfillmentStatus.WAITING_FOR_APPROVAL
        ).exists()
    )


def _inside_gift_card_autofulfilment() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _GIFT_CARD_AUTOFULFILMENT:
            return True
        frame = frame.f_back
    return False


def order_number(order: Order) -> str:
    """The number staff know the order by."""
    return str(order.number)


def order_token(order: Order) -> str:
    """The order's id, a UUID: Saleor 3 keeps no separate token, and serves the order
    by it to whoever holds it (`order(id:)`, `orderByToken`)."""
    return str(order.pk)


def latest_payment_gateway():
    """The gateway of the order's latest payment: a legacy Payment's gateway, else the
    app behind its latest transaction ("" when it has neither)."""
    legacy = _newest(Order.payments, "-pk", "gateway")
    app = _newest(Order.payment_transactions, "-created_at", "app_identifier")
    return Coalesce(NullIf(legacy, Value("")), app, Value(""))


def _newest(relation, ordering: str, column: str) -> Subquery:
    """`column` of the order's newest row through a reverse relation of Order (the
    rows `order.<relation>` reads)."""
    rows = relation.field.model.objects.filter(**{relation.field.name: OuterRef("pk")})
    return Subquery(rows.order_by(ordering).values(column)[:1])


def add_history_note(order: Order, actor: Actor, message: str) -> None:
    order_events.order_note_added_event(
        order=order, user=actor.user, app=actor.app, message=message
    )


def history_note_rows(notes: Mapping[Any, str], actor: Actor) -> List[OrderEvent]:
    """What order_note_added_event writes, for many orders (unsaved)."""
    return [
        OrderEvent(
            order_id=order_id, type=OrderEvents.NOTE_ADDED, user=actor.user, app=actor.app,
            parameters={"message": message},
        )
        for order_id, message in notes.items()
    ]


def announce_order_updated(order: Order) -> None:
    """Saleor's order-updated hooks (webhooks included), once the change is committed."""
    transaction.on_commit(
        lambda: get_plugins_manager(allow_replica=False).order_updated(order)
    )


def plugin_configurations():
    # The plugin is global (not per channel): its row has no channel.
    return PluginConfiguration.objects.filter(identifier=config.PLUGIN_ID, channel=None)


def actor_of(context) -> Actor:
    """The app or staff user behind a GraphQL request (Saleor sets both lazily)."""
    app = _unwrapped(getattr(context, "app", None))
    if app is not None:
        return Actor(app=app)
    user = _unwrapped(getattr(context, "user", None))
    return Actor(user=user if user is not None and user.is_authenticated else None)


def _unwrapped(value):
    return unwrap_lazy(value) if isinstance(value, LazyObject) else value


def ensure_plugin_configuration() -> None:
    """Store the plugin's configuration at install time, switched on: Saleor 3 would
    otherwise create it inactive (its model default) on the first settings change."""
    PluginConfiguration.objects.get_or_create(
        identifier=config.PLUGIN_ID,
        channel=None,
        defaults={
            "name": config.PLUGIN_NAME,
            "active": config.DEFAULT_ACTIVE,
            "configuration": config.DEFAULT_CONFIGURATION,
        },
    )


def can_manage_orders(context) -> bool:
    actor = actor_of(context)
    return has_one_of_permissions(actor.app or actor.user, [OrderPermissions.MANAGE_ORDERS])


def can_manage_users(context) -> bool:
    """Whether Saleor would show this caller customer accounts."""
    actor = actor_of(context)
    return has_one_of_permissions(actor.app or actor.user, [AccountPermissions.MANAGE_USERS])


def graphql_order(order: Order):
    """The object Saleor 3's Order type resolves fields on."""
    return SyncWebhookControlContext(node=order)


def order_of_graphql_root(root) -> Order:
    return root.node


def extended_schema():
    """Saleor's schema with the plugin's queries, mutations and Order fields."""
    from .schema import schema

    return schema


def database_access():
    """Explicit use of the writer database, as Saleor 3 asks of code outside its
    mutations (its tests refuse anything else)."""
    return allow_writer()


__all__ = ["PermissionDenied", "ProductVariant", "order_terms", "place_renewal_order", "start_checkout",
           "types"]
