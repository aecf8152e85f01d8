"""The flag lifecycle: every change of one order's attention is one batch.

A change locks the order's row when it starts and holds it to the end, so a
concurrent change or fulfillment of the same order waits its turn; the same statement
reads the shop's settings (the history's language) and the other orders of the
order's subscription. The new flags are inserted together when raised, with the facts
changed by then; the rest is written when the change ends, once each: the audit
events, the history notes (one INSERT: this order's, and a subscription flag's lines
on every order of the subscription), the facts changed since, the metadata mirror,
and one announcement (Saleor's order-updated hooks) after the transaction commits.
The plugin does not react to its own announcement.

    with lifecycle.change(order, actor) as change:
        change.raise_flags([FlagToRaise("REMOTE_ISLAND", "remote-island")])
"""
from __future__ import annotations

import contextlib
import datetime
import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from django.db import transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import config, facts, journal, mirror, orders, plugin_state, rows, shop_time
from .actors import RULES, Actor
from .adapter import shop
from .compat import JSONField
from .errors import AttentionError, AttentionErrorCode
from .models import Event, EventType, Flag, FlagComment, OrderFacts, Scope, Status
from .notifications import emails, webhooks
from .reasons import ORDER_CANCELLED, ORDER_DELETED, SHIPPING_DATE_PASSED, system_text
from .rules import FlagToRaise

# Set on the order Saleor's hooks receive from our own announcement.
ANNOUNCED = "_attention_announced"
# A flag's identity while it is active: the same cause on the same target.
_Cause = Tuple[str, str, str]  # scope, reason, handle
# Facts the metadata mirror shows: a change of one is announced.
_MIRRORED_FACTS = ("payment_method", "credit_checked_amount")


@dataclass(frozen=True)
class SubscriptionOrder:
    """Another order of the changed order's subscription, as its facts were read."""

    order_id: object
    # Its own active ORDER-scope flags (OrderFacts.active_flags).
    active_flags: int
    planned_shipping_date: Optional[datetime.date]


class OrderChange:
    """One order, locked, with its facts and active flags (its own and its
    subscription's) as they are now; what the change does is written by `finish`."""

    def __init__(
        self, order, actor: Actor, related: Sequence[str] = (),
        reads: Mapping[str, object] = MappingProxyType({}),
    ):
        self.actor = actor
        self.order = orders.lock(
            order.pk, *related, annotations={**_read_with_the_lock(), **reads}
        )
        self.settings = _settings(self.order.attention_configuration)
        # The language of the change's history lines and audit events.
        self.language = journal.language(self.settings)
        self.subscription_orders = _subscription_orders(self.order.attention_subscription_orders)
        self.facts = facts.of(self.order)
        self.order.attention_facts = self.facts  # what facts.updating changes
        self._active: Optional[List[Flag]] = None
        self.number = shop.order_number(self.order)
        self._entries: List[journal.Entry] = []
        # What the change did to flags, for the notifications it sends.
        self._raised: List[Flag] = []
        self._released: List[Flag] = []
        self._facts: Dict[str, object] = {}
        # Whether Saleor's view of the order (the mirror) moves.
        self._visible = False
        self.wrote = False

    @property
    def active(self) -> List[Flag]:
        """The flags that make the order need attention (its own and its
        subscription's), read under the lock when first asked: a change that raises
        nothing never reads them."""
        if self._active is None:
            # The locked facts count the order's own active flags: most orders have
            # none and no subscription, and need no query.
            none = not self.facts.active_flags and not self.facts.subscription
            self._active = [] if none else list(
                Flag.objects.active().affecting(self.order.pk, self.facts.subscription)
            )
        return self._active

    def raise_flags(
        self, wanted: Iterable[FlagToRaise], note: str = "",
        due_on: Optional[datetime.date] = None,
    ) -> List[Tuple[Flag, bool]]:
        """Each wanted flag with whether it is new: a cause already active is that flag."""
        wanted = list(wanted)
        if not wanted:
            return []
        found: Dict[_Cause, Flag] = {_cause_of(flag): flag for flag in self.active}
        new: Dict[_Cause, Flag] = {}
        for flag in wanted:
            cause = _cause_of(flag)
            if cause not in found and cause not in new:
                new[cause] = self._new_flag(flag, note, due_on)
        if new:
            found.update(self._insert(list(new.values())))
        return [(found[_cause_of(flag)], _cause_of(flag) in new) for flag in wanted]

    def release(self, flags: Sequence[Flag], handled_on: datetime.date, comment: str) -> None:
        """Release active flags of this order (chosen and locked by the caller)."""
        self.wrote = True
        _mark_released(
            flags, released_by=self.actor.user, released_by_app=self.actor.app,
            released_by_name=self.actor.name, released_by_source=self.actor.source,
            handled_on=handled_on, release_comment=comment,
        )
        self._entries += [journal.flag_released(flag, self.actor, self.language) for flag in flags]
        self._released += flags
        gone = {flag.pk for flag in flags}
        self._active = [flag for flag in self.active if flag.pk not in gone]
        self._visible = True

    def update_note(self, flag: Flag, note: str) -> None:
        """Change the note of one of this order's active flags (locked by the caller);
        the audit event keeps the note it had."""
        self.wrote = True
        previous = flag.note
        Flag.objects.filter(pk=flag.pk).update(note=note)
        flag.note = note
        self._entries.append(journal.note_updated(flag, previous, self.actor, self.language))

    def comment(self, flag: Flag, text: str) -> FlagComment:
        """Add a comment to one of this order's flags (active or released)."""
        self.wrote = True
        comment = FlagComment.objects.create(
            flag=flag, comment=text, created_by=self.actor.user,
            created_by_app=self.actor.app, created_by_name=self.actor.name,
            created_by_source=self.actor.source,
        )
        self._entries.append(journal.commented(flag, comment, self.actor, self.language))
        return comment

    def note(self, type_: str, code: str, parameters: Optional[dict] = None) -> None:
        """Record a finding that raises no flag (SYSTEM_TEXTS code and its values)."""
        self._entries.append(
            journal.finding(type_, code, parameters or {}, self.actor, self.language)
        )

    def update_facts(self, **values) -> None:
        for name, value in values.items():
            self._visible |= name in _MIRRORED_FACTS and getattr(self.facts, name) != value
            setattr(self.facts, name, value)
        self._facts.update(values)

    def finish(self) -> None:
        """Write what the change did, in one statement (audit events, history notes,
        facts, mirror: none reads another's rows); announce it if Saleor's view of the
        order moved."""
        writes = self._entry_writes() if self._entries else []
        writes += self._notification_writes()
        if self._facts:
            writes.append(facts.updating(self.order, **self._facts))
        mirrored = mirror.values(self.facts, self.active) if self._visible else None
        if mirrored is not None:
            writes.append(mirror.writing(self.order.pk, mirrored))
        rows.run_together(writes)
        if mirrored is not None:
            # Saleor's webhook payloads are built from the announced object.
            self.order.private_metadata = {**(self.order.private_metadata or {}), **mirrored}
            setattr(self.order, ANNOUNCED, True)
            shop.announce_order_updated(self.order)

    def _notification_writes(self) -> List[rows.Statement]:
        """The customer e-mails and flag webhooks the change sends after its commit."""
        cleared = bool(self._released) and not self.active
        writes = [
            emails.written_with(self.order, self._raised),
            webhooks.written_with(self.order.pk, self.number, self.settings, self.actor,
                                  self._raised, self._released, cleared),
        ]
        return [write for write in writes if write is not None]

    def _new_flag(self, flag: FlagToRaise, note: str, due_on) -> Flag:
        if flag.scope == Scope.SUBSCRIPTION and not self.facts.subscription:
            raise AttentionError(
                "scope", AttentionErrorCode.NOT_IN_SUBSCRIPTION,
                "This order is not part of a subscription; use scope ORDER.",
            )
        return Flag(
            order=self.order, order_number=self.number, scope=flag.scope,
            subscription=self.facts.subscription if flag.scope == Scope.SUBSCRIPTION else "",
            reason=flag.reason, source=self.actor.source, params=dict(flag.params),
            note=note, handle=flag.handle, due_on=due_on,
            created_by=self.actor.user, created_by_app=self.actor.app,
            created_by_name=self.actor.name, created_at=timezone.now(),
        )

    def _insert(self, new: List[Flag]) -> Dict[_Cause, Flag]:
        """One INSERT of every new flag. A cause a concurrent change raised a moment ago
        (a subscription flag set through another of its orders) clashes with the
        one-active-flag-per-cause constraints: it is skipped and that flag returned."""
        self.wrote = True
        inserted = rows.insert(
            Flag, new, "DO NOTHING", returning=("id", "scope", "reason", "handle"),
            first=self._facts_written_first(),
        )
        ids = {(scope, reason, handle): pk for pk, scope, reason, handle in inserted}
        by_cause: Dict[_Cause, Flag] = {}
        for flag in new:
            flag.pk = ids.get(_cause_of(flag))
            if flag.pk is None:
                by_cause[_cause_of(flag)] = self._raised_meanwhile(flag)
            else:
                flag._state.adding, flag._state.db = False, "default"
                by_cause[_cause_of(flag)] = flag
                self.active.insert(0, flag)
                self._raised.append(flag)
                self._entries.append(journal.flag_set(flag, self.actor, self.language))
                self._visible = True
        return by_cause

    def _facts_written_first(self) -> List[rows.Statement]:
        """The facts changed so far, written in the flags' statement, before its
        trigger writes the facts row (counts, kinds, search keys): the row's last
        version is then the trigger's, and the version before it, with no search
        keys yet, costs its GIN indexes nothing. Written after, the same change
        (an order's rules run, clearing its pending mark) cost a second full write
        of the row into all its indexes."""
        if not self._facts:
            return []
        written = [facts.updating(self.order, **self._facts)]
        self._facts = {}
        return written

    def _raised_meanwhile(self, flag: Flag) -> Flag:
        target = {"subscription": flag.subscription} if flag.subscription else {"order": self.order}
        return Flag.objects.active().get(
            scope=flag.scope, reason=flag.reason, handle=flag.handle, **target
        )

    def _entry_writes(self) -> List[rows.Statement]:
        """The INSERTs of the audit events and of the history notes."""
        for entry in self._entries:
            entry.event.order_id, entry.event.order_number = self.order.pk, self.number
        writes = [rows.plain_insert(Event, [entry.event for entry in self._entries])]
        notes = {self.order.pk: [entry.line for entry in self._entries if entry.line]}
        shared = [entry.line for entry in self._entries if entry.line and entry.subscription_wide]
        released_everywhere = any(
            entry.subscription_wide and entry.event.type == EventType.FLAG_RELEASED
            for entry in self._entries
        )
        for other in self.subscription_orders:
            notes[other.order_id] = shared + (
                self._date_passed(other) if released_everywhere else []
            )
        notes = {order_id: "\n".join(lines) for order_id, lines in notes.items() if lines}
        if notes:
            writes.append(rows.plain_insert(
                shop.OrderEvent, shop.history_note_rows(notes, self.actor)
            ))
        return writes

    def _date_passed(self, other: SubscriptionOrder) -> List[str]:
        """Another order of the subscription that a subscription flag's release left
        with nothing active: its history says when its planned shipping date passed,
        as the changed order's does (services._release_warnings)."""
        planned = other.planned_shipping_date
        if other.active_flags or any(flag.scope == Scope.SUBSCRIPTION for flag in self.active):
            return []
        if planned is None or planned >= shop_time.calendar().today():
            return []
        return [system_text(SHIPPING_DATE_PASSED, self.language, date=planned.isoformat())]


@functools.lru_cache(maxsize=1)
def _read_with_the_lock() -> Dict[str, object]:
    """What a change reads in its lock's statement (orders.lock), so that its
    statements stay as many whatever the subscription's size: the plugin's stored
    configuration, and the facts of the subscription's other orders ([[order id,
    own active flags, planned shipping date], ...]; null for an order in none, whose
    subquery never runs). SQL made once per process: composing it with the ORM on
    every change cost more than running it."""
    configuration, parameters = (
        shop.plugin_configurations().values("configuration")[:1].query.sql_with_params()
    )
    facts_table, orders_table = OrderFacts._meta.db_table, shop.Order._meta.db_table
    others = f"""
        CASE WHEN "{facts_table}".subscription <> '' THEN (
            SELECT jsonb_agg(jsonb_build_array(
                other.order_id, other.active_flags, other.planned_shipping_date))
            FROM "{facts_table}" other
            WHERE other.subscription = "{facts_table}".subscription
              AND other.order_id <> "{orders_table}".id
        ) END"""
    return {
        "attention_configuration": RawSQL(f"({configuration})", parameters, JSONField()),
        "attention_subscription_orders": RawSQL(others, (), JSONField()),
    }


def _settings(configuration) -> config.AttentionSettings:
    return config.DEFAULTS if configuration is None else config.of_configuration(configuration)


def _subscription_orders(rows_) -> List[SubscriptionOrder]:
    return [
        SubscriptionOrder(
            order_id, active_flags, datetime.date.fromisoformat(planned) if planned else None
        )
        for order_id, active_flags, planned in rows_ or ()
    ]


@contextlib.contextmanager
def change(
    order, actor: Actor = RULES, related: Sequence[str] = (),
    reads: Mapping[str, object] = MappingProxyType({}),
) -> Iterator[OrderChange]:
    """One change of one order (loaded with its `related` rows and the annotations in
    `reads`, all in the lock's statement), in the caller's
    transaction or a new one, with no savepoint of its own. A refusal (AttentionError)
    raised before the change wrote anything leaves the caller's transaction usable;
    any other error rolls it back."""
    refusal = None
    with transaction.atomic(savepoint=False):
        batch = OrderChange(order, actor, related, reads)
        try:
            yield batch
        except AttentionError as exc:
            if batch.wrote:
                raise
            refusal = exc
        else:
            batch.finish()
    if refusal is not None:
        raise refusal


def raise_flags(order, flags: Sequence[FlagToRaise], actor: Actor = RULES) -> int:
    """Raise flags on an order in one change; how many were new."""
    with change(order, actor) as batch:
        return sum(created for _flag, created in batch.raise_flags(flags))


def close_for_deleted_order(order) -> None:
    """Saleor is deleting the order: its own flags are closed by the system and the
    audit trail keeps them, with the order's number. Nothing is written into the
    order (Saleor deletes its history and metadata with it)."""
    number = shop.order_number(order)
    flags = list(Flag.objects.active().filter(order_id=order.pk, scope=Scope.ORDER))
    language = journal.language(plugin_state.settings())
    _mark_released(
        flags, handled_on=shop_time.calendar().today(),
        release_comment=system_text(ORDER_DELETED, language),
    )
    events = [journal.flag_released(flag, RULES, language).event for flag in flags]
    events.append(
        journal.finding(EventType.ORDER_DELETED, ORDER_DELETED, {}, RULES, language).event
    )
    for event in events:
        event.order_number = number
    Event.objects.bulk_create(events)


def close_for_cancelled_order(order) -> None:
    """Saleor cancelled the order: nothing of it will ship, so its own active flags are
    closed by the system, in one change (audited, one history note, the mirror).
    Its subscription's flags stay, for the subscription's other orders; the facts
    note the cancellation, so they no longer put this order in the order queue."""
    with change(order, RULES) as batch:
        own = [flag for flag in batch.active if flag.scope == Scope.ORDER]
        if own:
            comment = system_text(ORDER_CANCELLED, batch.language)
            batch.release(own, shop_time.calendar().today(), comment)
            batch.note(EventType.ORDER_CANCELLED, ORDER_CANCELLED)
        if batch.facts.subscription:
            batch.update_facts(cancelled_at=timezone.now())


def _mark_released(flags: Sequence[Flag], **values) -> None:
    """One UPDATE of the flags' release columns, and the same values on the objects."""
    values.update(status=Status.RELEASED, released_at=timezone.now())
    Flag.objects.filter(pk__in=[flag.pk for flag in flags]).update(**values)
    for flag in flags:
        for name, value in values.items():
            setattr(flag, name, value)


def _cause_of(flag) -> _Cause:
    return (flag.scope, flag.reason, flag.handle)
