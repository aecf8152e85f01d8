"""What passes between contracts and a Saleor line: an order's terms, copied into a
new contract, and a renewal, placed as a Saleor order. Plain data: no Saleor."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class OrderTerms:
    user: Any  # Saleor's User, or None for a guest
    user_email: str
    # (variant pk, SKU, quantity) of each line still sold as a variant.
    lines: List[Tuple[Any, str, int]]
    shipping_address: Dict[str, str]  # Saleor's AddressInput fields
    billing_address: Dict[str, str]
    shipping_method: str
    channel: str


@dataclass(frozen=True)
class Renewal:
    """An order to place for a contract's cycle; `before_placing` is called with the
    draft order's pk before Saleor places it (its order-created hooks see the link)."""

    terms: OrderTerms
    before_placing: Callable[[Any], None] = field(compare=False)
    note: Optional[str] = None  # the order's customer note


class SaleorRefused(Exception):
    """Saleor refused to place an order or start a checkout (its mutation's errors,
    as one message)."""


# Saleor's Address model fields, as its GraphQL AddressInput names them (both lines).
_ADDRESS_INPUT = {
    "firstName": "first_name", "lastName": "last_name", "companyName": "company_name",
    "streetAddress1": "street_address_1", "streetAddress2": "street_address_2",
    "city": "city", "cityArea": "city_area", "postalCode": "postal_code",
    "countryArea": "country_area",
}


def address_input(address) -> Dict[str, str]:
    """A Saleor Address (or None) as AddressInput values."""
    if address is None:
        return {}
    values = {name: getattr(address, column) or "" for name, column in _ADDRESS_INPUT.items()}
    values["country"] = address.country.code
    values["phone"] = str(address.phone or "")
    return values
