"""The order queue (attentionOrders): when each order's and each subscription's oldest
active flag was set, kept by a trigger beside the one that counts them (0008), with
the indexes the queue's sorts start from; the blacklist's match keys as SQL
functions, so the queue's search compares orders' names, emails and phones as the
blacklist does; and when Saleor cancelled an order.

An order's age is the older of its own oldest flag (OrderFacts.attention_since) and
its subscription's (SubscriptionFacts.attention_since): a subscription flag is one row
and is never copied onto the subscription's orders.
"""
from django.db import migrations, models

from ._triggers import flag_row_triggers

# A second trigger beside the counting one of 0008, which it leaves as it is: PostgreSQL
# fires triggers of one event in name order, so "…_counted_…" has made the facts rows
# before "…_since_…" runs. A flag that stops counting may have been the oldest: the time
# is read again from the remaining active flags (an AFTER trigger sees the whole
# statement's changes; the flag indexes by order and by subscription find them).
# The flag columns whose change can move an order's or a subscription's oldest flag
# (created_at too: a flag dated back, an import or the tests, moves the order's age).
_KEPT = ("status", "scope", "order_id", "subscription", "created_at")

SINCE_FUNCTION = """
CREATE FUNCTION saleor_attention_flag_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'ACTIVE' THEN
        IF OLD.scope = 'ORDER' AND OLD.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts SET attention_since = (
                SELECT min(flag.created_at) FROM saleor_attention_flag flag
                WHERE flag.order_id = OLD.order_id AND flag.scope = 'ORDER'
                  AND flag.status = 'ACTIVE')
            WHERE order_id = OLD.order_id;
        ELSIF OLD.scope = 'SUBSCRIPTION' AND OLD.subscription <> '' THEN
            UPDATE saleor_attention_subscriptionfacts SET attention_since = (
                SELECT min(flag.created_at) FROM saleor_attention_flag flag
                WHERE flag.subscription = OLD.subscription AND flag.scope = 'SUBSCRIPTION'
                  AND flag.status = 'ACTIVE')
            WHERE subscription = OLD.subscription;
        END IF;
    END IF;
    -- An order entering the queue, or flagged again, has its search keys taken anew.
    IF TG_OP <> 'DELETE' AND NEW.status = 'ACTIVE' THEN
        IF NEW.scope = 'ORDER' AND NEW.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts
            SET attention_since = LEAST(attention_since, NEW.created_at),
                search_keys = saleor_attention_order_search_keys(NEW.order_id)
            WHERE order_id = NEW.order_id;
        ELSIF NEW.scope = 'SUBSCRIPTION' AND NEW.subscription <> '' THEN
            -- Not the subscription's orders' rows: each took its keys when it was
            -- linked (facts.py), and writing them here would lock rows that other
            -- changes of the same subscription hold (a deadlock).
            UPDATE saleor_attention_subscriptionfacts
            SET attention_since = LEAST(attention_since, NEW.created_at)
            WHERE subscription = NEW.subscription;
        END IF;
    END IF;
    RETURN NULL;
END $$;

""" + flag_row_triggers("saleor_attention_flag_since", "saleor_attention_flag_since", _KEPT)

DROP_SINCE_FUNCTION = """
DROP TRIGGER saleor_attention_flag_since_update ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_since_insert ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flag_since();
"""

# The flags already active when the plugin is upgraded, and the search keys of the
# orders they (and their subscriptions' flags) put in the queue.
SINCE_EXISTING = """
UPDATE saleor_attention_orderfacts AS facts SET attention_since = oldest.since
FROM (SELECT order_id, min(created_at) AS since FROM saleor_attention_flag
      WHERE status = 'ACTIVE' AND scope = 'ORDER' AND order_id IS NOT NULL
      GROUP BY order_id) AS oldest
WHERE facts.order_id = oldest.order_id;

UPDATE saleor_attention_subscriptionfacts AS facts SET attention_since = oldest.since
FROM (SELECT subscription, min(created_at) AS since FROM saleor_attention_flag
      WHERE status = 'ACTIVE' AND scope = 'SUBSCRIPTION' AND subscription <> ''
      GROUP BY subscription) AS oldest
WHERE facts.subscription = oldest.subscription;

UPDATE saleor_attention_orderfacts
SET search_keys = saleor_attention_order_search_keys(order_id)
WHERE active_flags > 0 OR subscription <> '';
"""

# attentionOrders by planned shipping date (undated orders after dated ones): orders
# with flags of their own, and subscription orders (whose subscription's flags make
# them need attention). Expressions: Django 3.0's Meta.indexes cannot declare them.
PLANNED_INDEXES = """
CREATE INDEX attention_facts_planned_flagged ON saleor_attention_orderfacts
    ((COALESCE(planned_shipping_date, 'infinity'::date)), order_id) WHERE active_flags > 0;
CREATE INDEX attention_facts_planned_subscribed ON saleor_attention_orderfacts
    ((COALESCE(planned_shipping_date, 'infinity'::date)), order_id) WHERE subscription <> '';
"""
DROP_PLANNED_INDEXES = """
DROP INDEX attention_facts_planned_subscribed;
DROP INDEX attention_facts_planned_flagged;
"""

# normalize.py's keys in SQL, applied to Saleor's columns by the queue's search (the
# searched text's key is made by normalize.py itself). tests/test_orders_queue.py
# checks that both give the same keys. The kana pairs are jaconv's hira2kata table.
KEY_FUNCTIONS = r"""
CREATE FUNCTION saleor_attention_text_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(regexp_replace(
        translate(normalize(coalesce(value, ''), NFKC),
            'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖゝゞ',
            'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶヽヾ'),
        '[-‐‑‒–—―−－﹣]|(?<=\d)[ーｰ](?=\d)', '', 'g'), '\s+', '', 'g'))
$$;

CREATE FUNCTION saleor_attention_phone_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN btrim(coalesce(value, '')) LIKE '+81%'
                  OR btrim(coalesce(value, '')) LIKE '＋８１%'
                THEN '0' || substr(digits, 3) ELSE digits END
    FROM (SELECT regexp_replace(normalize(coalesce(value, ''), NFKC), '\D', '', 'g')
          AS digits) AS typed
$$;

CREATE FUNCTION saleor_attention_email_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(btrim(normalize(coalesce(value, ''), NFKC)))
$$;

-- OrderFacts.search_keys of one order (its id: an integer on Saleor 2.10, a uuid on
-- 3.x; both lines name these tables and columns alike): each key between tabs, which
-- no key holds, so a search matches within one key.
CREATE FUNCTION saleor_attention_order_search_keys(order_key anyelement) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT E'\t' || concat_ws(E'\t',
        saleor_attention_email_key(o.user_email),
        saleor_attention_text_key(billing.last_name || billing.first_name),
        saleor_attention_text_key(billing.first_name || billing.last_name),
        saleor_attention_phone_key(billing.phone),
        saleor_attention_text_key(shipping.last_name || shipping.first_name),
        saleor_attention_text_key(shipping.first_name || shipping.last_name),
        saleor_attention_phone_key(shipping.phone)) || E'\t'
    FROM order_order o
    LEFT JOIN account_address billing ON billing.id = o.billing_address_id
    LEFT JOIN account_address shipping ON shipping.id = o.shipping_address_id
    WHERE o.id = order_key
$$;
"""
DROP_KEY_FUNCTIONS = """
DROP FUNCTION saleor_attention_order_search_keys(anyelement);
DROP FUNCTION saleor_attention_email_key(text);
DROP FUNCTION saleor_attention_phone_key(text);
DROP FUNCTION saleor_attention_text_key(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0009_flag_dates_comments"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=model, name=name,
                field=models.DateTimeField(blank=True, editable=editable, null=True),
            )
            for model, name, editable in [
                ("orderfacts", "attention_since", False),
                ("orderfacts", "cancelled_at", True),
                ("subscriptionfacts", "attention_since", False),
            ]
        ],
        migrations.AlterField(
            model_name="event",
            name="type",
            field=models.CharField(choices=[("FLAG_SET", "Flag set"), ("FLAG_RELEASED", "Flag released"), ("COMMENT", "Comment"), ("NOTE_UPDATED", "Note updated"), ("ACTION_BLOCKED", "Action blocked"), ("SHIPPING_DATE_PASSED", "Planned shipping date passed"), ("EMAIL_SENT", "Email sent"), ("EMAIL_FAILED", "Email failed"), ("CREDIT_CHECK", "Credit check result"), ("SWITCHED_TO_COD", "Payment switched to cash on delivery"), ("RULE_FAILED", "Rule failed"), ("ORDER_DELETED", "Order deleted"), ("ORDER_CANCELLED", "Order cancelled")], max_length=32),
        ),
        *[
            migrations.AddIndex(
                model_name=model,
                index=models.Index(
                    condition=models.Q(active_flags__gt=0), fields=["attention_since", key],
                    name=name,
                ),
            )
            for model, key, name in [
                ("orderfacts", "order", "attention_facts_queue"),
                ("subscriptionfacts", "subscription", "attention_subscription_queue"),
            ]
        ],
        migrations.AddField(
            model_name="orderfacts",
            name="search_keys",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(KEY_FUNCTIONS, DROP_KEY_FUNCTIONS),
        migrations.RunSQL(SINCE_FUNCTION, DROP_SINCE_FUNCTION),
        migrations.RunSQL(PLANNED_INDEXES, DROP_PLANNED_INDEXES),
        # Last: PostgreSQL refuses to change a table's schema in a transaction after
        # rows of it were written (its deferred foreign-key checks are pending).
        migrations.RunSQL(SINCE_EXISTING, migrations.RunSQL.noop),
    ]
