"""The vetoes: what may not happen to an order while it needs attention (SPEC §6).

Guards run inside the caller's transaction (a model-level `pre_save`), so whatever path
creates a fulfillment — GraphQL, dashboard, Python, admin — meets the same check and the
caller's transaction rolls back.
"""
from __future__ import annotations

from typing import Iterable, List

from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .adapter import shop
from .models import Flag, Scope

FULFILL = "FULFILL"
AUTOMATIC_CHARGE = "AUTOMATIC_CHARGE"
SUBSCRIPTION_RENEWAL = "SUBSCRIPTION_RENEWAL"
CUSTOMER_CHANGES = "CUSTOMER_CHANGES"
BLOCKABLE_ACTIONS = (FULFILL, AUTOMATIC_CHARGE, SUBSCRIPTION_RENEWAL, CUSTOMER_CHANGES)


class OrderNeedsAttention(ValidationError):
    """Raised when a fulfillment is attempted on an order with active flags.

    Shaped as Saleor's mutations expect ({"order": ...} with code "invalid"), so
    `orderFulfill` answers with a typed error naming the flags.
    """

    def __init__(self, flags: List[Flag]):
        self.flags = flags
        names = "; ".join(f"{flag.reason} ({flag.scope}): {flag.message()}" for flag in flags)
        message = f"The order needs attention (要対応) and cannot be shipped: {names}"
        super().__init__({"order": ValidationError(message, code="invalid")})


def check_fulfillment(order_id) -> None:
    """Veto a new fulfillment of an order that needs attention.

    Locks the order row first, so a flag being set or released on the same order
    either committed before this check or waits until the fulfillment has committed.
    """
    # No savepoint: a veto rolls back the caller's whole fulfillment anyway.
    with transaction.atomic(savepoint=False):
        order = shop.lock_order(order_id)
        flags = services.active_flags(order)
        if flags and shop.plugin_is_active():
            raise OrderNeedsAttention(flags)


def blocked_actions(active: Iterable[Flag], shipped: bool) -> List[str]:
    """What the active flags stop, in the order staff read them."""
    scopes = {flag.scope for flag in active}
    if not scopes:
        return []
    blocked = [FULFILL]
    if not shipped:
        blocked.append(AUTOMATIC_CHARGE)
    if Scope.SUBSCRIPTION in scopes:
        blocked.append(SUBSCRIPTION_RENEWAL)
    if Scope.ORDER in scopes:
        blocked.append(CUSTOMER_CHANGES)
    return blocked
