"""Every input is bounded: lists inside an order are capped, and bad values are typed
errors that change nothing."""
import datetime

import graphene
import pytest
from django.utils import timezone

from saleor_attention import services
from saleor_attention.models import BlacklistEntry, Event, Flag

from .documents import RELEASE_FLAGS, SET_FLAG

NESTED = """
query Nested($id: ID!, $first: Int, $last: Int) {
  order(id: $id) { attention { flags(first: $first) { id } events(last: $last) { message } } }
}
"""
BLACKLIST_CREATE = """
mutation Create($input: AttentionBlacklistEntryInput!) {
  attentionBlacklistEntryCreate(input: $input) { entry { id } errors { field code message } }
}
"""


@pytest.fixture
def busy_order(shop, order):
    for number in range(25):
        services.set_flag(order, note=f"hold {number}")
    return order


def test_nested_lists_are_capped_by_default(gql, shop, manager, busy_order):
    data = gql(NESTED, {"id": shop.order_id(busy_order)}, as_=manager)["data"]

    attention = data["order"]["attention"]
    assert len(attention["flags"]) == 20 and len(attention["events"]) == 20
    # The latest events, in the order they happened.
    assert attention["events"][-1]["message"].startswith("Attention set: hold 24")


@pytest.mark.parametrize("variables", [{"first": 101}, {"last": 0}, {"first": -1}])
def test_nested_lists_refuse_more_than_the_cap(gql, shop, manager, busy_order, variables):
    response = gql(NESTED, {"id": shop.order_id(busy_order), **variables}, as_=manager)

    assert "between 1 and 100" in response["errors"][0]["message"]


def _release(gql, manager, flag, handled_on):
    variables = {"input": {"flags": [graphene.Node.to_global_id("AttentionFlag", flag.pk)],
                           "handledOn": handled_on}}
    return gql(RELEASE_FLAGS, variables, as_=manager)["data"]["attentionFlagRelease"]


@pytest.mark.parametrize("days", [1, 3650], ids=["tomorrow", "far future"])
def test_handled_on_in_the_future_is_refused(gql, manager, order, days):
    flag = services.set_flag(order, note="hold").flag
    handled_on = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()

    payload = _release(gql, manager, flag, handled_on)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("handledOn", "INVALID")]
    flag.refresh_from_db()
    assert flag.status == "ACTIVE"


def test_handled_on_before_the_flag_was_set_is_refused(gql, manager, order):
    flag = services.set_flag(order, note="hold").flag
    events = Event.objects.count()

    payload = _release(gql, manager, flag, "2020-01-01")

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("handledOn", "INVALID")]
    assert Flag.objects.get(pk=flag.pk).status == "ACTIVE" and Event.objects.count() == events


@pytest.mark.parametrize(
    "note, code", [("\u200b\u200b", "REQUIRED"), ("\ufeff \u2060", "REQUIRED"), ("a\x00b", "INVALID")]
)
def test_a_note_must_be_visible_text(gql, shop, manager, order, note, code):
    payload = gql(SET_FLAG, {"input": {"order": shop.order_id(order), "note": note}},
                  as_=manager)["data"]["attentionFlagSet"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("note", code)]
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "values, field, code",
    [
        ({"phone": "0" * 64}, "phone", "TOO_LONG"),
        ({"postalCode": "1" * 20, "name": "山田"}, "postalCode", "TOO_LONG"),
        ({"name": "㍿" * 255, "postalCode": "1000001"}, "name", "TOO_LONG"),
        ({"email": "a\x00@example.com"}, "email", "INVALID"),
        ({"address": "東京\x00"}, "address", "INVALID"),
    ],
)
def test_blacklist_values_that_do_not_fit_are_typed_errors(gql, manager, values, field, code):
    payload = gql(BLACKLIST_CREATE, {"input": values},
                  as_=manager)["data"]["attentionBlacklistEntryCreate"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert not BlacklistEntry.objects.exists()


QUEUE_WITH_ATTENTION = """
query Queue($nested: Int!) {
  attentionFlags(first: 25) { edges { node { order { attention {
    flags(first: $nested) { id } events(last: $nested) { id }
  } } } } }
}
"""


def test_one_request_fetches_a_bounded_number_of_nested_rows(gql, manager, busy_order):
    within = gql(QUEUE_WITH_ATTENTION, {"nested": 20}, as_=manager)  # 25 x 40 = 1,000
    over = gql(QUEUE_WITH_ATTENTION, {"nested": 21}, as_=manager)

    assert "errors" not in within
    assert "more than 1000 flags and events" in over["errors"][0]["message"]
