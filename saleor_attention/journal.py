"""What is written down about a change: the audit trail and the order's history note
(for Saleor's dashboard timeline)."""
from __future__ import annotations

from .actors import Actor
from .adapter import shop
from .models import Event, EventType, Flag
from .reasons import JA


def flag_set(order, flag: Flag, actor: Actor) -> None:
    message = f"要対応 設定: {flag.message(JA)} [{flag.reason}, {flag.scope}]"
    _record(order, flag, EventType.FLAG_SET, actor, message, {"handle": flag.handle})


def flag_released(order, flag: Flag, actor: Actor) -> None:
    message = f"要対応 解除: {flag.message(JA)} [{flag.reason}, {flag.scope}]"
    if flag.release_comment:
        message += f" — {flag.release_comment}"
    parameters = {"handled_on": flag.handled_on.isoformat()}
    _record(order, flag, EventType.FLAG_RELEASED, actor, message, parameters)


def warning(order, code: str, message: str, actor: Actor) -> None:
    if code == "SHIPPING_DATE_PASSED":
        _record(order, None, EventType.SHIPPING_DATE_PASSED, actor, message, {})


def rule_note(order, type_, message: str, parameters: dict, actor: Actor) -> None:
    """A rule's finding that raises no flag (a pending credit check, a COD switch)."""
    _record(order, None, type_, actor, message, parameters)


def deleted_order_note(order_number: str, flag, type_, message: str, actor: Actor) -> None:
    """The audit trail of an order Saleor is deleting: no history note (Saleor deletes
    the history with the order) and no link to the order row."""
    Event.objects.create(
        order=None, order_number=order_number, flag=flag, type=type_, user=actor.user,
        app=actor.app, actor_name=actor.name, actor_source=actor.source,
        message=message,
    )


def _record(order, flag, type_, actor: Actor, message: str, parameters: dict) -> None:
    Event.objects.create(
        order=order,
        order_number=shop.order_number(order),
        flag=flag,
        type=type_,
        user=actor.user,
        app=actor.app,
        actor_name=actor.name,
        actor_source=actor.source,
        message=message,
        parameters=parameters,
    )
    shop.add_history_note(order, actor, message)
