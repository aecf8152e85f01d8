"""Saleor 3's own GraphQL schema, extended with the plugin's queries and mutations."""
import graphql
from saleor.graphql import api as saleor_api
from saleor.graphql.core.federation.schema import build_federated_schema
from saleor.graphql.account.types import User
from saleor.graphql.order.types import Order

from ..graphql import extension

extension.add_fields(Order, User)


class Query(*extension.QUERIES, saleor_api.Query):
    pass


class Mutation(*extension.MUTATIONS, saleor_api.Mutation):
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
