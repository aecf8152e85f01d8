"""Saleor's GraphQL types that the plugin's types point at or share."""
from graphene import Date, DateTime, JSONString
from saleor.graphql.order.types import Order

__all__ = ["Date", "DateTime", "JSONString", "Order"]
