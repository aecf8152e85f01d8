"""Model signals only Saleor 3 sends: a transaction event of an order's transaction —
a payment app's later answer to an automatic charge (transactions.py), or a failed
charge or authorization of the order's payment (SPEC §5.7)."""
from __future__ import annotations

from django.db.models.signals import post_save
from saleor.payment import TransactionEventType
from saleor.payment.models import TransactionEvent

from .. import hooks
from .transactions import asked_for_a_charge, result_of

_ANSWERS = (TransactionEventType.CHARGE_SUCCESS, TransactionEventType.CHARGE_FAILURE)
_FAILURES = (TransactionEventType.CHARGE_FAILURE, TransactionEventType.AUTHORIZATION_FAILURE)


def connect() -> None:
    post_save.connect(
        transaction_event_saved, sender=TransactionEvent,
        dispatch_uid="saleor_attention.charge_answered",
    )


def transaction_event_saved(sender, instance, created, **kwargs) -> None:
    """A charge's success or failure, or an authorization's failure, on a transaction
    of an order (most often a checkout's payment, or the app's answer at once, which
    no charge waits for)."""
    if not created or instance.type not in _ANSWERS + _FAILURES:
        return
    item = instance.transaction
    if item.order_id is None:
        return  # a checkout's: the order placed from it has its own transactions
    if asked_for_a_charge(item):
        # The plugin's own charge: the app's answer completes it (a decline is retried,
        # then RENEWAL_PAYMENT_FAILED), never a card failure of its own. The charge
        # waits under the reference of the app's CHARGE_REQUEST, which the transaction
        # keeps.
        if instance.type in _ANSWERS and item.psp_reference:
            hooks.charge_answered(
                item.order_id, item.psp_reference, result_of(instance, item.app_identifier or "")
            )
        return
    if instance.type in _FAILURES:
        hooks.transaction_failed(
            item.order_id, f"transaction-event:{_first_failure(instance)}",
            gateway=item.app_identifier or instance.app_identifier or item.name or "",
            message=instance.message or "",
            reference=instance.psp_reference or item.psp_reference or "",
        )


def _first_failure(event) -> int:
    """The failure an event reports: the first failure of its transaction under its
    PSP reference (a payment app reporting the same failure again, or Saleor writing
    down a report it refused, is that failure once more)."""
    if not event.psp_reference:
        return event.pk
    return (
        TransactionEvent.objects.filter(
            transaction_id=event.transaction_id, psp_reference=event.psp_reference,
            type__in=_FAILURES,
        )
        .order_by("pk").values_list("pk", flat=True).first()
    ) or event.pk
