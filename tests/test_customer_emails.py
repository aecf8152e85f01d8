"""Attention e-mails (SPEC §8): exactly the reasons that ask something of the customer
(DEFERRED_PAYMENT_REJECTED, COD_NOT_ALLOWED) send one, in the order's language, after
the commit and never for a flag that rolled back; a failing mail server is retried and
never undoes the flag, and a recovered one never gets the e-mail twice; nothing of
staff's (reason, note, evidence) reaches the customer."""
import socket

import pytest
from django.core import mail
from django.db import transaction

from saleor_attention import services, tasks
from saleor_attention.models import CustomerEmail, EmailStatus, Event, EventType, Flag
from saleor_attention.notifications import emails
from saleor_attention.reasons import get_reason

from .smtp_server import smtp_server

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://shop.example.com/orders/{order_token}/payment"


def ordered(shop, language="ja"):
    order = shop.order(user=shop.customer())
    type(order).objects.filter(pk=order.pk).update(language_code=language)
    return shop.reload(order)


def reject_credit(order):
    services.report_credit_check(order, "20", f"credit-{order.pk}")


def test_a_rejected_credit_check_emails_the_customer_once_in_japanese(shop, configure):
    configure(customer_email_link=LINK)
    order = ordered(shop, "ja")
    reject_credit(order)
    reject_credit(order)  # the same flag again: no second e-mail

    [sent] = mail.outbox
    reason = get_reason("DEFERRED_PAYMENT_REJECTED")
    assert sent.to == [order.user_email]
    assert sent.subject == f"ご注文 #{shop.order_number(order)} についてのお願い"
    assert reason.customer_message("ja") in sent.body
    assert reason.customer_action_text("ja") in sent.body
    token = shop.guest_order_variables(order)["token"]  # what Saleor serves a guest by
    link = f"https://shop.example.com/orders/{token}/payment"
    assert link in sent.body
    flag = Flag.objects.get(order_id=order.pk)
    # The token's and the order number's digits may hold "20".
    said = (sent.body + sent.subject).replace(link, "").replace(str(shop.order_number(order)), "")
    for staff_text in (flag.message("ja"), flag.message("en"), "DEFERRED_PAYMENT_REJECTED", "20"):
        assert staff_text not in said
    email = CustomerEmail.objects.get(flag=flag)
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    [event] = Event.objects.filter(order_id=order.pk, type=EventType.EMAIL_SENT)
    assert order.user_email in event.message


def test_cash_on_delivery_not_allowed_emails_in_english_for_an_english_order(shop, configure, gql):
    configure(cod_payment_gateways="mirumee.payments.dummy", cod_allowed_regular_orders="false")
    customer = shop.customer()
    order = shop.place_order(gql, shop.superuser(), payment_gateway="mirumee.payments.dummy",
                             user=customer)
    assert Flag.objects.active().get(order_id=order.pk).reason == "COD_NOT_ALLOWED"

    [sent] = mail.outbox
    assert sent.subject == f"About your order #{shop.order_number(order)}"
    assert get_reason("COD_NOT_ALLOWED").customer_message("en") in sent.body


def test_the_shop_edits_the_texts(shop, configure):
    configure(customer_email_subject_ja="【お茶の店】{order_number} のお支払い",
              customer_email_body_ja="{customer_name} 様 {action} {link}",
              customer_email_link="https://shop.example.com/o/{order_number}")
    order = ordered(shop, "ja")
    reject_credit(order)
    [sent] = mail.outbox
    assert sent.subject == f"【お茶の店】{shop.order_number(order)} のお支払い"
    assert sent.body.startswith("山田 太郎 様 ")
    assert sent.body.endswith(f"https://shop.example.com/o/{shop.order_number(order)}")


@pytest.mark.parametrize("name, value", [
    ("customer_email_subject_ja", "{order_total}"),
    ("customer_email_body_en", "{"),
    ("customer_email_link", "javascript:alert(1)"),
    ("customer_email_link", "https://shop.example.com/{customer_email}"),
])
def test_bad_texts_are_refused_with_a_field_error(configure, name, value):
    answer = configure(**{name: value})
    assert [error["field"] for error in answer["errors"]] == [
        "".join(part.title() if i else part for i, part in enumerate(name.split("_")))]


@pytest.mark.parametrize("reason", ["MANUAL", "REMOTE_ISLAND", "PAYMENT_FAILED", "BLACKLISTED_CUSTOMER"])
def test_other_reasons_email_no_one(shop, reason):
    services.set_flag(ordered(shop), reason, note="確認中")
    assert mail.outbox == [] and not CustomerEmail.objects.exists()


def test_a_flag_that_rolls_back_sends_nothing(shop):
    order = ordered(shop)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            reject_credit(order)
            raise RuntimeError("the caller's transaction fails after the flag")
    assert mail.outbox == [] and not CustomerEmail.objects.exists() and not Flag.objects.exists()


def test_a_failing_mail_server_is_retried_then_given_up_and_the_flag_stays(shop, settings):
    smtp_to(settings, "127.0.0.1", _closed_port())
    order = ordered(shop)
    reject_credit(order)  # the task runs eagerly here: its retries follow at once

    email = CustomerEmail.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, emails.MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in email.error
    assert Flag.objects.active().get(order_id=order.pk).reason == "DEFERRED_PAYMENT_REJECTED"
    [failed] = Event.objects.filter(order_id=order.pk, type=EventType.EMAIL_FAILED)
    assert f"{emails.MAX_ATTEMPTS}" in failed.message


def test_a_real_smtp_server_receives_it_once_after_it_recovers(shop, settings):
    """Down at the flag's commit: the e-mail waits; the server back, the next try sends
    it, and no later try (task or sweep) sends it again."""
    smtp_to(settings, "127.0.0.1", _closed_port())
    settings.CELERY_TASK_ALWAYS_EAGER = False  # no worker: the e-mail waits in its row
    order = ordered(shop)
    with _no_queue():
        reject_credit(order)
    flag = Flag.objects.get(order_id=order.pk)
    assert emails.deliver(flag.pk).status == EmailStatus.PENDING

    with smtp_server() as (host, port, received):
        smtp_to(settings, host, port)
        delivered = emails.deliver(flag.pk)
        assert delivered.status == EmailStatus.SENT, delivered.error
        assert emails.deliver(flag.pk) is None
        CustomerEmail.objects.update(created_at=CustomerEmail.objects.get().created_at
                                     - emails.SWEEP_AFTER * 2)
        assert tasks.send_waiting_emails() == 0
    [(recipients, message)] = received
    assert recipients == [order.user_email]
    assert message["Subject"] == f"ご注文 #{shop.order_number(order)} についてのお願い"
    assert get_reason("DEFERRED_PAYMENT_REJECTED").customer_message("ja") in message.get_content()


def test_a_lost_task_is_swept_up(shop):
    order = ordered(shop)
    with _no_queue():
        reject_credit(order)
    assert mail.outbox == []
    assert tasks.send_waiting_emails() == 0  # not yet: its task may still be on its way
    CustomerEmail.objects.update(created_at=CustomerEmail.objects.get().created_at
                                 - emails.SWEEP_AFTER * 2)
    assert tasks.send_waiting_emails() == 1 and len(mail.outbox) == 1


def smtp_to(settings, host, port):
    """Django's SMTP backend, as Saleor's EMAIL_URL=smtp://host:port sets it up."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = host, port, 2
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _no_queue:
    """The commit's queueing lost (a broker that was down): the row waits."""

    def __enter__(self):
        self.queue = emails._queue
        emails._queue = lambda flag_ids: None

    def __exit__(self, *exc):
        emails._queue = self.queue
