"""Staff's blacklist: add, change and remove entries (SPEC §5.3)."""
from __future__ import annotations

from typing import Mapping, Optional

from django.db import transaction

from .actors import Actor
from . import inputs
from .errors import AttentionError, AttentionErrorCode, Problem
from .models import BlacklistEntry

# The fields staff type, with their longest allowed length.
FIELDS = {
    "email": 254, "phone": 64, "name": 255, "name_reading": 255, "postal_code": 20,
    "address": 512, "note": 2000,
}


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


def customer_deleted(customer) -> None:
    """An entry that named only the account goes on matching by its email."""
    for entry in BlacklistEntry.objects.filter(customer=customer, email=""):
        entry.email = customer.email
        entry.save(update_fields=["email", "email_key"])


def _save(entry: BlacklistEntry, values: Mapping[str, object]) -> BlacklistEntry:
    problems = [
        problem
        for name, limit in FIELDS.items()
        for problem in inputs.text_problems(_camel(name), str(values.get(name) or ""), limit)
    ]
    for name in FIELDS:
        if name in values:
            setattr(entry, name, str(values[name] or "").strip())
    if not problems:
        problems = _key_problems(entry)
    if "customer" in values:
        entry.customer = values["customer"]
    if not (entry.customer_id or entry.email or entry.phone or entry.address
            or ((entry.name or entry.name_reading) and entry.postal_code)):
        problems.append(
            Problem(
                None, AttentionErrorCode.REQUIRED,
                "An entry needs a customer, email, phone, address, or name (or name "
                "reading) with postal code.",
            )
        )
    if problems:
        raise AttentionError.of(problems)
    with transaction.atomic():
        entry.save()
    return entry


def _key_problems(entry: BlacklistEntry):
    """Normalising can lengthen a text (NFKC turns "㍿" into "株式会社"): a key that
    would not fit its column is the typed field's problem."""
    problems = []
    for key, value in entry.match_keys().items():
        limit = BlacklistEntry._meta.get_field(key).max_length
        if len(value) > limit:
            typed = _camel(BlacklistEntry.KEYS[key][0])
            problems.append(
                Problem(typed, AttentionErrorCode.TOO_LONG, f"{typed} is too long to match on.")
            )
    return problems


def _get(entry_id: Optional[int]) -> BlacklistEntry:
    entry = BlacklistEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise AttentionError("id", AttentionErrorCode.NOT_FOUND, "No such blacklist entry.")
    return entry


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
