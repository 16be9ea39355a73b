"""Planning: parse each input, decide its article (new, re-extracted, duplicate), filter by date, in chunks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from newsfacts.ingest import CleanArticle, RawInput, Rejection, parse_input, text_sha256
from newsfacts.pipeline.reading import KnownState, iter_input_batches
from newsfacts.pipeline.shared import article_id_for, now_utc


@dataclass
class Planned:
    article_id: str
    source: RawInput
    article: CleanArticle


@dataclass
class Plan:
    articles: list[Planned] = field(default_factory=list)
    sources: list[dict[str, object]] = field(default_factory=list)  # rows of the sources table
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: int = 0


class Identifier:
    """Decides each parsed input's article across all the batches of a run: new, re-extracted, or a duplicate
    of another article's text (in the warehouse or earlier in the run). Keeps only ids and hashes."""

    def __init__(self, known: KnownState, run_id: str) -> None:
        self.known, self.run_id = known, run_id
        self.by_text = dict(known.article_of_text)
        self.scheduled: set[str] = set()

    def plan(self, inputs: Sequence[RawInput]) -> Plan:
        """Parse each input (in source order) and plan its article."""
        plan = Plan()
        known = self.known
        at = now_utc()
        for item in inputs:  # in source order (sorted paths, then line order): the first seen is primary
            parsed = parse_input(item)
            if isinstance(parsed, Rejection):
                plan.rejections.append(parsed)
                continue
            tsha = text_sha256(parsed.text)
            seen_aid = known.article_of_source.get(item.raw_sha256)  # this very input was ingested before
            aid = seen_aid or self.by_text.get(tsha) or article_id_for(item.raw_sha256)
            plan.sources.append(
                {
                    "article_id": aid,
                    "source_uri": item.source_uri,
                    "source_sha256": item.raw_sha256,
                    "is_primary": aid == article_id_for(item.raw_sha256),
                    "run_id": self.run_id,
                    "ingested_at": at,
                }
            )
            if aid in self.scheduled or (seen_aid is None and aid in known.versions_of_article):
                plan.duplicates += 1  # the same text as an article extracted earlier or in this run
                continue
            self.by_text[tsha] = aid
            self.scheduled.add(aid)
            plan.articles.append(Planned(aid, item, parsed))
        return plan


def forget_articles(known: KnownState, article_ids: set[str]) -> KnownState:
    """``known`` without the extractions of ``article_ids`` (articles whose rows the warehouse lost): the planner
    then treats their inputs as new and re-extracts them, with the same ids."""
    if not article_ids:
        return known
    versions = {a: v for a, v in known.versions_of_article.items() if a not in article_ids}
    return replace(known, versions_of_article=versions)


def parse_and_identify(inputs: Sequence[RawInput], known: KnownState, run_id: str) -> Plan:
    """Parse each input and decide its article: new, re-extracted, or a duplicate of another article's text."""
    return Identifier(known, run_id).plan(inputs)


@dataclass
class Chunk:
    """One chunk of a streamed run: the plan of its articles and what its inputs counted."""

    plan: Plan
    n_inputs: int = 0
    skipped: int = 0
    n_filtered: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds of "read" and "parse"


class ChunkReader:
    """Streams a source chunk by chunk: reads inputs, skips what the warehouse holds, parses, identifies and
    filters by publication date. Memory holds one chunk of inputs, plus ids and hashes of the run's articles.

    Args:
        source: Folder, file or fsspec URL of raw inputs.
        known: What the warehouse holds (:func:`known_state`).
        versions: The run's versions string (:func:`versions_of`).
        reprocess: Re-read inputs the warehouse holds or quarantined.
        max_bytes: Inputs larger than this are quarantined as oversize.
        chunk_size: Inputs (to extract, plus rejections) per chunk.
        run_id: The run's id, recorded on rows.
        published_from: Keep only articles published on or after this date.
        published_to: Keep only articles published on or before this date.
    """

    def __init__(
        self,
        source: str | Path,
        known: KnownState,
        versions: str,
        reprocess: bool,
        max_bytes: int,
        chunk_size: int,
        run_id: str,
        published_from: date | None = None,
        published_to: date | None = None,
    ) -> None:
        self._batches = iter_input_batches(source, known, versions, reprocess, max_bytes, chunk_size)
        self._identifier = Identifier(known, run_id)
        self._window = (published_from, published_to)
        self.done = False

    def next_chunk(self) -> Chunk | None:
        """The next chunk, or None when the source is exhausted."""
        if self.done:
            return None
        t0 = time.thread_time()
        batch = next(self._batches, None)
        t1 = time.thread_time()
        if batch is None:
            self.done = True
            return None
        plan = self._identifier.plan(batch.inputs)
        plan.rejections = [*batch.rejections, *plan.rejections]
        plan, n_filtered = filter_by_published(plan, *self._window)
        seconds = {"read": t1 - t0, "parse": time.thread_time() - t1}
        n_inputs = len(batch.inputs) + len(batch.rejections) + batch.skipped
        return Chunk(plan, n_inputs, batch.skipped, n_filtered, seconds)


def filter_by_published(
    plan: Plan, published_from: date | None = None, published_to: date | None = None
) -> tuple[Plan, int]:
    """Keep the articles published within [published_from, published_to] (inclusive; either bound optional).

    An article without a publication date is outside any range (unknown stays unknown). Filtered inputs are
    neither written nor quarantined: a later run without the filter picks them up. Returns the filtered plan
    and the number of articles left out.

    Args:
        plan: The plan from :func:`parse_and_identify`.
        published_from: First publication date to keep, or None for no lower bound.
        published_to: Last publication date to keep, or None for no upper bound.
    """
    if published_from is None and published_to is None:
        return plan, 0

    def inside(d: date | None) -> bool:
        if d is None:
            return False
        return (published_from is None or d >= published_from) and (published_to is None or d <= published_to)

    kept = [p for p in plan.articles if inside(p.article.published_date)]
    dropped = {p.article_id for p in plan.articles} - {p.article_id for p in kept}
    sources = [s for s in plan.sources if s["article_id"] not in dropped]
    out = Plan(kept, sources, plan.rejections, plan.duplicates)
    return out, len(dropped)
