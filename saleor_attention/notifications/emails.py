"""Attention e-mails (SPEC §8): a flag whose reason asks something of the customer
(the catalogue's `customer_action`: DEFERRED_PAYMENT_REJECTED, COD_NOT_ALLOWED) sends
them one e-mail — the reason's customer text, what they can do, and the shop's
storefront link — in the order's language, with the texts the shop set (settings
customer_email_*).

The e-mail is a row written with the flag, in the flag's transaction: a flag that rolls
back leaves none, and a flag that commits always has one. It is sent after the commit
by a Celery task through Django's mail machinery (Saleor's EMAIL_URL settings), under
the row's lock, and marked sent in the same transaction: a mail server that is down is
retried with backoff (and swept up later if a worker lost the task), the flag stays as
it is, and a recovered server never gets it twice. Sent and given-up e-mails are in
the order's audit trail and history (EMAIL_SENT, EMAIL_FAILED)."""
from __future__ import annotations

import datetime
from typing import List, Optional, Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .. import config, gate, plugin_state, rows
from ..adapter import shop
from ..models import CustomerEmail, EmailStatus, EventType, Flag
from ..reasons import EMAIL_FAILED, EMAIL_SENT, get_reason, language_of
from . import backoff

# Tries before it is given up (the first and the retries), and the retries' spacing.
MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 3600
# A waiting e-mail older than this lost its task (a worker died): the sweep sends it.
SWEEP_AFTER = datetime.timedelta(minutes=10)
MAX_ERROR_LENGTH = 1000


def written_with(order, flags: Sequence[Flag]) -> Optional[rows.Statement]:
    """The INSERT of the e-mails new flags of a change send (for the change to run with
    its other writes), their sending queued for after the commit; None if none does."""
    emailing = [flag for flag in flags if get_reason(flag.reason).emails_customer]
    if not emailing:
        return None
    flag_ids = [flag.pk for flag in emailing]
    transaction.on_commit(lambda: _queue(flag_ids))
    return rows.plain_insert(
        CustomerEmail, [CustomerEmail(flag=flag, order_id=order.pk) for flag in emailing]
    )


def _queue(flag_ids: List[int]) -> None:
    from ..tasks import send_customer_email  # the task module imports this one

    for flag_id in flag_ids:
        send_customer_email.delay(flag_id)


def retry_in(attempts: int) -> int:
    return backoff(attempts, FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS)


def deliver(flag_id) -> Optional[CustomerEmail]:
    """Send the flag's e-mail if it still waits and no one else is sending it; the
    e-mail as it is now (None: nothing to do). Switched off, e-mails wait."""
    if not gate.is_on():
        return None
    with transaction.atomic():
        email = (
            CustomerEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("flag").filter(flag_id=flag_id, status=EmailStatus.PENDING).first()
        )
        if email is None:
            return None
        order = shop.Order.objects.get(pk=email.order_id)
        email.attempts += 1
        try:
            message = compose(email.flag, order, plugin_state.settings())
            message.send()
        except Exception as error:  # noqa: BLE001 - a mail server's failure, kept and retried
            email.error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
                _record(order, email, EventType.EMAIL_FAILED, EMAIL_FAILED, error=email.error)
        else:
            email.status, email.sent_at, email.error = EmailStatus.SENT, timezone.now(), ""
            _record(order, email, EventType.EMAIL_SENT, EMAIL_SENT, to=", ".join(message.to))
        email.save()
    return email


def waiting(limit: int) -> List[int]:
    """Flags whose e-mail waits longer than a task would (the sweep's)."""
    return list(
        CustomerEmail.objects.filter(status=EmailStatus.PENDING,
                                     created_at__lt=timezone.now() - SWEEP_AFTER)
        .order_by("created_at").values_list("flag_id", flat=True)[:limit]
    )


class NoAddress(ValueError):
    """The order names no e-mail address to write to."""


def compose(flag: Flag, order, settings: config.AttentionSettings) -> EmailMessage:
    """The e-mail in the order's language: the shop's texts, filled in with the
    reason's customer-safe text and action (never staff's reason, note or evidence)."""
    address = order.get_customer_email()
    if not address:
        raise NoAddress("The order has no customer e-mail address.")
    language = language_of(order.language_code)
    reason = get_reason(flag.reason)
    number = shop.order_number(order)
    link = settings.customer_email_link.format(
        order_number=number, order_token=shop.order_token(order)
    )
    values = {
        "order_number": number, "customer_name": _customer_name(order, language),
        "message": reason.customer_message(language),
        "action": reason.customer_action_text(language), "link": link,
    }
    subject = getattr(settings, f"customer_email_subject_{language}").format(**values)
    body = getattr(settings, f"customer_email_body_{language}").format(**values)
    return EmailMessage(" ".join(subject.split()), body, to=[address])


def _customer_name(order, language: str) -> str:
    address = order.billing_address or order.shipping_address
    names = (address.last_name, address.first_name) if address else ()
    if language != "ja":
        names = tuple(reversed(names))
    return " ".join(name for name in names if name) or order.get_customer_email()


def _record(order, email: CustomerEmail, type_: str, code: str, **values) -> None:
    """The audit event and history line, as the rules' findings are written."""
    from .. import lifecycle  # which writes this module's rows with new flags

    with lifecycle.change(order) as change:
        change.note(type_, code, {
            "reason": email.flag.reason, "attempts": email.attempts, "flag_id": email.flag_id,
            **values,
        })
