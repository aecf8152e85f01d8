"""Staff GraphQL for subscription contracts: who may call it, bad input as typed errors
that change nothing, and renewals run on demand."""
import pytest
from saleor.order import OrderStatus

from saleor_attention import services
from saleor_attention.contracts.models import ContractStatus, RenewalCycle, SubscriptionContract
from saleor_attention.models import OrderFacts

from .documents import shop_date
from .saleor_common import ensure_site
from .test_permissions import ALLOWED, CALLERS, caller, is_permission_error

CONTRACT_FIELDS = """
    id subscription status email intervalCount intervalUnit nextShippingDate
    customer { id }
    shippingAddress { postalCode countryArea }
    lines { variantId sku quantity }
    cycles { number status plannedShippingDate detail order { id } }
    needsAttention flags { reason scope }
"""
CREATE = """
mutation Create($order: ID!, $input: SubscriptionContractCreateInput!) {
  subscriptionContractCreateFromOrder(order: $order, input: $input) {
    contract { %s } errors { field code message }
  }
}""" % CONTRACT_FIELDS
CONTRACTS = """
query Contracts($filter: SubscriptionContractFilterInput) {
  subscriptionContracts(first: 10, filter: $filter) { totalCount edges { node { %s } } }
}""" % CONTRACT_FIELDS
CONTRACT = "query One($id: ID!) { subscriptionContract(id: $id) { %s } }" % CONTRACT_FIELDS
PAUSE = """
mutation Pause($id: ID!) {
  subscriptionContractPause(id: $id) { contract { status } errors { field code message } }
}"""
RESUME = PAUSE.replace("Pause", "Resume")
RUN = """
mutation Run($date: Date) {
  subscriptionRenewalsRun(date: $date) {
    placed { number plannedShippingDate order { id } }
    held { number status detail }
    failed { number detail }
    paused
    errors { field code message }
  }
}"""
MONTHLY = {"intervalCount": 1, "intervalUnit": "MONTH"}


@pytest.fixture(autouse=True)
def site(db):
    ensure_site()


def monthly(days=10):
    return {**MONTHLY, "nextShippingDate": shop_date(days).isoformat()}


@pytest.fixture
def customer_order(shop):
    owner = shop.customer()
    return owner, shop.order(user=owner)


@pytest.fixture
def contract(gql, shop, manager, customer_order):
    _owner, order = customer_order
    answer = gql(CREATE, {"order": shop.order_id(order), "input": monthly()}, as_=manager)
    assert answer["data"]["subscriptionContractCreateFromOrder"]["errors"] == []
    return answer["data"]["subscriptionContractCreateFromOrder"]["contract"]


def test_staff_start_a_contract_from_an_order(gql, shop, manager, customer_order):
    owner, order = customer_order
    answer = gql(CREATE, {"order": shop.order_number(order), "input": monthly()}, as_=manager)
    created = answer["data"]["subscriptionContractCreateFromOrder"]
    assert created["errors"] == []
    contract = created["contract"]
    assert contract["status"] == "ACTIVE" and contract["email"] == owner.email
    assert contract["nextShippingDate"] == shop_date(10).isoformat()
    assert contract["shippingAddress"] == {"postalCode": "100-0001", "countryArea": "東京都"}
    assert [line["quantity"] for line in contract["lines"]] == [2]
    assert [(c["number"], c["status"], c["order"]["id"]) for c in contract["cycles"]] == [
        (1, "PLACED", shop.order_id(order))]
    assert OrderFacts.objects.get(order_id=order.pk).subscription == contract["subscription"]


@pytest.mark.parametrize("values, field", [
    ({"intervalCount": 0}, "intervalCount"),
    ({"intervalCount": 13}, "intervalCount"),
    ({"nextShippingDate": "today"}, "nextShippingDate"),
])
def test_bad_terms_are_typed_errors_that_change_nothing(gql, shop, manager, customer_order,
                                                        values, field):
    _owner, order = customer_order
    terms = {**monthly(), **values}
    if terms["nextShippingDate"] == "today":
        terms["nextShippingDate"] = shop_date().isoformat()
    answer = gql(CREATE, {"order": shop.order_id(order), "input": terms}, as_=manager)
    errors = answer["data"]["subscriptionContractCreateFromOrder"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(field, "INVALID")]
    assert not SubscriptionContract.objects.exists()


def test_an_order_starts_one_subscription_at_most(gql, shop, manager, customer_order, contract):
    _owner, order = customer_order
    answer = gql(CREATE, {"order": shop.order_id(order), "input": monthly()}, as_=manager)
    errors = answer["data"]["subscriptionContractCreateFromOrder"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [("order", "INVALID")]
    assert SubscriptionContract.objects.count() == 1


@pytest.mark.parametrize("order, code", [("nonsense", "GRAPHQL_ERROR"), ("99999", "NOT_FOUND")])
def test_an_unknown_order_is_a_typed_error(gql, manager, order, code):
    answer = gql(CREATE, {"order": order, "input": monthly()}, as_=manager)
    errors = answer["data"]["subscriptionContractCreateFromOrder"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [("order", code)]


def test_a_draft_cannot_start_a_subscription(gql, shop, manager):
    draft = shop.order(status=OrderStatus.DRAFT)
    answer = gql(CREATE, {"order": shop.order_id(draft), "input": monthly()}, as_=manager)
    errors = answer["data"]["subscriptionContractCreateFromOrder"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [("order", "INVALID")]


def test_pause_and_resume(gql, manager, contract):
    paused = gql(PAUSE, {"id": contract["id"]}, as_=manager)["data"]["subscriptionContractPause"]
    assert paused == {"contract": {"status": "PAUSED"}, "errors": []}
    again = gql(PAUSE, {"id": contract["id"]}, as_=manager)["data"]["subscriptionContractPause"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("id", "INVALID")]
    resumed = gql(RESUME, {"id": contract["id"]}, as_=manager)["data"]["subscriptionContractResume"]
    assert resumed == {"contract": {"status": "ACTIVE"}, "errors": []}
    assert SubscriptionContract.objects.get().status == ContractStatus.ACTIVE


def test_renewals_run_on_demand_and_held_by_attention(gql, shop, manager, customer_order, contract):
    _owner, order = customer_order
    ran = gql(RUN, {"date": shop_date(10).isoformat()}, as_=manager)["data"]["subscriptionRenewalsRun"]
    assert ran["errors"] == [] and ran["paused"] is False
    assert [(c["number"], c["plannedShippingDate"]) for c in ran["placed"]] == [
        (2, shop_date(10).isoformat())]

    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION")
    later = shop_date(45).isoformat()
    ran = gql(RUN, {"date": later}, as_=manager)["data"]["subscriptionRenewalsRun"]
    assert ran["placed"] == [] and [(c["number"], c["status"]) for c in ran["held"]] == [(3, "HELD")]
    one = gql(CONTRACT, {"id": contract["id"]}, as_=manager)["data"]["subscriptionContract"]
    assert one["needsAttention"] and one["flags"] == [
        {"reason": "RENEWAL_PAYMENT_FAILED", "scope": "SUBSCRIPTION"}]
    assert [c["status"] for c in one["cycles"]] == ["HELD", "PLACED", "PLACED"]


@pytest.mark.parametrize("date", [-1, 367])
def test_renewals_run_dates_are_bounded(gql, manager, contract, date):
    ran = gql(RUN, {"date": shop_date(date).isoformat()}, as_=manager)["data"]["subscriptionRenewalsRun"]
    assert [(e["field"], e["code"]) for e in ran["errors"]] == [("date", "INVALID")]
    assert RenewalCycle.objects.count() == 1


@pytest.mark.parametrize("who", CALLERS)
def test_only_staff_with_manage_orders_reach_contracts(gql, shop, manager, customer_order,
                                                       contract, who):
    owner, _order = customer_order
    as_ = caller(who, shop, owner)
    listed = gql(CONTRACTS, {}, as_=as_)
    one = gql(CONTRACT, {"id": contract["id"]}, as_=as_)
    paused = gql(PAUSE, {"id": contract["id"]}, as_=as_)
    ran = gql(RUN, {"date": shop_date(10).isoformat()}, as_=as_)
    if who in ALLOWED:
        assert listed["data"]["subscriptionContracts"]["totalCount"] == 1
        assert one["data"]["subscriptionContract"]["id"] == contract["id"]
        assert paused["data"]["subscriptionContractPause"]["errors"] == []
    else:
        for answer in (listed, one, paused, ran):
            assert is_permission_error(answer)
        assert SubscriptionContract.objects.get().status == ContractStatus.ACTIVE
        assert RenewalCycle.objects.count() == 1
