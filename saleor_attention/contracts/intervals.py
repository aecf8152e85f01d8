"""How often a contract ships, and the date after a shipping date. Pure: no database."""
from __future__ import annotations

import calendar
import datetime

DAY = "DAY"
WEEK = "WEEK"
MONTH = "MONTH"
# The longest interval of each unit: a year.
LONGEST = {DAY: 365, WEEK: 52, MONTH: 12}


def problem(count: int, unit: str) -> str:
    """Why (count, unit) is not an interval, or "" when it is one."""
    if unit not in LONGEST:
        return f"The interval's unit must be one of {', '.join(LONGEST)}."
    if not 1 <= count <= LONGEST[unit]:
        return f"An interval in {unit.lower()}s is 1 to {LONGEST[unit]} of them."
    return ""


def after(date: datetime.date, count: int, unit: str, day_of_month: int = 0) -> datetime.date:
    """The shipping date one interval after `date`. Months fall on `day_of_month`
    (the contract's, else `date`'s day), or on the month's last day when it is
    shorter: 31 January, 28 February, 31 March — never drifting to the 28th."""
    if unit == DAY:
        return date + datetime.timedelta(days=count)
    if unit == WEEK:
        return date + datetime.timedelta(weeks=count)
    months = date.year * 12 + date.month - 1 + count
    year, month = divmod(months, 12)
    day = min(day_of_month or date.day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)
