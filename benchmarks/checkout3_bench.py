"""checkoutComplete on Saleor 3, as a shopper's storefront calls it.

The shop (channel, Japanese shipping zone and warehouse, one stocked product) is built
once from Saleor's models. Each checkout is then made through the public API as an
anonymous shopper does it (checkoutCreate with addresses, checkoutDeliveryMethodUpdate,
checkoutPaymentCreate with Saleor's dummy gateway); only checkoutComplete is timed.
"""
import json
from decimal import Decimal
from typing import List, Optional

from django.db import transaction
from django.test import Client
from django.utils import timezone

CURRENCY = "USD"  # one the dummy gateway supports by default
GATEWAY = "mirumee.payments.dummy"
PRICE = Decimal("1200.00")

ADDRESS = {
    "firstName": "Taro", "lastName": "Yamada", "streetAddress1": "1-1 Chiyoda",
    "city": "Chiyoda-ku", "postalCode": "100-0001", "country": "JP",
    "countryArea": "Tokyo", "phone": "+81312345678",
}

CHECKOUT_CREATE = """
mutation ($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id shippingMethods { id name } }
    errors { field code message }
  }
}
"""

DELIVERY = """
mutation ($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { id totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}
"""

PAYMENT = """
mutation ($id: ID!, $input: PaymentInput!) {
  checkoutPaymentCreate(id: $id, input: $input) {
    payment { id chargeStatus }
    errors { field code message }
  }
}
"""

COMPLETE = """
mutation ($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number status paymentStatus total { gross { amount currency } } }
    confirmationNeeded
    errors { field code message }
  }
}
"""


class StorefrontAPI:
    """/graphql/ through Django's whole request stack, with no Authorization header."""

    def __init__(self, path: str = "/graphql/"):
        self.client = Client()
        self.path = path

    def post(self, query: str, variables: Optional[dict] = None):
        return self.client.post(
            self.path, json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )

    def payload(self, query: str, variables: dict, field: str) -> dict:
        response = self.post(query, variables)
        body = response.json()
        data = (body.get("data") or {}).get(field)
        if response.status_code != 200 or body.get("errors") or not data or data["errors"]:
            raise RuntimeError(f"{field} failed ({response.status_code}): {body}")
        return data


def ensure_shop(name: str = "bench3"):
    """The channel, shipping zone, warehouse and product; made on the first run only
    (one set per name, so two runs at once never queue on the same stock row).
    Returns the channel's slug and the variant's global id."""
    channel_slug, sku = f"{name}-checkout", f"{name}-TEA".upper()
    from saleor.channel.models import Channel
    from saleor.product.models import ProductVariant
    from saleor.tax.models import TaxConfiguration
    from saleor.warehouse.models import Stock

    with transaction.atomic():
        channel, created = Channel.objects.get_or_create(
            slug=channel_slug,
            defaults={
                "name": f"Bench checkout {name} (JP)", "currency_code": CURRENCY,
                "default_country": "JP", "is_active": True,
            },
        )
        if created:
            TaxConfiguration.objects.create(channel=channel)  # as channelCreate does
        if not ProductVariant.objects.filter(sku=sku).exists():
            _build_catalogue(channel, name, sku)
    variant = ProductVariant.objects.get(sku=sku)
    # Every run starts with plenty of stock, whatever earlier runs sold.
    Stock.objects.filter(product_variant=variant).update(quantity=10_000_000)
    return channel_slug, _global_id(variant)


def _build_catalogue(channel, name: str, sku: str) -> None:
    from prices import Money
    from saleor.account.models import Address
    from saleor.product import ProductTypeKind
    from saleor.product.models import (
        Category, Product, ProductChannelListing, ProductType, ProductVariant,
        ProductVariantChannelListing,
    )
    from saleor.shipping import ShippingMethodType
    from saleor.shipping.models import (
        ShippingMethod, ShippingMethodChannelListing, ShippingZone,
    )
    from saleor.warehouse.models import Stock, Warehouse

    zone = ShippingZone.objects.create(name=f"Bench Japan {name}", countries=["JP"])
    zone.channels.add(channel)
    method = ShippingMethod.objects.create(
        name="Yamato", type=ShippingMethodType.PRICE_BASED, shipping_zone=zone
    )
    ShippingMethodChannelListing.objects.create(
        shipping_method=method, channel=channel, currency=CURRENCY,
        price=Money(Decimal("800"), CURRENCY), minimum_order_price=Money(0, CURRENCY),
    )
    warehouse = Warehouse.objects.create(
        name=f"Bench Tokyo {name}", slug=f"{name}-tokyo", email="warehouse@example.com",
        address=Address.objects.create(
            company_name="Bench warehouse", street_address_1="1-1 Chiyoda",
            city="CHIYODA-KU", postal_code="100-0001", country="JP", country_area="TOKYO",
        ),
    )
    warehouse.shipping_zones.add(zone)
    warehouse.channels.add(channel)
    product_type, _ = ProductType.objects.get_or_create(
        slug="bench3-tea",
        defaults={"name": "Bench tea", "kind": ProductTypeKind.NORMAL,
                  "has_variants": False, "is_shipping_required": True},
    )
    category, _ = Category.objects.get_or_create(slug="bench3-tea", defaults={"name": "Bench tea"})
    product = Product.objects.create(
        product_type=product_type, category=category, name=f"Sencha {name}", slug=f"{name}-sencha",
    )
    ProductChannelListing.objects.create(
        product=product, channel=channel, currency=CURRENCY, is_published=True,
        visible_in_listings=True, available_for_purchase_at=timezone.now(),
    )
    variant = ProductVariant.objects.create(product=product, sku=sku, name="100 g")
    price = Money(PRICE, CURRENCY)
    ProductVariantChannelListing.objects.create(
        variant=variant, channel=channel, currency=CURRENCY, price=price,
        discounted_price=price,
    )
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=0)


def _global_id(variant) -> str:
    import graphene

    return graphene.Node.to_global_id("ProductVariant", variant.pk)


def prepare_checkout(api: StorefrontAPI, channel: str, variant_id: str, serial: int) -> str:
    """A checkout ready to complete: lines, addresses, delivery, a payment covering it."""
    created = api.payload(CHECKOUT_CREATE, {"input": {
        "channel": channel, "email": f"shopper{serial}@example.com",
        "lines": [{"variantId": variant_id, "quantity": 2}],
        "shippingAddress": ADDRESS, "billingAddress": ADDRESS,
    }}, "checkoutCreate")["checkout"]
    if not created["shippingMethods"]:
        raise RuntimeError(f"checkout {created['id']} has no shipping method")
    delivered = api.payload(
        DELIVERY, {"id": created["id"], "method": created["shippingMethods"][0]["id"]},
        "checkoutDeliveryMethodUpdate",
    )["checkout"]
    total = delivered["totalPrice"]["gross"]["amount"]
    api.payload(PAYMENT, {"id": created["id"], "input": {
        "gateway": GATEWAY, "token": f"bench-{serial}", "amount": total,
    }}, "checkoutPaymentCreate")
    return created["id"]


def prepare_checkouts(
    api: StorefrontAPI, channel: str, variant_id: str, count: int, first_serial: int
) -> List[str]:
    return [prepare_checkout(api, channel, variant_id, first_serial + i) for i in range(count)]


def check_completed(response) -> None:
    body = response.json()
    data = (body.get("data") or {}).get("checkoutComplete")
    if response.status_code != 200 or body.get("errors") or not data or data["errors"] \
            or not data["order"]:
        raise RuntimeError(f"checkoutComplete did not place an order: {body}")
