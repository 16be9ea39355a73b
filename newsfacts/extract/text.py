"""The one sentence splitter: every extractor pairs words within these sentences, and every fact's evidence
``sentence`` is cut from them, so the window a fact was read in is the sentence it shows.

``sentences(text)`` is cached for the last few texts, so the extractors that run over one article share one split.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from razdel import sentenize


class Sentences:
    """The sentences of one text, looked up by character offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = [(s.start, s.stop) for s in sentenize(text)]
        self.starts = [s for s, _ in self.spans]

    def index_of(self, pos: int) -> int:
        """The index of the sentence holding character ``pos`` (the nearest one before it between sentences)."""
        return max(bisect_right(self.starts, pos) - 1, 0)

    def bounds_of(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``; the whole text if it has no sentences."""
        if not self.spans:
            return 0, len(self.text)
        return self.spans[self.index_of(pos)]

    def covering(self, start: int, end: int) -> str:
        """The sentence(s) covering ``text[start:end]`` (several if the span crosses a boundary)."""
        if not self.spans:
            return self.text[start:end]
        first = self.index_of(start)
        last = max(self.index_of(max(end - 1, start)), first)
        return self.text[self.spans[first][0] : self.spans[last][1]]


@lru_cache(maxsize=8)
def sentences(text: str) -> Sentences:
    """The sentences of ``text``, split once and shared by every extractor that reads the same article."""
    return Sentences(text)
