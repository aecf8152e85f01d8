"""A searched text of two characters read from an index.

pg_trgm makes no trigram of a text shorter than three characters, so the trigram
index of 0014 cannot answer `山田` or `太郎` (Japanese family and given names are
very often two characters), and the queue compared every order's keys with it: the
whole queue when no order matches. This index holds each order's pairs of
characters, every two adjacent characters within one of its search keys (never
across the tabs between them): a text of two characters is a part of a key exactly
when it is one of the key's pairs, so the index answers such a search whole, with
the search's meaning unchanged.

Only for the orders a queue's search reads (with active flags of their own, or in a
subscription, whose flags may put them in the queue): every other order's facts row
is written without computing its pairs, a new order's at checkout among them. Each
pair once per key (no DISTINCT: GIN stores an array's equal elements once).
"""
from django.db import migrations

PAIRS_FUNCTION = r"""
CREATE FUNCTION saleor_attention_key_pairs(keys text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(substr(key, start, 2))
    FROM unnest(string_to_array(keys, E'\t')) AS key,
         generate_series(1, length(key) - 1) AS start
$$;

-- Checks an earlier migration's writes left deferred (run in one transaction, as
-- tests do) would refuse the index: PostgreSQL alters no table with events pending.
SET CONSTRAINTS ALL IMMEDIATE;
CREATE INDEX attention_facts_search_pairs ON saleor_attention_orderfacts
    USING gin (saleor_attention_key_pairs(search_keys))
    WHERE active_flags > 0 OR subscription <> '';
SET CONSTRAINTS ALL DEFERRED;
"""
DROP_PAIRS_FUNCTION = """
SET CONSTRAINTS ALL IMMEDIATE;
DROP INDEX attention_facts_search_pairs;
DROP FUNCTION saleor_attention_key_pairs(text);
SET CONSTRAINTS ALL DEFERRED;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0020_flag_webhooks"),
    ]

    operations = [
        migrations.RunSQL(PAIRS_FUNCTION, DROP_PAIRS_FUNCTION),
    ]
