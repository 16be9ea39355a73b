"""The state of one run of ``articles-pipeline``: what it was asked (:class:`RunContext`, fixed) and what it has
counted and collected so far (:class:`RunState`, updated chunk by chunk), and the flow's result built from both.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prefect import get_run_logger
from prefect.context import get_run_context

from newsfacts import pipeline as nf
from newsfacts.storage import is_url


@dataclass(frozen=True)
class RunContext:
    """A run's id, start and parameters (see the flow's docstring for each parameter)."""

    run_id: str
    started: datetime
    t0: float  # time.perf_counter() at the start, for the elapsed time
    source: str
    warehouse: str
    reprocess: bool
    ner: bool
    batch_size: int
    chunk_size: int
    workers: int | None
    max_input_mb: float
    lock_wait_seconds: float
    published_from: date | None
    published_to: date | None

    @classmethod
    def start(cls, **params: Any) -> RunContext:
        """The context of the run starting now, with the flow's parameters."""
        if params["batch_size"] < 1 or params["chunk_size"] < 1:
            raise ValueError(
                "batch_size and chunk_size must be at least 1 "
                f"(got {params['batch_size']}, {params['chunk_size']})"
            )
        return cls(run_id=_run_id(), started=datetime.now(UTC), t0=time.perf_counter(), **params)

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def run_row(
        self, counts: nf.RunCounts, success: bool, status: str, message: str | None
    ) -> dict[str, object]:
        """The run's row of the ``runs`` table."""
        return nf.run_row(
            self.run_id, self.started, self.source, counts, success, status, message, self.reprocess
        )


@dataclass
class RunState:
    """The mutable state of one streamed run, kept by the flow between chunks."""

    counts: nf.RunCounts = field(default_factory=nf.RunCounts)
    outcome: nf.ValidationOutcome = field(default_factory=lambda: nf.ValidationOutcome(True, {}, []))
    sources: list[dict[str, object]] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    article_ids: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds by stage
    n_filtered: int = 0
    n_extracted: int = 0
    n_without_topics: int = 0  # published articles whose text holds no topic evidence at all
    not_in_russian: dict[str, int] = field(default_factory=dict)  # published articles in other languages
    trade_rows: list[dict[str, object]] = field(default_factory=list)  # the first ones, for the artifact

    def add_seconds(self, seconds: dict[str, float]) -> None:
        for k, v in seconds.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v

    def count_chunk(self, chunk: nf.Chunk) -> None:
        """Count a chunk's inputs as it is read (and log them)."""
        self.counts.n_inputs += chunk.n_inputs
        self.counts.n_skipped += chunk.skipped
        self.counts.n_duplicates += chunk.plan.duplicates
        self.n_filtered += chunk.n_filtered
        self.add_seconds(chunk.seconds)
        get_run_logger().info(
            "chunk: %d inputs, %d to extract, %d skipped, %d duplicates, %d rejected",
            chunk.n_inputs,
            len(chunk.plan.articles),
            chunk.skipped,
            chunk.plan.duplicates,
            len(chunk.plan.rejections),
        )

    def add_staged(self, frames: nf.Frames, sources: list[dict[str, object]]) -> None:
        """Keep what a chunk staged: its sources, its articles and what the summary counts of them."""
        self.sources += sources
        self.article_ids |= frames.article_ids
        self.n_without_topics += nf.articles_without_topics(frames)
        for lang, n in nf.articles_not_in_russian(frames).items():
            self.not_in_russian[lang] = self.not_in_russian.get(lang, 0) + n

    def add_published(self, added: dict[str, int]) -> None:
        """Count what the publish added (rows per table)."""
        self.counts.n_new = len(self.article_ids)
        self.counts.n_quarantined = added.get("quarantine", 0)
        self.counts.rows_written = {k: v for k, v in added.items() if k != "quarantine" and v}

    def result(self, ctx: RunContext, elapsed: float, docs: str | None, workers: int) -> dict[str, Any]:
        """The flow's return value (``newsfacts run --json`` prints it)."""
        return {
            "run_id": ctx.run_id,
            **asdict(self.counts),
            "validation_success": self.outcome.success,
            "validation_rejected_rows": len(self.outcome.quarantine_rows),
            "elapsed_s": round(elapsed, 2),
            "warehouse": ctx.warehouse if is_url(ctx.warehouse) else str(Path(ctx.warehouse).resolve()),
            "n_filtered": self.n_filtered,
            "n_without_topics": self.n_without_topics,
            "n_not_russian": sum(self.not_in_russian.values()),
            "not_russian_by_language": dict(sorted(self.not_in_russian.items())),
            "data_docs": docs,
            "workers": workers,
            "stage_seconds": {k: round(v, 3) for k, v in sorted(self.seconds.items())},
        }


def _run_id() -> str:
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    return str(flow_run.id) if flow_run is not None else datetime.now(UTC).strftime("run-%Y%m%dT%H%M%S")
