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
    # Whether it is its subscription's first order (no other order was linked to the
    # subscription before it); read only when the COD settings ask.
    first_of_subscription: bool = False


# Which list made a postal code a remote island (a REMOTE_ISLAND flag's evidence).
BUILT_IN = "BUILT_IN"
ADDED = "ADDED"


def evaluate(order: PlacedOrder, settings: config.AttentionSettings) -> List[FlagToRaise]:
    """The flags keep their evidence: the postal code and the list it is on; the
    payment gateway that is cash on delivery."""
    flags = []
    island_list = settings.remote_island_check and remote_island_list(
        order.shipping_postal_code, settings
    )
    if island_list:
        evidence = {"postal_code": _postal(order.shipping_postal_code), "island_list": island_list}
        flags.append(FlagToRaise("REMOTE_ISLAND", "remote-island", evidence))
    if _cod_refused(order, settings):
        evidence = {"gateway": order.payment_gateway}
        flags.append(FlagToRaise("COD_NOT_ALLOWED", "cod-not-allowed", evidence))
    return flags


def remote_island_list(postal_code: str, settings: config.AttentionSettings) -> str:
    """ADDED (the shop's additions) or BUILT_IN when the code is a remote island and
    not among the shop's removals, else "" (asked per order without building the
    union of thousands of codes)."""
    if postal_code in settings.remote_island_postal_codes_removed:
        return ""
    if postal_code in settings.remote_island_postal_codes_added:
        return ADDED
    return BUILT_IN if postal_code in built_in_remote_islands() else ""


def _postal(digits: str) -> str:
    """1001401 → 100-1401, as Japanese postal codes are written."""
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else digits


@lru_cache(maxsize=1)
def built_in_remote_islands() -> FrozenSet[str]:
    lines = ISLANDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def reads_payment_gateway(settings: config.AttentionSettings) -> bool:
    """Whether the order's payment gateway can change the outcome (so the trigger
    need not look it up for shops that never refuse cash on delivery)."""
    return bool(settings.cod_payment_gateways) and not all(_cod_allowed(settings).values())


def _cod_allowed(settings: config.AttentionSettings) -> dict:
    """Whether cash on delivery is allowed, by kind of order (SPEC §5.6)."""
    return {
        REGULAR: settings.cod_allowed_regular_orders,
        FIRST_SUBSCRIPTION: settings.cod_allowed_first_subscription_orders,
        LATER_SUBSCRIPTION: settings.cod_allowed_later_subscription_orders,
    }


# Kinds of order, as the COD settings tell them apart.
REGULAR = "REGULAR"
FIRST_SUBSCRIPTION = "FIRST_SUBSCRIPTION"
LATER_SUBSCRIPTION = "LATER_SUBSCRIPTION"


def kind_of(order: PlacedOrder) -> str:
    if not order.subscription:
        return REGULAR
    return FIRST_SUBSCRIPTION if order.first_of_subscription else LATER_SUBSCRIPTION


def _cod_refused(order: PlacedOrder, settings: config.AttentionSettings) -> bool:
    is_cod = order.payment_gateway in settings.cod_payment_gateways
    return is_cod and not _cod_allowed(settings)[kind_of(order)]
