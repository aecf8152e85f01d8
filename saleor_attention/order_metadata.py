"""What the plugin reads from and writes to an order's private metadata.

Saleor has no subscriptions of its own: a subscription app stamps each order it
generates with its subscription id and planned shipping date. Both Saleor lines keep
`private_metadata` on the order, so this needs no adapter. Public metadata is never
read or written: customers can write it.
"""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Optional

SUBSCRIPTION_KEY = "saleor_attention.subscription"
PLANNED_SHIPPING_DATE_KEY = "saleor_attention.planned_shipping_date"
SUMMARY_KEY = "saleor_attention"
# How the order will be paid when the plugin changed it: "COD" after a rejected
# deferred-payment credit check (the payment app reads it).
PAYMENT_METHOD_KEY = "saleor_attention.payment_method"
COD = "COD"
# The amount the deferred-payment provider approved (credit check "00").
CREDIT_CHECKED_AMOUNT_KEY = "saleor_attention.credit_checked_amount"


def subscription_of(order) -> str:
    return str((order.private_metadata or {}).get(SUBSCRIPTION_KEY) or "")


def planned_shipping_date(order) -> Optional[datetime.date]:
    raw = (order.private_metadata or {}).get(PLANNED_SHIPPING_DATE_KEY)
    try:
        return datetime.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def write_summary(order, summary: dict) -> None:
    """Mirror the summary into the (locked, freshly read) order's private metadata."""
    order.store_value_in_private_metadata({SUMMARY_KEY: summary})
    order.save(update_fields=["private_metadata"])


def switch_to_cod(order) -> None:
    order.store_value_in_private_metadata({PAYMENT_METHOD_KEY: COD})
    order.save(update_fields=["private_metadata"])



def credit_checked_amount(order) -> Optional[Decimal]:
    raw = (order.private_metadata or {}).get(CREDIT_CHECKED_AMOUNT_KEY)
    try:
        return Decimal(str(raw)) if raw not in (None, "") else None
    except InvalidOperation:
        return None


def store_credit_checked_amount(order, amount: Decimal) -> None:
    order.store_value_in_private_metadata({CREDIT_CHECKED_AMOUNT_KEY: str(amount)})
    order.save(update_fields=["private_metadata"])
