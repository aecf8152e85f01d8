"""The credit-check rule on its own: facts and settings in, outcome out."""
import pytest

from saleor_attention import config
from saleor_attention.reasons import get_reason
from saleor_attention.rules.credit_check import CreditCheck, evaluate

TEXT_1 = "初回注文だったが、選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_2 = "注文二回目以降のため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_3 = "選択中の配送方法が「代引き」を指定できないため、注文ステータスを「与信NG」、「要対応」に変更"
TEXT_4 = "注文ステータスを「与信NG」、「要対応」に変更"
# The evidence a flag keeps: the provider's result code and event id.
EVIDENCE = "（与信結果コード: 20、連携イベントID: evt-1）"


def outcome(code, policy=config.ALL_ATTENTION, first_order=True, cod_possible=True):
    settings = config.parse({"deferred_payment_rejection_policy": policy})
    return evaluate(CreditCheck(code, "evt-1", first_order, cod_possible), settings)


def staff_text(result):
    [flag] = result.flags
    return get_reason(flag.reason).staff_message(flag.params)


@pytest.mark.parametrize("code", ["00", "10", "40"])
def test_ok_pending_and_review_raise_nothing_but_are_noted(code):
    result = outcome(code)
    assert result.flags == () and not result.switch_to_cod and result.note


@pytest.mark.parametrize(
    "policy, first_order, cod_possible, expected",
    [
        (config.ALL_ATTENTION, True, True, TEXT_4),
        (config.ALL_ATTENTION, False, False, TEXT_4),
        (config.ALL_COD, True, False, TEXT_3),
        (config.ALL_COD, False, False, TEXT_3),
        (config.FIRST_ORDER_COD, True, False, TEXT_1),
        (config.FIRST_ORDER_COD, False, True, TEXT_2),
        (config.FIRST_ORDER_COD, False, False, TEXT_2),
    ],
)
def test_rejection_needs_attention(policy, first_order, cod_possible, expected):
    result = outcome("20", policy, first_order, cod_possible)
    assert not result.switch_to_cod
    assert result.flags[0].reason == "DEFERRED_PAYMENT_REJECTED"
    assert staff_text(result) == expected + EVIDENCE
    assert result.flags[0].params == {"variant": result.flags[0].params["variant"],
                                      "code": "20", "event": "evt-1"}
    assert get_reason("DEFERRED_PAYMENT_REJECTED").emails_customer


@pytest.mark.parametrize(
    "policy, first_order", [(config.ALL_COD, True), (config.ALL_COD, False),
                            (config.FIRST_ORDER_COD, True)],
)
def test_rejection_switches_to_cod_without_a_flag(policy, first_order):
    result = outcome("20", policy, first_order, cod_possible=True)
    assert result.switch_to_cod and result.flags == ()


@pytest.mark.parametrize("code", ["30", "", "NG", "99"])
def test_unrecognised_result_names_the_code(code):
    result = outcome(code)
    assert result.flags[0].reason == "DEFERRED_PAYMENT_UNRECOGNIZED"
    assert staff_text(result) == f"与信結果「{code}」は、識別できないステータスです。（連携イベントID: evt-1）"
    assert not get_reason("DEFERRED_PAYMENT_UNRECOGNIZED").emails_customer


def test_one_provider_event_is_one_cause():
    assert outcome("20").flags[0].handle == "credit-check:evt-1"
