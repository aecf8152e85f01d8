"""Card failures a payment app reports through Saleor 3's Transaction API (SPEC §5.7):
a CHARGE_FAILURE or AUTHORIZATION_FAILURE on a transaction of an order flags
PAYMENT_FAILED (RENEWAL_PAYMENT_FAILED on a renewal order) once, with the app, its
message and the PSP reference as evidence; successes raise nothing, and neither do the
declines of the plugin's own automatic charges (retried, then flagged as charges are).
Every report goes through Saleor's transactionCreate and transactionEventReport, sent by
a payment app with its own token."""
import pytest

from saleor_attention.contracts import charges
from saleor_attention.contracts.models import AttemptOutcome, ChargeStatus
from saleor_attention.models import Flag

from ..documents import shop_date
from ..saleor_common import ensure_site, order_id
from ..test_charges import CHARGE_DAY, charge_of, outcomes, renewal_order
from ..test_evidence import evidence, the_flag
from .payment_app import IDENTIFIER, payment_app

DECLINED = "Your card was declined."
AMOUNT = "20.00"  # what the test orders cost

CREATE = """
mutation Create($id: ID!, $name: String, $psp: String) {
  transactionCreate(id: $id, transaction: {name: $name, pspReference: $psp}) {
    transaction { id } errors { field code message }
  }
}"""
REPORT = """
mutation Report($id: ID!, $psp: String!, $type: TransactionEventTypeEnum!,
                $amount: PositiveDecimal, $message: String) {
  transactionEventReport(id: $id, pspReference: $psp, type: $type, amount: $amount,
                         message: $message) {
    alreadyProcessed errors { field code message }
  }
}"""


@pytest.fixture
def app(db):
    ensure_site()
    with payment_app() as app:
        yield app


def caller(who):
    """A payment app (its token) or a staff member."""
    return getattr(who, "token", who)


def transaction_of(gql, who, order, name="Credit card", psp="pi_1"):
    """A transaction of the order, as a payment app records a customer's payment."""
    created = gql(CREATE, {"id": order_id(order), "name": name, "psp": psp},
                  as_=caller(who))["data"]["transactionCreate"]
    assert created["errors"] == []
    return created["transaction"]["id"]


def report(gql, who, transaction, kind, psp="pi_1", amount=AMOUNT, message=DECLINED):
    reported = gql(REPORT, {"id": transaction, "psp": psp, "type": kind, "amount": amount,
                            "message": message}, as_=caller(who))["data"]["transactionEventReport"]
    return reported


def flags(order):
    return list(Flag.objects.filter(order_id=order.pk).values_list("reason", "status"))


@pytest.mark.parametrize("kind", ["CHARGE_FAILURE", "AUTHORIZATION_FAILURE"])
def test_a_failure_the_app_reports_flags_the_order_once_with_its_evidence(
    gql, shop, manager, app, kind
):
    order = shop.order()
    transaction = transaction_of(gql, app, order)

    assert report(gql, app, transaction, kind)["errors"] == []
    # The same event reported again: Saleor keeps one event, the order one flag.
    assert report(gql, app, transaction, kind)["alreadyProcessed"] is True

    assert flags(order) == [("PAYMENT_FAILED", "ACTIVE")]
    flag = the_flag(gql, shop, manager, order)
    assert evidence(flag, "en") == {
        "gateway": (IDENTIFIER, IDENTIFIER),
        "message": (DECLINED, DECLINED),
        "reference": ("pi_1", "pi_1"),
    }
    assert flag["english"] == (
        f"Card payment failed (payment gateway: {IDENTIFIER}; gateway message: {DECLINED}; "
        "payment reference: pi_1)"
    )
    flag = Flag.objects.get(order_id=order.pk)
    assert flag.handle.startswith("payment-failed:transaction-event:")


def test_a_retry_of_the_same_psp_reference_is_the_same_failure(gql, shop, app):
    order = shop.order()
    transaction = transaction_of(gql, app, order)
    report(gql, app, transaction, "CHARGE_FAILURE")

    # Another amount under the same reference: Saleor refuses the report and writes the
    # refusal down as a failure of that reference; the authorization's failure too.
    refused = report(gql, app, transaction, "CHARGE_FAILURE", amount="5.00")
    assert [error["code"] for error in refused["errors"]] == ["INCORRECT_DETAILS"]
    assert report(gql, app, transaction, "AUTHORIZATION_FAILURE")["errors"] == []

    assert flags(order) == [("PAYMENT_FAILED", "ACTIVE")]


def test_each_failed_payment_is_a_flag_of_its_own_until_released(gql, shop, app):
    order = shop.order()
    first = transaction_of(gql, app, order, psp="pi_1")
    second = transaction_of(gql, app, order, psp="pi_2")
    report(gql, app, first, "CHARGE_FAILURE", psp="pi_1")
    report(gql, app, second, "CHARGE_FAILURE", psp="pi_2")

    assert sorted(Flag.objects.filter(order_id=order.pk).values_list("params__reference", flat=True)) == [
        "pi_1", "pi_2"]


def test_successes_raise_nothing(gql, shop, app):
    order = shop.order()
    transaction = transaction_of(gql, app, order)
    for kind in ("AUTHORIZATION_SUCCESS", "CHARGE_SUCCESS"):
        assert report(gql, app, transaction, kind, message="")["errors"] == []
    assert flags(order) == []


def test_a_payment_staff_record_is_named_by_its_name(gql, shop, manager, app):
    """A transaction staff recorded and report on themselves (no app behind it)."""
    from saleor.account.models import Group
    from saleor.permission.enums import PaymentPermissions
    from saleor.permission.models import Permission

    cashier = shop.staff()
    group = Group.objects.create(name="Payments", restricted_access_to_channels=False)
    group.permissions.add(
        Permission.objects.get(codename=PaymentPermissions.HANDLE_PAYMENTS.codename))
    group.user_set.add(cashier)
    order = shop.order()
    transaction = transaction_of(gql, cashier, order, name="Stripe card")
    report(gql, cashier, transaction, "CHARGE_FAILURE")

    assert evidence(the_flag(gql, shop, manager, order), "en")["gateway"] == (
        "Stripe card", "Stripe card")


def test_a_renewal_orders_failure_is_a_renewal_payment_failure(gql, shop, app):
    _contract, order = renewal_order(shop, "")
    transaction = transaction_of(gql, app, order)
    report(gql, app, transaction, "CHARGE_FAILURE")

    assert flags(order) == [("RENEWAL_PAYMENT_FAILED", "ACTIVE")]


def test_switched_off_nothing_is_flagged_and_saleor_records_the_failure(gql, shop, app, configure):
    order = shop.order()
    transaction = transaction_of(gql, app, order)
    assert configure(active=False)["plugin"]["active"] is False

    assert report(gql, app, transaction, "CHARGE_FAILURE")["errors"] == []
    assert flags(order) == []


def test_a_decline_of_an_automatic_charge_is_the_charges_own(shop, app):
    """Declined at once: retried as configured (2 retries by default), no flag yet."""
    _contract, order = renewal_order(shop, app.method("CHARGE_FAILURE"))

    [declined] = charges.run(shop_date(CHARGE_DAY)).declined
    assert (declined.status, declined.declines) == (ChargeStatus.DUE, 1)
    assert flags(order) == []


def test_a_later_decline_of_a_requested_charge_is_the_charges_own(gql, shop, app):
    from .test_transaction_charges import report as answer

    _contract, order = renewal_order(shop, app.method("CHARGE_REQUEST"))
    charges.run(shop_date(CHARGE_DAY))

    answer(gql, app, "CHARGE_FAILURE", message=DECLINED)
    assert outcomes(order) == [AttemptOutcome.REQUESTED, AttemptOutcome.DECLINED]
    assert (charge_of(order).status, charge_of(order).declines) == (ChargeStatus.DUE, 1)
    assert flags(order) == []
