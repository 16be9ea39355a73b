"""Periods read across the article: agricultural marketing years, the base figure of a change ("с X до Y"),
and a headline's figure that the body states again with its date (CONVENTIONS.md, ``period_*``)."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date

from newsfacts.extract.text import Sentences
from newsfacts.extract.trade.lexicon import _lex
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

_STATED_REACH = 60  # "сельхозгоду (июнь 2017 года — июль 2018-го)": the months stated right after the word
_STATED_GAP = re.compile(r"\s*[(,:—–-]?\s*(?:с\s+)?$")  # what may lie between the word and those months


@dataclass(frozen=True)
class _Seasons:
    """The marketing years of an article: their first and last month, and the first year of the season the
    article states in full (its current one), if it does."""

    months: tuple[int, int]
    current: int | None

    def span(self, year: int) -> tuple[date, date]:
        """The season that starts in ``year`` (it ends in the next calendar year)."""
        first, last = self.months
        return date(year, first, 1), date(year + 1, last, monthrange(year + 1, last)[1])

    def start_of(self, start: date | None, end: date | None) -> int | None:
        """The first year of the season ``start``..``end`` is, or None."""
        return start.year if start is not None and (start, end) == self.span(start.year) else None


def _seasons(norm: str, dates: list[DateMention]) -> _Seasons | None:
    """The article's marketing years, None when it names none ("сельхозгод", "сезон", "маркетинговый год");
    their months are the ones stated right after the word, else the lexicon's (July to June)."""
    lex = _lex()
    words = list(lex.season_re.finditer(norm))
    if not words:
        return None
    for m in words:
        stated = [
            d
            for d in dates
            if m.end() <= d.start_char < m.end() + _STATED_REACH
            and d.granularity == "month"
            and d.year_known
            and d.start_date is not None
        ]
        if len(stated) < 2 or not _STATED_GAP.match(norm[m.end() : stated[0].start_char]):
            continue
        first, last = stated[0].start_date, stated[1].start_date
        if first is not None and last is not None and last.year == first.year + 1:
            return _Seasons((first.month, last.month), first.year)
    return _Seasons(lex.season_months, None)


def _seasonal_periods(
    norm: str, sents: Sentences, facts: list[TradeFact], seasons: _Seasons | None
) -> list[TradeFact]:
    """In an article about marketing years, a two-year span ("в 2016—2017 году", "в сезоне 2017—2018") is a
    season; "в текущем сельхозгоду", and a figure dated by nothing at all, the season the article states
    ("прогноз ... в текущем сельхозгоду (июнь 2017 года — июль 2018-го)")."""
    if seasons is None:
        return facts
    current = _lex().season_current_re
    harvest = _lex().harvest_re
    out: list[TradeFact] = []
    for f in facts:
        s, e = f.period_start, f.period_end
        if s is not None and e is not None:
            if e.year != s.year + 1 or (s.month, s.day, e.month, e.day) != (1, 1, 12, 31):
                out.append(f)
                continue
            s, e = seasons.span(s.year)
        elif seasons.current is not None and (
            f.period_granularity is None or current.search(norm, *sents.bounds_of(f.start_char))
        ):
            s, e = seasons.span(seasons.current)
            if f.indicator == "production" and harvest.search(norm, f.start_char, f.end_char):
                s, e = _year(seasons.current)  # a harvest is gathered in its season's first calendar year
        else:
            out.append(f)
            continue
        out.append(replace(f, period_start=s, period_end=e, period_granularity="year"))
    return out


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _from_values(
    norm: str, facts: list[TradeFact], amounts: list[AmountMention], seasons: _Seasons | None
) -> list[TradeFact]:
    """The base figure X of a change "с X до Y" is the level before it: no direction of its own, Y's unit
    when it has none ("с отметки 72,5 млн до 77,5 млн тонн"), the season before Y's ("упадёт с 29,5 до 26 млн
    тонн в текущем сельхозгоду"), or the first year of a span "с 1996 по 1999 г." while Y takes the last;
    else no period ("с 32 до 64 млрд куб. м газа (2029)": 2029 is Y's)."""
    lex = _lex()
    at = {f.amount_index: k for k, f in enumerate(facts) if f.amount_index is not None}
    out = list(facts)
    for k, f in enumerate(facts):
        i = f.amount_index
        if i is None or i + 1 >= len(amounts):
            continue
        a, b = amounts[i], amounts[i + 1]
        after = lex.from_after_re.match(norm, a.end_char)
        if (
            after is None
            or not a.end_char <= b.start_char < after.end()
            or not lex.from_before_re.search(norm, max(0, a.start_char - 20), a.start_char)
        ):
            continue
        s, e, granularity = f.period_start, f.period_end, f.period_granularity
        season = seasons.start_of(s, e) if seasons is not None else None
        if seasons is not None and season is not None:
            s, e = seasons.span(season - 1)
        elif s is not None and e is not None and s.year < e.year and (i + 1) in at:
            (s, e), granularity = _year(s.year), "year"
            to = out[at[i + 1]]
            if (to.period_start, to.period_end) == (f.period_start, f.period_end):
                ts, te = _year(f.period_end.year)  # type: ignore[union-attr]
                out[at[i + 1]] = replace(to, period_start=ts, period_end=te, period_granularity="year")
        else:  # "с 32 до 64 млрд куб. м газа (2029)": Y's time; when X's level stood the text does not say
            s = e = granularity = None
        unit = f.unit
        if unit is None and f.value_kind == b.value_kind:
            unit = b.unit
        out[k] = replace(
            out[k], direction="none", unit=unit, period_start=s, period_end=e, period_granularity=granularity
        )
    return out


_BRACKET_YEAR = re.compile(r"\s*(?:[^\s\d().,;]+\.?\s*){0,3}\(((?:19|20)\d\d)\)")


def _bracket_years(norm: str, facts: list[TradeFact], amounts: list[AmountMention]) -> list[TradeFact]:
    """A year in brackets right after a figure is its time ("до 64 млрд куб. м газа (2029)")."""
    out: list[TradeFact] = []
    for f in facts:
        m = _BRACKET_YEAR.match(norm, amounts[f.amount_index].end_char) if f.amount_index is not None else None
        if m is not None:
            start, end = _year(int(m.group(1)))
            f = replace(f, period_start=start, period_end=end, period_granularity="year")
        out.append(f)
    return out


def _headline_periods(sents: Sentences, facts: list[TradeFact]) -> list[TradeFact]:
    """A headline (a first paragraph of one sentence) dates few of its figures; the body states the same
    figure again with its date ("... облигаций на $300 миллионов" -> "в 2018 году ... на $300 млн"): a
    headline fact with no period takes the period of the first later fact of its indicator and figure, else
    (a figure the body does not repeat) of the first fact of its indicator in the lead, the body's first
    paragraph ("вложился в Индию, Китай и Азербайджан" -> "В 2016 году АБР активно инвестировал")."""
    if not facts or len(sents.paragraphs) < 2 or sents.paragraphs[1] == sents.paragraphs[0]:
        return facts
    out = list(facts)
    lead = sents.paragraphs[0] + 1  # the first paragraph of the body
    for k, f in enumerate(facts):
        if sents.index_of(f.start_char) != 0:
            break
        if f.period_start is not None:
            continue
        same = next(
            (
                g
                for g in facts[k + 1 :]
                if sents.index_of(g.start_char) > 0
                and g.period_start is not None
                and f.value is not None
                and g.value == f.value
                and g.unit == f.unit
                and _flow(g.indicator) == _flow(f.indicator)
            ),
            None,
        )
        if same is None and f.value_kind != "none":  # a figure the lead dates ("больше всего вложился в
            # Индию" -> "В 2016 году АБР активно инвестировал"); a figure-less trend keeps none
            same = next(
                (
                    g
                    for g in facts[k + 1 :]
                    if sents.paragraphs[sents.index_of(g.start_char)] == lead
                    and _flow(g.indicator) == _flow(f.indicator)
                ),
                None,
            )
            same = same if same is not None and same.period_start is not None else None
        if same is not None:
            out[k] = replace(
                f,
                period_start=same.period_start,
                period_end=same.period_end,
                period_granularity=same.period_granularity,
            )
    return out


def _flow(indicator: str) -> str:
    return "export" if indicator == "supply" else indicator
