"""Reading: the inputs under a source, streamed in batches, skipping what the warehouse already holds."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

from newsfacts.ingest import RawInput, Rejection, iter_inputs
from newsfacts.ingest.sources import ZIP_ERRORS
from newsfacts.pipeline.stories import story_index
from newsfacts.storage import AnyWarehouse
from newsfacts.stories import StoryIndex


@dataclass
class InputBatch:
    inputs: list[RawInput] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: int = 0


@dataclass
class KnownState:
    """What the warehouse already holds, for skipping and for stable ids."""

    article_of_source: dict[str, str]  # source_sha256 -> article_id
    article_of_text: dict[str, str]  # text_sha256 -> article_id
    versions_of_article: dict[str, str]  # article_id -> extractor_versions
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (source_uri, raw_sha256) quarantined inputs
    warehouse: AnyWarehouse | None = field(default=None, repr=False, compare=False)

    @cached_property
    def stories(self) -> StoryIndex:
        """The stored articles' stories (issue 17), read and indexed on first use: a run with nothing new to
        extract never builds it."""
        return StoryIndex() if self.warehouse is None else story_index(self.warehouse)


INPUT_STAGES = ("read", "decode", "parse", "clean")


def known_state(warehouse: AnyWarehouse) -> KnownState:
    arts = warehouse.read("articles", ["article_id", "text_sha256", "extractor_versions"]).to_pydict()
    srcs = warehouse.read("sources", ["article_id", "source_sha256"]).to_pydict()
    quar = warehouse.read("quarantine", ["source_uri", "raw_sha256", "stage"]).to_pydict()
    return KnownState(
        article_of_source=dict(zip(srcs["source_sha256"], srcs["article_id"], strict=True)),
        article_of_text=dict(zip(arts["text_sha256"], arts["article_id"], strict=True)),
        versions_of_article=dict(zip(arts["article_id"], arts["extractor_versions"], strict=True)),
        rejected={
            (str(u), str(h))
            for u, h, st in zip(quar["source_uri"], quar["raw_sha256"], quar["stage"], strict=True)
            if h is not None and st in INPUT_STAGES
        },
        warehouse=warehouse,
    )


def versions_cover(recorded: str | None, current: str) -> bool:
    """Whether an article extracted with the ``recorded`` versions string is up to date for ``current``: every
    current extractor has the recorded version. An extractor the run does not use (entities under --no-ner)
    does not count, so a run without NER skips what a run with NER extracted instead of wiping its entities."""
    if recorded is None:
        return False
    rec = dict(part.split("=", 1) for part in recorded.split(",") if "=" in part)
    cur = [part.split("=", 1) for part in current.split(",") if "=" in part]
    return all(rec.get(k) == v for k, v in cur)


def iter_input_batches(
    source: str | Path, known: KnownState, versions: str, reprocess: bool, max_bytes: int, size: int
) -> Iterator[InputBatch]:
    """The inputs under ``source`` in batches of at most ``size`` (inputs plus rejections), streamed: only one
    batch is in memory. Inputs the warehouse holds with current extractors, and those it already quarantined
    (same path and bytes), are only counted, unless ``reprocess``. The last batch may be empty."""
    out = InputBatch()
    for item in iter_inputs(source, max_bytes=max_bytes):
        if isinstance(item, Rejection):
            out.rejections.append(item)
        elif not reprocess and _already_done(item, known, versions):
            out.skipped += 1
        else:
            out.inputs.append(item)
        if len(out.inputs) + len(out.rejections) >= size:
            yield out
            out = InputBatch()
    yield out


def _already_done(item: RawInput, known: KnownState, versions: str) -> bool:
    """The warehouse quarantined this input (same path and bytes) or holds it with current extractors."""
    if (item.source_uri, item.raw_sha256) in known.rejected:
        return True
    aid = known.article_of_source.get(item.raw_sha256)
    return aid is not None and versions_cover(known.versions_of_article.get(aid), versions)


def read_inputs(
    source: str | Path, known: KnownState, versions: str, reprocess: bool, max_bytes: int
) -> InputBatch:
    """Every input under ``source`` at once (see :func:`iter_input_batches` for the rules); small sources."""
    out = InputBatch()
    for batch in iter_input_batches(source, known, versions, reprocess, max_bytes, size=1 << 62):
        out.inputs += batch.inputs
        out.rejections += batch.rejections
        out.skipped += batch.skipped
    return out


def likely_new_inputs(expected: int | None, known: KnownState) -> int | None:
    """How many inputs a run will probably extract: the estimate of the source's inputs less what the
    warehouse holds or quarantined (None when the source cannot be estimated)."""
    if expected is None:
        return None
    return max(0, expected - len(known.article_of_source) - len(known.rejected))


def estimate_inputs(source: str | Path) -> int | None:
    """A quick estimate of the number of inputs under a local ``source`` (files, JSON lines, zip members),
    for progress reporting; None for a URL or when it cannot tell. Reads bytes, but decodes nothing."""
    path = Path(source)
    if "://" in str(source) or not path.exists():
        return None
    if path.is_file():
        files = [path]
    else:
        files = [
            p
            for p in sorted(path.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
    try:
        total = 0
        for f in files:
            with f.open("rb") as fh:
                total += _estimate_stream(f.name, fh)
        return total
    except (OSError, *ZIP_ERRORS):
        return None


def _estimate_stream(name: str, fh: IO[bytes]) -> int:
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".jsonlines"):
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) + 1
    if suffix == ".zip":
        n = 0
        with zipfile.ZipFile(fh) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                try:
                    with zf.open(info) as member:
                        n += _estimate_stream(info.filename, member)
                except ZIP_ERRORS:
                    n += 1  # a corrupt member: it is one quarantine row
        return n
    return 1
