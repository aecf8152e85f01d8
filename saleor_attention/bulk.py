"""Many orders changed by one call or one background job. Each order is its own order
change (lifecycle.change) in its own savepoint: one order's refusal is its outcome
and leaves the others changed. services.py decides what changes (and checks its
inputs once); this module runs it order by order and keeps a job's progress."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import facts, selection
from .actors import Actor
from .adapter import shop
from .errors import AttentionError, AttentionErrorCode, Problem
from .models import BulkJob, BulkJobStatus, Flag, Scope

# Orders one call changes (it holds the request, and its answer lists every order);
# a larger selection runs as a background job, up to MAX_JOB_ORDERS.
MAX_BULK_ORDERS = 500
MAX_JOB_ORDERS = 50_000
# The errors a job keeps for staff to read (the count of failed orders goes on).
MAX_JOB_ERRORS = 100

# One order to change: its pk (None once Saleor deleted it) and the flags concerned
# (for a release; none for a set).
Target = Tuple[object, Tuple[int, ...]]
# What changes one order: (order, flag pks) -> the service's result.
ChangeOne = Callable[[object, Tuple[int, ...]], object]


@dataclass
class Outcome:
    order: Optional[object]
    order_number: str
    result: object = None
    problems: List[Problem] = field(default_factory=list)


def limit(background: bool) -> int:
    return MAX_JOB_ORDERS if background else MAX_BULK_ORDERS


def orders_named(order_pks: Sequence, most: int) -> List[Target]:
    """The named orders, in the order given; unknown ones refuse the call."""
    pks = list(dict.fromkeys(order_pks))
    check_count(len(pks), most, "orders")
    missing = len(pks) - shop.Order.objects.filter(pk__in=pks).count()
    if missing:
        raise AttentionError(
            "orders", AttentionErrorCode.NOT_FOUND,
            f"No such orders: {missing} of the {len(pks)} named do not exist.",
        )
    return [(pk, ()) for pk in pks]


# Orders in the order staff know them by, their numbers (not their ids: UUIDs on 3.x).
BY_NUMBER = f"order__{shop.ORDER_NUMBER_FIELD}"


def orders_raising(flag_filter: selection.FlagFilter, most: int) -> List[Target]:
    """The orders the filter's flags were raised on (a subscription flag: the order it
    was raised through), by order number."""
    raised_on = (
        selection.flags_matching(flag_filter).exclude(order_id=None)
        .order_by(BY_NUMBER).values_list("order_id", flat=True).distinct()
    )
    pks = list(raised_on[: most + 1])
    if len(pks) > most:
        check_count(raised_on.count(), most, "filter")
    return [(pk, ()) for pk in pks]


def flags_named(flag_pks: Sequence[int], most: int) -> List[Target]:
    """The named flags by the order each is released through; unknown ones refuse the
    call (released ones are their order's error: found under its lock)."""
    wanted = set(flag_pks)
    rows = _flag_rows(Flag.objects.filter(pk__in=wanted))
    if len(rows) < len(wanted):
        raise AttentionError(
            "flags", AttentionErrorCode.NOT_FOUND,
            f"No such flags: {len(wanted) - len(rows)} of the {len(wanted)} named do not exist.",
        )
    return _checked(_by_order(rows), most, "flags")


def active_flags_matching(flag_filter: selection.FlagFilter, most: int) -> List[Target]:
    """The filter's active flags by the order each is released through."""
    matching = selection.flags_matching(flag_filter).filter(status="ACTIVE")
    check_count(matching.order_by().values("order_id").distinct().count(), most, "filter")
    return _checked(_by_order(_flag_rows(matching)), most, "filter")


def check_count(count: int, most: int, field_name: str) -> None:
    if count <= most:
        return
    hint = "narrow the filter"
    if most < MAX_JOB_ORDERS:
        hint += f", or run it in the background (background: true, up to {MAX_JOB_ORDERS})"
    error = AttentionError(
        field_name, AttentionErrorCode.TOO_MANY,
        f"This selects {count} orders, more than {most} at a time: {hint}.",
    )
    error.details = {"count": count}
    raise error


def _checked(targets: List[Target], most: int, field_name: str) -> List[Target]:
    check_count(len(targets), most, field_name)
    return targets


def _flag_rows(flags) -> list:
    return list(
        flags.order_by(BY_NUMBER, "pk").values_list("pk", "order_id", "scope", "subscription")
    )


def _by_order(rows) -> List[Target]:
    """Flags grouped by the order they are released through: the order each was raised
    on or, once Saleor deleted it, another order of its subscription (None: none left)."""
    groups: Dict[object, List[int]] = {}
    siblings: Dict[str, object] = {}
    for pk, order_id, scope, subscription in rows:
        if order_id is None and scope == Scope.SUBSCRIPTION:
            if subscription not in siblings:
                siblings[subscription] = (
                    facts.orders_of_subscription(subscription).values_list("pk", flat=True).first()
                )
            order_id = siblings[subscription]
        groups.setdefault(order_id, []).append(pk)
    return [(order_id, tuple(pks)) for order_id, pks in groups.items()]


def change_each(targets: Sequence[Target], change_one: ChangeOne, field_name: str) -> List[Outcome]:
    """Change the targets' orders one by one, now."""
    orders = shop.Order.objects.in_bulk([pk for pk, _flags in targets if pk is not None])
    return [
        _change_one(orders.get(pk), flags, change_one, field_name) for pk, flags in targets
    ]


def start_job(kind: str, parameters: dict, targets: Sequence[Target], actor: Actor) -> BulkJob:
    """Record a job; a worker runs it once the caller's transaction commits (before,
    it could not read the row)."""
    job = BulkJob.objects.create(
        kind=kind, parameters=parameters, total=len(targets),
        targets=[[None if pk is None else str(pk), list(flags)] for pk, flags in targets],
        created_by=actor.user, created_by_app=actor.app, created_by_name=actor.name,
        created_by_source=actor.source,
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def run_job(job: BulkJob, change_one: ChangeOne, field_name: str) -> BulkJob:
    """Run a job from where it stands. Each order's change commits together with the
    job's progress, under the job's row lock: a second worker handed the same job
    waits and goes on with the next order, never the same one."""
    targets = job.targets
    # A job taken up again keeps the time it first started.
    BulkJob.objects.filter(pk=job.pk).update(
        status=BulkJobStatus.RUNNING, started_at=Coalesce("started_at", Value(timezone.now()))
    )
    try:
        while _run_next(job.pk, targets, change_one, field_name):
            pass
    except Exception:
        BulkJob.objects.filter(pk=job.pk).update(
            status=BulkJobStatus.FAILED, finished_at=timezone.now()
        )
        raise
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJobStatus.DONE, finished_at=timezone.now())
    return BulkJob.objects.get(pk=job.pk)


def _run_next(job_pk, targets, change_one: ChangeOne, field_name: str) -> bool:
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().defer("targets").get(pk=job_pk)
        if job.done >= job.total:
            return False
        pk, flags = targets[job.done]
        order = None if pk is None else shop.Order.objects.filter(pk=shop.ORDER_PK(pk)).first()
        _record(job, _change_one(order, tuple(flags), change_one, field_name))
        return True


def _change_one(order, flags, change_one: ChangeOne, field_name: str) -> Outcome:
    if order is None:
        gone = Problem(field_name, AttentionErrorCode.NOT_FOUND, "The order was deleted.")
        return Outcome(None, "", problems=[gone])
    number = shop.order_number(order)
    try:
        with transaction.atomic():
            return Outcome(order, number, result=change_one(order, flags))
    except AttentionError as exc:
        return Outcome(order, number, problems=exc.problems)


def _record(job: BulkJob, outcome: Outcome) -> None:
    job.done += 1
    if outcome.problems:
        job.failed += 1
        order = None if outcome.order is None else str(outcome.order.pk)
        room = MAX_JOB_ERRORS - len(job.errors)
        job.errors += [
            {
                "order": order, "order_number": outcome.order_number, "field": problem.field,
                "code": problem.code.name, "message": problem.message,
            }
            for problem in outcome.problems[:room]
        ]
    job.save(update_fields=["done", "failed", "errors"])


def _enqueue(job_pk) -> None:
    # The task module is an entry point above this one (it calls services): imported
    # when a job starts, not while the services load.
    from .tasks import run_bulk_job

    run_bulk_job.delay(job_pk)
