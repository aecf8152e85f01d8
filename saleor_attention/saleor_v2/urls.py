"""Saleor's URLs, with /graphql/ serving the extended schema."""
from django.conf.urls import url
from django.views.decorators.csrf import csrf_exempt
from saleor.graphql.views import GraphQLView
from saleor.urls import urlpatterns as saleor_urlpatterns

from ..http import inbound_view
from .schema import schema

urlpatterns = [
    url(r"^graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="api"),
    # The same path Saleor 3 gives the plugin's own endpoint.
    url(r"^plugins/global/saleor_attention/inbound/$", inbound_view, name="attention-inbound"),
    *[pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"],
]
