"""Card payment failures (SPEC §5.7)."""
from __future__ import annotations

from dataclasses import dataclass

from . import FlagToRaise

# Evidence is shown in staff texts and history lines: a gateway's message is cut here.
MAX_EVIDENCE_LENGTH = 255


@dataclass(frozen=True)
class PaymentFailure:
    event_id: str
    # A subscription's automatic charge for its next order (the subscription app
    # reports it on the renewal order it was about to generate).
    renewal: bool = False
    # What the gateway said, as far as the reporter knows it (evidence).
    gateway: str = ""
    message: str = ""
    reference: str = ""


def evaluate(failure: PaymentFailure) -> FlagToRaise:
    """The flag keeps the gateway, its message and the payment's reference."""
    reason = "RENEWAL_PAYMENT_FAILED" if failure.renewal else "PAYMENT_FAILED"
    evidence = {
        name: value[:MAX_EVIDENCE_LENGTH]
        for name, value in (
            ("gateway", failure.gateway), ("message", failure.message),
            ("reference", failure.reference),
        )
        if value
    }
    return FlagToRaise(reason, f"payment-failed:{failure.event_id}", evidence)
