"""The customer's own subscription contracts (SPEC §9): `me { subscriptionContracts }`
and the self-service mutations. Every answer is about the caller's contracts only;
another's contract answers as one that does not exist, and a refusal while the current
order needs attention carries the flag's customer-safe text."""
import graphene

from ..adapter import shop
from ..contracts import self_service
from ..contracts.models import CycleStatus
from ..errors import AttentionError
from . import ids
from .contracts import (
    ADDRESS_NAMES,
    SubscriptionAddress,
    address_fields,
    SubscriptionContractLine,
    SubscriptionContractStatus,
    SubscriptionIntervalUnit,
    address_of,
)
from .enums import LANGUAGE_CODES
from .mutations import AttentionMutation
from .permissions import customer_only, may_manage_orders, with_database
from .scalars import Date
from .types import CustomerRestrictions, error_entries, language_argument

MAX_CONTRACTS = 100
MAX_SHIPPINGS = 24


class CustomerSubscriptionShipping(graphene.ObjectType):
    number = graphene.Int(required=True)
    planned_shipping_date = Date(required=True)
    skipped = graphene.Boolean(required=True)
    order_number = graphene.String(description="Null when it was skipped.")

    @staticmethod
    def resolve_skipped(root, _info):
        return root.status == CycleStatus.SKIPPED

    @staticmethod
    @with_database
    def resolve_order_number(root, _info):
        return None if root.order is None else shop.order_number(root.order)


class CustomerSubscriptionContract(graphene.ObjectType):
    id = graphene.ID(required=True)
    status = SubscriptionContractStatus(required=True)
    interval_count = graphene.Int(required=True)
    interval_unit = SubscriptionIntervalUnit(required=True)
    next_shipping_date = Date(required=True)
    shipping_address = graphene.Field(SubscriptionAddress)
    payment_method = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(SubscriptionContractLine), required=True)
    shippings = graphene.List(
        graphene.NonNull(CustomerSubscriptionShipping), required=True,
        description=f"Its orders and skipped shippings, newest first (at most {MAX_SHIPPINGS}).",
    )
    restrictions = graphene.Field(
        CustomerRestrictions, required=True,
        description="What the customer may do now (its current order's restrictions).",
    )

    @staticmethod
    def resolve_id(root, _info):
        return ids.contract_id(root.pk)

    @staticmethod
    def resolve_shipping_address(root, _info):
        return address_of(root.shipping_address)

    @staticmethod
    @with_database
    def resolve_lines(root, _info):
        return list(root.lines.order_by("pk")[:self_service.MAX_LINES])

    @staticmethod
    @with_database
    def resolve_shippings(root, _info):
        return list(
            root.cycles.filter(status__in=[CycleStatus.PLACED, CycleStatus.SKIPPED])
            .select_related("order").order_by("-number")[:MAX_SHIPPINGS]
        )

    @staticmethod
    @with_database
    def resolve_restrictions(root, _info):
        return CustomerRestrictions(self_service.restrictions(root))


@with_database
def resolve_customer_contracts(root, info):
    """Saleor's User (from `me`, or staff's `user(id)`): the account itself, or staff
    with MANAGE_ORDERS, see its contracts; anyone else is refused."""
    actor = shop.actor_of(info.context)
    itself = actor.app is None and actor.user is not None and actor.user.pk == root.pk
    if not itself and not may_manage_orders(info.context):
        raise shop.PermissionDenied()
    return list(self_service.contracts_of(root).order_by("-created_at", "-pk")[:MAX_CONTRACTS])


def customer_contracts_field():
    """The `subscriptionContracts` field the adapter adds to Saleor's User type."""
    return graphene.Field(
        graphene.List(graphene.NonNull(CustomerSubscriptionContract)), required=True,
        resolver=resolve_customer_contracts,
        description=f"The account's subscription contracts, newest first (at most {MAX_CONTRACTS}).",
    )


SubscriptionAddressInput = type("SubscriptionAddressInput", (graphene.InputObjectType,), {
    "__doc__": "An address; Saleor's own address rules check it (a Japanese one needs its "
               "prefecture, countryArea, and street).",
    **address_fields(required=("postal_code", "country")),
})


class SubscriptionLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class SubscriptionContractUpdateInput(graphene.InputObjectType):
    interval_count = graphene.Int()
    interval_unit = SubscriptionIntervalUnit()
    next_shipping_date = Date()
    shipping_address = SubscriptionAddressInput()
    payment_method = graphene.String(
        description="What renewals are charged with: path:gateway:token (e.g. "
        "gateway:mirumee.payments.dummy:tok_123), or empty for none."
    )
    lines = graphene.List(graphene.NonNull(SubscriptionLineInput))


class _CustomerContractMutation(AttentionMutation):
    contract = graphene.Field(CustomerSubscriptionContract)

    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        return _customer_perform(cls, info, data)


@customer_only
def _customer_perform(mutation, info, data):
    try:
        return mutation.perform(info, shop.actor_of(info.context).user, **data)
    except AttentionError as exc:
        return mutation(errors=error_entries(exc.problems))


class SubscriptionContractUpdate(_CustomerContractMutation):
    """Change one's own contract: its schedule, address, payment method or items.
    Refused (ACTION_REFUSED, with a customer-safe message) while its current order
    needs attention."""

    class Arguments:
        id = graphene.ID(required=True)
        input = SubscriptionContractUpdateInput(required=True)
        language = language_argument()

    @classmethod
    def perform(cls, info, user, id, input, language="JA"):
        interval = None
        if "interval_count" in input or "interval_unit" in input:
            interval = (input.get("interval_count") or 0, input.get("interval_unit") or "")
        lines = None
        if input.get("lines") is not None:
            lines = [(ids.variant_pk(line["variant_id"], "lines"), line["quantity"])
                     for line in input["lines"]]
        address = input.get("shipping_address")
        contract = self_service.change(
            ids.contract_pk(id, "id"), user, language=LANGUAGE_CODES[language],
            interval=interval, next_shipping_date=input.get("next_shipping_date"),
            shipping_address=None if address is None else _address_values(address),
            payment_method=input.get("payment_method"), lines=lines,
        )
        return cls(contract=contract, errors=[])


class _ContractAction(_CustomerContractMutation):
    """One of self_service's actions on one's contract (`act`), by its id."""

    class Meta:
        abstract = True

    class Arguments:
        id = graphene.ID(required=True)
        language = language_argument()

    @classmethod
    def perform(cls, info, user, id, language="JA"):
        contract = cls.act(ids.contract_pk(id, "id"), user, LANGUAGE_CODES[language])
        return cls(contract=contract, errors=[])


class SubscriptionContractSkip(_ContractAction):
    """Skip one's next shipping. Refused while the current order needs attention."""

    act = staticmethod(self_service.skip)


class SubscriptionContractCancel(_ContractAction):
    """Cancel one's contract. Refused while the current order needs attention."""

    act = staticmethod(self_service.cancel)


class SubscriptionContractReorder(AttentionMutation):
    """Order the same items again: Saleor starts a checkout of the contract's items
    and address for the customer; the storefront goes on from its token. Open while
    the order needs attention, and for a cancelled contract."""

    checkout_token = graphene.String(description="The new checkout's token.")

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def mutate(cls, root, info, **data):
        return _customer_perform(cls, info, data)

    @classmethod
    def perform(cls, info, user, id):
        return cls(checkout_token=self_service.reorder(ids.contract_pk(id, "id"), user), errors=[])


def _address_values(address) -> dict:
    """SubscriptionAddressInput as the AddressInput values a contract keeps."""
    values = {key: address.get(name) or "" for name, key in ADDRESS_NAMES}
    values["country"] = values["country"].upper()
    return values


class CustomerSubscriptionContractMutations(graphene.ObjectType):
    subscription_contract_update = SubscriptionContractUpdate.Field()
    subscription_contract_skip = SubscriptionContractSkip.Field()
    subscription_contract_cancel = SubscriptionContractCancel.Field()
    subscription_contract_reorder = SubscriptionContractReorder.Field()
