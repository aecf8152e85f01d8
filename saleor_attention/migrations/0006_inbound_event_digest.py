from django.db import migrations, models

from saleor_attention import canonical


def fill_digests(apps, schema_editor):
    # From the payload as stored: jsonb gives some numbers back in its own form (1e20 as
    # 100000000000000000000), so a redelivery of such an event reads as other content
    # (409, which the provider sees) rather than being dropped as a duplicate.
    InboundEvent = apps.get_model("saleor_attention", "InboundEvent")
    for pk, payload in InboundEvent.objects.values_list("pk", "payload").iterator():
        InboundEvent.objects.filter(pk=pk).update(digest=canonical.digest(payload))


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0005_order_facts"),
    ]

    # The rows are filled in last: PostgreSQL refuses to alter a table with row
    # changes whose deferred foreign-key checks are still pending.
    operations = [
        migrations.AlterField(
            model_name='inboundevent',
            name='event_id',
            field=models.CharField(max_length=255),
        ),
        migrations.AddConstraint(
            model_name='inboundevent',
            constraint=models.UniqueConstraint(fields=('event_id',), name='attention_inbound_event_id_unique'),
        ),
        migrations.AddField(
            model_name='inboundevent',
            name='digest',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
