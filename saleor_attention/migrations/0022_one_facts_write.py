"""Flags inserted together write their order's facts row once.

An INSERT of k flags fired two row-level triggers per flag (0008's count, 0014's
kinds; and 0013's due date for a dated one), each making a new version of the order's
facts row, then 0015's statement trigger (age and search keys): 2k + 1 versions of
one row in one statement, each written into every index of the row (the search keys'
trigram and pair GIN indexes among them), most of what raising flags cost. Inserts
now run the statement-level trigger alone: per order (and per subscription) one
INSERT … ON CONFLICT that counts the new active flags, takes the kinds of its active
flags, its age, its due date and its search keys, and makes a missing facts row as
0008's count did. Deletes and updates keep their row-level triggers and functions.
"""
import importlib

from django.db import migrations

# 0014's reading of the kinds of the active flags of `flag_of`.
_QUEUE_SPEED = importlib.import_module("saleor_attention.migrations.0014_queue_speed")


def _write_facts(
    table: str, key: str, scope: str, is_set: str, more: dict, new_row: dict
) -> str:
    """One INSERT … ON CONFLICT of the facts rows (of `table`, by `key`) of the flags
    of `scope` inserted, each row once: `more` are its other columns (name: value),
    `new_row` those only a row made here takes (an existing row keeps its own)."""
    columns = {
        "active_flags": "added.flags", "attention_since": "added.since",
        "due_on": "added.due_on",
        "flag_kinds": _QUEUE_SPEED._kinds_of(f"flag.{key} = added.{key} AND flag.scope = '{scope}'"),
        **more,
    }
    merged = {
        "active_flags": "facts.active_flags + EXCLUDED.active_flags",
        "attention_since": "LEAST(facts.attention_since, EXCLUDED.attention_since)",
        "due_on": "LEAST(facts.due_on, EXCLUDED.due_on)",
    }
    written = {**columns, **new_row}
    return f"""
    INSERT INTO {table} AS facts ({key}, {", ".join(written)})
    SELECT added.{key}, {", ".join(written.values())}
    FROM (SELECT {key}, count(*) AS flags, min(created_at) AS since,
                 min(due_on) AS due_on FROM inserted
          WHERE status = 'ACTIVE' AND scope = '{scope}' AND {is_set}
          GROUP BY {key}) added
    ORDER BY added.{key}
    ON CONFLICT ({key}) DO UPDATE SET {", ".join(
        f"{name} = {merged.get(name, f'EXCLUDED.{name}')}" for name in columns)};"""


ONE_WRITE = f"""
CREATE OR REPLACE FUNCTION saleor_attention_flags_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- An order entering the queue, or flagged again, has its search keys taken anew,
    -- and its age is its oldest flag's.{_write_facts(
        "saleor_attention_orderfacts", "order_id", "ORDER", "order_id IS NOT NULL",
        {"search_keys": "saleor_attention_order_search_keys(added.order_id)"},
        {"subscription": "''", "payment_method": "''"},
    )}{_write_facts(
        "saleor_attention_subscriptionfacts", "subscription", "SUBSCRIPTION",
        "subscription <> ''", {}, {},
    )}
    RETURN NULL;
END $$;

DROP TRIGGER saleor_attention_flag_counted_insert ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_counted_delete
AFTER DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_counted();
DROP TRIGGER saleor_attention_flag_kinds_insert ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_kinds_delete
AFTER DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_kinds();
DROP TRIGGER saleor_attention_flag_due_insert ON saleor_attention_flag;
"""

# 0015's function (its CREATE, up to the triggers it made), and 0008's, 0013's and
# 0014's row triggers on inserts again.
_LEAN_HOOKS = importlib.import_module("saleor_attention.migrations.0015_lean_hooks")
ROW_BY_ROW = _LEAN_HOOKS.FLAGS_INSERTED.split("DROP TRIGGER")[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
) + """
DROP TRIGGER saleor_attention_flag_counted_delete ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_counted_insert
AFTER INSERT OR DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_counted();
DROP TRIGGER saleor_attention_flag_kinds_delete ON saleor_attention_flag;
CREATE TRIGGER saleor_attention_flag_kinds_insert
AFTER INSERT OR DELETE ON saleor_attention_flag
FOR EACH ROW EXECUTE PROCEDURE saleor_attention_flag_kinds();
CREATE TRIGGER saleor_attention_flag_due_insert
AFTER INSERT ON saleor_attention_flag
FOR EACH ROW WHEN (NEW.due_on IS NOT NULL) EXECUTE PROCEDURE saleor_attention_flag_due();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0021_search_key_pairs"),
    ]

    operations = [
        migrations.RunSQL(ONE_WRITE, ROW_BY_ROW),
    ]
