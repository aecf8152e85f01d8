"""Signal receivers that put the guards, and the payment-failure rule, in front of
Saleor 2.10's models."""
from django.db.models.signals import post_save, pre_delete, pre_save
from saleor.account.models import User
from saleor.order.models import Fulfillment, Order, OrderEvent

from .. import guards, hooks


def _veto_new_fulfillment(sender, instance: Fulfillment, **kwargs):
    if instance._state.adding:
        guards.check_fulfillment(instance.order_id)


def connect() -> None:
    pre_save.connect(
        _veto_new_fulfillment, sender=Fulfillment, dispatch_uid="saleor_attention.fulfillment"
    )
    post_save.connect(hooks.order_saved, sender=Order, dispatch_uid="saleor_attention.order")
    pre_delete.connect(
        hooks.customer_deleting, sender=User, dispatch_uid="saleor_attention.customer_deleted"
    )
    pre_delete.connect(
        hooks.order_deleting, sender=Order, dispatch_uid="saleor_attention.order_deleted"
    )
    post_save.connect(
        hooks.order_event_saved, sender=OrderEvent, dispatch_uid="saleor_attention.payment_failed"
    )
