"""The order queue's due dates: OrderFacts.due_on, the earliest due date (handle by)
among the active flags that apply to an order (its own and its subscription's), kept
by a trigger on the flag table beside 0008's and 0010's, with the partial indexes that
attentionOrders(sortBy: DUE_DATE) starts from, as the planned date's (0010).

One column per order, its subscription's flags included: the queue sorts and filters
(overdue) on it from an index, where the earlier of two tables' columns could only be
sorted after reading every order in the queue. The price: a subscription flag with a
due date, set or released, rewrites the column of each of the subscription's orders
(rows other changes of the subscription may hold: two at once can deadlock, and
PostgreSQL refuses one). Flags without a due date do not fire the trigger.
"""
from django.db import migrations, models

DUE_FUNCTION = """
-- The earliest due date of the active flags that apply to one order (its id: an
-- integer on Saleor 2.10, a uuid on 3.x). LEAST ignores nulls. Read by the trigger
-- and by facts.py when an order is linked to a subscription.
CREATE FUNCTION saleor_attention_order_due_on(order_key anyelement, order_subscription text)
RETURNS date LANGUAGE sql STABLE AS $$
    SELECT LEAST(
        (SELECT min(flag.due_on) FROM saleor_attention_flag flag
         WHERE flag.order_id = order_key AND flag.scope = 'ORDER' AND flag.status = 'ACTIVE'),
        (SELECT min(flag.due_on) FROM saleor_attention_flag flag
         WHERE order_subscription <> '' AND flag.subscription = order_subscription
           AND flag.scope = 'SUBSCRIPTION' AND flag.status = 'ACTIVE'))
$$;

-- A flag that stops applying may have held the earliest date: read again from the
-- remaining flags. A flag that starts applying can only bring the date forward.
CREATE FUNCTION saleor_attention_flag_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'ACTIVE' AND OLD.due_on IS NOT NULL THEN
        IF OLD.scope = 'ORDER' AND OLD.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts
            SET due_on = saleor_attention_order_due_on(order_id, subscription)
            WHERE order_id = OLD.order_id;
        ELSIF OLD.scope = 'SUBSCRIPTION' AND OLD.subscription <> '' THEN
            UPDATE saleor_attention_orderfacts
            SET due_on = saleor_attention_order_due_on(order_id, subscription)
            WHERE subscription = OLD.subscription;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'ACTIVE' AND NEW.due_on IS NOT NULL THEN
        IF NEW.scope = 'ORDER' AND NEW.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts SET due_on = LEAST(due_on, NEW.due_on)
            WHERE order_id = NEW.order_id;
        ELSIF NEW.scope = 'SUBSCRIPTION' AND NEW.subscription <> '' THEN
            UPDATE saleor_attention_orderfacts SET due_on = LEAST(due_on, NEW.due_on)
            WHERE subscription = NEW.subscription;
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- "…_due_…" runs after 0008's "…_counted_…" (triggers of one event fire in name
-- order), which has made an order's facts row by then.
CREATE TRIGGER saleor_attention_flag_due_insert
AFTER INSERT ON saleor_attention_flag FOR EACH ROW WHEN (NEW.due_on IS NOT NULL)
EXECUTE PROCEDURE saleor_attention_flag_due();

CREATE TRIGGER saleor_attention_flag_due_delete
AFTER DELETE ON saleor_attention_flag FOR EACH ROW WHEN (OLD.due_on IS NOT NULL)
EXECUTE PROCEDURE saleor_attention_flag_due();

CREATE TRIGGER saleor_attention_flag_due_update
AFTER UPDATE OF status, scope, order_id, subscription, due_on ON saleor_attention_flag
FOR EACH ROW
WHEN ((OLD.due_on IS NOT NULL OR NEW.due_on IS NOT NULL)
      AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.scope IS DISTINCT FROM NEW.scope
           OR OLD.order_id IS DISTINCT FROM NEW.order_id
           OR OLD.subscription IS DISTINCT FROM NEW.subscription
           OR OLD.due_on IS DISTINCT FROM NEW.due_on))
EXECUTE PROCEDURE saleor_attention_flag_due();
"""

DROP_DUE_FUNCTION = """
DROP TRIGGER saleor_attention_flag_due_update ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_due_delete ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_due_insert ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flag_due();
DROP FUNCTION saleor_attention_order_due_on(anyelement, text);
"""

# attentionOrders(sortBy: DUE_DATE), undated orders after dated ones: the two parts of
# the queue as 0010's planned-date indexes.
DUE_INDEXES = """
CREATE INDEX attention_facts_due_flagged ON saleor_attention_orderfacts
    ((COALESCE(due_on, 'infinity'::date)), order_id) WHERE active_flags > 0;
CREATE INDEX attention_facts_due_subscribed ON saleor_attention_orderfacts
    ((COALESCE(due_on, 'infinity'::date)), order_id) WHERE subscription <> '';
"""
DROP_DUE_INDEXES = """
DROP INDEX attention_facts_due_subscribed;
DROP INDEX attention_facts_due_flagged;
"""

# The active flags with due dates when the plugin is upgraded.
DUE_EXISTING = """
UPDATE saleor_attention_orderfacts
SET due_on = saleor_attention_order_due_on(order_id, subscription)
WHERE active_flags > 0 OR subscription <> '';
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0011_blacklist_reading_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderfacts",
            name="due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(DUE_FUNCTION, DROP_DUE_FUNCTION),
        migrations.RunSQL(DUE_INDEXES, DROP_DUE_INDEXES),
        # Last: PostgreSQL refuses schema changes after rows were written (0010).
        migrations.RunSQL(DUE_EXISTING, migrations.RunSQL.noop),
    ]
