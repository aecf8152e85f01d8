from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone
import uuid

import saleor_attention.compat


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_attention', '0019_customer_emails'),
    ]

    operations = [
        migrations.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('error', models.TextField(blank=True, default='')),
                ('duration_ms', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('event', models.CharField(max_length=32)),
                ('url', models.CharField(max_length=2000)),
                ('order_number', models.CharField(blank=True, default='', max_length=64)),
                ('payload', saleor_attention.compat.JSONField(default=dict)),
                ('status', models.CharField(choices=[('PENDING', 'To be delivered'), ('DELIVERED', 'Delivered'), ('FAILED', 'Failed')], default='PENDING', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('delivered_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(condition=models.Q(status='PENDING'), fields=['created_at'], name='attention_delivery_pending'),
        ),
        migrations.AddField(
            model_name='webhookattempt',
            name='delivery',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tries', to='saleor_attention.WebhookDelivery'),
        ),
    ]
