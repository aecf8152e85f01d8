"""The local PostgreSQL database named by DATABASE_URL, created when missing."""
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
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()
