"""The plugin's operations. Hooks, signals and GraphQL translate into calls here.

Every change runs in one transaction that holds the order's row lock, so a concurrent
set, release or fulfillment of the same order waits its turn, and writes the audit
trail, the order history note and the metadata summary together.
"""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, List, Optional, Sequence, Tuple

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import facts, inputs, journal, mirror, normalize, orders, plugin_state
from .actors import RULES, Actor
from .adapter import shop
from .errors import AttentionError, AttentionErrorCode, Problem
from .models import BlacklistEntry, EventType, Flag, OrderFacts, Scope, Status
from .reasons import CATALOGUE, MANUAL, ORDER_DELETED, MissingParameter, get_reason, system_text
from .rules import (
    FlagToRaise, Outcome, amount_mismatch, blacklist, credit_check, order_placed, payment_failure,
)

MAX_NOTE_LENGTH = 2000
MAX_COMMENT_LENGTH = 2000
MAX_HANDLE_LENGTH = 255


@dataclass
class SetResult:
    flag: Flag
    created: bool


@dataclass
class ReleaseWarning:
    code: str
    message: str


@dataclass
class ReleaseResult:
    released: List[Flag]
    remaining: List[Flag]
    warnings: List[ReleaseWarning] = field(default_factory=list)


def active_flags(order) -> List[Flag]:
    """Active flags that make this order need attention (its own and its subscription's)."""
    return list(Flag.objects.active().affecting(order.pk, facts.subscription_of(order)))


def needs_attention(order) -> bool:
    return Flag.objects.active().affecting(order.pk, facts.subscription_of(order)).exists()


def set_flag(
    order,
    reason: str = MANUAL,
    *,
    scope: str = Scope.ORDER,
    note: str = "",
    params: Optional[dict] = None,
    handled_on: Optional[datetime.date] = None,
    handle: str = "",
    actor: Actor = RULES,
) -> SetResult:
    """Raise a flag; the same reason with the same handle while active is the same flag."""
    params = dict(params or {})
    _check_set(reason, scope, note, params, handle)
    handle = handle or uuid.uuid4().hex
    with transaction.atomic():
        order = orders.lock(order.pk)
        subscription = ""
        if scope == Scope.SUBSCRIPTION:
            subscription = facts.subscription_of(order)
            if not subscription:
                raise AttentionError(
                    "scope",
                    AttentionErrorCode.NOT_IN_SUBSCRIPTION,
                    "This order is not part of a subscription; use scope ORDER.",
                )
        existing = _active_with_handle(order, scope, subscription, reason, handle)
        if existing is not None:
            return SetResult(existing, created=False)
        try:
            with transaction.atomic():
                flag = Flag.objects.create(
                    order=order,
                    order_number=shop.order_number(order),
                    scope=scope,
                    subscription=subscription,
                    reason=reason,
                    source=actor.source,
                    params=params,
                    note=note,
                    handle=handle,
                    handled_on=handled_on,
                    created_by=actor.user,
                    created_by_app=actor.app,
                    created_by_name=actor.name,
                )
        except IntegrityError:
            # Another order of the same subscription raised it first.
            existing = _active_with_handle(order, scope, subscription, reason, handle)
            return SetResult(existing, created=False)
        journal.flag_set(order, flag, actor)
        _after_change(order)
    return SetResult(flag, created=True)


def release_flags(
    order,
    *,
    flag_ids: Optional[Sequence[int]] = None,
    scope: Optional[str] = None,
    handled_on: Optional[datetime.date] = None,
    comment: str = "",
    actor: Actor = RULES,
) -> ReleaseResult:
    """Release chosen flags of one order (by id, or every active flag of one scope)."""
    _check_release(flag_ids, scope, handled_on, comment)
    with transaction.atomic():
        order = orders.lock(order.pk)
        subscription = facts.subscription_of(order)
        if flag_ids:
            flags = _flags_to_release_by_id(order, subscription, flag_ids)
        else:
            flags = _flags_to_release_by_scope(order, subscription, scope)
        _check_handled_after_set(flags, handled_on)
        now = timezone.now()
        for flag in flags:
            flag.status = Status.RELEASED
            flag.released_at = now
            flag.released_by = actor.user
            flag.released_by_app = actor.app
            flag.released_by_name = actor.name
            flag.released_by_source = actor.source
            flag.handled_on = handled_on
            flag.release_comment = comment
            flag.save(
                update_fields=[
                    "status", "released_at", "released_by", "released_by_app",
                    "released_by_name", "released_by_source", "handled_on", "release_comment",
                ]
            )
            journal.flag_released(order, flag, actor)
        remaining = list(Flag.objects.active().affecting(order.pk, subscription))
        warnings = _release_warnings(order, remaining, handled_on)
        for warning in warnings:
            journal.warning(order, warning.code, warning.message, actor)
        _after_change(order, remaining)
    return ReleaseResult(released=flags, remaining=remaining, warnings=warnings)


def report_credit_check(
    order, code: str, event_id: str, amount: Optional[Decimal] = None, actor: Actor = RULES
) -> Outcome:
    """A deferred-payment provider's credit check result for an order (SPEC §5.1).

    With an approved result ("00") the provider's checked `amount` is kept: shipping
    is then refused while the order total differs from it (SPEC §5.2)."""
    settings = plugin_state.settings()
    check = credit_check.CreditCheck(
        code=code,
        event_id=event_id,
        first_order=orders.is_first_order(order),
        cod_possible=order.shipping_method_name not in settings.cod_unavailable_shipping_methods,
    )
    outcome = credit_check.evaluate(check, settings)
    with transaction.atomic():
        order = orders.lock(order.pk)
        parameters = {"code": code, "event_id": event_id}
        journal.rule_note(order, EventType.CREDIT_CHECK, outcome.note, parameters, actor)
        facts_changed = outcome.switch_to_cod or (code == credit_check.OK and amount is not None)
        if outcome.switch_to_cod:
            facts.update(order, payment_method=mirror.COD)
            journal.rule_note(
                order, EventType.SWITCHED_TO_COD, "後払い与信NGのため、支払い方法を代引きに変更",
                parameters, actor,
            )
        if code == credit_check.OK and amount is not None:
            facts.update(order, credit_checked_amount=amount)
        raised = _raise_all(order, outcome.flags + _amount_flags(order), actor)
        if facts_changed and not raised:  # a raised flag has mirrored and announced them
            _after_change(order)
    return outcome


def order_amount_changed(order) -> Outcome:
    """Raise the mismatch flag as soon as an order's total leaves the checked amount,
    in the transaction that changed it, so it never depends on a vetoed shipment."""
    checked = OrderFacts.objects.filter(order_id=order.pk, credit_checked_amount__isnull=False)
    if not checked.exists():
        return Outcome()  # most orders: no deferred payment, nothing to compare
    with transaction.atomic():
        order = orders.lock(order.pk)  # the stored total and checked amount
        outcome = Outcome(flags=_amount_flags(order))
        _raise_all(order, outcome.flags, RULES)
    return outcome


def amount_mismatch_of(order) -> Optional[FlagToRaise]:
    return amount_mismatch.evaluate(
        facts.of(order).credit_checked_amount, order.total_gross_amount
    )


def _amount_flags(order) -> Tuple[FlagToRaise, ...]:
    mismatch = amount_mismatch_of(order)
    return (mismatch,) if mismatch else ()


def order_was_placed(order) -> Outcome:
    """Rules that look at a new order: blacklist, remote island, cash on delivery.
    The order awaits them from its first save (facts.order_saved) until they ran."""
    settings = plugin_state.settings()
    with transaction.atomic():
        order = orders.lock(order.pk)
        address = order.shipping_address
        placed = order_placed.PlacedOrder(
            shipping_postal_code=normalize.digits_key(address.postal_code if address else ""),
            payment_gateway=shop.payment_gateway(order),
            subscription=facts.subscription_of(order),
        )
        people = _people(order)
        flags = blacklist.evaluate(
            order.user_id, people, _blacklist_entries(order.user_id, people), settings
        ) + order_placed.evaluate(placed, settings)
        outcome = Outcome(flags=tuple(flags))
        _raise_all(order, outcome.flags, RULES)
        if facts.of(order).rules_pending:
            facts.update(order, rules_pending_since=None)
    return outcome


def orders_awaiting_rules(older_than: datetime.timedelta, limit: int) -> List[object]:
    """Orders whose rules never ran (a crash between Saleor's commit and its hooks),
    oldest first; drafts wait for draftOrderComplete, which runs them."""
    cutoff = timezone.now() - older_than
    return list(
        shop.Order.objects.filter(
            attention_facts__rules_pending_since__lt=cutoff
        ).exclude(status=shop.DRAFT_STATUS).order_by("attention_facts__rules_pending_since")[:limit]
    )


def order_deleted(order) -> None:
    """Saleor is deleting the order: its own flags are closed and the audit trail
    keeps them, and what was deleted, with the order's number."""
    number = shop.order_number(order)
    flags = list(Flag.objects.active().filter(order_id=order.pk, scope=Scope.ORDER))
    now = timezone.now()
    comment = system_text(ORDER_DELETED)
    for flag in flags:
        flag.status, flag.released_at = Status.RELEASED, now
        flag.handled_on, flag.release_comment = timezone.localdate(), comment
        flag.save(update_fields=["status", "released_at", "handled_on", "release_comment"])
        journal.deleted_order_note(number, flag, EventType.FLAG_RELEASED, comment, RULES)
    journal.deleted_order_note(number, None, EventType.ORDER_DELETED, comment, RULES)


def _people(order) -> List[blacklist.Person]:
    """The purchaser (billing address and email) and the shipping addressee."""
    people = []
    for address in (order.billing_address, order.shipping_address):
        if address is None:
            continue
        people.append(
            blacklist.Person(
                email=normalize.email_key(order.user_email),
                phone=normalize.phone_key(str(address.phone or "")),
                name=normalize.text_key(f"{address.last_name}{address.first_name}"),
                postal_code=normalize.digits_key(address.postal_code),
                address=normalize.text_key(
                    f"{address.country_area}{address.city}{address.city_area}"
                    f"{address.street_address_1}{address.street_address_2}"
                ),
            )
        )
    return people or [blacklist.Person(email=normalize.email_key(order.user_email))]


def _blacklist_entries(customer_id, people) -> List[blacklist.Entry]:
    """Entries sharing any key with the order: one query over indexed keys."""
    conditions = {("customer_id", customer_id)} if customer_id is not None else set()
    for person in people:
        for key, value in (("email_key", person.email), ("phone_key", person.phone),
                           ("address_key", person.address)):
            if value:
                conditions.add((key, value))
        if person.name and person.postal_code:
            conditions.add((("name_key", person.name), ("postal_code_key", person.postal_code)))
    if not conditions:
        return []
    condition = Q()
    for term in conditions:  # the purchaser and addressee are often the same person
        condition |= Q(*term) if isinstance(term[0], tuple) else Q(term)
    rows = BlacklistEntry.objects.filter(condition).order_by().values_list(
        "customer_id", "email_key", "phone_key", "name_key", "postal_code_key", "address_key"
    )
    return [blacklist.Entry(*row) for row in rows]


def report_payment_failed(
    order, event_id: str, renewal: bool = False, actor: Actor = RULES
) -> Outcome:
    """A card charge for the order failed (reported by the payment app or provider)."""
    failure = payment_failure.PaymentFailure(event_id=event_id, renewal=renewal)
    outcome = Outcome(flags=(payment_failure.evaluate(failure),))
    _raise_all(order, outcome.flags, actor)
    return outcome


def report_delivery_returned(order, event_id: str, actor: Actor = RULES) -> Outcome:
    """A carrier reports that a shipment came back to the shop."""
    outcome = Outcome(flags=(FlagToRaise("DELIVERY_RETURNED", f"delivery-returned:{event_id}"),))
    _raise_all(order, outcome.flags, actor)
    return outcome


def _raise_all(order, flags, actor: Actor) -> int:
    """Raise each flag; how many were new."""
    return sum(
        set_flag(
            order, flag.reason, scope=flag.scope, params=dict(flag.params),
            handle=flag.handle, actor=actor,
        ).created
        for flag in flags
    )


def _check_set(reason, scope, note, params, handle):
    problems = []
    if reason not in CATALOGUE:
        problems.append(
            Problem("reason", AttentionErrorCode.INVALID, f"Unknown reason {reason!r}.")
        )
    if scope not in Scope.values:
        problems.append(
            Problem("scope", AttentionErrorCode.INVALID, f"Unknown scope {scope!r}.")
        )
    if reason == MANUAL and inputs.is_blank(note):
        problems.append(
            Problem("note", AttentionErrorCode.REQUIRED, "A manual flag needs a note.")
        )
    problems += inputs.text_problems("note", note, MAX_NOTE_LENGTH)
    problems += inputs.text_problems("handle", handle, MAX_HANDLE_LENGTH)
    if not problems:
        try:
            get_reason(reason).staff_message({**params, "note": note})
        except MissingParameter as exc:
            problems.append(Problem("reason", AttentionErrorCode.INVALID, str(exc)))
    if problems:
        raise AttentionError.of(problems)


def _check_release(flag_ids, scope, handled_on, comment):
    problems = []
    if not flag_ids and not scope:
        problems.append(
            Problem(
                "flags",
                AttentionErrorCode.REQUIRED,
                "Name the flags to release, or an order and a scope.",
            )
        )
    if scope and scope not in Scope.values:
        problems.append(
            Problem("scope", AttentionErrorCode.INVALID, f"Unknown scope {scope!r}.")
        )
    if handled_on is None:
        problems.append(
            Problem(
                "handledOn",
                AttentionErrorCode.REQUIRED,
                "Releasing a flag needs the date it was handled on.",
            )
        )
    elif handled_on > timezone.localdate():
        problems.append(
            Problem("handledOn", AttentionErrorCode.INVALID, "handledOn is in the future.")
        )
    problems += inputs.text_problems("comment", comment, MAX_COMMENT_LENGTH)
    if problems:
        raise AttentionError.of(problems)


def _check_handled_after_set(flags, handled_on) -> None:
    earliest = min(timezone.localdate(flag.created_at) for flag in flags)
    if handled_on < earliest:
        raise AttentionError(
            "handledOn",
            AttentionErrorCode.INVALID,
            f"handledOn is before the flag was set ({earliest.isoformat()}).",
        )


def _active_with_handle(order, scope, subscription, reason, handle) -> Optional[Flag]:
    target = {"subscription": subscription} if subscription else {"order": order}
    return (
        Flag.objects.active()
        .filter(scope=scope, reason=reason, handle=handle, **target)
        .first()
    )


def _flags_to_release_by_id(order, subscription, flag_ids: Iterable[int]) -> List[Flag]:
    wanted = set(flag_ids)
    flags = list(
        Flag.objects.select_for_update()
        .filter(pk__in=wanted)
        .affecting(order.pk, subscription)
        .order_by("pk")
    )
    missing = wanted - {flag.pk for flag in flags}
    if missing:
        raise AttentionError(
            "flags",
            AttentionErrorCode.NOT_FOUND,
            f"{len(missing)} of the flags do not belong to this order.",
        )
    released = [flag for flag in flags if not flag.is_active]
    if released:
        raise AttentionError(
            "flags",
            AttentionErrorCode.ALREADY_RELEASED,
            f"{len(released)} of the flags are already released; nothing was changed.",
        )
    return flags


def _flags_to_release_by_scope(order, subscription, scope) -> List[Flag]:
    flags = list(
        Flag.objects.select_for_update()
        .active()
        .affecting(order.pk, subscription)
        .filter(scope=scope)
        .order_by("pk")
    )
    if not flags:
        raise AttentionError(
            "scope",
            AttentionErrorCode.NOTHING_TO_RELEASE,
            f"This order has no active {scope} flags.",
        )
    return flags


def _release_warnings(order, remaining, handled_on) -> List[ReleaseWarning]:
    if remaining:
        by_scope = {
            scope: sum(1 for flag in remaining if flag.scope == scope)
            for scope in Scope.values
        }
        return [
            ReleaseWarning(
                "STILL_NEEDS_ATTENTION",
                "The order still needs attention: "
                f"{by_scope[Scope.ORDER]} flag(s) on this order (今回注文分) and "
                f"{by_scope[Scope.SUBSCRIPTION]} on its whole subscription "
                "(定期注文全体). Release those too.",
            )
        ]
    planned = facts.of(order).planned_shipping_date
    if planned is not None and planned < timezone.localdate():
        return [
            ReleaseWarning(
                "SHIPPING_DATE_PASSED",
                f"The order is ready to ship again, but its planned shipping date "
                f"{planned.isoformat()} has passed: change the date before shipping.",
            )
        ]
    return []


def _after_change(order, remaining: Optional[List[Flag]] = None) -> None:
    if remaining is None:
        remaining = active_flags(order)
    mirror.write(order.pk, mirror.values(facts.of(order), remaining))
    shop.announce_order_updated(order)

