"""Automatic charges (SPEC §6 ③): a renewal order is charged through Saleor's payment
pipeline on its charge date; it waits (recorded once) while it needs attention and is
not shipped, and is charged after the release; a shipped order is charged whatever is
flagged; declines are retried as configured, then flag RENEWAL_PAYMENT_FAILED on the
renewal order; an order is never charged twice."""
import pytest

from saleor_attention import services, tasks
from saleor_attention.contracts import actions, charges, renewals
from saleor_attention.contracts.models import (
    AttemptOutcome, AutomaticCharge, ChargeStatus, SubscriptionContract,
)
from saleor_attention.graphql import ids
from saleor_attention.models import Event, EventType, Flag

from .celery_worker import eventually, worker
from .documents import shop_date
from .saleor_common import ensure_site
from .test_permissions import ALLOWED, CALLERS, caller, is_permission_error

SHIPPING = 10  # days from today to the renewal's planned shipping date
CHARGE_DAY = SHIPPING - 2  # the charge_lead_days default

RUN = """
mutation Run($date: Date) {
  subscriptionChargesRun(date: $date) {
    charged { status order { id } } held { status } declined { status declines chargeOn }
    closed { status } paused
    errors { field code message }
  }
}
"""


@pytest.fixture(autouse=True)
def site(db):
    """Saleor's draftOrderComplete reads the site's settings."""
    ensure_site()


def renewal_order(shop, payment_method, shipping=SHIPPING):
    """A contract charged with `payment_method`, and its renewal order, just placed."""
    contract = actions.create_from_order(
        shop.order(user=shop.customer()), interval_count=1, interval_unit="MONTH",
        next_shipping_date=shop_date(shipping), payment_method=payment_method,
    )
    with shop.hooks_run_after_commit():  # the new order's rules (Saleor 3: on commit)
        [cycle] = renewals.run(shop_date(shipping)).placed
    return contract, cycle.order


def charge_of(order) -> AutomaticCharge:
    return AutomaticCharge.objects.get(order_id=order.pk)


def outcomes(order):
    return list(charge_of(order).attempts.order_by("pk").values_list("outcome", flat=True))


def test_a_renewal_is_charged_through_saleors_gateway_on_its_charge_date(shop, gql, manager):
    _contract, order = renewal_order(shop, shop.CARD)
    assert charge_of(order).charge_on == shop_date(CHARGE_DAY)
    assert charges.run(shop_date(CHARGE_DAY - 1)).charged == []

    answer = gql(RUN, {"date": shop_date(CHARGE_DAY).isoformat()}, as_=manager)
    done = answer["data"]["subscriptionChargesRun"]
    assert done["errors"] == [] and done["charged"] == [
        {"status": "CHARGED", "order": {"id": shop.order_id(order)}}]
    assert shop.captured(order) == order.total.gross.amount
    assert shop.payment_events(order) == ["payment_captured"]
    assert outcomes(order) == [AttemptOutcome.CHARGED]
    # Charged once: a later run finds nothing to do.
    assert charges.run(shop_date(SHIPPING)).charged == []
    assert shop.captured(order) == order.total.gross.amount


def test_a_contract_without_a_payment_method_places_renewals_that_are_not_charged(shop):
    _contract, order = renewal_order(shop, "")
    assert not AutomaticCharge.objects.filter(order_id=order.pk).exists()


@pytest.mark.parametrize("scope", ["ORDER", "SUBSCRIPTION"])
def test_a_flagged_unshipped_renewal_waits_recorded_once_and_is_charged_after_release(
        shop, configure, scope):
    configure(history_language="ja")
    _contract, order = renewal_order(shop, shop.CARD)
    flag = services.set_flag(order, "MANUAL", scope=scope, note="電話確認中").flag

    for day in (CHARGE_DAY, CHARGE_DAY + 1):
        done = charges.run(shop_date(day))
        assert [charge.order_id for charge in done.held] == [order.pk] and done.charged == []
    assert shop.captured(order) == 0 and shop.payment_events(order) == []
    assert outcomes(order) == [AttemptOutcome.HELD]
    held = Event.objects.get(order_id=order.pk, type=EventType.ACTION_BLOCKED)
    assert "MANUAL" in held.message and "自動決済を保留" in held.message
    assert sum("自動決済を保留" in note for note in shop.history_notes(order)) == 1

    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date())
    assert [charge.order_id for charge in charges.run(shop_date(CHARGE_DAY + 1)).charged] == [order.pk]
    assert shop.captured(order) == order.total.gross.amount
    assert outcomes(order) == [AttemptOutcome.HELD, AttemptOutcome.CHARGED]


def test_a_shipped_renewal_is_charged_although_it_is_flagged(shop):
    _contract, order = renewal_order(shop, shop.CARD)
    shop.fulfill_in_python(order, shop.staff())
    services.set_flag(order, "MANUAL", note="住所確認中")

    assert [charge.order_id for charge in charges.run(shop_date(CHARGE_DAY)).charged] == [order.pk]
    assert shop.captured(order) == order.total.gross.amount


@pytest.mark.parametrize("card", ["DECLINED_CARD", "CAPTURE_FAILS_CARD"])
def test_a_decline_with_no_retries_flags_the_renewal_order(shop, configure, card):
    configure(charge_retries="0")
    contract, order = renewal_order(shop, getattr(shop, card))

    [declined] = charges.run(shop_date(CHARGE_DAY)).declined
    assert declined.status == ChargeStatus.DUE and shop.captured(order) == 0
    [flag] = Flag.objects.active().filter(order_id=order.pk)
    assert (flag.reason, flag.scope) == ("RENEWAL_PAYMENT_FAILED", "ORDER")
    assert flag.params["gateway"] == shop.CARD_GATEWAY
    assert flag.params["message"] == shop.DECLINED_MESSAGE
    assert flag.params["reference"] == declined.attempts.get().reference != ""
    assert not Flag.objects.filter(order_id=contract.source_order_id).exists()
    decline = Event.objects.get(order_id=order.pk, type=EventType.CHARGE_DECLINED)
    assert shop.DECLINED_MESSAGE in decline.message

    # The flag holds the charge until it is released; then it is tried again.
    assert [charge.order_id for charge in charges.run(shop_date(CHARGE_DAY + 1)).held] == [order.pk]
    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date())
    assert len(charges.run(shop_date(CHARGE_DAY + 1)).declined) == 1
    assert outcomes(order) == [AttemptOutcome.DECLINED, AttemptOutcome.HELD, AttemptOutcome.DECLINED]


def test_declines_are_retried_as_configured_before_the_order_needs_attention(shop, configure):
    configure(charge_retries="2", charge_retry_interval_days="2", history_language="ja")
    _contract, order = renewal_order(shop, shop.DECLINED_CARD)

    for day in (CHARGE_DAY, CHARGE_DAY + 2):
        assert len(charges.run(shop_date(day)).declined) == 1
        assert not Flag.objects.active().filter(order_id=order.pk).exists()
        assert charge_of(order).charge_on == shop_date(day + 2)
        # Not before the retry's day.
        assert charges.run(shop_date(day + 1)).declined == []
    assert len(charges.run(shop_date(CHARGE_DAY + 4)).declined) == 1
    assert Flag.objects.active().get(order_id=order.pk).reason == "RENEWAL_PAYMENT_FAILED"
    assert outcomes(order) == [AttemptOutcome.DECLINED] * 3
    notes = [note for note in shop.history_notes(order) if "自動決済に失敗" in note]
    assert len(notes) == 3 and "再決済" in notes[0] and "要対応" in notes[2]


def test_a_decline_while_retrying_stops_retries_when_the_order_is_flagged(shop):
    _contract, order = renewal_order(shop, shop.DECLINED_CARD)
    assert len(charges.run(shop_date(CHARGE_DAY)).declined) == 1
    services.set_flag(order, "MANUAL", note="住所確認中")
    assert len(charges.run(shop_date(CHARGE_DAY + 1)).held) == 1
    assert outcomes(order) == [AttemptOutcome.DECLINED, AttemptOutcome.HELD]


def test_a_cancelled_renewal_is_never_charged(shop, gql):
    _contract, order = renewal_order(shop, shop.CARD)
    shop.cancel_order(gql, shop.superuser(), order)
    assert len(charges.run(shop_date(CHARGE_DAY)).closed) == 1
    assert charge_of(order).status == ChargeStatus.CLOSED and shop.captured(order) == 0
    assert charges.run(shop_date(CHARGE_DAY + 1)).closed == []


def test_switched_off_nothing_is_charged(shop, configure):
    _contract, order = renewal_order(shop, shop.CARD)
    configure(active=False)
    assert charges.run(shop_date(CHARGE_DAY)).paused
    configure(active=True)
    assert len(charges.run(shop_date(CHARGE_DAY)).charged) == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_charges_once_for_two_runs_at_once_and_flags_a_decline(shop, configure):
    """The scheduled task on a Celery worker process (two at once): each due renewal
    charged once through Saleor's pipeline; a declined card flagged on its order; a
    flagged one held (recorded once) and charged by the run after its release."""
    ensure_site()
    configure(charge_retries="0")
    _paid, paid = renewal_order(shop, shop.CARD, shipping=2)
    _declined, declined = renewal_order(shop, shop.DECLINED_CARD, shipping=2)
    _held, held = renewal_order(shop, shop.CARD, shipping=2)
    flag = services.set_flag(held, "MANUAL", note="住所確認中").flag

    with worker() as celery:
        for _ in range(2):
            celery.send(tasks.run_charges)
        eventually(lambda: celery.succeeded(tasks.run_charges) == 2)
        assert outcomes(held) == [AttemptOutcome.HELD] and shop.captured(held) == 0
        services.release_flags(held, flag_ids=[flag.pk], handled_on=shop_date())
        celery.send(tasks.run_charges)
        eventually(lambda: celery.succeeded(tasks.run_charges) == 3)
    assert outcomes(held) == [AttemptOutcome.HELD, AttemptOutcome.CHARGED]
    assert shop.captured(held) == held.total.gross.amount
    assert shop.captured(paid) == paid.total.gross.amount
    assert outcomes(paid) == [AttemptOutcome.CHARGED]
    assert shop.payment_events(paid) == ["payment_captured"]
    assert outcomes(declined) == [AttemptOutcome.DECLINED]
    assert Flag.objects.active().get(order_id=declined.pk).reason == "RENEWAL_PAYMENT_FAILED"


@pytest.mark.parametrize("who", CALLERS)
def test_only_staff_with_manage_orders_run_charges(gql, shop, who):
    _contract, order = renewal_order(shop, shop.CARD)
    answer = gql(RUN, {"date": shop_date(CHARGE_DAY).isoformat()}, as_=caller(who, shop, order.user))
    if who in ALLOWED:
        assert len(answer["data"]["subscriptionChargesRun"]["charged"]) == 1
    else:
        assert is_permission_error(answer)
        assert shop.captured(order) == 0 and not charge_of(order).attempts.exists()


@pytest.mark.parametrize("date", [-1, 367])
def test_charge_run_dates_are_bounded(gql, shop, manager, date):
    _contract, order = renewal_order(shop, shop.CARD)
    ran = gql(RUN, {"date": shop_date(date).isoformat()}, as_=manager)["data"]["subscriptionChargesRun"]
    assert [(e["field"], e["code"]) for e in ran["errors"]] == [("date", "INVALID")]
    assert ran["charged"] is None and not charge_of(order).attempts.exists()


CREATE = """
mutation Create($order: ID!, $input: SubscriptionContractCreateInput!) {
  subscriptionContractCreateFromOrder(order: $order, input: $input) {
    contract { id paymentMethod } errors { field code message }
  }
}"""


@pytest.mark.parametrize("method, errors", [
    ("CARD", []),
    ("", []),
    ("card-ending-4242", [("paymentMethod", "INVALID")]),
    ("gateway:no.such.gateway:tok_1", [("paymentMethod", "INVALID")]),
    ("gateway:x:" + "9" * 250, [("paymentMethod", "TOO_LONG")]),
])
def test_staff_give_a_contract_a_payment_method_the_shop_can_charge(gql, shop, manager, method,
                                                                     errors):
    method = getattr(shop, method, method)
    terms = {"intervalCount": 1, "intervalUnit": "MONTH",
             "nextShippingDate": shop_date(SHIPPING).isoformat(), "paymentMethod": method}
    answer = gql(CREATE, {"order": shop.order_id(shop.order(user=shop.customer())), "input": terms},
                 as_=manager)["data"]["subscriptionContractCreateFromOrder"]
    assert [(error["field"], error["code"]) for error in answer["errors"]] == errors
    assert SubscriptionContract.objects.filter(payment_method=method).exists() == (not errors)


CONTRACT = """
query One($id: ID!) {
  subscriptionContract(id: $id) {
    paymentMethod
    cycles { number charge { status chargeOn declines held reference order { id }
                              attempts { outcome gateway message reference } } }
  }
}"""


def test_staff_see_each_renewals_charge_and_its_attempts(gql, shop, manager, configure):
    configure(charge_retries="0")
    contract, order = renewal_order(shop, shop.DECLINED_CARD)
    charges.run(shop_date(CHARGE_DAY))
    seen = gql(CONTRACT, {"id": ids.contract_id(contract.pk)}, as_=manager)["data"]["subscriptionContract"]
    [renewal, first] = seen["cycles"]
    assert seen["paymentMethod"] == shop.DECLINED_CARD and first["charge"] is None
    charge = renewal["charge"]
    assert (charge["status"], charge["declines"], charge["order"]) == (
        "DUE", 0, {"id": shop.order_id(order)})
    [attempt] = charge["attempts"]
    assert (attempt["outcome"], attempt["gateway"], attempt["message"]) == (
        "DECLINED", shop.CARD_GATEWAY, shop.DECLINED_MESSAGE)


def test_a_failed_payment_saleor_records_on_a_renewal_order_is_a_renewal_payment_failure(shop):
    """Staff capturing a renewal by hand, say: Saleor's payment_failed event on it."""
    contract, order = renewal_order(shop, "")
    shop.record_payment_failure(order)
    shop.record_payment_failure(contract.source_order)
    assert Flag.objects.active().get(order_id=order.pk).reason == "RENEWAL_PAYMENT_FAILED"
    assert Flag.objects.active().get(order_id=contract.source_order_id).reason == "PAYMENT_FAILED"
