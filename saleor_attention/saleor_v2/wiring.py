"""Signal receivers that put the guards, and the payment-failure rule, in front of
Saleor 2.10's models."""
from django.db.models.signals import post_save, pre_save
from saleor.order import OrderEvents
from saleor.order.models import Fulfillment, OrderEvent

from .. import guards, hooks


def _veto_new_fulfillment(sender, instance: Fulfillment, **kwargs):
    if instance._state.adding:
        guards.check_fulfillment(instance.order_id)


def _flag_failed_payment(sender, instance: OrderEvent, created, **kwargs):
    # Saleor writes this event when a card capture or charge of the order fails.
    if created and instance.type == OrderEvents.PAYMENT_FAILED:
        hooks.payment_failed(instance.order, instance.pk)


def connect() -> None:
    pre_save.connect(
        _veto_new_fulfillment, sender=Fulfillment, dispatch_uid="saleor_attention.fulfillment"
    )
    post_save.connect(
        _flag_failed_payment, sender=OrderEvent, dispatch_uid="saleor_attention.payment_failed"
    )
