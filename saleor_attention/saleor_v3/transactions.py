"""Automatic charges through Saleor 3's Transaction API: the plugin asks the payment app
for a charge of the order as transactionInitialize does it for the app
(handle_transaction_initialize_session: Saleor's TransactionItem and events, its
TRANSACTION_INITIALIZE_SESSION webhook, its handling of the app's answer), with the
contract's stored token in the request's data: {"token": "<token>"}.

The app answers at once (CHARGE_SUCCESS, CHARGE_FAILURE) or later (CHARGE_REQUEST,
then a CHARGE_SUCCESS or CHARGE_FAILURE it reports with transactionEventReport, which
receivers.py hands on)."""
from __future__ import annotations

import uuid
from typing import Optional

from saleor.app.models import App
from saleor.channel import TransactionFlowStrategy
from saleor.graphql.payment.mutations.base import TransactionSessionBase
from saleor.payment import TransactionEventType
from saleor.payment.interface import PaymentGatewayData
from saleor.payment.utils import handle_transaction_initialize_session
from saleor.plugins.manager import get_plugins_manager
from saleor.webhook.event_types import WebhookEventSyncType
from saleor.webhook.utils import get_webhooks_for_event

from ..contracts.terms import ChargeResult, PaymentMethod


# How the transactions the plugin asks for begin their idempotency key (Saleor keeps it
# on the TransactionItem): their failures are the automatic charge's declines.
CHARGE_KEY_PREFIX = "saleor-attention-charge:"


def asked_for_a_charge(item) -> bool:
    """Whether a TransactionItem is one the plugin asked a payment app for, to charge
    a renewal order (charge)."""
    return (item.idempotency_key or "").startswith(CHARGE_KEY_PREFIX)


def app_problem(identifier: str) -> Optional[str]:
    if _payment_app(identifier) is None:
        return (f"{identifier!r} is not an active payment app (HANDLE_PAYMENTS, a "
                "TRANSACTION_INITIALIZE_SESSION webhook).")
    return None


def _payment_app(identifier: str) -> Optional[App]:
    """The app as Saleor's webhook plugin finds the one to send the request to: active,
    not removed, HANDLE_PAYMENTS, an active TRANSACTION_INITIALIZE_SESSION webhook."""
    webhook = get_webhooks_for_event(
        WebhookEventSyncType.TRANSACTION_INITIALIZE_SESSION, apps_identifier=[identifier]
    ).first()
    return webhook.app if webhook else None


def charge(order, method: PaymentMethod) -> ChargeResult:
    app = _payment_app(method.gateway)
    if app is None:
        return ChargeResult(False, gateway=method.gateway, message=app_problem(method.gateway))
    _item, event, _data = handle_transaction_initialize_session(
        source_object=order,
        payment_gateway_data=PaymentGatewayData(
            app_identifier=method.gateway, data={"token": method.token}
        ),
        # What transactionInitialize asks when no amount is given: what is left.
        amount=TransactionSessionBase.get_amount(order, None),
        action=TransactionFlowStrategy.CHARGE, customer_ip_address=None, app=app,
        manager=get_plugins_manager(allow_replica=False),
        idempotency_key=f"{CHARGE_KEY_PREFIX}{uuid.uuid4()}",
    )
    if event.type == TransactionEventType.CHARGE_REQUEST:
        return ChargeResult(False, requested=True, gateway=method.gateway,
                            reference=event.psp_reference or "")
    return result_of(event, method.gateway)


def result_of(event, gateway: str) -> ChargeResult:
    """A charge's result as the app's transaction event says it: anything but a
    CHARGE_SUCCESS (a failure, an action the customer should take) charged nothing."""
    if event.type == TransactionEventType.CHARGE_SUCCESS:
        return ChargeResult(True, gateway=gateway, reference=event.psp_reference or "")
    message = event.message or f"The payment app answered {event.type.upper()}."
    return ChargeResult(False, gateway=gateway, message=message, reference=event.psp_reference or "")
