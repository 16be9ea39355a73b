"""Publication date from the text itself: a dateline ("МОСКВА, 12 апреля 2024 —") or an explicit
"Опубликовано: 12.04.2024" line.

The ingest stage calls ``infer_published`` only when no header or metadata gives the date; a text date sets
``published_date_source = "text"``. Only a full date (day, month and year) counts: anything less stays unknown.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from newsfacts.extract.dates.lexicon import alternation, lexicon, norm_word

_HEAD_CHARS = 400  # a dateline opens the article: look only at its first lines


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    months = alternation(lexicon().months)
    full = (
        rf"(?:(?P<d>[0-3]?\d)\s+(?P<mw>{months})\s+(?P<y>(?:19|20)\d\d)(?:\s*(?:г\.|года?))?"
        rf"|(?P<dn>[0-3]?\d)\.(?P<mn>[01]?\d)\.(?P<yn>(?:19|20)\d\d))(?!\d)"
    )
    place = r"[А-ЯЁ][А-ЯЁа-яё-]+(?:[ -][А-ЯЁ][А-ЯЁа-яё-]+){0,2}"
    dateline = re.compile(
        rf"^[ \t]*(?P<place>{place})[ \t]*[,.][ \t]*(?:{full})[ \t]*(?:[—–-]|/|\.|,|\(|\n)", re.M | re.I
    )
    published = re.compile(
        rf"(?<![а-яё])(?:опубликовано|дата\s+публикации|дата\s+опубликования)[ \t]*:?[ \t]*(?:{full})",
        re.I,
    )
    return dateline, published


def _date(m: re.Match[str]) -> date | None:
    try:
        if m["y"]:
            return date(int(m["y"]), lexicon().months[norm_word(m["mw"])], int(m["d"]))
        return date(int(m["yn"]), int(m["mn"]), int(m["dn"]))
    except ValueError:
        return None


def infer_published(text: str) -> tuple[date, int, int] | None:
    """The publication date a dateline or an "опубликовано" line states, with the span of that line's date part.

    Args:
        text: the cleaned article text.

    Returns:
        (date, start, end) with offsets into ``text``, or None when the text states no full publication date.
    """
    dateline, published = _patterns()
    m = dateline.search(text, 0, _HEAD_CHARS)
    if m is not None and m["place"].split()[0][0].isupper():
        when = _date(m)
        if when is not None:
            return when, m.start("place"), (m.end("y") if m["y"] else m.end("yn"))
    for m in published.finditer(text):
        when = _date(m)
        if when is not None:
            return when, m.start(), m.end()
    return None
