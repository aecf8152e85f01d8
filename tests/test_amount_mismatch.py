"""Shipping reports the credit-checked amount: a different order total blocks shipping
with a flag that survives the refused fulfillment (SPEC §5.2)."""
import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_attention import inbound, services
from saleor_attention.models import Flag, OrderFacts

from .documents import shop_date

PATH = "/plugins/global/saleor_attention/inbound/"


def active_messages(order):
    return [flag.message() for flag in Flag.objects.filter(order=order, status="ACTIVE")]


def fulfill(gql, shop, order, manager):
    return gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"][
        "orderFulfill"
    ]


def test_checked_amount_equal_to_the_total_ships(gql, shop, manager, order):
    services.report_credit_check(order, "00", "np-1", amount=order.total_gross_amount)

    assert active_messages(order) == []
    assert fulfill(gql, shop, order, manager)["orderErrors"] == []


def test_checked_amount_different_from_the_total_flags_and_blocks(gql, shop, manager, order):
    services.report_credit_check(order, "00", "np-1", amount=Decimal("15.00"))

    assert active_messages(order) == ["入金額【15】が注文金額【20】と一致しません。"]
    refused = fulfill(gql, shop, order, manager)
    assert refused["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(order) == 0


def test_a_total_changed_after_the_check_is_flagged_at_once(gql, shop, manager, order):
    services.report_credit_check(order, "00", "np-1", amount=Decimal("20.00"))

    shop.change_total(order, Decimal("25.50"))

    assert active_messages(order) == ["入金額【20】が注文金額【25.5】と一致しません。"]


def test_saleor_announcing_an_order_it_placed_here_reads_no_checked_amount(shop):
    """Saleor 3 announces a new order (ORDER_UPDATED) after the checkout's commit,
    with the object it saved: that order had no checked amount, and the plugin reads
    none. The same order loaded by a later request is read."""

    def facts_reads(order):
        with CaptureQueriesContext(connection) as captured:
            shop.plugins_manager().order_updated(order)
        table = OrderFacts._meta.db_table
        return [query for query in captured.captured_queries if table in query["sql"]]

    placed = shop.order()  # saved here as a new order: Saleor's post_save reached us

    assert facts_reads(placed) == []
    assert len(facts_reads(shop.reload(placed))) == 1


def test_release_without_a_new_check_still_blocks_and_the_flag_survives(gql, shop, manager, order):
    services.report_credit_check(order, "00", "np-1", amount=Decimal("15.00"))
    flag = Flag.objects.get(order=order)
    services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date())

    refused = fulfill(gql, shop, order, manager)

    message = refused["orderErrors"][0]["message"]
    assert "入金額【15】が注文金額【20】と一致しません。" in message
    assert shop.fulfillment_count(order) == 0
    flag.refresh_from_db()
    assert flag.status == "RELEASED"  # the refused shipment rolled back nothing of ours

    services.report_credit_check(order, "00", "np-2", amount=Decimal("20.00"))
    assert fulfill(gql, shop, order, manager)["orderErrors"] == []


def test_amount_arrives_through_the_signed_endpoint(gql, shop, configure, order):
    configure(inbound_secret="s", active=True)
    body = json.dumps({"id": "np-5", "type": "credit_check.result",
                       "order": shop.order_id(order), "code": "00", "amount": "18"}).encode()
    response = gql.client.post(
        PATH, body, content_type="application/json",
        HTTP_X_ATTENTION_SIGNATURE=inbound.sign("s", body, int(time.time())),
    )
    assert response.status_code == 200
    assert active_messages(order) == ["入金額【18】が注文金額【20】と一致しません。"]


@pytest.mark.parametrize("amount", ["lots", [1]])
def test_a_bad_amount_is_400(gql, shop, configure, order, amount):
    configure(inbound_secret="s", active=True)
    body = json.dumps({"id": "np-6", "type": "credit_check.result",
                       "order": shop.order_id(order), "code": "00", "amount": amount}).encode()
    response = gql.client.post(
        PATH, body, content_type="application/json",
        HTTP_X_ATTENTION_SIGNATURE=inbound.sign("s", body, int(time.time())),
    )
    assert response.status_code == 400
