"""The ingest lexicons under newsfacts/ingest/data/ (one entry a line, '#' comments), read by the one data loader."""

from __future__ import annotations

from newsfacts.extract.data import load_lines


def load_lexicon(name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of ``newsfacts/ingest/data/<name>``, stripped."""
    return load_lines(name, "newsfacts.ingest.data")
