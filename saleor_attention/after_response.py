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
import threading
from typing import Callable, List, Optional

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)


class _Waiting:
    """The work one request left for after its response."""

    def __init__(self):
        self.works: List[Callable[[], None]] = []
        self.open = True


# Where the current request's _Waiting is found: its context and its thread. A WSGI
# server runs a request in one thread and one context; Django 5's ASGI handler runs
# the request's signals, view and close in one thread but the signals in a context of
# their own (asyncio.gather), Django 3.0's in one context but closes the response in
# another thread. Each of them finds the request's work in one of the two.
_in_context: contextvars.ContextVar = contextvars.ContextVar(
    "saleor_attention_after_response", default=None
)
_in_thread = threading.local()


def call(work: Callable[[], None]) -> None:
    """Run `work` after the current request's response, or now outside a request."""
    waiting = _current()
    if waiting is None:
        _run([work])
    else:
        waiting.works.append(work)


def request_began(**signal) -> None:
    # A response its server never closed left its work: it runs now, not never.
    _finish(_current())
    waiting = _Waiting()
    _in_context.set(waiting)
    _in_thread.waiting = waiting


def request_ended(**signal) -> None:
    _finish(_current())
    _in_context.set(None)
    _in_thread.waiting = None


def _current() -> Optional[_Waiting]:
    for waiting in (_in_context.get(), getattr(_in_thread, "waiting", None)):
        if waiting is not None and waiting.open:
            return waiting
    return None


def _finish(waiting: Optional[_Waiting]) -> None:
    if waiting is not None:
        waiting.open = False  # work from now on runs at once, wherever it is found
        _run(waiting.works)


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
