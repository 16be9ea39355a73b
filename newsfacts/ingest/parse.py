"""RawInput -> CleanArticle | Rejection: decode, read the header / JSON fields / HTML metadata, clean."""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsfacts.extract.dates.dateline import infer_published
from newsfacts.ingest.clean import clean
from newsfacts.ingest.dates import date_from_url, parse_date_value
from newsfacts.ingest.decode import Decoded, decode
from newsfacts.ingest.header import split_header
from newsfacts.ingest.htmltext import html_to_parts
from newsfacts.ingest.model import CleanArticle, DecodeError, RawInput, Rejection

TEXT_KEYS = ("text", "content", "body", "article", "full_text", "article_text")
FALLBACK_TEXT_KEYS = ("summary", "description", "lead")
TITLE_KEYS = ("title", "headline", "name")
DATE_KEYS = (
    "date",
    "published",
    "published_at",
    "publishedAt",
    "pubDate",
    "pub_date",
    "datetime",
    "date_published",
    "datePublished",
    "publication_date",
    "date_txt",
)
URL_KEYS = ("url", "link", "page_url", "source_url", "canonical_url")
SOURCE_KEYS = ("source", "source_name", "site", "publisher")

_HTML_IN_TEXT = re.compile(r"<(?:p|br|div|span|a|em|strong|b|i|li|h[1-6])\b[^>]*>", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)


@dataclass(frozen=True)
class _Meta:
    title: str | None = None
    published_date: datetime.date | None = None
    published_date_source: str = "unknown"
    url: str | None = None
    source_name: str | None = None
    repairs: tuple[str, ...] = ()  # what reading the header noted ("invalid_header_date:2023-02-31")


def _fold(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    if _ENTITY.search(value):
        value = html.unescape(value)
    folded = " ".join(value.split())
    return folded or None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def _first(obj: dict[str, object], keys: tuple[str, ...]) -> object:
    lowered = {k.lower(): v for k, v in obj.items() if isinstance(k, str)}
    for key in keys:
        value = lowered.get(key.lower())
        if value not in (None, "", [], {}):
            return value
    return None


def _text_value(value: object) -> str | None:
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        value = "\n\n".join(value)
    if not isinstance(value, str) or not value.strip():
        return None
    if _HTML_IN_TEXT.search(value):
        return html_to_parts(value).text
    if _ENTITY.search(value):
        return html.unescape(value)
    return value


def _non_text_field(obj: dict[str, object]) -> str | None:
    """The message for an object whose text field holds no string (``{"text": 12345}``), or None."""
    lowered = {k.lower(): (k, v) for k, v in obj.items() if isinstance(k, str)}
    for key in (*TEXT_KEYS, *FALLBACK_TEXT_KEYS):
        if key in lowered:
            name, value = lowered[key]
            if value is not None and not isinstance(value, str | list):
                shown = json.dumps(value, ensure_ascii=False)
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                kind = {bool: "a boolean", int: "a number", float: "a number", dict: "an object"}.get(
                    type(value), "a value"
                )
                return f"JSON field {name!r} holds {kind} ({shown}), not the article's text as a string"
            if isinstance(value, str) and not value.strip():
                return f"JSON field {name!r} is empty: the object carries no article text"
            if isinstance(value, list) and value and not all(isinstance(x, str) for x in value):
                return f"JSON field {name!r} holds a list of {len(value)} items that are not all strings"
    return None


def _meta_date(value: object, url: str | None, source: str) -> tuple[datetime.date | None, str]:
    if (given := parse_date_value(value)) is not None:
        return given, source
    if (from_url := date_from_url(url)) is not None:
        return from_url, "metadata"
    return None, "unknown"


def _reject(item: RawInput, stage: str, reason: str, detail: str) -> Rejection:
    return Rejection(item.source_uri, stage, reason, detail, item.raw_sha256)


def _from_txt(text: str) -> tuple[str, _Meta]:
    header = split_header(text)
    url = _fold(header.fields.get("url"))
    when, source = _meta_date(None, url, "metadata")
    if header.published_date is not None:
        when, source = header.published_date, "header"
    meta = _Meta(
        _fold(header.fields.get("title")),
        when,
        source,
        url,
        _fold(header.fields.get("source")) or _host(url),
        header.notes,
    )
    return header.body, meta


def _from_html(text: str) -> tuple[str, _Meta]:
    parts = html_to_parts(text)
    when, source = _meta_date(parts.date_value, parts.url, "metadata")
    return parts.text, _Meta(parts.title, when, source, parts.url, parts.source_name or _host(parts.url))


def _from_json(item: RawInput, text: str) -> tuple[str, _Meta] | Rejection:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return _reject(
            item,
            "parse",
            "malformed_json",
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        )
    except RecursionError:
        return _reject(item, "parse", "malformed_json", "JSON nested too deeply to parse")
    if not isinstance(obj, dict):
        return _reject(item, "parse", "not_an_object", f"JSON value is a {type(obj).__name__}, not an object")
    body = _text_value(_first(obj, TEXT_KEYS)) or _text_value(_first(obj, FALLBACK_TEXT_KEYS))
    if body is None and (given := _non_text_field(obj)) is not None:
        return _reject(item, "parse", "no_text", given)
    if body is None:
        keys = ", ".join(sorted(str(k) for k in obj)[:12])
        return _reject(
            item,
            "parse",
            "no_text",
            f"JSON object has no text field ({'/'.join(TEXT_KEYS)}); keys: {keys or 'none'}",
        )
    url_value = _first(obj, URL_KEYS)
    url = _fold(url_value)
    when, source = _meta_date(_first(obj, DATE_KEYS), url, "metadata")
    source_name = _first(obj, SOURCE_KEYS)
    meta = _Meta(_fold(_first(obj, TITLE_KEYS)), when, source, url, _fold(source_name) or _host(url))
    return body, meta


def _drop_repeated_title(body: str, title: str | None) -> tuple[str, bool]:
    if not title:
        return body, False
    first, _, rest = body.partition("\n\n")
    if first.strip().lower() == title.lower() and rest.strip():
        return rest, True
    return body, False


def parse_raw(item: RawInput) -> CleanArticle | Rejection:
    """``parse_input`` without the last-resort guard (tests call this to see real exceptions)."""
    if item.kind not in ("txt", "json", "html"):
        return _reject(item, "parse", "unsupported_type", f"kind {item.kind!r} is not txt, json or html")
    try:
        decoded: Decoded = decode(item.raw)
    except DecodeError as exc:
        return _reject(item, "decode", exc.reason, exc.detail)
    if not decoded.text.strip():
        return _reject(
            item, "decode", "blank", f"{len(item.raw)} bytes of whitespace only ({decoded.encoding})"
        )
    if item.kind == "json":
        got = _from_json(item, decoded.text)
        if isinstance(got, Rejection):
            return got
        body, meta = got
    elif item.kind == "html":
        body, meta = _from_html(decoded.text)
    else:
        body, meta = _from_txt(decoded.text)
    cleaned = clean(body)
    text, repairs = cleaned.text, decoded.repairs + meta.repairs + cleaned.repairs
    title, kicker = meta.title or cleaned.title, cleaned.kicker
    if meta.title and cleaned.title and cleaned.title != meta.title:
        kicker = cleaned.title
    text, dropped = _drop_repeated_title(text, title)
    if dropped:
        repairs += ("removed_title_from_body",)
    if not text.strip():
        return _reject(
            item,
            "clean",
            "no_text",
            f"no text left after cleaning {len(item.raw)} bytes ({decoded.encoding})",
        )
    published, published_source = meta.published_date, meta.published_date_source
    if published is None and (stated := infer_published(text)) is not None:
        published, published_source = stated[0], "text"  # a dateline or "Опубликовано: …" line
    return CleanArticle(
        title=title,
        text=text,
        published_date=published,
        published_date_source=published_source if published else "unknown",
        url=meta.url,
        source_name=meta.source_name,
        encoding=decoded.encoding,
        repairs=repairs,
        kicker=kicker,
    )


def parse_input(item: RawInput) -> CleanArticle | Rejection:
    """Decode, read header/metadata and clean one input; never raises (bad input -> Rejection)."""
    try:
        return parse_raw(item)
    except Exception as exc:  # noqa: BLE001 - last resort: one bad input must never stop a run
        return _reject(item, "parse", "parser_error", f"{type(exc).__name__}: {str(exc)[:200]}")
