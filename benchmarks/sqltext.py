"""SQL statements made comparable (values blanked) and printable (column lists cut)."""
import re
from typing import Optional

_SAVEPOINT = re.compile(r'"s\d+_x\d+"')
# Server-side cursors (Saleor 3 iterates some querysets with them) carry a serial name.
_CURSOR = re.compile(r'"_django_curs_\d+_sync_\d+"')
_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w\"])\d+(?:\.\d+)?")
_COLUMNS = re.compile(r"^SELECT (.+?) FROM ", re.S)


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
