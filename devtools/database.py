"""The local PostgreSQL database named by DATABASE_URL, created when missing."""
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


def create_database() -> None:
    """CREATE DATABASE needs a connection to another database, outside a transaction."""
    driver, sql = _driver()
    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = driver.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"], port=db["PORT"],
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                print(f"Creating database {db['NAME']}", flush=True)
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()
