"""The contract between the plugin's core and a Saleor line.

Core modules reach Saleor only through `adapter.shop`, the module `saleor_vN/shop.py` of
the line this process runs on; every such module implements `SaleorPort`, and
tests/test_port.py checks that it does, on whichever line is installed. This module
imports nothing of Saleor's or the core's.
"""
from typing import (
    TYPE_CHECKING, Any, Callable, ContextManager, FrozenSet, Mapping, Optional, Protocol, Sequence,
    Type,
)

if TYPE_CHECKING:
    from .actors import Actor
    from .contracts.terms import ChargeResult, OrderTerms, PaymentMethod, Renewal


class SaleorGraphQLTypes(Protocol):
    """Saleor's GraphQL types the plugin's schema points at or shares (`shop.types`)."""

    Date: Any  # Saleor's Date scalar
    DateTime: Any  # Saleor's DateTime scalar
    JSONString: Any  # Saleor's JSONString scalar (3.x names its own)
    Order: Any  # Saleor's Order object type, which the plugin's fields extend


class SaleorPort(Protocol):
    """What the core needs of a Saleor line. A module implements it (so the methods'
    `self` stands for nothing); "order" is always an instance of `Order`."""

    # Saleor's models: the core queries and locks orders, and listens to their signals.
    Order: Type[Any]
    OrderEvent: Type[Any]  # an order's history; a "payment_failed" event raises a flag
    ProductVariant: Type[Any]  # what a subscription contract's lines name
    Fulfillment: Type[Any]  # guarded: see starts_shipping

    # Parses the pk out of an Order global id ("Order:<pk>"); ValueError if it is not one.
    ORDER_PK: Callable[[str], Any]
    ORDER_CREATED_FIELD: str  # the Order field that holds when it was placed
    # The Order field holding the number staff know the order by (order_number's
    # value, as an integer): what a search or filter by order number compares.
    ORDER_NUMBER_FIELD: str
    # Fields of Saleor's Order type (the plugin's on it included) that never read the
    # order's weight: a page of orders asking for no others reads them without it.
    ORDER_FIELDS_WITHOUT_WEIGHT: FrozenSet[str]
    DRAFT_STATUS: str  # Order.status of a staff draft: not an order anyone placed yet
    CANCELLED_STATUS: str
    PermissionDenied: Type[Exception]  # what Saleor's GraphQL answers as a permission error
    types: SaleorGraphQLTypes

    def order_number(self, order) -> str:
        """The number staff know the order by."""

    def order_token(self, order) -> str:
        """What a guest's storefront link names the order by: what Saleor serves the
        order by to whoever holds it (`orderByToken`)."""

    def latest_payment_gateway(self) -> Any:
        """An expression (for `annotate`) of an Order queryset: the gateway of the
        order's latest payment, "" when it has none. Read in the statement that locks
        a new order for its rules, not in one of its own."""

    def is_shipped(self, order) -> bool:
        """Whether goods of the order have left the warehouse (its status says so)."""

    def starts_shipping(self, fulfillment) -> bool:
        """Whether saving this Fulfillment (in pre_save, not yet written) sends goods
        out; the guard then refuses it while the order needs attention."""

    def add_history_note(self, order, actor: "Actor", message: str) -> None:
        """A note in Saleor's order history (staff see it on the order), by the actor."""

    def history_note_rows(self, notes: Mapping[Any, str], actor: "Actor") -> Sequence[Any]:
        """Unsaved `OrderEvent` rows, one note in the history of each order ({order pk:
        message}) by the actor, as Saleor writes a note: the core inserts them in one
        INSERT however many orders (a subscription flag's line on every order of the
        subscription), with a change's own writes."""

    def announce_order_updated(self, order) -> None:
        """Saleor's order-updated hooks (webhooks included), run only once the current
        transaction commits (never if it rolls back)."""

    def plugin_configurations(self) -> Any:
        """The queryset of the plugin's stored PluginConfiguration (at most one row),
        for reading its settings inside another statement (a subquery)."""

    def ensure_plugin_configuration(self) -> None:
        """Store the plugin's configuration, switched on with the default settings,
        unless one is stored already (run after migrate)."""

    def actor_of(self, context) -> "Actor":
        """Who sends a GraphQL request (its `info.context`): the app, else the
        authenticated user, else neither."""

    def can_manage_orders(self, context) -> bool:
        """Whether the caller holds Saleor's MANAGE_ORDERS."""

    def can_manage_users(self, context) -> bool:
        """Whether Saleor would show this caller customer accounts (MANAGE_USERS)."""

    def graphql_order(self, order) -> Any:
        """The root Saleor's Order type resolves its fields on, for this order."""

    def order_of_graphql_root(self, root) -> Any:
        """The order behind a root of Saleor's Order type (graphql_order's inverse)."""

    def extended_schema(self) -> Any:
        """Saleor's graphene schema with the plugin's queries, mutations and Order fields."""

    def order_terms(self, order) -> "OrderTerms":
        """What a subscription contract copies from an order: its customer, the lines
        still sold as variants, its addresses as Saleor's AddressInput fields, its
        shipping method and channel (Saleor's ids, as text)."""

    def place_renewal_order(self, renewal: "Renewal") -> Any:
        """Place the renewal as a Saleor order through Saleor's own draft-order
        mutations (prices, stock, taxes and events as Saleor makes them), sent by the
        plugin's renewal app, inside the caller's transaction; the placed Order.
        Raises contracts.terms.SaleorRefused with Saleor's errors."""

    def start_checkout(self, terms: "OrderTerms", user) -> str:
        """A checkout of the terms' items and addresses for the customer, started by
        Saleor's own checkoutCreate as that customer: its token. Raises
        contracts.terms.SaleorRefused with Saleor's errors."""

    def payment_method_problem(self, method: "PaymentMethod") -> Optional[str]:
        """Why this line cannot charge the (well-formed) payment method: a path it
        lacks, a gateway or payment app it does not have; None when it can."""

    def charge(self, order, method: "PaymentMethod") -> "ChargeResult":
        """Charge the order's total through the method's payment path (authorize and
        capture, or a charge where the path has no authorization), inside the
        caller's transaction, as Saleor's own payment flow does it (its payment rows,
        events and hooks). A decline is a result, not an exception."""

    def is_paid(self, order) -> bool:
        """Whether nothing is left to charge: the order is fully paid (by staff, by
        another payment)."""

    def database_access(self) -> ContextManager[Any]:
        """A context manager around the core's reads and writes outside Saleor's
        request handling (hooks, signals, tasks), as the line requires."""
