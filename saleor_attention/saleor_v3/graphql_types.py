"""Saleor's GraphQL types that the plugin's types point at or share."""
from saleor.graphql.core.fields import JSONString
from saleor.graphql.core.scalars import Date, DateTime
from saleor.graphql.order.types import Order

__all__ = ["Date", "DateTime", "JSONString", "Order"]
