"""Date extraction and normalisation for Russian news text.

``extract_dates(text, published)`` finds calendar dates (also "18-е февраля", "15.02", "14. - 15.10."),
partial dates, years, ranges, quarters, halves, parts of periods, seasons, decades, centuries, named eras
("в годы Великой Отечественной войны") and relative expressions (offsets "через неделю", windows "последние 2
недели"), and normalises each to an inclusive ``[start_date, end_date]`` interval. Relative expressions and
year-less dates resolve against ``published``; when it is unknown the year stays unknown (``year_known=False``,
no dates) and only month/day are filled. ``infer_published(text)`` reads a dateline's publication date.

The package:

- ``rules``: the grammar as records, ``Rule(name, pattern, handler, anchors...)``, one place per rule;
- ``points`` / ``relative`` / ``spans``: the rules' handlers (dates the text gives; dates read against
  publication; durations, ages, frequencies, references, holidays, eras); ``candidate``: what they return;
- ``grammar``: the engine (anchors, one Aho-Corasick pass, the scan); ``resolve``: candidates to mentions;
- ``lexicon`` (``data/dates_ru.yaml``), ``calendar`` (period arithmetic), ``dateline`` (publication dates).
"""

from __future__ import annotations

from newsfacts.extract.dates.dateline import infer_published
from newsfacts.extract.dates.resolve import extract_dates

VERSION: str = "dates-8"  # 8: ages in lists and appositions, "сегодня" meaning "these days" is no date

__all__ = ["VERSION", "extract_dates", "infer_published"]
