"""Renewal orders on Saleor 3, placed by Saleor's own draftOrderCreate and
draftOrderComplete in the contract's channel (its prices, taxes, stock allocation,
events and order-created hooks), sent in-process by the plugin's renewal app with
Saleor's MANAGE_ORDERS; and a customer's reorder, a checkout Saleor's checkoutCreate
starts for them in the contract's channel."""
from __future__ import annotations

import functools
import json
import uuid

import graphene
from django.test import RequestFactory  # the request Saleor's GraphQL view reads
from saleor.app.models import App
from saleor.channel.models import Channel
from saleor.graphql.api import backend, schema
from saleor.graphql.views import API_PATH, GraphQLView
from saleor.order.models import Order
from saleor.permission.enums import OrderPermissions
from saleor.permission.models import Permission

from ..contracts import drafts
from ..contracts.terms import OrderTerms, Renewal, SaleorRefused, address_input

ERRORS = "errors"
PLACE, COMPLETE = drafts.place_document(ERRORS), drafts.complete_document(ERRORS)
CHECKOUT = drafts.checkout_document(ERRORS)


def order_terms(order: Order) -> OrderTerms:
    return OrderTerms(
        user=order.user, user_email=order.user_email,
        lines=[
            (line.variant_id, line.product_sku or "", line.quantity)
            for line in order.lines.all() if line.variant_id is not None
        ],
        shipping_address=address_input(order.shipping_address),
        billing_address=address_input(order.billing_address),
        shipping_method=str(order.shipping_method_id or ""), channel=order.channel.slug,
    )


def place_renewal_order(renewal: Renewal) -> Order:
    channel = Channel.objects.filter(slug=renewal.terms.channel).first()
    if channel is None:
        raise SaleorRefused(f"No such channel: {renewal.terms.channel}")
    app = _renewal_app()
    values = drafts.draft_input(renewal, graphene.Node.to_global_id("Channel", channel.pk))
    draft = drafts.answered(_execute(PLACE, {"input": values}, app=app), "draftOrderCreate", ERRORS)
    order_pk = uuid.UUID(graphene.Node.from_global_id(draft["id"])[1])
    renewal.before_placing(order_pk)
    drafts.answered(_execute(COMPLETE, {"id": draft["id"]}, app=app), "draftOrderComplete", ERRORS)
    return Order.objects.get(pk=order_pk)


def start_checkout(terms: OrderTerms, user) -> str:
    answer = _execute(CHECKOUT, {"input": drafts.checkout_input(terms, terms.channel)}, user=user)
    return str(drafts.answered(answer, "checkoutCreate", ERRORS, "checkout")["token"])


def _execute(document: str, variables: dict, app: App = None, user=None) -> dict:
    """One of Saleor's mutations through its GraphQL view, as `app` (Saleor 3 reads
    the caller from request.app when it is set) or as `user` (the user its
    authentication would have found)."""
    request = RequestFactory().post(
        API_PATH, json.dumps({"query": document, "variables": variables}),
        content_type="application/json", HTTP_HOST=drafts.allowed_host(),
    )
    if app is not None:
        request.app = app
    else:
        request._cached_user = user
    return json.loads(_graphql_view()(request).content)


@functools.lru_cache(maxsize=None)
def _graphql_view():
    return GraphQLView.as_view(backend=backend, schema=schema)


def _renewal_app() -> App:
    return drafts.renewal_app(
        App, lambda: Permission.objects.filter(codename=OrderPermissions.MANAGE_ORDERS.codename)
    )
