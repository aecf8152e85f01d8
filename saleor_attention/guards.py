"""The vetoes: what may not happen to an order while it needs attention (SPEC §6).

Guards run inside the caller's transaction (a model-level `pre_save`), so whatever path
creates a fulfillment — GraphQL, dashboard, Python, admin — meets the same check and the
caller's transaction rolls back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Sequence, Set, Tuple

from django.core.exceptions import ValidationError
from django.db import transaction

from . import facts, gate, orders, refusals, services, triggers
from .adapter import shop
from .models import Flag, Scope
from .reasons import CANNOT_SHIP, EN, JA, RULES_PENDING, get_reason, system_text

FULFILL = "FULFILL"
AUTOMATIC_CHARGE = "AUTOMATIC_CHARGE"
SUBSCRIPTION_RENEWAL = "SUBSCRIPTION_RENEWAL"
CUSTOMER_CHANGES = "CUSTOMER_CHANGES"
BLOCKABLE_ACTIONS = (FULFILL, AUTOMATIC_CHARGE, SUBSCRIPTION_RENEWAL, CUSTOMER_CHANGES)

# What a customer can do to an order or its subscription in the storefront. While the
# order itself needs attention only the last two stay open (SPEC §6.4).
CUSTOMER_ACTIONS = (
    "CHANGE_SCHEDULE", "SKIP", "CHANGE_ADDRESS", "CHANGE_PAYMENT_METHOD",
    "CHANGE_ITEMS", "CANCEL", "ORDER_AGAIN", "VIEW_HISTORY",
)
ALWAYS_ALLOWED = ("ORDER_AGAIN", "VIEW_HISTORY")


# What forbids shipping besides a flag: a code and its text in a language.
Finding = Tuple[str, Callable[[str], str]]


class OrderNeedsAttention(ValidationError):
    """Raised when a fulfillment is attempted on an order with active flags.

    Shaped as Saleor's mutations expect ({"order": ...} with code "invalid"), so
    `orderFulfill` answers with a typed error naming the flags.
    """

    def __init__(self, flags: List[Flag], findings: Sequence[Finding] = ()):
        self.flags = flags
        reasons = [flag.line() for flag in flags]
        reasons += [f"{code}: {text(JA)}" for code, text in findings]
        message = system_text(CANNOT_SHIP, EN, reasons="; ".join(reasons))
        super().__init__({"order": ValidationError(message, code="invalid")})


def check_fulfillment(order_id) -> None:
    """Veto a new fulfillment of an order that needs attention.

    Locks the order's facts row first, which every flag change of the order (and
    of its subscription, through the subscription's row) writes: a flag being set
    or released either committed before this check or waits until the fulfillment
    has committed. A clear order costs that one statement; the rest, which names
    what stops it, runs only when something might.

    A veto is written down (refusals.py: who tried, through which path, which flags)
    once the caller's transaction, which it rolls back, is over.
    """
    with transaction.atomic(savepoint=False):
        if facts.clear_to_ship(order_id):
            return
        order = orders.lock(order_id)
        flags = services.active_flags(order)
        findings = _unflagged_findings(order, flags)
        refused = bool(flags or findings) and gate.is_on()
    if refused:
        refusals.record(refusals.Refusal(
            order.pk, shop.order_number(order), refusals.attempt(), flags, findings
        ))
        if transaction.get_connection().in_atomic_block:
            # Nothing of the caller's may commit with a refused fulfillment.
            transaction.set_rollback(True)
        raise OrderNeedsAttention(flags, findings)


def _unflagged_findings(order, flags) -> Tuple[Finding, ...]:
    """What forbids shipping even with no active flag: rules that have not run yet,
    and an order total that differs from the credit-checked amount (released without
    a new credit check)."""
    findings: List[Finding] = []
    if facts.of(order).rules_pending:
        findings.append((RULES_PENDING, lambda language: system_text(RULES_PENDING, language)))
    mismatch = triggers.amount_mismatch_of(order)
    if mismatch is not None and not any(flag.handle == mismatch.handle for flag in flags):
        reason = get_reason(mismatch.reason)
        findings.append(
            (mismatch.reason, lambda language: reason.staff_message(mismatch.params, language))
        )
    return tuple(findings)


def blocked_actions(active: Iterable[Flag], shipped: bool) -> List[str]:
    """What the active flags stop, in the order staff read them."""
    return blocked_by({flag.scope for flag in active}, shipped)


def blocked_by(scopes: Set[str], shipped: bool) -> List[str]:
    """What active flags of these scopes stop, in the order staff read them."""
    if not scopes:
        return []
    blocked = [FULFILL]
    if not shipped:
        blocked.append(AUTOMATIC_CHARGE)
    if Scope.SUBSCRIPTION in scopes:
        blocked.append(SUBSCRIPTION_RENEWAL)
    if Scope.ORDER in scopes:
        blocked.append(CUSTOMER_CHANGES)
    return blocked


def automatic_charge_held(active: Sequence[Flag], shipped: bool, rules_pending: bool) -> bool:
    """Whether an automatic charge of the order waits (SPEC §6 ③): it needs attention,
    or its rules have not run yet, and it is not shipped (a shipped order is charged
    whatever is flagged). The caller holds the order's lock (lifecycle.change), so a
    flag set meanwhile is either seen or waits for the charge."""
    return not shipped and (rules_pending or AUTOMATIC_CHARGE in blocked_actions(active, shipped))


@dataclass(frozen=True)
class CustomerRestrictions:
    allowed_actions: Tuple[str, ...]
    # The flag whose customer-safe text explains the restriction, if any.
    explained_by: Optional[Flag] = None

    @property
    def restricted(self) -> bool:
        return self.explained_by is not None

    def message(self, language: str = JA) -> Optional[str]:
        return self.explained_by.customer_message(language) if self.restricted else None


def customer_restrictions(active: Iterable[Flag]) -> CustomerRestrictions:
    """Only a flag on the order itself restricts the customer; a subscription-wide
    flag stops renewals, not the customer's changes to this order."""
    own = [flag for flag in active if flag.scope == Scope.ORDER]
    if not own:
        return CustomerRestrictions(allowed_actions=CUSTOMER_ACTIONS)
    oldest = min(own, key=lambda flag: (flag.created_at, flag.pk))
    return CustomerRestrictions(allowed_actions=ALWAYS_ALLOWED, explained_by=oldest)


class CustomerActionRefused(Exception):
    """A storefront action refused while the order needs attention."""

    def __init__(self, action: str, restrictions: CustomerRestrictions, language: str = JA):
        super().__init__(restrictions.message(language))
        self.action = action
        self.restrictions = restrictions


def check_customer_action(order, action: str, language: str = JA) -> None:
    """For storefront and subscription apps: raise unless the customer may do `action`."""
    if action not in CUSTOMER_ACTIONS:
        raise ValueError(f"Unknown customer action {action!r}")
    restrictions = customer_restrictions(services.active_flags(order))
    if action not in restrictions.allowed_actions and gate.is_on():
        raise CustomerActionRefused(action, restrictions, language)
