"""Saleor's own GraphQL schema, extended with the plugin's queries and mutations (and
its federation `_entities` query guarded, see entities.py)."""
from saleor.graphql.api import Mutation as SaleorMutation
from saleor.graphql.api import Query as SaleorQuery
from saleor.graphql.account.types import User
from saleor.graphql.order.types import Order

from ..graphql import extension
from .entities import build_schema

extension.add_fields(Order, User)


class Query(*extension.QUERIES, SaleorQuery):
    pass


class Mutation(*extension.MUTATIONS, SaleorMutation):
    pass


schema = build_schema(Query, mutation=Mutation)
