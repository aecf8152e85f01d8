"""INSERT statements Django 3.0's bulk_create cannot say (PostgreSQL's ON CONFLICT:
skip a clash and still return the ids of the rows it inserted; update chosen columns
of an existing row), and several writes sent as one statement."""
from __future__ import annotations

from typing import List, Sequence, Tuple

from django.db import connection, transaction

# An SQL statement and its parameters.
Statement = Tuple[str, Sequence]


def insert(
    model, objects: Sequence, on_conflict: str, returning: Sequence[str] = (),
    first: Sequence[Statement] = (),
) -> List[tuple]:
    """Insert `objects` (every concrete field but an automatic primary key) with
    `ON CONFLICT <on_conflict>`, in one statement with the writes `first` (as
    run_together runs them); the `returning` columns of the rows written."""
    sql, values = upsert(model, objects, on_conflict)
    if returning:
        quote = connection.ops.quote_name
        sql += " RETURNING " + ", ".join(quote(column) for column in returning)
    with connection.cursor() as cursor:
        cursor.execute(*_together([*first, (sql, values)]))
        return cursor.fetchall() if returning else []


def upsert(model, objects: Sequence, on_conflict: str) -> Statement:
    """The statement `insert` runs (without RETURNING), to run it with others."""
    sql, values = plain_insert(model, objects)
    return f"{sql} ON CONFLICT {on_conflict}", values


def plain_insert(model, objects: Sequence) -> Statement:
    """The INSERT bulk_create would send for `objects` (each field's value prepared as
    Django's compiler prepares it), to run it with others. Composed here: Django's
    compiler cost more than the statement's execution for a change's few rows."""
    fields = _written_fields(model)
    # The connection itself, not the proxy: the proxy looks it up again on each use.
    db = transaction.get_connection()
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    values = [
        field.get_db_prep_save(field.pre_save(obj, add=True), db)
        for obj in objects
        for field in fields
    ]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * len(objects))}"
    )
    return sql, values


def run_together(statements: Sequence[Statement]) -> None:
    """Writes sent as one statement (`WITH w0 AS (…), … <the last>`): one round trip
    instead of one each. PostgreSQL runs every part to completion on the snapshot the
    statement started with: no part may read what another writes, nor two parts
    change the same row (key checks run at the end and see every part's rows)."""
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute(*_together(statements))


def _together(statements: Sequence[Statement]) -> Statement:
    """The statements as one: the last one, after the others as its WITH parts."""
    *first, (last, values) = statements
    if not first:
        return last, values
    parts = ", ".join(f"w{number} AS ({part})" for number, (part, _) in enumerate(first))
    return f"WITH {parts} {last}", [value for _, part in first for value in part] + list(values)


def excluded(model, names: Sequence[str]) -> str:
    """`col = EXCLUDED.col` for the named fields: an upsert's SET list."""
    quote = connection.ops.quote_name
    columns = (model._meta.get_field(name).column for name in names)
    return ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in columns)


def _written_fields(model) -> list:
    """Every concrete field but those the database fills (an automatic primary key)."""
    return [
        field for field in model._meta.concrete_fields
        if not (getattr(field, "db_returning", False) or getattr(field, "generated", False))
    ]
