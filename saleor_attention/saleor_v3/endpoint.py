"""The plugin's own HTTP endpoint on Saleor 3, with no settings change:
/plugins/global/saleor_attention/graphql/ serves Saleor's schema extended with the
plugin's; /plugins/global/saleor_attention/inbound/ takes signed provider events."""
from django.http import HttpResponseNotFound
from saleor.graphql.api import backend
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.context import get_context_value
from saleor.graphql.views import GraphQLView

from ..http import inbound_view
from .schema import schema

GRAPHQL_PATH = "/graphql/"
INBOUND_PATH = "/inbound/"

_graphql_view = GraphQLView.as_view(backend=backend, schema=schema)


def serve(request, path):
    if path == INBOUND_PATH:
        return inbound_view(request)
    if path != GRAPHQL_PATH:
        return HttpResponseNotFound()
    # Saleor authenticates app tokens only for requests to its own /graphql/ path.
    get_context_value(request)
    request.app = get_app_promise(request).get()
    return _graphql_view(request)
