"""Renewals: a contract's next order placed through Saleor's own draft-order mutations
when it is due, held (once) while its subscription needs attention, placed after the
release, never twice for one cycle."""
import calendar
import datetime
import json

import pytest

from saleor_attention import services, tasks
from saleor_attention.contracts import actions, renewals
from saleor_attention.contracts.models import CycleStatus, RenewalCycle, SubscriptionContract
from saleor_attention.models import Event, Flag, OrderFacts

from .documents import shop_date
from .celery_worker import eventually, worker
from .saleor_common import ensure_site
from .test_race import run_together

NEXT = 10  # days from today to the contract's next shipping date
LEAD = 3  # the renewal_lead_days default


@pytest.fixture(autouse=True)
def site(db):
    """Saleor's draftOrderComplete reads the site's settings."""
    ensure_site()


@pytest.fixture
def started(shop):
    """An order of a customer, and the monthly contract started from it."""
    order = shop.order(user=shop.customer())
    contract = actions.create_from_order(
        order, interval_count=1, interval_unit="MONTH", next_shipping_date=shop_date(NEXT),
    )
    return order, contract


def test_a_contract_is_due_its_lead_time_before_shipping(started):
    assert renewals.run(shop_date(NEXT - LEAD - 1)).placed == []
    done = renewals.run(shop_date(NEXT - LEAD))
    assert len(done.placed) == 1, [cycle.detail for cycle in done.failed]


def test_the_renewal_is_a_saleor_order_of_the_contract(shop, started):
    order, contract = started
    [cycle] = renewals.run(shop_date(NEXT)).placed
    renewal = cycle.order
    assert renewal.pk != order.pk and renewal.status == shop.NOT_SHIPPED
    assert renewal.user == order.user and renewal.total == order.total
    assert [(line.variant_id, line.quantity) for line in renewal.lines.all()] == [
        (line.variant_id, line.quantity) for line in order.lines.all()]
    assert renewal.shipping_address.postal_code == order.shipping_address.postal_code
    facts = OrderFacts.objects.get(order=renewal)
    assert (facts.subscription, facts.planned_shipping_date) == (contract.subscription, shop_date(NEXT))
    assert cycle.number == 2 and cycle.planned_shipping_date == shop_date(NEXT)
    contract.refresh_from_db()
    assert contract.next_shipping_date == _month_after(shop_date(NEXT))


def test_a_run_places_each_cycle_once(started):
    assert len(renewals.run(shop_date(NEXT)).placed) == 1
    assert renewals.run(shop_date(NEXT)).placed == []
    assert RenewalCycle.objects.filter(status=CycleStatus.PLACED).count() == 2  # 1st and 2nd


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_place_one_order_per_cycle(shop):
    contracts = [
        actions.create_from_order(shop.order(user=shop.customer()), interval_count=2,
                                  interval_unit="WEEK", next_shipping_date=shop_date(NEXT))
        for _ in range(4)
    ]
    runs = []
    run_together(*[lambda: runs.append(renewals.run(shop_date(NEXT)))] * 2)
    assert sum(len(run.placed) for run in runs) == 4
    for contract in contracts:
        assert contract.cycles.filter(number=2, status=CycleStatus.PLACED).count() == 1


def test_a_subscription_needing_attention_is_held_once_and_placed_after_release(shop, started):
    order, contract = started
    flag = services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION").flag
    [held] = renewals.run(shop_date(NEXT)).held
    assert held.order is None and held.number == 2
    again = renewals.run(shop_date(NEXT))
    assert again.held[0].updated_at == held.updated_at  # recorded once
    assert RenewalCycle.objects.filter(contract=contract).count() == 2

    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date())
    [placed] = renewals.run(shop_date(NEXT)).placed
    assert placed.pk == held.pk and placed.order is not None


def test_an_order_flag_alone_does_not_stop_the_renewal(shop, started):
    order, _contract = started
    services.set_flag(order, note="check the address")
    assert len(renewals.run(shop_date(NEXT)).placed) == 1


def test_paused_contracts_and_a_switched_off_plugin_place_nothing(configure, started):
    _order, contract = started
    actions.pause(contract.pk)
    assert renewals.run(shop_date(NEXT)).placed == []
    actions.resume(contract.pk)
    assert configure(active=False)["errors"] == []
    assert renewals.run(shop_date(NEXT)).paused
    assert configure(active=True)["errors"] == []
    assert len(renewals.run(shop_date(NEXT)).placed) == 1


def test_a_renewal_saleor_refuses_is_recorded_and_tried_again(shop, started):
    order, contract = started
    line = contract.lines.get()
    shop.Stock.objects.filter(product_variant_id=line.variant_id).update(quantity=0)
    [failed] = renewals.run(shop_date(NEXT)).failed
    assert failed.order is None and "stock" in failed.detail.lower()
    shop.Stock.objects.filter(product_variant_id=line.variant_id).update(quantity=100)
    [placed] = renewals.run(shop_date(NEXT)).placed
    assert placed.pk == failed.pk


def _month_after(date):
    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_places_due_renewals_and_holds_flagged_ones(shop):
    """The scheduled task on a Celery worker process: the due contract's next order
    placed once for two runs at once; a flagged subscription's held until released."""
    due = actions.create_from_order(shop.order(user=shop.customer()), interval_count=1,
                                    interval_unit="MONTH", next_shipping_date=shop_date(1))
    flagged_order = shop.order(user=shop.customer())
    flagged = actions.create_from_order(flagged_order, interval_count=1, interval_unit="MONTH",
                                        next_shipping_date=shop_date(2))
    flag = services.set_flag(flagged_order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION").flag

    with worker() as celery:
        for _ in range(2):
            celery.send(tasks.run_renewals)
        eventually(lambda: due.cycles.filter(number=2, status=CycleStatus.PLACED).exists()
                   and flagged.cycles.filter(number=2, status=CycleStatus.HELD).exists())
        eventually(lambda: celery.succeeded(tasks.run_renewals) == 2)
        assert due.cycles.count() == 2 and flagged.cycles.count() == 2
        assert not flagged.cycles.filter(status=CycleStatus.PLACED, number=2).exists()

        services.release_flags(flagged_order, flag_ids=[flag.pk], handled_on=shop_date())
        celery.send(tasks.run_renewals)
        eventually(lambda: celery.succeeded(tasks.run_renewals) == 3)
    assert flagged.cycles.get(number=2).status == CycleStatus.PLACED
    assert OrderFacts.objects.filter(subscription=flagged.subscription).count() == 2


CHECKOUT_KEY = "saleor_attention.contract"


def test_a_storefronts_app_starts_a_contract_with_the_order_it_places(gql, shop, manager, configure):
    """The checkout's private metadata (Saleor copies it into the order it places;
    here a draft completed by staff, the same order-created hook) asks for a contract:
    the order is its first cycle, and the order's rules see a subscription's first
    order (COD refused for first subscription orders)."""
    configure(cod_payment_gateways="cash-on-delivery", cod_allowed_first_subscription_orders="false",
              active=True)
    terms = json.dumps({"intervalCount": 2, "intervalUnit": "week",
                        "nextShippingDate": shop_date(14).isoformat()})
    order = shop.place_order(gql, manager, user=shop.customer(), payment_gateway="cash-on-delivery",
                             metadata={CHECKOUT_KEY: terms})
    contract = SubscriptionContract.objects.get(source_order_id=order.pk)
    assert (contract.interval_count, contract.interval_unit, contract.next_shipping_date) == (
        2, "WEEK", shop_date(14))
    assert OrderFacts.objects.get(order_id=order.pk).subscription == contract.subscription
    assert list(Flag.objects.filter(order_id=order.pk).values_list("reason", flat=True)) == [
        "COD_NOT_ALLOWED"]


def test_a_contract_that_cannot_start_never_stops_the_order(gql, shop, manager):
    order = shop.place_order(gql, manager, metadata={CHECKOUT_KEY: '{"intervalCount": 0}'})
    assert shop.status_of(order) == shop.NOT_SHIPPED
    assert not SubscriptionContract.objects.exists()
    assert Event.objects.get(order_id=order.pk, type="RULE_FAILED").parameters == {
        "hook": "contract_from_checkout"}
