"""Loaded by pytest before Django reads its settings (pyproject's addopts:
`-p tests.environment`); a conftest is imported too late for this.

saleor_attention.saleor_v2.settings refuses to start without SECRET_KEY, so the tests
sign their JWTs with a fresh random secret each run unless the environment sets one.
"""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
