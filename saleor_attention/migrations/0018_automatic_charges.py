from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        # 0001 depends on the line's order migration already.
        ('saleor_attention', '0017_subscribers'),
    ]

    operations = [
        migrations.CreateModel(
            name='AutomaticCharge',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('DUE', 'Due'), ('REQUESTED', 'Requested'), ('CHARGED', 'Charged'), ('CLOSED', 'Closed')], default='DUE', max_length=10)),
                ('charge_on', models.DateField()),
                ('declines', models.PositiveSmallIntegerField(default=0)),
                ('held', models.BooleanField(default=False)),
                ('reference', models.CharField(blank=True, default='', max_length=255)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('cycle', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='charge', to='saleor_attention.RenewalCycle')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='order.Order')),
            ],
        ),
        migrations.AlterField(
            model_name='event',
            name='type',
            field=models.CharField(choices=[('FLAG_SET', 'Flag set'), ('FLAG_RELEASED', 'Flag released'), ('COMMENT', 'Comment'), ('NOTE_UPDATED', 'Note updated'), ('ACTION_BLOCKED', 'Action blocked'), ('SHIPPING_DATE_PASSED', 'Planned shipping date passed'), ('EMAIL_SENT', 'Email sent'), ('EMAIL_FAILED', 'Email failed'), ('CREDIT_CHECK', 'Credit check result'), ('SWITCHED_TO_COD', 'Payment switched to cash on delivery'), ('RULE_FAILED', 'Rule failed'), ('ORDER_DELETED', 'Order deleted'), ('ORDER_CANCELLED', 'Order cancelled'), ('CHARGE_DECLINED', 'Automatic charge declined')], max_length=32),
        ),
        migrations.CreateModel(
            name='ChargeAttempt',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('CHARGED', 'Charged'), ('DECLINED', 'Declined'), ('REQUESTED', 'Requested of the payment app'), ('HELD', 'Held by attention'), ('NO_METHOD', 'No payment method'), ('CLOSED', 'Closed')], max_length=10)),
                ('gateway', models.CharField(blank=True, default='', max_length=255)),
                ('message', models.TextField(blank=True, default='')),
                ('reference', models.CharField(blank=True, default='', max_length=255)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('charge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempts', to='saleor_attention.AutomaticCharge')),
            ],
        ),
        migrations.AddIndex(
            model_name='automaticcharge',
            index=models.Index(condition=models.Q(status='DUE'), fields=['charge_on', 'id'], name='attention_charge_due'),
        ),
    ]
