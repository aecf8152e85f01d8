"""The plugin's operations for staff, apps and other code: set and release flags,
report what providers and carriers found. GraphQL mutations and the inbound endpoint
translate into calls here; each change of an order is one batch of the flag lifecycle
(lifecycle.py), which holds the order's row lock while it runs.
"""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence

from django.utils import timezone

from . import bulk, facts, inputs, lifecycle, selection, shop_time, triggers
from .actors import RULES, Actor
from .adapter import shop
from .errors import AttentionError, AttentionErrorCode, Problem
from .models import BulkJob, BulkJobKind, BulkJobStatus, EventType, Flag, FlagComment, Scope
from .reasons import (
    CATALOGUE, EN, MANUAL, SHIPPING_DATE_PASSED, STILL_NEEDS_ATTENTION, MissingParameter,
    get_reason, system_text,
)
from .rules import FlagToRaise

MAX_NOTE_LENGTH = 2000
MAX_COMMENT_LENGTH = 2000
MAX_HANDLE_LENGTH = 255


@dataclass
class SetResult:
    flag: Flag
    created: bool


@dataclass
class ReleaseWarning:
    code: str
    message: str


@dataclass
class ReleaseResult:
    released: List[Flag]
    remaining: List[Flag]
    warnings: List[ReleaseWarning] = field(default_factory=list)


def active_flags(order) -> List[Flag]:
    """Active flags that make this order need attention (its own and its subscription's)."""
    return list(Flag.objects.active().affecting(order.pk, facts.subscription_of(order)))


def needs_attention(order) -> bool:
    return Flag.objects.active().affecting(order.pk, facts.subscription_of(order)).exists()


def set_flag(
    order,
    reason: str = MANUAL,
    *,
    scope: str = Scope.ORDER,
    note: str = "",
    params: Optional[dict] = None,
    due_on: Optional[datetime.date] = None,
    handle: str = "",
    actor: Actor = RULES,
) -> SetResult:
    """Raise a flag, to be handled by `due_on` if given; the same reason with the same
    handle while active is the same flag (its due date stays as it was)."""
    params = dict(params or {})
    _raise_problems(_set_problems(reason, scope, note, params, handle, due_on))
    wanted = FlagToRaise(reason, handle or uuid.uuid4().hex, params, scope)
    return _set(order, wanted, note, due_on, actor)


def _set(order, wanted: FlagToRaise, note: str, due_on, actor: Actor) -> SetResult:
    with lifecycle.change(order, actor) as change:
        [(flag, created)] = change.raise_flags([wanted], note=note, due_on=due_on)
    return SetResult(flag, created)


def release_flags(
    order,
    *,
    flag_ids: Optional[Sequence[int]] = None,
    scope: Optional[str] = None,
    handled_on: Optional[datetime.date] = None,
    comment: str = "",
    actor: Actor = RULES,
) -> ReleaseResult:
    """Release chosen flags of one order (by id, or every active flag of one scope),
    handled on a day of the shop's calendar: not after today, not before any of the
    flags was set."""
    calendar = shop_time.calendar()
    _raise_problems(
        _release_choice_problems(flag_ids, scope)
        + _handling_problems(handled_on, comment, calendar)
    )
    return _release(order, flag_ids, scope, handled_on, comment, actor, calendar)


def _release(
    order, flag_ids, scope, handled_on, comment, actor: Actor, calendar: shop_time.Calendar
) -> ReleaseResult:
    with lifecycle.change(order, actor) as change:
        if flag_ids:
            flags = _flags_to_release_by_id(change, flag_ids)
        else:
            flags = _flags_to_release_by_scope(change, scope)
        _check_handled_after_set(flags, handled_on, calendar)
        change.release(flags, handled_on, comment)
        warnings = _release_warnings(change, calendar)
    return ReleaseResult(released=flags, remaining=change.active, warnings=warnings)


def order_releasing(flag_ids: Sequence[int]):
    """The one order a release of these flags goes through when no order is named:
    the order of its ORDER flags, else the order its first flag was raised on. Flags
    that do not all apply to that order are refused (INVALID): releasing flags of
    several orders is what bulk_release_flags does, order by order."""
    flags = list(Flag.objects.select_related("order").filter(pk__in=set(flag_ids)).order_by("pk"))
    if not flags:
        raise AttentionError("flags", AttentionErrorCode.NOT_FOUND, "No such flag.")
    own = [flag for flag in flags if flag.scope == Scope.ORDER]
    order = _order_of(own[0] if own else flags[0], "flags")
    subscription = facts.subscription_of(order)
    apart = [
        flag for flag in flags
        if (flag.order_id != order.pk if flag.scope == Scope.ORDER else flag.subscription != subscription)
    ]
    if apart:
        raise AttentionError(
            "flags", AttentionErrorCode.INVALID,
            f"{len(apart)} of the flags apply to another order than {shop.order_number(order)}: "
            "release one order's flags at a time, or use attentionFlagsBulkRelease.",
        )
    return order


@dataclass
class BulkResult:
    count: int  # orders changed (dry run, job: to change)
    # Flags set (new ones) or released; dry run, job: at most this many.
    flag_count: int
    outcomes: List[bulk.Outcome] = field(default_factory=list)
    job: Optional[BulkJob] = None


def bulk_set_flags(
    *,
    order_ids: Optional[Sequence] = None,
    flag_filter: Optional[selection.FlagFilter] = None,
    reason: str = MANUAL,
    scope: str = Scope.ORDER,
    note: str = "",
    due_on: Optional[datetime.date] = None,
    handle: str = "",
    dry_run: bool = False,
    background: bool = False,
    actor: Actor = RULES,
) -> BulkResult:
    """Set the same flag on many orders: the named ones, or the orders a flag filter's
    flags were raised on. Each order is its own change (bulk.py); one handle for the
    call, so a subscription flag is set once however many of its orders are named."""
    _raise_problems(
        _selection_problems(order_ids, flag_filter, "orders")
        + _set_problems(reason, scope, note, {}, handle, due_on)
    )
    most = bulk.limit(background)
    if order_ids:
        targets = bulk.orders_named(order_ids, most)
    else:
        targets = bulk.orders_raising(flag_filter, most)
    parameters = {
        "reason": reason, "scope": scope, "note": note, "handle": handle or f"bulk:{uuid.uuid4().hex}",
        "due_on": None if due_on is None else due_on.isoformat(),
    }
    return _bulk(BulkJobKind.SET, parameters, targets, len(targets), dry_run, background, actor)


def bulk_release_flags(
    *,
    flag_ids: Optional[Sequence[int]] = None,
    flag_filter: Optional[selection.FlagFilter] = None,
    handled_on: Optional[datetime.date] = None,
    comment: str = "",
    dry_run: bool = False,
    background: bool = False,
    actor: Actor = RULES,
) -> BulkResult:
    """Release flags of many orders: the named ones, or a flag filter's active ones.
    Each order's flags are released in one change of that order (bulk.py)."""
    _raise_problems(
        _selection_problems(flag_ids, flag_filter, "flags")
        + _handling_problems(handled_on, comment, shop_time.calendar())
    )
    most = bulk.limit(background)
    if flag_ids:
        targets = bulk.flags_named(flag_ids, most)
    else:
        targets = bulk.active_flags_matching(flag_filter, most)
    parameters = {"handled_on": handled_on.isoformat(), "comment": comment}
    flag_count = sum(len(flags) for _order, flags in targets)
    return _bulk(BulkJobKind.RELEASE, parameters, targets, flag_count, dry_run, background, actor)


def run_bulk_job(job_id) -> Optional[BulkJob]:
    """Run (or go on with) a background bulk job, as the one who started it."""
    job = BulkJob.objects.select_related("created_by", "created_by_app").filter(pk=job_id).first()
    if job is None or job.status == BulkJobStatus.DONE:
        return job
    actor = Actor(user=job.created_by, app=job.created_by_app)
    return bulk.run_job(job, *_bulk_change(job.kind, job.parameters, actor))


def bulk_job(job_id) -> Optional[BulkJob]:
    return BulkJob.objects.filter(pk=job_id).first()


def _bulk(kind, parameters, targets, flag_count, dry_run, background, actor) -> BulkResult:
    if dry_run:
        return BulkResult(len(targets), flag_count)
    if background:
        job = bulk.start_job(kind, parameters, targets, actor)
        return BulkResult(len(targets), flag_count, job=job)
    outcomes = bulk.change_each(targets, *_bulk_change(kind, parameters, actor))
    changed = [outcome.result for outcome in outcomes if outcome.result is not None]
    if kind == BulkJobKind.SET:
        flags = sum(result.created for result in changed)
    else:
        flags = sum(len(result.released) for result in changed)
    return BulkResult(len(targets), flags, outcomes)


def _bulk_change(kind: str, parameters: dict, actor: Actor):
    """What changes one order of a bulk call or job (its parameters as a job keeps
    them), and the input field its errors name."""
    if kind == BulkJobKind.SET:
        wanted = FlagToRaise(parameters["reason"], parameters["handle"], {}, parameters["scope"])
        due_on = _date(parameters["due_on"])

        def set_one(order, _flags):
            return _set(order, wanted, parameters["note"], due_on, actor)

        return set_one, "orders"
    handled_on, calendar = _date(parameters["handled_on"]), shop_time.calendar()

    def release_one(order, flags):
        return _release(order, flags, None, handled_on, parameters["comment"], actor, calendar)

    return release_one, "flags"


def _date(value: Optional[str]) -> Optional[datetime.date]:
    return None if value is None else datetime.date.fromisoformat(value)


def update_note(flag_id: int, note: str, *, actor: Actor = RULES) -> Flag:
    """Change an active flag's note. A released flag's note is part of the decision
    that released it and stays: changing it is refused (ALREADY_RELEASED), a comment
    is not."""
    problems = inputs.text_problems("note", note, MAX_NOTE_LENGTH)
    if problems:
        raise AttentionError.of(problems)
    with lifecycle.change(_order_of_flag(flag_id, "id"), actor) as change:
        flag = _locked_flag(change, flag_id, "id")
        if not flag.is_active:
            raise AttentionError(
                "id", AttentionErrorCode.ALREADY_RELEASED,
                "The flag is released: its note stays as it was released with; add a "
                "comment instead.",
            )
        if get_reason(flag.reason).manual and inputs.is_blank(note):
            # A manual flag's note is its message.
            raise AttentionError("note", AttentionErrorCode.REQUIRED, "A manual flag needs a note.")
        if note != flag.note:
            change.update_note(flag, note)
    return flag


def add_comment(flag_id: int, comment: str, *, actor: Actor = RULES) -> FlagComment:
    """Comment on a flag, active or released, without changing it."""
    problems = inputs.text_problems("comment", comment, MAX_COMMENT_LENGTH)
    if not problems and inputs.is_blank(comment):
        problems = [Problem("comment", AttentionErrorCode.REQUIRED, "The comment is empty.")]
    if problems:
        raise AttentionError.of(problems)
    with lifecycle.change(_order_of_flag(flag_id, "id"), actor) as change:
        return change.comment(_locked_flag(change, flag_id, "id"), comment)


# The Python API of rule triggers, for payment apps, carriers' integrations and tasks.
report_credit_check = triggers.credit_check_reported
report_payment_failed = triggers.payment_failed
report_delivery_returned = triggers.delivery_returned_reported


def orders_awaiting_rules(older_than: datetime.timedelta, limit: int) -> List[object]:
    """Orders whose rules never ran (a crash between Saleor's commit and its hooks),
    oldest first; drafts wait for draftOrderComplete, which runs them."""
    cutoff = timezone.now() - older_than
    return list(
        shop.Order.objects.filter(
            attention_facts__rules_pending_since__lt=cutoff
        ).exclude(status=shop.DRAFT_STATUS).order_by("attention_facts__rules_pending_since")[:limit]
    )


order_deleted = lifecycle.close_for_deleted_order


def _raise_problems(problems: List[Problem]) -> None:
    if problems:
        raise AttentionError.of(problems)


def _selection_problems(ids, flag_filter, field_name: str) -> List[Problem]:
    """A bulk call names its targets by id or by a filter: one of the two."""
    if ids and flag_filter is not None:
        return [Problem("filter", AttentionErrorCode.INVALID, f"Name the {field_name} or give a filter, not both.")]
    if not ids and flag_filter is None:
        return [Problem(field_name, AttentionErrorCode.REQUIRED, f"Name the {field_name}, or give a filter.")]
    return []


def _set_problems(reason, scope, note, params, handle, due_on=None) -> List[Problem]:
    problems = []
    if due_on is not None and due_on < shop_time.calendar().today():
        problems.append(
            Problem("dueOn", AttentionErrorCode.INVALID, "dueOn is in the past.")
        )
    if reason not in CATALOGUE:
        problems.append(
            Problem("reason", AttentionErrorCode.INVALID, f"Unknown reason {reason!r}.")
        )
    if scope not in Scope.values:
        problems.append(
            Problem("scope", AttentionErrorCode.INVALID, f"Unknown scope {scope!r}.")
        )
    if reason in CATALOGUE and get_reason(reason).manual and inputs.is_blank(note):
        problems.append(
            Problem("note", AttentionErrorCode.REQUIRED, "A manual flag needs a note.")
        )
    problems += inputs.text_problems("note", note, MAX_NOTE_LENGTH)
    problems += inputs.text_problems("handle", handle, MAX_HANDLE_LENGTH)
    if not problems:
        try:
            get_reason(reason).staff_message({**params, "note": note})
        except MissingParameter as exc:
            problems.append(Problem("reason", AttentionErrorCode.INVALID, str(exc)))
    return problems


def _release_choice_problems(flag_ids, scope) -> List[Problem]:
    problems = []
    if not flag_ids and not scope:
        problems.append(
            Problem(
                "flags",
                AttentionErrorCode.REQUIRED,
                "Name the flags to release, or an order and a scope.",
            )
        )
    if scope and scope not in Scope.values:
        problems.append(
            Problem("scope", AttentionErrorCode.INVALID, f"Unknown scope {scope!r}.")
        )
    return problems


def _handling_problems(handled_on, comment, calendar: shop_time.Calendar) -> List[Problem]:
    problems = []
    if handled_on is None:
        problems.append(
            Problem(
                "handledOn",
                AttentionErrorCode.REQUIRED,
                "Releasing a flag needs the date it was handled on.",
            )
        )
    elif handled_on > calendar.today():
        problems.append(
            Problem("handledOn", AttentionErrorCode.INVALID, "handledOn is in the future.")
        )
    problems += inputs.text_problems("comment", comment, MAX_COMMENT_LENGTH)
    return problems


def _check_handled_after_set(flags, handled_on, calendar: shop_time.Calendar) -> None:
    # Every flag must have been set by then: the latest day counts.
    latest = max(calendar.day_of(flag.created_at) for flag in flags)
    if handled_on < latest:
        raise AttentionError(
            "handledOn",
            AttentionErrorCode.INVALID,
            f"handledOn is before the flag was set ({latest.isoformat()}).",
        )


def _order_of_flag(flag_id: int, field: str):
    flag = Flag.objects.select_related("order").filter(pk=flag_id).first()
    if flag is None:
        raise AttentionError(field, AttentionErrorCode.NOT_FOUND, "No such flag.")
    return _order_of(flag, field)


def _order_of(flag: Flag, field: str):
    """The order a flag's changes go through: the order it was raised on or, once Saleor
    deleted that order, another order of its subscription."""
    order = flag.order
    if order is None and flag.scope == Scope.SUBSCRIPTION:
        order = facts.orders_of_subscription(flag.subscription).first()
    if order is None:
        raise AttentionError(
            field, AttentionErrorCode.INVALID,
            "The flag's order was deleted: the flag is closed and can no longer change.",
        )
    return order


def _locked_flag(change: lifecycle.OrderChange, flag_id: int, field: str) -> Flag:
    flag = (
        Flag.objects.select_for_update()
        .filter(pk=flag_id)
        .affecting(change.order.pk, change.facts.subscription)
        .first()
    )
    if flag is None:
        raise AttentionError(field, AttentionErrorCode.NOT_FOUND, "No such flag.")
    return flag


def _flags_to_release_by_id(change: lifecycle.OrderChange, flag_ids: Iterable[int]) -> List[Flag]:
    """The named flags, row-locked: a subscription flag may be released through
    another order of its subscription at the same moment."""
    wanted = set(flag_ids)
    flags = list(
        Flag.objects.select_for_update()
        .filter(pk__in=wanted)
        .affecting(change.order.pk, change.facts.subscription)
        .order_by("pk")
    )
    missing = wanted - {flag.pk for flag in flags}
    if missing:
        raise AttentionError(
            "flags",
            AttentionErrorCode.NOT_FOUND,
            f"{len(missing)} of the flags do not belong to this order.",
        )
    released = [flag for flag in flags if not flag.is_active]
    if released:
        raise AttentionError(
            "flags",
            AttentionErrorCode.ALREADY_RELEASED,
            f"{len(released)} of the flags are already released; nothing was changed.",
        )
    return flags


def _flags_to_release_by_scope(change: lifecycle.OrderChange, scope) -> List[Flag]:
    flags = list(
        Flag.objects.select_for_update()
        .active()
        .affecting(change.order.pk, change.facts.subscription)
        .filter(scope=scope)
        .order_by("pk")
    )
    if not flags:
        raise AttentionError(
            "scope",
            AttentionErrorCode.NOTHING_TO_RELEASE,
            f"This order has no active {scope} flags.",
        )
    return flags


def _release_warnings(
    change: lifecycle.OrderChange, calendar: shop_time.Calendar
) -> List[ReleaseWarning]:
    """What staff should know after a release (in the API's English; the order history
    gets the shop's Japanese)."""
    if change.active:
        counts = {
            scope.lower(): sum(1 for flag in change.active if flag.scope == scope)
            for scope in Scope.values
        }
        return [_warning(STILL_NEEDS_ATTENTION, counts)]
    planned = change.facts.planned_shipping_date
    if planned is not None and planned < calendar.today():
        values = {"date": planned.isoformat()}
        change.note(EventType.SHIPPING_DATE_PASSED, SHIPPING_DATE_PASSED, values)
        return [_warning(SHIPPING_DATE_PASSED, values)]
    return []


def _warning(code: str, values: dict) -> ReleaseWarning:
    return ReleaseWarning(code, system_text(code, EN, **values))
