"""The benchmark database: created once, migrated on every run (a no-op when current)."""
import logging
import os

import dj_database_url
import psycopg2
from psycopg2 import sql


def database_name() -> str:
    return dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]


def create_database() -> None:
    """CREATE DATABASE needs a connection to another database, outside a transaction."""
    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"],
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                print(f"Creating database {db['NAME']}", flush=True)
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"]))
                )
    finally:
        conn.close()


def prepare() -> None:
    """Create, set up Django, migrate. Safe to run again and again."""
    import django

    create_database()
    django.setup()
    from django.core.management import call_command

    print("Migrating (no-op when current)...", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    quiet_runtime()


def quiet_runtime() -> None:
    """Production-like request handling: DEBUG off (no query log, no debug payloads),
    the test client's host accepted, and no log line per eager Celery task."""
    from django.conf import settings

    logging.getLogger("celery").setLevel(logging.WARNING)

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
