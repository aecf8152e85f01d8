"""Signed provider events: credit-check results and delivery returns (SPEC §5.1, §5.8)."""
import json
import time

import pytest

from saleor_attention import inbound
from saleor_attention.models import Event, Flag, InboundEvent

SECRET = "shop-secret"
PATH = "/plugins/global/saleor_attention/inbound/"

TEXT_1 = "初回注文だったが、選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_2 = "注文二回目以降のため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_3 = "選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_4 = "注文ステータスを「与信NG」、「要対応」に変更"
NO_COD_METHOD = "ネコポス"


@pytest.fixture
def post(gql, configure):
    """Posts an event to the served endpoint, signed like a provider signs it."""
    assert configure(inbound_secret=SECRET, active=True)["errors"] == []

    def send(event, secret=SECRET, timestamp=None, raw=None):
        body = raw if raw is not None else json.dumps(event).encode()
        signature = inbound.sign(secret, body, timestamp or int(time.time()))
        return gql.client.post(
            PATH, body, content_type="application/json", HTTP_X_ATTENTION_SIGNATURE=signature
        )

    return send


def credit_check(shop, order, code, event_id="np-1"):
    return {"id": event_id, "type": "credit_check.result", "order": shop.order_id(order),
            "code": code}


def shipped_by(order, method):
    order.shipping_method_name = method
    order.save(update_fields=["shipping_method_name"])
    return order


def messages(order):
    return [flag.message() for flag in Flag.objects.filter(order=order, status="ACTIVE")]


def returned(shop, order, event_id="yamato-9"):
    return {"id": event_id, "type": "delivery.returned", "order": shop.order_id(order)}


def assert_nothing_written():
    assert not InboundEvent.objects.exists()
    assert not Flag.objects.exists() and not Event.objects.exists()


def test_rejected_credit_check_flags_the_order(shop, post, order):
    response = post(credit_check(shop, order, "20"))

    assert response.status_code == 200
    [flag] = Flag.objects.filter(order=order)
    assert flag.reason == "DEFERRED_PAYMENT_REJECTED" and flag.source == "RULE"
    assert flag.message() == TEXT_4
    assert Event.objects.filter(order=order, type="CREDIT_CHECK").exists()


@pytest.mark.parametrize(
    "policy, earlier_order, method, expected",
    [
        ("ALL_COD", False, NO_COD_METHOD, TEXT_3),
        ("FIRST_ORDER_COD", False, NO_COD_METHOD, TEXT_1),
        ("FIRST_ORDER_COD", True, "ヤマト運輸", TEXT_2),
    ],
)
def test_rejection_policies_that_need_attention(shop, post, configure, policy,
                                                earlier_order, method, expected):
    configure(deferred_payment_rejection_policy=policy, cod_unavailable_shipping_methods=NO_COD_METHOD)
    customer = shop.customer()
    if earlier_order:
        shop.order(user=customer)
    order = shipped_by(shop.order(user=customer), method)

    post(credit_check(shop, order, "20"))

    assert messages(order) == [expected]


@pytest.mark.parametrize("policy", ["ALL_COD", "FIRST_ORDER_COD"])
def test_rejection_switches_to_cod_and_says_so_in_the_history(shop, post, configure, policy):
    configure(deferred_payment_rejection_policy=policy, cod_unavailable_shipping_methods=NO_COD_METHOD)
    order = shipped_by(shop.order(user=shop.customer()), "ヤマト運輸")

    post(credit_check(shop, order, "20"))

    assert messages(order) == []
    assert shop.reload(order).private_metadata["saleor_attention.payment_method"] == "COD"
    assert Event.objects.filter(order=order, type="SWITCHED_TO_COD").exists()
    assert any("代引きに変更" in note for note in shop.history_notes(order))


@pytest.mark.parametrize("code", ["00", "10", "40"])
def test_ok_pending_and_review_are_recorded_without_a_flag(shop, post, order, code):
    assert post(credit_check(shop, order, code)).status_code == 200
    assert messages(order) == []
    assert Event.objects.get(order=order, type="CREDIT_CHECK").parameters["code"] == code


def test_unrecognised_code_names_it(shop, post, order):
    post(credit_check(shop, order, "99"))
    assert messages(order) == ["与信結果「99」は、識別できないステータスです。"]


def test_a_repeated_delivery_creates_one_flag(shop, post, order):
    first = post(credit_check(shop, order, "20"))
    again = post(credit_check(shop, order, "20"))

    assert first.json() == {"id": "np-1", "duplicate": False}
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Flag.objects.filter(order=order).count() == 1
    assert Event.objects.filter(order=order, type="CREDIT_CHECK").count() == 1


def test_delivery_returned_flags_the_order(shop, post, order):
    event = {"id": "yamato-7", "type": "delivery.returned", "order": shop.order_id(order)}
    assert post(event).status_code == 200
    assert messages(order) == ["配送戻り"]


@pytest.mark.parametrize(
    "renewal, expected", [(False, "クレジット決済失敗"), (True, "定期決済失敗")]
)
def test_card_payment_failure_flags_the_order(shop, post, order, renewal, expected):
    event = {"id": "card-3", "type": "payment.failed", "order": shop.order_id(order),
             "renewal": renewal}
    assert post(event).status_code == 200
    assert messages(order) == [expected]


def test_payment_failure_with_a_bad_renewal_value_is_400(shop, post, order):
    event = {"id": "card-4", "type": "payment.failed", "order": shop.order_id(order),
             "renewal": "yes"}
    assert post(event).status_code == 400
    assert messages(order) == [] and not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "signing",
    [{"secret": "wrong"}, {"timestamp": int(time.time()) - 3600},
     {"timestamp": int(time.time()) + 3600}],
)
def test_bad_or_stale_signature_is_401_and_records_nothing(shop, post, order, signing):
    response = post(credit_check(shop, order, "20"), **signing)

    assert response.status_code == 401
    assert not Flag.objects.exists() and not InboundEvent.objects.exists()


def test_missing_signature_is_401(shop, gql, post, order):
    response = gql.client.post(PATH, json.dumps(credit_check(shop, order, "20")),
                               content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "raw, says",
    [
        (b"not json", "malformed"),
        (json.dumps({"id": "x", "type": "credit_check.result"}).encode(), "'order'"),
        (json.dumps({"id": "x", "type": "parcel.lost", "order": "T3JkZXI6MQ=="}).encode(), "'parcel.lost'"),
        (json.dumps({"id": "x", "type": "credit_check.result", "order": "bogus", "code": "20"}).encode(), "order"),
    ],
)
def test_malformed_body_is_400_with_a_reason(shop, post, order, raw, says):
    response = post(None, raw=raw)

    assert response.status_code == 400
    assert says in response.json()["error"]
    assert not Flag.objects.exists() and not InboundEvent.objects.exists()


def test_credit_check_without_a_code_is_400_and_records_nothing(shop, post, order):
    event = credit_check(shop, order, "20")
    del event["code"]
    response = post(event)
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


def test_python_api_does_the_same(shop, order):
    from saleor_attention import services

    outcome = services.report_credit_check(order, "20", "np-9")

    assert [flag.reason for flag in outcome.flags] == ["DEFERRED_PAYMENT_REJECTED"]
    assert messages(order) == [TEXT_4]


def test_a_payment_failure_saleor_records_flags_the_order(shop, order):
    shop.record_payment_failure(order)

    assert messages(order) == ["クレジット決済失敗"]
    assert Flag.objects.get(order=order).source == "RULE"


def test_a_payment_failure_is_ignored_while_the_plugin_is_off(shop, configure, order):
    configure(active=False)
    shop.record_payment_failure(order)
    assert messages(order) == []


@pytest.mark.parametrize("v1", ["é", "ü" * 64, "签名", "\u00ff\u0100"],
                         ids=["accent", "long", "cjk", "latin-ext"])
def test_a_non_ascii_signature_is_401(shop, gql, post, order, v1):
    header = f"t={int(time.time())},v1={v1}"
    response = gql.client.post(PATH, json.dumps(returned(shop, order)),
                               content_type="application/json",
                               HTTP_X_ATTENTION_SIGNATURE=header)

    assert response.status_code == 401 and response.json()["error"]
    assert_nothing_written()


def test_a_signature_with_an_absurd_timestamp_is_401(shop, post, order):
    response = post(returned(shop, order), timestamp=10 ** 400)

    assert response.status_code == 401 and response.json()["error"]
    assert_nothing_written()


def test_a_signed_event_while_the_plugin_is_off_is_503_and_records_nothing(
    shop, post, configure, order
):
    configure(active=False)

    response = post(returned(shop, order))

    assert response.status_code == 503 and response.json()["error"]
    assert response["Retry-After"] == str(inbound.RETRY_AFTER_SECONDS)
    assert_nothing_written()
    configure(active=True)
    assert post(returned(shop, order)).json() == {"id": "yamato-9", "duplicate": False}
    assert messages(order) == ["配送戻り"]


def test_an_unsigned_event_while_the_plugin_is_off_is_still_401(shop, post, configure, order):
    configure(active=False)
    assert post(returned(shop, order), secret="wrong").status_code == 401
