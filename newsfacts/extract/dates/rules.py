"""The date grammar as records: each :class:`Rule` holds its regex, its handler and the anchors where it is
tried (lexicon words, word stems, kinds of numbers), so a rule is read, changed or added in one place.

A pattern is a function of :class:`Fragments` (regex pieces built from the lexicon: ``f.MONTH``, ``f.yeartail("a")``,
...); anchor words are functions of the same object (``f.lex`` is the point lexicon, ``f.span`` the span
lexicon). ``grammar`` compiles the records once and runs them; the handlers live in ``points`` (dates the text
gives), ``relative`` (dates read against publication) and ``spans`` (durations, ages, frequencies, references,
holidays, eras).

Number anchors (``Rule.numbers``) say at which numbers a rule is tried, by what follows the number:

- ``"dot"`` / ``"slash"`` / ``"comma"``: a 1-2 digit number followed by ".", "/" or ",";
- ``"suffix"``: a 1-2 digit number followed by a letter ("5-го" is "short": a dash; "5го", "18е");
- ``"short"``: a 1-2 digit number followed by a dash, or by a space and then a word starting with one of the
  rule's ``next_letters`` (or by a space and no letter);
- ``"three"``: a 3-digit number; ``"year"``: a 4-digit number; ``"year_dash"``: a 4-digit number and "-";
- ``"roman"``: a Roman numeral (Latin letters; Cyrillic look-alikes are spelt Latin first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsfacts.extract.dates import points, relative, spans
from newsfacts.extract.dates.candidate import Handler
from newsfacts.extract.dates.lexicon import Lexicon, SpanLexicon, alternation, span_lexicon

Words = Callable[["Fragments"], Iterable[str]]
NUMBER_ANCHORS = frozenset(
    {"dot", "slash", "comma", "suffix", "short", "three", "year", "year_dash", "roman"}
)
# marks: where words that some rule cannot match without stand (its ``needs``); "unit"/"month" are marked by
# rules' own anchor words, the others by ``MARKERS``
MARKS = frozenset({"unit", "month", "ago", "century", "quarter", "half", "decade", "months"})


# unit words some rules need (their patterns and their ``MARKERS`` are built from these)
_QUARTER_UNITS = ("квартал", "квартала", "квартале", "кварталу", "кварталом")
_HALF_YEAR_UNITS = ("полугодие", "полугодия", "полугодии", "полугодию", "полугодием")
_DECADE_UNITS = ("годы", "годов", "годах", "годам", "годами")
_MONTHS_UNITS = ("месяцев", "месяца")


@dataclass(frozen=True)
class Rule:
    """One date rule: where it is tried, what it matches, and what the match means."""

    name: str
    pattern: Callable[[Fragments], str]  # the regex, matched at an anchor (``re.match(text, pos)``)
    handler: Handler  # match -> candidate (or None: not a date after all)
    words: Words | None = None  # anchor words (whole words, any case, ё as е)
    stems: Words | None = None  # anchor word beginnings ("перв" for "первого", "первом", ...)
    numbers: frozenset[str] = frozenset()  # number anchors (see the module docstring)
    next_letters: str = ""  # for "short": the first letters of the word after the number and a space
    needs: str | None = None  # tried only with a word of this mark ("unit", "month") at most REACH chars on
    mark: str | None = None  # this rule's anchor words mark their place for the ``needs`` of other rules
    after_number: bool = True  # False: not tried at a word right after a number and a space ("5 лет")
    ignore_case: bool = True


@dataclass(frozen=True)
class Marker:
    """Anchor words that trigger no rule of their own but mark their place (month abbreviations for ``word_day``)."""

    name: str
    words: Words
    mark: str


class Fragments:
    """Regex fragments built from the lexicons (strings, composed into the rules' patterns)."""

    def __init__(self, lex: Lexicon, slex: SpanLexicon | None = None) -> None:
        self.lex = lex
        self.span = slex if slex is not None else span_lexicon()
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
        self.QUNIT = alternation([*_QUARTER_UNITS, *_HALF_YEAR_UNITS]) + r"(?![а-яё])"
        # the span rules' pieces: duration units and counts ("1,5", "4-5", "двух", "несколько")
        slex = self.span
        self.DUR_UNIT = alternation(slex.unit_of) + w
        self.NUMQ = r"\d{1,3}(?:[.,]\d{1,2})?(?:\s*[-–—]\s*\d{1,3})?"
        self.WORDQ = rf"{self.CARD}(?:\s+{self.CARD})?(?:\s*[-–—]\s*{self.CARD})?"
        self.QUANT = rf"(?:{self.NUMQ}|{self.WORDQ}|{alternation(slex.vague_counts) + w}(?:\s+{self.CARD})?)"
        # a tail after a line break only in lower case: "сотню лет\nназад", not "Ему было 50 лет\nРанее ..."
        gap = r"(?:[ \xa0]+|[ \xa0]*\n\s*(?=(?-i:[а-яё])))"
        self.DUR_TAIL = rf"(?P<tail>{gap}(?:тому\s+)?назад{w}|{gap}(?:{alternation(slex.ref_after)}){w})?"

    def yeartail(self, p: str) -> str:
        """An optional year after a day or month: "2025 года", "этого года", "две тысячи двадцатого года"."""
        return (
            rf"(?:,?\s+(?:(?P<{p}y>{self.YEARNUM}){self.YSUF}?{self.YWORD}?(?!\d|[.,]\d){self.GUARD}"
            rf"|(?P<{p}r>{self.RELADJ})\s+год(?:а|у){self.W}"
            rf"|(?P<{p}w>{self.NUMORD})\s+год(?:а|у){self.W}))?"
        )

    def part_target(self) -> str:
        """What a part ("начало", "конец", "середина") is of: a decade, a year, a month, a century, a quarter."""
        return "|".join(
            [
                rf"(?P<dec>(?:1[5-9]|20)\d0|[1-9]0)-?(?:х|е|ые|ых){self.W}(?:{self.YEARS_WORD})?",
                rf"(?P<y>{self.YEARNUM}){self.YSUF}?{self.YWORD}?(?!\d|[.,]\d){self.GUARD}",
                rf"(?P<r>{self.RELADJ})\s+(?P<ru>{self.UNIT})",
                rf"(?P<bare>года|месяца|недели|квартала|полугодия){self.W}",
                rf"(?P<m>{self.MONTH}){self.yeartail('a')}",
                rf"(?P<c>[IVXL]{{1,5}}|\d{{1,2}})(?:-?(?:го|м))?\s+{self.CENT}",
                rf"(?P<q>{self.ORD}|[1-4](?:-?го)?|[IV]{{1,3}})\s+(?P<qu>квартала|полугодия){self.W}"
                rf"{self.yeartail('b')}",
            ]
        )


def _first_words(phrases: Iterable[str]) -> list[str]:
    return [p.split()[0] for p in phrases]


def _ordinal_words(f: Fragments) -> Iterable[str]:
    return f.lex.ordinal_stems


def _ordinal_irregular(f: Fragments) -> Iterable[str]:
    return f.lex.ordinal_irregular


def _cardinals(f: Fragments) -> Iterable[str]:
    return f.lex.cardinals


_MONTH_NEXT = "яфмаисонд"  # a month or its abbreviation starts with one of these

RULES: tuple[Rule, ...] = (
    # --- calendar dates: "15.02.2024", "2024-02-15", "15.02", "14. - 15.10.", "14-15 мая", "5 мая 2025 года"
    Rule(
        "numeric",
        lambda f: (
            rf"(?<!\d[.,/])(?P<d>\d{{1,2}})(?P<sep>[./])\s?(?P<m>\d{{1,2}})(?P=sep)\s?(?P<y>\d{{4}}|\d{{2}})"
            rf"(?!\d|[.,/]\d|\.[a-z])"
            rf"{f.YWORD}?"
        ),
        points.numeric,
        numbers=frozenset({"dot", "slash"}),
    ),
    Rule(
        "iso",
        lambda f: r"(?<![\w/.-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-])",
        points.numeric,
        numbers=frozenset({"year_dash"}),
    ),
    Rule(
        "numeric_dm",
        lambda f: rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})(?!\d|[.,]\d|[-–—]\d){f.GUARD}",
        points.numeric_day_month,
        numbers=frozenset({"dot"}),
    ),
    Rule(
        "numeric_range",
        lambda f: (
            rf"(?P<d1>\d{{1,2}})(?P<p1>\.(?P<m1>\d{{1,2}})(?:\.(?P<y1>\d{{4}}|\d{{2}}))?)?(?P<dot1>\.)?"
            rf"(?:\s*[-–—/]\s*|\s+(?:по|до)\s+)"
            rf"(?P<d2>\d{{1,2}})\.(?P<m2>\d{{1,2}})(?:\.(?P<y2>\d{{4}}|\d{{2}})|(?P<dot2>\.))?(?!\d|[.,]\d)"
            rf"{f.YWORD}?{f.GUARD}"
        ),
        points.numeric_range,
        numbers=frozenset({"dot", "slash", "short"}),
        next_letters="пд",
    ),
    Rule(
        "day_range",
        lambda f: (
            rf"(?P<d1>{f.DAYNUM})(?:\s+(?P<m1>{f.MONTH_ANY}){f.yeartail('a')})?"
            rf"(?:\s*[-–—]\s*|\s+(?:по|до|и|или|на)\s+)(?P<d2>{f.DAYNUM})\s+(?P<m2>{f.MONTH_ANY})"
            rf"{f.yeartail('b')}"
        ),
        points.day_range,
        numbers=frozenset({"short", "suffix"}),
        next_letters=_MONTH_NEXT + "пи",  # a month, or по/до/и/или/на
        needs="month",
    ),
    Rule(
        "day",
        lambda f: rf"(?P<d>{f.DAYNUM})\s+(?P<m>{f.MONTH_ANY}){f.yeartail('a')}",
        points.day_month,
        numbers=frozenset({"short", "suffix"}),
        next_letters=_MONTH_NEXT,
        needs="month",
    ),
    Rule(
        "word_day",
        lambda f: rf"(?P<dw>{f.NUMORD})\s+(?P<m>{f.MONTH_ANY}){f.yeartail('a')}",
        points.word_day,
        words=lambda f: [*f.lex.ordinal_irregular, *f.lex.cardinals],
        stems=_ordinal_words,
        needs="month",
    ),
    Rule(
        "month",
        lambda f: (
            rf"(?P<m1>{f.MONTH})(?:(?:\s*[-–—]\s*|\s+(?:и|или|по|до)\s+)(?P<m2>{f.MONTH}))?"
            rf"{f.yeartail('a')}"
        ),
        points.month,
        words=lambda f: f.lex.months,
        mark="month",
    ),
    Rule(
        "months_of_year",
        lambda f: rf"(?P<n>\d{{1,2}}|{f.CARD})\s+{alternation(_MONTHS_UNITS)}{f.W}{f.yeartail('a')}",
        points.months_of_year,
        words=_cardinals,
        numbers=frozenset({"short"}),
        next_letters="м",
        needs="months",
    ),
    Rule(
        "season",
        lambda f: rf"(?P<s>{f.SEASON}){f.yeartail('a')}",
        points.season,
        words=lambda f: f.lex.seasons,
    ),
    # --- years, decades, centuries: "в 2014 году", "2014-2016 годы", "в 90-е", "XXI век", "двадцатых годов"
    Rule(
        "year_range",
        lambda f: (
            rf"(?P<y1>{f.YEARNUM}){f.YSUF}?(?:\s*(?:г\.|года))?(?:\s*[-–—/]\s*|\s+(?:по|до|и)\s+)"
            rf"(?P<y2>{f.YEARNUM}|\d\d)(?!\d){f.YSUF}?(?P<w>{f.YWORD})?{f.GUARD}"
        ),
        points.year_range,
        numbers=frozenset({"year"}),
    ),
    Rule(
        "year",
        lambda f: rf"(?P<y>{f.YEARNUM})(?!\d|[.,]\d)(?P<suf>{f.YSUF})?(?P<w>{f.YWORD})?{f.GUARD}",
        points.year,
        numbers=frozenset({"year"}),
    ),
    Rule(
        "word_year",
        lambda f: rf"(?P<yw>{f.NUMORD})\s+(?:год|года|году|годом){f.W}",
        points.word_year,
        words=lambda f: [*f.lex.ordinal_irregular, *f.lex.cardinals],
        stems=_ordinal_words,
        needs="unit",
    ),
    Rule(
        "decade",
        lambda f: (
            rf"(?P<dec>(?:1[5-9]|20)\d0|[1-9]0|00)(?P<h>\s?-\s?)?(?:х|е|ые|ых|ым|ми){f.W}"
            rf"(?:{f.YEARS_WORD})?"
        ),
        points.decade,
        numbers=frozenset({"short", "year"}),
        next_letters="хеым",
    ),
    Rule(
        "decade_word",
        lambda f: (
            rf"(?P<o>{f.ORD})\s+{alternation(_DECADE_UNITS)}{f.W}"
            rf"(?:\s+(?P<c>{f.NUMORD}|[IVX]+)\s+(?:века|столетия){f.W})?"
        ),
        points.word_decade,
        stems=_ordinal_words,
        needs="decade",
    ),
    Rule(
        "century_num",
        lambda f: rf"(?P<c>\d{{1,2}})(?:-?(?:м|го|й|ом))?\s*{f.CENT}",
        points.century,
        numbers=frozenset({"short", "suffix"}),
        next_letters="в",
    ),
    Rule(
        "century_word",
        lambda f: rf"(?P<c>{f.NUMORD})\s+{f.CENT}",
        points.century,
        words=lambda f: [*f.lex.ordinal_irregular, *f.lex.cardinals],
        stems=_ordinal_words,
        needs="century",
    ),
    Rule(
        "roman_century",
        lambda f: rf"(?:(?P<c0>[IVXL]{{1,5}})\s*[-–—]\s*)?(?P<c>[IVXL]{{1,5}})\s*{f.CENT}",
        points.century,
        numbers=frozenset({"roman"}),
        ignore_case=False,  # Roman numerals are uppercase
    ),
    # --- quarters, halves, parts: "во 2-м квартале", "первом полугодии 2024 года", "в конце 2026 года"
    Rule(
        "quarter_num",
        lambda f: rf"(?P<n>[1-4])(?:-?(?:м|й|го|ом|ый))?\s+(?P<u>{f.QUNIT}){f.yeartail('a')}",
        points.quarter_half,
        numbers=frozenset({"short"}),
        next_letters="кп",
    ),
    Rule(
        "quarter_word",
        lambda f: rf"(?P<n>{f.ORD})\s+(?P<u>{f.QUNIT}){f.yeartail('a')}",
        points.quarter_half,
        words=_ordinal_irregular,
        stems=_ordinal_words,
        needs="quarter",
    ),
    Rule(
        "roman",
        lambda f: rf"(?P<n>[IVX]{{1,4}})(?:-?(?:м|й|го|ом))?\s+(?P<u>{f.QUNIT}){f.yeartail('a')}",
        points.quarter_half,
        numbers=frozenset({"roman"}),
        ignore_case=False,  # Roman numerals are uppercase
    ),
    Rule(
        "half_word",
        lambda f: (
            rf"(?P<o>{f.ORD})\s+{f.HALF}\s+(?:(?P<y>{f.YEARNUM}){f.YSUF}?{f.YWORD}?(?!\d)"
            rf"|(?P<r>{f.RELADJ})\s+года{f.W}|(?P<bare>года){f.W})"
        ),
        points.half_of_year,
        words=_ordinal_irregular,
        stems=_ordinal_words,
        needs="half",
    ),
    Rule(
        "part",
        lambda f: rf"(?P<p>{f.PART})\s+(?:{f.part_target()})",
        points.part,
        words=lambda f: f.lex.parts,
    ),
    # --- relative points: "в прошлом году", "три года назад", "через неделю", "последние 2 недели", "вчера"
    Rule(
        "count_ago",
        lambda f: (
            rf"(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+(?P<u>{f.UNIT_COUNT})\s+(?:тому\s+)?назад{f.W}"
        ),
        relative.count_shift,
        words=_cardinals,
        numbers=frozenset({"short", "three"}),
        next_letters="глмндсп",  # a calendar unit
        needs="ago",
    ),
    Rule(
        "ago",
        lambda f: rf"(?P<u>год|месяц|неделю|день|сутки|полгода)\s+(?:тому\s+)?назад{f.W}",
        relative.count_shift,
        words=lambda f: ["год", "месяц", "неделю", "день", "сутки", "полгода"],
    ),
    Rule(
        "later",
        lambda f: rf"через\s+(?:(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+)?(?P<u>{f.UNIT_COUNT})",
        relative.count_shift,
        words=lambda f: ["через"],
    ),
    Rule(
        "window",
        lambda f: rf"(?P<dir>{f.WINDOW})\s+(?P<n>\d{{1,3}}|{f.CARD}(?:\s+{f.CARD})?)\s+(?P<u>{f.UNIT})",
        relative.window,
        words=lambda f: f.lex.window_words,
    ),
    Rule(
        "rel_unit",
        lambda f: rf"(?P<adj>{f.RELADJ})\s+(?:(?P<u>{f.UNIT})|(?P<wd>{f.WEEKDAY})|(?P<s>{f.SEASON}))",
        relative.relative_unit,
        words=lambda f: f.lex.relative_adjectives,
    ),
    Rule(
        "rel_day",
        lambda f: rf"(?:(?P<w>{f.RELDAY})|сегодняшн(?:ий|его|ему|ем)\s+(?:день|дня|дню|числа)){f.W}",
        relative.relative_day,
        words=lambda f: f.lex.relative_days,
        stems=lambda f: ["сегодняшн"],
    ),
    Rule(
        "weekday",
        lambda f: rf"(?P<wd>{f.WEEKDAY})",
        relative.weekday,
        words=lambda f: f.lex.weekdays,
    ),
    Rule(
        "last_year_adj",
        lambda f: rf"прошлогодн(?:ий|его|ему|ем|им|яя|ей|юю|ие|их|ими|ее|ое){f.W}",
        relative.last_year_adjective,
        stems=lambda f: ["прошлогодн"],
    ),
    # --- not points: durations, ages, frequencies, references, vague points, holidays, eras (``spans``)
    Rule(
        "duration",
        lambda f: (
            rf"(?:(?P<pre>{alternation(f.span.prefixes) + f.W})[\s\xa0]+"
            rf"(?:(?:не\s+)?(?:более|менее|примерно|около|почти|чем)\s+)*)?"
            rf"(?:(?P<whole>{alternation(f.span.duration_words) + f.W})|(?:(?P<n>{f.QUANT})[\s\xa0]+)?"
            rf"(?P<u>{f.DUR_UNIT})"
            rf"(?:\s+(?:и\s+)?(?P<n2>\d{{1,3}}|{f.CARD})\s+(?P<u2>{f.DUR_UNIT}))?)"
            rf"{f.DUR_TAIL}"
        ),
        spans.duration,
        words=lambda f: [*_first_words(f.span.prefixes), *f.span.vague_counts, *f.lex.cardinals],
        numbers=frozenset({"short", "comma", "three"}),
        next_letters="глмндсвп",
        needs="unit",
    ),
    Rule(
        "dur_unit",  # a unit without a count before it ("за год", "годом ранее"); after a number "duration" reads it
        lambda f: (
            rf"(?:(?P<whole>{alternation(f.span.duration_words) + f.W})|(?P<u>{f.DUR_UNIT}))"
            rf"{f.DUR_TAIL}"
        ),
        spans.duration,
        words=lambda f: [*f.span.unit_of, *f.span.duration_words],
        mark="unit",
        after_number=False,  # "5 лет": "duration", anchored at the number, reads it
    ),
    Rule(
        "frequency",
        lambda f: (
            rf"(?:(?P<fw>{alternation(f.span.frequency_words)}){f.W}"
            rf"|(?:{alternation(f.span.frequency_each)}){f.W}\s+(?:(?P<n>{f.NUMQ}|{f.WORDQ})\s+)?"
            rf"(?P<u>{f.DUR_UNIT}))"
        ),
        spans.frequency_word,
        words=lambda f: _first_words(f.span.frequency_words + f.span.frequency_each),
    ),
    Rule("annual", lambda f: r"годовом(?![а-яё])", spans.annual, words=lambda f: ["годовом"]),
    Rule(
        "weekly",
        lambda f: rf"{alternation(f.span.weekly_words)}{f.W}",
        spans.weekly,
        words=lambda f: f.span.weekly_words,
    ),
    Rule(
        "age_adj",
        lambda f: (
            rf"(?:(?P<n>\d{{1,3}})\s?-?\s?|(?P<s>{alternation(f.span.age_stems)}))"
            rf"летн(?:ий|его|ему|им|ем|яя|ей|юю|ие|их|ими|ее|ой|ого){f.W}"
        ),
        spans.age_adjective,
        stems=lambda f: [s + "летн" for s in f.span.age_stems],
        numbers=frozenset({"short", "suffix", "three"}),
        next_letters="л",
    ),
    Rule(
        "reference",
        lambda f: (
            rf"(?:следующ(?:ий|его|ем|ую|ее)\s+(?:{alternation(f.span.ref_next_units)}){f.W}"
            rf"|(?P<ord>{f.ORD})\s+(?P<ordu>день|дня|год|вечер|утро|неделю|месяц){f.W}"
            rf"|(?P<years>(?:разные\s+)?годы){f.W})"
        ),
        spans.reference,
        words=lambda f: ["годы", "разные", *f.lex.ordinal_irregular],
        stems=lambda f: ["следующ", *f.lex.ordinal_stems],
    ),
    Rule(
        "ref_unit",  # anchored at the unit, extended back to its pronoun ("в том же году")
        lambda f: alternation(f.span.ref_units) + f.W,
        spans.pronoun_reference,
        words=lambda f: f.span.ref_units,
    ),
    Rule(
        "vague_past",
        lambda f: alternation(f.span.vague_past) + f.W,
        spans.vague_past,
        words=lambda f: _first_words(f.span.vague_past),
    ),
    Rule(
        "holiday",
        lambda f: (
            rf"(?:(?:день|дня|дню|днем|днём|дне)\s+(?P<tail>{alternation(f.span.holiday_tails) + f.W})"
            rf"|(?P<name>{alternation(f.span.holiday_names) + f.W}))"
        ),
        spans.holiday,
        words=lambda f: ["день", "дня", "дню", "днем", *_first_words(f.span.holiday_names)],
    ),
    Rule(
        "era",
        lambda f: (
            rf"(?:{alternation(f.span.era_heads)}|{alternation(f.span.era_renamed)}){f.W}\s+"
            rf"(?P<era>{alternation(f.span.eras)})(?![а-яёa-z0-9-])"
        ),
        spans.era,
        words=lambda f: _first_words(f.span.era_heads + f.span.era_renamed),
    ),
)

MARKERS: tuple[Marker, ...] = (
    Marker("month_abbr", lambda f: f.lex.month_abbreviations, "month"),
    # the words a rule needs in reach, so that it is not tried at every count or ordinal: "назад" for
    # "три года назад"; "века" (and "вв.") for "двадцатого века"; the units of "второй квартал", "первой
    # половине", "двадцатые годы", "шесть месяцев"
    Marker("ago_word", lambda f: ["назад"], "ago"),
    Marker("century_unit", lambda f: [*f.lex.century_words, "вв"], "century"),
    Marker("quarter_unit", lambda f: [*_QUARTER_UNITS, *_HALF_YEAR_UNITS], "quarter"),
    Marker("half_unit", lambda f: f.lex.half_words, "half"),
    Marker("decade_unit", lambda f: _DECADE_UNITS, "decade"),
    Marker("months_unit", lambda f: _MONTHS_UNITS, "months"),
)
