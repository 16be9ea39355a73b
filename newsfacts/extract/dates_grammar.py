"""The date grammar: compiled regexes, the anchors that trigger them, and the scan over a text.

Every rule's match starts at an *anchor*: a digit run, a Roman numeral, or a lexicon word found with one
Aho-Corasick pass over the lowercased text. Rules are tried only there (``pattern.match(text, pos)``), which
keeps the extractor fast on long articles with few dates.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from newsfacts.extract import dates_rules as rules
from newsfacts.extract import dates_spans as spans
from newsfacts.extract.dates_lexicon import Lexicon, alternation, lexicon, norm_word
from newsfacts.extract.dates_rules import Cand, Handler

_FLAGS = re.IGNORECASE
# digit runs and Roman-numeral starts; a leading charset lets re skip ahead fast (4x faster than an alternation)
_NUMBERS = re.compile(r"[0-9IVXL](?<![^\W\d_][IVXL])(?:(?<=[0-9])[0-9]*)?")
# Roman numerals typed with Cyrillic look-alikes ("ХХI век": Cyrillic Х + Latin I) are common in Russian text
_ROMAN_LETTERS = frozenset("IVXLХІ")
_TO_LATIN = str.maketrans("ХІ", "XI")


def latin_roman_numerals(text: str) -> str:
    """``text`` with Cyrillic Х/І spelt X/I in tokens made only of Roman-numeral letters (same length, so
    offsets into the result are offsets into ``text``)."""
    if "Х" not in text and "І" not in text:
        return text
    spans: list[tuple[int, int]] = []
    for at in sorted(_positions(text, "Х") + _positions(text, "І")):  # str.find: 20x faster than a regex here
        if spans and at < spans[-1][1]:
            continue
        lo, hi = at, at + 1
        while lo and text[lo - 1] in _ROMAN_LETTERS:
            lo -= 1
        while hi < len(text) and text[hi] in _ROMAN_LETTERS:
            hi += 1
        if (lo and text[lo - 1].isalpha()) or (hi < len(text) and text[hi].isalpha()):
            continue
        spans.append((lo, hi))
    if not spans:
        return text
    parts, done = [], 0
    for lo, hi in spans:
        if lo >= done:
            parts += [text[done:lo], text[lo:hi].translate(_TO_LATIN)]
            done = hi
    return "".join(parts) + text[done:]


def _positions(text: str, ch: str) -> list[int]:
    out = []
    at = text.find(ch)
    while at >= 0:
        out.append(at)
        at = text.find(ch, at + 1)
    return out


def _letters_table() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(256):
        ch = bytes([code]).decode("cp1251", errors="replace")
        if ch.isalpha():
            low = ch.lower().replace("ё", "е").encode("cp1251", errors="replace")
            table[code] = low[0] if len(low) == 1 else 32
    return bytes(table)


_LETTERS = _letters_table()


def word_letters(text: str) -> str:
    """``text`` lowercased, ё as е, every character that is not a Russian or Latin letter a space (same length).

    Done on cp1251 bytes (one C pass each way, ~6x faster than ``str.lower`` plus a Python scan); a letter outside
    cp1251 (Kazakh қ, é) counts as a word boundary.
    """
    return text.encode("cp1251", errors="replace").translate(_LETTERS).decode("cp1251")


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern[str]
    handler: Handler


class _Fragments:
    """Regex fragments built from the lexicon (strings, composed into the rules below)."""

    def __init__(self, lex: Lexicon) -> None:
        w = r"(?![а-яёa-z0-9])"
        self.W = w
        self.MONTH = alternation(lex.months) + w
        self.MONTH_ANY = f"(?:{alternation(lex.months)}{w}|{alternation(lex.month_abbreviations)}{w}\\.?)"
        self.YEARNUM = r"(?:1[5-9]\d\d|20\d\d)"
        self.YSUF = r"(?:-(?:го|м|й|ом)" + w + ")"
        year_words = alternation(lex.year_words + lex.years_words)
        self.YWORD = rf"(?:\s*(?:гг?\.|гг?{w}|{year_words}{w}))"
        self.YEARS_WORD = rf"(?:\s+(?:{alternation(lex.years_words)}{w}|гг\.))"
        self.GUARD = rf"(?!\s*(?:{alternation(lex.amount_units)})(?![а-яё]))"
        self.RELADJ = alternation(lex.relative_adjectives) + w
        self.CARD = alternation(lex.cardinals) + w
        self.ORD = (
            f"(?:{alternation(lex.ordinal_stems)}{alternation(lex.ordinal_endings)}{w}"
            f"|{alternation(lex.ordinal_irregular)}{w})"
        )
        self.NUMORD = rf"(?:{self.CARD}\s+){{0,4}}{self.ORD}"
        self.CENT = rf"(?:{alternation(lex.century_words)}{w}|вв?\.)"
        self.SEASON = alternation(lex.seasons) + w
        self.WEEKDAY = alternation(lex.weekdays) + w
        self.PART = alternation(lex.parts) + w
        self.HALF = alternation(lex.half_words) + w
        self.UNIT = alternation(lex.units) + w
        self.WINDOW = alternation(lex.window_words) + w
        self.RELDAY = alternation(lex.relative_days)
        self.UNIT_COUNT = (
            alternation(
                [f for f, u in lex.units.items() if u in ("year", "month", "week", "day", "halfyear")]
            )
            + w
        )
        self.DAYNUM = rf"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:-?{alternation(lex.day_suffixes)}{w})?"

    def yeartail(self, p: str) -> str:
        """An optional year after a day or month: "2025 года", "этого года", "две тысячи двадцатого года"."""
        return (
            rf"(?:,?\s+(?:(?P<{p}y>{self.YEARNUM}){self.YSUF}?{self.YWORD}?(?!\d|[.,]\d){self.GUARD}"
            rf"|(?P<{p}r>{self.RELADJ})\s+год(?:а|у){self.W}"
            rf"|(?P<{p}w>{self.NUMORD})\s+год(?:а|у){self.W}))?"
        )


def _rules(f: _Fragments) -> dict[str, tuple[str, Handler]]:
    qunit = r"(?:квартал(?:а|е|у|ом)?|полугоди(?:е|я|и|ю|ем))(?![а-яё])"
    part_target = "|".join(
        [
            rf"(?P<dec>(?:1[5-9]|20)\d0|[1-9]0)-?(?:х|е|ые|ых){f.W}(?:{f.YEARS_WORD})?",
            rf"(?P<y>{f.YEARNUM}){f.YSUF}?{f.YWORD}?(?!\d|[.,]\d){f.GUARD}",
            rf"(?P<r>{f.RELADJ})\s+(?P<ru>{f.UNIT})",
            rf"(?P<bare>года|месяца|недели|квартала|полугодия){f.W}",
            rf"(?P<m>{f.MONTH}){f.yeartail('a')}",
            rf"(?P<c>[IVXL]{{1,5}}|\d{{1,2}})(?:-?(?:го|м))?\s+{f.CENT}",
            rf"(?P<q>{f.ORD}|[1-4](?:-?го)?|[IV]{{1,3}})\s+(?P<qu>квартала|полугодия){f.W}{f.yeartail('b')}",
        ]
    )
    return {
        "numeric": (
            rf"(?<!\d[.,/])(?P<d>\d{{1,2}})(?P<sep>[./])\s?(?P<m>\d{{1,2}})(?P=sep)\s?(?P<y>\d{{4}}|\d{{2}})"
            rf"(?!\d|[.,/]\d|\.[a-z])"
            rf"{f.YWORD}?",
            rules.numeric,
        ),
        "iso": (r"(?<![\w/.-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-])", rules.numeric),
        "numeric_dm": (
            rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})(?!\d|[.,]\d|[-–—]\d){f.GUARD}",
            rules.numeric_day_month,
        ),
        "numeric_range": (
            rf"(?P<d1>\d{{1,2}})(?P<p1>\.(?P<m1>\d{{1,2}})(?:\.(?P<y1>\d{{4}}|\d{{2}}))?)?(?P<dot1>\.)?"
            rf"(?:\s*[-–—/]\s*|\s+(?:по|до)\s+)"
            rf"(?P<d2>\d{{1,2}})\.(?P<m2>\d{{1,2}})(?:\.(?P<y2>\d{{4}}|\d{{2}})|(?P<dot2>\.))?(?!\d|[.,]\d)"
            rf"{f.YWORD}?{f.GUARD}",
            rules.numeric_range,
        ),
        "day_range": (
            rf"(?P<d1>{f.DAYNUM})(?:\s+(?P<m1>{f.MONTH_ANY}){f.yeartail('a')})?"
            rf"(?:\s*[-–—]\s*|\s+(?:по|до|и|или|на)\s+)(?P<d2>{f.DAYNUM})\s+(?P<m2>{f.MONTH_ANY})"
            rf"{f.yeartail('b')}",
            rules.day_range,
        ),
        "day": (rf"(?P<d>{f.DAYNUM})\s+(?P<m>{f.MONTH_ANY}){f.yeartail('a')}", rules.day_month),
        "year_range": (
            rf"(?P<y1>{f.YEARNUM}){f.YSUF}?(?:\s*(?:г\.|года))?(?:\s*[-–—/]\s*|\s+(?:по|до|и)\s+)"
            rf"(?P<y2>{f.YEARNUM}|\d\d)(?!\d){f.YSUF}?(?P<w>{f.YWORD})?{f.GUARD}",
            rules.year_range,
        ),
        "year": (rf"(?P<y>{f.YEARNUM})(?!\d|[.,]\d)(?P<suf>{f.YSUF})?(?P<w>{f.YWORD})?{f.GUARD}", rules.year),
        "decade": (
            rf"(?P<dec>(?:1[5-9]|20)\d0|[1-9]0|00)(?P<h>\s?-\s?)?(?:х|е|ые|ых|ым|ми){f.W}(?:{f.YEARS_WORD})?",
            rules.decade,
        ),
        "century_num": (rf"(?P<c>\d{{1,2}})(?:-?(?:м|го|й|ом))?\s*{f.CENT}", rules.century),
        "quarter_num": (
            rf"(?P<n>[1-4])(?:-?(?:м|й|го|ом|ый))?\s+(?P<u>{qunit}){f.yeartail('a')}",
            rules.quarter_half,
        ),
        "count_ago": (
            rf"(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+(?P<u>{f.UNIT_COUNT})\s+(?:тому\s+)?назад{f.W}",
            rules.count_shift,
        ),
        "ago": (rf"(?P<u>год|месяц|неделю|день|сутки|полгода)\s+(?:тому\s+)?назад{f.W}", rules.count_shift),
        "later": (
            rf"через\s+(?:(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+)?(?P<u>{f.UNIT_COUNT})",
            rules.count_shift,
        ),
        "window": (
            rf"(?P<dir>{f.WINDOW})\s+(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+"
            rf"(?P<u>{f.UNIT})",
            rules.window,
        ),
        "month": (
            rf"(?P<m1>{f.MONTH})(?:(?:\s*[-–—]\s*|\s+(?:и|или|по|до)\s+)(?P<m2>{f.MONTH}))?{f.yeartail('a')}",
            rules.month,
        ),
        "months_of_year": (
            rf"(?P<n>\d{{1,2}}|{f.CARD})\s+месяц(?:ев|а){f.W}{f.yeartail('a')}",
            rules.months_of_year,
        ),
        "word_day": (rf"(?P<dw>{f.NUMORD})\s+(?P<m>{f.MONTH_ANY}){f.yeartail('a')}", rules.word_day),
        "word_year": (rf"(?P<yw>{f.NUMORD})\s+(?:год|года|году|годом){f.W}", rules.word_year),
        "quarter_word": (rf"(?P<n>{f.ORD})\s+(?P<u>{qunit}){f.yeartail('a')}", rules.quarter_half),
        "half_word": (
            rf"(?P<o>{f.ORD})\s+{f.HALF}\s+(?:(?P<y>{f.YEARNUM}){f.YSUF}?{f.YWORD}?(?!\d)"
            rf"|(?P<r>{f.RELADJ})\s+года{f.W}|(?P<bare>года){f.W})",
            rules.half_of_year,
        ),
        "century_word": (rf"(?P<c>{f.NUMORD})\s+{f.CENT}", rules.century),
        "decade_word": (
            rf"(?P<o>{f.ORD})\s+(?:годы|годов|годах|годам|годами){f.W}"
            rf"(?:\s+(?P<c>{f.NUMORD}|[IVX]+)\s+(?:века|столетия){f.W})?",
            rules.word_decade,
        ),
        "roman": (
            rf"(?P<n>[IVX]{{1,4}})(?:-?(?:м|й|го|ом))?\s+(?P<u>{qunit}){f.yeartail('a')}",
            rules.quarter_half,
        ),
        "roman_century": (
            rf"(?:(?P<c0>[IVXL]{{1,5}})\s*[-–—]\s*)?(?P<c>[IVXL]{{1,5}})\s*{f.CENT}",
            rules.century,
        ),
        "part": (rf"(?P<p>{f.PART})\s+(?:{part_target})", rules.part),
        "season": (rf"(?P<s>{f.SEASON}){f.yeartail('a')}", rules.season),
        "rel_unit": (
            rf"(?P<adj>{f.RELADJ})\s+(?:(?P<u>{f.UNIT})|(?P<wd>{f.WEEKDAY})|(?P<s>{f.SEASON}))",
            rules.relative_unit,
        ),
        "rel_day": (
            rf"(?:(?P<w>{f.RELDAY})"
            rf"|сегодняшн(?:ий|его|ему|ем)\s+(?:день|дня|дню|числа)){f.W}",
            rules.relative_day,
        ),
        "weekday": (rf"(?P<wd>{f.WEEKDAY})", rules.weekday),
        "last_year_adj": (
            rf"прошлогодн(?:ий|его|ему|ем|им|яя|ей|юю|ие|их|ими|ее|ое){f.W}",
            rules.last_year_adjective,
        ),
        **spans.rules(f.CARD, f.ORD, f.W),
    }


# which rules each kind of anchor triggers
_SHORT_NUMBER_RULES = frozenset(
    {
        "day_range",
        "day",
        "decade",
        "century_num",
        "quarter_num",
        "count_ago",
        "months_of_year",
        "duration",
        "age_adj",
        "numeric_range",
    }
)
# a short number and a space: the rules that can match, by the first letter of the next word ("5 мая": day...)
_NEXT_LETTERS = {
    "day": "яфмаисонд",  # a month or its abbreviation
    "day_range": "яфмаисондпи",  # a month, or по/до/и/или/на
    "numeric_range": "пд",
    "decade": "хеым",
    "century_num": "в",
    "quarter_num": "кп",
    "count_ago": "глмндсп",  # a calendar unit
    "months_of_year": "м",
    "duration": "глмндсвп",
    "age_adj": "л",
}
_RULES_BY_NEXT_LETTER = {
    letter: frozenset(r for r, letters in _NEXT_LETTERS.items() if letter in letters)
    for letter in set("".join(_NEXT_LETTERS.values()))
}
# rules whose match holds a calendar unit word ("dur_unit" anchors) or a month (a "month" rule anchor or an
# abbreviation) at most _REACH characters after its start: tried only when one is there
_MARKS = {"unit": frozenset({"dur_unit"}), "month": frozenset({"month", "month_abbr"})}
_NEEDS = {"duration": "unit", "count_ago": "unit", "word_year": "unit", "word_day": "month"}
_REACH = 80
_NUMERIC_RULES = frozenset({"numeric", "numeric_dm", "numeric_range"})
_SUFFIXED_NUMBER_RULES = frozenset({"century_num", "age_adj", "day", "day_range"})
_YEAR_NUMBER_RULES = frozenset({"iso", "year_range", "year", "decade"})
_YEAR_RULES_NO_DASH = _YEAR_NUMBER_RULES - {"iso"}
_SLASH_RULES = frozenset({"numeric", "numeric_range"})
_COMMA_RULES = frozenset({"duration"})
_THREE_DIGIT_RULES = frozenset({"count_ago", "duration", "age_adj"})
_ROMAN_RULES = frozenset({"roman", "roman_century"})


def _word_anchors(lex: Lexicon) -> dict[tuple[str, bool], tuple[str, ...]]:
    """(lowercase anchor word or stem, is a stem) -> the rules it triggers."""
    table: dict[tuple[str, bool], set[str]] = {}

    def add(words: object, *names: str, stem: bool = False) -> None:
        for word in words:  # type: ignore[attr-defined]
            table.setdefault((str(word), stem), set()).update(names)

    add(lex.months, "month")
    add(lex.month_abbreviations, "month_abbr")  # a marker for "word_day" (no rule of its own)
    add(
        lex.ordinal_stems,
        "word_day",
        "word_year",
        "quarter_word",
        "half_word",
        "century_word",
        "decade_word",
        stem=True,
    )
    add(lex.ordinal_irregular, "word_day", "word_year", "quarter_word", "half_word", "century_word")
    add(lex.cardinals, "word_day", "word_year", "count_ago", "century_word", "months_of_year")
    add(lex.parts, "part")
    add(lex.seasons, "season")
    add(lex.relative_adjectives, "rel_unit")
    add(lex.relative_days, "rel_day")
    add(["сегодняшн"], "rel_day", stem=True)
    add(lex.weekdays, "weekday")
    add(["через"], "later")
    add(lex.window_words, "window")
    add(["год", "месяц", "неделю", "день", "сутки", "полгода"], "ago")
    add(["прошлогодн"], "last_year_adj", stem=True)
    for words, names, stem in spans.anchor_words(lex):
        add([norm_word(w) for w in words], *names, stem=stem)
    return {k: tuple(sorted(v)) for k, v in table.items()}


class Grammar:
    """Compiled rules plus the anchor automaton; build once with ``grammar()``."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        frags = _Fragments(lex)
        self.rules = {name: Rule(name, re.compile(rx, _FLAGS), h) for name, (rx, h) in _rules(frags).items()}
        for name in _ROMAN_RULES:  # Roman numerals are uppercase: no IGNORECASE
            rx, h = _rules(frags)[name]
            self.rules[name] = Rule(name, re.compile(rx), h)
        self._tries = {name: (rule.regex.match, rule.handler) for name, rule in self.rules.items()}
        # keys carry their word boundaries as spaces (" год ", " перв" for a stem) and are matched in the text's
        # ``word_letters`` form, so the automaton reports only whole-word hits
        self.automaton = ahocorasick.Automaton()
        merged: dict[str, set[str]] = {}
        for (key, stem), names in _word_anchors(lex).items():
            bounded = " " + word_letters(key) + ("" if stem else " ")
            merged.setdefault(bounded, set()).update(names)
        for key, rule_names in merged.items():
            marked = tuple(mark for mark, names in _MARKS.items() if not names.isdisjoint(rule_names))
            self.automaton.add_word(key, (len(key), tuple(sorted(rule_names)), marked))
        self.automaton.make_automaton()

    def anchors(self, text: str, marks: dict[str, list[int]] | None = None) -> dict[int, Collection[str]]:
        """Start offsets where some rule may match, with the rules to try there; ``marks`` (when given) gets
        the starts of the words each of ``_MARKS`` names (unit words, months), unsorted."""
        found: dict[int, Collection[str]] = {}
        for m in _NUMBERS.finditer(text):  # number starts never coincide: plain assignment
            at, after_at = m.start(), m.end()
            size = after_at - at
            if not text[at].isdigit():
                found[at] = _ROMAN_RULES
            elif size <= 2:
                after = text[after_at : after_at + 1]
                if after == ".":
                    found[at] = _NUMERIC_RULES
                elif after == "/":
                    found[at] = _SLASH_RULES
                elif after.isspace():
                    nxt = text[after_at + 1 : after_at + 2].lower()
                    rules = _RULES_BY_NEXT_LETTER.get(nxt, ()) if nxt.isalpha() else _SHORT_NUMBER_RULES
                    if rules:
                        found[at] = rules
                elif after in ("-", "–", "—"):
                    found[at] = _SHORT_NUMBER_RULES
                elif after.isalpha():
                    found[at] = _SUFFIXED_NUMBER_RULES
                elif after == ",":
                    found[at] = _COMMA_RULES
            elif size == 3:
                found[at] = _THREE_DIGIT_RULES
            elif size == 4:
                found[at] = _YEAR_NUMBER_RULES if text.startswith("-", after_at) else _YEAR_RULES_NO_DASH
        get = found.get
        for end, (size, names, marked) in self.automaton.iter(" " + word_letters(text) + " "):
            start = end - size + 1  # the key's leading space stands on the character before the word
            if marked and marks is not None:
                for mark in marked:
                    marks[mark].append(start)
            rules_at = get(start)
            if rules_at is None:
                found[start] = names  # a shared tuple; copied into a set only when a second key starts here
            else:
                found[start] = set(rules_at) | set(names)
        return found

    def scan(self, text: str) -> list[Cand]:
        """All candidate matches (overlapping) in ``text``."""
        out: list[Cand] = []
        marks: dict[str, list[int]] = {mark: [] for mark in _MARKS}
        found = self.anchors(text, marks)
        for ahead in marks.values():
            ahead.sort()
        tries_of, lex = self._tries, self.lex
        for pos, names in found.items():
            after_number = pos >= 2 and text[pos - 1] in " \xa0" and text[pos - 2].isdigit()
            reach: dict[str, bool] = {}
            for name in names:
                if after_number and name == "dur_unit":
                    continue  # "5 лет": the duration rule anchored at the number reads it
                need = _NEEDS.get(name)
                if need is not None:  # a count or an ordinal with no unit (month) in reach cannot match
                    ok = reach.get(need)
                    if ok is None:
                        ahead = marks[need]
                        i = bisect.bisect_left(ahead, pos)
                        ok = reach[need] = i < len(ahead) and ahead[i] - pos <= _REACH
                    if not ok:
                        continue
                tries = tries_of.get(name)
                if tries is None:
                    continue  # a marker only ("month_abbr")
                m = tries[0](text, pos)
                if m is None:
                    continue
                cand = tries[1](m, lex)
                if cand is not None:
                    out.append(cand)
        return out


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar(lexicon())
