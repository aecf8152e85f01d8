"""The local PostgreSQL database named by DATABASE_URL, created when missing; whether
a server answers."""
import os
from importlib import import_module

import dj_database_url


def _driver():
    """psycopg2 next to Saleor 2.10, psycopg (3) next to Saleor 3."""
    for name in ("psycopg2", "psycopg"):
        try:
            return import_module(name), import_module(f"{name}.sql")
        except ImportError:
            continue
    raise ImportError("neither psycopg2 nor psycopg is installed")


def database_name() -> str:
    return dj_database_url.parse(os.environ["DATABASE_URL"])["NAME"]


def _connect_to_server(url: str, **options):
    """A connection to the server's `postgres` database, with the URL's credentials."""
    driver, _ = _driver()
    db = dj_database_url.parse(url)
    return driver.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"], **options,
    )


def server_error(url: str):
    """None when the server of `url` lets its user in, else what went wrong."""
    try:
        _connect_to_server(url, connect_timeout=5).close()
    except Exception as error:  # the driver's OperationalError, a bad URL
        return str(error).strip() or type(error).__name__
    return None


def create_database() -> None:
    """CREATE DATABASE needs a connection to another database, outside a transaction."""
    _, sql = _driver()
    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = _connect_to_server(os.environ["DATABASE_URL"])
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                print(f"Creating database {db['NAME']}", flush=True)
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()
