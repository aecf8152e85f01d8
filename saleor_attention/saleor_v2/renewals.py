"""Renewal orders on Saleor 2.10, placed by Saleor's own draftOrderCreate and
draftOrderComplete (its prices, stock allocation, events and order-created hooks),
sent in-process by the plugin's renewal app with Saleor's MANAGE_ORDERS."""
from __future__ import annotations

import functools
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
# Builds the WSGI request Saleor's GraphQL view reads (nothing of the test client).
from django.test import RequestFactory
from django.utils.module_loading import import_string
from graphql_relay import from_global_id, to_global_id
from saleor.app.models import App
from saleor.core.permissions import OrderPermissions, get_permissions
from saleor.graphql.api import schema
from saleor.graphql.views import API_PATH, GraphQLView
from saleor.order.models import Order

from ..contracts.terms import OrderTerms, Renewal, RenewalRefused, address_input

RENEWAL_APP_NAME = "Subscription renewals (saleor-attention)"

PLACE = """
mutation PlaceRenewal($input: DraftOrderCreateInput!) {
  draftOrderCreate(input: $input) { order { id } orderErrors { field code message } }
}"""
COMPLETE = """
mutation CompleteRenewal($id: ID!) {
  draftOrderComplete(id: $id) { order { id } orderErrors { field code message } }
}"""

# Saleor's request middleware its GraphQL view relies on (discounts, country, currency,
# site, plugins); Django's own (hosts, security headers) guards requests from outside.
_SALEOR_MIDDLEWARE = [path for path in settings.MIDDLEWARE if path.startswith("saleor.")]


def order_terms(order: Order) -> OrderTerms:
    return OrderTerms(
        user=order.user, user_email=order.user_email,
        lines=[
            (line.variant_id, line.product_sku, line.quantity)
            for line in order.lines.all() if line.variant_id is not None
        ],
        shipping_address=address_input(order.shipping_address),
        billing_address=address_input(order.billing_address),
        shipping_method=str(order.shipping_method_id or ""), channel="",
    )


def place_renewal_order(renewal: Renewal) -> Order:
    terms, app = renewal.terms, _renewal_app()
    values = {
        "userEmail": terms.user_email,
        "lines": [
            {"variantId": to_global_id("ProductVariant", variant), "quantity": quantity}
            for variant, _sku, quantity in terms.lines
        ],
        "shippingAddress": terms.shipping_address or None,
        "billingAddress": terms.billing_address or None,
        "customerNote": renewal.note or "",
    }
    if terms.user is not None:
        values["user"] = to_global_id("User", terms.user.pk)
    if terms.shipping_method:
        values["shippingMethod"] = to_global_id("ShippingMethod", terms.shipping_method)
    draft = _mutate(PLACE, {"input": values}, app, "draftOrderCreate")
    order_pk = int(from_global_id(draft["id"])[1])
    renewal.before_placing(order_pk)
    _mutate(COMPLETE, {"id": draft["id"]}, app, "draftOrderComplete")
    return Order.objects.get(pk=order_pk)


def _mutate(document: str, variables: dict, app: App, name: str) -> dict:
    """One of Saleor's mutations through its GraphQL view, as `app`: the order it
    answers, or RenewalRefused with its errors."""
    request = RequestFactory().post(
        API_PATH, json.dumps({"query": document, "variables": variables}),
        content_type="application/json", HTTP_HOST=_allowed_host(),
    )
    request.user, request.app = AnonymousUser(), app
    answer = json.loads(_graphql_view()(request).content)
    result = (answer.get("data") or {}).get(name) or {}
    problems = [
        f"{error['field']}: {error['message']}" if error.get("field") else error["message"]
        for error in result.get("orderErrors") or []
    ] + [error["message"] for error in answer.get("errors") or []]
    if problems or not result.get("order"):
        raise RenewalRefused("; ".join(problems) or "Saleor placed no order.")
    return result["order"]


def _allowed_host() -> str:
    """A host Django accepts (ALLOWED_HOSTS) as the request's, which Saleor reads."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


@functools.lru_cache(maxsize=None)
def _graphql_view():
    """Saleor's GraphQL view inside its request middleware, built once, as Django
    builds its chain (a middleware that says it is not used is left out)."""
    handler = GraphQLView.as_view(schema=schema)
    for path in reversed(_SALEOR_MIDDLEWARE):
        try:
            handler = import_string(path)(handler)
        except MiddlewareNotUsed:
            pass
    return handler


def _renewal_app() -> App:
    """The app renewals are placed by, made the first time with MANAGE_ORDERS (staff
    who deactivate it in the dashboard stop renewals: each is recorded as refused).
    Saleor's app names are not unique: two first runs at once make it once, under a
    lock taken only while there is none."""
    app = App.objects.filter(name=RENEWAL_APP_NAME).order_by("pk").first()
    if app is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [RENEWAL_APP_NAME])
        app = App.objects.filter(name=RENEWAL_APP_NAME).order_by("pk").first()
    if app is None:
        app = App.objects.create(name=RENEWAL_APP_NAME)
        app.permissions.add(*get_permissions([OrderPermissions.MANAGE_ORDERS.value]))
    return app
