"""Signed events from payment providers and carriers: credit-check results, card
payment failures and delivery-returned reports, posted to the plugin's inbound endpoint.

Signature: header `X-Attention-Signature: t=<unix seconds>,v1=<hex>` where v1 is
HMAC-SHA256 over "<t>.<raw body>" with the shop's inbound secret. A bad or stale
signature records nothing. The provider's event id makes a repeated delivery a no-op
(200, duplicate); the same id with other content is a conflict (409). Every refusal is
a JSON `{"error": ...}` and writes nothing: 413 a body over MAX_BODY_BYTES, 401 a bad
signature, 503 the plugin is off, 400 a malformed event, 409 a conflict.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Dict, Iterator, Mapping, NoReturn, Optional, Tuple

from django.db import IntegrityError, transaction

from . import canonical, gate, plugin_state, triggers
from .adapter import shop
from .errors import AttentionError
from .graphql import ids  # the one decoder of Saleor's global ids
from .models import INBOUND_EVENT_ID_UNIQUE, InboundEvent

SIGNATURE_HEADER = "HTTP_X_ATTENTION_SIGNATURE"
CREDIT_CHECK = "credit_check.result"
DELIVERY_RETURNED = "delivery.returned"
PAYMENT_FAILED = "payment.failed"

# Events are a few short fields; 64 KiB leaves providers room for their own extras.
MAX_BODY_BYTES = 64 * 1024
# Flags take "<rule>:<event id>" as their handle, at most 255 characters; the longest
# prefix, "delivery-returned:", leaves room for 200 with a margin.
MAX_ID_LENGTH = 200
MAX_CODE_LENGTH = 16  # NP's codes are two digits
# Other text fields (type, order): far beyond any real value, short of any abuse.
MAX_TEXT_LENGTH = 255
# Events are flat objects; deeper nesting is no event, and this bound keeps storing the
# payload far from Python's recursion limit.
MAX_DEPTH = 32
# Saleor keeps amounts in 12 digits; 3 decimals cover every common currency's minor
# unit (BHD, KWD). 15 significant digits in all, which a JSON number (a binary float)
# carries exactly.
_AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,3})?")
AMOUNT_FORMAT = "a non-negative decimal, at most 12 digits before the point and 3 after"
# PostgreSQL stores neither NUL nor an unpaired UTF-16 surrogate in text or jsonb.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Unix seconds in ASCII digits: 12 reach past the year 30000, and a bounded number keeps
# the replay-window arithmetic within a float (a 400-digit one overflowed it).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# How long a provider should wait before delivering again while the plugin is off.
RETRY_AFTER_SECONDS = 300

# What an event asks for, run on its order once it is recorded: (order, event id).
Action = Callable[[object, str], object]


@dataclass(frozen=True)
class Answer:
    status: int
    body: Dict[str, object]
    headers: Mapping[str, str] = field(default_factory=dict)


class Refused(Exception):
    """The request is answered with an error; nothing was written."""

    def __init__(self, status: int, error: str, headers: Optional[Mapping[str, str]] = None):
        super().__init__(error)
        self.answer = Answer(status, {"error": error}, dict(headers or {}))


class Malformed(Refused):
    def __init__(self, problem: str):
        super().__init__(400, f"malformed event: {problem}")


@dataclass(frozen=True)
class _Event:
    id: str
    type: str
    order: object
    payload: Dict[str, object]
    digest: str
    act: Action


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a sender puts on `body` (also what tests and providers use)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def receive(body: bytes, signature: Optional[str], now: Optional[float] = None) -> Answer:
    """The answer to one delivery: `body` as posted, `signature` the header's value."""
    try:
        if len(body) > MAX_BODY_BYTES:
            raise Refused(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
        # Settings, switch and writes all read the writer (Saleor 3 asks it explicitly).
        with shop.database_access():
            _authenticate(body, signature or "", time.time() if now is None else now)
            _check_switched_on()
            return _take_in(_event(body))
    except Refused as refusal:
        return refusal.answer


def _authenticate(body: bytes, header: str, now: float) -> None:
    settings = plugin_state.settings()
    if not settings.inbound_secret:
        raise Refused(401, "the shop has not set an inbound secret")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not _TIMESTAMP.fullmatch(parts.get("t", "")):
        raise Refused(401, "missing or malformed signature")
    timestamp = int(parts["t"])
    expected = sign(settings.inbound_secret, body, timestamp).split("v1=", 1)[1]
    provided = parts.get("v1", "")
    # compare_digest refuses non-ASCII text (TypeError); such a value is no hex digest.
    if not (provided.isascii() and hmac.compare_digest(expected, provided)):
        raise Refused(401, "bad signature")
    if abs(now - timestamp) > settings.inbound_replay_window_seconds:
        raise Refused(401, "signature outside the replay window")


def _check_switched_on() -> None:
    # Asked once the signature holds, so only the provider learns that the plugin is
    # off, and before anything is read or written: the provider delivers the event
    # again later and nothing is lost while the shop has the plugin switched off.
    if not gate.is_on():
        raise Refused(
            503, "the plugin is switched off; deliver the event again later",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


def _event(body: bytes) -> _Event:
    """The event in the body, every field checked, before anything is written."""
    payload = _parse(body)
    event_id = _event_id(payload)
    event_type = _text(payload, "type")
    if event_type not in _HANDLERS:
        raise Malformed(f"unknown type {event_type!r}")
    global_id = _text(payload, "order")
    act = _HANDLERS[event_type](payload)
    try:
        order = ids.order(global_id, "order")
    except AttentionError as exc:
        raise Malformed(str(exc)) from None
    return _Event(event_id, event_type, order, payload, canonical.digest(payload), act)


def _parse(body: bytes) -> Dict[str, object]:
    try:
        payload = json.loads(body, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise Malformed(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # not JSON, not UTF-8, NaN or Infinity
        raise Malformed(f"not JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise Malformed("the body must be a JSON object")
    for value, depth in _walk(payload):
        if depth > MAX_DEPTH:
            raise Malformed(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, str) and _UNSTORABLE.search(value):
            raise Malformed("text with a NUL character or an unpaired surrogate")
    return payload


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number")


def _finite_float(text: str) -> float:
    # JSON has no infinity, but 1e400 reads as one, and PostgreSQL's jsonb refuses it.
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is out of range")
    return number


def _walk(payload: Dict[str, object]) -> Iterator[Tuple[object, int]]:
    """Every key and value in the payload with its depth (the object's own are 2).
    Iterative: the payload may be nested deeper than Python recurses."""
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        yield value, depth
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _event_id(payload: Mapping[str, object]) -> str:
    raw = _present(payload, "id")
    # Providers name or number their events; a number is taken as its text.
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    return _checked_text("id", raw, MAX_ID_LENGTH)


def _text(payload: Mapping[str, object], key: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    return _checked_text(key, _present(payload, key), max_length)


def _present(payload: Mapping[str, object], key: str) -> object:
    if key not in payload:
        raise Malformed(f"{key!r} is missing")
    return payload[key]


def _checked_text(key: str, value: object, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Malformed(f"{key!r} must be a non-empty string")
    if len(value) > max_length:
        raise Malformed(f"{key!r} is longer than {max_length} characters")
    return value


def _amount(payload: Mapping[str, object]) -> Optional[Decimal]:
    raw = payload.get("amount")
    if raw is None:
        return None
    text = _amount_text(raw)
    if text is None or not _AMOUNT.fullmatch(text):
        raise Malformed(f"'amount' must be {AMOUNT_FORMAT}")
    return Decimal(text)


def _amount_text(raw: object) -> Optional[str]:
    """An amount as the sender wrote it: a numeric string, or a JSON number."""
    if isinstance(raw, bool):  # an int to Python, never an amount
        return None
    if isinstance(raw, float):
        return repr(raw)  # the shortest text that reads back as the same number
    if isinstance(raw, (int, str)):
        return str(raw)
    return None


def _credit_check(payload: Mapping[str, object]) -> Action:
    code = _text(payload, "code", MAX_CODE_LENGTH)
    amount = _amount(payload)
    return lambda order, event_id: triggers.credit_check_reported(
        order, code, event_id, amount=amount
    )


def _optional_text(payload: Mapping[str, object], key: str) -> str:
    """Evidence a sender may add (a carrier's tracking number, a gateway's message):
    absent, null or a string of at most MAX_TEXT_LENGTH characters."""
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{key!r} must be a string")
    if len(value) > MAX_TEXT_LENGTH:
        raise Malformed(f"{key!r} is longer than {MAX_TEXT_LENGTH} characters")
    return value.strip()


def _delivery_returned(payload: Mapping[str, object]) -> Action:
    said = {key: _optional_text(payload, key) for key in ("carrier", "tracking_number", "reason")}
    return lambda order, event_id: triggers.delivery_returned_reported(order, event_id, **said)


def _payment_failed(payload: Mapping[str, object]) -> Action:
    renewal = payload.get("renewal", False)
    if not isinstance(renewal, bool):
        raise Malformed("'renewal' must be true or false")
    said = {key: _optional_text(payload, key) for key in ("gateway", "message", "reference")}
    return lambda order, event_id: triggers.payment_failed(
        order, event_id, renewal=renewal, **said
    )


# Each type's fields are checked up front; what it does runs once the event is recorded.
_HANDLERS: Dict[str, Callable[[Mapping[str, object]], Action]] = {
    CREDIT_CHECK: _credit_check,
    DELIVERY_RETURNED: _delivery_returned,
    PAYMENT_FAILED: _payment_failed,
}


def _take_in(event: _Event) -> Answer:
    """Record the event and do what it asks, once per id."""
    with transaction.atomic():
        earlier = _digest_received(event.id)
        if earlier is None:
            earlier = _record(event)
        if earlier is None:
            event.act(event.order, event.id)
            return Answer(200, {"id": event.id, "duplicate": False})
    if earlier != event.digest:
        raise Refused(409, f"event {event.id!r} was received before with other content")
    return Answer(200, {"id": event.id, "duplicate": True})


def _digest_received(event_id: str) -> Optional[str]:
    rows = InboundEvent.objects.filter(event_id=event_id).values_list("digest", flat=True)
    return rows.first()


def _record(event: _Event) -> Optional[str]:
    """None once the event is recorded; the digest of the same id if a concurrent
    delivery recorded it first."""
    try:
        with transaction.atomic():  # a savepoint: after a clash the transaction goes on
            InboundEvent.objects.create(
                event_id=event.id, type=event.type, order=event.order,
                payload=event.payload, digest=event.digest,
            )
    except IntegrityError as exc:
        # Only the id's own constraint means "received already"; any other integrity
        # error is a fault and must not pass for a duplicate.
        earlier = _digest_received(event.id) if _clashes_on_event_id(exc) else None
        if earlier is None:
            raise
        return earlier
    return None


def _clashes_on_event_id(exc: IntegrityError) -> bool:
    diagnostics = getattr(exc.__cause__, "diag", None)  # psycopg2's, for PostgreSQL
    return getattr(diagnostics, "constraint_name", None) == INBOUND_EVENT_ID_UNIQUE
