"""Rules: plain functions from facts about an order plus the shop's settings to what
should happen (flags to raise, a switch to cash on delivery). They read nothing and
write nothing; triggers.py gathers the facts and carries the outcome out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Tuple


@dataclass(frozen=True)
class FlagToRaise:
    reason: str
    # The cause: the same handle while the flag is active is the same flag.
    handle: str
    params: Mapping[str, str] = field(default_factory=dict)
    scope: str = "ORDER"


@dataclass(frozen=True)
class Outcome:
    flags: Tuple[FlagToRaise, ...] = ()
    switch_to_cod: bool = False
    # What the audit trail says about the facts, e.g. a pending credit check: a code
    # of reasons.SYSTEM_TEXTS and its parameters.
    note: str = ""
    note_params: Mapping[str, str] = field(default_factory=dict)
