"""What a date rule's handler returns: a candidate ``Cand`` (the text's span and what it gives), and the types
the handlers share.

A candidate says *what* the text gives (a year, or a year offset from the publication year, or nothing; a
period function of that year; or a function of the publication date); ``resolve`` turns it into a mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from newsfacts.extract.dates.calendar import Period
from newsfacts.extract.dates.lexicon import Lexicon

Future = Callable[[], bool]  # whether to read forward from publication (asked only when a rule needs it)
FromPub = Callable[[date, Future], Period]
YearRef = tuple[str, int]  # ("abs", 2025) / ("rel", -1: offset from the publication year) / ("missing", 0)
MISSING: YearRef = ("missing", 0)


@dataclass(frozen=True)
class Cand:
    start: int
    end: int
    granularity: str
    year_ref: YearRef = MISSING
    period: Callable[[int], Period] | None = None  # the period, given the year
    from_pub: FromPub | None = None  # the period, given the publication date and whether to read forward
    month: int | None = None
    day: int | None = None
    tense: str | None = None  # intrinsic tense of relative words (вчера, через, прошлом)
    priority: int = 0
    kind: str = ""
    mkind: str = "point"  # point / duration / age / frequency / reference (date_mentions.kind)
    days: float | None = None  # approximate length of a duration
    vague: bool = False  # a point without a resolvable date ("недавно", "несколько лет назад")

    def span(self, start: int | None = None, end: int | None = None) -> Cand:
        return replace(
            self, start=self.start if start is None else start, end=self.end if end is None else end
        )


Handler = Callable[[re.Match[str], Lexicon], "Cand | None"]


def cand(m: re.Match[str], granularity: str, kind: str, **kw: object) -> Cand:
    """The candidate spanning match ``m``."""
    return Cand(m.start(), m.end(), granularity, kind=kind, **kw)  # type: ignore[arg-type]
