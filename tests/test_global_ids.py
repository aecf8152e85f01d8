"""Every input that takes a global id answers a bad one by the same rule, through the
served API: an id that is malformed or of another type is GRAPHQL_ERROR ("Couldn't
resolve to …"); a well-formed id of the right type that names nothing is NOT_FOUND."""
import graphene
import pytest

from saleor_attention.line import LINE
from saleor_attention.models import BlacklistEntry, Event, Flag

from .documents import (
    ATTENTION_FLAGS, BULK_RELEASE, BULK_SET, COMMENT_ADD, NOTE_UPDATE, RELEASE_FLAGS, SET_FLAG,
    today,
)

_ERRORS = "errors { field code message }"
CREATE_ENTRY = """
mutation Create($input: AttentionBlacklistEntryInput!) {
  attentionBlacklistEntryCreate(input: $input) { %s }
}""" % _ERRORS
UPDATE_ENTRY = """
mutation Update($id: ID!) {
  attentionBlacklistEntryUpdate(id: $id, input: {note: "x"}) { %s }
}""" % _ERRORS
DELETE_ENTRY = """
mutation Delete($id: ID!) { attentionBlacklistEntryDelete(id: $id) { %s } }""" % _ERRORS

UNKNOWN_PK = 2 ** 31 - 1


# Each input that takes an id: the id's type, what the answer calls it, and how to
# send an id to it (the answer: field, code, message).
def _set_order(gql, manager, id):
    return _payload_error(gql(SET_FLAG, {"input": {"order": id, "note": "x"}}, as_=manager))


def _release_order(gql, manager, id):
    variables = {"input": {"order": id, "scope": "ORDER", "handledOn": today()}}
    return _payload_error(gql(RELEASE_FLAGS, variables, as_=manager))


def _release_flags(gql, manager, id):
    variables = {"input": {"flags": [id], "handledOn": today()}}
    return _payload_error(gql(RELEASE_FLAGS, variables, as_=manager))


def _filter_order(gql, manager, id):
    response = gql(ATTENTION_FLAGS, {"first": 10, "filter": {"order": id}}, as_=manager)
    assert response["data"]["attentionFlags"] is None, response
    [error] = response["errors"]
    if LINE == "saleor_v2":
        # Saleor 2.10's view replaces an error's extensions with its own: there the
        # message alone tells the answers apart.
        return None, None, error["message"]
    return error["extensions"]["field"], error["extensions"]["code"], error["message"]


def _note_flag(gql, manager, id):
    return _payload_error(gql(NOTE_UPDATE, {"id": id, "note": "x"}, as_=manager))


def _comment_flag(gql, manager, id):
    return _payload_error(gql(COMMENT_ADD, {"id": id, "comment": "x"}, as_=manager))


def _bulk_set_orders(gql, manager, id):
    variables = {"input": {"orders": [id], "note": "x"}}
    return _payload_error(gql(BULK_SET, variables, as_=manager))


def _bulk_set_filter_order(gql, manager, id):
    variables = {"input": {"filter": {"order": id}, "note": "x"}}
    return _payload_error(gql(BULK_SET, variables, as_=manager))


def _bulk_release_flags(gql, manager, id):
    variables = {"input": {"flags": [id], "handledOn": today()}}
    return _payload_error(gql(BULK_RELEASE, variables, as_=manager))


def _entry_customer(gql, manager, id):
    variables = {"input": {"email": "x@example.com", "customer": id}}
    return _payload_error(gql(CREATE_ENTRY, variables, as_=manager))


def _update_entry(gql, manager, id):
    return _payload_error(gql(UPDATE_ENTRY, {"id": id}, as_=manager))


def _delete_entry(gql, manager, id):
    return _payload_error(gql(DELETE_ENTRY, {"id": id}, as_=manager))


def _payload_error(response):
    [payload] = response["data"].values()
    [error] = payload["errors"]
    return error["field"], error["code"], error["message"]


INPUTS = {
    "attentionFlagSet order": (_set_order, "order", "Order", "an order"),
    "attentionFlagRelease order": (_release_order, "order", "Order", "an order"),
    "attentionFlagRelease flags": (_release_flags, "flags", "AttentionFlag", "a flag"),
    "attentionFlags filter order": (_filter_order, "order", "Order", "an order"),
    "attentionFlagNoteUpdate id": (_note_flag, "id", "AttentionFlag", "a flag"),
    "attentionFlagCommentAdd id": (_comment_flag, "id", "AttentionFlag", "a flag"),
    "attentionFlagsBulkSet orders": (_bulk_set_orders, "orders", "Order", "an order"),
    "attentionFlagsBulkSet filter order": (_bulk_set_filter_order, "filter", "Order", "an order"),
    "attentionFlagsBulkRelease flags": (_bulk_release_flags, "flags", "AttentionFlag", "a flag"),
    "blacklist entry customer": (_entry_customer, "customer", "User", "a customer"),
    "attentionBlacklistEntryUpdate id": (
        _update_entry, "id", "AttentionBlacklistEntry", "a blacklist entry"
    ),
    "attentionBlacklistEntryDelete id": (
        _delete_entry, "id", "AttentionBlacklistEntry", "a blacklist entry"
    ),
}


def _answers(gql, manager, id_of):
    """What each input answers to the id id_of(type name) makes for it."""
    answers = {}
    for name, (send, field, type_name, what) in INPUTS.items():
        id = id_of(type_name)
        answers[name] = (send(gql, manager, id), field, what, id)
    return answers


def _unchanged():
    return Flag.objects.count(), Event.objects.count(), BlacklistEntry.objects.count()


def _assert_code(answer, field, code):
    answered_field, answered_code, _message = answer
    if answered_code is not None:  # None: Saleor 2.10's view dropped it (_filter_order)
        assert (answered_field, answered_code) == (field, code)


@pytest.mark.parametrize(
    "id_of",
    [
        pytest.param(lambda _type: "garbage", id="not base64"),
        pytest.param(lambda _type: "T3JkZXI=", id="no colon"),  # base64 of "Order"
        pytest.param(lambda _type: graphene.Node.to_global_id("Product", 1), id="another type"),
        # Of the right type, with a pk that is no pk of it (on Saleor 3 an Order pk
        # is a UUID: this is how a UUID-looking failure answers too).
        pytest.param(lambda type_name: graphene.Node.to_global_id(type_name, "x1"), id="bad pk"),
    ],
)
def test_a_malformed_id_is_graphql_error_on_every_input(gql, manager, id_of):
    before = _unchanged()

    for name, (answer, field, what, id) in _answers(gql, manager, id_of).items():
        _assert_code(answer, field, "GRAPHQL_ERROR")
        assert answer[2] == f"Couldn't resolve to {what}: {id}", name

    assert _unchanged() == before


def test_an_id_naming_nothing_is_not_found_on_every_input(gql, shop, manager):
    before = _unchanged()

    def unknown(type_name):
        if type_name == "Order":
            return shop.unknown_order_id()
        return graphene.Node.to_global_id(type_name, UNKNOWN_PK)

    for name, (answer, field, _what, _id) in _answers(gql, manager, unknown).items():
        _assert_code(answer, field, "NOT_FOUND")
        assert answer[2].startswith("No such "), (name, answer)

    assert _unchanged() == before


def test_an_order_id_of_the_other_saleor_line_is_malformed(gql, shop, manager, order):
    """2.10 numbers its orders, 3.x names them by UUID: an id of the other form is no
    order id here, not an order that is missing."""
    other = "1" if not str(order.pk).isdigit() else "00000000-0000-0000-0000-000000000001"
    id = graphene.Node.to_global_id("Order", other)

    assert _set_order(gql, manager, id) == (
        "order", "GRAPHQL_ERROR", f"Couldn't resolve to an order: {id}"
    )
