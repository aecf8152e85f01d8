"""The order queue's slow reads made index reads, and the reason badge kept by triggers.

- OrderFacts.placed_at: when Saleor placed the order, copied into the order's facts
  row when the row is made (a BEFORE INSERT trigger, whichever path makes it), with
  partial indexes for attentionOrders(sortBy: CREATED) like the planned date's (0010):
  Saleor 2.10 has no index on its order date, and reading it by a join sorted every
  order in the queue.
- OrderFacts.flag_kinds and SubscriptionFacts.flag_kinds: what the reasons and source
  filters ask of an order's (a subscription's) active flags, kept by a trigger on the
  flag table beside 0008's, in the rows that trigger already writes (no other row is
  locked): each active flag gives "REASON SOURCE", "REASON *" and "* SOURCE", so one
  array overlap answers "a flag of one of these reasons set by this source". Common
  kinds are met within the first rows of a sort's index; the GIN indexes serve rare
  ones when the filter names a scope (one side's kinds only).
- A trigram index on OrderFacts.search_keys (pg_trgm): the search's LIKE reads the
  index instead of every queued order's keys (a text of fewer than three characters
  gives no trigram, and still reads them all).
- ReasonCount: active flags per reason for attentionReasonCounts, as rows of changes
  that are summed: a statement-level trigger on the flag table inserts one row per
  reason a statement changes, and queue.reason_counts folds them into one row per
  reason once there are many. Inserts only, so two transactions setting flags of the
  same reasons never wait on (or deadlock over) a shared counter row.
"""
from django.db import migrations, models
import django.contrib.postgres.fields

from saleor_attention.line import ORDER_CREATED_FIELD

from ._triggers import flag_row_triggers

# Saleor's order table and its order-date column (`created` on 2.10, `created_at` on
# 3.x); the primary keys are named alike on both lines.
PLACED_FUNCTION = f"""
CREATE FUNCTION saleor_attention_facts_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.placed_at IS NULL THEN
        SELECT o.{ORDER_CREATED_FIELD} INTO NEW.placed_at FROM order_order o
        WHERE o.id = NEW.order_id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER saleor_attention_facts_placed
BEFORE INSERT ON saleor_attention_orderfacts FOR EACH ROW
EXECUTE PROCEDURE saleor_attention_facts_placed();
"""
DROP_PLACED_FUNCTION = """
DROP TRIGGER saleor_attention_facts_placed ON saleor_attention_orderfacts;
DROP FUNCTION saleor_attention_facts_placed();
"""

# The kinds of the active flags that one order has of its own (`flag_of` names them
# by order), or one subscription: null without any. queue.py's _kinds() makes the
# filter's side of these tokens.
def _kinds_of(flag_of: str) -> str:
    return f"""(SELECT array_agg(DISTINCT kind ORDER BY kind)::text[]
        FROM saleor_attention_flag flag,
             unnest(ARRAY[flag.reason || ' ' || flag.source, flag.reason || ' *',
                          '* ' || flag.source]) AS kind
        WHERE flag.status = 'ACTIVE' AND {flag_of})"""


def _order_flags(order: str) -> str:
    return f"flag.order_id = {order} AND flag.scope = 'ORDER'"


def _subscription_flags(subscription: str) -> str:
    return f"flag.subscription = {subscription} AND flag.scope = 'SUBSCRIPTION'"


# Read again, not patched, on every change: a released flag's kinds may be another
# active flag's too. "…_kinds_…" fires after 0008's "…_counted_…" (triggers of one
# event fire in name order), which has made the facts row by then.
KINDS_FUNCTION = """
CREATE FUNCTION saleor_attention_flag_kinds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN""" + "".join(
    f"""
    IF {condition} AND {row}.status = 'ACTIVE' THEN
        IF {row}.scope = 'ORDER' AND {row}.order_id IS NOT NULL THEN
            UPDATE saleor_attention_orderfacts
            SET flag_kinds = {_kinds_of(_order_flags(f"{row}.order_id"))}
            WHERE order_id = {row}.order_id;
        ELSIF {row}.scope = 'SUBSCRIPTION' AND {row}.subscription <> '' THEN
            UPDATE saleor_attention_subscriptionfacts
            SET flag_kinds = {_kinds_of(_subscription_flags(f"{row}.subscription"))}
            WHERE subscription = {row}.subscription;
        END IF;
    END IF;"""
    for row, condition in [("OLD", "TG_OP <> 'INSERT'"), ("NEW", "TG_OP <> 'DELETE'")]
) + """
    RETURN NULL;
END $$;
""" + flag_row_triggers("saleor_attention_flag_kinds", "saleor_attention_flag_kinds", (
    "status", "scope", "order_id", "subscription", "reason", "source"))
DROP_KINDS_FUNCTION = """
DROP TRIGGER saleor_attention_flag_kinds_update ON saleor_attention_flag;
DROP TRIGGER saleor_attention_flag_kinds_insert ON saleor_attention_flag;
DROP FUNCTION saleor_attention_flag_kinds();
"""

# One statement's change of active flags per reason, from its transition tables (one
# trigger per event: PostgreSQL allows transition tables only so, and on UPDATE only
# without a column list; an update that changes no active flag's reason nets zero and
# writes nothing).
_COUNT_CHANGE = {
    "INSERT": "SELECT reason, 1 FROM added WHERE status = 'ACTIVE'",
    "DELETE": "SELECT reason, -1 FROM removed WHERE status = 'ACTIVE'",
    "UPDATE": """SELECT reason, 1 FROM added WHERE status = 'ACTIVE'
                 UNION ALL SELECT reason, -1 FROM removed WHERE status = 'ACTIVE'""",
}
_TRANSITIONS = {
    "INSERT": "NEW TABLE AS added",
    "DELETE": "OLD TABLE AS removed",
    "UPDATE": "OLD TABLE AS removed NEW TABLE AS added",
}
COUNT_FUNCTIONS = "".join(
    f"""
CREATE FUNCTION saleor_attention_reasons_{event.lower()}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO saleor_attention_reasoncount (reason, flags)
    SELECT reason, sum(change) FROM ({select}) AS changes (reason, change)
    GROUP BY reason HAVING sum(change) <> 0;
    RETURN NULL;
END $$;

CREATE TRIGGER saleor_attention_reasons_{event.lower()}
AFTER {event} ON saleor_attention_flag REFERENCING {_TRANSITIONS[event]}
FOR EACH STATEMENT EXECUTE PROCEDURE saleor_attention_reasons_{event.lower()}();
"""
    for event, select in _COUNT_CHANGE.items()
)
DROP_COUNT_FUNCTIONS = "".join(
    f"""
DROP TRIGGER saleor_attention_reasons_{event.lower()} ON saleor_attention_flag;
DROP FUNCTION saleor_attention_reasons_{event.lower()}();
"""
    for event in _COUNT_CHANGE
)

# attentionOrders(sortBy: CREATED), the two parts of the queue as 0010's planned-date
# indexes; the filters' kinds (rare ones) and the search's trigrams.
INDEXES = """
CREATE INDEX attention_facts_placed_flagged ON saleor_attention_orderfacts
    (placed_at, order_id) WHERE active_flags > 0;
CREATE INDEX attention_facts_placed_subscribed ON saleor_attention_orderfacts
    (placed_at, order_id) WHERE subscription <> '';
CREATE INDEX attention_facts_kinds ON saleor_attention_orderfacts
    USING gin (flag_kinds) WHERE active_flags > 0;
CREATE INDEX attention_subscription_kinds ON saleor_attention_subscriptionfacts
    USING gin (flag_kinds) WHERE active_flags > 0;
CREATE INDEX attention_facts_search ON saleor_attention_orderfacts
    USING gin (search_keys gin_trgm_ops);
"""
DROP_INDEXES = """
DROP INDEX attention_facts_search;
DROP INDEX attention_subscription_kinds;
DROP INDEX attention_facts_kinds;
DROP INDEX attention_facts_placed_subscribed;
DROP INDEX attention_facts_placed_flagged;
"""

# The orders, subscriptions and active flags there are when the plugin is upgraded.
EXISTING = f"""
UPDATE saleor_attention_orderfacts AS facts
SET placed_at = o.{ORDER_CREATED_FIELD},
    flag_kinds = CASE WHEN facts.active_flags > 0
                 THEN {_kinds_of(_order_flags("facts.order_id"))} END
FROM order_order o WHERE o.id = facts.order_id;

UPDATE saleor_attention_subscriptionfacts AS facts
SET flag_kinds = {_kinds_of(_subscription_flags("facts.subscription"))}
WHERE active_flags > 0;

INSERT INTO saleor_attention_reasoncount (reason, flags)
SELECT reason, count(*) FROM saleor_attention_flag WHERE status = 'ACTIVE'
GROUP BY reason;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0013_subscription_due_dates"),
    ]

    operations = [
        # Never dropped on the way back: Saleor 3's own search indexes use it too.
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        migrations.AddField(
            model_name="orderfacts",
            name="placed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        *[
            migrations.AddField(
                model_name=model,
                name="flag_kinds",
                field=django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), blank=True, editable=False,
                    null=True, size=None,
                ),
            )
            for model in ("orderfacts", "subscriptionfacts")
        ],
        migrations.CreateModel(
            name="ReasonCount",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("reason", models.CharField(max_length=64)),
                ("flags", models.IntegerField()),
            ],
        ),
        migrations.RunSQL(PLACED_FUNCTION, DROP_PLACED_FUNCTION),
        migrations.RunSQL(KINDS_FUNCTION, DROP_KINDS_FUNCTION),
        migrations.RunSQL(COUNT_FUNCTIONS, DROP_COUNT_FUNCTIONS),
        migrations.RunSQL(INDEXES, DROP_INDEXES),
        # Last: PostgreSQL refuses schema changes after rows were written (0010).
        migrations.RunSQL(EXISTING, migrations.RunSQL.noop),
    ]
