"""The time a figure is about: the date mention that governs it in its clause or sentence."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import replace
from datetime import date

from newsfacts.extract.dates.lexicon import lexicon as date_lexicon
from newsfacts.extract.text import Sentences
from newsfacts.extract.trade.reference import _told_done
from newsfacts.extract.types import DateMention, TradeFact

_COMPARED = re.compile(
    r"(?:по\s+сравнению(?:\s+со?)?|в\s+сравнении(?:\s+со?)?|чем|против|относительно|рекорд\w*|уровн\w+|показател\w+|максимум\w*|минимум\w*|впервые)(?:\s+\w+){0,2}\s*$"
)


# a clause that contrasts with the one before ("в 2016 году они выросли на 8%, а в этом — уже на 11%",
# "сократились вдвое — до $22,48 млрд, а в 2016-м опустились уже до $10,23 млрд") sets its own time
_CONTRAST = re.compile(r"[,;]\s+(?:а|но|однако|тогда\s+как|в\s+то\s+время\s+как)\s+|;\s+")
# ... which may be a year the date extractor does not read ("а в этом", "во второй год")
_CLAUSE_YEAR = re.compile(
    r"(?<!\w)(?:в|во)\s+(?:(?:этом|том|нынешнем|текущем|прошлом|следующем|будущем)(?:\s+год\w*)?|"
    r"(?:перв|втор|трет|четверт)\w*\s+год\w*)(?!\w)"
)


def _clause(norm: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    """The part of the sentence ``s0``..``s1`` between the contrast marks around ``pos``."""
    c0, c1 = s0, s1
    for m in _CONTRAST.finditer(norm, s0, s1):
        if m.end() <= pos:
            c0 = m.start()
        elif m.start() >= pos:
            c1 = m.start()
            break
    return c0, c1


def _clause_year(norm: str, dates: list[DateMention], s0: int, s1: int, pos: int) -> bool:
    """Whether the figure at ``pos`` stands in a contrast clause whose own year the extractor leaves undated
    ("а в этом — уже на 11%"): its period is that year, unknown, never the other clause's date."""
    c0, c1 = _clause(norm, s0, s1, pos)
    return (
        c0 > s0
        and not any(c0 <= d.start_char < c1 for d in dates)
        and _CLAUSE_YEAR.search(norm, c0, c1) is not None
    )


def _period(
    norm: str,
    dates: list[DateMention],
    lo: int,
    hi: int,
    s0: int,
    s1: int,
    pos: int,
    figure: int | None = None,
) -> DateMention | None:
    """The date that governs a figure at ``pos``: the nearest in the figure's contrast clause (``figure``:
    its position; without a figure, the clause at ``pos``: "запретили экспорт в Россию вооружений, а в апреле
    Киев присоединился" is not April's), else in its clause share (``lo``..``hi``), else in its sentence;
    never the base of a comparison ("на 2,6% больше, чем в 1978 году", "по сравнению с 2015 годом"); nearest
    to the figure when there is one ("с добычей в 1,2 млн ... к 2025 году, ... 400 тыс. ... к 2010 году")."""
    shares = [(lo, hi), (s0, s1)]
    c0, c1 = _clause(norm, s0, s1, pos if figure is None else figure)  # a fact with no figure: its trigger's
    if c0 > s0 or c1 < s1:
        shares.insert(0, (c0, c1))
    for a, b in shares:
        inside = [
            d
            for d in dates
            if d.start_char >= a
            and d.end_char <= b
            and not _COMPARED.search(norm, max(s0, d.start_char - 40), d.start_char)
            and not (figure is not None and d.start_char > figure and _NEXT_FIGURE.match(norm, d.end_char))
        ]
        if inside:
            at = pos if figure is None else figure
            return min(inside, key=lambda d: min(abs(d.start_char - at), abs(d.end_char - at)))
    return None


# a date written between a dash and the next figure is that figure's ("В 2015 году было выделено $1,39 млрд, в
# 2016-м — $665 млн"), not the one before it
_NEXT_FIGURE = re.compile(r"\s*[—–-]\s*(?:(?:почти|около|более|менее|свыше|порядка)\s+)?[$€£¥₽]?\s?\d")
_RANGE_END = re.compile(r"(?:по|до)\s")  # "с июля 2014-го по август 2016 года": the second half of a range
# a period's first day: "с 1 сентября 2014 года по август 2016-го", "с 1 января 2017 года ... будет обходиться"
_SINCE = re.compile(r"(?:начиная\s+)?со?\s")
_BEFORE = re.compile(r"(?:вплоть\s+)?до\s+(?!конц|середин|начал)")  # "До 2014 года Россия являлась"


def governing_dates(norm: str, dates: list[DateMention]) -> list[DateMention]:
    """The article's dates as a figure's time reads them: a range the date extractor gives as two mentions
    ("с 1 сентября 2014 года по август 2016-го") one span from the first day of the one to the last of the
    other; a year a past state lasted until ("До 2014 года Россия являлась основным рынком", "Вплоть до 2014
    года Россия занимала второе место") a period with no known start ending the year before -- not a target,
    which takes its year ("до 2030 года ... потребуется", CONVENTIONS.md)."""
    out: list[DateMention] = []
    for d in dates:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.start_date is not None
            and d.end_date is not None
            and prev.start_date <= d.end_date
            and not norm[prev.end_char : d.start_char].strip()
            and _SINCE.match(norm, prev.start_char)
            and _RANGE_END.match(norm, d.start_char)
        ):
            out[-1] = replace(
                prev,
                text=norm[prev.start_char : d.end_char],
                end_char=d.end_char,
                end_date=d.end_date,
                granularity="multi_year" if prev.start_date.year < d.end_date.year else "part_of_year",
            )
            continue
        if (
            d.granularity == "year"
            and d.year_known
            and d.start_date is not None
            and not d.is_relative
            and _BEFORE.match(norm, d.start_char)
            and _told_done(norm, d)
        ):
            d = replace(d, start_date=None, end_date=date(d.start_date.year - 1, 12, 31), granularity="multi_year")
        if d.start_date is None and not d.is_relative and (year := _event_year(norm, d)) is not None:
            d = _with_year(d, year)
        out.append(d)
    return out


# an event named with its year ("прямо на MILEX-2017", "ИННОПРОМ-2017"), which the date extractor leaves
_EVENT_YEAR = re.compile(r"(?<![\w-])[a-zа-яё]{3,}-((?:19|20)\d\d)(?![\w-])")
_EVENT_REACH = 80


def _event_year(norm: str, d: DateMention) -> int | None:
    """The year of an event named with it right at a yearless date, in its clause ("20 мая, прямо на
    MILEX-2017, ... подписали два контракта" -> 2017), or None."""
    lo, hi = max(0, d.start_char - _EVENT_REACH), d.end_char + _EVENT_REACH
    years = {
        int(m.group(1))
        for m in _EVENT_YEAR.finditer(norm, lo, hi)
        if not re.search(r"[.!?\n]", norm[min(m.end(), d.end_char) : max(m.start(), d.start_char)])
    }
    return years.pop() if len(years) == 1 else None


def _with_year(d: DateMention, year: int) -> DateMention:
    """A yearless day, month, quarter or half in ``year``; unchanged when its parts are unknown."""
    part = _part_of_year(d)
    if part is None:
        return d
    span = _part_span(part, year)
    if span is None:
        return d
    return replace(d, start_date=span[0], end_date=span[1], year_known=True, year=year)


def _part_span(part: tuple[int, int, int | None], year: int) -> tuple[date, date] | None:
    """The first and last day of a part of a year (``_part_of_year``) in ``year``; None for a day it lacks."""
    first, last, day = part
    try:
        if day is not None:
            return date(year, first, day), date(year, last, day)
        return date(year, first, 1), date(year, last, monthrange(year, last)[1])
    except ValueError:
        return None


_YEAR_AFTER = 200  # a yearless date before any dated one takes the year of a date this close after it


def _in_context_year(d: DateMention, dates: list[DateMention]) -> tuple[date, date] | None:
    """A day, month, month range, quarter or half without a year ("11 сентября", "в июне-августе", "за III
    квартал", "в первом полугодии") in the year the context makes clear: the year of the nearest dated mention
    before it (CONVENTIONS.md), for a past one never a future regime's ("с 1 января 2017 года ... будет
    обходиться" gives no year to "10 октября ... сообщил"); None when there is none or it is relative."""
    if d.start_date is not None or d.is_relative:
        return None
    part = _part_of_year(d)
    if part is None:
        return None
    known = [e for e in dates if e.year_known and e.start_date is not None]
    if d.tense == "past":  # a past event takes no future regime's year ("с 1 января 2017 года ... будет")
        known = [e for e in known if e.tense != "future"]
    before = [e for e in known if e.end_char <= d.start_char]
    after = [e for e in known if d.end_char <= e.start_char < d.end_char + _YEAR_AFTER]
    if before:
        year = max(before, key=lambda e: e.end_char).start_date.year  # type: ignore[union-attr]
    elif after:  # the first date ("Brent 1 декабря ... с 28 октября 2016 года"): the year given next
        year = min(after, key=lambda e: e.start_char).start_date.year  # type: ignore[union-attr]
    else:
        return None
    return _part_span(part, year)


_QUARTER = re.compile(
    r"(?<!\w)(?:(iv|i{1,3})|([1-4])(?:-?[а-я]+)?|(перв|втор|трет|четв[её]рт)[а-я]*)\s+квартал"
)
_HALF = re.compile(r"(?<!\w)(?:(перв|втор)[а-я]*|([12])(?:-?[а-я]+)?)\s+полугоди")
_ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4}
_MONTH_RANGE_END = re.compile(r"\s*[-—–]\s*([а-яё]+)")


def _part_of_year(d: DateMention) -> tuple[int, int, int | None] | None:
    """(first month, last month, day) of a yearless mention, from its parts and its words."""
    low = d.text.lower()
    if d.granularity == "day" and d.month is not None and d.day is not None:
        return d.month, d.month, d.day
    if d.granularity == "month" and d.month is not None:
        last = d.month
        months = date_lexicon().months
        for end in _MONTH_RANGE_END.finditer(low):  # "в июне-августе": to the last month named
            last = months.get(end.group(1), last)
        return d.month, max(last, d.month), None
    if d.granularity == "quarter" and (m := _QUARTER.search(low)) is not None:
        q = _ORDINALS.get(m.group(1) or m.group(3) or "") or int(m.group(2) or 0)
        return (3 * q - 2, 3 * q, None) if q else None
    if d.granularity == "half" and (m := _HALF.search(low)) is not None:
        h = _ORDINALS.get(m.group(1) or "") or int(m.group(2) or 0)
        return (6 * h - 5, 6 * h, None) if h else None
    return None


_PERIOD_REACH = 1  # a fact with no date of its own takes the period of a fact this many sentences before


# ... unless its sentence sets a time of its own that the date extractor leaves undated, or imagines one
_OWN_TIME = re.compile(
    r"(?<!\w)(?:ранее|раньше|сейчас|сегодня|теперь|тогда|по\s+итогам\s+года|в\s+будущем|в\s+перспективе|"
    r"в\s+случае|если)(?!\w)"
)


_THEN = re.compile(r"(?<!\w)тогда(?!\w)(?!\s+как)")
_THEN_REACH = 80  # "тогда" this close before a fact's figure sets its time


def _then_periods(
    norm: str, sents: Sentences, facts: list[TradeFact], dates: list[DateMention]
) -> list[TradeFact]:
    """"тогда" points back at the last time written before it, a comparison base included ("уступает
    рекорду 2014 года — тогда показатель составил $16,7 млрд", "по сравнению с январём 2016 года на 53% —
    тогда за месяц ... вывезено почти 1,6 млн тонн", "Летом 2014-го ... . Тогда золото взлетело на $4,50"):
    in its sentence, else the sentence right before."""
    bounds = sents.spans
    reach = _reach(sents)
    out: list[TradeFact] = []
    for f in facts:
        k = sents.index_of(f.start_char)
        s0, s1 = bounds[k]
        then = [m for m in _THEN.finditer(norm, max(s0, f.end_char - _THEN_REACH), f.end_char)]
        if not then or any(then[-1].end() <= d.start_char < f.end_char for d in dates):
            out.append(f)
            continue
        at = then[-1].start()
        before = [d for d in dates if s0 <= d.start_char and d.end_char <= at]
        if not before and k > 0 and reach[k] - reach[k - 1] == 1:
            before = [d for d in dates if bounds[k - 1][0] <= d.start_char < bounds[k - 1][1]]
        p_start, p_end, granularity = _dated(before[-1] if before else None, dates)
        if p_start is None:
            out.append(f)
            continue
        out.append(replace(f, period_start=p_start, period_end=p_end, period_granularity=granularity))
    return out


_BREAK_COST = 3  # a paragraph break is as far as this many more sentences: context rarely crosses one


def _reach(sents: Sentences) -> list[int]:
    """The position of each sentence counted in sentences, a paragraph break adding ``_BREAK_COST``: how far
    a fact's context (the sentence before, a pronoun's fact, a period) may lie."""
    return [k + _BREAK_COST * p for k, p in enumerate(sents.paragraphs)]


_TARGET_END = re.compile(r"(?:до|к)\s+конц\w*\s")  # "до конца 2016 года", "к концу 2016 года": a target


def _dated(
    period: DateMention | None, dates: list[DateMention]
) -> tuple[date | None, date | None, str | None]:
    """(start, end, granularity) of a fact's governing date: a target's end of year is the year itself
    ("до конца 2016 года" -> 2016, as "к 2030 году" -> 2030, CONVENTIONS.md), and so is a regime's first day's
    ("с 1 января 2017 года ... будет обходиться на 20,5% дороже" -> 2017); a yearless one in the context's year."""
    if period is None:
        return None, None, None
    if period.start_date is None and period.end_date is not None:  # "До 2014 года ... являлась": until then
        return None, period.end_date, period.granularity
    if period.start_date is None:
        span = _in_context_year(period, dates)
        return (span[0], span[1], period.granularity) if span else (None, None, period.granularity)
    if period.year_known and (
        _TARGET_END.match(period.text.lower())
        or period.granularity == "day"
        and _SINCE.match(period.text.lower())
    ):
        year = period.start_date.year
        return date(year, 1, 1), date(year, 12, 31), "year"
    return period.start_date, period.end_date, period.granularity


def _periods_from_context(
    norm: str, sents: Sentences, facts: list[TradeFact], dates: list[DateMention]
) -> list[TradeFact]:
    """Facts whose own sentence dates nothing take the period of the statement before them: a dated fact at
    most ``_PERIOD_REACH`` sentences before ("уровень добычи оказался на 2,5% больше" right after "в 2016 году
    добыча ..."), else the last date of the sentence right before ("В 2016 году ... . Экспорт вырос на 5%."),
    unless the sentence sets a time of its own the date extractor leaves undated ("ранее", "если")."""
    bounds = sents.spans
    reach = _reach(sents)
    out: list[TradeFact] = []
    dated: tuple[int, TradeFact] | None = None
    for f in facts:
        k = sents.index_of(f.start_char)
        if f.period_start is not None:
            dated = (k, f)
        elif f.period_granularity is None and not _OWN_TIME.search(norm, *bounds[k]):
            if dated is not None and reach[k] - reach[dated[0]] <= _PERIOD_REACH:
                d = dated[1]
                f = replace(
                    f,
                    period_start=d.period_start,
                    period_end=d.period_end,
                    period_granularity=d.period_granularity,
                )
            elif k > 0 and reach[k] - reach[k - 1] == 1:
                s0, s1 = bounds[k - 1]
                before = [m for m in dates if s0 <= m.start_char < s1 and m.start_date]
                if before:
                    p_start, p_end, granularity = _dated(before[-1], dates)
                    f = replace(f, period_start=p_start, period_end=p_end, period_granularity=granularity)
            if f.period_start is not None:  # a fact dated so dates the next as well ("Это на 139,9% больше")
                dated = (k, f)
        out.append(f)
    return out
