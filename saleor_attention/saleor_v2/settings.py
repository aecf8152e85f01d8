"""Saleor 2.10's settings with the plugin installed; point DJANGO_SETTINGS_MODULE here.

Hardened against what Saleor 2.10's own settings allow:

- SECRET_KEY must come from the environment. Staff JWTs are signed with it, so a
  known key lets anyone sign in as any staff member: there is no default, and the
  public development value earlier versions defaulted to is refused.
- Staff JWTs expire (Saleor 2.10 never checks): ATTENTION_JWT_LIFETIME_MINUTES
  (default 5, Saleor's own lifetime), renewable with `tokenRefresh` before they expire
  for ATTENTION_JWT_REFRESH_DAYS (default 7) after the login.

`make demo` and the tests set a secret of their own. The local database default
(loopback PostgreSQL) applies only where the environment does not set DATABASE_URL.
"""
import json
import os
from datetime import timedelta

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


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive whole number, not {raw!r}.")
    return value


os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention")
# Checked before Saleor's settings run: they would invent a random key with DEBUG on
# (every restart logging all staff out) and run without one otherwise.
SECRET_KEY = _required_secret_key()

from saleor.settings import *  # noqa: E402,F401,F403
from saleor.settings import GRAPHQL_JWT, INSTALLED_APPS, LOGGING, PLUGINS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "saleor_attention"]
PLUGINS = [*PLUGINS, "saleor_attention.saleor_v2.plugin.AttentionPlugin"]
ROOT_URLCONF = "saleor_attention.saleor_v2.urls"

from saleor_attention.saleor_v2.logs import with_expected_refusals  # noqa: E402
from saleor_attention.schedule import BEAT_SCHEDULE  # noqa: E402

# A request refused for its credentials (no permission, a bad or expired token) logs
# one WARNING line, not Saleor's ERROR with a traceback; other errors log as before.
LOGGING = with_expected_refusals(LOGGING)

# The plugin's periodic tasks (rules a crash left waiting, the metadata mirror), for
# `celery beat`; Saleor 2.10 schedules nothing of its own.
CELERY_BEAT_SCHEDULE = dict(BEAT_SCHEDULE)
# The broker's transport options (JSON), which Saleor 2.10 reads from nowhere: e.g. the
# folders of kombu's filesystem transport, the broker `make demo` and `make test` use
# when no Redis answers (devtools/services.py).
if os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS"):
    CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ["CELERY_BROKER_TRANSPORT_OPTIONS"])

# Minutes a staff JWT from tokenCreate/tokenRefresh is valid.
ATTENTION_JWT_LIFETIME_MINUTES = _positive_int("ATTENTION_JWT_LIFETIME_MINUTES", 5)
# Days after the login (tokenCreate) during which tokenRefresh renews a valid token.
ATTENTION_JWT_REFRESH_DAYS = _positive_int("ATTENTION_JWT_REFRESH_DAYS", 7)

GRAPHQL_JWT = {
    **GRAPHQL_JWT,
    # Saleor 2.10 leaves this off (JWT_VERIFY_EXPIRATION env var, default False), so a
    # token, once issued, opened the API for ever.
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(minutes=ATTENTION_JWT_LIFETIME_MINUTES),
    "JWT_ALLOW_REFRESH": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=ATTENTION_JWT_REFRESH_DAYS),
}
