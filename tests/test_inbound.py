"""Signed provider events: credit-check results and delivery returns (SPEC §5.1, §5.8)."""
import json
import time

import pytest

from saleor_attention import canonical, inbound
from saleor_attention.models import Event, Flag, InboundEvent

from .test_race import run_together

SECRET = "shop-secret"
PATH = "/plugins/global/saleor_attention/inbound/"

TEXT_1 = "初回注文だったが、選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_2 = "注文二回目以降のため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_3 = "選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_4 = "注文ステータスを「与信NG」、「要対応」に変更"
# What a flag of a rejected credit check keeps as its evidence, shown after the text.
EVIDENCE = "（与信結果コード: 20、連携イベントID: np-1）"
NO_COD_METHOD = "ネコポス"
RACE_ROUNDS = 6


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


def amount_check(shop, order, amount):
    return {**credit_check(shop, order, "00"), "amount": amount}


def test_rejected_credit_check_flags_the_order(shop, post, order):
    response = post(credit_check(shop, order, "20"))

    assert response.status_code == 200
    [flag] = Flag.objects.filter(order=order)
    assert flag.reason == "DEFERRED_PAYMENT_REJECTED" and flag.source == "RULE"
    assert flag.message() == TEXT_4 + EVIDENCE
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

    assert messages(order) == [expected + EVIDENCE]


@pytest.mark.parametrize("policy", ["ALL_COD", "FIRST_ORDER_COD"])
def test_rejection_switches_to_cod_and_says_so_in_the_history(shop, post, configure, policy):
    configure(deferred_payment_rejection_policy=policy, cod_unavailable_shipping_methods=NO_COD_METHOD,
              history_language="ja")
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
    assert messages(order) == ["与信結果「99」は、識別できないステータスです。（連携イベントID: np-1）"]


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
    assert messages(order) == ["配送戻り（連携イベントID: yamato-7）"]


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
    assert messages(order) == [TEXT_4 + "（与信結果コード: 20、連携イベントID: np-9）"]


def test_a_payment_failure_saleor_records_flags_the_order(shop, order):
    shop.record_payment_failure(order)

    assert messages(order) == [
        "クレジット決済失敗（決済方法: mirumee.payments.dummy、決済代行のメッセージ: Card declined）"
    ]
    assert Flag.objects.get(order=order).source == "RULE"


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
    assert messages(order) == ["配送戻り（連携イベントID: yamato-9）"]


def test_an_unsigned_event_while_the_plugin_is_off_is_still_401(shop, post, configure, order):
    configure(active=False)
    assert post(returned(shop, order), secret="wrong").status_code == 401


@pytest.mark.parametrize("event_type", ["delivery.returned", "credit_check.result"])
@pytest.mark.parametrize("length", [inbound.MAX_ID_LENGTH + 1, 240, 256, 1000])
def test_an_overlong_event_id_is_400(shop, post, order, event_type, length):
    event = {"id": "x" * length, "type": event_type, "order": shop.order_id(order),
             "code": "20"}
    response = post(event)

    assert response.status_code == 400
    assert "'id'" in response.json()["error"]
    assert_nothing_written()


def test_an_event_id_of_the_longest_length_is_taken(shop, post, order):
    response = post(returned(shop, order, "x" * inbound.MAX_ID_LENGTH))
    assert response.status_code == 200
    assert messages(order) == [f"配送戻り（連携イベントID: {'x' * inbound.MAX_ID_LENGTH}）"]


@pytest.mark.parametrize(
    "change",
    [
        {"id": "np\u0000-1"},
        {"type": "delivery.returned\u0000"},
        {"note": "a\u0000b"},
        {"\u0000": "key"},
        {"nested": [{"deep": "\u0000"}]},
        {"note": "\ud800"},  # an unpaired surrogate: PostgreSQL refuses it too
    ],
)
def test_text_postgresql_cannot_store_is_400(shop, post, order, change):
    response = post({**returned(shop, order), **change})

    assert response.status_code == 400 and response.json()["error"]
    assert_nothing_written()


@pytest.mark.parametrize("depth", [inbound.MAX_DEPTH + 1, 30_000])
def test_deeply_nested_json_is_400(shop, post, order, depth):
    nested = b"[" * depth + b"]" * depth
    raw = json.dumps(returned(shop, order)).encode()[:-1] + b', "extra": ' + nested + b"}"
    assert len(raw) <= inbound.MAX_BODY_BYTES

    response = post(None, raw=raw)

    assert response.status_code == 400
    assert "nested" in response.json()["error"]
    assert_nothing_written()


@pytest.mark.parametrize(
    "amount",
    ["NaN", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", -1, "-1", "-0.5", -0.01,
     True, False, "", " ", "abc", "1e3", "1_000", "１２", "12.", ".5", "1.2345",
     10 ** 12, "1234567890123", 1e300, [], {}, ["1"]],
)
def test_amount_must_be_a_finite_non_negative_decimal(shop, post, order, amount):
    response = post(amount_check(shop, order, amount))

    assert response.status_code == 400
    assert "'amount'" in response.json()["error"]
    assert_nothing_written()


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400"])
def test_amounts_json_numbers_cannot_hold_are_400(shop, post, order, literal):
    raw = json.dumps(amount_check(shop, order, 0)).encode()[:-2] + literal + b"}"

    response = post(None, raw=raw)

    assert response.status_code == 400 and response.json()["error"]
    assert_nothing_written()


@pytest.mark.parametrize(
    "amount, stored",
    [(3980, "3980"), ("3980", "3980"), (39.8, "39.8"), ("0.125", "0.125"),
     ("999999999999.999", "999999999999.999"), (0, "0"), (None, None)],
)
def test_amount_takes_numbers_and_numeric_strings(shop, post, order, amount, stored):
    assert post(amount_check(shop, order, amount)).status_code == 200

    metadata = shop.reload(order).private_metadata
    assert metadata.get("saleor_attention.credit_checked_amount") == stored


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id": None}, "'id'"), ({"id": ""}, "'id'"), ({"id": "  "}, "'id'"),
        ({"id": {}}, "'id'"), ({"id": ["np-1"]}, "'id'"), ({"id": True}, "'id'"),
        ({"id": 1.5}, "'id'"),
        ({"type": None}, "'type'"), ({"type": 1}, "'type'"), ({"type": ["x"]}, "'type'"),
        ({"order": None}, "'order'"), ({"order": 1}, "'order'"), ({"order": {}}, "'order'"),
        ({"code": None}, "'code'"), ({"code": 20}, "'code'"), ({"code": ""}, "'code'"),
        ({"code": "2" * (inbound.MAX_CODE_LENGTH + 1)}, "'code'"), ({"code": ["20"]}, "'code'"),
    ],
)
def test_event_fields_must_have_their_types(shop, post, order, change, field):
    response = post({**credit_check(shop, order, "20"), **change})

    assert response.status_code == 400
    assert field in response.json()["error"]
    assert_nothing_written()


def test_a_numbered_event_id_is_taken_as_text(shop, post, order):
    response = post({**returned(shop, order), "id": 42})

    assert response.json() == {"id": "42", "duplicate": False}
    assert InboundEvent.objects.get().event_id == "42"


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"", 400), (b"not json", 400), (b"\xff\xfe\x00", 400), (b"[]", 400),
        (b'"text"', 400), (b"42", 400), (b"null", 400), (b"[{}]", 400), (b"{}", 400),
        (json.dumps({"padding": "x" * inbound.MAX_BODY_BYTES}).encode(), 413),
        (b"[" * 100_000 + b"]" * 100_000, 413),
    ],
    ids=["empty", "not-json", "not-utf8", "array", "string", "number", "null",
         "array-of-object", "empty-object", "oversized", "100000-deep"],
)
def test_every_malformed_request_is_a_4xx_json_answer_and_writes_nothing(
    shop, post, order, raw, status
):
    response = post(None, raw=raw)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json" and response.json()["error"]
    assert_nothing_written()


def test_the_same_event_laid_out_differently_is_a_duplicate(shop, post, order):
    event = credit_check(shop, order, "20")
    post(event)
    reordered = json.dumps(dict(reversed(list(event.items()))), indent=2).encode()

    response = post(None, raw=reordered)

    assert response.json() == {"id": "np-1", "duplicate": True}
    assert Flag.objects.count() == 1 and InboundEvent.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda shop: {"type": "delivery.returned"},
        lambda shop: {"code": "00"},
        lambda shop: {"order": shop.order_id(shop.order())},
        lambda shop: {"note": "again"},
    ],
    ids=["type", "code", "order", "body"],
)
def test_the_same_id_with_other_content_is_409_and_changes_nothing(shop, post, order, change):
    event = credit_check(shop, order, "20")
    post(event)
    other = {**event, **change(shop)}
    before = (Flag.objects.count(), Event.objects.count(), InboundEvent.objects.count())

    response = post(other)

    assert response.status_code == 409 and response.json()["error"]
    assert (Flag.objects.count(), Event.objects.count(), InboundEvent.objects.count()) == before


def test_an_integrity_error_that_is_not_a_repeated_id_is_not_called_a_duplicate(
    shop, post, order, monkeypatch
):
    from django.db import IntegrityError

    from saleor_attention import triggers

    def clash(order, event_id, actor=None, **evidence):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(triggers, "delivery_returned_reported", clash)

    with pytest.raises(IntegrityError):
        post(returned(shop, order))
    assert_nothing_written()


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_take_it_in_once(shop, post, order):
    for round_ in range(RACE_ROUNDS):
        event = returned(shop, order, f"yamato-race-{round_}")
        answers = []
        run_together(*[lambda: answers.append(post(event))] * 2)

        assert sorted(answer.json()["duplicate"] for answer in answers) == [False, True]
        assert InboundEvent.objects.filter(event_id=event["id"]).count() == 1
    assert Flag.objects.filter(order=order).count() == RACE_ROUNDS


def test_events_received_before_get_their_digest_from_the_migration(shop, order):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("saleor_attention", "0005_order_facts")]
    connection.check_constraints()  # the order's rows, before any table is altered
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_model = executor.loader.project_state(before).apps.get_model(
        "saleor_attention", "InboundEvent"
    )
    event = returned(shop, order, "yamato-old")
    old_model.objects.create(event_id=event["id"], type=event["type"], order_id=order.pk,
                             payload=event)
    connection.check_constraints()  # PostgreSQL alters no table with checks pending

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("saleor_attention"))

    assert InboundEvent.objects.get().digest == canonical.digest(event)
