"""Staff logins (JWTs) on Saleor 2.10 with the plugin's settings: only tokens signed
with the shop's own secret and not expired open the API; tokenRefresh renews them."""
import json
from calendar import timegm
from datetime import datetime, timedelta

import graphene
import jwt
import pytest
from django.conf import settings
from django.test import Client
from graphql_jwt.settings import jwt_settings

ME = "{ me { email } }"
TOKEN_CREATE = """
mutation Login($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token accountErrors { code } }
}
"""
TOKEN_REFRESH = "mutation Refresh($token: String!) { tokenRefresh(token: $token) { token } }"


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


def login(user):
    token = post(TOKEN_CREATE, {"email": user.email, "password": "password"})["data"][
        "tokenCreate"
    ]["token"]
    assert token
    return token


def test_token_signed_with_the_published_development_secret_is_refused(admin):
    forged = sign(
        payload_for(admin, datetime.utcnow() - timedelta(days=400)),
        "saleor-attention-development-only",
    )

    answer = post(ME, token=forged)

    assert answer["data"]["me"] is None
    assert admin.email not in json.dumps(answer)


def test_expired_staff_token_is_refused(admin):
    issued = datetime.utcnow() - timedelta(minutes=6)
    expired = sign(payload_for(admin, issued), settings.SECRET_KEY)

    answer = post(ME, token=expired)

    assert answer["data"]["me"] is None
    assert answer["errors"][0]["message"] == "Signature has expired"


def test_staff_token_from_token_create_lasts_the_configured_lifetime(admin):
    token = login(admin)

    payload = jwt.decode(token, verify=False)
    assert payload["exp"] - payload["origIat"] == settings.ATTENTION_JWT_LIFETIME_MINUTES * 60
    assert post(ME, token=token)["data"]["me"] == {"email": admin.email}


def test_staff_token_refreshed_with_token_refresh_keeps_working(admin):
    token = login(admin)

    refreshed = post(TOKEN_REFRESH, {"token": token})["data"]["tokenRefresh"]["token"]

    assert refreshed
    assert jwt.decode(refreshed, verify=False)["origIat"] == jwt.decode(token, verify=False)[
        "origIat"
    ]
    assert post(ME, token=refreshed)["data"]["me"] == {"email": admin.email}


def test_token_refresh_ends_after_the_refresh_window(admin):
    """A token kept alive by tokenRefresh still needs a new login after
    ATTENTION_JWT_REFRESH_DAYS."""
    logged_in = datetime.utcnow() - jwt_settings.JWT_REFRESH_EXPIRATION_DELTA - timedelta(hours=1)
    payload = payload_for(admin, logged_in)
    payload["exp"] = datetime.utcnow() + timedelta(minutes=1)  # still valid itself
    token = sign(payload, settings.SECRET_KEY)

    answer = post(TOKEN_REFRESH, {"token": token})

    assert answer["data"]["tokenRefresh"] is None
    assert answer["errors"][0]["message"] == "Refresh has expired"
