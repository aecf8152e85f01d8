"""Renewal orders on Saleor 2.10, placed by Saleor's own draftOrderCreate and
draftOrderComplete (its prices, stock allocation, events and order-created hooks),
sent in-process by the plugin's renewal app with Saleor's MANAGE_ORDERS; and a
customer's reorder, a checkout Saleor's checkoutCreate starts for them."""
from __future__ import annotations

import functools
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
# Builds the WSGI request Saleor's GraphQL view reads (nothing of the test client).
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django_countries.fields import Country
import graphene
from saleor.app.models import App
from saleor.core.permissions import OrderPermissions, get_permissions
from saleor.graphql.api import schema
from saleor.graphql.views import API_PATH, GraphQLView
from saleor.order.models import Order

from ..contracts import drafts
from ..contracts.terms import OrderTerms, Renewal, address_input

ERRORS = "orderErrors"  # 2.10's typed errors of order mutations
PLACE, COMPLETE = drafts.place_document(ERRORS), drafts.complete_document(ERRORS)
CHECKOUT = drafts.checkout_document("checkoutErrors")

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
    app = _renewal_app()
    values = drafts.draft_input(renewal)
    draft = drafts.answered(_execute(PLACE, {"input": values}, app=app), "draftOrderCreate", ERRORS)
    order_pk = int(graphene.Node.from_global_id(draft["id"])[1])
    renewal.before_placing(order_pk)
    drafts.answered(_execute(COMPLETE, {"id": draft["id"]}, app=app), "draftOrderComplete", ERRORS)
    return Order.objects.get(pk=order_pk)


def start_checkout(terms: OrderTerms, user) -> str:
    country = terms.shipping_address.get("country") or settings.DEFAULT_COUNTRY
    answer = _execute(CHECKOUT, {"input": drafts.checkout_input(terms)}, user=user, country=country)
    return str(drafts.answered(answer, "checkoutCreate", "checkoutErrors", "checkout")["token"])


def _execute(document: str, variables: dict, app: App = None, user=None,
             country: str = "") -> dict:
    """One of Saleor's mutations through its GraphQL view, as `app` or `user`, from
    `country` (Saleor 2.10 checks a checkout's stock by the country it locates the
    request in; with no client address it keeps the one given)."""
    request = RequestFactory().post(
        API_PATH, json.dumps({"query": document, "variables": variables}),
        content_type="application/json", HTTP_HOST=drafts.allowed_host(), REMOTE_ADDR="",
    )
    request.user, request.app = user or AnonymousUser(), app
    request.country = Country(country or settings.DEFAULT_COUNTRY)
    return json.loads(_graphql_view()(request).content)


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
    return drafts.renewal_app(
        App, lambda: get_permissions([OrderPermissions.MANAGE_ORDERS.value])
    )
