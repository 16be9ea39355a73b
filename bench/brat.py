"""A small reader of brat standoff annotation (``NAME.txt`` / ``NAME.ann`` pairs), reusable by the evals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BratSpan:
    id: str
    type: str
    start: int  # for discontinuous spans ("0 5;7 9"): the smallest start ...
    end: int  # ... and the largest end
    text: str


@dataclass(frozen=True)
class BratDoc:
    id: str
    text: str
    spans: tuple[BratSpan, ...] = field(default_factory=tuple)

    def of_type(self, *types: str) -> list[BratSpan]:
        return [s for s in self.spans if s.type in types]


def parse_ann(ann: str) -> list[BratSpan]:
    """Text-bound annotations (``T`` lines) of one .ann file; relations, notes and attributes are skipped."""
    spans: list[BratSpan] = []
    for line in ann.splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        type_, _, offsets = parts[1].partition(" ")
        pairs = [frag.split() for frag in offsets.split(";") if frag.strip()]
        starts = [int(p[0]) for p in pairs]
        ends = [int(p[1]) for p in pairs]
        spans.append(BratSpan(parts[0], type_, min(starts), max(ends), parts[2] if len(parts) > 2 else ""))
    return spans


def read_brat(directory: str | Path) -> Iterator[BratDoc]:
    """Yield the documents of a brat directory in name order (a .txt without an .ann has no spans)."""
    for txt in sorted(Path(directory).glob("*.txt")):
        ann = txt.with_suffix(".ann")
        text = txt.read_text(encoding="utf-8")
        spans = parse_ann(ann.read_text(encoding="utf-8")) if ann.exists() else []
        yield BratDoc(txt.stem, text, tuple(spans))
