"""Signal receivers that put the guards, and the payment-failure rule, in front of
Saleor 3's models."""
import inspect
import sys

from django.db.models.signals import post_save, pre_delete, pre_save
from saleor.giftcard import utils as giftcard_utils
from saleor.order import FulfillmentStatus
from saleor.account.models import User
from saleor.order.models import Fulfillment, Order, OrderEvent

from .. import guards, hooks

# Statuses that mean "goods leave the warehouse". Refunds, returns, replacements and
# cancellations also create or change fulfillments; they are never blocked.
SHIPPING = (FulfillmentStatus.FULFILLED, FulfillmentStatus.WAITING_FOR_APPROVAL)

# Saleor fulfils non-shippable gift cards by itself when an order is paid, inside
# checkout completion; nothing is shipped, and a veto there would fail the checkout.
_GIFT_CARD_AUTOFULFILMENT = inspect.unwrap(giftcard_utils.fulfill_non_shippable_gift_cards).__code__


def _inside_gift_card_autofulfilment() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is _GIFT_CARD_AUTOFULFILMENT:
            return True
        frame = frame.f_back
    return False


def _is_approval(fulfillment: Fulfillment) -> bool:
    """orderFulfillmentApprove turns a waiting fulfillment into a fulfilled one."""
    return (
        fulfillment.status == FulfillmentStatus.FULFILLED
        and Fulfillment.objects.filter(
            pk=fulfillment.pk, status=FulfillmentStatus.WAITING_FOR_APPROVAL
        ).exists()
    )


def _veto_shipping(sender, instance: Fulfillment, **kwargs):
    if instance.status not in SHIPPING:
        return
    if instance._state.adding:
        if not _inside_gift_card_autofulfilment():
            guards.check_fulfillment(instance.order_id)
    elif _is_approval(instance):
        guards.check_fulfillment(instance.order_id)


def connect() -> None:
    pre_save.connect(
        _veto_shipping, sender=Fulfillment, dispatch_uid="saleor_attention.fulfillment"
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
