import json

import pytest
from django.test import Client

from saleor_attention.adapter import LINE

if LINE == "saleor_v2":
    from tests.saleor_v2 import shop as saleor_shop
else:  # pragma: no cover - run by hand against a Saleor 3 environment
    from tests.saleor_v3 import shop as saleor_shop


@pytest.fixture
def shop(db):
    """Builders for real Saleor objects on the Saleor line under test."""
    return saleor_shop


class GraphQL:
    """Posts to the served /graphql/ endpoint, as the dashboard and apps do."""

    def __init__(self, path="/graphql/"):
        self.client = Client()
        self.path = path

    def __call__(self, query, variables=None, as_=None):
        response = self.client.post(
            self.path,
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **saleor_shop.auth_header(as_),
        )
        return response.json()


@pytest.fixture
def gql(db):
    return GraphQL()


@pytest.fixture
def manager(shop):
    return shop.staff(with_permission=True)


@pytest.fixture
def order(shop):
    return shop.order()


PLUGIN_UPDATE = """
mutation Configure($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor_attention", input: $input) {
    pluginsErrors { field code message }
  }
}
"""

# Read back separately: Saleor 2.10's pluginUpdate payload resolves the
# configuration by database id and returns null for it.

PLUGIN = """
{ plugin(id: "saleor_attention") { active configuration { name value } } }
"""


@pytest.fixture
def configure(gql, shop):
    """Change the plugin's settings through Saleor's own pluginUpdate mutation."""
    superuser = shop.staff()
    superuser.is_superuser = True
    superuser.save()

    def update(active=None, **values):
        payload = {"configuration": [{"name": k, "value": v} for k, v in values.items()]}
        if active is not None:
            payload["active"] = active
        result = gql(PLUGIN_UPDATE, {"input": payload}, as_=superuser)["data"]["pluginUpdate"]
        result["plugin"] = gql(PLUGIN, as_=superuser)["data"]["plugin"]
        return result

    return update
