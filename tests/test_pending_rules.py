"""An order awaits its rules from its first save until they have run: it cannot ship
in between, and a crash that lost the hook is swept up by a periodic task."""
from saleor_attention import tasks
from saleor_attention.models import BlacklistEntry, Flag, OrderFacts

from .documents import ORDER_ATTENTION


def saved_without_its_hooks(shop, **kwargs):
    """An order committed by Saleor whose order_created hooks never ran (a crash)."""
    draft = shop.order(status="draft", **kwargs)
    shop.Order.objects.filter(pk=draft.pk).update(status=shop.NOT_SHIPPED)
    return shop.reload(draft)


def test_an_order_awaiting_its_rules_cannot_ship(gql, shop, manager):
    order = saved_without_its_hooks(shop)

    refused = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"]
    assert "RULES_PENDING" in refused["orderFulfill"]["orderErrors"][0]["message"]
    assert shop.fulfillment_count(order) == 0
    attention = gql(ORDER_ATTENTION, {"id": shop.order_id(order)}, as_=manager)
    assert attention["data"]["order"]["attention"]["rulesPending"] is True
    assert attention["data"]["order"]["attention"]["required"] is True


def test_the_sweep_runs_the_rules_a_crash_left_behind(gql, shop, manager):
    customer = shop.customer()
    BlacklistEntry.objects.create(customer=customer)
    order = saved_without_its_hooks(shop, user=customer)

    assert tasks.run_pending_rules.apply(kwargs={"grace_seconds": 0}).get() == 1

    assert list(Flag.objects.filter(order=order).values_list("reason", flat=True)) == [
        "BLACKLISTED_CUSTOMER"]
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is None
    assert tasks.run_pending_rules.apply(kwargs={"grace_seconds": 0}).get() == 0


def test_the_sweep_leaves_fresh_orders_and_drafts_to_their_hooks(shop):
    shop.order(status="draft")
    saved_without_its_hooks(shop)

    assert tasks.run_pending_rules.apply().get() == 0  # within the grace period


def test_an_order_placed_through_saleor_has_no_rules_pending(gql, shop, manager):
    order = shop.place_order(gql, manager)

    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is None
    shipped = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"]
    assert shipped["orderFulfill"]["orderErrors"] == []


def test_no_rules_are_awaited_while_the_plugin_is_off(shop, configure):
    configure(active=False)
    order = saved_without_its_hooks(shop)

    assert not OrderFacts.objects.filter(order_id=order.pk).exists()
