"""Calendar arithmetic for the date extractor: periods as inclusive (start, end) date pairs."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

Period = tuple[date, date]

PART_THIRDS = {"early": 0, "mid": 1, "late": 2}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def valid_day(year: int | None, month: int, day: int) -> bool:
    """Whether ``day`` exists in ``month`` (of a leap year when the year is unknown)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year is not None else 2000, month)[1]


def year_period(year: int) -> Period:
    return date(year, 1, 1), date(year, 12, 31)


def month_period(year: int, month: int) -> Period:
    return date(year, month, 1), month_end(year, month)


def months_period(year: int, first: int, last: int) -> Period:
    """Months ``first``..``last`` of ``year``; a first month after the last one starts the year before."""
    start_year = year - 1 if first > last else year
    return date(start_year, first, 1), month_end(year, last)


def quarter_period(year: int, quarter: int) -> Period:
    return months_period(year, 3 * quarter - 2, 3 * quarter)


def half_period(year: int, half: int) -> Period:
    return months_period(year, 6 * half - 5, 6 * half)


def years_period(first: int, last: int) -> Period:
    return date(first, 1, 1), date(last, 12, 31)


def week_period(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def part_of(period: Period, part: str) -> Period:
    """The early/mid/late third of a period (by days; whole years for periods of years)."""
    start, end = period
    third = PART_THIRDS[part]
    if end.year - start.year >= 2:  # decades and centuries: split whole years
        n_years = end.year - start.year + 1
        cuts = [
            start.year,
            start.year + round(n_years / 3),
            start.year + round(2 * n_years / 3),
            end.year + 1,
        ]
        return date(cuts[third], 1, 1), date(cuts[third + 1] - 1, 12, 31)
    if end.year == start.year and start.month == 1 and end.month == 12:  # a year: by months
        cuts_m = [1, 5, 9, 13]
        first, last = cuts_m[third], cuts_m[third + 1] - 1
        return date(start.year, first, 1), month_end(start.year, last)
    days = (end - start).days + 1
    lo = start + timedelta(days=round(days * third / 3))
    hi = start + timedelta(days=round(days * (third + 1) / 3) - 1)
    return lo, hi


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month (31 March - 1 month = 28/29 Feb)."""
    y, mo = shift_months(day.year, day.month, months)
    return date(y, mo, min(day.day, calendar.monthrange(y, mo)[1]))


def season_instance(anchor: date, first: int, last: int, offset: int) -> Period:
    """A season (months ``first``..``last``) relative to ``anchor``: the one holding it, or else the nearest
    (offset 0, "этим летом"); the ``-offset``-th one ended before it ("прошлой осенью"); the ``offset``-th one
    starting after it ("следующей весной" in February is this year's spring)."""
    seasons = [months_period(y, first, last) for y in range(anchor.year - 3, anchor.year + 5)]
    if offset < 0:
        return [p for p in seasons if p[1] < anchor][offset]
    if offset > 0:
        return [p for p in seasons if p[0] > anchor][offset - 1]
    return min(
        seasons,
        key=lambda p: (
            0 if p[0] <= anchor <= p[1] else min(abs((p[0] - anchor).days), abs((p[1] - anchor).days))
        ),
    )


def shift_years_safe(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def nearest_weekday(anchor: date, weekday: int, future: bool, weeks: int = 0) -> date:
    """The ISO ``weekday`` nearest to ``anchor``: not after it (past) or not before it (future).

    ``weeks`` shifts by whole weeks for "в прошлую/следующую пятницу".
    """
    diff = (anchor.isoweekday() - weekday) % 7
    day = anchor + timedelta(days=(7 - diff) % 7) if future else anchor - timedelta(days=diff)
    return day + timedelta(weeks=weeks)


def roman_to_int(text: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    prev = 0
    for ch in reversed(text.upper()):
        if ch not in values:
            return None
        v = values[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None
