"""Staff GraphQL for subscription contracts (SPEC §9, named as Shopify's subscription
contracts): list and read them with their cycles and attention, start one from an
order, pause and resume it, and run the due renewals now. Requires MANAGE_ORDERS."""
import graphene

from ..adapter import shop
from ..contracts import actions, renewals
from ..contracts.models import ContractStatus, CycleStatus, IntervalUnit, SubscriptionContract
from ..errors import AttentionError
from ..models import Flag, Scope
from . import ids
from .charges import SubscriptionCharge, SubscriptionChargesRun
from .runs import MAX_RUN, run_date
from .database import attribute_resolver, with_database
from .mutations import AttentionMutation
from .pagination import CountedConnection, keyset_page
from .people import AttentionCustomer
from .permissions import staff_only
from .scalars import Date, DateTime
from .types import AttentionFlag

# The most cycles or flags a contract answers with, newest first.
MAX_LISTED = 100

SubscriptionContractStatus = graphene.Enum(
    "SubscriptionContractStatus", [(value, value) for value in ContractStatus.values],
    description="ACTIVE renews; PAUSED and CANCELLED do not.",
)
SubscriptionIntervalUnit = graphene.Enum(
    "SubscriptionIntervalUnit", [(value, value) for value in IntervalUnit.values],
    description="The unit of a contract's interval.",
)
SubscriptionCycleStatus = graphene.Enum(
    "SubscriptionCycleStatus", [(value, value) for value in CycleStatus.values],
    description="PLACED: its order exists. HELD: not placed, the subscription needed "
    "attention when it was due. FAILED: Saleor refused the order.",
)


# The address fields (as Saleor's AddressInput names them: camelCase of these) and the
# keys a contract keeps them by.
ADDRESS_NAMES = (
    ("first_name", "firstName"), ("last_name", "lastName"), ("company_name", "companyName"),
    ("street_address_1", "streetAddress1"), ("street_address_2", "streetAddress2"),
    ("city", "city"), ("city_area", "cityArea"), ("postal_code", "postalCode"),
    ("country", "country"), ("country_area", "countryArea"), ("phone", "phone"),
)


def address_fields(required=()) -> dict:
    return {name: graphene.String(required=name in required) for name, _key in ADDRESS_NAMES}


SubscriptionAddress = type("SubscriptionAddress", (graphene.ObjectType,), {
    "__doc__": "The address a contract ships to, as Saleor's AddressInput names its fields.",
    **address_fields(),
})


def address_of(values: dict):
    """A contract's kept address as SubscriptionAddress (None when it has none)."""
    if not values:
        return None
    return SubscriptionAddress(**{name: values.get(key, "") for name, key in ADDRESS_NAMES})


class SubscriptionContractLine(graphene.ObjectType):
    variant_id = graphene.ID(description="Saleor's ProductVariant id; null once it is deleted.")
    sku = graphene.String(required=True)
    quantity = graphene.Int(required=True)

    @staticmethod
    def resolve_variant_id(root, _info):
        return None if root.variant_id is None else graphene.Node.to_global_id(
            "ProductVariant", root.variant_id)


class SubscriptionRenewalCycle(graphene.ObjectType):
    number = graphene.Int(required=True, description="1 is the order the contract began with.")
    planned_shipping_date = Date(required=True)
    status = SubscriptionCycleStatus(required=True)
    order = graphene.Field(lambda: shop.types.Order, description="Null unless PLACED.")
    detail = graphene.String(required=True, description="Why it was held or refused.")
    charge = graphene.Field(
        SubscriptionCharge, description="Its order's automatic charge; null when the "
        "contract had no payment method to charge when it was placed (or it is the first).",
    )
    updated_at = DateTime(required=True)

    class Meta:
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_order(root, _info):
        return None if root.order is None else shop.graphql_order(root.order)

    @staticmethod
    def resolve_charge(root, _info):
        return getattr(root, "charge", None)  # a reverse one-to-one: absent raises


class SubscriptionContractType(graphene.ObjectType):
    id = graphene.ID(required=True)
    subscription = graphene.String(
        required=True, description="The subscription key its orders and flags carry."
    )
    status = SubscriptionContractStatus(required=True)
    customer = graphene.Field(AttentionCustomer, description="Null for a guest's contract.")
    email = graphene.String(required=True, description="The customer's email, as on its orders.")
    interval_count = graphene.Int(required=True)
    interval_unit = SubscriptionIntervalUnit(required=True)
    next_shipping_date = Date(required=True)
    payment_method = graphene.String(
        required=True, description="What its renewals are charged with "
        "(path:gateway:token; empty: not charged automatically).",
    )
    shipping_address = graphene.Field(SubscriptionAddress)
    lines = graphene.List(graphene.NonNull(SubscriptionContractLine), required=True)
    cycles = graphene.List(
        graphene.NonNull(SubscriptionRenewalCycle), required=True,
        description=f"Its cycles, newest first (at most {MAX_LISTED}).",
    )
    needs_attention = graphene.Boolean(
        required=True, description="An active SUBSCRIPTION flag holds its renewals."
    )
    flags = graphene.List(
        graphene.NonNull(AttentionFlag), required=True,
        description=f"Its active SUBSCRIPTION flags, newest first (at most {MAX_LISTED}).",
    )
    created_at = DateTime(required=True)

    class Meta:
        name = "SubscriptionContract"
        default_resolver = attribute_resolver

    @staticmethod
    def resolve_id(root, _info):
        return ids.contract_id(root.pk)

    @staticmethod
    @with_database
    def resolve_customer(root, _info):
        return root.user

    @staticmethod
    def resolve_email(root, _info):
        return root.user_email

    @staticmethod
    def resolve_shipping_address(root, _info):
        return address_of(root.shipping_address)

    @staticmethod
    @with_database
    def resolve_lines(root, _info):
        return list(root.lines.order_by("pk")[:MAX_LISTED])

    @staticmethod
    @with_database
    def resolve_cycles(root, _info):
        return list(root.cycles.select_related("order", "charge__order").order_by("-number")[:MAX_LISTED])

    @staticmethod
    @with_database
    def resolve_needs_attention(root, _info):
        return _active_subscription_flags(root).exists()

    @staticmethod
    @with_database
    def resolve_flags(root, _info):
        return list(
            _active_subscription_flags(root).select_related("order")
            .order_by("-created_at", "-pk")[:MAX_LISTED]
        )


def _active_subscription_flags(contract):
    return Flag.objects.active().filter(scope=Scope.SUBSCRIPTION, subscription=contract.subscription)


class SubscriptionContractConnection(CountedConnection):
    class Meta:
        node = SubscriptionContractType


class SubscriptionContractFilterInput(graphene.InputObjectType):
    status = SubscriptionContractStatus()


class SubscriptionContractQueries(graphene.ObjectType):
    subscription_contracts = graphene.relay.ConnectionField(
        SubscriptionContractConnection, filter=SubscriptionContractFilterInput(),
        description="The shop's subscription contracts, newest first. Requires MANAGE_ORDERS.",
    )
    subscription_contract = graphene.Field(
        SubscriptionContractType, id=graphene.ID(required=True),
        description="One contract, null when there is no such contract. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    @staff_only
    def resolve_subscription_contracts(_root, _info, filter=None, first=None, after=None,
                                       **backwards):
        contracts = SubscriptionContract.objects.all()
        if filter and filter.get("status"):
            contracts = contracts.filter(status=filter["status"])
        return keyset_page(
            SubscriptionContractConnection, contracts, "created_at", True, first, after, **backwards
        )

    @staticmethod
    @staff_only
    def resolve_subscription_contract(_root, _info, id):
        try:
            pk = ids.contract_pk(id, "id")
        except AttentionError:
            return None
        return SubscriptionContract.objects.filter(pk=pk).first()


class SubscriptionContractCreateInput(graphene.InputObjectType):
    interval_count = graphene.Int(required=True, description="How many units between shippings.")
    interval_unit = SubscriptionIntervalUnit(required=True)
    next_shipping_date = Date(
        required=True, description="The first renewal's shipping date (after today)."
    )
    payment_method = graphene.String(
        description="What renewals are charged with: path:gateway:token, e.g. "
        "gateway:mirumee.payments.dummy:tok_123 (default: none, not charged automatically)."
    )


class _ContractMutation(AttentionMutation):
    contract = graphene.Field(SubscriptionContractType)

    class Meta:
        abstract = True


class SubscriptionContractCreateFromOrder(_ContractMutation):
    """Start a subscription from a placed order: its items, addresses and shipping
    method every interval, the order its first cycle. Requires MANAGE_ORDERS."""

    class Arguments:
        order = graphene.ID(required=True, description="Saleor's Order id, or the order's number.")
        input = SubscriptionContractCreateInput(required=True)

    @classmethod
    def perform(cls, info, order, input):
        contract = actions.create_from_order(
            ids.order_or_number(order, "order"), interval_count=input["interval_count"],
            interval_unit=input["interval_unit"], next_shipping_date=input["next_shipping_date"],
            payment_method=input.get("payment_method") or "",
        )
        return cls(contract=contract, errors=[])


class _ContractMove(_ContractMutation):
    """A contract moved from one status to another by `move` (actions.pause, …)."""

    class Meta:
        abstract = True

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform(cls, info, id):
        return cls(contract=cls.move(ids.contract_pk(id, "id")), errors=[])


class SubscriptionContractPause(_ContractMove):
    """Stop an active contract's renewals until it is resumed. Requires MANAGE_ORDERS."""

    move = staticmethod(actions.pause)


class SubscriptionContractResume(_ContractMove):
    """Renew a paused contract again (a date passed meanwhile is renewed by the next
    run). Requires MANAGE_ORDERS."""

    move = staticmethod(actions.resume)


class SubscriptionRenewalsRun(AttentionMutation):
    """Renew the contracts due as of a date now, as the daily schedule does (at most
    100 a call): each placed, held by attention or refused by Saleor. Nothing
    while the plugin is switched off (paused). Requires MANAGE_ORDERS."""

    # Null when the call was refused (errors).
    placed = graphene.List(graphene.NonNull(SubscriptionRenewalCycle))
    held = graphene.List(graphene.NonNull(SubscriptionRenewalCycle))
    failed = graphene.List(graphene.NonNull(SubscriptionRenewalCycle))
    paused = graphene.Boolean(description="The plugin is switched off.")

    class Arguments:
        date = Date(description="As of this day (default: today, the shop's calendar).")

    @classmethod
    def perform(cls, info, date=None):
        done = renewals.run(run_date(date), MAX_RUN)
        return cls(placed=done.placed, held=done.held, failed=done.failed, paused=done.paused,
                   errors=[])


class SubscriptionContractMutations(graphene.ObjectType):
    subscription_contract_create_from_order = SubscriptionContractCreateFromOrder.Field()
    subscription_contract_pause = SubscriptionContractPause.Field()
    subscription_contract_resume = SubscriptionContractResume.Field()
    subscription_renewals_run = SubscriptionRenewalsRun.Field()
    subscription_charges_run = SubscriptionChargesRun.Field()
