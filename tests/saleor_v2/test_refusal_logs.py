"""A request refused for its credentials is an expected answer: the plugin's settings
log it as one WARNING line, not Saleor 2.10's ERROR with a traceback. Real errors still
log as Saleor logs them."""
import json
import logging

from django.test import Client

HANDLED = "saleor.graphql.errors.handled"


def handled_records(caplog):
    return [record for record in caplog.records if record.name == HANDLED]


def test_a_permission_denial_logs_one_warning_line_without_traceback(gql, shop, caplog):
    customer = shop.customer()

    with caplog.at_level(logging.INFO):
        answer = gql("{ attentionFlags(first: 1) { totalCount } }", as_=customer)

    assert answer["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    [record] = handled_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == (
        "A query was refused: You do not have permission to perform this action"
    )


def test_saleors_own_denials_log_the_same_way(gql, shop, caplog):
    with caplog.at_level(logging.INFO):
        gql("{ orders(first: 1) { totalCount } }", as_=shop.customer())

    [record] = handled_records(caplog)
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)


def test_a_bad_token_logs_one_warning_line(db, caplog):
    with caplog.at_level(logging.INFO):
        answer = Client().post(
            "/graphql/", json.dumps({"query": "{ attentionFlags(first: 1) { totalCount } }"}),
            content_type="application/json", HTTP_AUTHORIZATION="JWT not-a-token",
        ).json()

    assert answer["errors"], answer
    records = handled_records(caplog)
    assert records and all(
        (record.levelno, record.exc_info) == (logging.WARNING, None) for record in records
    )


def test_other_errors_still_log_as_errors_with_their_traceback(gql, caplog):
    with caplog.at_level(logging.INFO):
        gql("{ noSuchField }")

    [record] = handled_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
