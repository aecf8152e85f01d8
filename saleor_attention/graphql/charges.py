"""Automatic charges for staff: a renewal cycle's charge with its attempts, and
subscriptionChargesRun. Staff only (through SubscriptionContract and the mutation):
an attempt's message can name flags."""
import graphene

from ..contracts import charges
from ..adapter import shop
from ..contracts.models import AttemptOutcome, ChargeStatus
from .database import attribute_resolver, with_database
from .mutations import AttentionMutation
from .runs import MAX_RUN, run_date
from .scalars import Date, DateTime

# The most attempts a charge answers with, newest first.
MAX_ATTEMPTS = 50

SubscriptionChargeStatus = graphene.Enum(
    "SubscriptionChargeStatus", [(value, value) for value in ChargeStatus.values],
    description="DUE: to be tried on its charge date (first or again). REQUESTED: asked "
    "of a payment app, whose answer comes later. CHARGED. CLOSED: never charged, the "
    "order was cancelled or paid another way.",
)
SubscriptionChargeOutcome = graphene.Enum(
    "SubscriptionChargeOutcome", [(value, value) for value in AttemptOutcome.values],
    description="What one run did with the charge. HELD: not tried, the order needs "
    "attention and is not shipped (recorded once a wait).",
)


class SubscriptionChargeAttempt(graphene.ObjectType):
    outcome = SubscriptionChargeOutcome(required=True)
    gateway = graphene.String(required=True)
    message = graphene.String(required=True, description="The gateway's, or why it was held.")
    reference = graphene.String(required=True, description="The payment's reference.")
    created_at = DateTime(required=True)


class SubscriptionCharge(graphene.ObjectType):
    """The automatic charge (自動決済) of a renewal order."""

    status = SubscriptionChargeStatus(required=True)
    charge_on = Date(required=True, description="When it is (next) tried.")
    declines = graphene.Int(required=True, description="Declines the retries count.")
    held = graphene.Boolean(required=True, description="Waiting for the order's release.")
    reference = graphene.String(required=True, description="The payment's, once charged.")
    order = graphene.Field(lambda: shop.types.Order)
    attempts = graphene.List(
        graphene.NonNull(SubscriptionChargeAttempt), required=True,
        description=f"Newest first (at most {MAX_ATTEMPTS}).",
    )

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    @with_database
    def resolve_order(root, _info):
        return shop.graphql_order(root.order)

    @staticmethod
    @with_database
    def resolve_attempts(root, _info):
        return list(root.attempts.order_by("-created_at", "-pk")[:MAX_ATTEMPTS])


class SubscriptionChargesRun(AttentionMutation):
    """Try the automatic charges due as of a date now, as the schedule does (at most
    100 a call): each charged, requested, held by attention, declined (retried or
    flagged RENEWAL_PAYMENT_FAILED) or closed. Nothing while the plugin is switched
    off (paused). Requires MANAGE_ORDERS."""

    # Null when the call was refused (errors).
    charged = graphene.List(graphene.NonNull(SubscriptionCharge))
    requested = graphene.List(graphene.NonNull(SubscriptionCharge))
    held = graphene.List(graphene.NonNull(SubscriptionCharge))
    declined = graphene.List(graphene.NonNull(SubscriptionCharge))
    closed = graphene.List(graphene.NonNull(SubscriptionCharge))
    paused = graphene.Boolean(description="The plugin is switched off.")

    class Arguments:
        date = Date(description="As of this day (default: today, the shop's calendar).")

    @classmethod
    def perform(cls, info, date=None):
        done = charges.run(run_date(date), MAX_RUN)
        return cls(
            charged=done.charged, requested=done.requested, held=done.held,
            declined=done.declined, closed=done.closed, paused=done.paused, errors=[],
        )
