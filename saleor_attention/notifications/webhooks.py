"""The plugin's own flag webhooks (SPEC §9): attention.flag_set, attention.flag_released
and attention.order_cleared, POSTed as JSON with the whole flag to the URLs in the
settings, signed like the inbound endpoint's events (X-Attention-Signature:
t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> with the webhook secret).

A delivery (one event for one URL) is a row written with the change that caused it,
in its transaction — none for a change that rolls back — and POSTed after the commit
by a Celery task under the row's lock: a receiver that fails (no answer, not 2xx) is
retried with backoff, each attempt kept in the delivery log staff read
(attentionWebhookDeliveries), and a delivered event is never sent again."""
from __future__ import annotations

import datetime
import json
import time
import uuid
from typing import Dict, List, Optional, Sequence

import requests
from django.db import transaction
from django.utils import timezone

from .. import config, gate, plugin_state, rows
from ..actors import Actor
from ..graphql import ids
from ..inbound import sign
from ..models import DeliveryStatus, Flag, WebhookAttempt, WebhookDelivery
from ..reasons import EN, JA
from . import backoff

FLAG_SET = "attention.flag_set"
FLAG_RELEASED = "attention.flag_released"
ORDER_CLEARED = "attention.order_cleared"
SIGNATURE_HEADER = "X-Attention-Signature"
EVENT_HEADER = "X-Attention-Event"
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
SWEEP_AFTER = datetime.timedelta(minutes=10)
MAX_KEPT_ANSWER = 500  # characters of a failing receiver's answer kept in the log


def written_with(
    order_id, order_number: str, settings: config.AttentionSettings, actor: Actor,
    raised: Sequence[Flag], released: Sequence[Flag], cleared: bool,
) -> Optional[rows.Statement]:
    """The INSERT of the deliveries a change's events make (each event to each URL),
    their POSTs queued for after the commit; None when there are none."""
    if not settings.webhook_urls:
        return None
    events = [(FLAG_SET, _flag_record(flag)) for flag in raised]
    events += [(FLAG_RELEASED, _flag_record(flag)) for flag in released]
    if cleared:
        events.append((ORDER_CLEARED, {}))
    if not events:
        return None
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            id=uuid.uuid4(), event=event, url=url, order_number=order_number, created_at=now,
            payload=_payload(event, now, order_id, order_number, actor, record),
        )
        for event, record in events for url in settings.webhook_urls
    ]
    delivery_ids = [str(delivery.id) for delivery in deliveries]
    transaction.on_commit(lambda: _queue(delivery_ids))
    return rows.plain_insert(WebhookDelivery, deliveries)


def _queue(delivery_ids: List[str]) -> None:
    from ..tasks import deliver_webhook  # the task module imports this one

    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)


def _payload(event: str, now, order_id, order_number: str, actor: Actor, record: Dict) -> Dict:
    payload = {
        "event": event, "occurredAt": now.isoformat(),
        "order": {"id": ids.order_global_id(order_id), "number": order_number},
        "actor": {"name": actor.name, "source": actor.source},
    }
    if record:
        payload["flag"] = record
    return payload


def _flag_record(flag: Flag) -> Dict:
    """The flag as staff's AttentionFlag shows it, in both languages."""
    def on(value):
        return value.isoformat() if value else None

    return {
        "id": ids.flag_id(flag.pk), "reason": flag.reason, "scope": flag.scope,
        "subscription": flag.subscription or None, "source": flag.source,
        "status": flag.status, "note": flag.note, "handle": flag.handle,
        "message": {JA: flag.message(JA), EN: flag.message(EN)},
        "customerMessage": {JA: flag.customer_message(JA), EN: flag.customer_message(EN)},
        "guidance": {JA: flag.guidance(JA), EN: flag.guidance(EN)},
        "evidence": {name: value for name, _label, value, _text in flag.evidence(EN)},
        "createdAt": on(flag.created_at), "createdBy": flag.created_by_name,
        "dueOn": on(flag.due_on), "handledOn": on(flag.handled_on),
        "releasedAt": on(flag.released_at), "releasedBy": flag.released_by_name or None,
        "releaseComment": flag.release_comment,
    }


def retry_in(attempts: int) -> int:
    return backoff(attempts, FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS)


def deliver(delivery_id) -> Optional[WebhookDelivery]:
    """POST the delivery if it still waits and no one else is sending it; the
    delivery as it is now (None: nothing to do). Switched off, deliveries wait."""
    if not gate.is_on():
        return None
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
        )
        if delivery is None:
            return None
        attempt = _post(delivery, plugin_state.settings().webhook_secret)
        delivery.attempts += 1
        if not attempt.error:  # a 2xx (_post names anything else)
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save()
        attempt.save()
    return delivery


def _post(delivery: WebhookDelivery, secret: str) -> WebhookAttempt:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        EVENT_HEADER: delivery.event,
    }
    attempt = WebhookAttempt(delivery=delivery)
    started = time.monotonic()
    try:
        answer = requests.post(delivery.url, data=body, headers=headers,
                               timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        attempt.error = f"{type(error).__name__}: {error}"[:MAX_KEPT_ANSWER]
    else:
        attempt.status_code = answer.status_code
        if not 200 <= answer.status_code < 300:
            attempt.error = answer.text[:MAX_KEPT_ANSWER] or answer.reason or "not 2xx"
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    return attempt


def waiting(limit: int) -> List[str]:
    """Deliveries waiting longer than a task would (the sweep's)."""
    return [str(pk) for pk in WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=timezone.now() - SWEEP_AFTER,
    ).order_by("created_at").values_list("pk", flat=True)[:limit]]
