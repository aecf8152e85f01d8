"""Saleor 3.23's test settings with the plugin installed; point DJANGO_SETTINGS_MODULE
here to run this repository's tests on Saleor 3.

Local defaults (loopback PostgreSQL, a development secret) apply only where the
environment does not set them.
"""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention3")
# Saleor's test settings set their own key, but only after the base settings warn
# that none is configured.
os.environ.setdefault("SECRET_KEY", "saleor-attention-tests-only")

from saleor.tests.settings import *  # noqa: E402,F401,F403
from saleor.tests.settings import (  # noqa: E402
    DATABASE_CONNECTION_DEFAULT_NAME, DATABASE_CONNECTION_REPLICA_NAME, DATABASES,
    INSTALLED_APPS, PLUGINS,
)

# Saleor reads through a "replica" alias. Only "default" is switched to the test
# database, and threads (tests/test_race.py) open their own replica connection: it
# must reach the test database too, so both aliases share one settings dict.
DATABASES[DATABASE_CONNECTION_REPLICA_NAME] = DATABASES[DATABASE_CONNECTION_DEFAULT_NAME]

if "saleor_attention" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "saleor_attention"]
# Automatic charges: Saleor's dummy credit card gateway (active per channel, as
# tests/saleor_v3/shop.py makes each channel) and the webhook plugin, which sends
# payment apps their Transaction API requests.
PLUGINS = [
    *PLUGINS, "saleor_attention.saleor_v3.plugin.AttentionPlugin",
    "saleor.payment.gateways.dummy_credit_card.plugin.DeprecatedDummyCreditCardGatewayPlugin",
    "saleor.plugins.webhook.plugin.WebhookPlugin",
]

# The opt-in: Saleor's /graphql/ serves the schema extended with the plugin's fields,
# as on 2.10. tests/test_served_api.py also goes through the plugin's own endpoint.
ROOT_URLCONF = "saleor_attention.saleor_v3.urls"
