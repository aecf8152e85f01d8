"""Deferred-payment credit check results (SPEC §5.1; NP's result codes)."""
from __future__ import annotations

from dataclasses import dataclass

from .. import config
from ..reasons import (
    CREDIT_CHECK_OK, CREDIT_CHECK_PENDING, CREDIT_CHECK_REJECTED, CREDIT_CHECK_UNDER_REVIEW,
    CREDIT_CHECK_UNRECOGNIZED,
)
from . import FlagToRaise, Outcome

OK = "00"
PENDING = "10"
REJECTED = "20"
UNDER_REVIEW = "40"

REJECTED_REASON = "DEFERRED_PAYMENT_REJECTED"
UNRECOGNIZED_REASON = "DEFERRED_PAYMENT_UNRECOGNIZED"


@dataclass(frozen=True)
class CreditCheck:
    code: str
    event_id: str
    # The customer has no earlier order.
    first_order: bool
    # The order's shipping method can take cash on delivery.
    cod_possible: bool


def evaluate(check: CreditCheck, settings: config.AttentionSettings) -> Outcome:
    if check.code in _NOTED:
        return Outcome(note=_NOTED[check.code])
    if check.code == REJECTED:
        return _rejected(check, settings.deferred_payment_rejection_policy)
    params = {"code": check.code}
    return Outcome(
        flags=(_flag(UNRECOGNIZED_REASON, check, {}),),
        note=CREDIT_CHECK_UNRECOGNIZED, note_params=params,
    )


# Results that only go into the audit trail.
_NOTED = {OK: CREDIT_CHECK_OK, PENDING: CREDIT_CHECK_PENDING, UNDER_REVIEW: CREDIT_CHECK_UNDER_REVIEW}


def _rejected(check: CreditCheck, policy: str) -> Outcome:
    if policy == config.ALL_ATTENTION:
        return _attention(check, "default")
    if policy == config.FIRST_ORDER_COD and not check.first_order:
        return _attention(check, "repeat_order")
    if not check.cod_possible:
        variant = "first_order_no_cod" if policy == config.FIRST_ORDER_COD else "no_cod"
        return _attention(check, variant)
    return Outcome(switch_to_cod=True, note=CREDIT_CHECK_REJECTED)


def _attention(check: CreditCheck, variant: str) -> Outcome:
    return Outcome(
        flags=(_flag(REJECTED_REASON, check, {"variant": variant}),), note=CREDIT_CHECK_REJECTED
    )


def _flag(reason: str, check: CreditCheck, params) -> FlagToRaise:
    """The flag keeps its evidence: the provider's result code and event id."""
    evidence = {"code": check.code, "event": check.event_id}
    return FlagToRaise(
        reason=reason, handle=f"credit-check:{check.event_id}", params={**params, **evidence}
    )
