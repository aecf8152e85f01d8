"""What differs between the Python and Django of Saleor 2.10 and of Saleor 3.

Django 3.0 (Saleor 2.10) has JSONField only in contrib.postgres; Django 3.1+ in core.
Migrations import it from here so they load on both. Python 3.8 (Saleor 2.10) has no
zoneinfo; Django 3.0 brings pytz, which Django 5 (Saleor 3) no longer needs."""
try:
    from django.db.models import JSONField
except ImportError:  # Django 3.0
    from django.contrib.postgres.fields import JSONField

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


__all__ = ["JSONField", "zone_named"]
