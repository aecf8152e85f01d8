"""What happened: a refused shipment is written down — an ACTION_BLOCKED audit event
and a line in the order's history saying who tried, through which path (a GraphQL
mutation, or which Python function) and which flags stopped it — although the
transaction that tried rolls back.

The guard refuses inside the caller's transaction (Saleor's orderFulfill, say), which
then rolls back, and everything written in it with it. Writing on a second database
connection instead would wait on the refused transaction's own row lock on the order
(a history note checks its order's key) until that transaction ends, while the
thread holding it waits for the write: a deadlock. So the guard hands its refusal to
this module, which keeps it with the thread's connection and writes it there as soon
as the refused transaction is over, with no further connection:

- the refusal is registered as an on-commit callback of the refused transaction:
  Django drops it when that transaction (or savepoint) rolls back, and runs it if the
  caller caught the refusal and committed;
- once dropped, it is written before the connection's next statement, or at the end
  of the HTTP request or Celery task, whichever comes first.

Lost only if the process ends before any of these, or if an enclosing transaction
that wrote it rolls back too.
"""
from __future__ import annotations

import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import List, Sequence

from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from graphql.execution.base import ResolveInfo

from . import journal, plugin_state
from .actors import Actor
from .adapter import shop
from .graphql import ids
from .models import Event, Flag
from .reasons import ACTION_BLOCKED, UNKNOWN_CALLER, system_text

logger = logging.getLogger(__name__)

GRAPHQL = "GRAPHQL"
PYTHON = "PYTHON"
# Where a Python caller is not looked for: the machinery between it and the guard.
_MACHINERY = ("django.", "saleor_attention.", "contextlib", "functools")
# Statements before which nothing is written: the ones that end or mark transactions.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SET ")
_PENDING = "_attention_refusals"
_WRITING = "_attention_writing_refusals"


@dataclass(frozen=True)
class Attempt:
    """Who tried to ship, and through which path."""

    actor: Actor
    via: str  # GRAPHQL or PYTHON
    # The GraphQL field (orderFulfill), or the Python function that saved the fulfillment.
    operation: str

    @property
    def path(self) -> str:
        return f"{'GraphQL' if self.via == GRAPHQL else 'Python'} {self.operation}"


@dataclass(frozen=True)
class Refusal:
    order_id: object
    order_number: str
    attempt: Attempt
    flags: Sequence[Flag]
    # What forbids shipping besides flags: (code, text by language).
    findings: Sequence[tuple] = field(default_factory=tuple)

    def line(self, language: str) -> str:
        reasons = [flag.line(language) for flag in self.flags]
        reasons += [f"{code}: {text(language)}" for code, text in self.findings]
        actor = self.attempt.actor.name or system_text(UNKNOWN_CALLER, language)
        return system_text(
            ACTION_BLOCKED, language, actor=actor, path=self.attempt.path,
            reasons="; ".join(reasons),
        )

    def parameters(self) -> dict:
        return {
            "via": self.attempt.via,
            "operation": self.attempt.operation,
            "flags": [ids.flag_id(flag.pk) for flag in self.flags],
            "reasons": [flag.reason for flag in self.flags],
            "findings": [code for code, _text in self.findings],
        }


class _Queued:
    """A refusal waiting for its transaction to end; also its on-commit callback."""

    def __init__(self, refusal: Refusal):
        self.refusal = refusal

    def __call__(self):  # the refused transaction committed after all
        if _forget(connections[DEFAULT_DB_ALIAS], [self]):
            _write([self.refusal])


def attempt() -> Attempt:
    """Who is saving the fulfillment and how, read from the call stack: the GraphQL
    resolver that runs it (its `info` names the field and carries the request), else
    the nearest Python function outside Django, the plugin and the model's methods."""
    frame = sys._getframe(1)
    caller = None
    while frame is not None:
        info = frame.f_locals.get("info")
        if isinstance(info, ResolveInfo):
            return Attempt(shop.actor_of(info.context), GRAPHQL, info.field_name)
        if caller is None and not _machinery(frame):
            caller = f"{frame.f_globals.get('__name__', '')}.{frame.f_code.co_name}"
        frame = frame.f_back
    return Attempt(Actor(), PYTHON, caller or "?")


def _machinery(frame) -> bool:
    """Django, the plugin, and a model's own methods (Saleor's Fulfillment.save)."""
    module = frame.f_globals.get("__name__", "")
    return module.startswith(_MACHINERY) or isinstance(frame.f_locals.get("self"), Model)


def record(refusal: Refusal) -> None:
    """Keep a refusal to be written once the transaction that tried is over (now, if
    the caller runs in no transaction)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        _write([refusal])
        return
    queued = _Queued(refusal)
    transaction.on_commit(queued)
    pending = connection.__dict__.setdefault(_PENDING, [])
    pending.append(queued)
    if _write_before not in connection.execute_wrappers:
        # At the bottom: `connection.execute_wrapper(...)` blocks (Saleor 3's writer
        # checks, say) pop the last wrapper when they end, which must stay theirs.
        connection.execute_wrappers.insert(0, _write_before)


def flush(**signal) -> None:
    """Write the refusals whose transaction is over; also the receiver of the end of
    a request or task (`signal`), after which the connection is let go as Django
    would have."""
    connection = connections[DEFAULT_DB_ALIAS]
    pending = getattr(connection, _PENDING, None)
    if not pending or getattr(connection, _WRITING, False) or connection.needs_rollback:
        return
    waiting = {id(entry[1]) for entry in connection.run_on_commit}
    over = _forget(connection, [queued for queued in pending if id(queued) not in waiting])
    if over:
        _write([queued.refusal for queued in over])
        if signal and not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def _forget(connection, queued: List[_Queued]) -> List[_Queued]:
    """Take refusals off the connection's waiting list (those still on it); the
    statement hook goes with the last."""
    pending = getattr(connection, _PENDING, [])
    taken = [entry for entry in queued if entry in pending]
    for entry in taken:
        pending.remove(entry)
    if not pending and _write_before in connection.execute_wrappers:
        connection.execute_wrappers.remove(_write_before)
    return taken


def _write_before(execute, sql, params, many, context):
    """Installed on the connection while refusals wait: before its next statement
    (not one that ends or marks a transaction), write those whose transaction is over."""
    if not str(sql).lstrip().upper().startswith(_TRANSACTION_CONTROL):
        flush()
    return execute(sql, params, many, context)


def _write(refusals: List[Refusal]) -> None:
    """The audit events and history lines, in the shop's language, for orders that
    still exist (a transaction enclosing the refused one may have rolled back the
    order too, as a test's does; the rows' keys are checked only at commit, which
    must not fail on them); never raises."""
    connection = connections[DEFAULT_DB_ALIAS]
    setattr(connection, _WRITING, True)
    try:
        with shop.database_access(), transaction.atomic():
            wanted = {refusal.order_id for refusal in refusals}
            existing = set(shop.Order.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            language = journal.language(plugin_state.settings())
            events, notes = [], defaultdict(dict)
            for refusal in (refusal for refusal in refusals if refusal.order_id in existing):
                line = refusal.line(language)
                event = journal.action_blocked(refusal.attempt.actor, line, refusal.parameters()).event
                event.order_id, event.order_number = refusal.order_id, refusal.order_number
                events.append(event)
                notes[refusal.attempt.actor][refusal.order_id] = line
            Event.objects.bulk_create(events)
            for actor, lines in notes.items():
                shop.OrderEvent.objects.bulk_create(shop.history_note_rows(lines, actor))
    except Exception:  # noqa: BLE001 - the refusal stands; the log keeps what was lost
        logger.exception("saleor_attention: could not record a refused shipment")
    finally:
        setattr(connection, _WRITING, False)


def connect() -> None:
    """Write waiting refusals when a request or a Celery task ends."""
    request_finished.connect(flush, dispatch_uid="saleor_attention.refusals")
    try:
        from celery.signals import task_postrun
    except ImportError:  # pragma: no cover - both Saleor lines ship Celery
        return
    task_postrun.connect(flush, weak=False, dispatch_uid="saleor_attention.refusals")
