"""Deferred-payment credit check results (SPEC §5.1; NP's result codes)."""
from __future__ import annotations

from dataclasses import dataclass

from .. import config
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
    if check.code == OK:
        return Outcome(note="与信OK")
    if check.code == PENDING:
        return Outcome(note="与信保留中 (pending)")
    if check.code == UNDER_REVIEW:
        return Outcome(note="与信審査中 (under review)")
    if check.code == REJECTED:
        return _rejected(check, settings.deferred_payment_rejection_policy)
    return Outcome(
        flags=(_flag(UNRECOGNIZED_REASON, check, {"code": check.code}),),
        note=f"与信結果「{check.code}」",
    )


def _rejected(check: CreditCheck, policy: str) -> Outcome:
    if policy == config.ALL_ATTENTION:
        return _attention(check, "default")
    if policy == config.FIRST_ORDER_COD and not check.first_order:
        return _attention(check, "repeat_order")
    if not check.cod_possible:
        variant = "first_order_no_cod" if policy == config.FIRST_ORDER_COD else "no_cod"
        return _attention(check, variant)
    return Outcome(switch_to_cod=True, note="与信NG: 代引きに変更")


def _attention(check: CreditCheck, variant: str) -> Outcome:
    return Outcome(
        flags=(_flag(REJECTED_REASON, check, {"variant": variant}),), note="与信NG"
    )


def _flag(reason: str, check: CreditCheck, params) -> FlagToRaise:
    return FlagToRaise(reason=reason, handle=f"credit-check:{check.event_id}", params=params)
