"""Staff's blacklist: add, change and remove entries (SPEC §5.3)."""
from __future__ import annotations

from typing import Mapping, Optional

from django.db import transaction

from .actors import Actor
from .errors import AttentionError, AttentionErrorCode, Problem
from .models import BlacklistEntry

# The fields staff type, with their longest allowed length.
FIELDS = {"email": 254, "phone": 64, "name": 255, "postal_code": 20, "address": 512, "note": 2000}


def add(values: Mapping[str, object], actor: Actor) -> BlacklistEntry:
    entry = BlacklistEntry(
        created_by=actor.user, created_by_name=actor.name, created_by_source=actor.source
    )
    return _save(entry, values)


def change(entry_id: int, values: Mapping[str, object]) -> BlacklistEntry:
    return _save(_get(entry_id), values)


def remove(entry_id: int) -> BlacklistEntry:
    entry = _get(entry_id)
    entry.delete()
    return entry


def _save(entry: BlacklistEntry, values: Mapping[str, object]) -> BlacklistEntry:
    problems = [
        Problem(_camel(name), AttentionErrorCode.TOO_LONG, f"{name} is longer than {limit}.")
        for name, limit in FIELDS.items()
        if len(str(values.get(name) or "")) > limit
    ]
    for name in FIELDS:
        if name in values:
            setattr(entry, name, str(values[name] or "").strip())
    if "customer" in values:
        entry.customer = values["customer"]
    if not (entry.customer_id or entry.email or entry.phone or entry.address
            or (entry.name and entry.postal_code)):
        problems.append(
            Problem(
                None, AttentionErrorCode.REQUIRED,
                "An entry needs a customer, email, phone, address, or name with postal code.",
            )
        )
    if problems:
        raise AttentionError.of(problems)
    with transaction.atomic():
        entry.save()
    return entry


def _get(entry_id: Optional[int]) -> BlacklistEntry:
    entry = BlacklistEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise AttentionError("id", AttentionErrorCode.NOT_FOUND, "No such blacklist entry.")
    return entry


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
