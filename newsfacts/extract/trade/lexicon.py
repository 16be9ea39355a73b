"""The trade lexicons, compiled once: the trigger records of ``data/trade_ru.yaml`` (indicator, needs, units,
context and veto words), direction / change / comparison / rank words, national companies and capitals
(``data/parties_ru.yaml``), commodities (``data/commodities_ru.yaml``) and named routes (``data/routes_ru.yaml``).
Every file is read through the one data loader, ``newsfacts.extract.data.load_yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from newsfacts.extract.data import load_yaml

_WORD = re.compile(r"[а-яa-z]+(?:-[а-яa-z]+)*")


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
    exceed_re: re.Pattern[str]  # "превысил": an increase only of a ratio figure
    change_increase_re: re.Pattern[str]
    change_decrease_re: re.Pattern[str]
    change_reach: int
    change_words_re: re.Pattern[str]  # a change word before a bare percent makes it a change_pct
    change_words_reach: int
    change_words_not_re: re.Pattern[str]  # ... unless one of these stands between (a share, a level reached)
    level_before_re: re.Pattern[str]  # ... or one of these right before it ("до 4%")
    modal_re: re.Pattern[str]
    pays_re: re.Pattern[str]  # a country pays / gets goods at a price: it is the price's reporter
    count_not_before_re: re.Pattern[str]
    top_re: re.Pattern[str]
    top_words: dict[str, float]
    ordinal_re: re.Pattern[str]
    ordinal_words: dict[str, float]
    per_unit: tuple[tuple[str, re.Pattern[str]], ...]
    party_re: re.Pattern[str]  # national companies and capitals, one group p<i> per country
    party_iso2: tuple[str, ...]
    multilateral_re: re.Pattern[str]  # the parties of no country: lenders of several, producer groups (OPEC)
    comparison: tuple[tuple[str, re.Pattern[str]], ...]
    rank_re: re.Pattern[str]
    roles: tuple[tuple[str, re.Pattern[str]], ...]
    roles_after: tuple[tuple[str, re.Pattern[str]], ...]  # the words right after a country that give its role
    owner_re: re.Pattern[str]  # a noun whose genitive country owns no flow ("на решение Пакистана")
    ignored_units: frozenset[str]
    commodities: dict[str, tuple[str, str]]
    route_re: re.Pattern[str]  # one group r<i> per route
    route_before_re: re.Pattern[str]  # the preposition that makes a named route the goods' route
    routes: tuple[str, ...]
    group_pair_re: re.Pattern[str]  # a flow within a group ("между странами-членами"): no country's
    open_partner_re: re.Pattern[str]  # a partner that is a region, the world, unnamed countries
    season_re: re.Pattern[str]  # a marketing year ("сельхозгод", "сезон")
    season_current_re: re.Pattern[str]  # the current one ("в текущем сельхозгоду")
    season_months: tuple[int, int]  # its first and last month when the article does not state them
    harvest_re: re.Pattern[str]  # a harvest ("урожай", "сбор зерна"): of its season's first calendar year
    from_before_re: re.Pattern[str]  # the base figure X of "с X до Y": the words before it ...
    from_after_re: re.Pattern[str]  # ... and between it and Y


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
    units = load_yaml("units_ru.yaml")
    codes = {str(u["code"]) for u in units["units"] if u["kind"] == "money"}
    return frozenset(codes | {str(v) for v in units["prefix_units"].values()})


def _patterns(pats: str | list[str]) -> list[str]:
    return [pats] if isinstance(pats, str) else list(pats)


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    data = load_yaml("trade_ru.yaml")
    records = data["triggers"]
    alt = "|".join(f"(?P<i{i}>{'|'.join(r['patterns'])})" for i, r in enumerate(records))
    parties = load_yaml("parties_ru.yaml")["parties"]
    comms = load_yaml("commodities_ru.yaml")["commodities"]
    route_data = load_yaml("routes_ru.yaml")
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
        exceed_re=_words(data["direction"]["exceed"]),
        change_increase_re=_words(data["change"]["increase"]),
        change_decrease_re=_words(data["change"]["decrease"]),
        change_reach=int(data["change_reach"]),
        change_words_re=_words(data["change_words"]),
        change_words_reach=int(data["change_words_reach"]),
        change_words_not_re=_words(data["change_words_not"]),
        level_before_re=re.compile(rf"(?<!\w){data['level_before']}"),
        modal_re=_words(data["modal"]),
        pays_re=_words(data["pays"]),
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
        multilateral_re=_words("|".join(_patterns(parties.get(_MULTILATERAL, [])))),
        comparison=tuple((k, _words(v)) for k, v in data["comparison"].items()),
        rank_re=_words(data["rank"]),
        roles=tuple((k, re.compile(rf"(?<!\w)(?:{v})\s+$")) for k, v in data["roles"].items()),
        roles_after=tuple((str(k), re.compile(rf"\s+(?:{v})(?!\w)")) for k, v in data["roles_after"].items()),
        owner_re=re.compile(rf"(?<!\w)(?:{data['owner_heads']})\s+$"),
        ignored_units=frozenset(data["ignored_units"]),
        commodities={str(k): (str(v["name"]), str(v["hs"])) for k, v in comms.items()},
        route_re=re.compile(rf"(?<!\w)(?:{route_alt})(?!\w)"),
        route_before_re=re.compile(rf"(?<!\w)(?:{route_data['before']})$"),
        routes=tuple(str(k) for k in routes),
        group_pair_re=_words(data["group_pair"]),
        open_partner_re=_words(data["open_partner"]),
        season_re=_words(data["season"]),
        season_current_re=_words(data["season_current"]),
        season_months=(int(data["season_months"][0]), int(data["season_months"][1])),
        harvest_re=_words(data["harvest"]),
        from_before_re=re.compile(data["from_before"]),
        from_after_re=re.compile(data["from_after"]),
    )


_MULTILATERAL = "multilateral"  # parties_ru.yaml: a lender of several countries, a party with no country ("")
