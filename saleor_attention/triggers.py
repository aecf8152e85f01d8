"""When each rule runs: one trigger per rule gathers the facts it reads, calls the pure
rule (rules/) and carries its outcome out in an order change (lifecycle.py).

Rules that fire on the same occasion share one change: an order that is placed runs
the blacklist and the order-placed rules together, one lock and one write for all.
"""
from __future__ import annotations

import functools
from decimal import Decimal
from typing import Dict, List, Optional

from . import facts, lifecycle, mirror, normalize, orders, plugin_state, rows
from .actors import RULES, Actor
from .adapter import shop
from .graphql import ids  # the one encoder of the plugin's global ids
from .models import BlacklistEntry, EventType, Subscriber
from .reasons import SWITCHED_TO_COD
from .rules import (
    FlagToRaise, Outcome, amount_mismatch, blacklist, credit_check, delivery_returned,
    order_placed, payment_failure, subscription_member,
)


def order_was_placed(order, waiting_only: bool = False) -> Outcome:
    """A new order: blacklist, remote island, cash on delivery. The order awaits its
    rules from its first save (facts.await_rules) until they ran here; `waiting_only`
    runs nothing for an order whose rules ran already."""
    # The payment's gateway is read with the lock (the rules may ask for it).
    with lifecycle.change(order, related=_PEOPLE, reads=_gateway_read()) as change:
        if waiting_only and not change.facts.rules_pending:
            return Outcome(flags=())
        settings = change.settings
        flags = (
            _blacklist(change.order, settings) + _placed(change, settings)
            + _subscription_member(change, settings)
        )
        if change.facts.rules_pending:
            change.update_facts(rules_pending_since=None)
        change.raise_flags(flags)
    return Outcome(flags=tuple(flags))


def subscription_started(order) -> Outcome:
    """Staff made a placed order the first of a subscription of the plugin's own: the
    subscription-member rule, as for a subscription's first order placed as such."""
    settings = plugin_state.settings()
    with lifecycle.change(order, related=_PEOPLE) as change:
        flags = _subscription_member(change, settings)
        change.raise_flags(flags)
    return Outcome(flags=tuple(flags))


def credit_check_reported(
    order, code: str, event_id: str, amount: Optional[Decimal] = None, actor: Actor = RULES
) -> Outcome:
    """A deferred-payment provider's credit check result (SPEC §5.1). With an approved
    result ("00") the provider's checked `amount` is kept: shipping is then refused
    while the order total differs from it (SPEC §5.2)."""
    settings = plugin_state.settings()
    check = credit_check.CreditCheck(
        code=code,
        event_id=event_id,
        first_order=orders.is_first_order(order),
        cod_possible=order.shipping_method_name not in settings.cod_unavailable_shipping_methods,
    )
    outcome = credit_check.evaluate(check, settings)
    with lifecycle.change(order, actor) as change:
        parameters = {"code": code, "event_id": event_id}
        change.note(EventType.CREDIT_CHECK, outcome.note, {**outcome.note_params, **parameters})
        if outcome.switch_to_cod:
            change.update_facts(payment_method=mirror.COD)
            change.note(EventType.SWITCHED_TO_COD, SWITCHED_TO_COD, parameters)
        if code == credit_check.OK and amount is not None:
            change.update_facts(credit_checked_amount=amount)
        change.raise_flags(outcome.flags + _amount_mismatch(change.order))
    return outcome


def order_amount_changed(order) -> Outcome:
    """Raise the mismatch flag as soon as an order's total leaves the checked amount,
    in the transaction that changed it, so it never depends on a vetoed shipment.
    (hooks.order_updated calls it only for orders with a checked amount.)"""
    with lifecycle.change(order) as change:
        outcome = Outcome(flags=_amount_mismatch(change.order))
        change.raise_flags(outcome.flags)
    return outcome


def payment_failed(
    order, event_id: str, renewal: bool = False, actor: Actor = RULES, *,
    gateway: str = "", message: str = "", reference: str = "",
) -> Outcome:
    """A card charge for the order failed (reported by Saleor, a payment app or
    provider), with what the gateway said: its id, message and payment reference."""
    failure = payment_failure.PaymentFailure(
        event_id=event_id, renewal=renewal, gateway=gateway, message=message,
        reference=reference,
    )
    return _raise(order, payment_failure.evaluate(failure), actor)


def renewal_charge_declined(
    change: lifecycle.OrderChange, event_id: str, *, gateway: str, message: str, reference: str,
) -> Outcome:
    """An automatic charge of a renewal order was declined with no retry left, within
    the change that tried it (contracts.charges)."""
    failure = payment_failure.PaymentFailure(
        event_id=event_id, renewal=True, gateway=gateway, message=message, reference=reference,
    )
    flags = (payment_failure.evaluate(failure),)
    change.raise_flags(flags)
    return Outcome(flags=flags)


def delivery_returned_reported(
    order, event_id: str, actor: Actor = RULES, *,
    carrier: str = "", tracking_number: str = "", reason: str = "",
) -> Outcome:
    """A carrier reports that a shipment came back to the shop (with its carrier,
    tracking number and why, as far as it says)."""
    returned = delivery_returned.DeliveryReturned(
        event_id=event_id, carrier=carrier, tracking_number=tracking_number, reason=reason
    )
    return _raise(order, delivery_returned.evaluate(returned), actor)


def amount_mismatch_of(order) -> Optional[FlagToRaise]:
    """The mismatch rule on the order's locked facts (the fulfillment guard asks it)."""
    return amount_mismatch.evaluate(
        facts.of(order).credit_checked_amount, order.total_gross_amount
    )


def _raise(order, flag: FlagToRaise, actor: Actor) -> Outcome:
    lifecycle.raise_flags(order, (flag,), actor)
    return Outcome(flags=(flag,))


def _amount_mismatch(order) -> tuple:
    mismatch = amount_mismatch_of(order)
    return (mismatch,) if mismatch else ()


def _blacklist(order, settings) -> List[FlagToRaise]:
    people = _people(order)
    rows = BlacklistEntry.objects.sharing_keys_with(order.user_id, people).order_by("pk")
    entries = [
        blacklist.Entry(*keys, id=ids.blacklist_entry_id(pk))
        for pk, *keys in rows.values_list(
            "pk", "customer_id", "email_key", "phone_key", "name_key", "postal_code_key",
            "address_key", "name_reading_key",
        )
    ]
    return blacklist.evaluate(order.user_id, people, entries, settings)


def _placed(change: lifecycle.OrderChange, settings) -> List[FlagToRaise]:
    address = change.order.shipping_address
    subscription = change.facts.subscription
    reads_payment = order_placed.reads_payment_gateway(settings)
    placed = order_placed.PlacedOrder(
        shipping_postal_code=normalize.digits_key(address.postal_code if address else ""),
        payment_gateway=getattr(change.order, _GATEWAY, ""),
        subscription=subscription,
        first_of_subscription=bool(reads_payment and subscription)
        and facts.is_first_of_subscription(change.order, subscription),
    )
    return order_placed.evaluate(placed, settings)


def _subscription_member(change: lifecycle.OrderChange, settings) -> List[FlagToRaise]:
    """A subscription's first order records who its purchaser is; when the option is
    on, it is compared with the other subscriptions' purchasers."""
    subscription = change.facts.subscription
    if not subscription:
        return []
    purchaser = _subscriber(change.order)
    if not _recorded(subscription, purchaser) or not settings.subscription_discount_check:
        return []  # not the subscription's first order, or the option is off
    rows = (
        Subscriber.objects.exclude(subscription=subscription)
        .matching_two_keys(purchaser.phone, purchaser.postal_code, purchaser.name)
        .order_by("created_at", "subscription")[:SUBSCRIBERS_COMPARED]
    )
    candidates = [
        (row.subscription, subscription_member.Subscriber(
            row.user_id, row.email_key, row.phone_key, row.postal_code_key, row.name_key))
        for row in rows
    ]
    return subscription_member.evaluate(purchaser, candidates, settings)


# The most earlier subscribers one purchaser is compared with (the oldest first).
SUBSCRIBERS_COMPARED = 20


def _subscriber(order) -> subscription_member.Subscriber:
    """The purchaser's match keys: the billing address's (else the shipping's)."""
    address = order.billing_address or order.shipping_address
    return subscription_member.Subscriber(
        user_id=order.user_id, email=normalize.email_key(order.user_email),
        phone=normalize.phone_key(str(address.phone or "")) if address else "",
        postal_code=normalize.digits_key(address.postal_code) if address else "",
        name=normalize.text_key(f"{address.last_name}{address.first_name}") if address else "",
    )


def _recorded(subscription: str, purchaser: subscription_member.Subscriber) -> bool:
    """Record the subscription's purchaser unless it has one already; whether this
    did (the order is the first of its subscription to get here). One statement."""
    row = Subscriber(
        subscription=subscription, user_id=purchaser.user_id, email_key=purchaser.email,
        phone_key=purchaser.phone, postal_code_key=purchaser.postal_code, name_key=purchaser.name,
    )
    return bool(rows.insert(Subscriber, [row], "(subscription) DO NOTHING", ("subscription",)))


# The annotation of the locked order that holds its payment's gateway.
_GATEWAY = "attention_payment_gateway"


@functools.lru_cache(maxsize=1)
def _gateway_read() -> Dict[str, object]:
    # Built once per process: the expression is copied, not changed, by each query.
    return {_GATEWAY: shop.latest_payment_gateway()}


# Where the blacklist finds the purchaser and the addressee.
_PEOPLE = ("billing_address", "shipping_address")


def _people(order) -> List[blacklist.Person]:
    """The purchaser (billing address and email) and the shipping addressee."""
    people = [
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
        for address in (order.billing_address, order.shipping_address)
        if address is not None
    ]
    return people or [blacklist.Person(email=normalize.email_key(order.user_email))]
