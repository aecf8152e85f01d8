"""Staff logins (JWTs) on Saleor 2.10 with the plugin's settings: only tokens signed
with the shop's own secret open the API."""
import json
from calendar import timegm
from datetime import datetime, timedelta

import graphene
import jwt
import pytest
from django.test import Client

ME = "{ me { email } }"


def post(query, variables=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
    response = Client().post(
        "/graphql/", json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json", **headers,
    )
    return response.json()


def payload_for(user, issued):
    """What Saleor 2.10's tokenCreate signs (saleor.graphql.utils.create_jwt_payload)."""
    return {
        "email": user.email,
        "exp": issued + timedelta(minutes=5),
        "origIat": timegm(issued.utctimetuple()),
        "user_id": graphene.Node.to_global_id("User", user.pk),
        "is_staff": True,
        "is_superuser": True,
    }


def sign(payload, secret):
    return jwt.encode(payload, secret, "HS256").decode()


@pytest.fixture
def admin(shop):
    return shop.superuser()


def test_token_signed_with_the_published_development_secret_is_refused(admin):
    forged = sign(
        payload_for(admin, datetime.utcnow() - timedelta(days=400)),
        "saleor-attention-development-only",
    )

    answer = post(ME, token=forged)

    assert answer["data"]["me"] is None
    assert admin.email not in json.dumps(answer)
