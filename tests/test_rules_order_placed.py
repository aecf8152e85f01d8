"""Remote-island and COD rules on their own (SPEC §5.5, §5.6)."""
import pytest

from saleor_attention import config
from saleor_attention.reasons import get_reason
from saleor_attention.rules.order_placed import PlacedOrder, built_in_remote_islands, evaluate

HACHIJO = "1001401"  # 八丈島八丈町
TOKYO = "1000001"  # 千代田区
COD = "mirumee.payments.cod"


def reasons(postal_code=TOKYO, gateway="card", subscription="", first=False, **values):
    settings = config.parse({"cod_payment_gateways": COD, **values})
    flags = evaluate(PlacedOrder(postal_code, gateway, subscription, first), settings)
    return [flag.reason for flag in flags]


def test_built_in_list_has_the_islands_and_not_the_mainland():
    islands = built_in_remote_islands()
    assert {HACHIJO, "9071801", "8170000"} <= islands  # 八丈, 与那国, 対馬
    assert TOKYO not in islands and "1600022" not in islands


def test_remote_island_needs_the_option():
    assert reasons(HACHIJO) == []
    assert reasons(HACHIJO, remote_island_check="true") == ["REMOTE_ISLAND"]
    assert reasons(TOKYO, remote_island_check="true") == []


def test_shop_adds_and_removes_codes():
    assert reasons(TOKYO, remote_island_check="true",
                   remote_island_postal_codes_added="100-0001") == ["REMOTE_ISLAND"]
    assert reasons(HACHIJO, remote_island_check="true",
                   remote_island_postal_codes_removed=HACHIJO) == []


def test_remote_island_text():
    assert get_reason("REMOTE_ISLAND").staff_message() == "離島からのご注文"
    assert not get_reason("REMOTE_ISLAND").emails_customer


@pytest.mark.parametrize(
    "gateway, allowed, subscription, expected",
    [
        (COD, "false", "", ["COD_NOT_ALLOWED"]),
        (COD, "true", "", []),
        ("card", "false", "", []),
        (COD, "false", "SUB-1", []),
    ],
)
def test_cod_for_regular_orders(gateway, allowed, subscription, expected):
    assert reasons(gateway=gateway, subscription=subscription,
                   cod_allowed_regular_orders=allowed) == expected


@pytest.mark.parametrize("first, first_allowed, later_allowed, expected", [
    (True, "false", "true", ["COD_NOT_ALLOWED"]),
    (True, "true", "false", []),
    (False, "true", "false", ["COD_NOT_ALLOWED"]),
    (False, "false", "true", []),
])
def test_cod_for_subscription_orders(first, first_allowed, later_allowed, expected):
    settings = dict(cod_allowed_first_subscription_orders=first_allowed,
                    cod_allowed_later_subscription_orders=later_allowed)
    assert reasons(gateway=COD, subscription="SUB-1", first=first, **settings) == expected
    assert reasons(gateway="card", subscription="SUB-1", first=first, **settings) == []
    # A regular order follows its own setting whatever these say.
    assert reasons(gateway=COD, **settings) == []


def test_cod_not_allowed_text_and_email():
    reason = get_reason("COD_NOT_ALLOWED")
    assert reason.staff_message() == "代引きを利用できない設定のため、注文ステータスを「要対応」に変更"
    assert reason.emails_customer


@pytest.mark.parametrize("name, value", [
    ("remote_island_postal_codes_added", "12345"),
    ("remote_island_postal_codes_removed", "abcdefg"),
    ("remote_island_check", "maybe"),
])
def test_bad_values_name_their_setting(name, value):
    with pytest.raises(config.SettingError) as error:
        config.parse({name: value})
    assert error.value.name == name
