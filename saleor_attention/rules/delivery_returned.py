"""A shipment came back to the shop (SPEC §4: 配送戻り)."""
from __future__ import annotations

from dataclasses import dataclass

from . import FlagToRaise

REASON = "DELIVERY_RETURNED"


@dataclass(frozen=True)
class DeliveryReturned:
    # The carrier's event: each return is its own cause.
    event_id: str
    # What the carrier reported, as far as it did (evidence).
    carrier: str = ""
    tracking_number: str = ""
    reason: str = ""


def evaluate(returned: DeliveryReturned) -> FlagToRaise:
    """The flag keeps the carrier's data: carrier, tracking number, why it came
    back, and the carrier's event id."""
    evidence = {
        name: value
        for name, value in (
            ("carrier", returned.carrier), ("tracking_number", returned.tracking_number),
            ("return_reason", returned.reason), ("event", returned.event_id),
        )
        if value
    }
    return FlagToRaise(REASON, f"delivery-returned:{returned.event_id}", evidence)
