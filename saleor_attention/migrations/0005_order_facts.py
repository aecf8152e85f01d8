"""Guard facts move from order metadata into the plugin's own table (OrderFacts);
flags and events outlive their order and name their actors."""
import datetime
from decimal import Decimal, InvalidOperation

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from saleor_attention.line import LINE

SUBSCRIPTION_KEY = "saleor_attention.subscription"
PLANNED_SHIPPING_DATE_KEY = "saleor_attention.planned_shipping_date"
PAYMENT_METHOD_KEY = "saleor_attention.payment_method"
CREDIT_CHECKED_AMOUNT_KEY = "saleor_attention.credit_checked_amount"
KEYS = [SUBSCRIPTION_KEY, PLANNED_SHIPPING_DATE_KEY, PAYMENT_METHOD_KEY, CREDIT_CHECKED_AMOUNT_KEY]

SOURCES = [("RULE", "Rule"), ("STAFF", "Staff"), ("APP", "App")]


def _amount(raw):
    try:
        amount = Decimal(str(raw)) if raw not in (None, "") else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() and amount >= 0 else None


def _date(raw):
    try:
        return datetime.date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def facts_from_metadata(apps, schema_editor):
    """What today's installs hold only in metadata, copied once into OrderFacts."""
    Order = apps.get_model("order", "Order")
    OrderFacts = apps.get_model("saleor_attention", "OrderFacts")
    orders = Order.objects.filter(private_metadata__has_any_keys=KEYS).only("pk", "private_metadata")
    batch = []
    for order in orders.iterator():
        metadata = order.private_metadata or {}
        subscription = str(metadata.get(SUBSCRIPTION_KEY) or "").strip()
        batch.append(
            OrderFacts(
                order_id=order.pk,
                subscription=subscription if len(subscription) <= 128 else "",
                planned_shipping_date=_date(metadata.get(PLANNED_SHIPPING_DATE_KEY)),
                credit_checked_amount=_amount(metadata.get(CREDIT_CHECKED_AMOUNT_KEY)),
                payment_method=str(metadata.get(PAYMENT_METHOD_KEY) or "")[:16],
            )
        )
        if len(batch) >= 1000:
            OrderFacts.objects.bulk_create(batch)
            batch = []
    OrderFacts.objects.bulk_create(batch)


_ORDER_NUMBER = {"saleor_v2": "o.id::text", "saleor_v3": "o.number::text"}[LINE]
_PERSON = "COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.email)"

SNAPSHOTS = f"""
UPDATE saleor_attention_flag f SET order_number = {_ORDER_NUMBER}
    FROM order_order o WHERE o.id = f.order_id;
UPDATE saleor_attention_event e SET order_number = {_ORDER_NUMBER}
    FROM order_order o WHERE o.id = e.order_id;
UPDATE saleor_attention_flag f SET created_by_name = {_PERSON}
    FROM account_user u WHERE u.id = f.created_by_id;
UPDATE saleor_attention_flag f SET created_by_name = a.name
    FROM app_app a WHERE a.id = f.created_by_app_id;
UPDATE saleor_attention_flag f SET released_by_name = {_PERSON}
    FROM account_user u WHERE u.id = f.released_by_id;
UPDATE saleor_attention_flag f SET released_by_name = a.name
    FROM app_app a WHERE a.id = f.released_by_app_id;
UPDATE saleor_attention_flag SET released_by_source = CASE
    WHEN released_by_app_id IS NOT NULL THEN 'APP'
    WHEN released_by_id IS NOT NULL THEN 'STAFF' ELSE 'RULE' END
    WHERE status = 'RELEASED';
UPDATE saleor_attention_event e SET actor_name = {_PERSON}
    FROM account_user u WHERE u.id = e.user_id;
UPDATE saleor_attention_event e SET actor_name = a.name
    FROM app_app a WHERE a.id = e.app_id;
UPDATE saleor_attention_event SET actor_source = CASE
    WHEN app_id IS NOT NULL THEN 'APP' WHEN user_id IS NOT NULL THEN 'STAFF' ELSE 'RULE' END;
UPDATE saleor_attention_blacklistentry b SET created_by_name = {_PERSON}, created_by_source = 'STAFF'
    FROM account_user u WHERE u.id = b.created_by_id;
"""


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("saleor_attention", "0004_blacklist"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderFacts",
            fields=[
                ("order", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="attention_facts", serialize=False, to="order.Order")),
                ("subscription", models.CharField(blank=True, default="", max_length=128)),
                ("planned_shipping_date", models.DateField(blank=True, null=True)),
                ("credit_checked_amount", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True)),
                ("payment_method", models.CharField(blank=True, default="", max_length=16)),
                ("rules_pending_since", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddIndex(
            model_name="orderfacts",
            index=models.Index(fields=["subscription"], name="attention_facts_subscription"),
        ),
        migrations.AddIndex(
            model_name="orderfacts",
            index=models.Index(condition=models.Q(rules_pending_since__isnull=False), fields=["rules_pending_since"], name="attention_facts_pending"),
        ),
        migrations.AlterField(
            model_name="flag",
            name="order",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="attention_flags", to="order.Order"),
        ),
        migrations.AddField(model_name="flag", name="order_number", field=models.CharField(blank=True, default="", max_length=32)),
        migrations.AddField(model_name="flag", name="created_by_name", field=models.CharField(blank=True, default="", max_length=255)),
        migrations.AddField(model_name="flag", name="released_by_name", field=models.CharField(blank=True, default="", max_length=255)),
        migrations.AddField(model_name="flag", name="released_by_source", field=models.CharField(blank=True, choices=SOURCES, default="", max_length=8)),
        migrations.AlterField(
            model_name="event",
            name="order",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="attention_events", to="order.Order"),
        ),
        migrations.AddField(model_name="event", name="order_number", field=models.CharField(blank=True, default="", max_length=32)),
        migrations.AddField(model_name="event", name="actor_name", field=models.CharField(blank=True, default="", max_length=255)),
        migrations.AddField(model_name="event", name="actor_source", field=models.CharField(blank=True, choices=SOURCES, default="", max_length=8)),
        migrations.AlterField(
            model_name="event",
            name="type",
            field=models.CharField(choices=[("FLAG_SET", "Flag set"), ("FLAG_RELEASED", "Flag released"), ("COMMENT", "Comment"), ("ACTION_BLOCKED", "Action blocked"), ("SHIPPING_DATE_PASSED", "Planned shipping date passed"), ("EMAIL_SENT", "Email sent"), ("EMAIL_FAILED", "Email failed"), ("CREDIT_CHECK", "Credit check result"), ("SWITCHED_TO_COD", "Payment switched to cash on delivery"), ("RULE_FAILED", "Rule failed"), ("ORDER_DELETED", "Order deleted")], max_length=32),
        ),
        migrations.AddField(model_name="blacklistentry", name="created_by_name", field=models.CharField(blank=True, default="", max_length=255)),
        migrations.AddField(model_name="blacklistentry", name="created_by_source", field=models.CharField(blank=True, choices=SOURCES, default="", max_length=8)),
        migrations.RunPython(facts_from_metadata, migrations.RunPython.noop),
        migrations.RunSQL(SNAPSHOTS, migrations.RunSQL.noop),
    ]
