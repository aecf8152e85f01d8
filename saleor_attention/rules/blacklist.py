"""Blacklisted customers and blacklist candidates (SPEC §5.3).

A flag names its evidence: the entry (its global id, as the blacklist API shows it)
and the fields that matched, so staff need not compare the order with the list by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional

from .. import config
from . import FlagToRaise

# The shop's match patterns (config.MATCH_PATTERNS) ...
PHONE = "PHONE"
NAME_POSTAL_CODE = "NAME_POSTAL_CODE"
ADDRESS = "ADDRESS"
EMAIL = "EMAIL"
# ... and what can match besides: the customer's own account, and the name typed in
# kana matching the entry's reading (フリガナ), which counts as NAME_POSTAL_CODE.
CUSTOMER = "CUSTOMER"
NAME_READING_POSTAL_CODE = "NAME_READING_POSTAL_CODE"
# Each matched field and the shop's pattern it belongs to, in the order staff read them.
PATTERN_OF = {
    PHONE: PHONE,
    EMAIL: EMAIL,
    NAME_POSTAL_CODE: NAME_POSTAL_CODE,
    NAME_READING_POSTAL_CODE: NAME_POSTAL_CODE,
    ADDRESS: ADDRESS,
}


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
    """A blacklist entry's match keys, whose account it is (if anyone's), and how
    staff find it (`id`: the entry's global id)."""

    customer_id: Optional[object]
    email: str
    phone: str
    name: str
    postal_code: str
    address: str
    name_reading: str = ""
    id: str = ""


def matched_fields(entry: Entry, person: Person) -> FrozenSet[str]:
    """The fields (keys of PATTERN_OF) in which the person matches the entry."""

    def same(a: str, b: str) -> bool:
        return bool(a) and a == b

    matched = set()
    if same(entry.phone, person.phone):
        matched.add(PHONE)
    if same(entry.postal_code, person.postal_code):
        if same(entry.name, person.name):
            matched.add(NAME_POSTAL_CODE)
        if same(entry.name_reading, person.name):
            matched.add(NAME_READING_POSTAL_CODE)
    if same(entry.address, person.address):
        matched.add(ADDRESS)
    if same(entry.email, person.email):
        matched.add(EMAIL)
    return frozenset(matched)


def patterns_matching(entry: Entry, person: Person) -> FrozenSet[str]:
    """The shop's match patterns by which the person matches the entry."""
    return frozenset(PATTERN_OF[field] for field in matched_fields(entry, person))


def evaluate(
    customer_id, people: Iterable[Person], entries: Iterable[Entry],
    settings: config.AttentionSettings,
) -> List[FlagToRaise]:
    """The customer's own account on the list makes them a blacklisted customer; a
    match by one of the shop's patterns makes the order a candidate for staff to check.
    Either flag names the entry and the matched fields (params `entry`, `matched`),
    and any further entries that matched too (`other_entries`)."""
    entries, people = list(entries), list(people)
    own = [e for e in entries if customer_id is not None and e.customer_id == customer_id]
    if own:
        return [FlagToRaise(
            "BLACKLISTED_CUSTOMER", "blacklist:customer", _evidence({e: [CUSTOMER] for e in own})
        )]
    wanted = settings.blacklist_match_patterns
    found: Dict[Entry, List[str]] = {}
    for entry in entries:
        fields = {f for p in people for f in matched_fields(entry, p) if PATTERN_OF[f] in wanted}
        if fields:
            found[entry] = [field for field in PATTERN_OF if field in fields]
    if found:
        return [FlagToRaise("BLACKLIST_CANDIDATE", "blacklist:candidate", _evidence(found))]
    return []


def _evidence(found: Dict[Entry, List[str]]) -> Dict[str, str]:
    """The entry that matched in most fields (the first one given, on a tie)."""
    ranked = sorted(found, key=lambda entry: -len(found[entry]))
    best = ranked[0]
    params = {"entry": best.id, "matched": ",".join(found[best])}
    others = [entry.id for entry in ranked[1:] if entry.id]
    if others:
        params["other_entries"] = ",".join(others)
    return params
