"""Model signals only Saleor 3 sends: a payment app's later answer to an automatic
charge (transactions.py), a transaction event of the order's transaction."""
from __future__ import annotations

from django.db.models.signals import post_save
from saleor.payment import TransactionEventType
from saleor.payment.models import TransactionEvent

from .. import hooks
from .transactions import result_of

_ANSWERS = (TransactionEventType.CHARGE_SUCCESS, TransactionEventType.CHARGE_FAILURE)


def connect() -> None:
    post_save.connect(
        transaction_event_saved, sender=TransactionEvent,
        dispatch_uid="saleor_attention.charge_answered",
    )


def transaction_event_saved(sender, instance, created, **kwargs) -> None:
    """A charge's success or failure on a transaction of an order (most often a
    checkout's payment, or the app's answer at once, which no charge waits for)."""
    if not created or instance.type not in _ANSWERS:
        return
    item = instance.transaction
    if item.order_id is not None and item.psp_reference:
        # The charge waits under the reference of the app's CHARGE_REQUEST, which the
        # transaction keeps.
        hooks.charge_answered(item.order_id, item.psp_reference,
                              result_of(instance, item.app_identifier or ""))
