"""Flags inserted together take their order's age and search keys together.

0010's trigger kept OrderFacts.attention_since and search_keys row by row: a new order
matching three rules had its search keys (the blacklist's match keys of its names,
email, phones and addresses, one SQL function) computed three times and its facts row
updated three times in the one INSERT of its flags, most of what that INSERT cost.
Inserts now run one statement-level trigger that does it once per order (and once per
subscription); deletes and updates keep 0010's row-level triggers and function. The
row-level count trigger (0008), which creates a missing facts row, still fires first:
PostgreSQL runs row-level AFTER triggers before statement-level ones.
"""
from django.db import migrations

FLAGS_INSERTED = """
CREATE FUNCTION saleor_attention_flags_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- As 0010's function for each inserted row: an order entering the queue, or
    -- flagged again, has its search keys taken anew, and its age is its oldest flag's.
    UPDATE saleor_attention_orderfacts facts
    SET attention_since = LEAST(facts.attention_since, flags.since),
        search_keys = saleor_attention_order_search_keys(facts.order_id)
    FROM (SELECT order_id, min(created_at) AS since FROM inserted
          WHERE status = 'ACTIVE' AND scope = 'ORDER' AND order_id IS NOT NULL
          GROUP BY order_id) flags
    WHERE facts.order_id = flags.order_id;
    UPDATE saleor_attention_subscriptionfacts facts
    SET attention_since = LEAST(facts.attention_since, flags.since)
    FROM (SELECT subscription, min(created_at) AS since FROM inserted
          WHERE status = 'ACTIVE' AND scope = 'SUBSCRIPTION' AND subscription <> ''
          GROUP BY subscription) flags
    WHERE facts.subscription = flags.subscription;
    RETURN NULL;
END $$;

DROP TRIGGER saleor_attention_flag_since_insert ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_since_delete
AFTER DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_since();
CREATE TRIGGER saleor_attention_flags_inserted
AFTER INSERT ON saleor_attention_flag REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE PROCEDURE saleor_attention_flags_inserted();
"""

ROW_BY_ROW = """
DROP TRIGGER saleor_attention_flags_inserted ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flags_inserted();
DROP TRIGGER saleor_attention_flag_since_delete ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_since_insert
AFTER INSERT OR DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_since();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0014_queue_speed"),
    ]

    operations = [
        migrations.RunSQL(FLAGS_INSERTED, ROW_BY_ROW),
    ]
