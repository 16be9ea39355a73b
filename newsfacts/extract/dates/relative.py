"""Handlers of the relative point rules, read against the publication date ("в прошлом месяце", "три года
назад", "через неделю", "последние 2 недели", "вчера", "в пятницу", "прошлогодний"). The rules that use them are
the records of ``rules``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from newsfacts.extract.dates import calendar as cal
from newsfacts.extract.dates.calendar import Period
from newsfacts.extract.dates.candidate import Cand, FromPub, Future, cand
from newsfacts.extract.dates.lexicon import Lexicon, norm_word

_PREP_BEFORE_WEEKDAY = re.compile(r"(?<![\w-])(?:в|во|на|до|по|с|со|к|ко)\s+$", re.I)


def unit_period(pub: date, unit: str, offset: int) -> Period:
    if unit == "year":
        return cal.year_period(pub.year + offset)
    if unit == "month":
        y, mo = cal.shift_months(pub.year, pub.month, offset)
        return cal.month_period(y, mo)
    if unit == "quarter":
        y, mo = cal.shift_months(pub.year, pub.month, 3 * offset)
        return cal.quarter_period(y, (mo - 1) // 3 + 1)
    if unit == "half":
        y, mo = cal.shift_months(pub.year, pub.month, 6 * offset)
        return cal.half_period(y, (mo - 1) // 6 + 1)
    if unit == "week":
        return cal.week_period(pub + timedelta(weeks=offset))
    day = pub + timedelta(days=offset)
    return day, day


def relative_unit(m: re.Match[str], lex: Lexicon) -> Cand | None:
    offset = lex.relative_adjectives[norm_word(m["adj"])]
    tense = "past" if offset < 0 else "future" if offset > 0 else None
    if m["wd"]:
        wd = lex.weekdays[norm_word(m["wd"])]

        def weekday_period(pub: date, _f: Future) -> Period:
            if offset < 0:
                day = cal.nearest_weekday(pub - timedelta(days=1), wd, False)
            elif offset > 0:
                day = cal.nearest_weekday(pub + timedelta(days=1), wd, True)
            else:
                day = cal.week_period(pub)[0] + timedelta(days=wd - 1)
            return day, day

        return cand(m, "day", "rel_weekday", from_pub=weekday_period, tense=tense)
    if m["s"]:
        first, last = lex.seasons[norm_word(m["s"])]
        return cand(
            m,
            "part_of_year",
            "rel_season",
            tense=tense,
            from_pub=lambda pub, _f: cal.season_instance(pub, first, last, offset),
        )
    unit = lex.units[norm_word(m["u"])]
    if unit in ("day", "halfyear"):
        return None
    if unit == "year":
        return cand(m, "year", "rel_unit", year_ref=("rel", offset), period=cal.year_period, tense=tense)
    return cand(m, unit, "rel_unit", from_pub=lambda pub, _f: unit_period(pub, unit, offset), tense=tense)


def count_value(raw: str | None, lex: Lexicon) -> float | None:
    if not raw:
        return 1
    if raw[0].isdigit():
        return float(raw)
    total = 0.0
    for word in raw.split():
        value = lex.cardinals.get(norm_word(word))
        if value is None:
            return None
        total += value
    return total


def _shifted(unit: str, n: float, sign: int) -> tuple[str, FromPub] | None:
    """The grain and period of a point ``n`` units from publication (Duckling's reading): the day for days,
    weeks and months ("через неделю", "три месяца назад"), the month for whole years ("два года назад")."""
    if unit == "year" and n == int(n):
        months = sign * 12 * int(n)

        def month_of(pub: date, _f: Future) -> Period:
            return cal.month_period(*cal.shift_months(pub.year, pub.month, months))

        return "month", month_of
    if unit in ("year", "month"):
        count = n * 12 if unit == "year" else n
        if count != int(count):
            return None
        by = sign * int(count)

        def day_by_months(pub: date, _f: Future) -> Period:
            return (cal.add_months(pub, by),) * 2

        return "day", day_by_months
    days = n * (7 if unit == "week" else 1)
    if days != int(days):
        return None
    delta = timedelta(days=sign * int(days))
    return "day", lambda pub, _f: (pub + delta,) * 2


def count_shift(m: re.Match[str], lex: Lexicon) -> Cand | None:
    n = count_value(m.groupdict().get("n"), lex)
    unit = lex.units.get(norm_word(m["u"]))
    if unit == "halfyear" and n is not None:
        unit, n = "month", 6 * n
    if n is None or unit not in ("year", "month", "week", "day") or not 0 < n <= 200:
        return None
    later = norm_word(m.group()).startswith("через")
    shifted = _shifted(unit, n, 1 if later else -1)
    if shifted is None:
        return None
    return cand(m, shifted[0], "count", from_pub=shifted[1], tense="future" if later else "past")


def window(m: re.Match[str], lex: Lexicon) -> Cand | None:
    """ "последние 2 недели", "следующие три месяца": the ``n`` whole units before (after) the current one."""
    n = count_value(m["n"], lex)
    unit = lex.units.get(norm_word(m["u"]))
    if (
        n is None
        or n != int(n)
        or not 1 <= n <= 100
        or unit not in ("year", "quarter", "month", "week", "day")
    ):
        return None
    count = int(n)
    sign = lex.window_words[norm_word(m["dir"])]

    def period(pub: date, _f: Future) -> Period:
        near, far = unit_period(pub, unit, sign), unit_period(pub, unit, sign * count)
        return (far[0], near[1]) if sign < 0 else (near[0], far[1])

    return cand(m, unit, "window", from_pub=period, tense="past" if sign < 0 else "future")


_FROM_BEFORE = re.compile(r"(?<![а-яё])(?:с|со|до|к)[\s\xa0]+$", re.I)
_SAME_OR_DATE_AFTER = re.compile(r"[\s\xa0]+же(?![а-яё])|[\s\xa0]*,?[\s\xa0]*\d", re.I)  # "Сегодня, 22 марта,"
_CLAUSE_STOP = re.compile(r"[,;:()«»\"—–]|[\s\xa0][-–][\s\xa0]")
_WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?")


_SENTENCE_END = re.compile(r"[.!?…]+(?=[\s\xa0»\"]|$)|\n")
_REACH = 240


def _sentence_bounds(text: str, lo: int, hi: int) -> tuple[int, int]:
    """A sentence's bounds around ``text[lo:hi]`` by its end marks, within ``_REACH`` characters (cheaper than a
    full sentence split of the article, and enough to find the clause's verb)."""
    start = max(0, lo - _REACH)
    for end_mark in _SENTENCE_END.finditer(text, start, lo):
        start = end_mark.end()
    after = _SENTENCE_END.search(text, hi, min(len(text), hi + _REACH))
    return start, after.start() if after else min(len(text), hi + _REACH)


def _clause_words(text: str, lo: int, hi: int) -> tuple[list[str], list[str], bool]:
    """The words of the clause holding ``text[lo:hi]``, of its whole sentence, and whether the sentence has
    words before it."""
    s_lo, s_hi = _sentence_bounds(text, lo, hi)
    before = _CLAUSE_STOP.split(text[s_lo:lo])[-1]
    after = _CLAUSE_STOP.split(text[hi:s_hi])[0]
    head = _WORD.findall(text[s_lo:lo])
    sentence = head + _WORD.findall(text[hi:s_hi])
    return _WORD.findall(before) + _WORD.findall(after), sentence, bool(head)


@lru_cache(maxsize=100_000)
def _verb_class(word: str) -> str:
    """What a word says about the time of its clause, by its best parse: "day" (a past or perfective verb, a
    past participle), "now" (a present verb or participle, a predicative), "prdx" (an adverb that can be the
    predicate: "трудно"), "infn" / "infn_perf" (an infinitive), or ""."""
    from newsfacts.extract.morph import parses

    best = parses(word)[:1]
    if not best:
        return ""
    tag = best[0].tag
    pos = tag.POS
    if pos in ("VERB", "PRTF", "PRTS", "GRND"):
        return "day" if tag.tense in ("past", "futr") or (pos == "VERB" and tag.aspect == "perf") else "now"
    if pos == "INFN":
        return "infn_perf" if tag.aspect == "perf" else "infn"
    if pos == "PRED":
        return "now"
    return "prdx" if "Prdx" in tag else ""


def _tense_of(words: list[str], lex: Lexicon) -> str:
    """ "day" (a past or perfective verb, a past participle, a verb of ``today_present_verbs``), "now" (a
    present-tense verb or a predicative: "является", "можно", "трудно добиться"), or "" (no verb)."""
    seen: set[str] = set()
    for word in words[:24]:
        if norm_word(word) in lex.today_present_verbs:
            return "day"
        found = _verb_class(word)
        if found == "day":
            return "day"
        seen.add(found)
    if "now" in seen or ("prdx" in seen and seen & {"infn", "infn_perf"}):
        return "now"
    return "day" if "infn_perf" in seen else ""  # "Дату должны объявить сегодня"


def _nowadays(m: re.Match[str], lex: Lexicon) -> bool:
    """ "ипотека сегодня является драйвером", "как трудно сегодня добиться", "сегодня можно говорить":
    "сегодня" meaning "now, these days" (a present-tense verb or a predicative in its clause), not the day of
    publication.

    The day is read after "с/до/к" ("с сегодняшнего дня"), before "же" or a date ("сегодня же", "Сегодня,
    22 марта,"), when the clause has a past or perfective (future) verb, a past participle, a perfective
    infinitive, or a present verb that reports or schedules the day's event ("сообщает", "открывается"); a
    verbless clause at the start of its sentence is read by the rest of the sentence ("Сегодня по
    телевидению, выступил"), a verbless sentence keeps the day. Like "сейчас",
    "now" is not a date mention.
    """
    text, lo, hi = m.string, m.start(), m.end()
    if _FROM_BEFORE.search(text, max(0, lo - 4), lo) or _SAME_OR_DATE_AFTER.match(text, hi):
        return False
    clause, sentence, opens = _clause_words(text, lo, hi)
    tense = _tense_of(clause, lex)
    if not tense and (len(clause) < 2 or not opens):
        tense = _tense_of(sentence, lex)
    return tense == "now"  # a verbless sentence keeps the day: "Отметка времени: сегодня."


def relative_day(m: re.Match[str], lex: Lexicon) -> Cand | None:
    offset = lex.relative_days[norm_word(m["w"])] if m["w"] else 0
    if offset == 0 and m["w"] and _nowadays(m, lex):
        return None
    tense = "past" if offset < 0 else "future" if offset > 0 else None
    return cand(
        m, "day", "rel_day", tense=tense, from_pub=lambda pub, _f: (pub + timedelta(days=offset),) * 2
    )


def weekday(m: re.Match[str], lex: Lexicon) -> Cand | None:
    word = m["wd"]
    wd = lex.weekdays[norm_word(word)]
    before = m.string[max(0, m.start() - 14) : m.start()]
    has_prep = bool(_PREP_BEFORE_WEEKDAY.search(before))
    if (wd == 3 or word[0].isupper()) and not has_prep:
        return None

    def period(pub: date, future: Future) -> Period:
        day = cal.nearest_weekday(pub, wd, future())
        return day, day

    return cand(m, "day", "weekday", from_pub=period)


def last_year_adjective(m: re.Match[str], lex: Lexicon) -> Cand | None:
    return cand(m, "year", "last_year_adj", year_ref=("rel", -1), period=cal.year_period, tense="past")
