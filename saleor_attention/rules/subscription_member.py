"""Subscription-member discount candidate (SPEC §5.4, an option): a new subscription
whose purchaser matches an existing subscriber by at least two of phone, postal code
and name (the blacklist's Japanese-aware match keys) may be that subscriber again,
owed or not owed a member's discount. The purchaser never matches themselves (the same
account or email)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

from .. import config
from . import FlagToRaise

# The keys compared, as the evidence names them.
PHONE, POSTAL_CODE, NAME = "PHONE", "POSTAL_CODE", "NAME"


@dataclass(frozen=True)
class Subscriber:
    """Match keys of a subscription's purchaser (empty: unknown)."""

    user_id: object = None
    email: str = ""
    phone: str = ""
    postal_code: str = ""
    name: str = ""


def evaluate(
    purchaser: Subscriber, subscribers: Sequence[Tuple[str, Subscriber]],
    settings: config.AttentionSettings,
) -> List[FlagToRaise]:
    """One flag for the first (subscription, subscriber) matching by two keys or more."""
    if not settings.subscription_discount_check:
        return []
    for subscription, subscriber in subscribers:
        if _same_person(purchaser, subscriber):
            continue
        matched = matching_keys(purchaser, subscriber)
        if len(matched) >= 2:
            evidence = {"matched": ",".join(matched), "subscription": subscription}
            return [FlagToRaise("SUBSCRIPTION_DISCOUNT_CANDIDATE", "subscription-member", evidence)]
    return []


def matching_keys(one: Subscriber, other: Subscriber) -> List[str]:
    pairs = ((PHONE, one.phone, other.phone), (POSTAL_CODE, one.postal_code, other.postal_code),
             (NAME, one.name, other.name))
    return [key for key, mine, theirs in pairs if mine and mine == theirs]


def _same_person(one: Subscriber, other: Subscriber) -> bool:
    return (one.user_id is not None and one.user_id == other.user_id) or (
        bool(one.email) and one.email == other.email)
