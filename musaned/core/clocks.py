"""Clocks in working days: Sunday to Thursday, less the public holidays that staff keep in
the ``Holiday`` table (``musaned/core/models.py``). The complaints' service levels and the
recruitment offices' windows to answer a request both count with them."""

import datetime as dt
from collections.abc import Iterable

from musaned.core.models import Holiday

# Monday is 0 in Python: Friday (4) and Saturday (5) are the Saudi weekend.
WEEKEND = frozenset({4, 5})


def is_working_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in set(holidays)


def add_working_days(
    start: dt.datetime, days: int, holidays: Iterable[dt.date] = ()
) -> dt.datetime:
    """The same time of day, ``days`` working days after ``start``.

    A start on a weekend or holiday counts from the next working day, so a complaint
    filed on Friday evening is due as if filed on Sunday.
    """
    holidays = set(holidays)
    current = start
    while not is_working_day(current.date(), holidays):
        current = (current + dt.timedelta(days=1)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current.date(), holidays):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, holidays: Iterable[dt.date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    holidays = set(holidays)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def holidays_from(start: dt.date) -> list[dt.date]:
    """The public holidays on or after ``start``."""
    return list(Holiday.objects.filter(date__gte=start).values_list("date", flat=True))
