"""What the plugin adds to Saleor's GraphQL schema, the same on both lines: its
queries and mutations, which each line's schema.py mixes into Saleor's root types,
and its fields on Saleor's Order and User."""
from .blacklist import AttentionBlacklistMutations, AttentionBlacklistQueries
from .contracts import SubscriptionContractMutations, SubscriptionContractQueries
from .customer_contracts import CustomerSubscriptionContractMutations, customer_contracts_field
from .mutations import AttentionMutations
from .orders_queue import AttentionOrderQueries
from .queries import AttentionQueries, customer_restrictions_field, order_attention_field
from .webhooks import AttentionWebhookQueries

QUERIES = (
    AttentionQueries, AttentionOrderQueries, AttentionBlacklistQueries,
    SubscriptionContractQueries, AttentionWebhookQueries,
)
MUTATIONS = (
    AttentionMutations, AttentionBlacklistMutations, SubscriptionContractMutations,
    CustomerSubscriptionContractMutations,
)


def add_fields(order_type, user_type) -> None:
    """Order.attention, Order.customerRestrictions and User.subscriptionContracts on
    Saleor's own types: graphene 2 reads an ObjectType's fields when a schema is
    built, so they reach the schema built next without touching Saleor's code."""
    order_type._meta.fields["attention"] = order_attention_field()
    order_type._meta.fields["customer_restrictions"] = customer_restrictions_field()
    user_type._meta.fields["subscription_contracts"] = customer_contracts_field()
