"""How scheduled work (renewals, charges) goes through its due rows: a batch at a
time, by date then id, each batch after the last row of the one before, so a row a
run leaves due (held, refused, declined) is not read again by the same run."""
from __future__ import annotations

import datetime
from typing import List, Optional, Tuple

from django.db.models import Q, QuerySet

BATCH = 200
# Where a row stands in a run: its date, its id.
Position = Tuple[datetime.date, int]


def positions(rows: QuerySet, date_field: str, limit: int = BATCH,
              after: Optional[Position] = None) -> List[Position]:
    """(date, id) of up to `limit` of the rows, earliest first, after `after`."""
    if after is not None:
        date, pk = after
        rows = rows.filter(Q(**{f"{date_field}__gt": date}) | Q(**{date_field: date, "pk__gt": pk}))
    return list(rows.order_by(date_field, "pk").values_list(date_field, "pk")[:limit])
