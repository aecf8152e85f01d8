"""What guards and rules read lives in the plugin's own tables, written under the
order lock; Saleor's private metadata is only a mirror that Saleor may rewrite."""
import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from saleor_attention import inbound, services, tasks
from saleor_attention.models import OrderFacts

from .conftest import GraphQL

PATH = "/plugins/global/saleor_attention/inbound/"
SECRET = "shop-secret"
AMOUNT_KEY = "saleor_attention.credit_checked_amount"
SUBSCRIPTION_KEY = "saleor_attention.subscription"


def fulfill(gql, shop, order, manager):
    return gql(shop.ORDER_FULFILL, shop.fulfill_variables(order), as_=manager)["data"][
        "orderFulfill"
    ]


def post_credit_check(client, shop, order, event_id, amount):
    body = json.dumps({"id": event_id, "type": "credit_check.result",
                       "order": shop.order_id(order), "code": "00", "amount": amount}).encode()
    return client.post(
        PATH, body, content_type="application/json",
        HTTP_X_ATTENTION_SIGNATURE=inbound.sign(SECRET, body, int(time.time())),
    )


def test_a_deleted_metadata_key_does_not_switch_the_amount_guard_off(gql, shop, manager, order):
    services.report_credit_check(order, "00", "np-1", amount=order.total_gross_amount)
    assert shop.reload(order).private_metadata[AMOUNT_KEY] == "20"

    assert shop.delete_private_metadata(gql, manager, order, [AMOUNT_KEY]) == []
    shop.change_total(order, Decimal("25.00"))

    refused = fulfill(gql, shop, order, manager)
    assert "DEFERRED_PAYMENT_AMOUNT_MISMATCH" in refused["orderErrors"][0]["message"]
    assert shop.fulfillment_count(order) == 0


def test_a_metadata_rewrite_cannot_detach_an_order_from_its_subscription(gql, shop, manager):
    first = shop.order(metadata={SUBSCRIPTION_KEY: "sub-1"})
    second = shop.order(metadata={SUBSCRIPTION_KEY: "sub-1"})
    services.set_flag(first, scope="SUBSCRIPTION", note="定期の確認")

    shop.delete_private_metadata(gql, manager, second, [SUBSCRIPTION_KEY])
    shop.update_private_metadata(gql, manager, second, {SUBSCRIPTION_KEY: "sub-other"})

    assert OrderFacts.objects.get(order_id=second.pk).subscription == "sub-1"
    assert services.needs_attention(shop.reload(second))
    assert fulfill(gql, shop, second, manager)["orderErrors"][0]["code"] == "INVALID"


def test_an_external_apps_link_is_copied_when_it_first_appears(gql, shop, manager, order):
    with shop.hooks_run_after_commit():
        errors = shop.update_private_metadata(gql, manager, order, {SUBSCRIPTION_KEY: "sub-9"})
    assert errors == []

    assert OrderFacts.objects.get(order_id=order.pk).subscription == "sub-9"


def test_the_repair_task_rewrites_a_mirror_saleor_overwrote(gql, shop, manager, order):
    services.set_flag(order, note="hold")
    shop.update_private_metadata(gql, manager, order, {"saleor_attention": "stale"})

    assert tasks.repair_mirrors.apply().get() == 1

    summary = json.loads(shop.reload(order).private_metadata["saleor_attention"])
    assert summary["required"] is True and summary["flags"][0]["reason"] == "MANUAL"
    assert tasks.repair_mirrors.apply().get() == 0  # nothing left to repair


@pytest.mark.django_db(transaction=True)
def test_checked_amounts_hold_while_metadata_is_rewritten_in_parallel(shop, configure):
    """One client loops updatePrivateMetadata (a whole-dict rewrite of each order, with
    no lock) while signed credit checks arrive for the same orders."""
    assert configure(inbound_secret=SECRET, active=True)["errors"] == []
    manager = shop.staff()
    orders = [shop.order() for _ in range(12)]
    amounts = {order.pk: f"{20 + index}.00" for index, order in enumerate(orders)}
    done = threading.Event()
    failures = []

    def rewrite_metadata():
        api = GraphQL()
        try:
            while not done.is_set():
                for order in orders:
                    shop.update_private_metadata(api, manager, order, {"note": "x"})
        except Exception as exc:  # surfaced below
            failures.append(exc)
        finally:
            connection.close()

    def credit_checks():
        api = GraphQL()
        try:
            for order in orders:
                response = post_credit_check(api.client, shop, order, f"np-{order.pk}",
                                             amounts[order.pk])
                assert response.status_code == 200, response.content
        except Exception as exc:
            failures.append(exc)
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=rewrite_metadata), threading.Thread(target=credit_checks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures

    stored = dict(OrderFacts.objects.filter(order__in=orders).values_list(
        "order_id", "credit_checked_amount"))
    assert stored == {pk: Decimal(amount) for pk, amount in amounts.items()}
    # Every order whose amount differs from its total is flagged; the guard refuses
    # a changed total even on the order whose amount matched.
    matching = orders[0]
    shop.change_total(matching, Decimal("99.00"))
    refused = fulfill(GraphQL(), shop, matching, manager)
    assert refused["orderErrors"][0]["code"] == "INVALID"
    assert shop.fulfillment_count(matching) == 0
