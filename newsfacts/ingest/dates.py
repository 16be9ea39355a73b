"""Publication dates from header values, JSON metadata fields and URLs (never from the clock)."""

from __future__ import annotations

import datetime
import re
from email.utils import parsedate_to_datetime

_MIN_YEAR = 1900
_MAX_YEAR = 2100

_RU_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_RU_TEXT = re.compile(
    r"(?<!\d)(\d{1,2})\s+(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|"
    r"сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})([/-])(\d{1,2})\2(\d{1,2})(?=[/_.-]|$)")


def _make(year: int, month: int, day: int) -> datetime.date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _ru_month(word: str) -> int:
    word = word.lower()
    for stem, month in sorted(_RU_MONTHS.items(), key=lambda kv: -len(kv[0])):
        if word.startswith(stem):
            return month
    return 0


def parse_date_value(value: object) -> datetime.date | None:
    """A calendar date from a metadata value: ISO date/datetime, DD.MM.YYYY, '12 апреля 2024', RFC 822
    (RSS pubDate) or a Unix timestamp in seconds. None if the value gives no unambiguous valid date."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if not 0 < value < 4_102_444_800:  # up to 2100-01-01
            return None
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC).date()
    if not isinstance(value, str):
        return None
    text = value.strip()[:200]
    if m := _ISO.search(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.search(text):
        return _make(int(m[3]), int(m[2]), int(m[1]))
    if m := _RU_TEXT.search(text):
        return _make(int(m[3]), _ru_month(m[2]), int(m[1]))
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _make(parsed.year, parsed.month, parsed.day)


def date_from_url(url: str | None) -> datetime.date | None:
    """The date a URL path carries, e.g. ``/2024/04/12/`` or ``/2017-04-18/``; None if it has none."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    return _make(int(m[1]), int(m[3]), int(m[4]))
