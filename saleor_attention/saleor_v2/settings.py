"""Saleor 2.10's settings with the plugin installed; point DJANGO_SETTINGS_MODULE here.

Local defaults (loopback PostgreSQL, a development secret) apply only where the
environment does not set them.
"""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention")
os.environ.setdefault("SECRET_KEY", "saleor-attention-development-only")

from saleor.settings import *  # noqa: E402,F401,F403
from saleor.settings import INSTALLED_APPS, PLUGINS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "saleor_attention"]
PLUGINS = [*PLUGINS, "saleor_attention.saleor_v2.plugin.AttentionPlugin"]
ROOT_URLCONF = "saleor_attention.saleor_v2.urls"
