"""The order's private metadata as a mirror of the plugin's tables, for Saleor's
dashboard and webhook consumers. Never read back by rules or guards.

Written with one JSON merge in SQL (never read-modify-write), so a concurrent
metadata change by Saleor keeps its own keys; Saleor may still overwrite the mirror
with a stale copy of the order, so the plugin's next change of that order and the
periodic repair (tasks.repair_mirrors) write it again.
"""
from __future__ import annotations

import json
from typing import Dict, Sequence

from django.db.models import Q

from . import facts, rows
from .adapter import shop
from .graphql import ids  # the one encoder of the plugin's global ids
from .models import Flag, OrderFacts, active_affecting_each

SUMMARY_KEY = "saleor_attention"
# How the order will be paid after the plugin changed it: "COD" after a rejected
# deferred-payment credit check (a payment app reads it).
PAYMENT_METHOD_KEY = "saleor_attention.payment_method"
COD = "COD"
CREDIT_CHECKED_AMOUNT_KEY = "saleor_attention.credit_checked_amount"


def values(facts: OrderFacts, active: Sequence[Flag]) -> Dict[str, str]:
    """Every key the plugin mirrors for one order; each value is a string. The
    summary is JSON naming each active flag by its global id, as the API does."""
    summary = {
        "required": bool(active),
        "flags": [
            {"id": ids.flag_id(flag.pk), "reason": flag.reason, "scope": flag.scope}
            for flag in active
        ],
    }
    mirrored = {SUMMARY_KEY: json.dumps(summary, ensure_ascii=False, sort_keys=True)}
    if facts.payment_method:
        mirrored[PAYMENT_METHOD_KEY] = facts.payment_method
    if facts.credit_checked_amount is not None:
        mirrored[CREDIT_CHECKED_AMOUNT_KEY] = format(facts.credit_checked_amount.normalize(), "f")
    return mirrored


def is_current(metadata, mirrored: Dict[str, str]) -> bool:
    metadata = metadata or {}
    return all(metadata.get(key) == value for key, value in mirrored.items())


def write(order_id, mirrored: Dict[str, str]) -> None:
    rows.run_together([writing(order_id, mirrored)])


def writing(order_id, mirrored: Dict[str, str]) -> rows.Statement:
    """The statement that writes the mirror (a change runs it with its other writes)."""
    table = shop.Order._meta.db_table
    return (
        f"UPDATE {table} SET private_metadata = "
        f"COALESCE(private_metadata, '{{}}'::jsonb) || %s::jsonb WHERE id = %s",
        [json.dumps(mirrored), order_id],
    )


def repair(batch: int) -> int:
    """Compare the mirror of every order the plugin knows with what it should say,
    rewriting those that differ; keyset batches, a few queries per batch."""
    repaired, after = 0, None
    known = shop.Order.objects.filter(
        Q(attention_flags__isnull=False) | Q(attention_facts__isnull=False)
    ).distinct()
    while True:
        page = known.order_by("pk")
        if after is not None:
            page = page.filter(pk__gt=after)
        orders = list(page.select_related("attention_facts")[:batch])
        if not orders:
            return repaired
        active = active_affecting_each(
            {order.pk: facts.of(order).subscription for order in orders}
        )
        for order in orders:
            expected = values(facts.of(order), active[order.pk])
            if not is_current(order.private_metadata, expected):
                write(order.pk, expected)
                repaired += 1
        after = orders[-1].pk
