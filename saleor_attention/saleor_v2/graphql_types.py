"""Saleor's GraphQL types that the plugin's types point at or share."""
from graphene import Date, DateTime
from saleor.graphql.account.types import User
from saleor.graphql.app.types import App
from saleor.graphql.order.types import Order

__all__ = ["App", "Date", "DateTime", "Order", "User"]
