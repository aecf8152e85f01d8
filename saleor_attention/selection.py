"""Which flags a staff filter names. The attentionFlags queue and the bulk set and
release read one filter, so "what the queue shows" and "what a bulk change touches"
cannot drift apart."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Optional, Tuple

from django.db.models import DateTimeField, Q, Subquery, Value
from django.db.models.functions import Greatest

from . import facts, queue
from .models import Flag


@dataclass(frozen=True)
class FlagFilter:
    status: Optional[str] = None
    reasons: Tuple[str, ...] = ()
    scope: Optional[str] = None
    source: Optional[str] = None
    # Flags that apply to this order: its own and its subscription's.
    order: Optional[object] = None
    subscription: str = ""
    created_gte: Optional[datetime.datetime] = None
    created_lte: Optional[datetime.datetime] = None
    # Active flags older than the overdue_after_days setting, or whose due date has
    # passed in the shop's calendar (False: all others).
    overdue: Optional[bool] = None


def flags_matching(flag_filter: FlagFilter, queryset=None):
    queryset = Flag.objects.all() if queryset is None else queryset
    given = {
        "status": flag_filter.status,
        "reason__in": flag_filter.reasons,
        "scope": flag_filter.scope,
        "source": flag_filter.source,
        "subscription": flag_filter.subscription,
        "created_at__gte": flag_filter.created_gte,
        "created_at__lte": flag_filter.created_lte,
    }
    queryset = queryset.filter(**{lookup: value for lookup, value in given.items() if value})
    if flag_filter.order is not None:
        order = flag_filter.order
        queryset = queryset.affecting(order.pk, facts.subscription_of(order))
    if flag_filter.overdue is not None:
        # Overdue as the order queue says it of orders.
        now = queue.Overdue.now()
        cutoff, today = now.cutoff, now.today
        overdue = Q(status="ACTIVE") & (Q(created_at__lt=cutoff) | Q(due_on__lt=today))
        if flag_filter.overdue:
            overdue &= Q(created_at__lte=_newest_overdue(cutoff, today))
        queryset = queryset.filter(overdue if flag_filter.overdue else ~overdue)
    return queryset


def _newest_overdue(cutoff: datetime.datetime, today: datetime.date):
    """No overdue flag is newer than the cutoff or than the newest active flag whose
    due date has passed (few have one; their partial index answers). Said as a bound
    of its own, it lets the newest-first walk of the queue's index start there instead
    of passing every recent flag that is not overdue."""
    dated = Flag.objects.filter(status="ACTIVE", due_on__lt=today).order_by("-created_at")
    return Greatest(
        Value(cutoff, output_field=DateTimeField()),
        Subquery(dated.values("created_at")[:1]),
    )
