"""Automatic charges on Saleor 2.10: a payment of the order through one of Saleor's
payment gateway plugins, authorized and captured with the contract's stored token, as
staff's orderCapture does it (Saleor's payment and transaction rows, its
payment-captured event, its fully-paid handling and order-updated hooks)."""
from __future__ import annotations

from typing import Optional

from django.db import transaction
from saleor.order.actions import order_captured
from saleor.payment import PaymentError, gateway
from saleor.payment.utils import create_payment

from ..contracts.terms import GATEWAY, ChargeResult, PaymentMethod


def payment_method_problem(method: PaymentMethod) -> Optional[str]:
    """Saleor 2.10 charges through its active payment gateway plugins only."""
    if method.path != GATEWAY:
        return f"Saleor 2.10 has no {method.path} payments: use a gateway:… payment method."
    if method.gateway not in _active_gateways():
        return f"{method.gateway!r} is not one of the shop's active payment gateways."
    return None


def _active_gateways():
    return {found["id"] for found in gateway.list_gateways()}


def is_paid(order) -> bool:
    return order.is_fully_paid()


def charge(order, method: PaymentMethod) -> ChargeResult:
    problem = payment_method_problem(method)
    if problem:
        return ChargeResult(False, gateway=method.gateway, message=problem)
    total = order.total.gross
    try:
        # Its own savepoint: a refused payment (no billing address) writes nothing.
        with transaction.atomic():
            payment = create_payment(
                gateway=method.gateway, total=total.amount, currency=total.currency,
                email=order.user_email, payment_token=method.token, order=order,
            )
    except PaymentError as error:
        return ChargeResult(False, gateway=method.gateway, message=str(error))
    try:
        gateway.authorize(payment, method.token)
        gateway.capture(payment)
    except PaymentError as error:
        # The declined transaction stays in Saleor's payment, as orderCapture's does.
        payment.is_active = False
        payment.save(update_fields=["is_active"])
        return ChargeResult(False, gateway=method.gateway, message=str(error),
                            reference=str(payment.pk))
    order_captured(order, None, total.amount, payment)
    return ChargeResult(True, gateway=method.gateway, reference=str(payment.pk))

