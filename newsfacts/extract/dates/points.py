"""Handlers of the point rules that the text dates by itself (calendar dates, months, seasons, years, decades,
centuries, quarters, halves, parts of periods): each turns one regex match into a candidate ``Cand`` (or
rejects it). The rules that use them are the records of ``rules``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from newsfacts.extract.dates import calendar as cal
from newsfacts.extract.dates.calendar import Period
from newsfacts.extract.dates.candidate import MISSING, Cand, YearRef, cand
from newsfacts.extract.dates.lexicon import Lexicon, norm_word
from newsfacts.extract.dates.relative import count_value, unit_period

# prepositions that make a bare 4-digit number a year ("в 2014", "с 1990", "к 2030")
_YEAR_PREP = re.compile(
    r"(?<![\w-])(?:в|во|с|со|к|до|на|за|по|от|после|около|между|начиная с|вплоть до)\s+$", re.I
)


def _year_ref(m: re.Match[str], lex: Lexicon, prefix: str) -> YearRef | None:
    """The year of a ``yeartail`` fragment: absolute, relative to publication, or None when absent."""
    groups = m.groupdict()
    if groups.get(prefix + "y"):
        return ("abs", int(groups[prefix + "y"]))
    if groups.get(prefix + "r"):
        return ("rel", lex.relative_adjectives[norm_word(groups[prefix + "r"])])
    if groups.get(prefix + "w"):
        value = lex.number_phrase(groups[prefix + "w"])
        return ("abs", value) if value and 1000 <= value <= 2100 else ("bad", 0)
    return None


def _month(lex: Lexicon, word: str) -> int:
    w = norm_word(word).rstrip(".")
    return lex.months.get(w) or lex.month_abbreviations[w]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group())  # type: ignore[union-attr]


def _two_digit_year(value: str) -> int:
    y = int(value)
    if len(value) == 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def _ok(ref: YearRef | None) -> bool:
    return ref is None or ref[0] != "bad"


# --- calendar dates ---------------------------------------------------------------------------------


def numeric(m: re.Match[str], lex: Lexicon) -> Cand | None:
    y, mo, d = _two_digit_year(m["y"]), int(m["m"]), int(m["d"])
    if not cal.valid_day(y, mo, d) or not 1800 <= y <= 2100:
        return None
    return cand(
        m, "day", "numeric", year_ref=("abs", y), period=lambda yy: (date(yy, mo, d),) * 2, month=mo, day=d
    )


_NUMBER_BEFORE = re.compile(r"(?:\d[.,:]|[-–—+±/№#=]\s*|\d\s*[-–—]\s*)$")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?[\s\xa0]*(?:№[\s\xa0]*)?$")


def _not_a_number(m: re.Match[str], lex: Lexicon) -> bool:
    """Whether a numeric day without a year ("15.02", "14 - 15.10.") reads as a day, not a number in disguise:
    no digit or sign before it, no code word (article, version, model, score) or Latin name before it, and no
    time or measure word after it ("в 12.05 мск", "15.2 балла")."""
    text = m.string
    before = text[max(0, m.start() - 30) : m.start()]
    if _NUMBER_BEFORE.search(before):
        return False
    word = _WORD_BEFORE.search(before)
    if word and (word.group(1).isascii() or norm_word(word.group(1)) in lex.numeric_code_words):
        return False
    return not lex.numeric_time_after_regex.match(text, m.end())


def numeric_day_month(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "15.02", "15.2", "10.12.": a day of a year the text does not give (one digit on both sides is a number)."""
    d, mo = int(m["d"]), int(m["m"])
    if len(m["d"]) + len(m["m"]) < 3 or not cal.valid_day(None, mo, d) or not _not_a_number(m, lex):
        return None
    return cand(m, "day", "numeric", period=lambda y: (date(y, mo, d),) * 2, month=mo, day=d)


def numeric_range(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "14. - 15.10.", "14./15.10.2018", "14.10. по 15.10.18", "14 - 15.10.": a range of numeric days."""
    d1, d2, mo2 = int(m["d1"]), int(m["d2"]), int(m["m2"])
    mo1 = int(m["m1"]) if m["m1"] else mo2
    y2 = _two_digit_year(m["y2"]) if m["y2"] else None
    y1 = _two_digit_year(m["y1"]) if m["y1"] else y2
    if m["y1"] and not m["y2"]:
        return None
    if not (m["m1"] or m["dot1"] or m["y2"] or m["dot2"] or len(m["m2"]) == 2):
        return None  # "1 - 2.5": a range of numbers
    if not (cal.valid_day(y1, mo1, d1) and cal.valid_day(y2, mo2, d2)):
        return None
    if y1 is not None and y2 is not None:
        first, last = date(y1, mo1, d1), date(y2, mo2, d2)
        if not first < last <= first + timedelta(days=366):
            return None
        return cand(
            m,
            "day",
            "numeric_range",
            year_ref=("abs", y2),
            period=lambda _y: (first, last),
            month=mo1,
            day=d1,
            priority=1,
        )
    if (mo1, d1) >= (mo2, d2) and mo1 <= mo2 or not _not_a_number(m, lex):
        return None

    def period(y: int) -> Period:
        return date(y if (mo1, d1) <= (mo2, d2) else y - 1, mo1, d1), date(y, mo2, d2)

    return cand(m, "day", "numeric_range", period=period, month=mo1, day=d1, priority=1)


def day_month(m: re.Match[str], lex: Lexicon) -> Cand | None:
    d, mo = _day(m["d"]), _month(lex, m["m"])
    ref = _year_ref(m, lex, "a")
    if not _ok(ref) or not cal.valid_day(ref[1] if ref and ref[0] == "abs" else None, mo, d):
        return None
    return cand(
        m, "day", "day", year_ref=ref or MISSING, period=lambda y: (date(y, mo, d),) * 2, month=mo, day=d
    )


def day_range(m: re.Match[str], lex: Lexicon) -> Cand | None:
    d1, d2, mo2 = _day(m["d1"]), _day(m["d2"]), _month(lex, m["m2"])
    mo1 = _month(lex, m["m1"]) if m["m1"] else mo2
    ref1, ref2 = _year_ref(m, lex, "a"), _year_ref(m, lex, "b")
    if not (_ok(ref1) and _ok(ref2)):
        return None
    y1 = ref1[1] if ref1 and ref1[0] == "abs" else None
    if not (cal.valid_day(y1, mo1, d1) and cal.valid_day(None, mo2, d2)):
        return None
    if y1 is None and (mo1, d1) >= (mo2, d2) and mo1 <= mo2:
        return None

    def period(y: int) -> Period:
        start_year = y1 if y1 is not None else (y if (mo1, d1) <= (mo2, d2) else y - 1)
        return date(start_year, mo1, d1), date(y, mo2, d2)

    ref = ref2 or ref1 or MISSING
    return cand(m, "day", "day_range", year_ref=ref, period=period, month=mo1, day=d1, priority=1)


def months_of_year(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "за 9 месяцев 2023 года": January to the n-th month of that year."""
    n = count_value(m["n"], lex)
    ref = _year_ref(m, lex, "a")
    if ref is None or not _ok(ref) or n is None or n != int(n) or not 1 <= n <= 11:
        return None
    last = int(n)
    return cand(m, "month", "months_of_year", year_ref=ref, period=lambda y: cal.months_period(y, 1, last))


def word_day(m: re.Match[str], lex: Lexicon) -> Cand | None:
    d = lex.number_phrase(m["dw"])
    mo = _month(lex, m["m"])
    ref = _year_ref(m, lex, "a")
    if d is None or not _ok(ref) or not cal.valid_day(None, mo, d):
        return None
    return cand(
        m, "day", "word_day", year_ref=ref or MISSING, period=lambda y: (date(y, mo, d),) * 2, month=mo, day=d
    )


def month(m: re.Match[str], lex: Lexicon) -> Cand | None:
    mo1 = _month(lex, m["m1"])
    mo2 = _month(lex, m["m2"]) if m["m2"] else mo1
    ref = _year_ref(m, lex, "a")
    if not _ok(ref):
        return None
    if (
        ref is None and m["m1"][0].isupper()
    ):  # "Марта" (a name) unless a year or a preposition makes it a month
        before = m.string[max(0, m.start() - 12) : m.start()]
        if not _YEAR_PREP.search(before):
            return None
    return cand(
        m,
        "month",
        "month",
        year_ref=ref or MISSING,
        period=lambda y: cal.months_period(y, mo1, mo2),
        month=mo1,
    )


def season(m: re.Match[str], lex: Lexicon) -> Cand | None:
    word = norm_word(m["s"])
    first, last = lex.seasons[word]
    ref = _year_ref(m, lex, "a")
    if not _ok(ref) or (ref is None and (word not in lex.season_alone or _named_event(m, lex))):
        return None
    return cand(
        m,
        "part_of_year",
        "season",
        year_ref=ref or MISSING,
        period=lambda y: cal.months_period(y, first, last),
    )


_CAPITALISED_BEFORE = re.compile(r"(?:(?<=[а-яё,] )|(?<=«)|(?P<first>^))([А-ЯЁ][а-яё]+)[\s\xa0]+$")
_INSTRUMENTAL = ("ой", "ою", "ом", "ью")
_WORD_BEFORE_SEASON = re.compile(r"(?<![а-яё])([а-яё]{3,})[\s\xa0]+$", re.I)


def _named_event(m: re.Match[str], lex: Lexicon) -> bool:
    """ "Арабская весна", "Пражской весны", "холодной зимы": an adjective before a bare nominative or genitive
    season names an event or a quality; before an instrumental only a capitalised one inside a sentence
    ("Ранней весной" starting a sentence is a time)."""
    if not norm_word(m["s"]).endswith(_INSTRUMENTAL):  # "холодной зимы", "голодное лето": a quality
        adjective = _WORD_BEFORE_SEASON.search(m.string, max(0, m.start() - 30), m.start())
        word = norm_word(adjective.group(1)) if adjective else ""
        if word.endswith(lex.season_event_endings) and word not in lex.season_determiners:
            return True
    before = _CAPITALISED_BEFORE.search(m.string[max(0, m.start() - 30) : m.start()])
    if before is None or not norm_word(before.group(2)).endswith(lex.season_event_endings):
        return False
    return before["first"] is None


# --- years, decades, centuries -------------------------------------------------------------------


def year(m: re.Match[str], lex: Lexicon) -> Cand | None:
    y = int(m["y"])
    if not (m["suf"] or m["w"]):
        before = m.string[max(0, m.start() - 14) : m.start()]
        in_parens = before.endswith("(") and m.string.startswith(")", m.end())  # "The Fat Of The Land (1997)"
        if y < 1800 or not (in_parens or _YEAR_PREP.search(before)) or _counted_noun_after(m):
            return None
    return cand(m, "year", "year", year_ref=("abs", y), period=cal.year_period)


_WORD_AFTER = re.compile(r"[\s\xa0]+([а-яё]+)(\.?)", re.I)


def _counted_noun_after(m: re.Match[str]) -> bool:
    """ "около 2000 компьютеров", "в 1500 километрах", "до 2500 руб.": a bare number counting a noun (a
    plural noun in an oblique case or a unit abbreviation follows), not a year."""
    after = _WORD_AFTER.match(m.string, m.end())
    if after is None:
        return False
    word = after.group(1)
    if word.lower().startswith("год"):
        return False  # "за 2017 годд.": a misspelt year word
    if after.group(2) and word.lower() in ("руб", "тыс", "км", "чел", "шт", "долл", "млн", "млрд"):
        return True
    from newsfacts.extract.morph import parses

    best = parses(word)[:2]
    return bool(best) and all(
        p.tag.POS == "NOUN" and p.tag.number == "plur" and p.tag.case in ("gent", "datv", "loct", "ablt")
        for p in best
    )


def year_range(m: re.Match[str], lex: Lexicon) -> Cand | None:
    y1 = int(m["y1"])
    y2 = int(m["y2"]) if len(m["y2"]) == 4 else (y1 // 100) * 100 + int(m["y2"])
    if not y1 < y2 <= y1 + 200 or ("/" in m.group() and y2 != y1 + 1):  # "2024/25": a season across years
        return None
    if not m["w"]:
        before = m.string[max(0, m.start() - 14) : m.start()]
        dash = m.group()[len(m["y1"]) : len(m["y1"]) + 3].strip()[:1] in "-–—"
        if not (y1 >= 1800 and y2 - y1 <= 50 and (_YEAR_PREP.search(before) or (dash and y1 >= 1900))):
            return None
    return cand(
        m, "year", "year_range", year_ref=("abs", y1), period=lambda _y: cal.years_period(y1, y2), priority=1
    )


def word_year(m: re.Match[str], lex: Lexicon) -> Cand | None:
    y = lex.number_phrase(m["yw"])
    if y is None or not 1000 <= y <= 2100:
        return None
    return cand(m, "year", "word_year", year_ref=("abs", y), period=cal.year_period)


def _decade_start(value: str) -> int:
    v = int(value)
    if len(value) == 4:
        return v
    return 2000 + v if v <= 10 else 1900 + v


_NEXT_WORD = re.compile(r"[\s\xa0]+([а-яё]+)", re.I)


def _neuter_noun_follows(m: re.Match[str]) -> bool:
    """ "на 40-е место", "10-е издание": an ordinal before a singular neuter noun, not a decade."""
    nxt = _NEXT_WORD.match(m.string, m.end())
    if nxt is None:
        return False
    from newsfacts.extract.morph import parses

    return any(p.tag.POS == "NOUN" and {"neut", "sing"} <= p.tag.grammemes for p in parses(nxt.group(1))[:1])


def decade(m: re.Match[str], lex: Lexicon) -> Cand | None:
    if len(m["dec"]) == 2 and not m["h"]:
        return None
    if m.group().endswith("е") and _neuter_noun_follows(m):
        return None
    start = _decade_start(m["dec"])
    return cand(
        m,
        "decade",
        "decade",
        year_ref=("abs", start),
        period=lambda _y: cal.years_period(start, start + 9),
        priority=2,
    )


def _century_value(m: re.Match[str], lex: Lexicon) -> int | None:
    raw = m["c"]
    if raw.isdigit():
        return int(raw)
    value = cal.roman_to_int(raw) if raw.isupper() and raw.isascii() else lex.number_phrase(raw)
    return value


def _century_period(c: int) -> Period:
    return cal.years_period(100 * (c - 1) + 1, 100 * c)


def century(m: re.Match[str], lex: Lexicon) -> Cand | None:
    c = _century_value(m, lex)
    c0 = cal.roman_to_int(m["c0"]) if m.groupdict().get("c0") else c
    if c is None or c0 is None or not 1 <= c0 <= c <= 21:
        return None
    first = 100 * (c0 - 1) + 1
    return cand(
        m,
        "century",
        "century",
        year_ref=("abs", first),
        period=lambda _y: (_century_period(c0)[0], _century_period(c)[1]),
    )


def word_decade(m: re.Match[str], lex: Lexicon) -> Cand | None:
    value = lex.ordinal(m["o"])
    if (
        value is None
        or value % 10
        or not 20 <= value <= 90
        or not norm_word(m["o"]).endswith(("ые", "ых", "ым", "ыми"))
    ):
        return None
    base = 1900
    if m["c"]:
        c = _century_value(m, lex) if m["c"].isupper() or m["c"][0].isdigit() else lex.number_phrase(m["c"])
        if c is not None:
            base = 100 * (c - 1)
    start = base + value
    return cand(
        m,
        "decade",
        "word_decade",
        year_ref=("abs", start),
        period=lambda _y: cal.years_period(start, start + 9),
    )


# --- quarters, halves, parts ---------------------------------------------------------------------


def _ordinal_any(raw: str, lex: Lexicon) -> int | None:
    raw = raw.strip()
    digits = re.match(r"\d+", raw)
    if digits:
        return int(digits.group())
    if raw.isascii() and raw.isupper():
        return cal.roman_to_int(raw)
    return lex.ordinal(raw)


def quarter_half(m: re.Match[str], lex: Lexicon) -> Cand | None:
    n = _ordinal_any(m["n"], lex)
    unit = norm_word(m["u"])
    is_quarter = unit.startswith("квартал")
    if n is None or not 1 <= n <= (4 if is_quarter else 2):
        return None
    if m["n"].isascii() and m["n"].isalpha() and not m["n"].isupper():
        return None
    ref = _year_ref(m, lex, "a")
    if not _ok(ref):
        return None
    fn = cal.quarter_period if is_quarter else cal.half_period
    return cand(
        m,
        "quarter" if is_quarter else "half",
        "quarter_half",
        year_ref=ref or MISSING,
        period=lambda y: fn(y, n),
    )


def half_of_year(m: re.Match[str], lex: Lexicon) -> Cand | None:
    n = lex.ordinal(m["o"])
    if n not in (1, 2):
        return None
    if m["y"]:
        ref: YearRef = ("abs", int(m["y"]))
    elif m["r"]:
        ref = ("rel", lex.relative_adjectives[norm_word(m["r"])])
    else:
        ref = MISSING
    return cand(m, "half", "half", year_ref=ref, period=lambda y: cal.half_period(y, n))


def part(m: re.Match[str], lex: Lexicon) -> Cand | None:
    which = lex.parts[norm_word(m["p"])]
    g = m.groupdict()
    if g.get("dec"):
        start = _decade_start(g["dec"])
        return cand(
            m,
            "part_of_year",
            "part",
            year_ref=("abs", start),
            period=lambda _y: cal.part_of(cal.years_period(start, start + 9), which),
        )
    if g.get("y"):
        return cand(
            m,
            "part_of_year",
            "part",
            year_ref=("abs", int(g["y"])),
            period=lambda y: cal.part_of(cal.year_period(y), which),
        )
    if g.get("c"):
        c = _century_value(m, lex)
        if c is None or not 1 <= c <= 21:
            return None
        return cand(
            m,
            "part_of_year",
            "part",
            year_ref=("abs", 100 * (c - 1) + 1),
            period=lambda _y: cal.part_of(_century_period(c), which),
        )
    if g.get("m"):
        mo = _month(lex, g["m"])
        ref = _year_ref(m, lex, "a")
        if not _ok(ref):
            return None
        return cand(
            m,
            "part_of_year",
            "part",
            year_ref=ref or MISSING,
            month=mo,
            period=lambda y: cal.part_of(cal.month_period(y, mo), which),
        )
    if g.get("q"):
        n = _ordinal_any(g["q"], lex)
        is_quarter = norm_word(g["qu"]).startswith("квартал")
        if n is None or not 1 <= n <= (4 if is_quarter else 2):
            return None
        ref = _year_ref(m, lex, "b")
        if not _ok(ref):
            return None
        fn = cal.quarter_period if is_quarter else cal.half_period
        return cand(
            m, "part_of_year", "part", year_ref=ref or MISSING, period=lambda y: cal.part_of(fn(y, n), which)
        )
    if g.get("r") or g.get("bare"):
        offset = lex.relative_adjectives[norm_word(g["r"])] if g.get("r") else 0
        unit = lex.units[norm_word(g.get("ru") or g["bare"])]
        tense = "past" if offset < 0 else "future" if offset > 0 else None
        if unit == "year":
            return cand(
                m,
                "part_of_year",
                "part",
                year_ref=("rel", offset),
                tense=tense,
                period=lambda y: cal.part_of(cal.year_period(y), which),
            )
        return cand(
            m,
            "part_of_year",
            "part",
            tense=tense,
            from_pub=lambda pub, _f: cal.part_of(unit_period(pub, unit, offset), which),
        )
    return None
