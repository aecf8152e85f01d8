"""Setting and releasing flags through the staff API: results, records, bad input."""
import json

import graphene
import pytest

from saleor_attention import services
from saleor_attention.actors import RULES, Actor
from saleor_attention.models import Event, Flag

from .documents import ORDER_ATTENTION, RELEASE_FLAGS, SET_FLAG, shop_date, today
from .line import saleor_shop


def flag_gid(flag):
    return graphene.Node.to_global_id("AttentionFlag", flag.pk)


def set_flag(gql, manager, variables):
    return gql(SET_FLAG, {"input": variables}, as_=manager)["data"]["attentionFlagSet"]


def release(gql, manager, variables):
    return gql(RELEASE_FLAGS, {"input": variables}, as_=manager)["data"]["attentionFlagRelease"]


def snapshot():
    """Everything a failed call must leave untouched."""
    return (
        list(Flag.objects.order_by("pk").values()),
        Event.objects.count(),
    )


def test_set_returns_the_flag_with_catalogue_texts(gql, shop, manager, order):
    payload = set_flag(
        gql, manager,
        {"order": shop.order_id(order), "note": "住所確認中", "dueOn": today(5)},
    )

    flag = payload["flag"]
    assert payload["created"] is True
    assert flag["reason"] == "MANUAL" and flag["scope"] == "ORDER"
    assert flag["source"] == "STAFF" and flag["status"] == "ACTIVE"
    assert flag["message"] == "住所確認中"
    assert flag["guidance"] == "設定したスタッフのメモに従って対応してください。"
    assert "ショップまでお問い合わせください" in flag["customerMessage"]
    assert flag["dueOn"] == today(5) and flag["handledOn"] is None
    assert flag["createdBy"] == {
        "kind": "STAFF", "id": graphene.Node.to_global_id("User", manager.pk), "name": manager.email,
    }
    assert flag["orderNumber"] == shop.order_number(order)


def test_set_writes_event_history_note_and_private_metadata(gql, shop, manager, order, configure):
    configure(history_language="ja")
    flag = set_flag(gql, manager, {"order": shop.order_id(order), "note": "hold"})["flag"]

    [event] = Event.objects.filter(order=order)
    assert event.type == "FLAG_SET" and event.user == manager
    assert any("要対応 設定: hold" in note for note in shop.history_notes(order))
    # A JSON-encoded string (Saleor's metadata values are strings on Saleor 3) naming
    # the flag by the global id the API gives it, exactly as the README shows it.
    assert shop.reload(order).private_metadata["saleor_attention"] == (
        '{"flags": [{"id": "%s", "reason": "MANUAL", "scope": "ORDER"}], "required": true}'
        % flag["id"]
    )
    assert shop.reload(order).metadata.get("saleor_attention") is None

    release(gql, manager, {"flags": [flag["id"]], "handledOn": today(), "comment": "OK"})

    summary = json.loads(shop.reload(order).private_metadata["saleor_attention"])
    assert summary == {"required": False, "flags": []}
    assert any("要対応 解除: hold [MANUAL, ORDER] — OK" in n for n in shop.history_notes(order))


def test_set_is_idempotent_per_handle(gql, shop, manager, order):
    variables = {"order": shop.order_id(order), "note": "hold", "handle": "wms-123"}
    first = set_flag(gql, manager, variables)
    again = set_flag(gql, manager, variables)

    assert again["created"] is False
    assert again["flag"]["id"] == first["flag"]["id"]
    assert Flag.objects.filter(order=order).count() == 1
    assert Event.objects.filter(order=order).count() == 1


def test_rule_firing_twice_for_one_cause_keeps_one_active_flag(shop, order):
    for _ in range(2):
        services.set_flag(order, "PAYMENT_FAILED", handle="payment:42", actor=RULES)

    assert Flag.objects.filter(order=order, status="ACTIVE").count() == 1


def test_same_handle_after_release_raises_a_new_flag(shop, order):
    first = services.set_flag(order, "PAYMENT_FAILED", handle="payment:42").flag
    services.release_flags(order, flag_ids=[first.pk], handled_on=shop_date())

    second = services.set_flag(order, "PAYMENT_FAILED", handle="payment:42")

    assert second.created and second.flag.pk != first.pk


def test_release_all_of_one_scope_and_say_what_remains(gql, shop, manager):
    order = shop.order(metadata={"saleor_attention.subscription": "SUB-9"})
    services.set_flag(order, note="a")
    services.set_flag(order, note="b")
    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r1")

    payload = release(
        gql, manager,
        {"order": shop.order_id(order), "scope": "ORDER", "handledOn": today()},
    )

    assert payload["errors"] == []
    assert len(payload["released"]) == 2
    [remaining] = payload["remaining"]
    assert remaining["scope"] == "SUBSCRIPTION" and remaining["message"] == "定期決済失敗"
    [warning] = payload["warnings"]
    assert warning["code"] == "STILL_NEEDS_ATTENTION"
    assert "定期注文全体" in warning["message"]


def test_releasing_the_last_flag_warns_when_the_shipping_date_passed(gql, shop, manager):
    order = shop.order(metadata={"saleor_attention.planned_shipping_date": "2020-01-31"})
    flag = services.set_flag(order, note="hold").flag

    payload = release(gql, manager, {"flags": [flag_gid(flag)], "handledOn": today()})

    assert [w["code"] for w in payload["warnings"]] == ["SHIPPING_DATE_PASSED"]
    assert Event.objects.filter(order=order, type="SHIPPING_DATE_PASSED").exists()


def test_order_attention_lists_flags_blocked_actions_and_events(gql, shop, manager):
    order = shop.order(metadata={"saleor_attention.subscription": "SUB-3"})
    services.set_flag(order, "REMOTE_ISLAND", handle="island", actor=RULES)
    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r")

    attention = gql(ORDER_ATTENTION, {"id": shop.order_id(order)}, as_=manager)["data"]["order"][
        "attention"
    ]

    assert attention["required"] is True
    assert attention["blockedActions"] == [
        "FULFILL", "AUTOMATIC_CHARGE", "SUBSCRIPTION_RENEWAL", "CUSTOMER_CHANGES"
    ]
    assert {flag["message"] for flag in attention["flags"]} == {"離島からのご注文", "定期決済失敗"}
    assert [event["type"] for event in attention["events"]] == ["FLAG_SET", "FLAG_SET"]


def test_only_a_subscription_flag_leaves_customer_changes_open(gql, shop, manager):
    order = shop.order(metadata={"saleor_attention.subscription": "SUB-4"})
    services.set_flag(order, "RENEWAL_PAYMENT_FAILED", scope="SUBSCRIPTION", handle="r")

    attention = gql(ORDER_ATTENTION, {"id": shop.order_id(order)}, as_=manager)["data"]["order"][
        "attention"
    ]

    assert attention["blockedActions"] == ["FULFILL", "AUTOMATIC_CHARGE", "SUBSCRIPTION_RENEWAL"]


# Bad input: a typed error, and nothing written.

@pytest.mark.parametrize(
    "variables, field, code",
    [
        ({"order": "not-an-id", "note": "x"}, "order", "GRAPHQL_ERROR"),
        ({"order": graphene.Node.to_global_id("Product", 1), "note": "x"}, "order", "GRAPHQL_ERROR"),
        ({"order": saleor_shop.unknown_order_id(), "note": "x"}, "order", "NOT_FOUND"),
        ({"reason": "DEFERRED_PAYMENT_UNRECOGNIZED"}, "reason", "INVALID"),
        ({"note": ""}, "note", "REQUIRED"),
        ({"note": "x" * 2001}, "note", "TOO_LONG"),
        ({"note": "x", "scope": "SUBSCRIPTION"}, "scope", "NOT_IN_SUBSCRIPTION"),
    ],
)
def test_bad_set_input(gql, shop, manager, order, variables, field, code):
    before = snapshot()
    payload = set_flag(gql, manager, {"order": shop.order_id(order), **variables})

    assert payload["flag"] is None
    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code)
    assert payload["errors"][0]["message"]
    assert snapshot() == before


def test_an_unknown_reason_is_refused_by_the_schema(gql, shop, manager, order):
    """reason is the AttentionReason enum, as in attentionFlags(filter: {reasons})."""
    before = snapshot()
    response = gql(
        SET_FLAG,
        {"input": {"order": shop.order_id(order), "reason": "NO_SUCH_REASON", "note": "x"}},
        as_=manager,
    )

    assert response.get("data") is None
    assert "NO_SUCH_REASON" in response["errors"][0]["message"]
    assert snapshot() == before


@pytest.fixture
def two_flags(shop, order):
    return [services.set_flag(order, note=note).flag for note in ("a", "b")]


@pytest.mark.parametrize(
    "variables, field, code",
    [
        ({"comment": "長" * 2001}, "comment", "TOO_LONG"),
        ({"flags": ["garbage"]}, "flags", "GRAPHQL_ERROR"),
        ({"flags": [graphene.Node.to_global_id("Order", 1)]}, "flags", "GRAPHQL_ERROR"),
        ({"flags": [graphene.Node.to_global_id("AttentionFlag", 999999)]}, "flags", "NOT_FOUND"),
        ({"flags": [], "order": None}, "order", "REQUIRED"),
    ],
)
def test_bad_release_input(gql, manager, two_flags, variables, field, code):
    before = snapshot()
    payload = release(
        gql, manager,
        {"flags": [flag_gid(f) for f in two_flags], "handledOn": today(), **variables},
    )

    assert (payload["errors"][0]["field"], payload["errors"][0]["code"]) == (field, code)
    assert payload["released"] is None
    assert snapshot() == before


def test_releasing_twice_is_an_error_and_changes_nothing(gql, manager, two_flags):
    first, second = two_flags
    release(gql, manager, {"flags": [flag_gid(first)], "handledOn": today()})
    before = snapshot()

    payload = release(
        gql, manager, {"flags": [flag_gid(first), flag_gid(second)], "handledOn": today()}
    )

    assert payload["errors"][0]["code"] == "ALREADY_RELEASED"
    assert snapshot() == before
    second.refresh_from_db()
    assert second.status == "ACTIVE"


def test_releasing_another_orders_flag_is_an_error(gql, shop, manager, two_flags, order):
    other = shop.order()
    before = snapshot()

    payload = release(
        gql, manager,
        {"order": shop.order_id(other), "flags": [flag_gid(two_flags[0])], "handledOn": today()},
    )

    assert payload["errors"][0] == {
        "field": "flags", "code": "NOT_FOUND",
        "message": "1 of the flags do not belong to this order.",
    }
    assert snapshot() == before


def test_releasing_a_scope_with_nothing_active_is_an_error(gql, shop, manager, order):
    payload = release(
        gql, manager, {"order": shop.order_id(order), "scope": "ORDER", "handledOn": today()}
    )
    assert payload["errors"][0]["code"] == "NOTHING_TO_RELEASE"


def test_python_api_reports_all_problems_at_once(shop, order):
    with pytest.raises(services.AttentionError) as raised:
        services.release_flags(order, handled_on=None, comment="x" * 3000, actor=Actor())

    assert {problem.field for problem in raised.value.problems} == {"flags", "handledOn", "comment"}
