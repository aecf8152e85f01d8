"""SQL statements made comparable (values blanked) and printable (column lists cut)."""
import re
from contextlib import contextmanager
from typing import Optional

_SAVEPOINT = re.compile(r'"s\d+_x\d+"')
# Server-side cursors (Saleor 3 iterates some querysets with them) carry a serial name.
_CURSOR = re.compile(r'"_django_curs_\d+_sync_\d+"')
_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w\"])\d+(?:\.\d+)?")
_COLUMNS = re.compile(r"^SELECT (.+?) FROM ", re.S)
_TRANSACTION_CONTROL = {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}


def is_transaction_control(sql: str) -> bool:
    """SAVEPOINT, RELEASE SAVEPOINT and the like: statements that touch no data."""
    return sql.split(None, 1)[0].upper() in _TRANSACTION_CONTROL


def shape(sql: str) -> str:
    """The statement with its values (ids, strings, savepoint names) blanked out."""
    return _LITERAL.sub("?", _CURSOR.sub('"cursor"', _SAVEPOINT.sub('"sp"', sql)))


def abridged(sql: str, width: Optional[int] = None) -> str:
    """A statement short enough to print: long column lists are counted, not listed."""
    match = _COLUMNS.match(sql)
    if match and match.group(1).count(",") > 3:
        columns = match.group(1).count(",") + 1
        sql = f"SELECT <{columns} columns> FROM " + sql[match.end():]
    return sql if width is None or len(sql) <= width else sql[: width - 3] + "..."


@contextmanager
def capturing():
    """django.test.utils.CaptureQueriesContext on the default connection, its query log
    emptied first: Django keeps only the last 9,000 statements, and once that log is
    full a capture sees none of its own (it slices the log by length)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        yield captured
