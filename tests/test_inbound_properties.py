"""Whatever reaches the inbound endpoint is answered 2xx or 4xx in JSON, never 5xx,
and writes nothing unless it is correctly signed and well formed (SPEC §5.1, §9).

Requests go through Django's test client to the served URL, against the real database;
the plugin is configured through Saleor's pluginUpdate (the `configure` fixture).
`pytest --hypothesis-show-statistics` shows how the answers were spread.
"""
import enum
import json
import time

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from saleor_attention import inbound
from saleor_attention.models import Event, Flag, InboundEvent

from .test_inbound import PATH, SECRET

TYPES = [inbound.CREDIT_CHECK, inbound.DELIVERY_RETURNED, inbound.PAYMENT_FAILED]
CODES = ["00", "10", "20", "40", "99"]
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded"]

PROPERTY = settings(
    max_examples=120, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Signing(enum.Enum):
    CORRECT = "correct"
    WRONG_SECRET = "wrong secret"
    STALE = "stale"


# Any text, NUL and unpaired surrogates included.
texts = st.text(st.characters(blacklist_categories=()), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
valid_amounts = st.decimals(min_value=0, max_value=10 ** 12 - 1, places=3)
amounts = st.one_of(
    valid_amounts.map(str), valid_amounts.map(float), st.integers(), st.floats(),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
bad_signings = st.one_of(
    st.sampled_from([Signing.WRONG_SECRET, Signing.STALE]),
    st.none(),
    texts,
    st.builds(lambda t, v1: f"t={t},v1={v1}", texts | st.integers(), texts),
)


def well_formed_events(order_id):
    """Events the endpoint takes in; ids repeat, so duplicates and conflicts happen."""
    return st.fixed_dictionaries(
        {
            "id": st.text("abc-123", min_size=1, max_size=6) | st.integers(0, 99),
            "type": st.sampled_from(TYPES),
            "order": st.just(order_id),
            "code": st.sampled_from(CODES),
        },
        optional={"amount": valid_amounts.map(str), "renewal": st.booleans()},
    )


def any_events(order_id):
    """Event-shaped objects whose fields may be of any JSON type or value."""
    return st.fixed_dictionaries(
        {
            "id": st.one_of(st.text(min_size=1, max_size=210), st.integers(), json_values),
            "type": st.one_of(st.sampled_from(TYPES), json_values),
            "order": st.one_of(st.just(order_id), texts, json_values),
        },
        optional={
            "code": st.one_of(st.sampled_from(CODES), texts, json_values),
            "amount": st.one_of(amounts, json_values),
            "renewal": json_values,
            "extra": json_values,
        },
    )


def bodies(order_id):
    def as_json(value):
        return json.dumps(value).encode()

    return st.one_of(
        well_formed_events(order_id).map(as_json),
        any_events(order_id).map(as_json),
        json_values.map(as_json),
        st.binary(max_size=200),
        st.sampled_from([
            b"[" * 40 + b"]" * 40,
            b"[" * 30_000 + b"]" * 30_000,
            b"[" * 100_000 + b"]" * 100_000,
            b"{" + b" " * inbound.MAX_BODY_BYTES + b"}",
        ]),
    )


def header(signing, body):
    now = int(time.time())
    if signing is Signing.CORRECT:
        return inbound.sign(SECRET, body, now)
    if signing is Signing.WRONG_SECRET:
        return inbound.sign("not-the-secret", body, now)
    if signing is Signing.STALE:
        return inbound.sign(SECRET, body, now - 3600)
    return signing


def written():
    return (InboundEvent.objects.count(), Flag.objects.count(), Event.objects.count())


def takeable(body, order_id):
    """What an event taken in must at least look like."""
    try:
        sent = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(sent, dict)
        and isinstance(sent.get("id"), (str, int))
        and sent.get("type") in TYPES
        and sent.get("order") == order_id
    )


@pytest.fixture
def endpoint(gql, configure, shop, order):
    """Posts a drawn body signed as asked; answers (body, status, JSON answer, wrote)."""
    assert configure(inbound_secret=SECRET, active=True)["errors"] == []
    order_id = shop.order_id(order)

    def post(data, signing):
        body = data.draw(bodies(order_id), label="body")
        content_type = data.draw(st.sampled_from(CONTENT_TYPES), label="content type")
        signature = {} if signing is None else {
            "HTTP_X_ATTENTION_SIGNATURE": header(signing, body)
        }
        before = written()
        response = gql.client.post(PATH, body, content_type=content_type, **signature)

        assert 200 <= response.status_code < 500
        assert response["Content-Type"] == "application/json"
        answer = response.json()
        assert ("error" in answer) == (response.status_code >= 400)
        error_kind = answer.get("error", "").split("'")[0][:30]  # without the event's id
        event(f"{response.status_code} {error_kind}")
        return body, response.status_code, answer, written() != before

    return post


@PROPERTY
@given(data=st.data())
def test_a_request_without_a_correct_signature_is_refused_and_writes_nothing(endpoint, data):
    signing = data.draw(bad_signings, label="signing")

    _, status, _, wrote = endpoint(data, signing)

    assert status in (401, 413) and not wrote


@PROPERTY
@given(data=st.data())
def test_a_signed_request_writes_only_a_well_formed_new_event(endpoint, shop, order, data):
    body, status, answer, wrote = endpoint(data, Signing.CORRECT)

    taken_in = status == 200 and answer["duplicate"] is False
    assert wrote == taken_in
    if taken_in:
        assert takeable(body, shop.order_id(order))
