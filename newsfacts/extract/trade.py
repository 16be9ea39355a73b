"""Trade statements -> :class:`TradeFact` (turnover, export, import, supply, transit, investment, ...).

A fact starts at a trigger ("товарооборот", "экспорт", "поставщиком", "грузоперевозок";
``data/trade_ru.yaml``)
and gathers, within the trigger's share of its sentence (from the midpoint to the previous trigger to the
midpoint to the next one): linked amounts, the direction word, the comparison, commodities (pymorphy3 lemmas,
``data/commodities_ru.yaml``) and countries (``geo.find_countries``) with their roles read from the preceding
preposition ("в Армению" destination, "через Азербайджан" transit, "из" origin, "между A и B" a pair, a
country adjective origin). The governing period is the nearest DateMention in the same sentence.

Roles: for export/supply/transit/production/investment the reporter is the exporter and the partner the
importer; for import the reporter is the importing country and the partner the origin (reporter = the country
whose flow it is); for turnover the two countries in text order.
A statement without a number is kept when it has a direction, a rank ("основным поставщиком"), or a
commodity and a country. One fact per commodity (and per amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

import yaml

from newsfacts.extract.numbers import normalise
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

VERSION: str = "trade-1"

DATA_DIR = Path(__file__).resolve().parent / "data"
_SENT_END = re.compile(r"[.!?…]+(?=\s+[«\"(A-ZА-ЯЁ0-9])|\n")
_WORD = re.compile(r"[а-яa-z]+(?:-[а-яa-z]+)*")
_BETWEEN = re.compile(r"(?<!\w)между(?!\w)")
_PAIR_REACH = 120  # chars after "между" in which the pair's countries lie
_MAX_FACTS_PER_TRIGGER = 6


@dataclass(frozen=True)
class _Lex:
    trigger_re: re.Pattern[str]
    indicators: tuple[str, ...]
    needs_commodity: frozenset[str]
    increase_re: re.Pattern[str]
    decrease_re: re.Pattern[str]
    comparison: tuple[tuple[str, re.Pattern[str]], ...]
    rank_re: re.Pattern[str]
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    ignored_units: frozenset[str]
    commodities: dict[str, tuple[str, str]]


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    data = _load("trade_ru.yaml")
    names = tuple(data["indicators"])
    alt = "|".join(f"(?P<i{i}>{'|'.join(pats)})" for i, pats in enumerate(data["indicators"].values()))
    comms = _load("commodities_ru.yaml")["commodities"]
    return _Lex(
        trigger_re=re.compile(rf"(?<!\w)(?:{alt})(?!\w)"),
        indicators=names,
        needs_commodity=frozenset(data["needs_commodity"]),
        increase_re=_words(data["direction"]["increase"]),
        decrease_re=_words(data["direction"]["decrease"]),
        comparison=tuple((k, _words(v)) for k, v in data["comparison"].items()),
        rank_re=_words(data["rank"]),
        roles=tuple((k, re.compile(rf"(?<!\w)(?:{v})\s+$")) for k, v in data["roles"].items()),
        ignored_units=frozenset(data["ignored_units"]),
        commodities={str(k): (str(v["name"]), str(v["hs"])) for k, v in comms.items()},
    )


@dataclass(frozen=True)
class _Trigger:
    start: int
    end: int
    indicator: str


@dataclass(frozen=True)
class _Country:
    start: int
    end: int
    iso2: str
    role: str  # transit / origin / destination / pair / adjective / subject


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _triggers(norm: str) -> list[_Trigger]:
    lex = _lex()
    found: list[_Trigger] = []
    for m in lex.trigger_re.finditer(norm):
        ind = lex.indicators[int(str(m.lastgroup)[1:])]
        prev = found[-1] if found else None
        if prev and prev.indicator == ind and not norm[prev.end : m.start()].strip(" -"):
            found[-1] = _Trigger(prev.start, m.end(), ind)  # "транзитных грузоперевозок"
            continue
        found.append(_Trigger(m.start(), m.end(), ind))
    return found


def _countries(text: str, norm: str, s0: int, s1: int) -> list[_Country]:
    from newsfacts.extract.geo import find_countries  # geo loads its lexicon lazily

    lex = _lex()
    out: list[_Country] = []
    for a, b, iso2 in find_countries(text[s0:s1]):
        a, b = a + s0, b + s0
        before = norm[max(s0, a - 30) : a]
        role = next((name for name, pat in lex.roles if pat.search(before)), None)
        if role is None:
            if _BETWEEN.search(norm, max(s0, a - _PAIR_REACH), a):
                role = "pair"
            else:
                role = "adjective" if text[a].islower() else "subject"
        out.append(_Country(a, b, iso2, role))
    return out


def _commodities(text: str, s0: int, s1: int) -> list[tuple[int, str, str]]:
    """(position, name, hs) of distinct commodities in text order."""
    from newsfacts.extract.morph import lemma, lemmas

    comms = _lex().commodities
    toks = list(_WORD.finditer(normalise(text[s0:s1])))
    found: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    i = 0
    while i < len(toks):
        lem = lemmas(toks[i].group())
        hit = None
        if i + 1 < len(toks):
            nxt = lemmas(toks[i + 1].group())
            hit = next((comms[f"{a} {b}"] for a in lem for b in nxt if f"{a} {b}" in comms), None)
            if hit is not None:
                i += 1
        if hit is None:
            hit = comms.get(lemma(toks[i].group()))  # best parse only: "стали" is not steel
        if hit is not None and hit[0] not in seen:
            seen.add(hit[0])
            found.append((toks[i].start() + s0, hit[0], hit[1]))
        i += 1
    return found


def _nearest(pos: int, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return min(matches, key=lambda m: abs(m.start() - pos)) if matches else None


def _direction(norm: str, trig: _Trigger, s0: int, s1: int) -> str:
    lex = _lex()
    inc = list(lex.increase_re.finditer(norm, s0, s1))
    dec = list(lex.decrease_re.finditer(norm, s0, s1))
    best = _nearest(trig.start, inc + dec)
    if best is None:
        return "none"
    return "increase" if best in inc else "decrease"


def _roles(indicator: str, countries: list[_Country]) -> tuple[str | None, str | None, str | None]:
    """(reporter, partner, transit) ISO2 codes."""

    def first(*roles: str) -> str | None:
        return next((c.iso2 for c in countries if c.role in roles), None)

    transit = first("transit")
    if indicator == "turnover":
        codes: list[str] = []
        for c in sorted(countries, key=lambda c: (c.role != "pair", c.start)):
            if c.role != "transit" and c.iso2 not in codes:
                codes.append(c.iso2)
        return (codes[0] if codes else None), (codes[1] if len(codes) > 1 else None), transit
    origin = first("origin", "adjective") or first("subject")
    dest = first("destination")
    if indicator == "import":
        reporter = dest or first("subject")
        partner = first("origin", "adjective")
        return reporter, partner if partner != reporter else None, transit
    return origin, dest if dest != origin else None, transit


def _period(dates: list[DateMention], s0: int, s1: int, pos: int) -> DateMention | None:
    inside = [d for d in dates if d.start_char >= s0 and d.end_char <= s1]
    return min(inside, key=lambda d: min(abs(d.start_char - pos), abs(d.end_char - pos)), default=None)


def extract_trade_facts(text: str, amounts: list[AmountMention], dates: list[DateMention]) -> list[TradeFact]:
    """Trade statements in ``text``; ``amounts``/``dates`` are the article's extracted mentions."""
    norm = normalise(text)
    triggers = _triggers(norm)
    if not triggers:
        return []
    lex = _lex()
    facts: list[TradeFact] = []
    for s0, s1 in _sentence_bounds(text):
        here = [t for t in triggers if s0 <= t.start < s1]
        if not here:
            continue
        countries = _countries(text, norm, s0, s1)
        has_turnover_pair = any(t.indicator == "turnover" for t in here)
        for k, trig in enumerate(here):
            lo = s0 if k == 0 else (here[k - 1].end + trig.start) // 2
            hi = s1 if k == len(here) - 1 else (trig.end + here[k + 1].start) // 2
            mine = [c for c in countries if lo <= c.start < hi]
            if trig.indicator != "turnover" and has_turnover_pair:
                mine = [c for c in mine if c.role != "pair"]
            elif trig.indicator == "turnover":
                mine += [c for c in countries if c.role == "pair" and c not in mine]
            facts.extend(_facts_for(text, norm, trig, lo, hi, (s0, s1), mine, amounts, dates, lex))
    return facts


def _facts_for(
    text: str,
    norm: str,
    trig: _Trigger,
    lo: int,
    hi: int,
    sent: tuple[int, int],
    countries: list[_Country],
    amounts: list[AmountMention],
    dates: list[DateMention],
    lex: _Lex,
) -> list[TradeFact]:
    linked = [
        (i, a)
        for i, a in enumerate(amounts)
        if a.start_char >= lo and a.end_char <= hi and a.unit not in lex.ignored_units
    ]
    comms = _commodities(text, lo, hi)
    if trig.indicator in lex.needs_commodity and not comms:
        return []
    direction = _direction(norm, trig, lo, hi)
    rank = _nearest(trig.start, list(lex.rank_re.finditer(norm, lo, hi)))
    comparison = next((name for name, pat in lex.comparison if pat.search(norm, lo, hi)), None)
    if not (linked or direction != "none" or rank or (comms and countries)):
        return []
    reporter, partner, transit = _roles(trig.indicator, countries)
    out: list[TradeFact] = []
    values: list[tuple[int | None, AmountMention | None]] = list(linked) or [(None, None)]
    commodity_options: list[tuple[int, str, str] | None] = list(comms) or [None]
    for (idx, amount), comm in product(values, commodity_options):
        start, end = trig.start, trig.end
        value: float | None = None
        unit = qualifier = None
        kind = "none"
        if amount is not None:
            start, end = min(start, amount.start_char), max(end, amount.end_char)
            value, unit, qualifier = amount.value, amount.unit, amount.qualifier
            kind = "absolute" if amount.value_kind == "share_pct" else amount.value_kind
        elif rank is not None:
            start, end = min(start, rank.start()), max(end, rank.end())
            value, unit, qualifier, kind = 1.0, "rank", "exact", "rank"
        if comm is not None:
            start, end = min(start, comm[0]), max(end, comm[0] + 1)
            end = max(end, _WORD.match(norm, comm[0]).end())  # type: ignore[union-attr]
        period = _period(dates, sent[0], sent[1], start)
        out.append(
            TradeFact(
                indicator=trig.indicator,
                start_char=start,
                end_char=end,
                text=text[start:end],
                reporter_iso2=reporter,
                partner_iso2=partner,
                transit_iso2=transit,
                commodity=comm[1] if comm else None,
                hs_code=comm[2] if comm else None,
                value=value,
                unit=unit,
                value_kind=kind,
                qualifier=qualifier,
                direction=direction,
                comparison=comparison,
                period_start=period.start_date if period else None,
                period_end=period.end_date if period else None,
                period_granularity=period.granularity if period else None,
                amount_index=idx,
            )
        )
        if len(out) >= _MAX_FACTS_PER_TRIGGER:
            break
    return out
