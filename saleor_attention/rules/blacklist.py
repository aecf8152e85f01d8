"""Blacklisted customers and blacklist candidates (SPEC §5.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional

from .. import config
from . import FlagToRaise

PHONE = "PHONE"
NAME_POSTAL_CODE = "NAME_POSTAL_CODE"
ADDRESS = "ADDRESS"
EMAIL = "EMAIL"


@dataclass(frozen=True)
class Person:
    """Match keys of the purchaser, or of the shipping address's addressee."""

    email: str = ""
    phone: str = ""
    name: str = ""
    postal_code: str = ""
    address: str = ""


@dataclass(frozen=True)
class Entry:
    """A blacklist entry's match keys (and whose account it is, if anyone's)."""

    customer_id: Optional[object]
    email: str
    phone: str
    name: str
    postal_code: str
    address: str


def patterns_matching(entry: Entry, person: Person) -> FrozenSet[str]:
    def same(a: str, b: str) -> bool:
        return bool(a) and a == b

    matched = set()
    if same(entry.phone, person.phone):
        matched.add(PHONE)
    if same(entry.name, person.name) and same(entry.postal_code, person.postal_code):
        matched.add(NAME_POSTAL_CODE)
    if same(entry.address, person.address):
        matched.add(ADDRESS)
    if same(entry.email, person.email):
        matched.add(EMAIL)
    return frozenset(matched)


def evaluate(
    customer_id, people: Iterable[Person], entries: Iterable[Entry],
    settings: config.AttentionSettings,
) -> List[FlagToRaise]:
    """The customer's own account on the list makes them a blacklisted customer; a
    match by one of the shop's patterns makes the order a candidate for staff to check."""
    entries, people = list(entries), list(people)
    if customer_id is not None and any(e.customer_id == customer_id for e in entries):
        return [FlagToRaise("BLACKLISTED_CUSTOMER", "blacklist:customer")]
    wanted = settings.blacklist_match_patterns
    if any(patterns_matching(e, p) & wanted for e in entries for p in people):
        return [FlagToRaise("BLACKLIST_CANDIDATE", "blacklist:candidate")]
    return []
