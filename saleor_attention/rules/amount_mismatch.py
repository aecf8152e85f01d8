"""The amount reported on shipping must be the credit-checked amount (SPEC §5.2)."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from . import FlagToRaise

REASON = "DEFERRED_PAYMENT_AMOUNT_MISMATCH"


def evaluate(checked: Optional[Decimal], total: Decimal) -> Optional[FlagToRaise]:
    """A flag when the order total moved away from what the provider checked.

    The handle names both amounts: after a new credit check for the new total, a
    later change is a new cause.
    """
    if checked is None or checked == total:
        return None
    paid, due = _plain(checked), _plain(total)
    return FlagToRaise(REASON, f"amount:{paid}:{due}", params={"paid": paid, "total": due})


def _plain(amount: Decimal) -> str:
    """1980.00 → "1980", 1980.50 → "1980.5": amounts as shop staff write them."""
    return format(amount.normalize(), "f")
