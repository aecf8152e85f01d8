"""Signed events from payment providers and carriers: credit-check results, card
payment failures and delivery-returned reports, posted to the plugin's inbound endpoint.

Signature: header `X-Attention-Signature: t=<unix seconds>,v1=<hex>` where v1 is
HMAC-SHA256 over "<t>.<raw body>" with the shop's inbound secret. A bad or stale
signature records nothing; the provider's event id makes a repeated delivery a no-op.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Dict, Mapping, Optional

from django.db import IntegrityError, transaction

from . import orders, plugin_state, services
from .adapter import shop
from .errors import AttentionError
from .models import InboundEvent

SIGNATURE_HEADER = "HTTP_X_ATTENTION_SIGNATURE"
CREDIT_CHECK = "credit_check.result"
DELIVERY_RETURNED = "delivery.returned"
PAYMENT_FAILED = "payment.failed"

# Unix seconds in ASCII digits: 12 reach past the year 30000, and a bounded number keeps
# the replay-window arithmetic within a float (a 400-digit one overflowed it).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# How long a provider should wait before delivering again while the plugin is off.
RETRY_AFTER_SECONDS = 300


@dataclass(frozen=True)
class Answer:
    status: int
    body: Dict[str, object]
    headers: Mapping[str, str] = field(default_factory=dict)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a sender puts on `body` (also what tests and providers use)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def receive(body: bytes, signature: Optional[str], now: Optional[float] = None) -> Answer:
    settings = plugin_state.settings()
    refusal = _check_signature(settings, body, signature or "", now or time.time())
    if refusal:
        return Answer(401, {"error": refusal})
    # Asked once the signature holds, so only the provider learns that the plugin is
    # off, and before anything is read or written: the provider delivers the event
    # again later and nothing is lost while the shop has the plugin switched off.
    if not plugin_state.is_active():
        return Answer(
            503, {"error": "the plugin is switched off; deliver the event again later"},
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    try:
        event = json.loads(body)
        event_id, event_type = str(event["id"]), str(event["type"])
        handler = _HANDLERS[event_type]
        order = orders.from_global_id(str(event["order"]), "order")
    except (ValueError, TypeError, KeyError) as exc:
        return Answer(400, {"error": f"malformed event: {_describe(exc)}"})
    except AttentionError as exc:
        return Answer(400, {"error": str(exc)})
    try:
        with shop.database_access(), transaction.atomic():
            InboundEvent.objects.create(
                event_id=event_id, type=event_type, order=order, payload=event
            )
            handler(order, event)
    except IntegrityError:
        return Answer(200, {"id": event_id, "duplicate": True})
    except (KeyError, TypeError) as exc:
        return Answer(400, {"error": f"malformed event: {_describe(exc)}"})
    return Answer(200, {"id": event_id, "duplicate": False})


def _check_signature(settings, body: bytes, header: str, now: float) -> Optional[str]:
    if not settings.inbound_secret:
        return "the shop has not set an inbound secret"
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not _TIMESTAMP.fullmatch(parts.get("t", "")):
        return "missing or malformed signature"
    timestamp = int(parts["t"])
    expected = sign(settings.inbound_secret, body, timestamp).split("v1=", 1)[1]
    provided = parts.get("v1", "")
    # compare_digest refuses non-ASCII text (TypeError); such a value is no hex digest.
    if not (provided.isascii() and hmac.compare_digest(expected, provided)):
        return "bad signature"
    if abs(now - timestamp) > settings.inbound_replay_window_seconds:
        return "signature outside the replay window"
    return None


def _credit_check(order, event) -> None:
    amount = event.get("amount")
    try:
        checked = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation:
        raise TypeError(f"'amount' is not an amount: {amount!r}") from None
    services.report_credit_check(order, str(event["code"]), str(event["id"]), amount=checked)


def _delivery_returned(order, event) -> None:
    services.report_delivery_returned(order, str(event["id"]))


def _payment_failed(order, event) -> None:
    renewal = event.get("renewal", False)
    if not isinstance(renewal, bool):
        raise TypeError("'renewal' must be true or false")
    services.report_payment_failed(order, str(event["id"]), renewal=renewal)


_HANDLERS: Dict[str, Callable] = {
    CREDIT_CHECK: _credit_check,
    DELIVERY_RETURNED: _delivery_returned,
    PAYMENT_FAILED: _payment_failed,
}


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing or unknown {exc.args[0]!r}"
    return str(exc)
