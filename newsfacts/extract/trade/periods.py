"""The time a figure is about: the date mention that governs it in its clause or sentence."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from newsfacts.extract.types import DateMention

_COMPARED = re.compile(
    r"(?:по\s+сравнению\s+с(?:о)?|чем|против|относительно|рекорд\w*|уровн\w+|показател\w+)(?:\s+\w+){0,2}\s*$"
)


def _period(
    norm: str, dates: list[DateMention], lo: int, hi: int, s0: int, s1: int, pos: int
) -> DateMention | None:
    """The date that governs a figure at ``pos``: the nearest in its clause share (``lo``..``hi``), else the
    nearest in its sentence; never the base of a comparison ("на 2,6% больше, чем в 1978 году", "по
    сравнению с 2015 годом")."""
    for a, b in ((lo, hi), (s0, s1)):
        inside = [
            d
            for d in dates
            if d.start_char >= a
            and d.end_char <= b
            and not _COMPARED.search(norm, max(s0, d.start_char - 40), d.start_char)
        ]
        if inside:
            return min(inside, key=lambda d: min(abs(d.start_char - pos), abs(d.end_char - pos)))
    return None


def _in_context_year(d: DateMention, dates: list[DateMention]) -> tuple[date, date] | None:
    """A month or day without a year ("11 сентября", "в сентябре") in the year the context makes clear: the
    year of the nearest dated mention before it (CONVENTIONS.md); None when there is none or it is relative."""
    if d.start_date is not None or d.is_relative or d.month is None:
        return None
    before = [e for e in dates if e.end_char <= d.start_char and e.year_known and e.start_date is not None]
    if not before:
        return None
    year = max(before, key=lambda e: e.end_char).start_date.year  # type: ignore[union-attr]
    if d.granularity == "day" and d.day is not None:
        try:
            day = date(year, d.month, d.day)
        except ValueError:
            return None
        return day, day
    if d.granularity == "month":
        last = monthrange(year, d.month)[1]
        return date(year, d.month, 1), date(year, d.month, last)
    return None


_PERIOD_REACH = 1  # a fact with no date of its own takes the period of a fact this many sentences before


# ... unless its sentence sets a time of its own that the date extractor leaves undated, or imagines one
_OWN_TIME = re.compile(
    r"(?<!\w)(?:ранее|раньше|сейчас|сегодня|теперь|тогда|по\s+итогам\s+года|в\s+будущем|в\s+перспективе|"
    r"в\s+случае|если)(?!\w)"
)
