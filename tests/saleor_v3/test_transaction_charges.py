"""Automatic charges through Saleor 3's Transaction API: the renewal order's charge is
asked of a payment app (tests/saleor_v3/payment_app.py, a real HTTP server) with
Saleor's TRANSACTION_INITIALIZE_SESSION webhook; the app charges at once, declines, or
answers later with transactionEventReport, which completes the waiting charge."""
import pytest

from saleor_attention import services
from saleor_attention.contracts import charges, payment_methods
from saleor_attention.contracts.models import AttemptOutcome, ChargeStatus
from saleor_attention.models import Flag

from ..documents import shop_date
from ..saleor_common import ensure_site
from ..test_charges import CHARGE_DAY, charge_of, outcomes, renewal_order
from .payment_app import DECLINED_MESSAGE, IDENTIFIER, payment_app

REPORT = """
mutation Report($id: ID!, $psp: String!, $type: TransactionEventTypeEnum!,
                $amount: PositiveDecimal, $message: String) {
  transactionEventReport(id: $id, pspReference: $psp, type: $type, amount: $amount,
                         message: $message) {
    errors { field code message }
  }
}"""


@pytest.fixture
def app(db):
    ensure_site()  # Saleor's draftOrderComplete reads the site's settings
    with payment_app() as app:
        yield app


def report(gql, app, result, message=None):
    """The app's later answer to its last request, as it reports it to Saleor (under
    the PSP reference it answered the request with, for the amount asked)."""
    request, answer = app.requests[-1], app.answers[-1]
    variables = {"id": request["transaction_id"], "psp": answer["pspReference"], "type": result,
                 "amount": request["amount"], "message": message}
    reported = gql(REPORT, variables, as_=app.token)
    assert reported["data"]["transactionEventReport"]["errors"] == []


def test_a_charge_the_app_makes_at_once_charges_the_renewal(shop, app):
    _contract, order = renewal_order(shop, app.method("CHARGE_SUCCESS"))

    [charged] = charges.run(shop_date(CHARGE_DAY)).charged
    assert (charged.status, charged.reference) == (ChargeStatus.CHARGED, "psp-1")
    assert shop.captured(order) == order.total.gross.amount
    [request] = app.requests
    assert request["id"] == shop.order_id(order) and request["action_type"] == "CHARGE"
    assert request["data"] == {"token": "CHARGE_SUCCESS"}
    assert outcomes(order) == [AttemptOutcome.CHARGED]


def test_a_decline_with_no_retries_flags_the_renewal_with_the_psp_reference(shop, app, configure):
    configure(charge_retries="0")
    _contract, order = renewal_order(shop, app.method("CHARGE_FAILURE"))

    [declined] = charges.run(shop_date(CHARGE_DAY)).declined
    assert declined.status == ChargeStatus.DUE and shop.captured(order) == 0
    [flag] = Flag.objects.active().filter(order_id=order.pk)
    assert flag.reason == "RENEWAL_PAYMENT_FAILED"
    assert (flag.params["gateway"], flag.params["message"], flag.params["reference"]) == (
        IDENTIFIER, DECLINED_MESSAGE, "psp-1")


def test_a_charge_the_app_answers_later_waits_then_is_charged(shop, app, gql):
    _contract, order = renewal_order(shop, app.method("CHARGE_REQUEST"))

    [requested] = charges.run(shop_date(CHARGE_DAY)).requested
    assert (requested.status, requested.reference) == (ChargeStatus.REQUESTED, "psp-1")
    # Asked once: the next runs leave it to the app.
    assert charges.run(shop_date(CHARGE_DAY + 1)).requested == [] and len(app.requests) == 1

    report(gql, app, "CHARGE_SUCCESS")
    assert charge_of(order).status == ChargeStatus.CHARGED
    assert outcomes(order) == [AttemptOutcome.REQUESTED, AttemptOutcome.CHARGED]
    assert shop.captured(order) == order.total.gross.amount


def test_a_later_decline_is_handled_as_a_decline_at_once(shop, app, gql, configure):
    configure(charge_retries="0")
    _contract, order = renewal_order(shop, app.method("CHARGE_REQUEST"))
    charges.run(shop_date(CHARGE_DAY))

    report(gql, app, "CHARGE_FAILURE", message=DECLINED_MESSAGE)
    assert charge_of(order).status == ChargeStatus.DUE
    assert outcomes(order) == [AttemptOutcome.REQUESTED, AttemptOutcome.DECLINED]
    [flag] = Flag.objects.active().filter(order_id=order.pk)
    assert (flag.reason, flag.params["message"], flag.params["reference"]) == (
        "RENEWAL_PAYMENT_FAILED", DECLINED_MESSAGE, "psp-1")


def test_a_flagged_unshipped_renewal_asks_nothing_of_the_app(shop, app):
    _contract, order = renewal_order(shop, app.method("CHARGE_SUCCESS"))
    services.set_flag(order, "MANUAL", note="住所確認中")

    assert len(charges.run(shop_date(CHARGE_DAY)).held) == 1
    assert app.requests == [] and shop.captured(order) == 0


@pytest.mark.parametrize("method, chargeable", [
    (f"transaction:{IDENTIFIER}:pm_1", True),
    ("transaction:no.such.app:pm_1", False),
])
def test_a_transaction_method_names_an_active_payment_app(app, method, chargeable):
    assert (payment_methods.problems("paymentMethod", method) == []) == chargeable
