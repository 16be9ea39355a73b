"""Loading the lexicons under newsfacts/ingest/data/ (one entry a line, '#' comments), once per process."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load_lexicon(name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of ``data/<name>``, stripped."""
    data = files("newsfacts.ingest").joinpath("data", name).read_text(encoding="utf-8")
    lines = (line.strip() for line in data.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))
