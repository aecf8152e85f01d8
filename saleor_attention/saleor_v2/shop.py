"""Saleor 2.10 as the service layer sees it: orders, history notes, metadata,
webhooks, the plugin's stored settings and who is calling."""
from __future__ import annotations

import datetime
from typing import Optional

import graphene
from django.db import transaction
from graphql_jwt.exceptions import PermissionDenied
from saleor.core.permissions import OrderPermissions
from saleor.graphql.decorators import _permission_required
from saleor.order import OrderStatus, events as order_events
from saleor.order.models import Fulfillment, Order
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from .. import config
from ..actors import Actor
from ..errors import AttentionError, AttentionErrorCode
from . import graphql_types as types

PLUGIN_ID = "saleor_attention"

# Private-metadata keys. A subscription app stamps each order it generates with its
# subscription id and planned shipping date; we mirror our summary under SUMMARY_KEY.
SUBSCRIPTION_KEY = "saleor_attention.subscription"
PLANNED_SHIPPING_DATE_KEY = "saleor_attention.planned_shipping_date"
SUMMARY_KEY = "saleor_attention"

OrderModel = Order
FulfillmentModel = Fulfillment
SHIPPED_STATUSES = (OrderStatus.FULFILLED, OrderStatus.PARTIALLY_FULFILLED)


def lock_order(order_id) -> Order:
    """The order row, locked until the surrounding transaction ends."""
    return Order.objects.select_for_update().get(pk=order_id)


def subscription_of(order: Order) -> str:
    return str((order.private_metadata or {}).get(SUBSCRIPTION_KEY) or "")


def planned_shipping_date(order: Order) -> Optional[datetime.date]:
    raw = (order.private_metadata or {}).get(PLANNED_SHIPPING_DATE_KEY)
    try:
        return datetime.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def is_shipped(order: Order) -> bool:
    return order.status in SHIPPED_STATUSES


def write_summary(order: Order, summary: dict) -> None:
    """Mirror the summary into the (locked, freshly read) order's private metadata."""
    order.store_value_in_private_metadata({SUMMARY_KEY: summary})
    order.save(update_fields=["private_metadata"])


def add_history_note(order: Order, actor: Actor, message: str) -> None:
    order_events.order_note_added_event(order=order, user=actor.user, message=message)


def announce_order_updated(order: Order) -> None:
    """Saleor's order-updated hooks (webhooks included), once the change is committed."""
    transaction.on_commit(lambda: get_plugins_manager().order_updated(order))


def _stored_configuration() -> Optional[PluginConfiguration]:
    return PluginConfiguration.objects.filter(identifier=PLUGIN_ID).first()


def plugin_is_active() -> bool:
    from .plugin import AttentionPlugin

    stored = _stored_configuration()
    return AttentionPlugin.DEFAULT_ACTIVE if stored is None else stored.active


def load_settings() -> config.AttentionSettings:
    stored = _stored_configuration()
    if stored is None:
        return config.DEFAULTS
    values = {item["name"]: item.get("value") for item in stored.configuration or []}
    return config.parse(values)


def can_manage_orders(context) -> bool:
    return _permission_required((OrderPermissions.MANAGE_ORDERS,), context)


def actor_of(context) -> Actor:
    user = getattr(context, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return Actor(user=user, app=getattr(context, "app", None) or None)


def order_from_global_id(global_id: str, field: str) -> Order:
    try:
        type_name, pk = graphene.Node.from_global_id(global_id)
        order = Order.objects.filter(pk=int(pk)).first() if type_name == "Order" else None
    except (ValueError, TypeError, UnicodeDecodeError):
        order = None
    if order is None:
        raise AttentionError(
            field, AttentionErrorCode.NOT_FOUND, f"Couldn't resolve to an order: {global_id}"
        )
    return order


__all__ = ["PermissionDenied", "types"]
