"""Money, quantity, percentage and multiplier expressions -> :class:`AmountMention`.

Compiled regexes only (no morphology): anchors (digits, number words, currency signs, "вдвое", "N-кратный",
"первое место") are found with one regex, then each is parsed forward (number, range, unit) and its qualifier
and preposition are read from the text just before it. Lexicons: ``data/units_ru.yaml``.

Conventions:
- ``value`` is the full number ("1,2 млрд" -> 1.2e9); a range ("от 5 до 7 млн тонн", "5–7%") has
  ``value_low``/``value_high`` and ``value`` = None.
- bare numbers are amounts only with a scale word ("17 млн", "33,5 миллиона человек"; unit None), so years,
  days, ordinals and phone numbers never are.
- "с X до Y долларов" gives two amounts (X borrows Y's unit; the qualifier of Y is exact, not up_to).
- a price's denominator is part of the money expression ("60 долларов за баррель": value 60, unit USD);
  units with a ``factor`` convert to their code ("95 копеек" -> 0.95 RUB, "20 т. р." -> 20000 RUB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from newsfacts.extract.numbers import ParsedNumber, lexicon, load_yaml, normalise, parse_number
from newsfacts.extract.types import AmountMention

VERSION: str = "amounts-5"  # 5: "в разы" is a ratio of no value

_END = r"(?!\w)"
_PREPS = "на|в|во|с|со|от|до|за|к|по"
_CHANGE_VERB_RE = re.compile(  # "выросла до 5%": the level reached, not an upper bound
    r"(?<!\w)(?:вырос|выраст|возрос|увелич|сниз|сниж|сократ|сокращ|повыс|повыш|пониз|пониж|упал|упад|подня|"
    r"поднима|опуст|подорож|подешев|дорож|дешев|рост|рос|достиг|довед|довест|снос|ослаб|укреп|вырас|взлет|"
    r"подскоч|обвал|рухн)\w*\s+$"
)
_SPACE_RE = re.compile(r"\s*")
# "(?<![\w.,])[\d$…]" written with the look-behind after the class, so the regex engine can skip ahead by class
_SIGN_OR_DIGIT_RE = re.compile(r"[\d$€£₽₸¥](?<![\w.,^].)")  # not the exponent of "10^9"
_SENTENCE_END_RE = re.compile(r"\s*(?:$|\n|[A-ZА-ЯЁ«\"(])")
_RANGE_DASH_RE = re.compile(r"\s*[-–—]\s*(?=\d)")
_RANGE_DO_RE = re.compile(r"\s+до\s+")
_RATIO_RE = re.compile(r"\s*раз(?:а)?" + _END)
_KOPECK_RE = re.compile(r"\s+(\d{1,2})\s+коп(?:еек|ейки|ейка|\.)?" + _END)
_MULT_WORDS = {
    "полуторакратн": 1.5,
    "двукратн": 2.0,
    "двухкратн": 2.0,
    "трехкратн": 3.0,
    "четырехкратн": 4.0,
    "пятикратн": 5.0,
    "шестикратн": 6.0,
    "семикратн": 7.0,
    "восьмикратн": 8.0,
    "девятикратн": 9.0,
    "десятикратн": 10.0,
    "стократн": 100.0,
}


@dataclass(frozen=True)
class _Lex:
    anchor_re: re.Pattern[str]
    words_ac: Any  # ahocorasick.Automaton over word-anchor stems -> (length, whole word only)
    unit_re: re.Pattern[str]
    units: tuple[tuple[str, str, float], ...]  # (code, kind, factor to the code's unit) per unit alternative
    per_unit_re: re.Pattern[str]  # "за баррель" after a price: part of the money expression
    prefix_re: re.Pattern[str]  # currency sign before the number
    prefix_units: dict[str, str]
    before_re: re.Pattern[str]  # qualifier / preposition right before the number
    qualifiers: tuple[tuple[re.Pattern[str], str], ...]
    ratio_words: dict[str, float]
    unit_adjectives: dict[str, str]
    ordinals: tuple[tuple[re.Pattern[str], float], ...]
    share_after_re: re.Pattern[str]
    share_before_re: re.Pattern[str]
    fractions: re.Pattern[str]  # "на треть": a change of 33.3 percent (group f<i>: fraction_values[i])
    fraction_values: tuple[float, ...]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    data = load_yaml()
    units = tuple((str(u["code"]), str(u["kind"]), float(u.get("factor", 1))) for u in data["units"])
    unit_re = re.compile(
        "(?:" + "|".join(f"(?P<u{i}>{u['pattern']})" for i, u in enumerate(data["units"])) + r")(?![\w])"
    )
    prefix_units = {str(k): str(v) for k, v in data["prefix_units"].items()}
    signs = sorted(prefix_units, key=len, reverse=True)
    prefix_re = re.compile("(" + "|".join(re.escape(s.lower()) for s in signs) + r")\s?(?=\d)")
    quals = sorted(data["qualifiers"].items(), key=lambda kv: len(kv[0]), reverse=True)
    q_alt = "|".join(q for q, _ in quals)
    before_re = re.compile(rf"(?<!\w)(?:(?P<neg>минус)\s+)?(?:(?P<q>{q_alt})\s+)?(?:(?P<prep>{_PREPS})\s+)?$")
    ratio_words = {  # a value's word, or its list of words ("вдвое"; "удвоить", "удвоился", ...)
        str(w): float(v)
        for v, ws in data["ratio_words"].items()
        for w in (ws if isinstance(ws, list) else [ws])
    }
    ordinals = tuple((re.compile(f"(?:{p}){_END}"), float(v)) for v, p in data["ordinals"].items())
    ord_alt = "|".join(f"(?:{p})" for p in data["ordinals"].values())
    mult_alt = "|".join(_MULT_WORDS)
    num_words = lexicon().word_re.pattern
    scale_alt = r"тысяч\w*|миллион\w*|миллиард\w*|триллион\w*"
    adj_alt = "|".join(data["unit_adjectives"])
    half_alt = "|".join(f"(?:{p})" for p in data["half_scales"].values())
    frac_alt = "|".join(f"(?P<f{i}>{p})" for i, p in enumerate(data["change_fractions"]))
    fractions = re.compile(rf"(?<!\w)на\s+(?:{frac_alt}){_END}")
    fraction_values = tuple(float(v) for v in data["change_fractions"].values())
    anchor_re = re.compile(
        rf"(?P<rank>(?<!\w)(?:(?:{ord_alt})|\d{{1,2}}-?(?:е|м|ом|ое)?)\s+мест(?:о|е|а|у){_END})"
        rf"|(?P<mult>(?<![\w.,])(?:\d+(?:[.,]\d+)?-?\s?|(?<!\w)(?:{mult_alt}))кратн\w*)"
        rf"|(?P<adj>(?<![\w.,])\d+(?:[.,]\d+)?-(?:{adj_alt})\w*)"
        rf"|(?P<ratio>(?<!\w)(?:{'|'.join(ratio_words)}){_END})"
        rf"|(?P<many>(?<=\bв\s)разы{_END})"
        rf"|(?P<num>(?<![\w.,^])(?:\d|us\$|[$€£₽₸¥])|{num_words}|(?<!\w)(?:{scale_alt}|{half_alt}){_END})"
    )
    share_after_re = re.compile(rf"\s*(?:{data['share_after']})")
    share_before_re = re.compile(rf"(?:{data['share_before']})[^.!?]{{0,40}}$")
    qualifiers = tuple((re.compile(q + "$"), str(v)) for q, v in quals)
    whole = set(lexicon().words) | set(ratio_words)  # anchors only as whole words ("сто", not "стоит")
    stems = set(_MULT_WORDS) | set(data["unit_adjectives"])
    stems |= {"тысяч", "миллион", "миллиард", "триллион", "пол", "перв", "втор", "трет", "четверт", "пят"}
    whole |= {"разы"}  # "снизились в разы": a ratio of no stated value
    words_ac = ahocorasick.Automaton()
    for stem in whole | stems:
        words_ac.add_word(stem, (len(stem), stem not in stems))
    words_ac.make_automaton()
    return _Lex(
        anchor_re,
        words_ac,
        unit_re,
        units,
        re.compile(rf"\s+(?:{data['per_unit']}){_END}"),
        prefix_re,
        prefix_units,
        before_re,
        qualifiers,
        ratio_words,
        {str(k): str(v) for k, v in data["unit_adjectives"].items()},
        ordinals,
        share_after_re,
        share_before_re,
        fractions,
        fraction_values,
    )


@dataclass(frozen=True)
class _Core:
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    kind: str | None  # money / quantity / percent / ratio, or None for a bare (scaled) number
    number: ParsedNumber


def _skip(norm: str, pos: int) -> int:
    m = _SPACE_RE.match(norm, pos)
    return m.end() if m else pos


def _unit_at(norm: str, pos: int) -> tuple[str, str, float, int] | None:
    lex = _lex()
    m = lex.unit_re.match(norm, pos)
    if m is None or m.lastgroup is None:
        return None
    code, kind, factor = lex.units[int(m.lastgroup[1:])]
    return code, kind, factor, m.end()


def _scaled(value: float | None, factor: float) -> float | None:
    return value if value is None or factor == 1.0 else round(value * factor, 9)


def _core(norm: str, pos: int, *, ratio_ok: bool, range_do: bool) -> _Core | None:
    """Parse [currency sign] number [range] [unit] starting at ``pos``."""
    lex = _lex()
    unit: str | None = None
    kind: str | None = None
    p = pos
    pm = lex.prefix_re.match(norm, pos)
    if pm:
        unit, kind, p = lex.prefix_units.get(pm.group(1), "USD"), "money", pm.end()
    num = parse_number(norm, p)
    if num is None:
        return None
    value: float | None = num.value
    low = high = None
    end = num.end
    rm = _RANGE_DASH_RE.match(norm, end) if not num.words else None
    if rm is None and range_do:
        rm = _RANGE_DO_RE.match(norm, end)
    if rm is not None:
        num2 = parse_number(norm, rm.end())
        if num2 is not None and not num2.only_scale:
            first = num.value * num2.scale if num.scale == 1.0 and num2.scale > 1.0 else num.value
            if first < num2.value or (first == num2.value and num2.scale > 1):
                low, high, value, end = first, num2.value, None, num2.end
    after = _skip(norm, end)
    if unit is None:
        if ratio_ok and (rr := _RATIO_RE.match(norm, end)):
            return _Core(pos, rr.end(), value, low, high, "times", "ratio", num)
        um = _unit_at(norm, after)
        if um is not None:
            unit, kind, factor, end = um
            value, low, high = _scaled(value, factor), _scaled(low, factor), _scaled(high, factor)
            if unit == "RUB" and (km := _KOPECK_RE.match(norm, end)) and value is not None:
                value, end = value + int(km.group(1)) / 100, km.end()
    if unit is None and (num.scale == 1.0 or num.only_scale):
        return None
    if kind == "money" and (pu := lex.per_unit_re.match(norm, end)):
        end = pu.end()  # "60 долларов за баррель": the price's denominator belongs to it
    return _Core(pos, end, value, low, high, unit, kind, num)


def _qualifier(norm: str, m: re.Match[str], core_start: int, to_targets: set[int]) -> str:
    q = m.group("q")
    if not q:
        return "up_to" if m.group("prep") == "до" and core_start not in to_targets else "exact"
    if q == "до":
        if core_start in to_targets or _CHANGE_VERB_RE.search(norm, max(0, m.start() - 30), m.start()):
            return "exact"
        return "up_to"
    for pat, value in _lex().qualifiers:
        if pat.match(q):
            return value
    return "exact"


def _percent_kind(norm: str, core: _Core, prep: str | None) -> str:
    if prep == "на":
        return "change_pct"
    lex = _lex()
    if lex.share_after_re.match(norm, core.end):
        return "share_pct"
    if lex.share_before_re.search(norm, max(0, core.start - 60), core.start):
        return "share_pct"
    return "absolute"


def _mention(text: str, start: int, end: int, **kw: object) -> AmountMention:
    while end > start and text[end - 1] == " ":
        end -= 1
    if end > start and text[end - 1] == "." and _SENTENCE_END_RE.match(text, end):
        end -= 1  # a sentence full stop, not an abbreviation dot
    return AmountMention(text=text[start:end], start_char=start, end_char=end, **kw)  # type: ignore[arg-type]


def _special(text: str, norm: str, m: re.Match[str]) -> AmountMention | None:
    lex = _lex()
    if m.lastgroup == "ratio":
        return _mention(
            text, m.start(), m.end(), value=lex.ratio_words[m.group()], unit="times", value_kind="ratio"
        )
    if m.lastgroup == "many":
        return _mention(text, m.start() - 2, m.end(), value=None, unit="times", value_kind="ratio")
    if m.lastgroup == "mult":
        word = m.group()
        digits = re.match(r"\d+(?:[.,]\d+)?", word)
        value = (
            float(digits.group().replace(",", "."))
            if digits
            else next(v for k, v in _MULT_WORDS.items() if word.startswith(k))
        )
        start = m.start()
        pre = re.search(r"(?<!\w)в\s+$", norm[max(0, start - 4) : start])
        if pre:
            start -= len(pre.group())
        end = m.end()
        rz = re.match(r"\s+размер\w*", norm[end : end + 12])
        if rz:
            end += rz.end()
        return _mention(text, start, end, value=value, unit="times", value_kind="ratio")
    if m.lastgroup == "adj":
        number, stem = m.group().split("-", 1)
        unit = next(u for k, u in lex.unit_adjectives.items() if stem.startswith(k))
        return _mention(
            text, m.start(), m.end(), value=float(number.replace(",", ".")), unit=unit, value_kind="absolute"
        )
    if m.lastgroup == "rank":
        word = m.group()
        digits = re.match(r"\d+", word)
        value = float(digits.group()) if digits else next(v for p, v in lex.ordinals if p.match(word))
        return _mention(text, m.start(), m.end(), value=value, unit="rank", value_kind="rank")
    return None


def change_fractions(text: str, norm: str, lo: int, hi: int) -> list[AmountMention]:
    """The fractions of a change in ``norm[lo:hi]`` ("сократится почти на четверть", "примерно на треть меньше"):
    percentage changes (CONVENTIONS.md: "треть" -> 33.3). Trade figures only: the amounts table keeps to the
    MONEY / PERCENT / QUANTITY of the annotated corpora, which do not count them."""
    lex = _lex()
    out: list[AmountMention] = []
    for m in lex.fractions.finditer(norm, lo, hi):
        bm = lex.before_re.search(norm, max(0, m.start() - 40), m.start())
        start = bm.start() if bm is not None and bm.group("q") else m.start()
        qualifier = _qualifier(norm, bm, m.start(), set()) if bm is not None else "exact"
        value = lex.fraction_values[int(str(m.lastgroup)[1:])]
        out.append(
            _mention(
                text,
                start,
                m.end(),
                value=value,
                unit="percent",
                value_kind="change_pct",
                qualifier=qualifier,
            )
        )
    return out


def _anchor_starts(norm: str, lex: _Lex) -> list[int]:
    """Candidate anchor positions: digits/currency signs, and word starts of number-word stems."""
    starts = {m.start() for m in _SIGN_OR_DIGIT_RE.finditer(norm)}
    n = len(norm)
    for end, (length, whole) in lex.words_ac.iter(norm):
        start = end - length + 1
        if (start == 0 or not norm[start - 1].isalnum()) and not (
            whole and end + 1 < n and norm[end + 1].isalnum()
        ):
            starts.add(start)
    return sorted(starts)


def extract_amounts(text: str) -> list[AmountMention]:
    """Every money, quantity, percentage or multiplier expression in ``text``, in text order."""
    lex = _lex()
    norm = normalise(text)
    out: list[AmountMention] = []
    to_targets: set[int] = set()  # starts of Y in "с X до Y"
    last_end = 0
    for pos in _anchor_starts(norm, lex):
        if pos < last_end:
            continue
        m = lex.anchor_re.match(norm, pos)
        if m is None:
            continue
        if m.lastgroup != "num":
            special = _special(text, norm, m)
            if special is not None:
                out.append(special)
                last_end = special.end_char
            continue
        bm = lex.before_re.search(norm, max(0, m.start() - 40), m.start())
        prep = bm.group("prep") if bm else None
        core = _core(norm, m.start(), ratio_ok=prep in ("в", "во"), range_do=prep == "от")
        if core is None and prep in ("с", "со"):
            core = _from_to(norm, m.start(), to_targets)
        if core is None:
            continue
        if prep in ("с", "со") and core.unit is not None:
            _from_to(norm, m.start(), to_targets)  # mark Y's "до" as exact
        start = core.start
        if bm and (bm.group("q") or bm.group("neg")):
            start = bm.start()
        elif bm and prep in ("от", "до") or core.kind == "ratio" and bm:
            start = bm.start("prep")
        qualifier = _qualifier(norm, bm, core.start, to_targets) if bm else "exact"
        if prep == "от" and core.low is None:
            qualifier = "at_least"
        value = core.value
        if bm and bm.group("neg") and value is not None:
            value = -value
        if core.kind == "ratio":
            kind = "ratio"
        elif core.kind == "percent":
            kind = _percent_kind(norm, core, prep)
        else:
            kind = "absolute"
        mention = _mention(
            text,
            start,
            core.end,
            value=value,
            unit=core.unit,
            value_kind=kind,
            qualifier=qualifier,
            value_low=core.low,
            value_high=core.high,
        )
        out.append(mention)
        last_end = mention.end_char
    return out


def _from_to(norm: str, pos: int, to_targets: set[int]) -> _Core | None:
    """ "с X до Y unit": X borrows Y's unit (and scale); Y's start is remembered so Y is not "up_to"."""
    first = parse_number(norm, pos)
    if first is None:
        return None
    own = _core(norm, pos, ratio_ok=False, range_do=False)
    gap = _RANGE_DO_RE.match(norm, own.end if own is not None else first.end)
    if gap is None:
        return own
    second = _core(norm, gap.end(), ratio_ok=False, range_do=False)
    if second is None:
        return own
    to_targets.add(second.start)
    if own is not None:
        return own
    value = first.value * second.number.scale if first.scale == 1.0 else first.value
    return _Core(pos, first.end, value, None, None, second.unit, second.kind, first)
