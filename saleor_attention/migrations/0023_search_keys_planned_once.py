"""An order's search keys, computed when its first flags are inserted, in PL/pgSQL.

0010 wrote `saleor_attention_order_search_keys` in SQL. PostgreSQL plans the query of
an SQL function that it cannot inline anew on every call: the flags trigger (0022)
paid that planning each time an order entered the queue, about a third of the
function's time. A PL/pgSQL function keeps its plan for the session. The query is
0010's, unchanged.
"""
import importlib

from django.db import migrations

_QUEUE = importlib.import_module("saleor_attention.migrations.0010_attention_orders_queue")
_NAME = "CREATE FUNCTION saleor_attention_order_search_keys"
# 0010's definition: "...(order_key anyelement) RETURNS text\nLANGUAGE sql STABLE AS $$ <query> $$;"
AS_SQL = (_NAME + _QUEUE.KEY_FUNCTIONS.split(_NAME)[1]).replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
)
_HEAD, _QUERY, _TAIL = AS_SQL.split("$$")
AS_PLPGSQL = (
    _HEAD.replace("LANGUAGE sql", "LANGUAGE plpgsql")
    + f"$$\nBEGIN\n    RETURN ({_QUERY.strip()});\nEND $${_TAIL}"
)


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0022_one_facts_write"),
    ]

    operations = [
        migrations.RunSQL(AS_PLPGSQL, AS_SQL),
    ]
