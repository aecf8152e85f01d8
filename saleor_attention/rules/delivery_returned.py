"""A shipment came back to the shop (SPEC §4: 配送戻り)."""
from __future__ import annotations

from dataclasses import dataclass

from . import FlagToRaise

REASON = "DELIVERY_RETURNED"


@dataclass(frozen=True)
class DeliveryReturned:
    # The carrier's event: each return is its own cause.
    event_id: str


def evaluate(returned: DeliveryReturned) -> FlagToRaise:
    return FlagToRaise(REASON, f"delivery-returned:{returned.event_id}")
