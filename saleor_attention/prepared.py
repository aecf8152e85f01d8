"""Reads a staff screen repeats, kept prepared on the database connection.

A queue page's statements take PostgreSQL longer to plan than to run (the orders'
five-table join, the page's union of two index walks). Inside `statements()`, a read
this connection has already made once runs as a prepared statement (PREPARE, then
EXECUTE), whose plan PostgreSQL keeps for the connection's life and reuses once it
has seen that a plan for any values costs no more (its plan_cache_mode).

Only where that holds and is safe:
- PostgreSQL connections that Django keeps open between requests (CONN_MAX_AGE not
  0): a connection closed after each request would prepare for nothing;
- not where the database entry sets DISABLE_SERVER_SIDE_CURSORS, Django's flag for
  transaction-pooling poolers such as PgBouncer, which may run the EXECUTE on another
  server connection than the PREPARE; nor where psycopg 3 binds parameters on the
  server (it prepares repeated statements itself);
- outside transactions, so that a statement the database cannot prepare, or one it
  forgot, is run again as it is instead of breaking the transaction.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from contextlib import contextmanager
from typing import Optional, Sequence

from django.db import DatabaseError, connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# Prepared statements one connection keeps (the least recently used is dropped), and
# statements seen once that it remembers, waiting for a second use.
MAX_PREPARED = 32
MAX_SEEN = 64
NAME_PREFIX = "attention_"
# PostgreSQL's codes for a prepared statement that is gone (a pooler, DISCARD ALL) or
# whose result columns changed since (a migration).
_GONE = {"26000", "0A000"}
_PLACEHOLDER = re.compile(r"%(s|%)")
_CODE = re.compile(r"[A-Z_]+")


@contextmanager
def statements():
    """Within: reads this connection repeats run prepared (see the module's text)."""
    if not _worth_it():
        yield
        return
    with connection.execute_wrapper(_execute):
        yield


def any_of(model, field_name: str, values: Sequence, **written: str) -> RawSQL:
    """A filter: the model's field is one of `values`, and each field named in
    `written` has that value. The values are passed as one array that the statement
    reads in a sub-select when it runs, so PostgreSQL makes the same plan whatever
    they are; the `written` values (codes of the plugin's own choices) are written
    into the statement, so that a plan for any values can still read the partial
    indexes they name. PostgreSQL then keeps the prepared statement's plan: with
    either in sight, a plan for these values looked cheaper than one for any, and it
    planned each call anew (a queue page's flags: 0.9 ms a read, 0.5 ms kept). One
    text for any number of values, too."""
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    field = model._meta.get_field(field_name)
    # The type a column referring to it has: a foreign key's is its target's, a
    # serial's is integer. ARRAY(SELECT …) is the array itself (ANY of a bare
    # sub-select would compare with each of its rows).
    array = f"ARRAY(SELECT unnest(CAST(%s AS {field.rel_db_type(connection)}[])))"
    conditions = [f"{column(field_name)} = ANY({array})"]
    for name, value in written.items():
        if not _CODE.fullmatch(value):
            raise ValueError(f"Not a code to write into a statement: {value!r}")
        conditions.append(f"{column(name)} = '{value}'")
    return RawSQL(" AND ".join(conditions), [list(values)], BooleanField())


def _worth_it() -> bool:
    entry = connection.settings_dict
    return (
        connection.vendor == "postgresql"
        and entry.get("CONN_MAX_AGE") != 0
        and not entry.get("DISABLE_SERVER_SIDE_CURSORS")
        and not (entry.get("OPTIONS") or {}).get("server_side_binding")
    )


def _execute(execute, sql, params, many, context):
    if many or connection.in_atomic_block:
        return execute(sql, params, many, context)
    kept = _Kept.of(connection)
    if sql in kept.names:
        name = kept.used(sql)
    elif kept.seen_before(sql):
        name = _prepare(execute, kept, sql, params, context)
    else:
        name = None
    if name is None:
        return execute(sql, params, many, context)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    try:
        return execute(f"EXECUTE {name}{arguments}", params or None, False, context)
    except DatabaseError as error:
        if _state(error) not in _GONE:
            raise
        kept.forget()
        return execute(sql, params, many, context)


def _prepare(execute, kept: "_Kept", sql: str, params, context) -> Optional[str]:
    """PREPARE a read used a second time, under a new name; None for one that cannot
    be (not a read with %s placeholders, or types the database cannot work out): it
    runs as it is from then on."""
    name = None
    numbered = _numbered(sql, params)
    if numbered is not None:
        name = kept.new_name()
        try:
            execute(f"PREPARE {name} AS {numbered}", None, False, context)
        except DatabaseError:
            name = None
    dropped = kept.keep(sql, name)
    if dropped is not None:
        execute(f"DEALLOCATE {dropped}", None, False, context)
    return name


def _numbered(sql: str, params) -> Optional[str]:
    """A read with Django's %s placeholders, as PostgreSQL's $1, $2, ... (and %% as
    %); None for anything else (a write, named placeholders)."""
    verb = sql.lstrip()[:6].upper()
    if not verb.startswith(("SELECT", "WITH")) or isinstance(params, dict):
        return None
    count = 0

    def number(match):
        nonlocal count
        if match.group(1) == "%":
            return "%"
        count += 1
        return f"${count}"

    numbered = _PLACEHOLDER.sub(number, sql)
    return numbered if count == len(params or ()) else None


def _state(error: DatabaseError) -> Optional[str]:
    cause = error.__cause__
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)


class _Kept:
    """What one open database connection has prepared, by statement text (None for a
    statement it could not prepare), least recently used first."""

    def __init__(self, raw):
        self.raw = raw  # the driver's connection: a new one has prepared nothing
        self.names: "OrderedDict[str, Optional[str]]" = OrderedDict()
        self.seen: "OrderedDict[str, None]" = OrderedDict()
        self.serial = 0

    @classmethod
    def of(cls, wrapper) -> "_Kept":
        kept = getattr(wrapper, "_attention_prepared", None)
        if kept is None or kept.raw is not wrapper.connection:
            kept = wrapper._attention_prepared = cls(wrapper.connection)
        return kept

    def used(self, sql: str) -> Optional[str]:
        self.names.move_to_end(sql)
        return self.names[sql]

    def seen_before(self, sql: str) -> bool:
        """Whether the statement was used once already; else it is remembered."""
        if sql in self.seen:
            del self.seen[sql]
            return True
        self.seen[sql] = None
        if len(self.seen) > MAX_SEEN:
            self.seen.popitem(last=False)
        return False

    def new_name(self) -> str:
        self.serial += 1
        return f"{NAME_PREFIX}{self.serial}"

    def keep(self, sql: str, name: Optional[str]) -> Optional[str]:
        """Keep the statement's name; the prepared name dropped to make room, if any."""
        dropped = None
        if len(self.names) >= MAX_PREPARED:
            _oldest, dropped = self.names.popitem(last=False)
        self.names[sql] = name
        return dropped

    def forget(self) -> None:
        """After the database lost a statement or its plan no longer fits: prepare
        anew under new names (what the database may still hold goes with the
        connection)."""
        self.names.clear()
