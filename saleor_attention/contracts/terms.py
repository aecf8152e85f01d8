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


@dataclass(frozen=True)
class ChargeResult:
    """What a Saleor line's payment path answered to one automatic charge."""

    charged: bool
    # Asked of a payment app whose answer comes later (neither charged nor declined).
    requested: bool = False
    gateway: str = ""
    message: str = ""  # the gateway's message (a decline's reason)
    reference: str = ""  # the payment's reference (Saleor's payment token, a PSP's)


# Saleor's payment gateway plugins (authorize + capture), on both lines.
GATEWAY = "gateway"
# A payment app through Saleor 3's Transaction API (the app's result arrives later).
TRANSACTION = "transaction"
PATHS = (GATEWAY, TRANSACTION)


@dataclass(frozen=True)
class PaymentMethod:
    path: str
    gateway: str  # the gateway plugin's id, or the payment app's identifier
    token: str  # the stored payment source the gateway charges

    def __str__(self) -> str:
        return f"{self.path}:{self.gateway}:{self.token}"

    @classmethod
    def parse(cls, text: str) -> Optional["PaymentMethod"]:
        """The method a contract's payment method names (contracts.payment_methods);
        None when it names none."""
        path, _, rest = (text or "").partition(":")
        gateway, _, token = rest.partition(":")
        if path not in PATHS or not gateway or not token:
            return None
        return cls(path, gateway, token)
