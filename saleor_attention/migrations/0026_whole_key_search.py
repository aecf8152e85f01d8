"""A whole email address or phone number searched in the queue, read from an index of
that key alone.

A search reads the trigram index of 0014, which goes through the posting list of
every trigram of the text: a mailbox that shares a word with most customers' (a
shop's `info` or `order`, the benchmark's `queue-N`) reads most of the index
(27-40 ms at 1,000,000 flags), and so do the digits of a phone number. A whole
address or number is one key: these indexes find its orders in one probe each.

An order's keys are always the same seven fields between tabs (0010's
saleor_attention_order_search_keys; a field is empty when the order has none): the
email second, the billing address's phone fifth, the shipping address's eighth.
Only for the orders a queue's search reads, as the pair index of 0021.
"""
from django.db import migrations

FIELDS = {"email": 2, "billing_phone": 5, "shipping_phone": 8}

INDEXES = "\n".join(
    rf"""CREATE INDEX attention_facts_search_{name} ON saleor_attention_orderfacts
    (split_part(search_keys, E'\t', {field}))
    WHERE active_flags > 0 OR subscription <> '';"""
    for name, field in FIELDS.items()
)
DROP_INDEXES = "\n".join(f"DROP INDEX attention_facts_search_{name};" for name in FIELDS)


def _immediate(sql: str) -> str:
    """Checks an earlier migration's writes left deferred (run in one transaction, as
    tests do) would refuse the index: PostgreSQL alters no table with events pending."""
    return f"SET CONSTRAINTS ALL IMMEDIATE;\n{sql}\nSET CONSTRAINTS ALL DEFERRED;"


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_attention", "0025_active_subscription_flags"),
    ]

    operations = [
        migrations.RunSQL(_immediate(INDEXES), _immediate(DROP_INDEXES)),
    ]
