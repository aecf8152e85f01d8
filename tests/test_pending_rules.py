"""An order awaits its rules from its first save until they have run: Saleor's
order-created hook queues them for a Celery task after the order's commit (off the
customer's checkout); the order cannot ship in between, and orders a lost task left
waiting are swept up by a periodic task."""
import pytest

from saleor_attention import after_response, tasks
from saleor_attention.models import BlacklistEntry, Flag, OrderFacts

from .celery_worker import eventually, worker
from .documents import ORDER_ATTENTION

HACHIJO = "100-1401"  # 八丈島八丈町


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
    # The mark is cleared in the flags' statement, and the flags' trigger still counts
    # the flag, its kinds and the order's search keys in the same row.
    facts = OrderFacts.objects.get(order_id=order.pk)
    assert facts.rules_pending_since is None
    assert facts.active_flags == 1
    assert "BLACKLISTED_CUSTOMER *" in facts.flag_kinds
    assert customer.email in facts.search_keys
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


def test_a_new_orders_rules_run_after_its_commit_not_in_its_transaction(
    gql, shop, manager, configure
):
    configure(remote_island_check="true")
    draft = shop.order(status="draft", postal_code=HACHIJO)

    with shop.hooks_run_after_commit():
        order = shop.complete_draft(gql, manager, draft)
        # Saleor's transaction: the order awaits its rules, and cannot ship yet.
        assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is not None
        assert not Flag.objects.filter(order_id=order.pk).exists()
        refused = gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"]
        assert "RULES_PENDING" in refused["orderFulfill"]["orderErrors"][0]["message"]

    assert list(Flag.objects.filter(order_id=order.pk).values_list("reason", flat=True)) == [
        "REMOTE_ISLAND"]
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is None


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_new_orders_rules_once(shop, configure):
    """The task on a Celery worker process, sent twice (a redelivery, the sweep at the
    same moment): the rules run once, on the committed order."""
    configure(remote_island_check="true")
    order = saved_without_its_hooks(shop, postal_code=HACHIJO)

    with worker() as celery:
        for _ in range(2):
            celery.send(tasks.run_order_rules, str(order.pk))
        eventually(lambda: celery.succeeded(tasks.run_order_rules) == 2)

    assert list(Flag.objects.filter(order_id=order.pk).values_list("reason", flat=True)) == [
        "REMOTE_ISLAND"]
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is None
    assert tasks.run_pending_rules.apply(kwargs={"grace_seconds": 0}).get() == 0


def test_the_task_runs_nothing_while_the_plugin_is_off(shop, configure):
    order = saved_without_its_hooks(shop, postal_code=HACHIJO)
    configure(active=False, remote_island_check="true")

    assert tasks.run_order_rules.apply(args=[str(order.pk)]).get() is False
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is not None


@pytest.mark.django_db(transaction=True)
def test_a_new_orders_rules_are_queued_once_its_answer_is_sent(gql, shop, configure):
    """A server sends the answer, then closes the response: the rules' task is queued
    at the close, so the placing request does not wait for the broker. (Celery runs
    eagerly in the tests: queueing the task runs the rules.)"""
    configure(remote_island_check="true")
    staff = shop.staff(with_permission=True)
    draft = shop.order(status="draft", postal_code=HACHIJO)
    responses = []

    def served(query, variables, as_):
        answer, response = gql.served(query, variables, as_)
        responses.append(response)
        return answer

    order = shop.complete_draft(served, staff, draft)
    # Answered and committed: the order awaits its rules, which nobody queued yet.
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is not None
    assert not Flag.objects.filter(order_id=order.pk).exists()

    responses[0].close()

    assert list(Flag.objects.filter(order_id=order.pk).values_list("reason", flat=True)) == [
        "REMOTE_ISLAND"]
    assert OrderFacts.objects.get(order_id=order.pk).rules_pending_since is None


def test_work_left_for_after_the_response_all_runs_whatever_one_piece_does(caplog):
    """As Django's handler sends a request's start and end: the work waits for the
    end, a piece that fails is logged and the rest still runs; outside a request,
    work runs at once."""
    ran = []

    def broken():
        raise RuntimeError("the broker is down")

    after_response.request_began()
    after_response.call(broken)
    after_response.call(lambda: ran.append("queued"))
    assert ran == []
    after_response.request_ended()

    assert ran == ["queued"]
    assert "work after the response failed" in caplog.text
    after_response.call(lambda: ran.append("at once"))
    assert ran == ["queued", "at once"]
