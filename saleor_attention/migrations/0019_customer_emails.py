from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


class Migration(migrations.Migration):

    dependencies = [
        # 0001 depends on the line's order migration already.
        ('saleor_attention', '0018_automatic_charges'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerEmail',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('PENDING', 'To be sent'), ('SENT', 'Sent'), ('FAILED', 'Failed')], default='PENDING', max_length=8)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('error', models.TextField(blank=True, default='')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('flag', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='customer_email', to='saleor_attention.Flag')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='order.Order')),
            ],
        ),
        migrations.AddIndex(
            model_name='customeremail',
            index=models.Index(condition=models.Q(status='PENDING'), fields=['created_at'], name='attention_email_pending'),
        ),
    ]
