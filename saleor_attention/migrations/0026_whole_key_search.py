"""An email or a whole phone number searched in the queue, read from an index of that
key alone.

A search reads the trigram index of 0014, which goes through the posting list of
every trigram of the text: a mailbox that shares a word with most customers' (a
shop's `info` or `order`, the benchmark's `queue-N`) reads most of the index
(27-40 ms at 1,000,000 flags), and so do the digits of a phone number. A phone number
is one key; an email searched whole or across its @ (`taro@`, `taro@exam`) belongs to
a mailbox that is, or ends with, the text's part before the @: a range of an index of
the mailboxes reversed.

An order's keys are always the same seven fields between tabs (0010's
saleor_attention_order_search_keys; a field is empty when the order has none): the
email second, the billing address's phone fifth, the shipping address's eighth.
Of every order, unlike the pair index of 0021: PostgreSQL estimates how many orders a
search finds from the statistics of an index's expressions, and keeps none for a
partial index. Guessing a number search finds thousands (the default share), it
walked a whole part of the queue for `first: 1`.
"""
from django.db import migrations

KEYS = {
    "mailbox": r"reverse(split_part(split_part(search_keys, E'\t', 2), '@', 1)) text_pattern_ops",
    "billing_phone": r"split_part(search_keys, E'\t', 5)",
    "shipping_phone": r"split_part(search_keys, E'\t', 8)",
}

INDEXES = "\n".join(
    f"CREATE INDEX attention_facts_search_{name} ON saleor_attention_orderfacts ({key});"
    for name, key in KEYS.items()
)
DROP_INDEXES = "\n".join(f"DROP INDEX attention_facts_search_{name};" for name in KEYS)


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
