"""The fulfillment guard in front of Saleor 3's Fulfillment model (which statuses
ship, approvals, gift cards); the receivers that read the same on both lines are in
hooks.connect()."""
import inspect
import sys

from django.db.models.signals import pre_save
from saleor.giftcard import utils as giftcard_utils
from saleor.order import FulfillmentStatus
from saleor.order.models import Fulfillment

from .. import guards

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
