"""From the grammar's candidates to date mentions: the longest non-overlapping candidates, joined where one date
is written in two parts, resolved against the publication date, with a tense from the sentence's cue words.

``extract_dates`` is the package's entry point (``newsfacts.extract.dates.extract_dates``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from newsfacts.extract.dates.calendar import Period
from newsfacts.extract.dates.candidate import Cand
from newsfacts.extract.dates.grammar import grammar, latin_roman_numerals
from newsfacts.extract.dates.lexicon import Lexicon, alternation, lexicon, norm_word
from newsfacts.extract.text import sentences
from newsfacts.extract.types import DateMention

_JOINER = re.compile(r"\s*,?\s*(?:(?:в|во)\s+)?", re.IGNORECASE)
_FUTURE_PREPS = frozenset({"к", "ко", "не позднее", "вплоть до"})
_YEAR_INFER_SLACK = timedelta(days=60)


@lru_cache(maxsize=1)
def _prep_regex() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])({alternation(lexicon().prepositions)})\s+$", re.IGNORECASE)


def _select(cands: list[Cand]) -> list[Cand]:
    """Longest (then highest-priority, then leftmost) non-overlapping candidates, in text order."""
    starts: list[int] = []  # the chosen spans, sorted (they never overlap: a neighbour check suffices)
    chosen: list[Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start)):
        i = bisect.bisect_left(starts, c.start)
        if (i and chosen[i - 1].end > c.start) or (i < len(chosen) and chosen[i].start < c.end):
            continue
        starts.insert(i, c.start)
        chosen.insert(i, c)
    return chosen


def _merge(text: str, chosen: list[Cand]) -> list[Cand]:
    """Join "в среду, 29 апреля 2020 года" / "вчера, 9 мая" / "25 июля, в четверг" into one mention."""
    out: list[Cand] = []
    for c in chosen:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _JOINER.fullmatch(text, prev.end, c.start)
            and not (prev.vague or c.vague or prev.mkind != "point" or c.mkind != "point")
        ):
            weekdayish = {"weekday", "rel_day", "rel_weekday"}
            if prev.kind in weekdayish and c.granularity == "day" and c.kind not in weekdayish:
                out[-1] = c.span(start=prev.start)
                continue
            if c.kind in weekdayish and prev.granularity == "day" and prev.kind not in weekdayish:
                out[-1] = prev.span(end=c.end)
                continue
        out.append(c)
    return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence(s) of ``text`` holding ``text[start:end]`` (the one splitter, ``text.py``)."""
    sents = sentences(text)
    if not sents.spans:
        return 0, len(text)
    first = sents.index_of(start)
    last = max(sents.index_of(max(end - 1, start)), first)
    return sents.spans[first][0], sents.spans[last][1]


class _Cues:
    """Compiled tense-cue regexes (built once from the lexicon)."""

    def __init__(self, lex: Lexicon) -> None:
        self.future = re.compile(rf"(?<![а-яё]){alternation(lex.future_cues)}(?![а-яё])", re.IGNORECASE)
        self.past = re.compile(
            rf"(?<![а-яё])(?:{alternation(lex.past_cues)}|[а-яё]{{2,}}"
            rf"{alternation(lex.past_endings)})(?![а-яё])",
            re.IGNORECASE,
        )
        self.stop = lex.past_stoplist

    def tense(self, text: str, lo: int, hi: int) -> str | None:
        """ "future"/"past" from cue words in ``text[lo:hi]`` (future cues win), else None."""
        if self.future.search(text, lo, hi):
            return "future"
        for m in self.past.finditer(text, lo, hi):
            if norm_word(m.group()) not in self.stop:
                return "past"
        return None


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    return _Cues(lexicon())


def _infer_year(period_of: Callable[[int], Period], pub: date, future: Callable[[], bool]) -> int:
    """The year of a year-less date: the publication year, or the one before/after by news convention.

    "20 декабря" in an article of 10 January is last December unless the sentence speaks of the future.
    """
    start, end = period_of(pub.year)
    if start > pub + _YEAR_INFER_SLACK and not future():
        return pub.year - 1
    if end < pub - _YEAR_INFER_SLACK and future():
        return pub.year + 1
    return pub.year


def _mention(
    text: str,
    c: Cand,
    start: int,
    period: Period | None,
    year_known: bool,
    year: int | None,
    relative: bool,
    anchor: str,
    tense: str,
) -> DateMention:
    return DateMention(
        text=text[start : c.end],
        start_char=start,
        end_char=c.end,
        start_date=period[0] if period else None,
        end_date=period[1] if period else None,
        granularity=c.granularity,
        year_known=year_known,
        is_relative=relative,
        anchor=anchor,
        tense=tense,
        year=year,
        month=c.month
        if c.month is not None
        else (period[0].month if period and c.granularity in ("day", "month") else None),
        day=c.day if c.day is not None else (period[0].day if period and c.granularity == "day" else None),
    )


class _Cue:
    """The tense cue of a mention's sentence, computed only when a decision needs it."""

    def __init__(self, text: str, start: int, end: int, prep: str, tense: str | None) -> None:
        self.text, self.start, self.end, self.prep, self.intrinsic = text, start, end, prep, tense
        self._value: str | None = None
        self._done = False

    def get(self) -> str | None:
        if not self._done:
            self._value = _cues().tense(self.text, *_sentence(self.text, self.start, self.end))
            self._done = True
        return self._value

    def future(self) -> bool:
        """Whether a year-less date or a weekday should be read forward from publication."""
        return self.intrinsic == "future" or self.prep in _FUTURE_PREPS or self.get() == "future"


def _tense(c: Cand, period: Period | None, pub: date | None, cue: _Cue) -> str:
    if c.tense:
        return c.tense
    if period and pub:
        if period[1] < pub:
            return "past"
        if period[0] > pub:
            return "future"
    if cue.prep in _FUTURE_PREPS:
        return "future"
    return cue.get() or "unknown"


def _non_point(text: str, c: Cand, start: int, pub: date | None, cue: _Cue) -> DateMention:
    """A duration / age / frequency / back-reference, or a point without a date ("недавно"): no dates."""
    return DateMention(
        text=text[start : c.end],
        start_char=start,
        end_char=c.end,
        start_date=None,
        end_date=None,
        granularity=c.granularity,
        year_known=False,
        is_relative=c.vague,
        anchor="publication" if c.vague and pub else "none",
        tense=c.tense or "unknown",  # no sentence cue for non-points: it costs time and says little
        kind=c.mkind,
        duration_days=c.days,
    )


def _resolve(text: str, c: Cand, start: int, pub: date | None, cue: _Cue) -> DateMention | None:
    if c.mkind != "point" or c.vague:
        return _non_point(text, c, start, pub, cue)
    try:
        if c.from_pub is not None:
            period = c.from_pub(pub, cue.future) if pub else None
            year = period[0].year if period else None
            return _mention(
                text,
                c,
                start,
                period,
                period is not None,
                year,
                True,
                "publication",
                _tense(c, period, pub, cue),
            )
        kind, value = c.year_ref
        assert c.period is not None
        if kind == "abs":
            period = c.period(value)
            return _mention(text, c, start, period, True, value, False, "none", _tense(c, period, pub, cue))
        anchor = "publication" if kind == "rel" or pub else "none"
        if pub is None:
            return _mention(
                text, c, start, None, False, None, kind == "rel", anchor, _tense(c, None, None, cue)
            )
        y = pub.year + value if kind == "rel" else _infer_year(c.period, pub, cue.future)
        period = c.period(y)
        return _mention(text, c, start, period, True, y, kind == "rel", anchor, _tense(c, period, pub, cue))
    except ValueError:  # an impossible date (29 February of a common year, …)
        return None


_TITLE_LENGTH = 32
_DIGIT = re.compile(r"\d")


def _in_title(text: str, start: int, end: int) -> bool:
    """Whether the words ``text[start:end]`` lie inside a short quoted name: «Музыка для декабря», газета
    "Сегодня", «Россия сегодня» (a title, not a time). Long quotes are speech, and a year in a name is still
    a year («Улица 1905 года»)."""
    if _DIGIT.search(text, start, end):
        return False
    lo = max(0, end - _TITLE_LENGTH)
    for opening, closing in (("«", "»"), ('"', '"'), ("“", "”")):
        o = text.rfind(opening, lo, start)
        if o < 0 or closing in text[o + 1 : start]:
            continue
        c = text.find(closing, end, o + _TITLE_LENGTH)
        paired = opening != '"' or text.count('"', 0, o) % 2 == 0  # an opening straight quote
        if c >= 0 and paired and "\n" not in text[o:c] and opening not in text[end:c]:
            return True
    return False


def extract_dates(text: str, published: date | None) -> list[DateMention]:
    """Date mentions in ``text``, normalised against the publication date ``published`` (may be None).

    Args:
        text: cleaned article text; offsets in the result index into it.
        published: the article's publication date, or None when unknown (years then stay unknown).
    """
    scan_text = latin_roman_numerals(text)  # same length: offsets stay valid for ``text``
    chosen = _merge(scan_text, _select(grammar().scan(scan_text)))
    prep_rx = _prep_regex()
    out: list[DateMention] = []
    floor = 0
    for c in chosen:
        start = c.start
        m = prep_rx.search(text, max(floor, start - 24), start)
        prep = norm_word(m.group(1)) if m else ""
        if m:
            start = m.start()
        if _in_title(text, c.start, c.end):
            floor = c.end
            continue
        mention = _resolve(text, c, start, published, _Cue(text, start, c.end, prep, c.tense))
        if mention is not None and mention.kind != "age":  # ages are recognised only to be left out
            out.append(mention)
        floor = c.end
    return out
