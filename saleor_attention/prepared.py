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
from typing import Optional, Tuple

from django.db import DatabaseError, connection

# Prepared statements one connection keeps (the least recently used is dropped), and
# statements seen once that it remembers, waiting for a second use.
MAX_PREPARED = 32
MAX_SEEN = 64
NAME_PREFIX = "attention_"
# PostgreSQL's codes for a prepared statement that is gone (a pooler, DISCARD ALL) or
# whose result columns changed since (a migration).
_GONE = {"26000", "0A000"}
_PLACEHOLDER = re.compile(r"%(s|%)")


@contextmanager
def statements():
    """Within: reads this connection repeats run prepared (see the module's text)."""
    if not _worth_it():
        yield
        return
    with connection.execute_wrapper(_execute):
        yield


def _worth_it() -> bool:
    entry = connection.settings_dict
    return (
        connection.vendor == "postgresql"
        and entry.get("CONN_MAX_AGE") != 0
        and not entry.get("DISABLE_SERVER_SIDE_CURSORS")
        and not (entry.get("OPTIONS") or {}).get("server_side_binding")
    )


def _execute(execute, sql, params, many, context):
    numbered = _numbered(sql, params)
    if many or numbered is None or connection.in_atomic_block:
        return execute(sql, params, many, context)
    kept = _Kept.of(connection)
    name, dropped = kept.name_for(sql)
    if dropped is not None:
        execute(f"DEALLOCATE {dropped}", None, False, context)
    if name is None:
        return execute(sql, params, many, context)
    if name not in kept.ready:
        try:
            execute(f"PREPARE {name} AS {numbered}", None, False, context)
        except DatabaseError:
            kept.refuse(sql)  # types it cannot work out, say: it runs as it is
            return execute(sql, params, many, context)
        kept.ready.add(name)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    try:
        return execute(f"EXECUTE {name}{arguments}", params or None, False, context)
    except DatabaseError as error:
        if _state(error) not in _GONE:
            raise
        kept.forget()
        return execute(sql, params, many, context)


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
    """What one open database connection has prepared, by statement text."""

    def __init__(self, raw):
        self.raw = raw  # the driver's connection: a new one has prepared nothing
        self.names: "OrderedDict[str, Optional[str]]" = OrderedDict()
        self.ready = set()
        self.seen: "OrderedDict[str, None]" = OrderedDict()
        self.serial = 0

    @classmethod
    def of(cls, wrapper) -> "_Kept":
        kept = getattr(wrapper, "_attention_prepared", None)
        if kept is None or kept.raw is not wrapper.connection:
            kept = wrapper._attention_prepared = cls(wrapper.connection)
        return kept

    def name_for(self, sql: str) -> Tuple[Optional[str], Optional[str]]:
        """The statement's name once it is used a second time (None before, and for
        one the database refused to prepare), and the name of a prepared statement
        dropped to make room for it."""
        if sql in self.names:
            self.names.move_to_end(sql)
            return self.names[sql], None
        if sql not in self.seen:
            self.seen[sql] = None
            if len(self.seen) > MAX_SEEN:
                self.seen.popitem(last=False)
            return None, None
        del self.seen[sql]
        dropped = None
        if len(self.names) >= MAX_PREPARED:
            _oldest, dropped = self.names.popitem(last=False)
            if dropped not in self.ready:
                dropped = None  # refused, or never prepared: nothing to drop
            self.ready.discard(dropped)
        self.serial += 1
        name = self.names[sql] = f"{NAME_PREFIX}{self.serial}"
        return name, dropped

    def refuse(self, sql: str) -> None:
        self.names[sql] = None

    def forget(self) -> None:
        """After the database lost a statement or its plan no longer fits: prepare
        anew under new names (what the database may still hold goes with the
        connection)."""
        self.names.clear()
        self.ready.clear()
