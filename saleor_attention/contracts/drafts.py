"""A renewal as Saleor's draftOrderCreate input, a reorder as its checkoutCreate
input, and Saleor's answers read back: the GraphQL both Saleor lines' adapters send
(3.x adds the channel). No Saleor imports."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import graphene
from django.conf import settings
from django.db import connection

from .terms import OrderTerms, Renewal, SaleorRefused

ORDER_FIELDS = "order { id } %s { field code message }"
CHECKOUT_FIELDS = "checkout { token } %s { field code message }"
RENEWAL_APP_NAME = "Subscription renewals (saleor-attention)"


def place_document(errors_field: str) -> str:
    return """
    mutation PlaceRenewal($input: DraftOrderCreateInput!) {
      draftOrderCreate(input: $input) { %s }
    }""" % (ORDER_FIELDS % errors_field)


def complete_document(errors_field: str) -> str:
    return """
    mutation CompleteRenewal($id: ID!) {
      draftOrderComplete(id: $id) { %s }
    }""" % (ORDER_FIELDS % errors_field)


def checkout_document(errors_field: str) -> str:
    return """
    mutation Reorder($input: CheckoutCreateInput!) {
      checkoutCreate(input: $input) { %s }
    }""" % (CHECKOUT_FIELDS % errors_field)


def checkout_input(terms: OrderTerms, channel: Optional[str] = None) -> dict:
    """The contract's items and addresses as a new checkout of its customer."""
    values = {
        "email": terms.user_email, "lines": _lines(terms),
        "shippingAddress": terms.shipping_address or None,
        "billingAddress": terms.billing_address or None,
    }
    if channel is not None:
        values["channel"] = channel
    return values


def _lines(terms: OrderTerms) -> list:
    return [
        {"variantId": graphene.Node.to_global_id("ProductVariant", variant), "quantity": quantity}
        for variant, _sku, quantity in terms.lines
    ]


def draft_input(renewal: Renewal, channel_id: Optional[str] = None) -> dict:
    terms = renewal.terms
    values = {
        "userEmail": terms.user_email, "lines": _lines(terms),
        "shippingAddress": terms.shipping_address or None,
        "billingAddress": terms.billing_address or None,
        "customerNote": renewal.note or "",
    }
    if terms.user is not None:
        values["user"] = graphene.Node.to_global_id("User", terms.user.pk)
    if terms.shipping_method:
        values["shippingMethod"] = graphene.Node.to_global_id("ShippingMethod", terms.shipping_method)
    if channel_id is not None:
        values["channelId"] = channel_id
    return values


def answered(answer: dict, name: str, errors_field: str, key: str = "order") -> dict:
    """What a mutation's answer holds under `key` (its order, its checkout), or
    SaleorRefused with its errors."""
    result = (answer.get("data") or {}).get(name) or {}
    problems = [
        f"{error['field']}: {error['message']}" if error.get("field") else error["message"]
        for error in result.get(errors_field) or []
    ] + [error["message"] for error in answer.get("errors") or []]
    if problems or not result.get(key):
        raise SaleorRefused("; ".join(problems) or f"Saleor answered no {key}.")
    return result[key]


def allowed_host() -> str:
    """A host Django accepts (ALLOWED_HOSTS) as the in-process request's: Saleor reads
    it, and refuses one it does not allow."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


def renewal_app(app_model, manage_orders: Callable[[], Iterable]):
    """The Saleor App renewals are placed by, made the first time with MANAGE_ORDERS
    (staff who deactivate it in the dashboard stop renewals: each is recorded as
    refused). Saleor's app names are not unique: two first runs at once make it once,
    under a lock taken only while there is none."""
    apps = app_model.objects.filter(name=RENEWAL_APP_NAME).order_by("pk")
    app = apps.first()
    if app is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [RENEWAL_APP_NAME])
        app = apps.first()
    if app is None:
        app = app_model.objects.create(name=RENEWAL_APP_NAME)
        app.permissions.add(*manage_orders())
    return app
