"""Active flags counted per order and per subscription, by a trigger on the flag table.

The fulfillment guard reads one locked OrderFacts row (with its subscription's row)
instead of the flags: a flag set or released updates that row in its own transaction,
so a guard waiting on the row lock sees the count as committed. A trigger, not the
Python code, so that no write path (the lifecycle, an order being deleted, the admin)
can leave a count behind the flags.
"""
from django.db import migrations, models

COUNT_FUNCTION = """
-- order_id: an integer on Saleor 2.10, a uuid on 3.x.
CREATE FUNCTION saleor_attention_count_flag(flag_scope text, flag_order anyelement,
                                            flag_subscription text, delta integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF flag_scope = 'ORDER' AND flag_order IS NOT NULL THEN
        IF delta > 0 THEN
            INSERT INTO saleor_attention_orderfacts AS facts
                (order_id, subscription, payment_method, active_flags)
            VALUES (flag_order, '', '', delta)
            ON CONFLICT (order_id)
            DO UPDATE SET active_flags = facts.active_flags + delta;
        ELSE
            UPDATE saleor_attention_orderfacts AS facts
            SET active_flags = facts.active_flags + delta
            WHERE facts.order_id = flag_order;
        END IF;
    ELSIF flag_scope = 'SUBSCRIPTION' AND flag_subscription <> '' THEN
        INSERT INTO saleor_attention_subscriptionfacts AS facts (subscription, active_flags)
        VALUES (flag_subscription, GREATEST(delta, 0))
        ON CONFLICT (subscription)
        DO UPDATE SET active_flags = facts.active_flags + delta;
    END IF;
END $$;

CREATE FUNCTION saleor_attention_flag_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'ACTIVE' THEN
        PERFORM saleor_attention_count_flag(OLD.scope, OLD.order_id, OLD.subscription, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'ACTIVE' THEN
        PERFORM saleor_attention_count_flag(NEW.scope, NEW.order_id, NEW.subscription, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER saleor_attention_flag_counted_insert
AFTER INSERT OR DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_counted();

CREATE TRIGGER saleor_attention_flag_counted_update
AFTER UPDATE OF status, scope, order_id, subscription ON saleor_attention_flag
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.scope IS DISTINCT FROM NEW.scope
      OR OLD.order_id IS DISTINCT FROM NEW.order_id
      OR OLD.subscription IS DISTINCT FROM NEW.subscription)
EXECUTE PROCEDURE saleor_attention_flag_counted();
"""

DROP_COUNT_FUNCTION = """
DROP TRIGGER saleor_attention_flag_counted_update ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_counted_insert ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flag_counted();
DROP FUNCTION saleor_attention_count_flag(text, anyelement, text, integer);
"""

# The flags already active when the plugin is upgraded.
COUNT_EXISTING = """
INSERT INTO saleor_attention_orderfacts AS facts
    (order_id, subscription, payment_method, active_flags)
SELECT order_id, '', '', count(*) FROM saleor_attention_flag
WHERE status = 'ACTIVE' AND scope = 'ORDER' AND order_id IS NOT NULL GROUP BY order_id
ON CONFLICT (order_id) DO UPDATE SET active_flags = EXCLUDED.active_flags;

INSERT INTO saleor_attention_subscriptionfacts (subscription, active_flags)
SELECT subscription, count(*) FROM saleor_attention_flag
WHERE status = 'ACTIVE' AND scope = 'SUBSCRIPTION' AND subscription <> ''
GROUP BY subscription;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0007_flag_reason_created"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubscriptionFacts",
            fields=[
                ("subscription", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("active_flags", models.PositiveIntegerField(default=0, editable=False)),
            ],
        ),
        migrations.AddField(
            model_name="orderfacts",
            name="active_flags",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(COUNT_FUNCTION, DROP_COUNT_FUNCTION),
        migrations.RunSQL(COUNT_EXISTING, migrations.RunSQL.noop),
    ]
