"""The optional header block at the top of a .txt article: ``date 2025-12-18``, ``title: ...``."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from newsfacts.ingest.dates import parse_date_value

_DATE_KEYS = r"date|дата|published|published_at|publication_date|pubdate|pub_date|опубликовано"
_DATE_VALUE = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}(?:,?\s+\d{1,2}:\d{2})?"
    r"|\d{1,2}\s+[а-яё]+\s+\d{4}(?:\s+(?:г\.|года))?(?:,?\s+\d{1,2}:\d{2})?"
)
_HEADER_DATE = re.compile(rf"^\s*(?:{_DATE_KEYS})\s*[:=]?\s*(?P<value>{_DATE_VALUE})(?P<rest>.*)$", re.I)
_HEADER_FIELD = re.compile(
    r"^\s*(?P<key>title|заголовок|url|link|ссылка|source|источник|author|автор|lang|language)\s*:\s*"
    r"(?P<value>.*?)\s*$",
    re.I,
)
_KEY_NAMES = {
    "title": "title",
    "заголовок": "title",
    "url": "url",
    "link": "url",
    "ссылка": "url",
    "source": "source",
    "источник": "source",
    "author": "author",
    "автор": "author",
    "lang": "language",
    "language": "language",
}
_MAX_HEADER_LINES = 15


@dataclass(frozen=True)
class Header:
    fields: dict[str, str]  # title / url / source / author / language
    published_date: datetime.date | None
    body: str  # the text after the header block (with any text that shared a line with a header value)
    notes: tuple[str, ...] = ()  # repairs: "invalid_header_date:2023-02-31" (a header date no calendar has)


def split_header(text: str) -> Header:
    """Take the header lines off the top of the text; values fill ``fields`` and ``published_date``."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    published: datetime.date | None = None
    carried: list[str] = []
    notes: list[str] = []
    seen = 0
    i = 0
    while i < len(lines) and seen < _MAX_HEADER_LINES:
        line = lines[i].strip().lstrip("\ufeff")
        if not line:
            i += 1
            continue
        if m := _HEADER_DATE.match(line):
            value = parse_date_value(m["value"])
            if value is None:  # "date 2023-02-31": a header line all the same, kept out of the text
                notes.append(f"invalid_header_date:{m['value']}")
            published = published or value
            rest = m["rest"].strip()
            if rest:
                carried.append(rest)
        elif (f := _HEADER_FIELD.match(line)) and f["value"]:
            fields.setdefault(_KEY_NAMES[f["key"].lower()], f["value"])
        else:
            break
        seen += 1
        i += 1
    if not seen:
        return Header({}, None, text)
    body = "\n".join([*carried, "", *lines[i:]]) if carried else "\n".join(lines[i:])
    return Header(fields, published, body, tuple(notes))
