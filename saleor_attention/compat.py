"""What differs between the Django versions the Saleor lines run (3.0 on Saleor 2.10,
5.x on Saleor 3): JSONField's home, and how a query takes a FOR NO KEY UPDATE lock.
Migrations import JSONField from here so they load on both."""
import contextlib
import inspect

from django.db import connection
from django.db.models import QuerySet

try:
    from django.db.models import JSONField
except ImportError:  # Django 3.0
    from django.contrib.postgres.fields import JSONField

_NO_KEY = "no_key" in inspect.signature(QuerySet.select_for_update).parameters


def select_for_no_key_update(queryset: QuerySet, of=()) -> QuerySet:
    """`queryset` locking its rows FOR NO KEY UPDATE (Django 3.2+:
    select_for_update(no_key=True)); evaluate it inside `no_key_locks()`, which
    Django 3.0 needs to say so. The lock excludes other writers of the row (and FOR
    UPDATE) but not FOR KEY SHARE, which rows referencing it (a history note, a flag)
    take when inserted: a transaction may add rows to an order another one holds."""
    if _NO_KEY:
        return queryset.select_for_update(of=of, no_key=True)
    return queryset.select_for_update(of=of)


@contextlib.contextmanager
def no_key_locks():
    """Around the evaluation of a `select_for_no_key_update` queryset: on Django 3.0,
    this thread's connection writes its FOR UPDATE as FOR NO KEY UPDATE meanwhile."""
    if _NO_KEY:
        yield
        return
    ops = connection.ops
    for_update_sql = ops.for_update_sql

    def no_key(*args, **kwargs):
        return for_update_sql(*args, **kwargs).replace("FOR UPDATE", "FOR NO KEY UPDATE", 1)

    ops.for_update_sql = no_key
    try:
        yield
    finally:
        del ops.for_update_sql  # the class's method again


__all__ = ["JSONField", "no_key_locks", "select_for_no_key_update"]
