"""Automatic charges on Saleor 3 (port: payment_method_problem, charge, is_paid).

"gateway" methods go through Saleor's legacy payment gateway plugins, as checkout
completion charges a card and staff's orderCapture records it: a Payment of the order
in its channel, processed with the stored token (captured too when the gateway only
authorized), then Saleor's order_charged (its payment-captured event, the order's
charge status, its paid / fully-paid handling and order-updated hooks). "transaction"
methods ask a payment app through the Transaction API (transactions.py)."""
from __future__ import annotations

from typing import Optional

from django.db import transaction
from saleor.order import OrderChargeStatus
from saleor.order.actions import order_charged
from saleor.order.fetch import fetch_order_info
from saleor.payment import PaymentError, TransactionKind, gateway
from saleor.payment.utils import create_payment
from saleor.plugins.manager import get_plugins_manager

from ..contracts.terms import TRANSACTION, ChargeResult, PaymentMethod
from . import transactions

_PAID = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
# The order's charge columns Saleor recomputes on its own copy of the order.
_CHARGE_FIELDS = ["charge_status", "total_charged_amount", "authorize_status", "total_authorized_amount"]


def payment_method_problem(method: PaymentMethod) -> Optional[str]:
    """A gateway counts when it is active in any channel: a contract's renewals may be
    placed in another channel than the one of the order it started from. A charge in a
    channel where it is not active is declined (charge)."""
    if method.path == TRANSACTION:
        return transactions.app_problem(method.gateway)
    if method.gateway not in _active_gateways(get_plugins_manager(allow_replica=False)):
        return f"{method.gateway!r} is not one of the shop's active payment gateways."
    return None


def _active_gateways(manager, channel_slug: Optional[str] = None):
    """The active gateways of a channel (None: of every channel)."""
    return {found.id for found in manager.list_payment_gateways(channel_slug=channel_slug)}


def is_paid(order) -> bool:
    return order.charge_status in _PAID


def charge(order, method: PaymentMethod) -> ChargeResult:
    if method.path == TRANSACTION:
        return transactions.charge(order, method)
    manager = get_plugins_manager(allow_replica=False)
    channel = order.channel.slug
    # Asked of the manager that charges: Saleor raises a bare Exception, not a decline,
    # for a gateway the channel lacks.
    if method.gateway not in _active_gateways(manager, channel):
        return ChargeResult(False, gateway=method.gateway,
                            message=f"{method.gateway!r} is not active in the channel {channel!r}.")
    amount = order.total_gross_amount - order.total_charged_amount
    try:
        # Its own savepoint: a refused payment (no billing address) writes nothing.
        with transaction.atomic():
            payment = create_payment(
                gateway=method.gateway, total=amount, currency=order.currency,
                email=order.user_email, payment_token=method.token, order=order,
            )
    except PaymentError as error:
        return ChargeResult(False, gateway=method.gateway, message=str(error))
    try:
        done = gateway.process_payment(payment, method.token, manager, channel_slug=channel)
        if done.kind == TransactionKind.AUTH and not done.action_required:
            # The gateway authorizes only (no automatic capture): capture, as staff would.
            done = gateway.capture(payment, manager, channel_slug=channel)
        if done.kind != TransactionKind.CAPTURE or done.action_required:
            raise PaymentError("The gateway asked for the customer's action; nothing was captured.")
    except PaymentError as error:
        # The declined transaction stays in Saleor's payment, as orderCapture's does; a
        # retry creates a new payment.
        payment.is_active = False
        payment.save(update_fields=["is_active"])
        return ChargeResult(False, gateway=method.gateway, message=str(error),
                            reference=str(payment.pk))
    # Saleor updated the charge status on its own copy of the order.
    order.refresh_from_db(fields=_CHARGE_FIELDS)
    order_charged(fetch_order_info(order), None, None, amount, payment, manager,
                  gateway=method.gateway)
    return ChargeResult(True, gateway=method.gateway, reference=str(payment.pk))
