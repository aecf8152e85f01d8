"""The benchmark database: created once, migrated on every run (a no-op when current)."""
import logging

from devtools.database import create_database, database_name  # noqa: F401


def prepare() -> None:
    """Create, set up Django, migrate. Safe to run again and again."""
    import django

    create_database()
    django.setup()
    from django.core.management import call_command

    print("Migrating (no-op when current)...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    # Saleor's site migrations cache the current Site built from historical models;
    # requests in this process would then fail with 'Must be "Site" instance'.
    from django.contrib.sites.models import Site

    Site.objects.clear_cache()
    quiet_runtime()


def quiet_runtime() -> None:
    """Production-like request handling: DEBUG off (no query log, no debug payloads),
    the test client's host accepted, and no log line per eager Celery task."""
    from django.conf import settings

    logging.getLogger("celery").setLevel(logging.WARNING)

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
