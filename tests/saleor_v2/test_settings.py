"""saleor_attention.saleor_v2.settings, started as a shop starts it: a fresh Python
process with only the environment given here."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

START_DJANGO = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.GRAPHQL_JWT['JWT_VERIFY_EXPIRATION'], "
    "settings.GRAPHQL_JWT['JWT_EXPIRATION_DELTA'].total_seconds())"
)


def start(**environment):
    """Run django.setup() with the plugin's settings and nothing inherited but PATH."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "saleor_attention.saleor_v2.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "ALLOWED_CLIENT_HOSTS": "localhost",
        **environment,
    }
    # The working directory first on sys.path: this checkout's package is imported.
    return subprocess.run(
        [sys.executable, "-c", START_DJANGO], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
    )


def test_settings_refuse_to_start_without_secret_key():
    started = start()
    assert started.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set" in started.stderr


def test_settings_refuse_to_start_with_an_empty_secret_key():
    started = start(SECRET_KEY="  ")
    assert started.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in started.stderr


def test_settings_refuse_the_published_development_secret():
    started = start(SECRET_KEY="saleor-attention-development-only")
    assert started.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is 'saleor-attention-development-only'" in (
        started.stderr
    )


def test_settings_start_with_a_secret_and_check_token_expiry():
    started = start(SECRET_KEY="k" * 50)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "300.0"]


def test_token_lifetime_comes_from_the_environment():
    started = start(SECRET_KEY="k" * 50, ATTENTION_JWT_LIFETIME_MINUTES="15")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "900.0"]


def test_settings_refuse_a_token_lifetime_that_is_not_a_positive_number():
    started = start(SECRET_KEY="k" * 50, ATTENTION_JWT_LIFETIME_MINUTES="0")
    assert started.returncode != 0
    assert "ImproperlyConfigured: ATTENTION_JWT_LIFETIME_MINUTES must be a positive" in (
        started.stderr
    )
