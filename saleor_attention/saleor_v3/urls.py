"""Opt-in: Saleor 3's URLs with /graphql/ serving the extended schema, so the plugin's
fields sit in Saleor's main API, and the inbound endpoint served by the plugin itself.
Set ROOT_URLCONF to this module to use it."""
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from saleor.graphql.api import backend
from saleor.graphql.views import GraphQLView
from saleor.urls import urlpatterns as saleor_urlpatterns

from ..http import inbound_view
from .schema import schema

urlpatterns = [
    re_path(
        r"^graphql/$",
        csrf_exempt(GraphQLView.as_view(backend=backend, schema=schema)),
        name="api",
    ),
    # Ahead of Saleor's plugin routing, which answers 404 while the plugin is off:
    # here a signed event then gets 503 with Retry-After, so the provider redelivers.
    re_path(
        r"^plugins/global/saleor_attention/inbound/$", inbound_view, name="attention-inbound"
    ),
    *[pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"],
]
