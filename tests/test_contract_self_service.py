"""A customer's own subscription contracts: read them on `me`, change, skip and cancel
them; refused with the flag's customer-safe text while the current order needs
attention, allowed again after the release; nobody else's contracts, ever."""
import pytest

from saleor_attention import services
from saleor_attention.contracts import actions, renewals
from saleor_attention.contracts.models import ContractStatus, CycleStatus, SubscriptionContract
from saleor_attention.reasons import JA

from .documents import shop_date
from .saleor_common import ensure_site
from .test_permissions import is_permission_error

ME = """
query { me { subscriptionContracts {
  id status intervalCount intervalUnit nextShippingDate paymentMethod
  shippingAddress { postalCode city }
  lines { sku quantity }
  shippings { number plannedShippingDate skipped orderNumber }
  restrictions { restricted allowedActions message }
} } }"""
ERRORS = "errors { field code message }"
UPDATE = """
mutation Update($id: ID!, $input: SubscriptionContractUpdateInput!) {
  subscriptionContractUpdate(id: $id, input: $input) {
    contract { status intervalCount intervalUnit nextShippingDate paymentMethod
               shippingAddress { postalCode city } lines { sku quantity } }
    %s
  }
}""" % ERRORS
SKIP = """
mutation Skip($id: ID!) { subscriptionContractSkip(id: $id) {
  contract { nextShippingDate shippings { number skipped } } %s } }""" % ERRORS
CANCEL = """
mutation Cancel($id: ID!) { subscriptionContractCancel(id: $id) { contract { status } %s } }""" % ERRORS


@pytest.fixture(autouse=True)
def site(db):
    ensure_site()


@pytest.fixture
def subscribed(shop):
    """A customer, their order, and the monthly contract staff started from it."""
    owner = shop.customer()
    order = shop.order(user=owner)
    contract = actions.create_from_order(
        order, interval_count=1, interval_unit="MONTH", next_shipping_date=shop_date(10))
    return owner, order, contract


def contract_id(contract):
    from saleor_attention.graphql import ids

    return ids.contract_id(contract.pk)


def codes(answer, name):
    return [(error["field"], error["code"]) for error in answer["data"][name]["errors"]]


def test_customers_read_their_own_contracts_on_me(gql, shop, subscribed):
    owner, order, contract = subscribed
    [mine] = gql(ME, as_=owner)["data"]["me"]["subscriptionContracts"]
    assert mine["id"] == contract_id(contract) and mine["status"] == "ACTIVE"
    assert mine["nextShippingDate"] == shop_date(10).isoformat()
    assert mine["shippings"] == [{"number": 1, "plannedShippingDate": mine["shippings"][0]["plannedShippingDate"],
                                  "skipped": False, "orderNumber": shop.order_number(order)}]
    assert mine["restrictions"] == {"restricted": False, "allowedActions": mine["restrictions"]["allowedActions"],
                                    "message": None}
    assert len(mine["restrictions"]["allowedActions"]) == 8
    assert gql(ME, as_=shop.customer())["data"]["me"]["subscriptionContracts"] == []
    assert gql(ME)["data"]["me"] is None  # anonymous: Saleor's me is null


def test_a_customer_changes_schedule_address_payment_and_items(gql, shop, subscribed):
    owner, _order, contract = subscribed
    other_variant = shop.order().lines.get().variant
    answer = gql(UPDATE, {"id": contract_id(contract), "input": {
        "intervalCount": 2, "intervalUnit": "WEEK", "nextShippingDate": shop_date(20).isoformat(),
        "shippingAddress": {"postalCode": "900-0001", "country": "jp", "countryArea": "沖縄県",
                            "city": "那覇市", "streetAddress1": "泉崎1-2-2",
                            "firstName": "花子", "lastName": "山田"},
        "paymentMethod": shop.CARD,
        "lines": [{"variantId": shop.variant_id(other_variant), "quantity": 3}],
    }}, as_=owner)["data"]["subscriptionContractUpdate"]
    assert answer["errors"] == []
    assert answer["contract"] == {
        "status": "ACTIVE", "intervalCount": 2, "intervalUnit": "WEEK",
        "nextShippingDate": shop_date(20).isoformat(), "paymentMethod": shop.CARD,
        "shippingAddress": {"postalCode": "900-0001", "city": "那覇市"},
        "lines": [{"sku": other_variant.sku, "quantity": 3}],
    }
    [cycle] = renewals.run(shop_date(20)).placed
    assert [(line.variant_id, line.quantity) for line in cycle.order.lines.all()] == [(other_variant.pk, 3)]
    assert cycle.order.shipping_address.postal_code == "900-0001"


@pytest.mark.parametrize("values, field, code", [
    ({"intervalCount": 0, "intervalUnit": "MONTH"}, "intervalCount", "INVALID"),
    ({"nextShippingDate": "today"}, "nextShippingDate", "INVALID"),
    ({"lines": []}, "lines", "INVALID"),
    ({"lines": [{"variantId": "UHJvZHVjdFZhcmlhbnQ6OTk5OTk=", "quantity": 1}]}, "lines", "NOT_FOUND"),
    ({"paymentMethod": "x" * 256}, "paymentMethod", "TOO_LONG"),
    ({"paymentMethod": "card-ending-4242"}, "paymentMethod", "INVALID"),
    ({"paymentMethod": "gateway:no.such.gateway:tok_1"}, "paymentMethod", "INVALID"),
    ({"shippingAddress": {"postalCode": "1" * 300, "country": "JP"}}, "shippingAddress", "TOO_LONG"),
    ({"shippingAddress": {"postalCode": "900-0001", "country": "JP", "city": "那覇市"}},
     "shippingAddress", "INVALID"),  # no prefecture, no street: Saleor would refuse it
    ({}, "input", "REQUIRED"),
])
def test_bad_changes_are_typed_errors_that_change_nothing(gql, subscribed, values, field, code):
    owner, _order, contract = subscribed
    if values.get("nextShippingDate") == "today":
        values = {"nextShippingDate": shop_date().isoformat()}
    answer = gql(UPDATE, {"id": contract_id(contract), "input": values}, as_=owner)
    assert codes(answer, "subscriptionContractUpdate") == [(field, code)]
    unchanged = SubscriptionContract.objects.get()
    assert (unchanged.interval_count, unchanged.next_shipping_date, unchanged.lines.count()) == (
        1, shop_date(10), 1)


def test_skip_moves_the_next_shipping_and_renewals_follow(gql, subscribed):
    owner, _order, contract = subscribed
    skipped = gql(SKIP, {"id": contract_id(contract)}, as_=owner)["data"]["subscriptionContractSkip"]
    assert skipped["errors"] == []
    assert skipped["contract"]["shippings"][0] == {"number": 2, "skipped": True}
    contract.refresh_from_db()
    assert contract.next_shipping_date > shop_date(27)
    assert renewals.run(shop_date(10)).placed == []
    [cycle] = renewals.run(contract.next_shipping_date).placed
    assert cycle.number == 3


def test_cancel_ends_renewals_and_further_changes(gql, subscribed):
    owner, _order, contract = subscribed
    answer = gql(CANCEL, {"id": contract_id(contract)}, as_=owner)["data"]["subscriptionContractCancel"]
    assert answer == {"contract": {"status": "CANCELLED"}, "errors": []}
    assert renewals.run(shop_date(10)).placed == []
    again = gql(SKIP, {"id": contract_id(contract)}, as_=owner)
    assert codes(again, "subscriptionContractSkip") == [("id", "INVALID")]


@pytest.mark.parametrize("document, name, variables", [
    (UPDATE, "subscriptionContractUpdate", {"input": {"paymentMethod": ""}}),
    (SKIP, "subscriptionContractSkip", {}),
    (CANCEL, "subscriptionContractCancel", {}),
])
def test_refused_while_the_current_order_needs_attention(gql, subscribed, document, name, variables):
    owner, order, contract = subscribed
    flag = services.set_flag(order, "DELIVERY_RETURNED", note="returned").flag
    refused = gql(document, {"id": contract_id(contract), **variables}, as_=owner)
    assert codes(refused, name) == [("id", "ACTION_REFUSED")]
    message = refused["data"][name]["errors"][0]["message"]
    assert message == flag.customer_message(JA) and "returned" not in message
    assert SubscriptionContract.objects.get().status == ContractStatus.ACTIVE
    [mine] = gql(ME, as_=owner)["data"]["me"]["subscriptionContracts"]
    assert mine["restrictions"]["restricted"] and set(mine["restrictions"]["allowedActions"]) == {
        "ORDER_AGAIN", "VIEW_HISTORY"}

    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date())
    allowed = gql(document, {"id": contract_id(contract), **variables}, as_=owner)
    assert allowed["data"][name]["errors"] == []


def test_a_subscription_flag_alone_leaves_the_customer_free(gql, subscribed):
    owner, order, contract = subscribed
    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION")
    answer = gql(SKIP, {"id": contract_id(contract)}, as_=owner)
    assert answer["data"]["subscriptionContractSkip"]["errors"] == []


@pytest.mark.parametrize("who", ["anonymous", "other_customer", "staff", "app"])
def test_nobody_else_touches_a_contract(gql, shop, subscribed, who):
    _owner, _order, contract = subscribed
    as_ = {"anonymous": lambda: None, "other_customer": shop.customer, "staff": shop.staff,
           "app": shop.app}[who]()
    answers = [gql(document, {"id": contract_id(contract), **variables}, as_=as_)
               for document, variables in [(UPDATE, {"input": {"paymentMethod": ""}}),
                                           (SKIP, {}), (CANCEL, {})]]
    for answer, name in zip(answers, ["subscriptionContractUpdate", "subscriptionContractSkip",
                                      "subscriptionContractCancel"]):
        if who in ("anonymous", "app"):
            assert is_permission_error(answer)
        else:  # another account: as if there were no such contract
            assert codes(answer, name) == [("id", "NOT_FOUND")]
    unchanged = SubscriptionContract.objects.get()
    assert (unchanged.status, unchanged.payment_method, unchanged.cycles.count()) == (
        ContractStatus.ACTIVE, "", 1)
    assert not unchanged.cycles.filter(status=CycleStatus.SKIPPED).exists()


REORDER = """
mutation Reorder($id: ID!) { subscriptionContractReorder(id: $id) { checkoutToken %s } }""" % ERRORS
CHECKOUT = "query Checkout($token: UUID!) { checkout(token: $token) { email lines { quantity } } }"


def test_ordering_again_starts_a_saleor_checkout_even_while_flagged(gql, shop, subscribed):
    owner, order, contract = subscribed
    services.set_flag(order, "DELIVERY_RETURNED", note="returned")
    answer = gql(REORDER, {"id": contract_id(contract)}, as_=owner)["data"]["subscriptionContractReorder"]
    assert answer["errors"] == [] and answer["checkoutToken"]
    checkout = gql(CHECKOUT, {"token": answer["checkoutToken"]}, as_=owner)["data"]["checkout"]
    assert checkout == {"email": owner.email, "lines": [{"quantity": 2}]}

    other = gql(REORDER, {"id": contract_id(contract)}, as_=shop.customer())
    assert codes(other, "subscriptionContractReorder") == [("id", "NOT_FOUND")]
    assert is_permission_error(gql(REORDER, {"id": contract_id(contract)}))
