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
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache, partial
from itertools import product
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from newsfacts.extract.numbers import normalise
from newsfacts.extract.types import AmountMention, DateMention, TradeFact

VERSION: str = "trade-3"

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
class _Rule:
    """One trigger record of ``data/trade_ru.yaml``: its indicator, what else a fact needs, whether it may
    stand without a figure."""

    indicator: str
    needs: frozenset[str]  # any of: figure, quantity, commodity, country, per_unit (empty: nothing more)
    figureless: bool
    units: frozenset[str] | None = None  # the units its figures may have ("money": any currency); None: any
    context: re.Pattern[str] | None = None  # must also occur in the sentence (or context_reach chars before)
    context_reach: int = 0
    veto: re.Pattern[str] | None = None  # must not occur in the sentence


@dataclass(frozen=True)
class _Lex:
    trigger_re: re.Pattern[str]
    trigger_ac: Any  # ahocorasick.Automaton over the triggers' literal prefixes -> length (None: scan)
    rules: tuple[_Rule, ...]
    money_units: frozenset[str]
    increase_re: re.Pattern[str]
    decrease_re: re.Pattern[str]
    change_increase_re: re.Pattern[str]
    change_decrease_re: re.Pattern[str]
    change_reach: int
    modal_re: re.Pattern[str]
    count_not_before_re: re.Pattern[str]
    top_re: re.Pattern[str]
    top_words: dict[str, float]
    ordinal_re: re.Pattern[str]
    ordinal_words: dict[str, float]
    per_unit: tuple[tuple[str, re.Pattern[str]], ...]
    party_re: re.Pattern[str]  # national companies and capitals, one group p<i> per country
    party_iso2: tuple[str, ...]
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


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex ("заем|займ\\w*" -> ["заем", "займ\\w*"])."""
    out, depth, cur = [], 0, ""
    k = 0
    while k < len(pattern):
        c = pattern[k]
        if c == "\\":
            cur += pattern[k : k + 2]
            k += 2
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += c
        k += 1
    return [*out, cur]


def _prefix_automaton(records: list[dict[str, Any]]) -> Any:
    """An Aho-Corasick automaton over the literal prefixes of every trigger pattern -> (prefix length, the
    (rule index, compiled pattern) pairs starting with it); None if a pattern has no literal prefix."""
    by_prefix: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
    for i, record in enumerate(records):
        for pattern in record["patterns"]:
            for alt in _alternatives(pattern):
                prefix = _literal_prefix(alt)
                if not prefix:
                    return None
                by_prefix.setdefault(prefix, []).append((i, re.compile(rf"(?:{alt})(?!\w)")))
    ac = ahocorasick.Automaton()
    for prefix, pats in by_prefix.items():
        ac.add_word(prefix, (len(prefix), tuple(pats)))
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
    records = data["triggers"]
    alt = "|".join(f"(?P<i{i}>{'|'.join(r['patterns'])})" for i, r in enumerate(records))
    parties = _load("parties_ru.yaml")["parties"]
    comms = _load("commodities_ru.yaml")["commodities"]
    route_data = _load("routes_ru.yaml")
    routes = route_data["routes"]
    route_alt = "|".join(
        f"(?P<r{i}>{'|'.join([pats] if isinstance(pats, str) else pats)})"
        for i, pats in enumerate(routes.values())
    )
    return _Lex(
        trigger_re=re.compile(rf"(?<!\w)(?:{alt})(?!\w)"),
        trigger_ac=_prefix_automaton(records),
        rules=tuple(
            _Rule(
                str(r["indicator"]),
                frozenset(r.get("needs", ())),
                bool(r.get("figureless", True)),
                frozenset(r["units"]) if "units" in r else None,
                _words(r["context"]) if "context" in r else None,
                int(r.get("context_reach", 0)),
                _words(r["veto"]) if "veto" in r else None,
            )
            for r in records
        ),
        money_units=_money_units(),
        increase_re=_words(data["direction"]["increase"]),
        decrease_re=_words(data["direction"]["decrease"]),
        change_increase_re=_words(data["change"]["increase"]),
        change_decrease_re=_words(data["change"]["decrease"]),
        change_reach=int(data["change_reach"]),
        modal_re=_words(data["modal"]),
        count_not_before_re=re.compile(rf"\s*(?:{data['count_not_before']})(?!\w)"),
        top_re=_words(data["top"]),
        top_words={str(k): float(v) for k, v in data["top_words"].items()},
        ordinal_re=_words(data["ordinal"]),
        ordinal_words={str(k): float(v) for k, v in data["ordinal_words"].items()},
        per_unit=tuple((str(k), re.compile(rf"(?:{v})")) for k, v in data["per_unit"].items()),
        party_re=_words(
            "|".join(
                f"(?P<p{i}>{'|'.join([pats] if isinstance(pats, str) else pats)})"
                for i, pats in enumerate(parties.values())
            )
        ),
        party_iso2=tuple(str(k) for k in parties),
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
    rule: _Rule

    @property
    def indicator(self) -> str:
        return self.rule.indicator


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


def _by_sentence(
    bounds: list[tuple[int, int]], triggers: list[_Trigger]
) -> Iterator[tuple[int, int, list[_Trigger]]]:
    """(sentence start, end, its triggers) for the sentences holding a trigger (``triggers`` in text order)."""
    i = 0
    for s0, s1 in bounds:
        if triggers[i].start >= s1:
            continue
        j = i
        while j < len(triggers) and triggers[j].start < s1:
            j += 1
        yield s0, s1, triggers[i:j]
        i = j
        if i == len(triggers):
            return


def _trigger_matches(norm: str, lex: _Lex) -> list[tuple[int, int, int]]:
    """(start, end, rule index) of the triggers in ``norm``, as ``trigger_re.finditer`` finds them, but only
    trying, where a word starts with a trigger's literal prefix, the patterns with that prefix (much faster)."""
    if lex.trigger_ac is None:
        return [(m.start(), m.end(), int(str(m.lastgroup)[1:])) for m in lex.trigger_re.finditer(norm)]
    at: dict[int, list[tuple[int, re.Pattern[str]]]] = {}
    for end, (length, pats) in lex.trigger_ac.iter(norm):
        start = end - length + 1
        if start == 0 or not norm[start - 1].isalnum():
            at.setdefault(start, []).extend(pats)
    out: list[tuple[int, int, int]] = []
    last = 0
    for pos in sorted(at):
        if pos < last:
            continue
        for i, pat in sorted(at[pos], key=lambda ip: ip[0]):
            m = pat.match(norm, pos)
            if m is not None:
                out.append((pos, m.end(), i))
                last = m.end()
                break
    return out


def _triggers(norm: str) -> list[_Trigger]:
    lex = _lex()
    found: list[_Trigger] = []
    for start, end, i in _trigger_matches(norm, lex):
        rule = lex.rules[i]
        prev = found[-1] if found else None
        if prev and prev.indicator == "price" and _OF_FLOW.fullmatch(norm, prev.end, start):
            found[-1] = _Trigger(
                prev.start, end, prev.rule
            )  # "тариф на транзит", "пошлины на экспорт": a price
            continue
        if prev and prev.indicator == rule.indicator and not norm[prev.end : start].strip(" -"):
            # "транзитных грузоперевозок": one trigger, with the weaker needs of the two
            keep = prev.rule if len(prev.rule.needs) <= len(rule.needs) else rule
            found[-1] = _Trigger(prev.start, end, keep)
            continue
        found.append(_Trigger(start, end, rule))
    return found


def _countries(text: str, norm: str, s0: int, s1: int) -> list[_Country]:
    from newsfacts.extract.geo import find_countries  # geo loads its lexicon lazily

    lex = _lex()
    out: list[_Country] = []
    found = [(a + s0, b + s0, iso2) for a, b, iso2 in find_countries(text[s0:s1])]
    for m in lex.party_re.finditer(norm, s0, s1):  # national companies and capitals stand for their countries
        if not any(a < m.end() and m.start() < b for a, b, _ in found):
            code = lex.party_iso2[int(str(m.lastgroup)[1:])]
            found.append((m.start(), m.end(), "" if code == _MULTILATERAL else code))
    for a, b, iso2 in sorted(found):
        before = norm[max(s0, a - 30) : a]
        role = next((name for name, pat in lex.roles if pat.search(before)), None)
        if role is None and out and _ENUMERATION.fullmatch(norm, out[-1].end, a):
            role = out[-1].role  # "вложился в Индию, Китай и Азербайджан": each item has the first one's role
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
    starts = _commodity_prefixes()
    toks = [t for t in _WORD.finditer(norm[s0:s1]) if t.group()[:3] in starts]  # skip what cannot be one
    found: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    i = 0
    while i < len(toks):
        lem = lemmas(toks[i].group())
        hit = None
        if i + 1 < len(toks) and not norm[s0 + toks[i].end() : s0 + toks[i + 1].start()].strip():
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


@lru_cache(maxsize=1)
def _commodity_prefixes() -> frozenset[str]:
    """The first three letters of every form of every commodity word ("угл" of "угля" as well as "уго"):
    a word starting otherwise is never lemmatised in the search for commodities."""
    from newsfacts.extract.morph import parses

    out: set[str] = set()
    for key in _lex().commodities:
        for word in key.split():
            out.add(word[:3])
            for p in parses(word)[:3]:
                out.update(f.word.replace("ё", "е")[:3] for f in p.lexeme)
    return frozenset(out)


def _nearest(pos: int, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return min(matches, key=lambda m: abs(m.start() - pos)) if matches else None


def _direction(norm: str, pos: int, lo: int, hi: int) -> str:
    """The direction word nearest ``pos`` (a figure or the trigger) within ``norm[lo:hi]``."""
    lex = _lex()
    inc = list(lex.increase_re.finditer(norm, lo, hi))
    dec = list(lex.decrease_re.finditer(norm, lo, hi))
    best = _nearest(pos, inc + dec)
    if best is None:
        return "none"
    return "increase" if best in inc else "decrease"


_OF_FLOW = re.compile(r"\s+(?:на|за)\s+")  # "тариф на транзит": the price of a flow


@lru_cache(maxsize=1)
def _count_start() -> re.Pattern[str]:
    """Where a count may begin: a digit (not inside a number, model name or date) or a number word."""
    from newsfacts.extract.numbers import lexicon

    return re.compile(r"(?<![\w.,\-/])\d|" + lexicon().word_re.pattern)


_COUNTED = frozenset(
    {"export", "import", "supply"}
)  # flows whose figures may be counts of goods or countries
_PHYSICAL_UNITS = frozenset({"t", "bbl", "m3", "kWh", "MW", "GW", "TEU"})
_MULTILATERAL = "multilateral"  # parties_ru.yaml: a lender of several countries, a party with no country ("")
_ENUMERATION = re.compile(r"\s*(?:,|и|,\s*а\s+также|а\s+также)\s*(?:\([^()]{0,12}\)\s*)?")
_TRANSIT_WORD = re.compile(r"(?<!\w)через(?!\w)")
_CLAUSE_BREAK = re.compile(r"[,.;:!?()«»\"]|\s[—–-]\s")


def _close(norm: str, a: int, b: int, max_words: int) -> bool:
    """Whether ``norm[a:b]`` (the gap between two phrases) is at most ``max_words`` words of one clause."""
    if b <= a:
        return True
    gap = norm[a:b]
    return _CLAUSE_BREAK.search(gap) is None and len(gap.split()) <= max_words


def _near_trigger(norm: str, m: re.Match[str], trig: _Trigger, before: int, after: int) -> bool:
    """A phrase ``m`` that governs the trigger: at most ``before`` words before it or ``after`` words after
    it, in the same clause (or overlapping it)."""
    if m.start() < trig.end and trig.start < m.end():
        return True
    if m.end() <= trig.start:
        return _close(norm, m.end(), trig.start, before)
    return _close(norm, trig.end, m.start(), after)


def _change(norm: str, trig: _Trigger, lo: int, hi: int) -> str | None:
    """The change a figure-less statement states about its trigger: a direction or start/stop/ban word that
    governs it ("рост экспорта", "запрет на поставку", "поставки были остановлены", "экспорт падает");
    None when it states no change (then it is no fact)."""
    lex = _lex()
    a, b = max(lo, trig.start - lex.change_reach), min(hi, trig.end + lex.change_reach)
    found = [(m, "increase") for m in lex.increase_re.finditer(norm, a, b)]
    found += [(m, "decrease") for m in lex.decrease_re.finditer(norm, a, b)]
    found += [(m, "increase") for m in lex.change_increase_re.finditer(norm, a, b)]
    found += [(m, "decrease") for m in lex.change_decrease_re.finditer(norm, a, b)]
    found = [
        (m, d)
        for m, d in found
        if not (trig.start <= m.start() < trig.end) and _near_trigger(norm, m, trig, 3, 4)
    ]
    if not found:
        return None
    return min(found, key=lambda md: abs(md[0].start() - trig.start))[1]


_PER = re.compile(r"\s*(?:за|/)\s*(?:(?:одн[уа]|один|1)\s+)?(?:тройск\w+\s+)?")


def _per_unit(norm: str, amount: AmountMention) -> str | None:
    """What a price is per, from its denominator inside the amount or right after it ("$73 за тысячу
    кубометров" -> "1000 m3", "$1284 за тройскую унцию" -> "oz")."""
    low = amount.text.lower()
    at = max(low.rfind(" за "), low.rfind("/"))
    if at >= 0:
        tail = low[at:]
    else:
        m = _PER.match(norm, amount.end_char)
        if m is None or not m.group().strip():
            return None
        tail = norm[m.end() : m.end() + 30]
    return next((name for name, pat in _lex().per_unit if pat.match(tail.lstrip(" за/"))), None)


def _ordinal(norm: str, trig: _Trigger, lo: int, hi: int) -> tuple[re.Match[str], float] | None:
    """An exact rank ("вторым по объёмам ... партнёром", "11-м по величине экспортёром") governing the trigger."""
    if norm.find(" по ", lo, hi) < 0:
        return None  # every ordinal rank says "по объёму / величине": skip the regex where it cannot match
    lex = _lex()
    return _rank_size(norm, trig, lex.ordinal_re.search(norm, lo, hi), lex.ordinal_words, 4)


def _top(norm: str, trig: _Trigger, lo: int, hi: int) -> tuple[re.Match[str], float] | None:
    """A "топ-20" / "в десятку лидеров" rank size within ``norm[lo:hi]``, governing the trigger."""
    lex = _lex()
    return _rank_size(norm, trig, lex.top_re.search(norm, lo, hi), lex.top_words, 2)


def _rank_size(
    norm: str, trig: _Trigger, m: re.Match[str] | None, words: dict[str, float], before: int
) -> tuple[re.Match[str], float] | None:
    """The number of a rank match (group 1: digits; group 2: a word stem of ``words``) if it governs the
    trigger (at most ``before`` words before it or 4 after)."""
    if m is None or not _near_trigger(norm, m, trig, before, 4):
        return None
    if m.group(1):
        return m, float(m.group(1))
    return m, next(v for k, v in words.items() if m.group(2).startswith(k))


def _roles(
    indicator: str, countries: list[_Country], near: int | None = None
) -> tuple[str | None, str | None, str | None]:
    """(reporter, partner, transit) ISO2 codes; of several countries in one role, the one nearest ``near``
    (the trigger), else the first."""

    def first(*roles: str) -> str | None:
        found = [c for c in countries if c.role in roles]
        if near is not None:  # the nearest; a subject before the trigger before one after it
            found.sort(key=lambda c: (c.role == "subject" and c.start > near, abs(c.start - near)))
        return found[0].iso2 if found else None

    transit = first("transit")
    if indicator == "turnover":
        codes: list[str] = []
        for c in sorted(countries, key=lambda c: (c.role != "pair", c.start)):
            if c.role != "transit" and c.iso2 and c.iso2 not in codes:
                codes.append(c.iso2)
        pair = sorted(codes[:2])  # the two countries, alphabetical by code (CONVENTIONS.md)
        return (pair[0] if pair else None), (pair[1] if len(pair) > 1 else None), transit
    if (
        indicator == "production"
    ):  # where it is produced: "добыча в России", "российская нефть", "Россия добывает"
        return first("adjective", "subject", "destination", "origin"), None, transit
    origin = first("origin", "adjective") or first("subject")
    dest = first("destination") or first("with")
    if indicator == "import":
        reporter = first("destination") or first("subject")
        partner = first("origin", "adjective") or first("with")
        return reporter, partner if partner != reporter else None, transit
    return origin, dest if dest != origin else None, transit


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


class _SentenceRoutes:
    """The named routes of one sentence, looked up (``_routes``) only when a trigger gets that far."""

    def __init__(self, norm: str, s0: int, s1: int) -> None:
        self._args = (norm, s0, s1)
        self._found: list[tuple[int, int, str]] | None = None

    def near(self, trig: _Trigger, lo: int, hi: int) -> str | None:
        if self._found is None:
            self._found = _routes(*self._args)
        return _route(self._found, trig, lo, hi)


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
    named: set[int] = set()  # facts whose sentence names a pair ("между A и B") of another fact: no context
    a_starts = [a.start_char for a in amounts]  # extract_amounts gives them in text order
    bounds = list(_sentence_bounds(text))
    for s0, s1, here in _by_sentence(bounds, triggers):
        sentence = _SentenceCountries(text, norm, s0, s1)
        i0, i1 = bisect_left(a_starts, s0), bisect_left(a_starts, s1)
        figures_here = _SentenceFigures(
            norm,
            text,
            s0,
            s1,
            list(zip(range(i0, i1), amounts[i0:i1], strict=True)),
            [d for d in dates if s0 <= d.start_char < s1],
        )
        first = len(facts)
        routes = _SentenceRoutes(norm, s0, s1)
        has_turnover_pair = any(t.indicator == "turnover" for t in here)
        owner: tuple[_Trigger, _Share, Callable[[], list[_Country]], Callable[[], str | None], int] | None = (
            None
        )
        carry: int | None = None  # the share of a trigger that made no fact goes on to the next one
        for k, trig in enumerate(here):
            lo = s0 if k == 0 else (here[k - 1].end + trig.start) // 2
            if carry is not None:
                lo, carry = min(lo, carry), None
            hi = s1 if k == len(here) - 1 else (trig.end + here[k + 1].start) // 2
            # a figure belongs to the last trigger written before it (figures before the first: the first)
            figures = (s0 if k == 0 else trig.start, s1 if k == len(here) - 1 else here[k + 1].start)
            mine = partial(_trigger_countries, sentence, trig, lo, hi, has_turnover_pair)
            route = partial(routes.near, trig, lo, hi)
            share = _Share(lo, hi, figures, (s0, s1), sentence, figures_here)
            found = _facts_for(text, norm, trig, share, mine, route, dates, lex)
            if not found:
                carry = lo  # "украинские производители поставили": the words before go to "поставили"
            if found or owner is None:
                facts.extend(found)
                owner = (trig, share, mine, route, len(facts) - len(found))
                continue
            # a trigger that makes no fact ("... общей стоимостью 197 млн долл." after "контракт на поставку")
            # leaves its figures to the trigger before it
            o_trig, o_share, o_mine, o_route, o_at = owner
            o_share = replace(o_share, figures=(o_share.figures[0], figures[1]))
            del facts[o_at:]
            facts.extend(_facts_for(text, norm, o_trig, o_share, o_mine, o_route, dates, lex))
            owner = (o_trig, o_share, o_mine, o_route, o_at)
        if len(facts) > first and any(c.role == "pair" for c in sentence.all()):
            named.update(range(first, len(facts)))  # the sentence's pair is its turnover's, not the context's
    if not facts:
        return facts
    facts = _anaphoric(text, norm, bounds, facts, amounts, dates)
    return _roles_from_context(text, norm, bounds, facts, named, dates)


_PRONOUN = re.compile(r"(?:^|\s)(?:это|он|она|оно|они)(?=\s)")


def _anaphoric(
    text: str,
    norm: str,
    bounds: list[tuple[int, int]],
    facts: list[TradeFact],
    amounts: list[AmountMention],
    dates: list[DateMention],
) -> list[TradeFact]:
    """Figures of a sentence that names no trigger but begins with a pronoun for the fact before it ("Уже в
    2010 г. он составил $35,63 млрд", "Это на 139,9% больше показателей 2016 г."): facts of that fact's
    indicator, commodity and parties (``roles_from = "context"``), its period unless the sentence has one."""
    lex = _lex()
    out = list(facts)
    starts = [b[0] for b in bounds]
    last_sentence = {}
    for f in facts:
        last_sentence[max(0, bisect_right(starts, f.start_char) - 1)] = f
    for k, f in sorted(last_sentence.items()):
        if k + 1 >= len(bounds) or (k + 1) in last_sentence:
            continue
        s0, s1 = bounds[k + 1]
        m = _PRONOUN.search(norm, s0, min(s1, s0 + 40))
        if m is None:
            continue
        mine = [
            (i, a)
            for i, a in enumerate(amounts)
            if m.end() <= a.start_char and a.end_char <= s1 and a.unit not in lex.ignored_units
        ]
        for i, a in mine:
            start = m.start() if norm[m.start()] != " " else m.start() + 1
            period = _period(norm, dates, s0, s1, s0, s1, a.start_char)
            out.append(
                replace(
                    f,
                    start_char=start,
                    end_char=a.end_char,
                    text=text[start : a.end_char],
                    value=a.value,
                    unit=a.unit,
                    value_kind=a.value_kind,
                    qualifier=a.qualifier,
                    direction=_direction(norm, a.start_char, s0, s1),
                    comparison=next((n for n, pat in lex.comparison if pat.search(norm, s0, s1)), None),
                    period_start=period.start_date if period else f.period_start,
                    period_end=period.end_date if period else f.period_end,
                    period_granularity=period.granularity if period else f.period_granularity,
                    amount_index=i,
                    per_unit=_per_unit(norm, a) if a.unit in lex.money_units else None,
                    roles_from="context" if (f.reporter_iso2 or f.partner_iso2) else None,
                )
            )
    return sorted(out, key=lambda t: t.start_char)


_PERIOD_REACH = 1  # a fact with no date of its own takes the period of a fact this many sentences before
# ... unless its sentence sets a time of its own that the date extractor leaves undated, or imagines one
_OWN_TIME = re.compile(
    r"(?<!\w)(?:ранее|раньше|сейчас|сегодня|теперь|тогда|по\s+итогам\s+года|в\s+будущем|в\s+перспективе|"
    r"в\s+случае|если)(?!\w)"
)
_CONTEXT_SENTENCES = 3  # a fact's parties may come from a fact this many sentences before it
# What the context may fill, by indicator (CONVENTIONS.md; in the development set a flow between two named
# countries is the rule for imports, supplies, turnover and transit, while exports and production are mostly
# stated for their exporter/producer alone): "both" fills a missing reporter or partner, "reporter" only a
# missing reporter, "pair" only a fact with no party at all; market prices (Brent, gold) take none.
_CONTEXT_FILLS: dict[str, str] = {
    "import": "both",
    "supply": "both",
    "turnover": "both",
    "transit": "both",
    "other": "both",
    "capacity": "both",
    "export": "reporter",
    "production": "reporter",
    "investment": "pair",
}


def _roles_from_context(
    text: str,
    norm: str,
    bounds: list[tuple[int, int]],
    facts: list[TradeFact],
    named: set[int],
    dates: list[DateMention],
) -> list[TradeFact]:
    """Facts whose own sentence lacks a party take it from the statement before them: a fact in the
    previous few sentences, else the countries of the sentence right before, else the article's main
    reporters (the most frequent reporters of its facts). "Поставки увеличились на 12%" after a sentence about Kazakh
    wheat to Iran is KZ -> IR; "Экспорт нефтепродуктов в США" in an article on Belarus is BY -> US.
    Such facts are marked ``roles_from = "context"``; the others ``"sentence"`` (or None: no parties)."""
    starts = [b[0] for b in bounds]
    counts = Counter(f.reporter_iso2 for f in facts if f.indicator in _CONTEXT_FILLS and f.reporter_iso2)
    main = [c for c, _ in counts.most_common(2)]  # the article's main reporters

    def sentence_of(pos: int) -> int:
        return max(0, bisect_right(starts, pos) - 1)

    def context(k: int, last: tuple[int, TradeFact] | None, indicator: str) -> list[str | None]:
        if last is not None and k - last[0] <= _CONTEXT_SENTENCES:
            return [last[1].reporter_iso2, last[1].partner_iso2]
        if k > 0:
            s0, s1 = bounds[k - 1]
            countries = [c for c in _countries(text, norm, s0, s1) if c.role != "transit"]
            if countries:
                return [c or None for c in _roles(indicator, countries)[:2]]
        return [*main, None, None][:2] if indicator != "investment" else [None, None]

    out: list[TradeFact] = []
    last: tuple[int, TradeFact] | None = None
    dated: tuple[int, TradeFact] | None = None
    for n, f in enumerate(facts):
        k = sentence_of(f.start_char)
        if f.period_start is not None:
            dated = (k, f)
        elif (
            f.period_granularity is None
            and dated is not None
            and k - dated[0] <= _PERIOD_REACH
            and not _OWN_TIME.search(norm, *bounds[k])
        ):  # "уровень добычи оказался на 2,5% больше" right after "в 2016 году добыча ...": the same period
            d = dated[1]
            f = replace(
                f,
                period_start=d.period_start,
                period_end=d.period_end,
                period_granularity=d.period_granularity,
            )
        elif f.period_granularity is None and k > 0 and not _OWN_TIME.search(norm, *bounds[k]):
            before = [
                m for m in dates if bounds[k - 1][0] <= m.start_char < bounds[k - 1][1] and m.start_date
            ]
            if before:  # "В 2016 году ... . Экспорт вырос на 5%.": the date of the sentence before
                m = before[-1]
                f = replace(
                    f, period_start=m.start_date, period_end=m.end_date, period_granularity=m.granularity
                )
        own = f.roles_from or ("sentence" if (f.reporter_iso2 or f.partner_iso2) else None)
        fills = _CONTEXT_FILLS.get(f.indicator)
        reporter, partner = f.reporter_iso2, f.partner_iso2
        wanted = (
            fills == "both"
            and not (reporter and partner)
            or fills == "reporter"
            and not reporter
            or fills == "pair"
            and not (reporter or partner)
        )
        if not wanted or (n in named and not partner):
            out.append(replace(f, roles_from=own))
            if own and fills:
                last = (k, f)
            continue
        ctx = context(k, last, f.indicator)
        if fills == "reporter":
            reporter = next((c for c in ctx if c and c != partner), None)
        elif not reporter and not partner:
            reporter, partner = ctx
        else:
            other = next((c for c in ctx if c and c not in (reporter, partner)), None)
            if not reporter:
                reporter = other
            elif fills == "both":
                partner = other
        if (reporter, partner) == (f.reporter_iso2, f.partner_iso2):
            out.append(replace(f, roles_from=own))
            continue
        if f.indicator == "turnover" and reporter and partner and reporter > partner:
            reporter, partner = partner, reporter
        out.append(replace(f, reporter_iso2=reporter, partner_iso2=partner, roles_from="context"))
        if own is None:
            continue
        last = (k, out[-1])
    return out


@dataclass(frozen=True)
class _Share:
    """A trigger's part of its sentence: ``lo``..``hi`` for its words (countries, commodities, direction),
    ``figures`` for the amounts that belong to it, ``sentence`` the whole sentence."""

    lo: int
    hi: int
    figures: tuple[int, int]
    sentence: tuple[int, int]
    countries: _SentenceCountries  # every party of the sentence
    amounts: _SentenceFigures  # every figure of the sentence


class _SentenceFigures:
    """The amounts of one sentence (with their article indices) and its counts, found once when asked."""

    def __init__(
        self,
        norm: str,
        text: str,
        s0: int,
        s1: int,
        amounts: list[tuple[int, AmountMention]],
        dates: list[DateMention],
    ) -> None:
        self.amounts = amounts
        self._args = (norm, text, s0, s1, [a for _, a in amounts], dates)
        self._counts: list[tuple[int, AmountMention]] | None = None

    def counts(self) -> list[tuple[int, AmountMention]]:
        """Counts of the sentence with negative indices (they have no amounts row)."""
        if self._counts is None:
            self._counts = [(-1 - k, c) for k, c in enumerate(_counts(*self._args))]
        return self._counts


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
            if c.iso2 and c.end <= amount.start_char and c.role not in ("transit", "adjective", "origin"):
                gap = _BEFORE_AMOUNT.fullmatch(text, c.end, amount.start_char)
                if gap is not None:
                    out[idx] = c
    return out if len(set(c.iso2 for c in out.values())) > 1 else {}


_RESPECTIVELY = re.compile(r"(?<!\w)соответственно(?!\w)")


def _respective(
    norm: str, linked: list[tuple[int, AmountMention]], countries: list[_Country], taken: dict[int, _Country]
) -> dict[int, _Country]:
    """Amount index -> partner for "Египет, Южную Корею и Казахстан (7,9%, 7,8% и 7,1% соответственно)": as
    many partner countries written before the figures as there are figures, paired in order."""
    if len(linked) < 2 or taken:
        return {}
    first = linked[0][1].start_char
    if not _RESPECTIVELY.search(norm, linked[-1][1].end_char, linked[-1][1].end_char + 40):
        return {}
    listed = [c for c in countries if c.iso2 and c.end <= first and c.role in ("destination", "subject")]
    listed = listed[-len(linked) :]
    if len(listed) != len(linked) or len({c.iso2 for c in listed}) != len(listed):
        return {}
    return {idx: c for (idx, _), c in zip(linked, listed, strict=True)}


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


def _counts(
    norm: str, text: str, lo: int, hi: int, amounts: list[AmountMention], dates: list[DateMention]
) -> list[AmountMention]:
    """Bare counts of traded things in ``norm[lo:hi]`` ("1412 танков", "в 69 стран", "два контракта"): a whole
    number right before a noun that is no time, unit or scale word, and inside no amount or date."""
    from newsfacts.extract.numbers import parse_number

    taken = [(a.start_char, a.end_char) for a in amounts] + [(d.start_char, d.end_char) for d in dates]
    out: list[AmountMention] = []
    pos = lo
    lex = _lex()
    while (m := _count_start().search(norm, pos, hi)) is not None:
        pos = m.end()
        num = parse_number(norm, m.start())
        if num is None or num.end > hi or num.only_scale or num.scale > 1 or num.value != int(num.value):
            if num is not None:
                pos = max(pos, num.end)
            continue
        pos = num.end
        if any(a < num.end and num.start < b for a, b in taken) or not 1 < num.value < 1e6 and num.value != 1:
            continue
        if num.value == 1 or 1900 <= num.value <= 2100 and not num.words:
            continue  # "один" is an article more than a count; a four-digit 19xx/20xx is a year
        following = norm[num.end : num.end + 60].split()[:3]  # the noun, or up to two adjectives and it
        surface = text[num.end : num.end + 60].split()[:3]
        if not _counted_noun(surface) or norm[max(0, num.start - 7) : num.start].strip() == "между":
            continue
        if any(lex.count_not_before_re.fullmatch(" " + w.strip(",.;:()«»")) for w in following):
            continue
        out.append(AmountMention(text[num.start : num.end], num.start, num.end, num.value, None, "absolute"))
    return out


def _counted_noun(words: list[str]) -> bool:
    """Whether a count is followed by the noun it counts: a noun, or adjectives and then a noun, or a model's
    abbreviation ("100 БТР-4", "12 Су-30")."""
    from newsfacts.extract.morph import parses

    for w in words:
        word = w.strip(',.;:()«»"')
        head = word.split("-")[0]
        if head.isalpha() and head.isupper() and len(head) >= 2:
            return True
        if not word.isalpha():
            return False
        tags = {p.tag.POS for p in parses(word)}
        if "NOUN" in tags:
            return True
        if not tags & {"ADJF", "PRTF"}:
            return False
    return False


_PARENTHESES = re.compile(r"\([^()]*\)")
_BEFORE_REACH = 4  # words between a figure written before its trigger and the trigger ("45% инвестпортфеля")


def _before_ok(norm: str, amount: AmountMention, trig: _Trigger) -> bool:
    """A figure after its trigger belongs to it; one written before it only in the same clause and close
    ("$114 млн пойдут на", "80% всей внешней торговли"), not "рост на 1,7%, что стало возможным благодаря
    стабилизации цен"."""
    if amount.start_char >= trig.start or _per_unit(norm, amount) is not None:
        return True  # a money figure per barrel or tonne is a price wherever it stands
    gap = _PARENTHESES.sub(" ", norm[amount.end_char : trig.start])  # "200 млрд рупий ($3,1 млрд) инвестиций"
    return _CLAUSE_BREAK.search(gap) is None and len(gap.split()) <= _BEFORE_REACH


def _unit_allowed(rule: _Rule, unit: str | None, lex: _Lex) -> bool:
    if rule.units is None:
        return True
    return unit in rule.units or ("money" in rule.units and unit in lex.money_units)


def _needs_met(
    rule: _Rule,
    figures: tuple[bool, bool, bool],
    comms: list[tuple[int, str, str]],
    countries_of: Callable[[], list[_Country]],
    per_unit: bool,
) -> bool:
    """Whether a statement holds one of what its trigger needs; ``figures``: (any figure, a non-money one,
    a physical one); the countries are looked up last, only when nothing else meets the needs."""
    if not rule.needs:
        return True
    met = {
        "figure": figures[0],
        "quantity": figures[1],
        "physical": figures[2],
        "commodity": bool(comms),
        "per_unit": per_unit,
    }
    if any(met.get(n, False) for n in rule.needs):
        return True
    return "country" in rule.needs and bool(countries_of())


def _facts_for(
    text: str,
    norm: str,
    trig: _Trigger,
    share: _Share,
    countries_of: Callable[[], list[_Country]],
    route_of: Callable[[], str | None],
    dates: list[DateMention],
    lex: _Lex,
) -> list[TradeFact]:
    lo, hi = share.lo, share.hi
    f0, f1 = share.figures
    rule = trig.rule
    if rule.context is not None and not rule.context.search(
        norm, max(0, share.sentence[0] - rule.context_reach), share.sentence[1]
    ):
        return []
    if rule.veto is not None and rule.veto.search(norm, *share.sentence):
        return []
    linked = [
        (i, a)
        for i, a in share.amounts.amounts
        if a.start_char >= f0
        and a.end_char <= f1
        and a.unit not in lex.ignored_units
        and _unit_allowed(trig.rule, a.unit, lex)
        and _before_ok(norm, a, trig)
    ]
    if trig.indicator in _COUNTED and _unit_allowed(rule, None, lex):  # negative indices: no amounts row
        counts = [
            (k, c)
            for k, c in share.amounts.counts()
            if f0 <= c.start_char and c.end_char <= f1 and _before_ok(norm, c, trig)
        ]
        linked = sorted(linked + counts, key=lambda ia: ia[1].start_char)
    ranks = [m for m in lex.rank_re.finditer(norm, lo, hi) if _near_trigger(norm, m, trig, 3, 3)]
    rank = None if linked or trig.indicator == "price" else _nearest(trig.start, ranks)
    top = None if linked else _top(norm, trig, lo, hi)
    ordinal = None if linked or trig.indicator == "price" else _ordinal(norm, trig, lo, hi)
    if ordinal is not None:
        rank = top = None  # "вторым по объёмам партнёром" is rank 2, exactly
    has_figure = bool(linked or rank or top or ordinal)
    change = None
    if not has_figure:  # cheap checks first: most figure-less trigger words state no change
        if not trig.rule.figureless:
            return []
        change = _change(norm, trig, lo, hi)
        if change is None and not _TRANSIT_WORD.search(norm, lo, hi):
            return []
    comms = _commodities(norm, min(lo, f0), max(hi, f1))  # the words of its share and of its figures
    per_units = {i: _per_unit(norm, a) for i, a in linked if a.unit in lex.money_units}
    quantity = bool(rank or top or ordinal) or any(a.unit not in lex.money_units for _, a in linked)
    physical = any(a.unit in _PHYSICAL_UNITS for _, a in linked)
    if not _needs_met(
        trig.rule, (has_figure, quantity, physical), comms, countries_of, any(per_units.values())
    ):
        return []
    countries = countries_of()
    if not has_figure:
        if change is None and comms and any(c.role == "transit" for c in countries):
            change = "none"  # a named flow along its route: "экспорт казахской нефти через территорию Азербайджана"
        if change is None or not (share.countries.all() or route_of() or comms or not trig.rule.needs):
            return []  # a figure-less statement must state a change of a named flow (CONVENTIONS.md)
        if lex.modal_re.search(norm, *share.sentence):
            return []  # ... that happened, is happening or is decided: not a scenario, an option or an opinion
    if trig.indicator == "price":
        # a market price (Brent, gold) has no parties: only a country written right at the trigger or the
        # figure ("за российский газ", "тариф на транзит через Белоруссию") is one of its flow's
        spots = [(trig.start, trig.end)] + [(a.start_char, a.end_char) for _, a in linked]
        countries = [
            c for c in countries if any(_close(norm, min(c.end, b), max(c.start, a), 4) for a, b in spots)
        ]
    comparison = next((name for name, pat in lex.comparison if pat.search(norm, lo, hi)), None)
    adjacent = _adjacent_countries(text, linked, countries)
    adjacent.update(_respective(norm, linked, countries, adjacent))
    reporter, partner, transit = _roles(
        trig.indicator, [c for c in countries if c not in adjacent.values()], trig.start
    )
    reporter, partner, transit = reporter or None, partner or None, transit or None
    out: list[TradeFact] = []
    values: list[tuple[int | None, AmountMention | None]] = list(linked) or [(None, None)]
    commodity_options: list[tuple[int, str, str] | None] = list(comms) or [None]
    for (idx, amount), comm in _pairs(values, commodity_options):
        start, end = trig.start, trig.end
        value: float | None = None
        unit = qualifier = per_unit = None
        kind = "none"
        indicator = trig.indicator
        direction = change or _direction(norm, trig.start, lo, hi)
        if amount is not None:
            start, end = min(start, amount.start_char), max(end, amount.end_char)
            value, unit, qualifier, kind = amount.value, amount.unit, amount.qualifier, amount.value_kind
            if kind == "absolute" and unit == "percent" and _close(norm, amount.end_char, trig.start, 1):
                kind = "share_pct"  # "45% инвестпортфеля", "70% продукции ... экспорта": a share of the flow
            direction = _direction(norm, amount.start_char, lo, hi)
            per_unit = per_units.get(idx) if idx is not None else None
            if per_unit is not None:
                indicator = "price"  # a money figure per barrel, tonne, 1000 m3 is a price
        elif rank is not None:
            start, end = min(start, rank.start()), max(end, rank.end())
            value, unit, qualifier, kind = 1.0, "rank", "exact", "rank"
        elif top is not None:
            start, end = min(start, top[0].start()), max(end, top[0].end())
            value, unit, qualifier, kind = top[1], "rank", "up_to", "rank"
        elif ordinal is not None:
            start, end = min(start, ordinal[0].start()), max(end, ordinal[0].end())
            value, unit, qualifier, kind = ordinal[1], "rank", "exact", "rank"
        if comm is not None and abs(comm[0] - start) < 80:
            start, end = min(start, comm[0]), max(end, comm[0] + 1)
            end = max(end, _WORD.match(norm, comm[0]).end())  # type: ignore[union-attr]
        period = _period(norm, dates, lo, hi, share.sentence[0], share.sentence[1], start)
        span = (period.start_date, period.end_date) if period else (None, None)
        if period is not None and span[0] is None:
            span = _in_context_year(period, dates) or span
        out.append(
            TradeFact(
                indicator=indicator,
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
                period_start=span[0],
                period_end=span[1],
                period_granularity=period.granularity if period else None,
                amount_index=idx if idx is not None and idx >= 0 else None,
                route=route_of(),
                per_unit=per_unit,
            )
        )
        if len(out) >= _MAX_FACTS_PER_TRIGGER:
            break
    if len(linked) <= 1 and not adjacent and len(out) == 1:
        partners = _enumerated_partners(norm, trig.indicator, countries, share.countries.all())
        out = _enumerated(text, out[0], partners)
    return out


def _enumerated_partners(
    norm: str, indicator: str, countries: list[_Country], in_sentence: list[_Country]
) -> list[_Country]:
    """The partners listed in one enumeration ("вложился в Индию, Китай и Азербайджан"): two or more distinct
    countries of the partner's role (destination; origin for an import) written as one list, also where the
    list begins before the trigger's share of the sentence; else none."""
    if indicator in ("turnover", "production", "price"):
        return []
    role = "origin" if indicator == "import" else "destination"
    mine = [c for c in countries if c.role == role and c.iso2]
    if not mine:
        return []
    chain: list[_Country] = []
    for c in in_sentence:
        if c.role == role and c.iso2 and chain and _ENUMERATION.fullmatch(norm, chain[-1].end, c.start):
            chain.append(c)
        elif c.role == role and c.iso2:
            if any(m in chain for m in mine):
                break
            chain = [c]
        elif any(m in chain for m in mine):
            break
    listed = chain if any(m in chain for m in mine) else mine
    return listed if len({c.iso2 for c in listed}) == len(listed) > 1 else []


def _enumerated(text: str, fact: TradeFact, partners: list[_Country]) -> list[TradeFact]:
    """A statement about several partners: one figure for all of them has them all, joined by ";" ("в
    Бангладеш, Индонезии и Пакистане было выделено $509 млн": BD;ID;PK); a rank is one fact per item, its span
    reaching it ("больше всего вложился в Индию, Китай и Азербайджан")."""
    if not partners:
        return [fact]
    if fact.value_kind != "rank":
        codes = ";".join(c.iso2 for c in partners if c.iso2 != fact.reporter_iso2)
        return [replace(fact, partner_iso2=codes or fact.partner_iso2)]
    out = []
    for c in partners:
        start, end = min(fact.start_char, c.start), max(fact.end_char, c.end)
        out.append(replace(fact, partner_iso2=c.iso2, start_char=start, end_char=end, text=text[start:end]))
    return out
