"""Saleor's own GraphQL schema, extended with the plugin's queries and mutations (and
its federation `_entities` query guarded, see entities.py)."""
from saleor.graphql.api import Mutation as SaleorMutation
from saleor.graphql.api import Query as SaleorQuery
from saleor.graphql.account.types import User
from saleor.graphql.order.types import Order

from ..graphql.blacklist import AttentionBlacklistMutations, AttentionBlacklistQueries
from ..graphql.contracts import SubscriptionContractMutations, SubscriptionContractQueries
from ..graphql.customer_contracts import (
    CustomerSubscriptionContractMutations,
    customer_contracts_field,
)
from ..graphql.mutations import AttentionMutations
from ..graphql.orders_queue import AttentionOrderQueries
from ..graphql.webhooks import AttentionWebhookQueries
from ..graphql.queries import (
    AttentionQueries,
    customer_restrictions_field,
    order_attention_field,
)
from .entities import build_schema

# graphene 2 reads an ObjectType's fields when a schema is built, so this adds
# Order.attention to the schema built below without touching Saleor's code.
Order._meta.fields["attention"] = order_attention_field()
Order._meta.fields["customer_restrictions"] = customer_restrictions_field()
User._meta.fields["subscription_contracts"] = customer_contracts_field()


class Query(
    AttentionQueries, AttentionOrderQueries, AttentionBlacklistQueries,
    SubscriptionContractQueries, AttentionWebhookQueries, SaleorQuery
):
    pass


class Mutation(
    AttentionMutations, AttentionBlacklistMutations, SubscriptionContractMutations,
    CustomerSubscriptionContractMutations, SaleorMutation,
):
    pass


schema = build_schema(Query, mutation=Mutation)
