import graphene

from .. import guards
from ..errors import AttentionErrorCode as _AttentionErrorCode
from ..models import BulkJobKind, BulkJobStatus, EventType, Scope, Source, Status
from ..reasons import CATALOGUE, EN, JA


def _from_choices(name, choices, description):
    return graphene.Enum(name, [(value, value) for value in choices.values], description=description)


AttentionScope = _from_choices(
    "AttentionScope", Scope, "ORDER: this order only; SUBSCRIPTION: every order of its subscription."
)
AttentionSource = _from_choices("AttentionSource", Source, "Who raised a flag.")
AttentionFlagStatus = _from_choices("AttentionFlagStatus", Status, "Whether a flag still applies.")
AttentionEventType = _from_choices("AttentionEventType", EventType, "What an audit event records.")
AttentionBulkJobKind = _from_choices("AttentionBulkJobKind", BulkJobKind, "What a bulk job does.")
AttentionBulkJobStatus = _from_choices(
    "AttentionBulkJobStatus", BulkJobStatus, "Where a background bulk job stands."
)
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
# Values are the names: graphene 2 prints and introspects an argument's default as it is
# given, so a default of "ja" showed as `= ja`, which is no value of the enum.
AttentionLanguage = graphene.Enum(
    "AttentionLanguage", [("JA", "JA"), ("EN", "EN")], description="A text's language."
)
# The catalogue's language of each AttentionLanguage value.
LANGUAGE_CODES = {"JA": JA, "EN": EN}
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
    DUE_DATE = "DUE_DATE"  # the earliest dueOn of its flags; undated orders after dated ones (ASC)
