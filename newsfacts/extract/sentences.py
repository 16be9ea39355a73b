"""Sentence boundaries, so that every fact carries the sentence it came from."""

from __future__ import annotations

from bisect import bisect_right

from razdel import sentenize


class Sentences:
    """The sentences of one text, looked up by character offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = [(s.start, s.stop) for s in sentenize(text)]
        self._starts = [s for s, _ in self.spans]

    def covering(self, start: int, end: int) -> str:
        """The sentence(s) covering ``text[start:end]`` (several if the span crosses a boundary)."""
        if not self.spans:
            return self.text[start:end]
        first = max(bisect_right(self._starts, start) - 1, 0)
        last = max(bisect_right(self._starts, max(end - 1, start)) - 1, first)
        return self.text[self.spans[first][0] : self.spans[last][1]]
