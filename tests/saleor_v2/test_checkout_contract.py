"""A storefront starts a subscription contract at checkout on Saleor 2.10: its
server-side app writes the contract's terms into the checkout's private metadata,
the customer completes Saleor's own checkout, and the order Saleor places is the
contract's first cycle. (Saleor 3's checkout copies private metadata the same way;
the hook it reaches is tested on both lines in test_renewals.py.)"""
import json

import graphene
import pytest

from saleor_attention.contracts.models import SubscriptionContract
from saleor_attention.models import OrderFacts

from ..documents import shop_date
from ..saleor_common import ensure_site

CREATE = """
mutation Create($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {
  checkout { id availableShippingMethods { id } } checkoutErrors { field message }
} }"""
PRIVATE = """
mutation Private($id: ID!, $input: [MetadataInput!]!) {
  updatePrivateMetadata(id: $id, input: $input) { metadataErrors { field message } }
}"""
SHIP = """
mutation Ship($id: ID!, $method: ID!) {
  checkoutShippingMethodUpdate(checkoutId: $id, shippingMethodId: $method) {
    checkout { totalPrice { gross { amount } } } checkoutErrors { field message }
  }
}"""
PAY = """
mutation Pay($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(checkoutId: $id, input: $input) { paymentErrors { field message } }
}"""
COMPLETE = """
mutation Complete($id: ID!) {
  checkoutComplete(checkoutId: $id) { order { id } checkoutErrors { field message } }
}"""
ADDRESS = {"firstName": "花子", "lastName": "山田", "streetAddress1": "千代田1-1",
           "city": "千代田区", "countryArea": "東京都", "postalCode": "100-0001", "country": "JP"}


@pytest.fixture(autouse=True)
def japan(settings, db):
    """A Japanese shop: Saleor 2.10 checks a checkout's stock in the country it places
    the request in, its DEFAULT_COUNTRY for a local client."""
    settings.DEFAULT_COUNTRY = "JP"
    ensure_site()


def test_a_checkout_with_contract_terms_starts_the_contract(gql, shop):
    customer, app = shop.customer(), shop.superuser()
    variant = shop.order().lines.get().variant  # stocked in a warehouse shipping to Japan
    created = gql(CREATE, {"input": {
        "email": customer.email, "shippingAddress": ADDRESS, "billingAddress": ADDRESS,
        "lines": [{"variantId": shop.variant_id(variant), "quantity": 1}],
    }}, as_=customer)["data"]["checkoutCreate"]
    assert created["checkoutErrors"] == []
    checkout = created["checkout"]
    terms = json.dumps({"intervalCount": 1, "intervalUnit": "MONTH",
                        "nextShippingDate": shop_date(30).isoformat()})
    written = gql(PRIVATE, {"id": checkout["id"], "input": [
        {"key": "saleor_attention.contract", "value": terms}]}, as_=app)
    assert written["data"]["updatePrivateMetadata"]["metadataErrors"] == []
    shipped = gql(SHIP, {"id": checkout["id"], "method": checkout["availableShippingMethods"][0]["id"]},
                  as_=customer)["data"]["checkoutShippingMethodUpdate"]
    total = shipped["checkout"]["totalPrice"]["gross"]["amount"]
    paid = gql(PAY, {"id": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": total}}, as_=customer)
    assert paid["data"]["checkoutPaymentCreate"]["paymentErrors"] == []

    completed = gql(COMPLETE, {"id": checkout["id"]}, as_=customer)["data"]["checkoutComplete"]
    assert completed["checkoutErrors"] == []

    order_pk = int(graphene.Node.from_global_id(completed["order"]["id"])[1])
    contract = SubscriptionContract.objects.get(source_order_id=order_pk)
    assert (contract.user, contract.interval_unit, contract.next_shipping_date) == (
        customer, "MONTH", shop_date(30))
    assert [(line.variant_id, line.quantity) for line in contract.lines.all()] == [(variant.pk, 1)]
    assert OrderFacts.objects.get(order_id=order_pk).subscription == contract.subscription
