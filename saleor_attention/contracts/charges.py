"""Automatic charges (自動決済, SPEC §6 ③): each renewal order of a contract with a
payment method is charged on its charge date (its planned shipping date less the
charge lead time, a setting) through the method's payment path (port: charge).

While the order needs attention and is not yet shipped the charge waits — recorded
once a wait, in the charge's attempts, the order's audit trail and its history — and
the first run after the release charges it; a shipped order is charged whatever is
flagged. A decline is tried again after the retry interval, as many times as the
retries setting says; the decline after the last raises RENEWAL_PAYMENT_FAILED on the
order, which holds the charge until staff release it.

Two runs at once never charge an order twice: each charge is tried under its row
lock, taken with SKIP LOCKED, and under the order's lock (lifecycle.change, which
flag changes take too), in a transaction of its own that ends only after the
gateway answered.

A payment app that answers later (Saleor 3's Transaction API) leaves the charge
REQUESTED; its answer, when it arrives, charges or declines it (answered)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import List, Optional

from django.db import transaction

from .. import gate, guards, lifecycle, plugin_state, shop_time, triggers
from ..adapter import shop
from ..models import EventType
from ..reasons import CHARGE_DECLINED, CHARGE_HELD, CHARGE_NO_RETRY, CHARGE_RETRY_ON, system_text
from . import batches
from .batches import BATCH, Position
from .models import (
    AttemptOutcome, AutomaticCharge, ChargeAttempt, ChargeStatus, RenewalCycle, SubscriptionContract,
)
from .terms import ChargeResult, PaymentMethod



@dataclass
class ChargeRun:
    """What one run did, charge by charge."""

    charged: List[AutomaticCharge] = field(default_factory=list)
    requested: List[AutomaticCharge] = field(default_factory=list)
    held: List[AutomaticCharge] = field(default_factory=list)
    declined: List[AutomaticCharge] = field(default_factory=list)
    closed: List[AutomaticCharge] = field(default_factory=list)
    # The plugin is switched off: charges wait, and go on where they stopped.
    paused: bool = False
    last: Optional[Position] = None


def schedule(cycle: RenewalCycle, contract: SubscriptionContract) -> Optional[AutomaticCharge]:
    """The charge of a just placed renewal order, if its contract names a payment
    method (one the shop cannot charge is tried, declined, and flagged like a card)."""
    if PaymentMethod.parse(contract.payment_method) is None:
        return None
    lead = datetime.timedelta(days=plugin_state.settings().charge_lead_days)
    return AutomaticCharge.objects.create(
        cycle=cycle, order_id=cycle.order_id, charge_on=cycle.planned_shipping_date - lead,
    )


def due(as_of: datetime.date, limit: int = BATCH, after: Optional[Position] = None) -> List[Position]:
    """(charge date, id) of the charges to try as of a date, earliest first."""
    charges = AutomaticCharge.objects.filter(status=ChargeStatus.DUE, charge_on__lte=as_of)
    return batches.positions(charges, "charge_on", limit, after)


def run(as_of: datetime.date, limit: int = BATCH, after: Optional[Position] = None) -> ChargeRun:
    """Try up to `limit` due charges after the `after` position. A held or declined
    charge stays due: a caller going through all passes `last` on as `after`."""
    done = ChargeRun()
    if not gate.is_on():
        done.paused = True
        return done
    for position in due(as_of, limit, after):
        done.last = position
        attempted = attempt(position[1], as_of)
        if attempted is not None:
            getattr(done, attempted.outcome).append(attempted.charge)
    return done


@dataclass(frozen=True)
class Attempted:
    charge: AutomaticCharge
    outcome: str  # charged, requested, held, declined or closed (a ChargeRun list)


def attempt(charge_id, as_of: datetime.date) -> Optional[Attempted]:
    """Try the charge if it is due as of the date and no other run holds it."""
    with transaction.atomic():
        charge = (
            AutomaticCharge.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("cycle__contract", "order")  # the order: for the run's answer
            .filter(pk=charge_id, status=ChargeStatus.DUE, charge_on__lte=as_of)
            .first()
        )
        if charge is None:
            return None
        with lifecycle.change(charge.order) as change:
            return Attempted(charge, _attempt(charge, change, as_of))


def answered(order_id, request: str, result: ChargeResult) -> Optional[Attempted]:
    """A payment app's later answer to the charge it was asked for (REQUESTED, under
    the `request` reference it gave): charged, or declined as an answer at once is
    (retried, then flagged). Under a run's locks: the charge's row, then the order's."""
    with transaction.atomic():
        charge = (
            AutomaticCharge.objects.select_for_update(of=("self",))
            .filter(order_id=order_id, status=ChargeStatus.REQUESTED, reference=request)
            .first()
        )
        if charge is None:
            return None
        with lifecycle.change(shop.Order(pk=order_id)) as change:
            if result.charged:
                _save(charge, ChargeStatus.CHARGED, AttemptOutcome.CHARGED, result)
                return Attempted(charge, "charged")
            return Attempted(charge, _declined(charge, change, result, shop_time.calendar().today()))


def _attempt(charge: AutomaticCharge, change: lifecycle.OrderChange, as_of) -> str:
    order = change.order
    if order.status == shop.CANCELLED_STATUS or shop.is_paid(order):
        _save(charge, ChargeStatus.CLOSED, AttemptOutcome.CLOSED)
        return "closed"
    if guards.automatic_charge_held(change.active, shop.is_shipped(order), change.facts.rules_pending):
        if not charge.held:
            charge.held = True
            reasons = "; ".join(flag.line(change.language) for flag in change.active)
            change.note(EventType.ACTION_BLOCKED, CHARGE_HELD, {"reasons": reasons or "-"})
            _save(charge, ChargeStatus.DUE, AttemptOutcome.HELD, message=reasons)
        return "held"
    charge.held = False
    method = PaymentMethod.parse(charge.cycle.contract.payment_method)
    if method is None:
        result = ChargeResult(False, message="The contract has no payment method to charge.")
    else:
        result = shop.charge(order, method)
    if result.charged or result.requested:
        status = ChargeStatus.CHARGED if result.charged else ChargeStatus.REQUESTED
        charge.declines, charge.reference = 0, result.reference
        _save(charge, status, AttemptOutcome(status), result)
        return status.lower()
    return _declined(charge, change, result, as_of)


def _declined(charge, change, result: ChargeResult, as_of) -> str:
    settings = change.settings  # read with the order's lock
    retries_left = charge.declines + 1 <= settings.charge_retries
    # No retry left: the flag raised below holds the charge, and after its release the
    # retries start again.
    charge.declines = charge.declines + 1 if retries_left else 0
    charge.charge_on = as_of + datetime.timedelta(days=settings.charge_retry_interval_days)
    attempt_row = _save(charge, ChargeStatus.DUE, AttemptOutcome.DECLINED, result)
    then = (
        system_text(CHARGE_RETRY_ON, change.language, date=charge.charge_on.isoformat())
        if retries_left else system_text(CHARGE_NO_RETRY, change.language)
    )
    change.note(EventType.CHARGE_DECLINED, CHARGE_DECLINED, {
        "gateway": result.gateway or "-", "message": result.message or "-", "next": then,
        "reference": result.reference,
    })
    if not retries_left:
        triggers.renewal_charge_declined(
            change, f"charge-attempt:{attempt_row.pk}", gateway=result.gateway,
            message=result.message, reference=result.reference,
        )
    return "declined"


def _save(charge: AutomaticCharge, status: str, outcome: str,
          result: Optional[ChargeResult] = None, message: str = "") -> ChargeAttempt:
    charge.status = status
    charge.save()
    result = result or ChargeResult(False, message=message)
    return ChargeAttempt.objects.create(
        charge=charge, outcome=outcome, gateway=result.gateway, message=result.message,
        reference=result.reference,
    )
