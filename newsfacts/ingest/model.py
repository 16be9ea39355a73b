"""Value objects of the ingest stage: a raw input, a rejection, a cleaned article."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class RawInput:
    """One input as read from the source: a file, a JSON line or one object of a JSON array."""

    source_uri: str  # posix path relative to the source root, plus "#L<n>" (JSON line) or "#<i>" (array item)
    raw: bytes  # the file's bytes, or the JSON line's bytes
    raw_sha256: str  # hex sha256 of raw
    kind: str  # "txt" | "json" | "html"


@dataclass(frozen=True)
class Rejection:
    """An input that cannot become an article, with a machine-readable reason and a human detail."""

    source_uri: str
    stage: str  # "read" | "decode" | "parse" | "clean"
    reason: (
        str  # empty, binary, oversize, undecodable, malformed_json, path_escape, unsupported_type, no_text...
    )
    detail: str  # a human sentence: what was wrong and where
    raw_sha256: str | None


@dataclass(frozen=True)
class CleanArticle:
    """A decoded, cleaned article with the metadata its header or JSON fields gave."""

    title: str | None
    text: str  # the cleaned body
    published_date: datetime.date | None
    published_date_source: str  # "header" | "metadata" | "unknown" (never today, never file mtime)
    url: str | None
    source_name: str | None
    encoding: str  # "utf-8", "utf-8-sig", "cp1251", ...
    repairs: tuple[str, ...]  # what decoding and cleaning did
    kicker: str | None = None  # a second headline line lifted out of the body (rubric / kicker)


class DecodeError(ValueError):
    """Raised by ``decode_bytes`` when bytes are empty, binary or not decodable as text."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
