"""The order history Saleor's dashboard shows: a subscription flag's set, release and
date warnings reach every order of the subscription, in the shop's language, with as
many statements whatever the subscription's size (issue 9)."""
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from saleor_attention import services
from saleor_attention.actors import Actor
from saleor_attention.adapter import shop as line

from .documents import RELEASE_FLAGS, SET_FLAG, today

PASSED = "2020-01-31"


def subscription(shop, name, size=3, planned=None):
    metadata = {"saleor_attention.subscription": name}
    if planned:
        metadata["saleor_attention.planned_shipping_date"] = planned
    return [shop.order(metadata=metadata) for _ in range(size)]


def set_flag(gql, manager, order, shop, **values):
    payload = gql(SET_FLAG, {"input": {"order": shop.order_id(order), **values}}, as_=manager)
    payload = payload["data"]["attentionFlagSet"]
    assert payload["errors"] == []
    return payload["flag"]


def release(gql, manager, order, shop, flag, comment="確認済み"):
    payload = gql(RELEASE_FLAGS, {"input": {
        "order": shop.order_id(order), "flags": [flag["id"]], "handledOn": today(),
        "comment": comment,
    }}, as_=manager)["data"]["attentionFlagRelease"]
    assert payload["errors"] == []
    return payload


def lines(shop, order):
    return [line for note in shop.history_notes(order) for line in note.split("\n")]


def test_a_subscription_flag_set_and_released_through_other_orders_is_in_every_history(
    gql, shop, manager, configure
):
    configure(history_language="ja")
    twentieth, twenty_first, twenty_second = subscription(shop, "SUB-H1")
    other = subscription(shop, "SUB-H2", size=1)[0]

    flag = set_flag(gql, manager, twenty_first, shop, scope="SUBSCRIPTION", reason="MANUAL",
                    note="定期決済失敗")
    release(gql, manager, twenty_second, shop, flag)

    for order in (twentieth, twenty_first, twenty_second):
        assert lines(shop, order) == [
            "要対応 設定: 定期決済失敗 [MANUAL, SUBSCRIPTION]",
            "要対応 解除: 定期決済失敗 [MANUAL, SUBSCRIPTION] — 確認済み",
        ]
    assert lines(shop, other) == []


def test_an_order_flag_stays_in_its_own_orders_history(gql, shop, manager):
    first, second, _third = subscription(shop, "SUB-H3")

    set_flag(gql, manager, first, shop, note="hold")

    assert lines(shop, first) == ["Attention set: hold [MANUAL, ORDER]"]
    assert lines(shop, second) == []


def test_a_release_warns_every_order_it_cleared_whose_date_passed(gql, shop, manager):
    cleared, through, still_flagged = subscription(shop, "SUB-H4", planned=PASSED)
    future = subscription(shop, "SUB-H4", size=1, planned="2999-01-01")[0]
    services.set_flag(still_flagged, note="own hold", actor=Actor(user=manager))
    flag = set_flag(gql, manager, cleared, shop, scope="SUBSCRIPTION", note="hold")

    payload = release(gql, manager, through, shop, flag, comment="")

    assert [warning["code"] for warning in payload["warnings"]] == ["SHIPPING_DATE_PASSED"]
    passed = (
        f"The order is ready to ship again, but its planned shipping date {PASSED} has "
        "passed: change the date before shipping."
    )
    released = "Attention released: hold [MANUAL, SUBSCRIPTION]"
    assert lines(shop, through)[-2:] == [released, passed]
    assert lines(shop, cleared)[-2:] == [released, passed]
    assert lines(shop, still_flagged)[-1] == released  # its own flag still stops it
    assert lines(shop, future)[-1] == released


@pytest.mark.parametrize(
    "setting, language_code, expected",
    [
        ("", "en", "Attention set: hold [MANUAL, ORDER]"),
        ("", "ja", "要対応 設定: hold [MANUAL, ORDER]"),
        ("", "ja-jp", "要対応 設定: hold [MANUAL, ORDER]"),
        ("ja", "en", "要対応 設定: hold [MANUAL, ORDER]"),
        ("en", "ja", "Attention set: hold [MANUAL, ORDER]"),
        ("EN", "fr", "Attention set: hold [MANUAL, ORDER]"),
    ],
)
def test_history_is_in_the_shops_language(
    gql, shop, manager, configure, order, setting, language_code, expected
):
    assert configure(history_language=setting)["errors"] == []

    with override_settings(LANGUAGE_CODE=language_code):
        set_flag(gql, manager, order, shop, note="hold")

    assert lines(shop, order) == [expected]


def statements_of_setting_a_subscription_flag(shop, size, name):
    order = subscription(shop, name, size=size)[0]
    with CaptureQueriesContext(connection) as captured:
        services.set_flag(order, note="hold", scope="SUBSCRIPTION")
    return len(captured.captured_queries)


def test_a_subscription_change_costs_the_same_statements_for_2_or_12_orders(shop):
    assert statements_of_setting_a_subscription_flag(shop, 2, "SUB-H5") == (
        statements_of_setting_a_subscription_flag(shop, 12, "SUB-H6")
    )
    notes = line.OrderEvent.objects.filter(
        order__attention_facts__subscription="SUB-H6", type="note_added"
    )
    assert notes.count() == 12
