"""Flags and their append-only audit trail. These tables are the source of truth;
the order's private metadata only mirrors a summary of them."""
from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Dict

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import normalize, prepared
from .composed import ComposedRead
from .compat import JSONField
from .reasons import JA, get_reason


class Scope(models.TextChoices):
    ORDER = "ORDER", "This order (今回注文分)"
    SUBSCRIPTION = "SUBSCRIPTION", "The whole subscription (定期注文全体)"


class Source(models.TextChoices):
    RULE = "RULE", "Rule"
    STAFF = "STAFF", "Staff"
    APP = "APP", "App"


class Status(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    RELEASED = "RELEASED", "Released"


# Who did something, as the rows below name them. An account or app is referenced
# while it exists and its name kept as text, so the record outlives it.

def _account():
    """A user account (staff or customer); null once Saleor deletes it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )


def _app():
    """An app; null once Saleor deletes it."""
    return models.ForeignKey(
        "app.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


def _actor_name():
    """Who, as named when it happened: kept when the account or app is deleted."""
    return models.CharField(max_length=255, blank=True, default="")


def _actor_source():
    return models.CharField(max_length=8, choices=Source.choices, blank=True, default="")


def _flag_kinds():
    return ArrayField(models.TextField(), null=True, blank=True, editable=False)


class OrderFacts(models.Model):
    """What the rules and guards know about one order beyond Saleor's own columns.

    Written only under the order's row lock. Saleor rewrites an order's private
    metadata without locks (updatePrivateMetadata, any save of the order), so facts
    kept only there can be lost; the metadata keys are a mirror of these.
    """

    order = models.OneToOneField(
        "order.Order", primary_key=True, on_delete=models.CASCADE,
        related_name="attention_facts",
    )
    # The subscription the order belongs to; once linked, never detached.
    subscription = models.CharField(max_length=128, blank=True, default="")
    planned_shipping_date = models.DateField(null=True, blank=True)
    # The amount a deferred-payment provider approved (credit check "00").
    credit_checked_amount = models.DecimalField(
        max_digits=20, decimal_places=4, null=True, blank=True
    )
    # "COD" once a rejected credit check switched the order to cash on delivery.
    payment_method = models.CharField(max_length=16, blank=True, default="")
    # Set when the order row is first saved and cleared when its rules have run:
    # until then the order counts as needing attention (a crash in between must not
    # leave an order that skipped its rules free to ship).
    rules_pending_since = models.DateTimeField(null=True, blank=True)
    # Active ORDER-scope flags of the order, kept by a database trigger on the flag
    # table (migration 0008): the fulfillment guard reads this locked row instead of
    # the flags, in one statement.
    active_flags = models.PositiveIntegerField(default=0, editable=False)
    # When the oldest of those flags was set (null without any), kept by a trigger
    # too (migration 0010): the order queue's age, read from an index.
    attention_since = models.DateTimeField(null=True, blank=True, editable=False)
    # When Saleor cancelled the order: its subscription's flags no longer put it in
    # the order queue (its own flags were closed then).
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # What the order queue's search compares: the order's email and its addresses'
    # names and phones as the blacklist's match keys, each between tabs. Taken by the
    # trigger when a flag of the order itself is set, and when a subscription order
    # is linked (migration 0010): stored, so a search reads no
    # Saleor table and runs no normalisation per order.
    search_keys = models.TextField(null=True, blank=True, editable=False)
    # The earliest due date (handle by) among the order's own active flags; null
    # without any. Kept by a trigger (migrations 0012, 0013): the queue's dueOn, its
    # DUE_DATE sort and its overdue filter read it, with its subscription's.
    due_on = models.DateField(null=True, blank=True, editable=False)
    # When Saleor placed the order, copied in by a trigger when this row is made
    # (migration 0014): the queue's CREATED sort reads it from an index, which
    # Saleor 2.10's order date has none of.
    placed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the queue's reasons and source filters ask of the order's own active
    # flags: "REASON SOURCE", "REASON *" and "* SOURCE" of each (null without any),
    # kept by a trigger on the flag table (migration 0014).
    flag_kinds = _flag_kinds()

    class Meta:
        indexes = [
            models.Index(fields=["subscription"], name="attention_facts_subscription"),
            # attentionOrders by age: orders with flags of their own, oldest first.
            models.Index(
                fields=["attention_since", "order"], name="attention_facts_queue",
                condition=Q(active_flags__gt=0),
            ),
            models.Index(
                fields=["rules_pending_since"], name="attention_facts_pending",
                condition=Q(rules_pending_since__isnull=False),
            ),
        ]

    @property
    def rules_pending(self) -> bool:
        return self.rules_pending_since is not None


class SubscriptionFacts(models.Model):
    """What the guards know about one subscription: its active SUBSCRIPTION-scope
    flags, kept by the same trigger as OrderFacts.active_flags."""

    subscription = models.CharField(max_length=128, primary_key=True)
    active_flags = models.PositiveIntegerField(default=0, editable=False)
    # When the oldest of those flags was set (null without any).
    attention_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The earliest due date among them (null without any), as OrderFacts.due_on.
    due_on = models.DateField(null=True, blank=True, editable=False)
    # The kinds of those flags, as OrderFacts.flag_kinds of an order's own.
    flag_kinds = _flag_kinds()

    class Meta:
        indexes = [
            models.Index(
                fields=["attention_since", "subscription"],
                name="attention_subscription_queue", condition=Q(active_flags__gt=0),
            ),
        ]


class SubscriberQuerySet(models.QuerySet):
    def matching_two_keys(self, phone: str, postal_code: str, name: str):
        """Subscribers sharing two of the three keys or more (empty keys match
        nothing), each way read from an index."""
        condition = Q(pk__in=[])
        if phone and postal_code:
            condition |= Q(phone_key=phone, postal_code_key=postal_code)
        if phone and name:
            condition |= Q(phone_key=phone, name_key=name)
        if postal_code and name:
            condition |= Q(postal_code_key=postal_code, name_key=name)
        return self.filter(condition)


class Subscriber(models.Model):
    """Who a subscription's purchaser is, as match keys (the blacklist's), taken from
    its first order: what the subscription-member rule compares a new subscription's
    purchaser with (rules/subscription_member.py). One row per subscription, built-in
    or an external app's."""

    subscription = models.CharField(max_length=128, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    email_key = models.CharField(max_length=255, blank=True, default="")
    phone_key = models.CharField(max_length=64, blank=True, default="")
    postal_code_key = models.CharField(max_length=32, blank=True, default="")
    name_key = models.CharField(max_length=512, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["phone_key", "postal_code_key"], name="attention_subscriber_phone"),
            models.Index(fields=["postal_code_key", "name_key"], name="attention_subscriber_postal"),
            models.Index(fields=["name_key", "phone_key"], name="attention_subscriber_name"),
        ]


class FlagQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)

    def affecting(self, order_id, subscription: str = ""):
        """Flags that apply to one order: its own, and its subscription's."""
        condition = Q(order_id=order_id, scope=Scope.ORDER)
        if subscription:
            condition |= Q(subscription=subscription, scope=Scope.SUBSCRIPTION)
        return self.filter(condition)


class Flag(models.Model):
    """One reason why one order, or one whole subscription, needs attention."""

    # The order the flag was raised on; for SUBSCRIPTION scope, any order of it.
    # Null once Saleor deleted the order: the flag stays in the audit trail.
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="attention_flags",
    )
    order_number = models.CharField(max_length=32, blank=True, default="")
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.ORDER)
    subscription = models.CharField(max_length=128, blank=True, default="")
    reason = models.CharField(max_length=64)  # a code of reasons.CATALOGUE
    source = models.CharField(max_length=8, choices=Source.choices)
    params = JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, default="")
    # Same handle + reason + target while active = the same cause: no second flag.
    handle = models.CharField(max_length=255)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _account()
    created_by_app = _app()
    created_by_name = _actor_name()
    # Handle by (対応期限): the day staff set the flag to be handled by, if any.
    due_on = models.DateField(null=True, blank=True)
    # The day staff handled it (対応日), given when the flag is released.
    handled_on = models.DateField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = _account()
    released_by_app = _app()
    released_by_name = _actor_name()
    released_by_source = _actor_source()
    release_comment = models.TextField(blank=True, default="")

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["order", "status"], name="attention_flag_order"),
            models.Index(
                fields=["subscription", "status"], name="attention_flag_subscription"
            ),
            models.Index(fields=["created_at", "id"], name="attention_flag_created"),
            models.Index(
                fields=["status", "created_at", "id"], name="attention_flag_queue"
            ),
            models.Index(
                fields=["status", "reason", "created_at", "id"], name="attention_flag_reason"
            ),
            models.Index(fields=["reason", "id"], name="attention_flag_by_reason"),
            # attentionFlags(filter: {reasons}) newest first, without a status: a rare
            # reason otherwise filters hundreds of rows of the time index per page.
            models.Index(
                fields=["reason", "created_at", "id"], name="attention_flag_reason_created"
            ),
            # The few active flags with a due date, for the newest overdue one
            # (selection.flags_matching).
            models.Index(
                fields=["due_on", "created_at"], name="attention_flag_dated",
                condition=Q(status="ACTIVE", due_on__isnull=False),
            ),
            # attentionFlags(filter: {status: ACTIVE, scope: SUBSCRIPTION}) newest
            # first: some one in seven active flags, the walk of the status index
            # otherwise reads seven rows (and more with a source) per row it shows.
            # Written only when a subscription's flag is set or released.
            models.Index(
                fields=["created_at", "id"], name="attention_flag_subscriptions",
                condition=Q(status="ACTIVE", scope="SUBSCRIPTION"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "reason", "handle"],
                condition=Q(status="ACTIVE", scope="ORDER"),
                name="attention_one_active_flag_per_order_cause",
            ),
            models.UniqueConstraint(
                fields=["subscription", "reason", "handle"],
                condition=Q(status="ACTIVE", scope="SUBSCRIPTION"),
                name="attention_one_active_flag_per_subscription_cause",
            ),
        ]

    def __str__(self):
        return f"{self.reason} on order {self.order_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def message(self, language: str = JA) -> str:
        return get_reason(self.reason).staff_message(self._message_params(), language)

    def line(self, language: str = JA) -> str:
        """The flag as a refusal names it: reason, scope and message."""
        return f"{self.reason} ({self.scope}): {self.message(language)}"

    def evidence(self, language: str = JA):
        """Why the flag was raised, as its rule kept it: (parameter, label, value as
        kept, value as staff read it) of each piece, in the reason's order."""
        params = self.params or {}
        return [
            (name, label, str(params[name]), text)
            for name, label, text in get_reason(self.reason).evidence_of(params, language)
        ]

    def customer_message(self, language: str = JA) -> str:
        """Never the evidence: customers read only the reason's customer-safe text."""
        return get_reason(self.reason).customer_message(language)

    def guidance(self, language: str = JA) -> str:
        return get_reason(self.reason).guidance_text(language)

    def _message_params(self):
        return {**self.params, "note": self.note}


def active_affecting_each(subscriptions: Dict[object, str]) -> Dict[object, list]:
    """For many orders ({order pk: its subscription or ""}), the active flags that
    apply to each, as `Flag.objects.active().affecting` gives them: one read, with one
    plan for any orders (prepared.any_of) and SQL composed once (ComposedRead)."""
    if not subscriptions:
        return {}
    by_subscription = defaultdict(list)
    for order_id, subscription in subscriptions.items():
        if subscription:
            by_subscription[subscription].append(order_id)
    each: Dict[object, list] = {order_id: [] for order_id in subscriptions}
    for flag in _ACTIVE_AFFECTING(list(subscriptions), list(by_subscription)):
        if flag.scope == Scope.ORDER:
            each[flag.order_id].append(flag)
        else:
            for order_id in by_subscription[flag.subscription]:
                each[order_id].append(flag)
    return each


_ACTIVE_AFFECTING = ComposedRead(
    lambda orders, subscriptions: Flag.objects.filter(
        Q(prepared.any_of(Flag, "order", orders, scope=Scope.ORDER, status=Status.ACTIVE))
        | Q(prepared.any_of(
            Flag, "subscription", subscriptions, scope=Scope.SUBSCRIPTION, status=Status.ACTIVE
        ))
    )
)


class ReasonCount(models.Model):
    """Active flags per reason (attentionReasonCounts), as changes to be summed: a
    statement-level trigger on the flag table inserts one row per reason a statement
    changes (migration 0014); queue.reason_counts sums them, and folds them into one
    row per reason once there are many. Rows are only inserted and folded, never
    updated: flags set at once by many transactions share no row to wait on."""

    id = models.BigAutoField(primary_key=True)
    reason = models.CharField(max_length=64)
    flags = models.IntegerField()


class EventType(models.TextChoices):
    FLAG_SET = "FLAG_SET", "Flag set"
    FLAG_RELEASED = "FLAG_RELEASED", "Flag released"
    COMMENT = "COMMENT", "Comment"
    NOTE_UPDATED = "NOTE_UPDATED", "Note updated"
    ACTION_BLOCKED = "ACTION_BLOCKED", "Action blocked"
    SHIPPING_DATE_PASSED = "SHIPPING_DATE_PASSED", "Planned shipping date passed"
    EMAIL_SENT = "EMAIL_SENT", "Email sent"
    EMAIL_FAILED = "EMAIL_FAILED", "Email failed"
    CREDIT_CHECK = "CREDIT_CHECK", "Credit check result"
    SWITCHED_TO_COD = "SWITCHED_TO_COD", "Payment switched to cash on delivery"
    RULE_FAILED = "RULE_FAILED", "Rule failed"
    ORDER_DELETED = "ORDER_DELETED", "Order deleted"
    ORDER_CANCELLED = "ORDER_CANCELLED", "Order cancelled"
    CHARGE_DECLINED = "CHARGE_DECLINED", "Automatic charge declined"


class AppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    """Rows of a record that are only ever added (the audit trail, comments)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"{type(self).__name__} rows are never deleted.")


class Event(AppendOnlyModel):
    """The audit trail. Rows are only ever added."""

    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="attention_events",
    )
    order_number = models.CharField(max_length=32, blank=True, default="")
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(max_length=32, choices=EventType.choices)
    date = models.DateTimeField(default=timezone.now)
    user = _account()
    app = _app()
    actor_name = _actor_name()
    actor_source = _actor_source()
    message = models.TextField(blank=True, default="")
    parameters = JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("date", "pk")
        indexes = [models.Index(fields=["order", "date"], name="attention_event_order")]


class FlagComment(AppendOnlyModel):
    """A staff member's (or app's) comment on a flag, added without releasing it; a
    released flag takes comments too. Like the audit trail, never changed or deleted."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="comments")
    comment = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _account()
    created_by_app = _app()
    created_by_name = _actor_name()
    created_by_source = _actor_source()

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [
            models.Index(fields=["flag", "created_at", "id"], name="attention_comment_flag")
        ]


class BulkJobKind(models.TextChoices):
    SET = "SET", "Set flags"
    RELEASE = "RELEASE", "Release flags"


class BulkJobStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting for a worker"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Stopped by an unexpected error"


class BulkJob(models.Model):
    """A bulk set or release too large for one request, run by a Celery worker one
    order at a time. What it changes is fixed when it is started (`targets`), so the
    count staff were shown is what runs; `done` is how many of them have run (with or
    without an error), committed with each order's change, so a worker that restarts
    it resumes there."""

    kind = models.CharField(max_length=8, choices=BulkJobKind.choices)
    status = models.CharField(
        max_length=8, choices=BulkJobStatus.choices, default=BulkJobStatus.PENDING
    )
    # What to do to each target: reason, scope, note, due_on, handle / handled_on, comment.
    parameters = JSONField(default=dict, blank=True)
    # SET: [order pk, ...]; RELEASE: [[order pk, [flag pk, ...]], ...] (pks as text:
    # Saleor 3's order pks are UUIDs).
    targets = JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # The first errors: [{"order", "order_number", "field", "code", "message"}].
    errors = JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _account()
    created_by_app = _app()
    created_by_name = _actor_name()
    created_by_source = _actor_source()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)


# Named, so that a clash on it is told apart from any other integrity error.
INBOUND_EVENT_ID_UNIQUE = "attention_inbound_event_id_unique"


class InboundEvent(models.Model):
    """A provider event taken in through the signed endpoint: kept so that a second
    delivery of the same event changes nothing, and other content under the same id
    is refused."""

    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=64)
    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="attention_inbound_events"
    )
    received_at = models.DateTimeField(default=timezone.now)
    payload = JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=64)  # canonical.digest(payload)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name=INBOUND_EVENT_ID_UNIQUE)
        ]


class BlacklistQuerySet(models.QuerySet):
    def sharing_keys_with(self, customer_id, people):
        """Entries sharing a match key with an order: the customer's account, or any
        person's (purchaser, addressee: rules.blacklist.Person) email, phone, address
        or name (or name reading) with postal code. One query over indexed keys."""
        terms = {(("customer_id", customer_id),)} if customer_id is not None else set()
        for person in people:  # the purchaser and addressee are often the same person
            terms |= {
                ((key, value),) for key, value in (
                    ("email_key", person.email), ("phone_key", person.phone),
                    ("address_key", person.address),
                ) if value
            }
            if person.name and person.postal_code:
                # The name as the entry has it, or as its reading (a name typed in kana).
                for key in ("name_key", "name_reading_key"):
                    terms.add(((key, person.name), ("postal_code_key", person.postal_code)))
        if not terms:
            return self.none()
        condition = Q()
        for term in terms:
            condition |= Q(*term)
        return self.filter(condition).order_by()


class BlacklistEntry(models.Model):
    """Someone the shop will not ship to without a second look (SPEC §5.3).

    Staff type the fields as they have them; the *_key columns hold their normalised
    match keys (normalize.py), indexed, so matching an order is one indexed query.
    """

    customer = _account()
    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=255, blank=True, default="")
    # The name's reading in kana (フリガナ), as staff have it: an order whose name is
    # typed in kana matches the entry by it.
    name_reading = models.CharField(max_length=255, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    address = models.CharField(max_length=512, blank=True, default="")
    note = models.TextField(blank=True, default="")
    email_key = models.CharField(max_length=254, blank=True, default="", db_index=True)
    phone_key = models.CharField(max_length=32, blank=True, default="", db_index=True)
    name_key = models.CharField(max_length=255, blank=True, default="")
    name_reading_key = models.CharField(max_length=255, blank=True, default="")
    postal_code_key = models.CharField(max_length=16, blank=True, default="")
    address_key = models.CharField(max_length=512, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = _account()
    created_by_name = _actor_name()
    created_by_source = _actor_source()
    updated_at = models.DateTimeField(auto_now=True)

    objects = BlacklistQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["name_key", "postal_code_key"], name="attention_blacklist_name"),
            models.Index(
                fields=["name_reading_key", "postal_code_key"], name="attention_blacklist_reading"
            ),
            models.Index(fields=["created_at", "id"], name="attention_blacklist_created"),
        ]

    def __str__(self):
        return self.name or self.email or self.phone or f"entry {self.pk}"

    # Each match key and the typed field it is made from.
    KEYS = {
        "email_key": ("email", normalize.email_key),
        "phone_key": ("phone", normalize.phone_key),
        "name_key": ("name", normalize.text_key),
        "name_reading_key": ("name_reading", normalize.text_key),
        "postal_code_key": ("postal_code", normalize.digits_key),
        "address_key": ("address", normalize.text_key),
    }

    def match_keys(self):
        return {key: make(getattr(self, typed)) for key, (typed, make) in self.KEYS.items()}

    def save(self, *args, **kwargs):
        for key, value in self.match_keys().items():
            setattr(self, key, value)
        super().save(*args, **kwargs)


class EmailStatus(models.TextChoices):
    PENDING = "PENDING", "To be sent"
    SENT = "SENT", "Sent"
    # Given up after the retries; the flag stays, staff see the failure in its trail.
    FAILED = "FAILED", "Failed"


class CustomerEmail(models.Model):
    """The one e-mail a flag whose reason asks something of the customer sends them
    (notifications.emails): written with the flag, in its transaction, so a flag that
    rolls back sends nothing; sent after commit, and marked sent once."""

    flag = models.OneToOneField(Flag, on_delete=models.CASCADE, related_name="customer_email")
    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sweep: e-mails still waiting.
            models.Index(fields=["created_at"], name="attention_email_pending",
                         condition=Q(status="PENDING")),
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "To be delivered"
    DELIVERED = "DELIVERED", "Delivered"
    FAILED = "FAILED", "Failed"  # given up after the retries


class WebhookDelivery(models.Model):
    """One of the plugin's own flag events for one receiving URL (notifications.webhooks):
    written with the change, in its transaction; delivered after the commit."""

    # Made in Python, so the change knows what to queue without reading it back.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=32)
    url = models.CharField(max_length=2000)
    order_number = models.CharField(max_length=64, blank=True, default="")
    payload = JSONField(default=dict)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="attention_delivery_pending",
                         condition=Q(status="PENDING")),
        ]


class WebhookAttempt(models.Model):
    """One POST of a delivery: what the receiver answered, or why it could not."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    created_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)


# Subscription contracts live in their own package; imported here for Django to find.
from .contracts.models import (  # noqa: E402,F401
    AutomaticCharge,
    ChargeAttempt,
    ContractLine,
    RenewalCycle,
    SubscriptionContract,
)
