"""The figures of a statement: amounts it may take, bare counts of traded things, ranks, prices per unit."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from newsfacts.extract.amounts import change_fractions
from newsfacts.extract.trade.lexicon import _Lex, _lex, _Rule
from newsfacts.extract.trade.triggers import _CLAUSE_BREAK, _near_trigger, _Trigger
from newsfacts.extract.types import AmountMention, DateMention


@lru_cache(maxsize=1)
def _count_start() -> re.Pattern[str]:
    """Where a count may begin: a digit (not inside a number, model name or date) or a number word."""
    from newsfacts.extract.numbers import lexicon

    return re.compile(r"(?<![\w.,\-/])\d|" + lexicon().word_re.pattern)


_COUNTED = frozenset(
    {"export", "import", "supply"}
)  # flows whose figures may be counts of goods or countries


_PHYSICAL_UNITS = frozenset({"t", "bbl", "m3", "kWh", "MW", "GW", "TEU"})


_PER = re.compile(r"\s*(?:за|/)\s*(?P<one>(?:одн[уа]|один|1)\s+)?(?:тройск\w+\s+)?")


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
        if m.group("one"):  # "$4,9 млн за один «Оплот»": per one of the goods when no unit word follows
            tail = tail if any(pat.match(tail) for _, pat in _lex().per_unit) else m.group("one")
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


_FRACTION_INDEX = -1_000_000  # the index of a sentence's first fraction (counts go down from -1)
RANK_INDEX = -2_000_000  # the index of a rank written beside a trigger's other figures (no amounts row)


def _rank_beside(
    norm: str, text: str, trig: _Trigger, lo: int, hi: int, ranks: list[re.Match[str]]
) -> AmountMention | None:
    """A rank governing a trigger that has other figures too, as a figure of its own (CONVENTIONS.md: each
    figure is a fact; "Больше всего закупок ... приходилось на Китай (10,1%)" is rank 1 and 10.1%)."""
    ordinal = _ordinal(norm, trig, lo, hi)
    if ordinal is not None:
        m, value, qualifier = ordinal[0], ordinal[1], "exact"
    elif (top := _top(norm, trig, lo, hi)) is not None:
        m, value, qualifier = top[0], top[1], "up_to"
    elif ranks:
        m, value, qualifier = min(ranks, key=lambda r: abs(r.start() - trig.start)), 1.0, "exact"
    else:
        return None
    return AmountMention(text[m.start() : m.end()], m.start(), m.end(), value, "rank", "rank", qualifier)


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
        # "на треть меньше": figures of trade facts only (no amounts row: negative indices, after the counts')
        fractions = [(_FRACTION_INDEX - k, f) for k, f in enumerate(change_fractions(text, norm, s0, s1))]
        self.amounts = sorted(amounts + fractions, key=lambda ia: ia[1].start_char) if fractions else amounts
        self._args = (norm, text, s0, s1, [a for _, a in self.amounts], dates)
        self._counts: list[tuple[int, AmountMention]] | None = None

    def counts(self) -> list[tuple[int, AmountMention]]:
        """Counts of the sentence with negative indices (they have no amounts row)."""
        if self._counts is None:
            self._counts = [(-1 - k, c) for k, c in enumerate(_counts(*self._args))]
        return self._counts


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


_CLAUSE_END = re.compile(r"[,.;:!?()«»\"]")  # a dash does not end the clause of a change: "рост ... — 33,7%"


def _figure_kind(norm: str, amount: AmountMention) -> str:
    """The value kind of a figure in a trade fact (CONVENTIONS.md knows no percent level): a bare percent after a
    change word of its clause is a change ("WTI прибавила 9%", "прирост товарооборота ... — 28,6%"), any other a
    share of its flow ("45% инвестпортфеля", "приходились на Индию (18%)"); other figures keep their kind."""
    kind = amount.value_kind
    if kind != "absolute" or amount.unit != "percent":
        return kind
    lex = _lex()
    words = norm[max(0, amount.start_char - 120) : amount.start_char]
    ends = list(_CLAUSE_END.finditer(words))
    if ends:
        words = words[ends[-1].end() :]
    words = " ".join([w for w in words.split() if any(c.isalnum() for c in w)][-lex.change_words_reach :])
    changes = list(lex.change_words_re.finditer(words))
    level = lex.level_before_re.search(words) or lex.level_before_re.match(amount.text.lower() + " ", 0, 3)
    if level or not changes or lex.change_words_not_re.search(words, changes[-1].end()):
        return "share_pct"
    return "change_pct"


def _unit_allowed(rule: _Rule, unit: str | None, lex: _Lex) -> bool:
    if rule.units is None:
        return True
    return unit in rule.units or ("money" in rule.units and unit in lex.money_units)
