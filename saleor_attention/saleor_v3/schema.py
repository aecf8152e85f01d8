"""Saleor 3's own GraphQL schema, extended with the plugin's queries and mutations."""
import graphql
from saleor.graphql import api as saleor_api
from saleor.graphql.core.federation.schema import build_federated_schema
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

# graphene 2 reads an ObjectType's fields when a schema is built, so these reach the
# schema built below without touching Saleor's code or its own schema.
Order._meta.fields["attention"] = order_attention_field()
Order._meta.fields["customer_restrictions"] = customer_restrictions_field()
User._meta.fields["subscription_contracts"] = customer_contracts_field()


class Query(
    AttentionQueries, AttentionOrderQueries, AttentionBlacklistQueries,
    SubscriptionContractQueries, AttentionWebhookQueries, saleor_api.Query
):
    pass


class Mutation(
    AttentionMutations, AttentionBlacklistMutations, SubscriptionContractMutations,
    CustomerSubscriptionContractMutations, saleor_api.Mutation,
):
    pass


# The same extra types and directives as saleor/graphql/api.py builds its schema with.
schema = build_federated_schema(
    Query,
    mutation=Mutation,
    types=(
        saleor_api.unit_enums
        + list(saleor_api.WEBHOOK_TYPES_MAP.values())
        + saleor_api.PAYMENT_ADDITIONAL_TYPES
        + saleor_api.ASSIGNED_ATTRIBUTE_TYPES
    ),
    subscription=saleor_api.Subscription,
    directives=graphql.specified_directives
    + [saleor_api.GraphQLDocDirective, saleor_api.GraphQLWebhookEventsInfoDirective],
)
