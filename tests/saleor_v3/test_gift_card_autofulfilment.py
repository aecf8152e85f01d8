"""Saleor 3 only: the automatic fulfilment of non-shippable gift cards, which Saleor
runs inside checkout completion, is never vetoed: nothing ships, and a veto there
would fail the customer's checkout."""
from saleor.giftcard.utils import fulfill_non_shippable_gift_cards
from saleor.plugins.manager import get_plugins_manager
from saleor.site.models import SiteSettings

from saleor_attention import services
from saleor_attention.actors import RULES


def gift_card_order(shop):
    order = shop.order()
    order.lines.update(is_gift_card=True, is_shipping_required=False)
    return order


def test_gift_cards_are_fulfilled_even_while_flagged(shop):
    order = gift_card_order(shop)
    services.set_flag(order, "BLACKLIST_CANDIDATE", handle="b", actor=RULES)

    fulfill_non_shippable_gift_cards(
        order, list(order.lines.all()), SiteSettings.objects.get(), None, None,
        get_plugins_manager(allow_replica=False),
    )

    assert shop.fulfillment_count(order) == 1
    assert services.needs_attention(order)


def test_the_same_order_cannot_be_shipped_by_staff(gql, shop, manager):
    order = gift_card_order(shop)
    services.set_flag(order, "BLACKLIST_CANDIDATE", handle="b", actor=RULES)

    refused = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)

    assert refused["data"]["orderFulfill"]["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(order) == 0
