"""A flag's two dates kept apart: `due_on` (handle by, given when it is set) and
`handled_on` (the day it was handled, given when it is released).

Until now an active flag's handled_on held the date given when it was set, and the
release overwrote it: on active flags that date moves to due_on. A released flag's
handled_on is already its release date; what it was set with is gone.
"""
from django.db import migrations, models

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
        ("saleor_attention", "0008_active_flag_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(MOVE_SET_DATES, MOVE_SET_DATES_BACK),
    ]
