"""A flag's two dates kept apart, and comments on flags.

`due_on` (handle by) is given when a flag is set, `handled_on` (the day it was
handled) when it is released. Until now an active flag's handled_on held the date
given when it was set, and the release overwrote it: on active flags that date moves
to due_on. A released flag's handled_on is already its release date; what it was set
with is gone.

FlagComment: staff comments on a flag, added without releasing it (append-only).
BulkJob: a bulk set or release run in the background, with its progress.
"""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from saleor_attention.compat import JSONField

MOVE_SET_DATES = """
UPDATE saleor_attention_flag SET due_on = handled_on, handled_on = NULL
WHERE status = 'ACTIVE' AND handled_on IS NOT NULL;
"""
MOVE_SET_DATES_BACK = """
UPDATE saleor_attention_flag SET handled_on = due_on
WHERE status = 'ACTIVE' AND due_on IS NOT NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("app", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("saleor_attention", "0008_active_flag_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(MOVE_SET_DATES, MOVE_SET_DATES_BACK),
        migrations.AlterField(
            model_name="event",
            name="type",
            field=models.CharField(choices=[("FLAG_SET", "Flag set"), ("FLAG_RELEASED", "Flag released"), ("COMMENT", "Comment"), ("NOTE_UPDATED", "Note updated"), ("ACTION_BLOCKED", "Action blocked"), ("SHIPPING_DATE_PASSED", "Planned shipping date passed"), ("EMAIL_SENT", "Email sent"), ("EMAIL_FAILED", "Email failed"), ("CREDIT_CHECK", "Credit check result"), ("SWITCHED_TO_COD", "Payment switched to cash on delivery"), ("RULE_FAILED", "Rule failed"), ("ORDER_DELETED", "Order deleted")], max_length=32),
        ),
        migrations.CreateModel(
            name="FlagComment",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("comment", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("created_by_name", models.CharField(blank=True, default="", max_length=255)),
                ("created_by_source", models.CharField(blank=True, choices=[("RULE", "Rule"), ("STAFF", "Staff"), ("APP", "App")], default="", max_length=8)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("created_by_app", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="app.App")),
                ("flag", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="comments", to="saleor_attention.Flag")),
            ],
            options={"ordering": ("created_at", "pk")},
        ),
        migrations.AddIndex(
            model_name="flagcomment",
            index=models.Index(fields=["flag", "created_at", "id"], name="attention_comment_flag"),
        ),
        migrations.CreateModel(
            name="BulkJob",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("SET", "Set flags"), ("RELEASE", "Release flags")], max_length=8)),
                ("status", models.CharField(choices=[("PENDING", "Waiting for a worker"), ("RUNNING", "Running"), ("DONE", "Done"), ("FAILED", "Stopped by an unexpected error")], default="PENDING", max_length=8)),
                ("parameters", JSONField(blank=True, default=dict)),
                ("targets", JSONField(blank=True, default=list)),
                ("total", models.PositiveIntegerField(default=0)),
                ("done", models.PositiveIntegerField(default=0)),
                ("failed", models.PositiveIntegerField(default=0)),
                ("errors", JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("created_by_name", models.CharField(blank=True, default="", max_length=255)),
                ("created_by_source", models.CharField(blank=True, choices=[("RULE", "Rule"), ("STAFF", "Staff"), ("APP", "App")], default="", max_length=8)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("created_by_app", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="app.App")),
            ],
        ),
    ]
