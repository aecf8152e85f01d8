"""Opt-in: Saleor 3's URLs with /graphql/ serving the extended schema, so the plugin's
fields sit in Saleor's main API. Set ROOT_URLCONF to this module to use it."""
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from saleor.graphql.api import backend
from saleor.graphql.views import GraphQLView
from saleor.urls import urlpatterns as saleor_urlpatterns

from .schema import schema

urlpatterns = [
    re_path(
        r"^graphql/$",
        csrf_exempt(GraphQLView.as_view(backend=backend, schema=schema)),
        name="api",
    ),
    *[pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"],
]
