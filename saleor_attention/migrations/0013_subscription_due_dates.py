"""Due dates of subscription flags kept once per subscription (SubscriptionFacts.due_on),
no longer copied onto each order of the subscription (0012).

0012 rewrote OrderFacts.due_on of every order of a subscription when one of its
flags with a due date was set or released: rows that another change of the same
subscription, made through another order, holds locked. Two such changes at once
deadlocked, and PostgreSQL refused one of them. Now the trigger writes the rows the
counting trigger (0008) already writes: the flag's order's facts for an ORDER flag,
the subscription's facts for a SUBSCRIPTION flag. The queue reads the earlier of the
two, as it reads the older of the two ages (0010), and its DUE_DATE sort starts from
an index on each table.
"""
from importlib import import_module

from django.db import migrations, models

EARLIER = import_module("saleor_attention.migrations.0012_attention_orders_due")

DUE_FUNCTION = """
DROP FUNCTION saleor_attention_order_due_on(anyelement, text);
DROP INDEX attention_facts_due_subscribed;

-- A flag that stops applying may have held the earliest date: read again from the
-- remaining flags. A flag that starts applying can only bring the date forward.
-- 0012's triggers call it, as they did.
CREATE OR REPLACE FUNCTION saleor_attention_flag_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'ACTIVE' AND OLD.due_on IS NOT NULL THEN
        IF OLD.scope = 'ORDER' AND OLD.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts SET due_on = (
                SELECT min(flag.due_on) FROM saleor_attention_flag flag
                WHERE flag.order_id = OLD.order_id AND flag.scope = 'ORDER'
                  AND flag.status = 'ACTIVE')
            WHERE order_id = OLD.order_id;
        ELSIF OLD.scope = 'SUBSCRIPTION' AND OLD.subscription <> '' THEN
            UPDATE saleor_attention_subscriptionfacts SET due_on = (
                SELECT min(flag.due_on) FROM saleor_attention_flag flag
                WHERE flag.subscription = OLD.subscription AND flag.scope = 'SUBSCRIPTION'
                  AND flag.status = 'ACTIVE')
            WHERE subscription = OLD.subscription;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'ACTIVE' AND NEW.due_on IS NOT NULL THEN
        IF NEW.scope = 'ORDER' AND NEW.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts SET due_on = LEAST(due_on, NEW.due_on)
            WHERE order_id = NEW.order_id;
        ELSIF NEW.scope = 'SUBSCRIPTION' AND NEW.subscription <> '' THEN
            UPDATE saleor_attention_subscriptionfacts SET due_on = LEAST(due_on, NEW.due_on)
            WHERE subscription = NEW.subscription;
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- attentionOrders(sortBy: DUE_DATE) for the orders whose earliest date is their
-- subscription's, as 0012's index for those whose date is their own; and for the
-- orders with no flag of their own whose subscription's flags are undated, in order
-- id order (a subscription order's link never changes).
CREATE INDEX attention_subscription_due ON saleor_attention_subscriptionfacts
    (due_on, subscription) WHERE active_flags > 0 AND due_on IS NOT NULL;
CREATE INDEX attention_facts_subscription_orders ON saleor_attention_orderfacts (order_id)
    WHERE subscription <> '';
"""

# Back to 0012: its function, index and copies of subscription dates on orders.
RESTORE_0012 = """
DROP INDEX attention_facts_subscription_orders;
DROP INDEX attention_subscription_due;
DROP TRIGGER saleor_attention_flag_due_update ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_due_delete ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_due_insert ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flag_due();
CREATE INDEX attention_facts_due_subscribed ON saleor_attention_orderfacts
    ((COALESCE(due_on, 'infinity'::date)), order_id) WHERE subscription <> '';
""" + EARLIER.DUE_FUNCTION + EARLIER.DUE_EXISTING

# Each table's dates from its own flags only.
DUE_EXISTING = """
UPDATE saleor_attention_orderfacts AS facts SET due_on = (
    SELECT min(flag.due_on) FROM saleor_attention_flag flag
    WHERE flag.order_id = facts.order_id AND flag.scope = 'ORDER' AND flag.status = 'ACTIVE')
WHERE facts.due_on IS NOT NULL;

UPDATE saleor_attention_subscriptionfacts AS facts SET due_on = earliest.due_on
FROM (SELECT subscription, min(due_on) AS due_on FROM saleor_attention_flag
      WHERE status = 'ACTIVE' AND scope = 'SUBSCRIPTION' AND subscription <> ''
      GROUP BY subscription) AS earliest
WHERE facts.subscription = earliest.subscription;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0012_attention_orders_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriptionfacts",
            name="due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(DUE_FUNCTION, RESTORE_0012),
        # Last: PostgreSQL refuses schema changes after rows were written (0010).
        migrations.RunSQL(DUE_EXISTING, migrations.RunSQL.noop),
    ]
