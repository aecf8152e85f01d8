"""Staff actions on contracts: start one from an order, pause and resume it. Each
checks its input first and changes nothing when it refuses (errors.AttentionError)."""
from __future__ import annotations

import datetime
import json
from typing import List, Optional

from django.db import transaction

from .. import facts, gate, orders, shop_time, triggers
from ..adapter import shop
from ..errors import AttentionError, AttentionErrorCode, Problem
from . import intervals, payment_methods
from .models import ContractLine, ContractStatus, CycleStatus, RenewalCycle, SubscriptionContract


# What a storefront's server-side app writes into a checkout's private metadata (which
# Saleor copies into the order it places) to start a contract with the order:
# {"intervalCount": 1, "intervalUnit": "MONTH", "nextShippingDate": "2026-12-27"}, and
# optionally "paymentMethod" (contracts.payment_methods) for the automatic charges.
CHECKOUT_KEY = "saleor_attention.contract"


def start_from_checkout(order) -> Optional[SubscriptionContract]:
    """The contract a new order's private metadata asks for, if any; its terms are
    checked as staff's are (AttentionError: the hooks record it, the order goes on).
    Before the order's rules run: they then see the first order of a subscription."""
    wanted = (order.private_metadata or {}).get(CHECKOUT_KEY)
    if not wanted:
        return None
    try:
        terms = json.loads(wanted) if isinstance(wanted, str) else dict(wanted)
        next_shipping_date = datetime.date.fromisoformat(str(terms["nextShippingDate"]))
        interval = (int(terms["intervalCount"]), str(terms["intervalUnit"]).upper())
        payment_method = str(terms.get("paymentMethod") or "")
    except (ValueError, TypeError, KeyError, AttributeError):
        raise AttentionError(CHECKOUT_KEY, AttentionErrorCode.INVALID,
                             "Not a contract: intervalCount, intervalUnit, nextShippingDate.") from None
    return create_from_order(order, interval_count=interval[0], interval_unit=interval[1],
                             next_shipping_date=next_shipping_date, payment_method=payment_method,
                             run_rules=False)


def create_from_order(
    order, *, interval_count: int, interval_unit: str, next_shipping_date: datetime.date,
    payment_method: str = "", run_rules: bool = True,
) -> SubscriptionContract:
    """A contract that ships the order's items again every interval from
    `next_shipping_date`, to the order's addresses, its renewals charged with
    `payment_method` ("": not charged automatically); the order is its first cycle.
    `run_rules`: the subscription's rules for the order now (a placed order staff
    start from), not when the order's own rules will (a new order)."""
    problems = _terms_problems(interval_count, interval_unit, next_shipping_date)
    problems += payment_methods.problems("paymentMethod", payment_method)
    if order.status == shop.DRAFT_STATUS or order.status == shop.CANCELLED_STATUS:
        problems.append(Problem("order", AttentionErrorCode.INVALID,
                                "Only a placed order that is not cancelled can start a subscription."))
    if problems:
        raise AttentionError.of(problems)
    with transaction.atomic():
        order = orders.lock(order.pk)
        if facts.subscription_of(order):
            raise AttentionError("order", AttentionErrorCode.INVALID,
                                 "The order already belongs to a subscription.")
        terms = shop.order_terms(order)
        if not terms.lines:
            raise AttentionError("order", AttentionErrorCode.INVALID,
                                 "None of the order's items is still sold.")
        contract = SubscriptionContract.objects.create(
            status=ContractStatus.ACTIVE, user=terms.user, user_email=terms.user_email,
            source_order=order, interval_count=interval_count, interval_unit=interval_unit,
            day_of_month=next_shipping_date.day, next_shipping_date=next_shipping_date,
            shipping_address=terms.shipping_address, billing_address=terms.billing_address,
            shipping_method=terms.shipping_method, channel=terms.channel,
            payment_method=payment_method,
        )
        ContractLine.objects.bulk_create([
            ContractLine(contract=contract, variant_id=variant, sku=sku, quantity=quantity)
            for variant, sku, quantity in terms.lines
        ])
        RenewalCycle.objects.create(
            contract=contract, number=1, order=order, status=CycleStatus.PLACED,
            planned_shipping_date=facts.of(order).planned_shipping_date or shop_time.calendar().today(),
        )
        facts.link(order.pk, contract.subscription)
        if run_rules and gate.is_on():
            triggers.subscription_started(order)
    return contract


def pause(contract_id) -> SubscriptionContract:
    return _move(contract_id, ContractStatus.ACTIVE, ContractStatus.PAUSED)


def resume(contract_id) -> SubscriptionContract:
    return _move(contract_id, ContractStatus.PAUSED, ContractStatus.ACTIVE)


def _move(contract_id, from_status: str, to_status: str) -> SubscriptionContract:
    with transaction.atomic():
        contract = found(SubscriptionContract.objects.select_for_update(), contract_id)
        if contract.status != from_status:
            raise AttentionError("id", AttentionErrorCode.INVALID,
                                 f"The contract is {contract.status.lower()}, not {from_status.lower()}.")
        contract.status = to_status
        contract.save(update_fields=["status", "updated_at"])
    return contract


def found(contracts, contract_pk) -> SubscriptionContract:
    """The contract among `contracts` (a customer's own, or all for staff); one that
    is not there answers as one that does not exist."""
    contract = contracts.filter(pk=contract_pk).first()
    if contract is None:
        raise AttentionError("id", AttentionErrorCode.NOT_FOUND, "No such subscription contract.")
    return contract


def _terms_problems(count: int, unit: str, next_shipping_date: datetime.date) -> List[Problem]:
    problems = []
    interval = intervals.problem(count, unit)
    if interval:
        problems.append(Problem("intervalCount", AttentionErrorCode.INVALID, interval))
    if next_shipping_date <= shop_time.calendar().today():
        problems.append(Problem("nextShippingDate", AttentionErrorCode.INVALID,
                                "The next shipping date must be after today (the shop's calendar)."))
    return problems
