"""Rules that look at an order when it is placed (SPEC §5.5, §5.6)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List

from .. import config
from . import FlagToRaise

ISLANDS_FILE = Path(__file__).resolve().parent.parent / "data" / "remote_islands.txt"


@dataclass(frozen=True)
class PlacedOrder:
    shipping_postal_code: str  # digits only
    payment_gateway: str
    # The subscription the order belongs to, "" for a regular order.
    subscription: str


def evaluate(order: PlacedOrder, settings: config.AttentionSettings) -> List[FlagToRaise]:
    flags = []
    if settings.remote_island_check and is_remote_island(order.shipping_postal_code, settings):
        flags.append(FlagToRaise("REMOTE_ISLAND", "remote-island"))
    if _cod_refused(order, settings):
        flags.append(FlagToRaise("COD_NOT_ALLOWED", "cod-not-allowed"))
    return flags


def is_remote_island(postal_code: str, settings: config.AttentionSettings) -> bool:
    """In the built-in list or the shop's additions, and not among its removals
    (asked per order without building the union of thousands of codes)."""
    if postal_code in settings.remote_island_postal_codes_removed:
        return False
    return (
        postal_code in settings.remote_island_postal_codes_added
        or postal_code in built_in_remote_islands()
    )


@lru_cache(maxsize=1)
def built_in_remote_islands() -> FrozenSet[str]:
    lines = ISLANDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def reads_payment_gateway(settings: config.AttentionSettings) -> bool:
    """Whether the order's payment gateway can change the outcome (so the trigger
    need not look it up for shops that never refuse cash on delivery)."""
    return bool(settings.cod_payment_gateways) and not settings.cod_allowed_regular_orders


def _cod_refused(order: PlacedOrder, settings: config.AttentionSettings) -> bool:
    # Subscription orders follow their own COD settings (the subscription issue).
    is_cod = order.payment_gateway in settings.cod_payment_gateways
    return is_cod and not order.subscription and not settings.cod_allowed_regular_orders
