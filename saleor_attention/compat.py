"""Django 3.0 (Saleor 2.10) has JSONField only in contrib.postgres; Django 3.1+ in core.
Migrations import it from here so they load on both."""
try:
    from django.db.models import JSONField
except ImportError:  # Django 3.0
    from django.contrib.postgres.fields import JSONField

__all__ = ["JSONField"]
