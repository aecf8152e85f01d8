"""A subscription contract, its items, and the cycles (orders) of its chain."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..compat import JSONField
from . import intervals
from .terms import OrderTerms

# The subscription key of a built-in contract: what OrderFacts.subscription and the
# flags hold, as an external app's key would be.
LINK_PREFIX = "contract-"


def new_link() -> str:
    return f"{LINK_PREFIX}{uuid.uuid4().hex}"


class ContractStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    PAUSED = "PAUSED", "Paused"
    CANCELLED = "CANCELLED", "Cancelled"


class IntervalUnit(models.TextChoices):
    DAY = intervals.DAY, "Day"
    WEEK = intervals.WEEK, "Week"
    MONTH = intervals.MONTH, "Month"


class SubscriptionContract(models.Model):
    """What one customer receives, how often and where; the orders are Saleor's, placed
    by renewals (contracts.renewals) through Saleor's own draft-order mutations."""

    subscription = models.CharField(max_length=128, unique=True, default=new_link, editable=False)
    status = models.CharField(max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    user_email = models.EmailField(blank=True, default="")
    # The order the contract was started from (its first cycle).
    source_order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interval_count = models.PositiveSmallIntegerField()
    interval_unit = models.CharField(max_length=8, choices=IntervalUnit.choices)
    # The day of the month monthly contracts ship on (the first date's).
    day_of_month = models.PositiveSmallIntegerField(default=0)
    next_shipping_date = models.DateField()
    # Saleor's address fields as its AddressInput names them, copied from the source
    # order: later changes to the customer's address book do not move a contract.
    shipping_address = JSONField(default=dict)
    billing_address = JSONField(default=dict)
    # Saleor's ids, as text (an integer on 2.10; the channel's slug on 3.x).
    shipping_method = models.CharField(max_length=64, blank=True, default="")
    channel = models.CharField(max_length=255, blank=True, default="")
    # A reference the automatic charges use (a gateway's stored payment method).
    payment_method = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def terms(self) -> OrderTerms:
        """What its next order (or a reorder) is made of: the lines whose variant
        Saleor still has."""
        return OrderTerms(
            user=self.user, user_email=self.user_email,
            lines=[
                (line.variant_id, line.sku, line.quantity)
                for line in self.lines.order_by("pk") if line.variant_id is not None
            ],
            shipping_address=self.shipping_address, billing_address=self.billing_address,
            shipping_method=self.shipping_method, channel=self.channel,
        )

    class Meta:
        indexes = [
            # The renewal run: active contracts by their next shipping date.
            models.Index(
                fields=["next_shipping_date", "id"], name="attention_contract_due",
                condition=Q(status=ContractStatus.ACTIVE),
            ),
        ]


class ContractLine(models.Model):
    contract = models.ForeignKey(SubscriptionContract, on_delete=models.CASCADE, related_name="lines")
    # Null once Saleor deletes the variant; its SKU stays to say what it was.
    variant = models.ForeignKey(
        "product.ProductVariant", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    sku = models.CharField(max_length=255, blank=True, default="")
    quantity = models.PositiveIntegerField()


class CycleStatus(models.TextChoices):
    PLACED = "PLACED", "Order placed"
    # Not placed: the subscription needed attention when it was due (SPEC §6 ①).
    HELD = "HELD", "Held by attention"
    # Not placed: Saleor refused the order (out of stock, a variant gone…).
    FAILED = "FAILED", "Refused by Saleor"
    # Not placed: the customer skipped it.
    SKIPPED = "SKIPPED", "Skipped by the customer"


class RenewalCycle(models.Model):
    """One shipping of a contract: the order placed for it, or why none was (recorded
    once; the next run places it when it can)."""

    contract = models.ForeignKey(SubscriptionContract, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveIntegerField()
    planned_shipping_date = models.DateField()
    status = models.CharField(max_length=8, choices=CycleStatus.choices)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Two runs at once never place one cycle twice.
            models.UniqueConstraint(fields=["contract", "number"], name="attention_one_cycle"),
        ]


class ChargeStatus(models.TextChoices):
    # To be charged on its charge date (a first try, or a retry after a decline).
    DUE = "DUE", "Due"
    # Asked of a payment app, whose answer comes later (Saleor 3's Transaction API).
    REQUESTED = "REQUESTED", "Requested"
    CHARGED = "CHARGED", "Charged"
    # Never charged: the order was cancelled, or paid another way first.
    CLOSED = "CLOSED", "Closed"


class AutomaticCharge(models.Model):
    """The card charge (自動決済) of one renewal order, through the contract's payment
    method on its charge date; while the order needs attention and is not yet shipped
    it waits (SPEC §6 ③). Each try, and each wait, is an attempt below."""

    cycle = models.OneToOneField(RenewalCycle, on_delete=models.PROTECT, related_name="charge")
    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.DUE)
    # When it is next tried: the first charge date, then each retry's.
    charge_on = models.DateField()
    # Declines since it was last charged, flagged or released: what the retries count.
    declines = models.PositiveSmallIntegerField(default=0)
    # Waiting for attention: the wait is recorded once, not at every run.
    held = models.BooleanField(default=False)
    # The payment's reference once charged (or requested).
    reference = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The charge run: charges to try, by date.
            models.Index(
                fields=["charge_on", "id"], name="attention_charge_due",
                condition=Q(status=ChargeStatus.DUE),
            ),
        ]


class AttemptOutcome(models.TextChoices):
    CHARGED = "CHARGED", "Charged"
    DECLINED = "DECLINED", "Declined"
    REQUESTED = "REQUESTED", "Requested of the payment app"
    # Not tried: the order needs attention and is not yet shipped.
    HELD = "HELD", "Held by attention"
    # Not tried: the contract has no payment method the shop can charge.
    NO_METHOD = "NO_METHOD", "No payment method"
    CLOSED = "CLOSED", "Closed"


class ChargeAttempt(models.Model):
    """What one charge run did with a charge, as the gateway said it."""

    charge = models.ForeignKey(AutomaticCharge, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    gateway = models.CharField(max_length=255, blank=True, default="")
    message = models.TextField(blank=True, default="")
    reference = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
