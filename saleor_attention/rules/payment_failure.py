"""Card payment failures (SPEC §5.7)."""
from __future__ import annotations

from dataclasses import dataclass

from . import FlagToRaise


@dataclass(frozen=True)
class PaymentFailure:
    event_id: str
    # A subscription's automatic charge for its next order (the subscription app
    # reports it on the renewal order it was about to generate).
    renewal: bool = False


def evaluate(failure: PaymentFailure) -> FlagToRaise:
    reason = "RENEWAL_PAYMENT_FAILED" if failure.renewal else "PAYMENT_FAILED"
    return FlagToRaise(reason, f"payment-failed:{failure.event_id}")
