"""Work off the request: a new order's rules, once its checkout committed; periodic
(Celery beat, see schedule.py) rules for orders a lost task left waiting and the
metadata mirror that Saleor may have overwritten; and the bulk jobs staff start."""
from __future__ import annotations

import datetime

from celery import shared_task

from . import gate, hooks, mirror, services, shop_time
from .adapter import shop
from .contracts import charges, renewals
from .models import DeliveryStatus, EmailStatus
from .notifications import emails, webhooks

# An order's rules normally run within a second of its commit; older than this, the
# task that should have run them is gone.
PENDING_GRACE = datetime.timedelta(minutes=1)
BATCH = 200


@shared_task(name="saleor_attention.tasks.run_order_rules")
def run_order_rules(order_id: str) -> bool:
    """The rules of an order Saleor placed (hooks.order_created queues them after its
    commit); whether they ran. Switched off, the order waits for the sweep."""
    with shop.database_access():
        if not gate.is_on():
            return False
        # Only its key: the rules' change loads the order with its lock.
        order = shop.Order.objects.only("pk").filter(pk=order_id).first()
        if order is None:
            return False  # deleted since
        hooks.run_rules(order, waiting_only=True)
        return True


@shared_task(name="saleor_attention.tasks.run_pending_rules")
def run_pending_rules(grace_seconds: float = PENDING_GRACE.total_seconds()) -> int:
    """Run the rules of orders still waiting for them; returns how many ran."""
    with shop.database_access():
        if not gate.is_on():
            return 0  # switched off: they wait, and run once it is switched on
        waiting = services.orders_awaiting_rules(
            datetime.timedelta(seconds=grace_seconds), BATCH
        )
        for order in waiting:
            hooks.run_rules(order, waiting_only=True)
        return len(waiting)


@shared_task(name="saleor_attention.tasks.repair_mirrors")
def repair_mirrors() -> int:
    """Rewrite every mirror Saleor overwrote; returns how many were rewritten."""
    with shop.database_access():
        return mirror.repair(BATCH)


@shared_task(name="saleor_attention.tasks.run_bulk_job", acks_late=True)
def run_bulk_job(job_id: int) -> int:
    """Run a background bulk set or release (services.bulk_set_flags / bulk_release_flags
    with background); a redelivered job goes on where it stopped. Returns the orders
    done. Staff started it: it runs while the plugin is switched off too, as their
    mutations do."""
    with shop.database_access():
        job = services.run_bulk_job(job_id)
        return 0 if job is None else job.done


@shared_task(name="saleor_attention.tasks.send_customer_email", bind=True,
             max_retries=emails.MAX_ATTEMPTS)
def send_customer_email(self, flag_id: int) -> str:
    """Send a flag's customer e-mail (notifications.emails), retried with backoff while
    the mail server fails; returns its status."""
    return _sent_or_retried(self, emails, flag_id)


@shared_task(name="saleor_attention.tasks.send_waiting_emails")
def send_waiting_emails() -> int:
    """Send the customer e-mails whose task was lost (a worker died, no broker at the
    commit); returns how many were sent."""
    return _sweep(emails, EmailStatus.SENT)


@shared_task(name="saleor_attention.tasks.deliver_webhook", bind=True,
             max_retries=webhooks.MAX_ATTEMPTS)
def deliver_webhook(self, delivery_id: str) -> str:
    """POST one flag webhook (notifications.webhooks), retried with backoff while the
    receiver fails; returns its status."""
    return _sent_or_retried(self, webhooks, delivery_id)


@shared_task(name="saleor_attention.tasks.deliver_waiting_webhooks")
def deliver_waiting_webhooks() -> int:
    """POST the flag webhooks whose task was lost; returns how many were delivered."""
    return _sweep(webhooks, DeliveryStatus.DELIVERED)


def _sent_or_retried(task, notifications, key) -> str:
    """Send one e-mail or webhook (`notifications`: the module that sends it); a
    failure still waiting is retried by the task after the module's backoff."""
    with shop.database_access():
        sent = notifications.deliver(key)
    if sent is None:
        return "NOTHING"
    if sent.status == "PENDING":
        raise task.retry(countdown=notifications.retry_in(sent.attempts))
    return sent.status


def _sweep(notifications, done: str) -> int:
    """Send what waits longer than its task would; how many were sent."""
    with shop.database_access():
        sent = [notifications.deliver(key) for key in notifications.waiting(BATCH)]
    return sum(item is not None and item.status == done for item in sent)


@shared_task(name="saleor_attention.tasks.run_renewals")
def run_renewals() -> int:
    """Place the renewal orders due today (the shop's calendar), a batch at a time
    until none is left; returns how many were placed. Switched off, nothing: renewals
    go on where they stopped once it is switched on."""
    return _through_all(renewals.run, "placed")


@shared_task(name="saleor_attention.tasks.run_charges")
def run_charges() -> int:
    """Charge the renewal orders whose charge date has come (the shop's calendar), a
    batch at a time until none is left; returns how many were charged. Switched off,
    nothing: charges wait."""
    return _through_all(charges.run, "charged")


def _through_all(run, counted: str) -> int:
    """Run `run` (renewals.run, charges.run) as of today batch after batch, each after
    the last one's position, until a batch finds none; how many became `counted`."""
    total = 0
    with shop.database_access():
        today = shop_time.calendar().today()
        done = run(today, BATCH)
        total += len(getattr(done, counted))
        while done.last is not None:
            done = run(today, BATCH, after=done.last)
            total += len(getattr(done, counted))
        return total
