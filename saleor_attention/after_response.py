"""Work a request leaves for after its response: a checkout's customer gets the
answer before the plugin queues the new order's rules (a publish to the broker, the
largest part of what the plugin adds to a checkout).

A WSGI or ASGI server closes a response once it has sent it, and Django then sends
request_finished: the work waiting in the request runs there, on the same worker,
which is busy as long as before; only the customer stops waiting for it. Outside a
request (a Celery task, a management command, a test calling the hooks) it runs at
once. Nothing it does may be lost with it: the work put here (queueing a task) has a
sweep behind it for the process that ends between the response and the work.
"""
from __future__ import annotations

import contextvars
import logging
from typing import Callable, List, Optional

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)

# The work the current request left, None outside a request. A context variable, not
# a thread's: an ASGI server runs a request's signals and its view in different
# threads of one context.
_waiting: contextvars.ContextVar[Optional[List[Callable[[], None]]]] = contextvars.ContextVar(
    "saleor_attention_after_response", default=None
)


def call(work: Callable[[], None]) -> None:
    """Run `work` after the current request's response, or now outside a request."""
    waiting = _waiting.get()
    if waiting is None:
        _run([work])
    else:
        waiting.append(work)


def request_began(**signal) -> None:
    # A response its server never closed left its work: it runs now, not never.
    left = _waiting.get()
    _waiting.set([])
    _run(left or [])


def request_ended(**signal) -> None:
    waiting = _waiting.get()
    _waiting.set(None)
    _run(waiting or [])


def _run(works: List[Callable[[], None]]) -> None:
    """Each piece of work, whatever the others do: the server's closing of a response
    must not fail on it."""
    for work in works:
        try:
            work()
        except Exception:  # noqa: BLE001 - each caller's own sweep picks up its work
            logger.exception("saleor_attention: work after the response failed")


def connect() -> None:
    request_started.connect(request_began, dispatch_uid="saleor_attention.after_response")
    request_finished.connect(request_ended, dispatch_uid="saleor_attention.after_response")
