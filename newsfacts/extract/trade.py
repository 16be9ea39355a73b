"""Trade statements -> :class:`TradeFact` (turnover, export, import, supply, transit, investment, ...).

A fact starts at a trigger ("товарооборот", "экспорт", "поставщиком", "грузоперевозок";
``data/trade_ru.yaml``)
and gathers, within the trigger's share of its sentence (from the midpoint to the previous trigger to the
midpoint to the next one): linked amounts, the direction word, the comparison, commodities (pymorphy3 lemmas,
``data/commodities_ru.yaml``) and countries (``geo.find_countries``) with their roles read from the preceding
preposition ("в Армению" destination, "через Азербайджан" transit, "из" origin, "между A и B" a pair, a
country adjective origin, a bare dative/accusative name "Китаю" destination). The governing period is the
nearest DateMention in the same sentence. A named route (``data/routes_ru.yaml``: "по Среднему коридору" ->
"Middle Corridor") in the trigger's share counts when a preposition says the goods go along it.

Roles: for export/supply/transit/production/investment the reporter is the exporter and the partner the
importer; for import the reporter is the importing country and the partner the origin (reporter = the country
whose flow it is); for turnover the two countries in text order. In an enumeration of amounts each amount
takes the country written right before it as its partner ("Великобританию (388,7 тыс. тонн), Украину (...)").
A statement without a number is kept when it has a rank ("основным поставщиком"), or a direction and a
country, commodity or route, or a commodity and a country. "вывоз"/"ввоз" need a commodity; a supply with a
money figure needs a commodity or a country (tenders). One fact per commodity and amount; with several of
both, each amount goes with the commodity just before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import product
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from newsfacts.extract.numbers import normalise
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

VERSION: str = "trade-2"

DATA_DIR = Path(__file__).resolve().parent / "data"
# sentence ends: a run of [.!?…] before a space and a capital/digit/quote, a newline, or a full stop glued to
# the next sentence after a lowercase word ("территории.В акции", "Tengrinews.kz.Как", scraped text);
# written class-first: faster
_SENT_END = re.compile(
    r"[.!?…\n](?:(?<=\n)|[.!?…]*(?=\s+[«\"(A-ZА-ЯЁ0-9])|(?:(?<=[а-яё]{3}[.!?])|(?<=[a-z]{2}[.!?]))(?=[«\"]?[А-ЯЁ]))"
)
_WORD = re.compile(r"[а-яa-z]+(?:-[а-яa-z]+)*")
_BETWEEN = re.compile(r"(?<!\w)между(?!\w)")
_PAIR_REACH = 120  # chars after "между" in which the pair's countries lie
_MAX_FACTS_PER_TRIGGER = 6


@dataclass(frozen=True)
class _Lex:
    trigger_re: re.Pattern[str]
    trigger_ac: Any  # ahocorasick.Automaton over the triggers' literal prefixes -> length (None: scan)
    indicators: tuple[str, ...]
    needs_commodity: frozenset[str]
    weak_re: re.Pattern[str]
    needs_commodity_or_country: frozenset[str]  # ... when the figure is money
    money_units: frozenset[str]
    increase_re: re.Pattern[str]
    decrease_re: re.Pattern[str]
    comparison: tuple[tuple[str, re.Pattern[str]], ...]
    rank_re: re.Pattern[str]
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    ignored_units: frozenset[str]
    commodities: dict[str, tuple[str, str]]
    route_re: re.Pattern[str]  # one group r<i> per route
    route_before_re: re.Pattern[str]  # the preposition that makes a named route the goods' route
    routes: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _literal_prefix(pattern: str) -> str:
    """The literal letters every match of ``pattern`` starts with ("торгов\\w*\\s+оборот" -> "торгов")."""
    m = re.match(r"[а-яa-z]+", pattern)
    if m is None:
        return ""
    prefix = m.group()
    if pattern[m.end() : m.end() + 1] in ("?", "*", "{"):  # the last letter is optional
        prefix = prefix[:-1]
    return prefix


def _prefix_automaton(patterns: list[str]) -> Any:
    """An Aho-Corasick automaton over the literal prefixes of ``patterns``, or None if one has none."""
    prefixes = {_literal_prefix(p) for p in patterns}
    if "" in prefixes:
        return None
    ac = ahocorasick.Automaton()
    for prefix in prefixes:
        ac.add_word(prefix, len(prefix))
    ac.make_automaton()
    return ac


def _money_units() -> frozenset[str]:
    """The currency codes of the amounts lexicon (``data/units_ru.yaml``)."""
    from newsfacts.extract.numbers import load_yaml

    units = load_yaml()
    codes = {str(u["code"]) for u in units["units"] if u["kind"] == "money"}
    return frozenset(codes | {str(v) for v in units["prefix_units"].values()})


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    data = _load("trade_ru.yaml")
    names = tuple(data["indicators"])
    alt = "|".join(f"(?P<i{i}>{'|'.join(pats)})" for i, pats in enumerate(data["indicators"].values()))
    comms = _load("commodities_ru.yaml")["commodities"]
    route_data = _load("routes_ru.yaml")
    routes = route_data["routes"]
    route_alt = "|".join(
        f"(?P<r{i}>{'|'.join([pats] if isinstance(pats, str) else pats)})"
        for i, pats in enumerate(routes.values())
    )
    return _Lex(
        trigger_re=re.compile(rf"(?<!\w)(?:{alt})(?!\w)"),
        trigger_ac=_prefix_automaton([p for pats in data["indicators"].values() for p in pats]),
        indicators=names,
        needs_commodity=frozenset(data["needs_commodity"]),
        weak_re=re.compile(data["weak_triggers"]),
        needs_commodity_or_country=frozenset(data["needs_commodity_or_country"]),
        money_units=_money_units(),
        increase_re=_words(data["direction"]["increase"]),
        decrease_re=_words(data["direction"]["decrease"]),
        comparison=tuple((k, _words(v)) for k, v in data["comparison"].items()),
        rank_re=_words(data["rank"]),
        roles=tuple((k, re.compile(rf"(?<!\w)(?:{v})\s+$")) for k, v in data["roles"].items()),
        ignored_units=frozenset(data["ignored_units"]),
        commodities={str(k): (str(v["name"]), str(v["hs"])) for k, v in comms.items()},
        route_re=re.compile(rf"(?<!\w)(?:{route_alt})(?!\w)"),
        route_before_re=re.compile(rf"(?<!\w)(?:{route_data['before']})$"),
        routes=tuple(str(k) for k in routes),
    )


@dataclass(frozen=True)
class _Trigger:
    start: int
    end: int
    indicator: str
    weak: bool = False  # a trigger word that needs a commodity (data: weak_triggers)


@dataclass(frozen=True)
class _Country:
    start: int
    end: int
    iso2: str
    role: str  # transit / origin / destination / pair / adjective / subject


def _sentence_bounds(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, lazily (callers stop after the last sentence they need)."""
    start = 0
    for m in _SENT_END.finditer(text):
        yield start, m.end()
        start = m.end()
    yield start, len(text)


def _by_sentence(text: str, triggers: list[_Trigger]) -> Iterator[tuple[int, int, list[_Trigger]]]:
    """(sentence start, end, its triggers) for the sentences holding a trigger (``triggers`` in text order)."""
    i = 0
    for s0, s1 in _sentence_bounds(text):
        if triggers[i].start >= s1:
            continue
        j = i
        while j < len(triggers) and triggers[j].start < s1:
            j += 1
        yield s0, s1, triggers[i:j]
        i = j
        if i == len(triggers):
            return


def _trigger_matches(norm: str, lex: _Lex) -> list[re.Match[str]]:
    """``trigger_re.finditer``, only tried where a trigger's literal prefix starts a word (much faster)."""
    if lex.trigger_ac is None:
        return list(lex.trigger_re.finditer(norm))
    starts = sorted(
        {
            end - length + 1
            for end, length in lex.trigger_ac.iter(norm)
            if end - length < 0 or not norm[end - length].isalnum()
        }
    )
    out: list[re.Match[str]] = []
    last = 0
    for pos in starts:
        if pos < last:
            continue
        m = lex.trigger_re.match(norm, pos)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


def _triggers(norm: str) -> list[_Trigger]:
    lex = _lex()
    found: list[_Trigger] = []
    for m in _trigger_matches(norm, lex):
        ind = lex.indicators[int(str(m.lastgroup)[1:])]
        weak = lex.weak_re.fullmatch(m.group()) is not None
        prev = found[-1] if found else None
        if prev and prev.indicator == ind and not norm[prev.end : m.start()].strip(" -"):
            found[-1] = _Trigger(prev.start, m.end(), ind, prev.weak and weak)  # "транзитных грузоперевозок"
            continue
        found.append(_Trigger(m.start(), m.end(), ind, weak))
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
            elif text[a].islower():
                role = "adjective"
            else:
                role = "destination" if _indirect_object(text[a:b]) else "subject"
        out.append(_Country(a, b, iso2, role))
    return out


def _indirect_object(name: str) -> bool:
    """A country name in the dative or accusative without a preposition is where goods go ("поставляет газ
    Китаю", "пришлось на три направления — Великобританию"), never the subject or a genitive owner."""
    from newsfacts.extract.morph import parses

    words = _WORD.findall(name.lower())
    if not words:
        return False
    cases = {p.tag.case for p in parses(words[-1])}
    return bool(cases) and cases <= {"datv", "accs"}


def _commodities(norm: str, s0: int, s1: int) -> list[tuple[int, str, str]]:
    """(position, name, hs) of distinct commodities in text order."""
    from newsfacts.extract.morph import lemma, lemmas

    comms = _lex().commodities
    toks = list(_WORD.finditer(norm[s0:s1]))
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


def _routes(norm: str, s0: int, s1: int) -> list[tuple[int, int, str]]:
    """(start, end, route name) of the named routes in ``norm[s0:s1]`` that goods go along ("по ...")."""
    lex = _lex()
    return [
        (m.start(), m.end(), lex.routes[int(str(m.lastgroup)[1:])])
        for m in lex.route_re.finditer(norm, s0, s1)
        if lex.route_before_re.search(norm, max(s0, m.start() - 60), m.start())
    ]


def _route(routes: list[tuple[int, int, str]], trig: _Trigger, lo: int, hi: int) -> str | None:
    """The route nearest the trigger within its share of the sentence."""
    mine = [r for r in routes if lo <= r[0] < hi]
    return min(mine, key=lambda r: abs(r[0] - trig.start))[2] if mine else None


class _SentenceCountries:
    """The countries of one sentence, looked up (``geo.find_countries``) only when a trigger needs them."""

    def __init__(self, text: str, norm: str, s0: int, s1: int) -> None:
        self._args = (text, norm, s0, s1)
        self._found: list[_Country] | None = None

    def all(self) -> list[_Country]:
        if self._found is None:
            self._found = _countries(*self._args)
        return self._found


def _trigger_countries(
    sentence: _SentenceCountries, trig: _Trigger, lo: int, hi: int, has_turnover_pair: bool
) -> list[_Country]:
    """The countries in the trigger's share of its sentence (a turnover trigger also takes the "между" pair)."""
    countries = sentence.all()
    found = [c for c in countries if lo <= c.start < hi]
    if trig.indicator != "turnover" and has_turnover_pair:
        found = [c for c in found if c.role != "pair"]
    elif trig.indicator == "turnover":
        found += [c for c in countries if c.role == "pair" and c not in found]
    return found


def extract_trade_facts(text: str, amounts: list[AmountMention], dates: list[DateMention]) -> list[TradeFact]:
    """Trade statements in ``text``; ``amounts``/``dates`` are the article's extracted mentions."""
    norm = normalise(text)
    triggers = _triggers(norm)
    if not triggers:
        return []
    lex = _lex()
    facts: list[TradeFact] = []
    for s0, s1, here in _by_sentence(text, triggers):
        sentence = _SentenceCountries(text, norm, s0, s1)
        routes = _routes(norm, s0, s1)
        has_turnover_pair = any(t.indicator == "turnover" for t in here)
        for k, trig in enumerate(here):
            lo = s0 if k == 0 else (here[k - 1].end + trig.start) // 2
            hi = s1 if k == len(here) - 1 else (trig.end + here[k + 1].start) // 2
            mine = partial(_trigger_countries, sentence, trig, lo, hi, has_turnover_pair)
            route = _route(routes, trig, lo, hi)
            facts.extend(_facts_for(text, norm, trig, lo, hi, (s0, s1), mine, route, amounts, dates, lex))
    return facts


_BEFORE_AMOUNT = re.compile(r"[\s(:—–-]{0,4}")


def _adjacent_countries(
    text: str, linked: list[tuple[int, AmountMention]], countries: list[_Country]
) -> dict[int, _Country]:
    """Amount index -> the partner country written right before it, in an enumeration of amounts
    ("на три направления — Великобританию (388,7 тыс. тонн), Украину (247,2 тыс. тонн) и Нидерланды (...)")."""
    if len(linked) < 2:
        return {}
    out: dict[int, _Country] = {}
    for idx, amount in linked:
        for c in countries:
            if c.end <= amount.start_char and c.role not in ("transit", "adjective", "origin"):
                gap = _BEFORE_AMOUNT.fullmatch(text, c.end, amount.start_char)
                if gap is not None:
                    out[idx] = c
    return out if len(set(c.iso2 for c in out.values())) > 1 else {}


def _pairs(
    values: list[tuple[int | None, AmountMention | None]], comms: list[tuple[int, str, str] | None]
) -> list[tuple[tuple[int | None, AmountMention | None], tuple[int, str, str] | None]]:
    """Amount x commodity pairs: every pair when one side is single; else each amount with the commodity
    just before it ("нефтепродукты (56%) и зерновые культуры (28%)"), or the nearest one."""
    if len(values) < 2 or len(comms) < 2:
        return list(product(values, comms))
    out: list[tuple[tuple[int | None, AmountMention | None], tuple[int, str, str] | None]] = []
    for idx, amount in values:
        assert amount is not None
        pos = amount.start_char
        before = [c for c in comms if c is not None and c[0] < pos]
        pool = before or [c for c in comms if c is not None]
        out.append(((idx, amount), min(pool, key=lambda c: abs(pos - c[0]))))
    return out


def _facts_for(
    text: str,
    norm: str,
    trig: _Trigger,
    lo: int,
    hi: int,
    sent: tuple[int, int],
    countries_of: Callable[[], list[_Country]],
    route: str | None,
    amounts: list[AmountMention],
    dates: list[DateMention],
    lex: _Lex,
) -> list[TradeFact]:
    linked = [
        (i, a)
        for i, a in enumerate(amounts)
        if a.start_char >= lo and a.end_char <= hi and a.unit not in lex.ignored_units
    ]
    needs_commodity = trig.indicator in lex.needs_commodity or trig.weak
    comms = _commodities(norm, lo, hi) if needs_commodity else None
    if needs_commodity and not comms:
        return []
    direction = _direction(norm, trig, lo, hi)
    rank = _nearest(trig.start, list(lex.rank_re.finditer(norm, lo, hi)))
    countries: list[_Country] | None = None
    if not (linked or direction != "none" or rank):
        countries = countries_of()  # the statement needs a commodity and a country: look for countries first
        if not countries:
            return []
    if comms is None:
        comms = _commodities(norm, lo, hi)
    if not (linked or direction != "none" or rank or comms):
        return []
    if countries is None:
        countries = countries_of()
    anchored = bool(rank) or any(
        trig.indicator not in lex.needs_commodity_or_country or a.unit not in lex.money_units
        for _, a in linked
    )
    if not (anchored or comms or countries or route):
        return []  # "тем больше инвестиций", "поставщиком нанесен ущерб на 133 млн тенге": no trade named
    comparison = next((name for name, pat in lex.comparison if pat.search(norm, lo, hi)), None)
    adjacent = _adjacent_countries(text, linked, countries)
    reporter, partner, transit = _roles(trig.indicator, [c for c in countries if c not in adjacent.values()])
    out: list[TradeFact] = []
    values: list[tuple[int | None, AmountMention | None]] = list(linked) or [(None, None)]
    commodity_options: list[tuple[int, str, str] | None] = list(comms) or [None]
    for (idx, amount), comm in _pairs(values, commodity_options):
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
                partner_iso2=adjacent[idx].iso2 if idx in adjacent else partner,
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
                route=route,
            )
        )
        if len(out) >= _MAX_FACTS_PER_TRIGGER:
            break
    return out
