"""The time an undated article is written, read from its own text, for the trade facts' relative periods.

CONVENTIONS.md: relative periods ("в прошлом году", "в этом году") resolve on the publication date and stay
null without one -- unless the article's own text makes its time clear. The evidence:

- a weekday with a day and month ("в среду, 24 мая"): of the years the article mentions, the one where that
  day falls on that weekday (2017 for "в среду, 24 мая"); a date where no year or several fit says nothing;
- a reported completed period ("по итогам I квартала 2017 года", "в январе-апреле 2017 года экспорт
  составил", "за 2016 год"): a stretch from the first of January told done, so the article is written after
  it. It only bounds the time from below: a weekday date before it is a past event's (a teaser of another
  story, "В четверг, 29 сентября" in a 2017 article on January-February 2017), not the article's, and is
  dropped; alone it dates nothing (measured: a lower bound as a date resolves plans and forecasts wrongly).

Weekday dates in different years conflict, and so does a reference before a year the article tells done
("в 2018 году экспорт вырос") or names other than as a plan or target ("к 2030 году", "должен вырасти"):
"В четверг, 20 июля" fits 2000 as well as 2017, and an article naming 2000 and 2010 is not of 2000. No
reference then, the periods stay null. The reference fixes the year, not the
day of writing: "сегодня", "в среду" stay unresolved. Only the trade facts use this: the ``dates`` table
keeps its convention (``year_known=false`` without a publication date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from newsfacts.extract.dates import extract_dates
from newsfacts.extract.dates.lexicon import alternation, lexicon, norm_word
from newsfacts.extract.types import DateMention


@lru_cache(maxsize=1)
def _weekday_date() -> re.Pattern[str]:
    """A weekday, a day and a month without a year ("в среду, 24 мая"), in the dates lexicon's word forms."""
    lex = lexicon()
    return re.compile(
        rf"(?<![а-яё])(?:во?\s+)?({alternation(lex.weekdays)}),?\s+(\d{{1,2}})\s+({alternation(lex.months)})"
        r"(?![а-яё])(?!\s+\d)",
        re.IGNORECASE,
    )


# the words before a reported period: "по итогам I квартала 2017 года", "за январь-апрель", "в январе-апреле"
_REPORTED = re.compile(r"(?<![а-яё])(?:по\s+итогам|за|в|во)\s*$", re.IGNORECASE)
# a whole year only as "по итогам/за 2016 год"
_FULL_YEAR = re.compile(r"(?<![а-яё])(?:по\s+итогам|за)\s*$", re.IGNORECASE)
_LEAD = re.compile(r"(?:по\s+итогам|за|в|во)\s", re.IGNORECASE)
_FULL_LEAD = re.compile(r"(?:по\s+итогам|за)\s", re.IGNORECASE)
_PARTS = ("month", "quarter", "half")
_DAYS = ("day", "week")
# a figure told as done ("составил", "выросли", "сократился"), not planned or forecast
_PAST = re.compile(
    r"(?<![а-яё])[а-яё]{2,}(?:[аеёиоуыя]л[аои]?|[оё]с(?:л[аои])?)(?:с[яь])?(?![а-яё])", re.IGNORECASE
)
_FORECAST = re.compile(r"прогноз|ожида|планир|намер|может|могут|будет|будут|составит|должн", re.IGNORECASE)


def _weekday_dates(text: str, years: set[int]) -> list[date]:
    """The day of each "в среду, 24 мая" in ``text`` whose year is the one mentioned year that fits."""
    out: list[date] = []
    lex = lexicon()
    for m in _weekday_date().finditer(text):
        weekday = lex.weekdays[norm_word(m.group(1))]  # ISO: 1 = Monday
        day, month = int(m.group(2)), lex.months[norm_word(m.group(3))]
        fits = []
        for y in years:
            try:
                d = date(y, month, day)
            except ValueError:
                continue
            if d.isoweekday() == weekday:
                fits.append(d)
        if len(fits) == 1:
            out.append(fits[0])
    return out


def _reported_end(text: str, dates: list[DateMention]) -> date | None:
    """The end of the latest reported stretch from the first of January ("по итогам I квартала 2017 года",
    "в январе-апреле 2017 года", "за 2016 год"), told in the past tense (a figure "составил", "вырос") and not
    as a forecast -- the article is written after it -- or None."""
    ends: list[date] = []
    for d in dates:
        if not d.year_known or d.start_date is None or d.end_date is None or d.is_relative:
            continue
        if (d.start_date.month, d.start_date.day) != (1, 1) or d.end_date.year != d.start_date.year:
            continue
        before = text[max(0, d.start_char - 12) : d.start_char]
        lead = text[d.start_char : d.start_char + 12]
        if d.granularity in _PARTS:
            reported = bool(_REPORTED.search(before) or _LEAD.match(lead))
        else:
            reported = d.granularity == "year" and bool(_FULL_YEAR.search(before) or _FULL_LEAD.match(lead))
        if not reported:
            continue
        if _told_done(text, d):
            ends.append(d.end_date)
    return max(ends) if ends else None


def _clause_end(text: str, d: DateMention) -> int:
    """Where the clause after ``d`` ends: the next full stop or line break, at most 120 characters on."""
    stops = [i for i in (text.find(".", d.end_char), text.find("\n", d.end_char)) if i >= 0]
    return min([*stops, d.end_char + 120])


def _told_done(text: str, d: DateMention) -> bool:
    """Whether the clause after ``d`` tells a done thing (a past-tense verb, no forecast word)."""
    end = _clause_end(text, d)
    return bool(_PAST.search(text, d.end_char, end)) and not _FORECAST.search(
        text, max(0, d.start_char - 60), end
    )


def _latest_done_year(text: str, dates: list[DateMention]) -> int | None:
    """The latest year the article tells a done thing in ("в 2017 году экспорт вырос"): no reference before it."""
    years = [
        d.start_date.year
        for d in dates
        if d.year_known and d.start_date is not None and not d.is_relative and _told_done(text, d)
    ]
    return max(years) if years else None


_TARGET = re.compile(r"(?:к|до|на|в\s+период\s+до|после)\s", re.IGNORECASE)


def _later_year(text: str, dates: list[DateMention], year: int) -> bool:
    """Whether the article names a year after ``year`` other than as a plan, forecast or target ("к 2025 году",
    "до 2040 года", "в 2020 году должен вырасти"): "В четверг, 20 июля" fits 2000 and 2017, and an article
    naming 2000 and 2010 is not of 2000."""
    for d in dates:
        if not d.year_known or d.start_date is None or d.is_relative or d.start_date.year <= year:
            continue
        end = _clause_end(text, d)
        if _TARGET.match(d.text) or _FORECAST.search(text, max(0, d.start_char - 60), end):
            continue
        return True
    return False


def reference_date(text: str, dates: list[DateMention]) -> date | None:
    """The date an undated article is written, when its text makes it clear (module doc); else None."""
    years = {d.start_date.year for d in dates if d.year_known and d.start_date is not None}
    floor = _reported_end(text, dates)
    done = _latest_done_year(text, dates)
    days = [d for d in _weekday_dates(text, years) if floor is None or d > floor]
    if days:
        if len({d.year for d in days}) > 1:
            return None  # conflicting anchors
        ref = max(days)
    else:
        return None  # a reported period alone bounds the time from below, it does not date the article
    if done is not None and ref.year < done or _later_year(text, dates, ref.year):
        return None  # a later year told done, or told at all but as a plan: the weekday date is a past one
    return ref


def with_reference(text: str, dates: list[DateMention]) -> list[DateMention]:
    """``dates`` with each mention left unresolved for want of a publication date (relative periods,
    yearless dates) read again against the reference date the text gives; unchanged without one."""
    if not any(d.start_date is None for d in dates) or any(d.is_relative and d.start_date for d in dates):
        return dates  # nothing unresolved, or a publication date resolved the relative ones
    ref = reference_date(text, dates)
    if ref is None:
        return dates
    again = {(d.start_char, d.end_char): d for d in extract_dates(text, ref) if d.kind == "point"}
    out = []
    for d in dates:
        new = again.get((d.start_char, d.end_char))
        # the reference fixes the year, not the day of writing: "сегодня", "в среду" stay unresolved
        ok = new is None or new.granularity not in _DAYS or d.day is not None
        out.append(
            new if ok and d.start_date is None and new is not None and new.start_date is not None else d
        )
    return out
