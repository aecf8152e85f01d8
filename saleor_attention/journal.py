"""What is written down about a change: audit events (the plugin's trail) and the line
each adds to the order's history (Saleor's dashboard timeline), in the catalogue's
words. Nothing here writes: the flag lifecycle stamps a change's entries with its order
and writes them together."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .actors import Actor
from .models import Event, EventType, Flag, FlagComment
from .reasons import FLAG_COMMENTED, FLAG_RELEASED, FLAG_SET, JA, NOTE_UPDATED, system_text


@dataclass(frozen=True)
class Entry:
    event: Event
    # The history line; "" for what the order's history does not show.
    line: str


def flag_set(flag: Flag, actor: Actor) -> Entry:
    line = _flag_line(FLAG_SET, flag)
    parameters = {"handle": flag.handle}
    if flag.due_on is not None:
        parameters["due_on"] = flag.due_on.isoformat()
    return _entry(flag, EventType.FLAG_SET, actor, line, parameters)


def flag_released(flag: Flag, actor: Actor) -> Entry:
    line = _flag_line(FLAG_RELEASED, flag)
    if flag.release_comment:
        line += f" — {flag.release_comment}"
    parameters = {"handled_on": flag.handled_on.isoformat()}
    return _entry(flag, EventType.FLAG_RELEASED, actor, line, parameters)


def note_updated(flag: Flag, previous: str, actor: Actor) -> Entry:
    """The note as it was is kept here: the flag keeps only the new one."""
    line = system_text(
        NOTE_UPDATED, JA, reason=flag.reason, scope=flag.scope, previous=previous, note=flag.note
    )
    return _entry(
        flag, EventType.NOTE_UPDATED, actor, line, {"previous": previous, "note": flag.note}
    )


def commented(flag: Flag, comment: FlagComment, actor: Actor) -> Entry:
    line = system_text(
        FLAG_COMMENTED, JA, message=flag.message(JA), reason=flag.reason, scope=flag.scope,
        comment=comment.comment,
    )
    return _entry(flag, EventType.COMMENT, actor, line, {"comment_id": comment.pk})


def finding(type_: str, code: str, parameters: dict, actor: Actor) -> Entry:
    """What the plugin found that raises no flag (a pending credit check, a switch to
    cash on delivery, a planned date that has passed): a system text and its values."""
    line = system_text(code, JA, **parameters)
    return _entry(None, type_, actor, line, dict(parameters))


def _flag_line(code: str, flag: Flag) -> str:
    return system_text(
        code, JA, message=flag.message(JA), reason=flag.reason, scope=flag.scope
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
    return Entry(event, line)
