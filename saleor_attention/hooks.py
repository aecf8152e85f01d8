"""What Saleor's plugin hooks call. A rule never breaks a customer's checkout: any
error is logged and kept in the audit trail, and the order goes on as if the plugin
had not looked at it (SPEC §5.8)."""
from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_delete

from . import after_response, blacklist, facts, gate, lifecycle, triggers
from .adapter import shop
from .contracts import actions, charges, renewals
from .models import Event, EventType

logger = logging.getLogger(__name__)


def order_created(order) -> None:
    """Saleor's order-created hook: the new order's rules run in a Celery task, queued
    once the order is committed and the request that placed it answered
    (after_response). Until they ran, the order awaits them (facts.await_rules): it
    cannot ship and is not charged."""
    if (order.private_metadata or {}).get(actions.CHECKOUT_KEY):
        # Its own savepoint: a contract that cannot start leaves the rules to run.
        _run_safely("contract_from_checkout", actions.start_from_checkout, order)
    order_id = str(order.pk)
    transaction.on_commit(lambda: after_response.call(lambda: _queue_rules(order_id)))


def _queue_rules(order_id: str) -> None:
    from . import tasks  # tasks imports this module

    try:
        tasks.run_order_rules.delay(order_id)
    except Exception:  # noqa: BLE001 - the order awaits its rules; the sweep runs them
        logger.warning(
            "saleor_attention: could not queue the rules of order %s; the periodic sweep "
            "will run them", order_id, exc_info=True,
        )


def run_rules(order, waiting_only: bool = False) -> None:
    """A placed order's rules, now (the task of its order-created hook, the sweep of
    orders a lost task left waiting). `waiting_only`: only while the order still
    awaits them, so that a task and the sweep never run them twice."""
    _run_safely(
        "order_created", lambda order: triggers.order_was_placed(order, waiting_only), order
    )


def order_updated(order) -> None:
    if getattr(order, lifecycle.ANNOUNCED, False):
        return  # the plugin's own announcement of a change it made
    if getattr(order, _PLACED_HERE, False):
        # Saleor 3 announces a new order (ORDER_UPDATED, with its payment) after the
        # checkout's commit, with the object it saved: it had no checked amount (a
        # provider's report sets one later, and that change compares it itself).
        return
    with shop.database_access():
        # One primary-key read of the plugin's own table, outside a savepoint: most
        # orders (no deferred payment) stop here, and orderFulfill pays no savepoint.
        if not facts.has_checked_amount(order):
            return
    _run_safely("order_updated", triggers.order_amount_changed, order)


def order_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """post_save receiver for Saleor's Order, inside Saleor's transaction: a new order
    awaits its rules; an external subscription link is copied into the plugin's facts."""
    if update_fields is not None and "private_metadata" not in update_fields:
        return
    links = facts.has_external_links(instance)
    if created and not links:
        # Every checkout passes here. One INSERT of the facts row of an order no other
        # transaction can see yet: no lock or key to meet, nothing that would not fail
        # Saleor's own INSERT of the order as well. A savepoint against its failure
        # would double its statements; the rules' own savepoint (order_created) stays.
        with shop.database_access():
            facts.await_rules(instance.pk)
        setattr(instance, _PLACED_HERE, True)
    elif links:
        with shop.database_access():
            watch_rules = created and gate.is_on()
        _run_safely(
            "order_saved", lambda order: facts.order_saved(order, watch_rules), instance
        )


# Set on the order object Saleor saved as a new order in this process.
_PLACED_HERE = "_attention_placed_here"


def order_cancelled(order) -> None:
    """Saleor cancelled the order (its order-cancelled hook): its own flags close."""
    _run_safely("order_cancelled", lifecycle.close_for_cancelled_order, order)


def order_metadata_updated(order) -> None:
    if facts.has_external_links(order):
        _run_safely("order_metadata_updated", lambda order: facts.order_saved(order, False), order)


def order_deleting(sender, instance, **kwargs) -> None:
    """pre_delete receiver for Saleor's Order: close its flags, keep the audit trail.
    Deleting an order must work whatever happens here."""
    try:
        with shop.database_access(), transaction.atomic():
            lifecycle.close_for_deleted_order(instance)
    except Exception:  # noqa: BLE001 - Saleor's delete goes on; the log keeps the cause
        logger.exception("saleor_attention: could not close the flags of order %s", instance.pk)


def customer_deleting(sender, instance, **kwargs) -> None:
    """pre_delete receiver for Saleor's User: blacklist entries keep what they match."""
    with shop.database_access():
        blacklist.customer_deleted(instance)


# Saleor's OrderEvents.PAYMENT_FAILED, the same on 2.10 and 3.x.
PAYMENT_FAILED_EVENT = "payment_failed"


def order_event_saved(sender, instance, created, **kwargs) -> None:
    """post_save receiver for Saleor's OrderEvent: a failed card capture or charge."""
    if created and instance.type == PAYMENT_FAILED_EVENT:
        payment_failed(instance.order, instance.pk, instance.parameters)


def payment_failed(order, event_id, parameters=None) -> None:
    """Saleor recorded a failed payment on the order (a card capture or charge), with
    the gateway's id and message and the payment's token in the event's parameters
    (the same on 2.10 and 3.x); on a renewal order of a contract (staff capturing it
    by hand, say) it is the renewal's payment that failed (SPEC §5.7). A model signal,
    not a plugin hook: Saleor does not know whether we are active."""
    said = parameters if isinstance(parameters, dict) else {}
    said = {name: str(value) for name, value in said.items() if value}
    _payment_failed(
        order, f"order-event:{event_id}", gateway=said.get("gateway", ""),
        message=said.get("message", ""), reference=said.get("payment_id", ""),
    )


def transaction_failed(order_id, event_id: str, *, gateway: str, message: str, reference: str) -> None:
    """A payment app reported a failed charge or authorization on a transaction of the
    order (a model signal of the Saleor line, inside the transaction that records it):
    the order's card payment failed, as `payment_failed`; `event_id` names the failure
    (the same failure reported again raises nothing new)."""
    _payment_failed(
        shop.Order(pk=order_id), event_id, gateway=gateway, message=message, reference=reference,
    )


def _payment_failed(order, event_id: str, **said: str) -> None:
    def flag_it(order):
        if gate.is_on():
            triggers.payment_failed(
                order, event_id, renewal=renewals.is_renewal_order(order.pk), **said
            )

    _run_safely("payment_failed", flag_it, order)


def charge_answered(order_id, request: str, result) -> None:
    """A payment app answered later a charge of the order it had been asked for under
    the `request` reference (a model signal of the Saleor line, inside the transaction
    that records the answer). Recorded whatever the switch says: the charge was asked
    for while the plugin was on."""
    _run_safely(
        "charge_answered", lambda order: charges.answered(order.pk, request, result),
        shop.Order(pk=order_id),
    )


def _run_safely(hook: str, rule, order) -> None:
    try:
        # A savepoint: a failing rule's SQL must not abort the checkout's transaction.
        with shop.database_access(), transaction.atomic():
            rule(order)
    except Exception as exc:  # noqa: BLE001 - the checkout must go on, whatever broke
        logger.exception("saleor_attention: %s rules failed for order %s", hook, order.pk)
        _record_failure(hook, order, exc)


def _record_failure(hook: str, order, exc: Exception) -> None:
    try:
        with shop.database_access(), transaction.atomic():
            Event.objects.create(
                order_id=order.pk,
                type=EventType.RULE_FAILED,
                message=f"{hook}: {type(exc).__name__}: {exc}",
                parameters={"hook": hook},
            )
    except Exception:  # noqa: BLE001 - the log line above is what is left
        logger.exception("saleor_attention: could not record the failure")


def connect() -> None:
    """Model signals whose receivers read the same on both Saleor lines."""
    post_save.connect(order_saved, sender=shop.Order, dispatch_uid="saleor_attention.order")
    pre_delete.connect(
        order_deleting, sender=shop.Order, dispatch_uid="saleor_attention.order_deleted"
    )
    pre_delete.connect(
        customer_deleting, sender=get_user_model(),
        dispatch_uid="saleor_attention.customer_deleted",
    )
    post_save.connect(
        order_event_saved, sender=shop.OrderEvent, dispatch_uid="saleor_attention.payment_failed"
    )
