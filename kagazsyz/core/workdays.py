"""Legal deadlines in working days: weekends and the Kyrgyz Republic's public holidays do not count.

The holidays come from the ``holidays`` package (its KG calendar, including the estimated dates of
Orozo Ait and Kurman Ait); a change of the law is a package upgrade, not a code change.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

COUNTRY = "KG"


@cache
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date by which ``days`` working days after ``start`` have passed.

    The day of submission does not count (a deadline of 1 working day for a Friday submission
    ends on Monday); a deadline of 0 days ends on the next working day on or after ``start``.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=offset))
    )
