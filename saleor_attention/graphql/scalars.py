"""Scalars each Saleor line names its own (`Date`, `DateTime`, `JSONString`): a schema
may hold only one type per name."""
from ..adapter import shop

Date = shop.types.Date
DateTime = shop.types.DateTime
JSONString = shop.types.JSONString
