"""Nothing of staff's reaches a customer (SPEC §4, §9): a flagged order's customer, another
customer and an anonymous holder of the order's token read every field, error and
metadata Saleor shows them about the order and its subscription, and none of it names
the reason code, staff's text, the note, the evidence (a blacklist entry, what matched)
or a flag's id; the customer reads the customer-safe text and what they may do."""
import json

import pytest

from saleor_attention import services
from saleor_attention.actors import RULES
from saleor_attention.contracts import actions
from saleor_attention.graphql import ids
from saleor_attention.reasons import EN, JA, get_reason

from .documents import shop_date
from .test_permissions import is_permission_error

NOTE = "社内メモ: 過去に未払いあり"
ENTRY = ids.blacklist_entry_id(4242)
ORDER_FIELDS = """
  id token status userEmail metadata { key value }
  customerRestrictions { restricted allowedActions message(language: %s) }
  attention { required flags { id reason message note } }
"""
MINE = """{ me { orders(first: 5) { edges { node { %s } } }
  subscriptionContracts { id paymentMethod restrictions { restricted allowedActions message } }
} }"""
UPDATE = """mutation Update($id: ID!) {
  subscriptionContractUpdate(id: $id, input: {intervalCount: 2, intervalUnit: WEEK}) {
    contract { id } errors { field code message }
  }
}"""


@pytest.fixture
def flagged(shop):
    customer = shop.customer()
    order = shop.order(user=customer)
    contract = actions.create_from_order(order, interval_count=1, interval_unit="MONTH",
                                         next_shipping_date=shop_date(10))
    flag = services.set_flag(order, "BLACKLISTED_CUSTOMER", handle="bl", note=NOTE,
                             params={"matched": "PHONE", "entry": ENTRY}, actor=RULES).flag
    return customer, order, contract, flag


def forbidden(flag):
    """What must never reach the customer, in any language."""
    reason = get_reason(flag.reason)
    texts = [flag.reason, NOTE, ENTRY, ids.flag_id(flag.pk), "ブラックリスト", "blacklist",
             "BLACKLIST", "PHONE"]
    return texts + [reason.staff_message(flag.params, language) for language in (JA, EN)]


def assert_nothing_of_staffs(answer, flag):
    text = json.dumps(answer, ensure_ascii=False)
    for secret in forbidden(flag):
        assert secret.lower() not in text.lower(), secret


@pytest.mark.parametrize("language", ["JA", "EN"])
def test_the_customer_reads_the_safe_text_and_nothing_of_staffs(gql, shop, flagged, language):
    customer, _order, contract, flag = flagged
    answer = gql(MINE % (ORDER_FIELDS % language), as_=customer)
    [edge] = answer["data"]["me"]["orders"]["edges"]
    restrictions = edge["node"]["customerRestrictions"]
    assert restrictions["restricted"] and restrictions["allowedActions"] == ["ORDER_AGAIN", "VIEW_HISTORY"]
    assert restrictions["message"] == flag.customer_message(language.lower())
    assert edge["node"]["attention"] is None
    assert is_permission_error(answer)  # attention: staff only
    [mine] = answer["data"]["me"]["subscriptionContracts"]
    assert mine["restrictions"]["restricted"]
    assert_nothing_of_staffs(answer, flag)

    refused = gql(UPDATE, {"id": ids.contract_id(contract.pk)}, as_=customer)
    assert [e["code"] for e in refused["data"]["subscriptionContractUpdate"]["errors"]] == [
        "ACTION_REFUSED"]
    assert_nothing_of_staffs(refused, flag)


def test_another_customer_reads_nothing_of_the_order(gql, shop, flagged):
    _customer, order, contract, flag = flagged
    other = shop.customer()
    answer = gql(MINE % (ORDER_FIELDS % "JA"), as_=other)
    assert answer["data"]["me"]["orders"]["edges"] == []
    assert answer["data"]["me"]["subscriptionContracts"] == []
    refused = gql(UPDATE, {"id": ids.contract_id(contract.pk)}, as_=other)
    assert [e["code"] for e in refused["data"]["subscriptionContractUpdate"]["errors"]] == ["NOT_FOUND"]
    for seen in (answer, refused):
        assert_nothing_of_staffs(seen, flag)
        assert order.user_email not in json.dumps(seen)


def test_anonymous_with_the_token_reads_the_safe_text_only(gql, shop, flagged):
    _customer, order, _contract, flag = flagged
    document = "query Guest($token: UUID!) { orderByToken(token: $token) { %s } }" % (
        ORDER_FIELDS % "JA")
    answer = gql(document, shop.guest_order_variables(order))
    seen = answer["data"]["orderByToken"]
    assert seen["customerRestrictions"]["message"] == flag.customer_message(JA)
    assert seen["attention"] is None
    assert_nothing_of_staffs(answer, flag)


def test_the_private_metadata_mirror_is_refused_to_customers_and_anonymous(gql, shop, flagged):
    """The mirror (flags, reasons, evidence) lives in Saleor's private metadata."""
    customer, order, _contract, flag = flagged
    assert order.__class__.objects.get(pk=order.pk).private_metadata  # mirrored
    mine = gql("{ me { orders(first: 5) { edges { node { privateMetadata { key value } } } } } }",
               as_=customer)
    guest = gql("query G($token: UUID!) { orderByToken(token: $token) { privateMetadata { key } } }",
                shop.guest_order_variables(order))
    for answer in (mine, guest):
        assert is_permission_error(answer)
        assert_nothing_of_staffs(answer, flag)


def test_staff_read_what_customers_do_not(gql, shop, manager, flagged):
    """The check above can fail: the same query as staff carries the note and the
    flag's id."""
    customer, order, _contract, flag = flagged
    document = "query O($id: ID!) { order(id: $id) { %s } }" % (ORDER_FIELDS % "JA")
    text = json.dumps(gql(document, {"id": shop.order_id(order)}, as_=manager), ensure_ascii=False)
    assert NOTE in text and ids.flag_id(flag.pk) in text and flag.reason in text
