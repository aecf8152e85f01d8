"""Saleor 2.10's settings with the plugin installed; point DJANGO_SETTINGS_MODULE here.

Hardened against what Saleor 2.10's own settings allow:

- SECRET_KEY must come from the environment. Staff JWTs are signed with it, so a
  known key lets anyone sign in as any staff member: there is no default, and the
  public development value earlier versions defaulted to is refused.

`make demo` and the tests set a secret of their own. The local database default
(loopback PostgreSQL) applies only where the environment does not set DATABASE_URL.
"""
import os

from django.core.exceptions import ImproperlyConfigured

# Secrets that have been published (in this repository's history and test settings):
# a token signed with one of them must never be accepted.
PUBLIC_SECRET_KEYS = frozenset({
    "saleor-attention-development-only",
    "saleor-attention-tests-only",
})


def _required_secret_key() -> str:
    secret = os.environ.get("SECRET_KEY", "").strip()
    if not secret:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. saleor_attention.saleor_v2.settings has no default "
            "secret: staff logins (JWTs) are signed with it. Set SECRET_KEY in the "
            "environment to a long random value, e.g. the output of: python -c "
            "\"import secrets; print(secrets.token_urlsafe(50))\" "
            "(`make demo` and `make test` set their own)."
        )
    if secret in PUBLIC_SECRET_KEYS:
        raise ImproperlyConfigured(
            f"SECRET_KEY is {secret!r}, a published development value: anyone could "
            "sign staff logins with it. Set SECRET_KEY to a long random value of your own."
        )
    return secret


os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention")
# Checked before Saleor's settings run: they would invent a random key with DEBUG on
# (every restart logging all staff out) and run without one otherwise.
SECRET_KEY = _required_secret_key()

from saleor.settings import *  # noqa: E402,F401,F403
from saleor.settings import INSTALLED_APPS, PLUGINS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "saleor_attention"]
PLUGINS = [*PLUGINS, "saleor_attention.saleor_v2.plugin.AttentionPlugin"]
ROOT_URLCONF = "saleor_attention.saleor_v2.urls"
