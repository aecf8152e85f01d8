import graphene

from .. import guards
from ..errors import AttentionErrorCode as _AttentionErrorCode
from ..models import EventType, Scope, Source, Status
from ..reasons import CATALOGUE, EN, JA


def _from_choices(name, choices, description):
    return graphene.Enum(name, [(value, value) for value in choices.values], description=description)


AttentionScope = _from_choices(
    "AttentionScope", Scope, "ORDER: this order only; SUBSCRIPTION: every order of its subscription."
)
AttentionSource = _from_choices("AttentionSource", Source, "Who raised a flag.")
AttentionFlagStatus = _from_choices("AttentionFlagStatus", Status, "Whether a flag still applies.")
AttentionEventType = _from_choices("AttentionEventType", EventType, "What an audit event records.")
AttentionReason = graphene.Enum(
    "AttentionReason", [(code, code) for code in CATALOGUE], description="Why an order needs attention."
)
AttentionBlockedAction = graphene.Enum(
    "AttentionBlockedAction",
    [(action, action) for action in guards.BLOCKABLE_ACTIONS],
    description="What active flags stop.",
)
AttentionCustomerAction = graphene.Enum(
    "AttentionCustomerAction",
    [(action, action) for action in guards.CUSTOMER_ACTIONS],
    description="What a customer can do to an order or its subscription in the storefront.",
)
AttentionLanguage = graphene.Enum("AttentionLanguage", [("JA", JA), ("EN", EN)])
AttentionErrorCode = graphene.Enum.from_enum(_AttentionErrorCode)


class AttentionFlagSortField(graphene.Enum):
    CREATED_AT = "created_at"
    REASON = "reason"
    ORDER = "order_id"


class AttentionSortDirection(graphene.Enum):
    ASC = "ASC"
    DESC = "DESC"


class AttentionOrderSortField(graphene.Enum):
    """How the order queue is sorted; each with the order id as the tie-break."""

    AGE = "AGE"  # days since the order's oldest active flag (DESC: oldest first)
    PLANNED_SHIPPING_DATE = "PLANNED_SHIPPING_DATE"  # undated orders after dated ones (ASC)
    CREATED = "CREATED"  # when the order was placed
