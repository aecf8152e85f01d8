"""What is written down about a change: audit events (the plugin's trail) and the line
each adds to the order's history (Saleor's dashboard timeline), in the catalogue's
words and the shop's language. Nothing here writes: the flag lifecycle stamps a
change's entries with its order and writes them together."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from django.conf import settings as django_settings

from . import config
from .actors import Actor
from .models import Event, EventType, Flag, FlagComment, Scope
from .reasons import (
    FLAG_COMMENTED, FLAG_RELEASED, FLAG_SET, NOTE_UPDATED, language_of, system_text,
)


@dataclass(frozen=True)
class Entry:
    event: Event
    # The history line; "" for what the order's history does not show.
    line: str
    # The line goes into the history of every order of the subscription (a
    # subscription flag set or released), not only the order changed.
    subscription_wide: bool = False


def language(settings: config.AttentionSettings) -> str:
    """The shop's language for history lines and audit events: the plugin's setting,
    else Saleor's default language (Django's LANGUAGE_CODE, on both Saleor lines)."""
    return settings.history_language or language_of(django_settings.LANGUAGE_CODE)


def flag_set(flag: Flag, actor: Actor, language: str) -> Entry:
    line = _flag_line(FLAG_SET, flag, language)
    parameters = {"handle": flag.handle}
    if flag.due_on is not None:
        parameters["due_on"] = flag.due_on.isoformat()
    return _entry(flag, EventType.FLAG_SET, actor, line, parameters)


def flag_released(flag: Flag, actor: Actor, language: str) -> Entry:
    line = _flag_line(FLAG_RELEASED, flag, language)
    if flag.release_comment:
        line += f" — {flag.release_comment}"
    parameters = {"handled_on": flag.handled_on.isoformat()}
    return _entry(flag, EventType.FLAG_RELEASED, actor, line, parameters)


def note_updated(flag: Flag, previous: str, actor: Actor, language: str) -> Entry:
    """The note as it was is kept here: the flag keeps only the new one."""
    line = system_text(
        NOTE_UPDATED, language, reason=flag.reason, scope=flag.scope, previous=previous,
        note=flag.note,
    )
    return _entry(
        flag, EventType.NOTE_UPDATED, actor, line, {"previous": previous, "note": flag.note}
    )


def commented(flag: Flag, comment: FlagComment, actor: Actor, language: str) -> Entry:
    line = system_text(
        FLAG_COMMENTED, language, message=flag.message(language), reason=flag.reason,
        scope=flag.scope, comment=comment.comment,
    )
    return _entry(flag, EventType.COMMENT, actor, line, {"comment_id": comment.pk})


def finding(type_: str, code: str, parameters: dict, actor: Actor, language: str) -> Entry:
    """What the plugin found that raises no flag (a pending credit check, a switch to
    cash on delivery, a planned date that has passed): a system text and its values."""
    line = system_text(code, language, **parameters)
    return _entry(None, type_, actor, line, dict(parameters))


def action_blocked(actor: Actor, line: str, parameters: dict) -> Entry:
    """An action the guards refused (refusals.py: who, through which path, which flags)."""
    return _entry(None, EventType.ACTION_BLOCKED, actor, line, parameters)


def _flag_line(code: str, flag: Flag, language: str) -> str:
    return system_text(
        code, language, message=flag.message(language), reason=flag.reason, scope=flag.scope
    )


def _entry(
    flag: Optional[Flag], type_: str, actor: Actor, line: str, parameters: dict
) -> Entry:
    event = Event(
        flag=flag,
        type=type_,
        user=actor.user,
        app=actor.app,
        actor_name=actor.name,
        actor_source=actor.source,
        message=line,
        parameters=parameters,
    )
    wide = flag is not None and flag.scope == Scope.SUBSCRIPTION
    return Entry(event, line, subscription_wide=wide)
