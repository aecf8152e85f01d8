"""Blacklist entries carry a name reading (フリガナ) with its match key; every entry's
keys are made again, so that entries stored before match as new ones do (readings
typed in half-width kana, voiced marks typed apart, middle dots, a minus for ー)."""
from django.db import migrations, models


def remake_keys(apps, schema_editor):
    from saleor_attention import normalize

    BlacklistEntry = apps.get_model("saleor_attention", "BlacklistEntry")
    for entry in BlacklistEntry.objects.all().iterator():
        entry.name_key = normalize.text_key(entry.name)
        entry.name_reading_key = normalize.text_key(entry.name_reading)
        entry.address_key = normalize.text_key(entry.address)
        entry.save(update_fields=["name_key", "name_reading_key", "address_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0010_attention_orders_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="blacklistentry",
            name="name_reading",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="blacklistentry",
            name="name_reading_key",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddIndex(
            model_name="blacklistentry",
            index=models.Index(
                fields=["name_reading_key", "postal_code_key"], name="attention_blacklist_reading"
            ),
        ),
        migrations.RunPython(remake_keys, migrations.RunPython.noop),
    ]
