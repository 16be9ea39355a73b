"""Trigger words in the normalised text, and the words that govern a trigger: direction and change of state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newsfacts.extract.trade.lexicon import _Lex, _lex, _Rule
from newsfacts.extract.types import AmountMention


@dataclass(frozen=True)
class _Trigger:
    start: int
    end: int
    rule: _Rule
    flow: str | None = None  # a price of a flow ("тариф на транзит"): that flow's indicator

    @property
    def indicator(self) -> str:
        return self.rule.indicator


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


_DOMESTIC = "domestic"  # trade_ru.yaml: words that hold a trigger word but state no cross-border flow


def _triggers(norm: str) -> list[_Trigger]:
    lex = _lex()
    found: list[_Trigger] = []
    for start, end, i in _trigger_matches(norm, lex):
        rule = lex.rules[i]
        if rule.indicator == _DOMESTIC:
            continue  # "розничный товарооборот": no trade, and its trigger word is taken
        prev = found[-1] if found else None
        if prev and prev.indicator == "price" and _OF_FLOW.fullmatch(norm, prev.end, start):
            # "тариф на транзит", "пошлины на экспорт": a price, of that flow
            found[-1] = _Trigger(prev.start, end, prev.rule, rule.indicator)
            continue
        if prev and prev.indicator == rule.indicator and not norm[prev.end : start].strip(" -"):
            # "транзитных грузоперевозок": one trigger, with the weaker needs of the two
            keep = prev.rule if len(prev.rule.needs) <= len(rule.needs) else rule
            found[-1] = _Trigger(prev.start, end, keep)
            continue
        found.append(_Trigger(start, end, rule))
    return found


def _nearest(pos: int, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return min(matches, key=lambda m: abs(m.start() - pos)) if matches else None


def _direction(
    norm: str, pos: int, lo: int, hi: int, figure: tuple[int, int] = (0, 0), ratio: bool = False
) -> str:
    """The direction word nearest ``pos`` (a figure or the trigger) within ``norm[lo:hi]``, outside the figure's
    own words ``norm[figure[0]:figure[1]]`` ("больше всего" is a rank, "больше 5 млн" a qualifier); "превысил"
    counts only for a ``ratio`` figure ("в 6 раз превысил прошлогодний показатель")."""
    lex = _lex()
    a, b = figure
    inc = [m for m in lex.increase_re.finditer(norm, lo, hi) if not (a <= m.start() < b)]
    if ratio:
        inc += list(lex.exceed_re.finditer(norm, lo, hi))
    dec = [m for m in lex.decrease_re.finditer(norm, lo, hi) if not (a <= m.start() < b)]
    best = _nearest(pos, inc + dec)
    if best is None:
        return "none"
    return "increase" if best in inc else "decrease"


_OF_FLOW = re.compile(r"\s+(?:на|за)\s+")  # "тариф на транзит": the price of a flow


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


def _figure_fields(norm: str, a: AmountMention, index: int, s0: int, s1: int) -> dict[str, Any]:
    """The fields a fact takes from its figure ``a`` (the article's amount ``index``) in the sentence
    ``norm[s0:s1]``: value, unit, kind, qualifier, the direction and comparison words around it."""
    lex = _lex()
    return {
        "value": a.value,
        "unit": a.unit,
        "value_kind": a.value_kind,
        "qualifier": a.qualifier,
        "direction": _direction(norm, a.start_char, s0, s1),
        "comparison": next((name for name, pat in lex.comparison if pat.search(norm, s0, s1)), None),
        "amount_index": index,
    }
