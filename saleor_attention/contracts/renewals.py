"""Renewals (SPEC §6 ①): each active contract whose next shipping date is within the
lead time gets its next order, placed through Saleor, unless its subscription needs
attention ("no eggs are laid"): then the cycle is recorded as held, once, and the next
run after the release places it.

Two runs at once (two workers, or staff's subscriptionRenewalsRun beside the schedule)
never place a cycle twice: each contract is renewed under its row lock, taken with
SKIP LOCKED so a run passes over contracts another is renewing, and a cycle's number
is unique per contract. Each contract is its own transaction: one refused renewal
undoes nothing of the others."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import List, Optional

from django.db import transaction

from .. import facts, gate, plugin_state
from ..adapter import shop
from ..models import SubscriptionFacts
from . import batches, charges, intervals
from .batches import BATCH, Position
from .models import ContractStatus, CycleStatus, RenewalCycle, SubscriptionContract
from .terms import Renewal, SaleorRefused



@dataclass
class RenewalRun:
    """What one run did, contract by contract."""

    placed: List[RenewalCycle] = field(default_factory=list)
    held: List[RenewalCycle] = field(default_factory=list)
    failed: List[RenewalCycle] = field(default_factory=list)
    # The plugin is switched off: renewals wait, and go on where they stopped.
    paused: bool = False
    # The position of the last contract looked at (None: there was none).
    last: Optional[Position] = None


def due(as_of: datetime.date, limit: int = BATCH, after: Optional[Position] = None) -> List[Position]:
    """(next shipping date, id) of the active contracts to renew as of a date, whose
    next shipping date is within the renewal lead time (a setting), earliest first,
    after the `after` position."""
    contracts = SubscriptionContract.objects.filter(
        status=ContractStatus.ACTIVE, next_shipping_date__lte=as_of + _lead(),
    )
    return batches.positions(contracts, "next_shipping_date", limit, after)


def run(as_of: datetime.date, limit: int = BATCH, after: Optional[Position] = None) -> RenewalRun:
    """Renew up to `limit` due contracts after the `after` position; what each became.
    A held or refused contract stays due: a caller going through all of them passes
    `last` on as the next batch's `after`."""
    done = RenewalRun()
    if not gate.is_on():
        done.paused = True
        return done
    due_by = as_of + _lead()
    for position in due(as_of, limit, after):
        done.last = position
        cycle = renew(position[1], due_by)
        if cycle is not None:
            {CycleStatus.PLACED: done.placed, CycleStatus.HELD: done.held,
             CycleStatus.FAILED: done.failed}[cycle.status].append(cycle)
    return done


def is_renewal_order(order_id) -> bool:
    """Whether a renewal placed the order (a contract's second or later cycle)."""
    return RenewalCycle.objects.filter(order_id=order_id, number__gt=1).exists()


def _lead() -> datetime.timedelta:
    return datetime.timedelta(days=plugin_state.settings().renewal_lead_days)


def renew(contract_id, due_by: datetime.date) -> Optional[RenewalCycle]:
    """The contract's next cycle, if it is due by `due_by` and no other run holds it:
    placed, held by attention, or refused by Saleor."""
    with transaction.atomic():
        contract = (
            SubscriptionContract.objects.select_for_update(skip_locked=True)
            .filter(pk=contract_id, status=ContractStatus.ACTIVE, next_shipping_date__lte=due_by)
            .first()
        )
        if contract is None:
            return None
        cycle = _open_cycle(contract)
        if _needs_attention(contract.subscription):
            return _record(cycle, CycleStatus.HELD, "The subscription needs attention.")
        try:
            with transaction.atomic():
                order = shop.place_renewal_order(_renewal(contract))
        except SaleorRefused as refused:
            return _record(cycle, CycleStatus.FAILED, str(refused))
        cycle.order = order
        _record(cycle, CycleStatus.PLACED, "")
        charges.schedule(cycle, contract)
        contract.next_shipping_date = intervals.after(
            contract.next_shipping_date, contract.interval_count, contract.interval_unit,
            contract.day_of_month,
        )
        contract.save(update_fields=["next_shipping_date", "updated_at"])
        return cycle


def _open_cycle(contract: SubscriptionContract) -> RenewalCycle:
    """The cycle to place now: the last one if it was held or refused, else a new one
    (not yet saved) after it, for the contract's next shipping date."""
    last = contract.cycles.order_by("-number").first()
    if last is not None and last.status in (CycleStatus.HELD, CycleStatus.FAILED):
        return last
    return RenewalCycle(
        contract=contract, number=(last.number if last else 0) + 1,
        planned_shipping_date=contract.next_shipping_date,
    )


def _needs_attention(subscription: str) -> bool:
    """An active SUBSCRIPTION flag, read under the row lock that setting or releasing
    one takes (the counting trigger writes this row): a flag set while the renewal
    runs is either committed and seen, or waits for it."""
    return SubscriptionFacts.objects.select_for_update().filter(
        subscription=subscription, active_flags__gt=0
    ).exists()


def _record(cycle: RenewalCycle, status: str, detail: str) -> RenewalCycle:
    """Save the cycle's outcome; a held or refused cycle is written once, not again at
    every run that finds it still so."""
    if cycle.pk is None or status == CycleStatus.PLACED or (cycle.status, cycle.detail) != (status, detail):
        cycle.status, cycle.detail = status, detail
        cycle.save()
    return cycle


def _renewal(contract: SubscriptionContract) -> Renewal:
    planned = contract.next_shipping_date
    return Renewal(
        terms=contract.terms(),
        before_placing=lambda order_id: facts.link(order_id, contract.subscription, planned),
    )
