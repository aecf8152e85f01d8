"""The plugin's own flag webhooks (SPEC §9): flag set, flag released and order cleared,
POSTed after the commit to a real HTTP receiver with the whole record, signed with the
webhook secret; a failing receiver is retried and every attempt logged for staff; a
change that rolls back sends nothing."""
import json

import pytest
from django.db import transaction

from saleor_attention import services
from saleor_attention.graphql import ids
from saleor_attention.inbound import sign
from saleor_attention.models import DeliveryStatus, WebhookDelivery
from saleor_attention.notifications import webhooks

from .documents import shop_date
from .http_receiver import http_receiver
from .test_permissions import ALLOWED, CALLERS, caller, is_permission_error

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "webhook-test-secret"
DELIVERIES = """
query Deliveries($filter: AttentionWebhookDeliveryFilterInput) {
  attentionWebhookDeliveries(first: 20, filter: $filter) { totalCount edges { node {
    event url orderNumber status payload attempts { statusCode error }
  } } }
}"""


def events(received):
    return [json.loads(body)["event"] for _path, _headers, body in received]


def signed_by_secret(headers, body) -> bool:
    stamp = headers["X-Attention-Signature"].split(",")[0].split("=")[1]
    return headers["X-Attention-Signature"] == sign(SECRET, body, int(stamp))


def test_set_release_and_clear_reach_the_receiver_signed_with_the_whole_flag(
        shop, configure, manager):
    order = shop.order()
    with http_receiver() as (url, received):
        configure(webhook_urls=url, webhook_secret=SECRET)
        flag = services.set_flag(order, "MANUAL", note="電話確認中", due_on=shop_date(3)).flag
        services.release_flags(order, flag_ids=[flag.pk], handled_on=shop_date(),
                               comment="確認済み")

    assert events(received) == ["attention.flag_set", "attention.flag_released",
                                "attention.order_cleared"]
    for _path, headers, body in received:
        assert signed_by_secret(headers, body)
        assert headers["X-Attention-Event"] == json.loads(body)["event"]
    set_, released, cleared = [json.loads(body) for _path, _headers, body in received]
    assert set_["order"] == {"id": shop.order_id(order), "number": shop.order_number(order)}
    record = set_["flag"]
    assert (record["id"], record["reason"], record["scope"], record["note"], record["status"]) == (
        ids.flag_id(flag.pk), "MANUAL", "ORDER", "電話確認中", "ACTIVE")
    assert record["dueOn"] == shop_date(3).isoformat() and record["message"]["ja"]
    assert record["customerMessage"]["en"] and record["guidance"]["ja"]
    assert released["flag"]["status"] == "RELEASED"
    assert released["flag"]["releaseComment"] == "確認済み"
    assert released["flag"]["handledOn"] == shop_date().isoformat()
    assert "flag" not in cleared


def test_a_rules_flag_carries_its_evidence_and_every_url_gets_it(shop, configure):
    with http_receiver() as (first, received_first), http_receiver() as (second, received_second):
        configure(webhook_urls=f"{first},{second}", webhook_secret=SECRET,
                  remote_island_check="true")
        shop.order(postal_code="100-1401")  # 八丈島: the rule raises REMOTE_ISLAND
    for received in (received_first, received_second):
        [(_path, _headers, body)] = received
        assert json.loads(body)["flag"]["evidence"]["postal_code"] == "100-1401"


def test_a_failing_receiver_is_retried_and_every_attempt_is_logged(shop, configure, gql, manager):
    order = shop.order()
    with http_receiver(500, 503, 200) as (url, received):
        configure(webhook_urls=url, webhook_secret=SECRET)
        services.set_flag(order, "MANUAL", note="確認中")
    assert events(received) == ["attention.flag_set"] * 3
    [delivery] = gql(DELIVERIES, {}, as_=manager)["data"]["attentionWebhookDeliveries"]["edges"]
    node = delivery["node"]
    assert (node["event"], node["status"], node["orderNumber"]) == (
        "attention.flag_set", "DELIVERED", shop.order_number(order))
    assert [attempt["statusCode"] for attempt in node["attempts"]] == [200, 503, 500]
    assert node["attempts"][2]["error"] == "no"
    assert json.loads(node["payload"])["flag"]["note"] == "確認中"


def test_a_receiver_that_never_answers_well_is_given_up_and_the_flag_stays(shop, configure):
    order = shop.order()
    with http_receiver(500) as (url, received):
        configure(webhook_urls=url, webhook_secret=SECRET)
        services.set_flag(order, "MANUAL", note="確認中")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, len(received)) == (
        DeliveryStatus.FAILED, webhooks.MAX_ATTEMPTS, webhooks.MAX_ATTEMPTS)
    assert services.needs_attention(order)


def test_a_change_that_rolls_back_sends_nothing(shop, configure):
    order = shop.order()
    with http_receiver() as (url, received):
        configure(webhook_urls=url, webhook_secret=SECRET)
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.set_flag(order, "MANUAL", note="確認中")
                raise RuntimeError("the caller's transaction fails after the flag")
    assert received == [] and not WebhookDelivery.objects.exists()


def test_without_urls_nothing_is_written(shop):
    services.set_flag(shop.order(), "MANUAL", note="確認中")
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("values, field", [
    ({"webhook_urls": "https://hooks.example.com/a"}, "webhookSecret"),
    ({"webhook_urls": "ftp://hooks.example.com/a", "webhook_secret": SECRET}, "webhookUrls"),
    ({"webhook_urls": ",".join(f"https://h{n}.example.com" for n in range(6)),
      "webhook_secret": SECRET}, "webhookUrls"),
])
def test_bad_webhook_settings_are_refused_with_a_field_error(configure, values, field):
    assert [error["field"] for error in configure(**values)["errors"]] == [field]


@pytest.mark.parametrize("who", CALLERS)
def test_only_staff_with_manage_orders_read_the_delivery_log(gql, shop, configure, who):
    order = shop.order()
    with http_receiver() as (url, _received):
        configure(webhook_urls=url, webhook_secret=SECRET)
        services.set_flag(order, "MANUAL", note="確認中")
    answer = gql(DELIVERIES, {}, as_=caller(who, shop, order.user or shop.customer()))
    if who in ALLOWED:
        assert answer["data"]["attentionWebhookDeliveries"]["totalCount"] == 1
    else:
        assert is_permission_error(answer)
