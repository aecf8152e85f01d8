"""What every benchmark script sets before Django loads (imported first, for its
effect): the benchmark database, Saleor 2.10's settings with the plugin, and a fresh
secret per run whose staff JWTs outlive the run. On Saleor 3 set
DJANGO_SETTINGS_MODULE=saleor.settings: the entry point installs the plugin."""
import os
import secrets

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_attention_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_attention.saleor_v2.settings")
os.environ.setdefault("ALLOWED_CLIENT_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ATTENTION_JWT_LIFETIME_MINUTES", "240")
