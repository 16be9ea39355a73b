"""HTML -> (title, text, metadata) with the standard library's html.parser (no network, no heavy deps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "object",
    "head",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
    "hr",
    "body",
}
_DATE_META = (
    "article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "og:published_time",
    "sailthru.date",
    "parsely-pub-date",
)
_TITLE_META = ("og:title", "twitter:title")
_URL_META = ("og:url",)


@dataclass
class HtmlParts:
    title: str | None = None
    text: str = ""
    date_value: str | None = None
    url: str | None = None
    source_name: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.in_h1 = False
        self.title_text: list[str] = []
        self.h1_text: list[str] = []
        self.meta: dict[str, str] = {}
        self.time_value: str | None = None
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
        elif tag == "link" and "canonical" in a.get("rel", "").lower():
            self.canonical = a.get("href") or None
        elif tag == "time" and self.time_value is None and a.get("datetime"):
            self.time_value = a["datetime"]
        if tag in _SKIP and tag not in _VOID:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.in_h1 = True
        if tag in _BLOCK:
            self.chunks.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag not in _VOID and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK:
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_text.append(data)
        elif self.in_h1:
            self.h1_text.append(data)
        elif not self.skip_depth:
            self.chunks.append(data.replace("\n", " "))


def _fold(text: str) -> str | None:
    folded = " ".join(text.split())
    return folded or None


def html_to_parts(markup: str) -> HtmlParts:
    """Visible body text (paragraph breaks kept), title (h1, og:title or <title>), date, canonical URL."""
    parser = _Extractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser is lenient; be safe on pathological markup
        pass
    meta = parser.meta
    title = _fold("".join(parser.h1_text)) or next((_fold(meta[k]) for k in _TITLE_META if meta.get(k)), None)
    title = title or _fold("".join(parser.title_text))
    date_value = next((meta[k] for k in _DATE_META if meta.get(k)), None) or parser.time_value
    url = parser.canonical or next((meta[k] for k in _URL_META if meta.get(k)), None)
    return HtmlParts(
        title=title,
        text="".join(parser.chunks),
        date_value=date_value,
        url=url,
        source_name=_fold(meta.get("og:site_name", "")),
        meta=meta,
    )
