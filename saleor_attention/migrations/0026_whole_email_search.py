"""A whole email address searched in the queue, read from an index of the email key.

A search of part of an email reads the trigram index of 0014, which must go through
the posting list of every trigram of the text: a mailbox that shares a word with
most customers' (a shop's `info`, `order`, or the benchmark's `queue-N`) reads most
of the index (27-40 ms at 1,000,000 flags). A whole address (mailbox@domain) is one
key: this index finds its orders in one probe.

An order's email key is the first of its search keys (0010's
saleor_attention_order_search_keys puts it there, empty when the order has none), so
the second field between tabs. Only for the orders a queue's search reads, as the
pair index of 0021.
"""
from django.db import migrations

EMAIL_INDEX = r"""
SET CONSTRAINTS ALL IMMEDIATE;
CREATE INDEX attention_facts_search_email ON saleor_attention_orderfacts
    (split_part(search_keys, E'\t', 2))
    WHERE active_flags > 0 OR subscription <> '';
SET CONSTRAINTS ALL DEFERRED;
"""
DROP_EMAIL_INDEX = """
SET CONSTRAINTS ALL IMMEDIATE;
DROP INDEX attention_facts_search_email;
SET CONSTRAINTS ALL DEFERRED;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0025_active_subscription_flags"),
    ]

    operations = [
        migrations.RunSQL(EMAIL_INDEX, DROP_EMAIL_INDEX),
    ]
