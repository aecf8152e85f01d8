"""One INSERT statement for many model instances, with PostgreSQL's ON CONFLICT:
what Django 3.0's bulk_create cannot say (skip a clash and still return the ids of the
rows it inserted; update chosen columns of an existing row)."""
from __future__ import annotations

from typing import List, Sequence

from django.db import connection


def insert(model, objects: Sequence, on_conflict: str, returning: Sequence[str] = ()) -> List[tuple]:
    """Insert `objects` (every concrete field but an automatic primary key) with
    `ON CONFLICT <on_conflict>`; the `returning` columns of the rows written."""
    fields = [
        field for field in model._meta.concrete_fields
        if not (field.primary_key and field.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    values = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for obj in objects
        for field in fields
    ]
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * len(objects))} ON CONFLICT {on_conflict}"
    )
    if returning:
        sql += " RETURNING " + ", ".join(quote(column) for column in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall() if returning else []


def excluded(model, names: Sequence[str]) -> str:
    """`col = EXCLUDED.col` for the named fields: an upsert's SET list."""
    quote = connection.ops.quote_name
    columns = (model._meta.get_field(name).column for name in names)
    return ", ".join(f"{quote(column)} = EXCLUDED.{quote(column)}" for column in columns)
