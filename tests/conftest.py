import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory

from saleor_attention.line import LINE
from tests.line import saleor_shop

# Tests of what only one Saleor line has live in its folder; the other line skips
# collecting them (nothing there could run).
collect_ignore_glob = [
    f"{line}/test_*.py" for line in ("saleor_v2", "saleor_v3") if line != LINE
]


@pytest.fixture(autouse=True)
def planning_reads_anew():
    """Each test's own flags decide whether a reason is rare or a pair of characters
    common (queue.py reuses what decides them for a minute)."""
    from saleor_attention import queue

    queue.forget_planning_reads()


@pytest.fixture
def shop(db):
    """Builders for real Saleor objects on the Saleor line under test."""
    return saleor_shop


class GraphQL:
    """Posts to the served /graphql/ endpoint, as the dashboard and apps do."""

    def __init__(self, path=saleor_shop.PLUGIN_API_PATHS[0]):
        self.client = Client()
        self.path = path

    def __call__(self, query, variables=None, as_=None):
        body, headers = self._body(query, variables, as_)
        return self.client.post(self.path, body, **headers).json()

    def served(self, query, variables=None, as_=None):
        """As a WSGI server serves a request: Django's handler answers, the answer is
        read (sent), and the response is left open for the test to close, as the
        server does once it has sent it. The answer and the response."""
        body, headers = self._body(query, variables, as_)
        request = RequestFactory().post(self.path, body, **headers)
        response = WSGIHandler()(request.environ, lambda status, headers: None)
        return json.loads(b"".join(response)), response

    @staticmethod
    def _body(query, variables, as_):
        headers = {"content_type": "application/json", **saleor_shop.auth_header(as_)}
        return json.dumps({"query": query, "variables": variables or {}}), headers


@pytest.fixture
def gql(db):
    return GraphQL()


@pytest.fixture
def manager(shop):
    return shop.staff(with_permission=True)


@pytest.fixture
def order(shop):
    return shop.order()



@pytest.fixture
def configure(gql, shop):
    """Change the plugin's settings through Saleor's own pluginUpdate mutation."""
    superuser = shop.superuser()

    def update(active=None, **values):
        return shop.configure_plugin(gql, superuser, active=active, values=values)

    return update
