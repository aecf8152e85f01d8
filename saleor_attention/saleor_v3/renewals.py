"""Renewal orders on Saleor 3, placed by Saleor's own draftOrderCreate and
draftOrderComplete in the contract's channel (its prices, taxes, stock allocation,
events and order-created hooks), sent in-process by the plugin's renewal app with
Saleor's MANAGE_ORDERS."""
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
from ..contracts.terms import OrderTerms, Renewal, RenewalRefused, address_input

ERRORS = "errors"
PLACE, COMPLETE = drafts.place_document(ERRORS), drafts.complete_document(ERRORS)


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
        raise RenewalRefused(f"No such channel: {renewal.terms.channel}")
    app = _renewal_app()
    values = drafts.draft_input(renewal, graphene.Node.to_global_id("Channel", channel.pk))
    draft = _mutate(PLACE, {"input": values}, app, "draftOrderCreate")
    order_pk = uuid.UUID(graphene.Node.from_global_id(draft["id"])[1])
    renewal.before_placing(order_pk)
    _mutate(COMPLETE, {"id": draft["id"]}, app, "draftOrderComplete")
    return Order.objects.get(pk=order_pk)


def _mutate(document: str, variables: dict, app: App, name: str) -> dict:
    """One of Saleor's mutations through its GraphQL view, as `app` (Saleor 3 reads
    the caller from request.app when it is set)."""
    request = RequestFactory().post(
        API_PATH, json.dumps({"query": document, "variables": variables}),
        content_type="application/json", HTTP_HOST=drafts.allowed_host(),
    )
    request.app = app
    return drafts.answered_order(json.loads(_graphql_view()(request).content), name, ERRORS)


@functools.lru_cache(maxsize=None)
def _graphql_view():
    return GraphQLView.as_view(backend=backend, schema=schema)


def _renewal_app() -> App:
    return drafts.renewal_app(
        App, lambda: Permission.objects.filter(codename=OrderPermissions.MANAGE_ORDERS.codename)
    )
