"""Saleor's URLs, with /graphql/ serving the extended schema."""
from django.conf.urls import url
from django.views.decorators.csrf import csrf_exempt
from saleor.graphql.views import GraphQLView
from saleor.urls import urlpatterns as saleor_urlpatterns

from .schema import schema

urlpatterns = [
    url(r"^graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="api"),
    *[pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"],
]
