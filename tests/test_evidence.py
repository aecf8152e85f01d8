"""Why an order needs attention: every rule's flag keeps its evidence and shows it in
the staff text, in Japanese and English, never in the customer's (issue 9)."""
import json
import time
from decimal import Decimal

import graphene
import pytest

from saleor_attention import inbound, services
from saleor_attention.models import Flag

from .documents import ORDER_EVIDENCE

INBOUND = "/plugins/global/saleor_attention/inbound/"
SECRET = "evidence-secret"
HACHIJO = "100-1401"  # 八丈島八丈町

CREATE_ENTRY = """
mutation Create($input: AttentionBlacklistEntryInput!) {
  attentionBlacklistEntryCreate(input: $input) {
    entry { id name nameReading postalCode } errors { field code message }
  }
}
"""


def flags_of(gql, shop, manager, order):
    """The order's flags as staff read them through the served API."""
    response = gql(ORDER_EVIDENCE, {"id": shop.order_id(order)}, as_=manager)
    return response["data"]["order"]["attention"]["flags"]


def the_flag(gql, shop, manager, order):
    [flag] = flags_of(gql, shop, manager, order)
    assert_customer_texts_carry_no_evidence(flag)
    return flag


def assert_customer_texts_carry_no_evidence(flag):
    for piece in flag["evidence"] + flag["englishEvidence"]:
        for shown in (piece["value"], piece["text"], piece["label"]):
            assert shown not in flag["customerMessage"]
            assert shown not in flag["customerEnglish"]
    assert "ブラックリスト" not in flag["customerMessage"]
    assert "blacklist" not in flag["customerEnglish"].lower()


def evidence(flag, language="ja"):
    pieces = flag["evidence"] if language == "ja" else flag["englishEvidence"]
    return {piece["key"]: (piece["value"], piece["text"]) for piece in pieces}


def create_entry(gql, manager, **values):
    payload = gql(CREATE_ENTRY, {"input": values}, as_=manager)["data"]
    payload = payload["attentionBlacklistEntryCreate"]
    assert payload["errors"] == []
    return payload["entry"]


@pytest.fixture
def post(gql, configure):
    assert configure(inbound_secret=SECRET, active=True)["errors"] == []

    def send(event):
        body = json.dumps(event).encode()
        return gql.client.post(
            INBOUND, body, content_type="application/json",
            HTTP_X_ATTENTION_SIGNATURE=inbound.sign(SECRET, body, int(time.time())),
        )

    return send


# The blacklist: which entry, which fields.

def test_a_candidate_names_the_entry_and_the_fields_that_matched(gql, shop, manager):
    entry = create_entry(gql, manager, phone="090-1234-5678", name="山田 太郎",
                         postalCode="100-0001")

    order = shop.place_order(gql, manager, phone="+81 90-1234-5678")

    flag = the_flag(gql, shop, manager, order)
    assert flag["reason"] == "BLACKLIST_CANDIDATE"
    assert flag["message"] == (
        f"ブラックリスト客候補（一致した項目: 電話番号・氏名+郵便番号、ブラックリスト登録: {entry['id']}）"
    )
    assert flag["english"] == (
        "Possible blacklisted customer (matched: phone, name + postal code; "
        f"blacklist entry: {entry['id']})"
    )
    assert evidence(flag) == {
        "matched": ("PHONE,NAME_POSTAL_CODE", "電話番号・氏名+郵便番号"),
        "entry": (entry["id"], entry["id"]),
    }
    # The entry's id is the one the blacklist API answers to.
    _type, pk = graphene.Node.from_global_id(entry["id"])
    assert Flag.objects.get(order=order).params["entry"] == entry["id"] and pk.isdigit()


def test_only_the_shops_patterns_are_named_and_other_entries_are_listed(
    gql, shop, manager, configure
):
    configure(blacklist_match_patterns="PHONE,EMAIL", active=True)
    by_phone = create_entry(gql, manager, phone="090-1234-5678", address="千代田区千代田1-1")
    also = create_entry(gql, manager, phone="09012345678")

    order = shop.place_order(gql, manager, phone="090 1234 5678")

    flag = the_flag(gql, shop, manager, order)
    assert evidence(flag)["matched"] == ("PHONE", "電話番号")  # ADDRESS is not a pattern here
    assert evidence(flag)["entry"][0] == by_phone["id"]
    assert evidence(flag, "en")["other_entries"] == (also["id"], also["id"])


def test_a_name_typed_in_kana_matches_the_entrys_reading(gql, shop, manager):
    entry = create_entry(gql, manager, name="山田 太郎", nameReading="やまだ たろう",
                         postalCode="〒100-0001")
    assert entry["nameReading"] == "やまだ たろう"

    order = shop.place_order(gql, manager, names=("ﾔﾏﾀﾞ", "ﾀﾛｳ"))

    flag = the_flag(gql, shop, manager, order)
    assert flag["reason"] == "BLACKLIST_CANDIDATE"
    assert evidence(flag) == {
        "matched": ("NAME_READING_POSTAL_CODE", "フリガナ+郵便番号"),
        "entry": (entry["id"], entry["id"]),
    }
    assert "name reading + postal code" in flag["english"]


def test_a_reading_without_the_postal_code_matches_nothing(gql, shop, manager):
    create_entry(gql, manager, nameReading="ヤマダ タロウ", postalCode="060-0000")

    order = shop.place_order(gql, manager, names=("ヤマダ", "タロウ"))

    assert flags_of(gql, shop, manager, order) == []


def test_the_customer_account_is_named_as_what_matched(gql, shop, manager):
    customer = shop.customer()
    entry = create_entry(gql, manager, customer=graphene.Node.to_global_id("User", customer.pk))

    order = shop.place_order(gql, manager, user=customer)

    flag = the_flag(gql, shop, manager, order)
    assert flag["english"] == (
        f"Blacklisted customer (matched: customer account; blacklist entry: {entry['id']})"
    )


# The other rules.

def test_remote_island_names_the_postal_code_and_its_list(gql, shop, manager, configure):
    configure(remote_island_check="true", remote_island_postal_codes_added="100-0001",
              active=True)

    island = shop.place_order(gql, manager, postal_code=HACHIJO)
    added = shop.place_order(gql, manager, postal_code="1000001")

    flag = the_flag(gql, shop, manager, island)
    assert flag["message"] == "離島からのご注文（郵便番号: 100-1401、該当リスト: 標準の離島リスト）"
    assert flag["english"] == (
        "Order from a remote island (postal code: 100-1401; listed in: the built-in "
        "remote-island list)"
    )
    assert evidence(the_flag(gql, shop, manager, added), "en")["island_list"] == (
        "ADDED", "the shop's added postal codes",
    )


def test_cash_on_delivery_names_the_gateway(gql, shop, manager, configure):
    configure(cod_payment_gateways="mirumee.payments.dummy", cod_allowed_regular_orders="false",
              active=True)

    order = shop.place_order(gql, manager, payment_gateway="mirumee.payments.dummy")

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == (
        "代引きを利用できない設定のため、注文ステータスを「要対応」に変更（決済方法: mirumee.payments.dummy）"
    )
    assert flag["english"].endswith("(payment gateway: mirumee.payments.dummy)")


def test_a_rejected_credit_check_names_the_result_code_and_event(gql, shop, manager, post):
    order = shop.order()

    assert post({"id": "np-77", "type": "credit_check.result",
                 "order": shop.order_id(order), "code": "20"}).status_code == 200

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == (
        "注文ステータスを「与信NG」、「要対応」に変更（与信結果コード: 20、連携イベントID: np-77）"
    )
    assert flag["english"] == (
        "Credit check rejected, attention required. (result code: 20; provider event: np-77)"
    )


def test_an_unrecognised_result_names_its_event(gql, shop, manager):
    order = shop.order()
    services.report_credit_check(order, "31", "np-78")

    flag = the_flag(gql, shop, manager, order)
    assert flag["english"] == (
        "Credit check result “31” is not a recognised status. (provider event: np-78)"
    )


def test_an_amount_mismatch_names_both_amounts(gql, shop, manager):
    order = shop.order()
    services.report_credit_check(order, "00", "np-79", amount=Decimal("15.00"))

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == "入金額【15】が注文金額【20】と一致しません。"
    assert flag["english"] == "The credit-checked amount [15] does not match the order total [20]."


def test_a_payment_failure_names_the_gateway_message_and_reference(gql, shop, manager, post):
    order = shop.order()

    assert post({"id": "card-9", "type": "payment.failed", "order": shop.order_id(order),
                 "gateway": "stripe", "message": "Your card was declined.",
                 "reference": "pi_3Nx"}).status_code == 200

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == (
        "クレジット決済失敗（決済方法: stripe、決済代行のメッセージ: Your card was declined.、"
        "決済番号: pi_3Nx）"
    )
    assert flag["english"] == (
        "Card payment failed (payment gateway: stripe; gateway message: Your card was "
        "declined.; payment reference: pi_3Nx)"
    )


def test_a_failure_saleor_records_names_what_saleor_was_told(gql, shop, manager):
    order = shop.order()

    shop.record_payment_failure(order)

    flag = the_flag(gql, shop, manager, order)
    assert evidence(flag, "en") == {
        "gateway": ("mirumee.payments.dummy", "mirumee.payments.dummy"),
        "message": ("Card declined", "Card declined"),
    }


def test_a_renewal_failure_keeps_its_evidence_too(gql, shop, manager, post):
    order = shop.order()

    post({"id": "card-10", "type": "payment.failed", "order": shop.order_id(order),
          "renewal": True, "gateway": "stripe"})

    assert the_flag(gql, shop, manager, order)["message"] == "定期決済失敗（決済方法: stripe）"


def test_a_returned_delivery_names_the_carriers_data(gql, shop, manager, post):
    order = shop.order()

    assert post({"id": "yamato-55", "type": "delivery.returned", "order": shop.order_id(order),
                 "carrier": "ヤマト運輸", "tracking_number": "4470-1234-5678",
                 "reason": "受取拒否"}).status_code == 200

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == (
        "配送戻り（配送業者: ヤマト運輸、伝票番号: 4470-1234-5678、戻り理由: 受取拒否、"
        "連携イベントID: yamato-55）"
    )
    assert flag["english"] == (
        "Delivery returned to the shop (carrier: ヤマト運輸; tracking number: 4470-1234-5678; "
        "return reason: 受取拒否; provider event: yamato-55)"
    )


def test_the_python_api_takes_the_same_evidence(gql, shop, manager):
    order = shop.order()

    services.report_delivery_returned(order, "sagawa-1", carrier="佐川急便", reason="宛先不明")

    assert evidence(the_flag(gql, shop, manager, order)) == {
        "carrier": ("佐川急便", "佐川急便"), "return_reason": ("宛先不明", "宛先不明"),
        "event": ("sagawa-1", "sagawa-1"),
    }


def test_a_flag_set_by_hand_has_no_evidence(gql, shop, manager):
    order = shop.order()
    services.set_flag(order, "REMOTE_ISLAND")

    flag = the_flag(gql, shop, manager, order)
    assert flag["message"] == "離島からのご注文" and flag["evidence"] == []


# Bad evidence is refused with a typed answer, never a server error.

@pytest.mark.parametrize("extra", [
    {"carrier": 7}, {"tracking_number": ["1"]}, {"reason": "x" * 256}, {"carrier": {"a": 1}},
])
def test_bad_carrier_data_is_400_and_flags_nothing(shop, post, extra):
    order = shop.order()
    response = post({"id": "yamato-bad", "type": "delivery.returned",
                     "order": shop.order_id(order), **extra})
    assert response.status_code == 400 and response.json()["error"]
    assert not Flag.objects.filter(order=order).exists()


@pytest.mark.parametrize("extra", [{"gateway": 1}, {"message": True}, {"reference": "r" * 256}])
def test_bad_gateway_data_is_400_and_flags_nothing(shop, post, extra):
    order = shop.order()
    response = post({"id": "card-bad", "type": "payment.failed",
                     "order": shop.order_id(order), **extra})
    assert response.status_code == 400 and response.json()["error"]
    assert not Flag.objects.filter(order=order).exists()
