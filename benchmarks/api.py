"""Saleor's served /graphql/ endpoint, called as the dashboard does: a JSON POST with
a staff JWT, through Django's full request stack (middleware, view, schema)."""
import itertools
import json
import time
from typing import Optional

from django.test import Client

from tests.line import saleor_shop


def fresh_builder_serials() -> None:
    """The test builders number their slugs, SKUs and e-mails from 1, which suits an
    empty test database; on a reused benchmark database those already exist."""
    saleor_shop._serial = itertools.count(int(time.time() * 1000))


class StaffAPI:
    def __init__(self, user, path: str = "/graphql/"):
        self.client = Client()
        self.path = path
        self.headers = saleor_shop.auth_header(user)

    def post(self, query: str, variables: Optional[dict] = None):
        """The raw response; callers time this and read it afterwards."""
        return self.client.post(
            self.path,
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **self.headers,
        )


def data_of(response, field: str) -> dict:
    """The mutation's or query's payload, or an error naming what came back."""
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL {field} failed ({response.status_code}): {body}")
    return body["data"][field]


def staff_manager():
    """A staff user with MANAGE_ORDERS, as the dashboard's order screens need."""
    return saleor_shop.staff(with_permission=True)
