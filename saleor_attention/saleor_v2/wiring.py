"""The fulfillment guard in front of Saleor 2.10's Fulfillment model; the receivers
that read the same on both lines are in hooks.connect()."""
from django.db.models.signals import pre_save
from saleor.order.models import Fulfillment

from .. import guards


def _veto_new_fulfillment(sender, instance: Fulfillment, **kwargs):
    if instance._state.adding:
        guards.check_fulfillment(instance.order_id)


def connect() -> None:
    pre_save.connect(
        _veto_new_fulfillment, sender=Fulfillment, dispatch_uid="saleor_attention.fulfillment"
    )
