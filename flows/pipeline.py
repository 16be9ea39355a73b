"""Prefect flow ``articles-pipeline``: raw articles -> validated Parquet warehouse.

The flow reads as a table of contents: lock -> prepare -> for each chunk: extract, validate, stage -> publish
-> report. Its steps are below it; the tasks (thin calls into the ``newsfacts`` library) are in
:mod:`flows.tasks`, the run's state in :mod:`flows.run_state`, its artifacts in :mod:`flows.artifacts`, and
how it extracts (processes, threads, Dask) is decided by :class:`newsfacts.parallel.WorkerPolicy`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from prefect import flow, get_run_logger
from prefect.states import Cancelled, State

from flows.artifacts import (
    MAX_TRADE_ARTIFACT_ROWS,
    PROGRESS_LISTENERS,
    Progress,
    summary_artifact,
    trade_facts_artifact,
    trade_rows,
)
from flows.run_state import RunContext, RunState
from flows.tasks import (
    Extraction,
    collect,
    data_docs,
    publish,
    read_chunk,
    runs_elsewhere,
    stage_chunk,
    validate_chunk,
)
from newsfacts import pipeline as nf
from newsfacts.parallel import RULES_ONLY_POOL_FROM, WorkerPolicy
from newsfacts.storage import AnyWarehouse, StagingArea, WarehouseBusy, open_warehouse
from newsfacts.storage.integrity import Integrity

__all__ = [
    "PROGRESS_LISTENERS",
    "RULES_ONLY_POOL_FROM",
    "RunFailed",
    "articles_pipeline",
    "start_api_server",
]


class RunFailed(RuntimeError):
    """The run could not publish (table-level validation failure); the warehouse is unchanged."""


@flow(name="articles-pipeline")
def articles_pipeline(
    source: str = "seeds",
    warehouse: str = "warehouse",
    reprocess: bool = False,
    ner: bool = True,
    batch_size: int = 100,
    chunk_size: int = 500,
    workers: int | None = None,
    max_input_mb: float = 10.0,
    lock_wait_seconds: float = 0.0,
    published_from: date | None = None,
    published_to: date | None = None,
    repair: bool = False,
) -> dict[str, Any]:
    """Read raw news articles, extract dates, amounts, trade facts, topics and entities, validate, publish.

    The source is streamed chunk by chunk (read, extract, validate, stage), so memory stays flat whatever its
    size; nothing is visible in the warehouse until the single atomic publish at the end.

    Args:
        source: Folder (or single file) of raw articles: .txt with an optional header block, .json/.jsonl,
            .html, and .zip of any of these. Paths are relative to the working directory of the run.
        warehouse: Folder of the Parquet warehouse to update (created if missing).
        reprocess: Re-extract articles the warehouse already holds (replacing their rows), and retry inputs
            it quarantined, instead of skipping them.
        ner: Extract named entities with natasha's NER (set false for a faster rules-only run).
        batch_size: Articles per extraction task (the unit handed to a worker process or Dask worker).
        chunk_size: Inputs read, validated and staged together; bounds the run's memory.
        workers: Worker processes for extraction with the default (local) task runner; default: the number
            of cores. 1 extracts in the flow's own process. Runs of fewer than two batches extract in the
            flow's process, and so do rules-only runs of fewer than RULES_ONLY_POOL_FROM new articles when
            workers is not given (see newsfacts.parallel.WorkerPolicy).
            Ignored by the Dask runner, whose workers extract.
        max_input_mb: Inputs larger than this many megabytes are quarantined as oversize.
        lock_wait_seconds: How long to wait for another run writing the same warehouse before giving up
            (the run then ends Cancelled, in the state named WarehouseBusy).
        published_from: Only articles published on or after this date (YYYY-MM-DD); articles without a
            publication date are left out when either bound is set. Left-out inputs are not recorded, so a
            later run without the filter picks them up.
        published_to: Only articles published on or before this date (YYYY-MM-DD).
        repair: Rebuild a damaged warehouse (``newsfacts repair``): lost articles whose inputs the source
            holds are re-extracted, the rows of the others are dropped (and listed) instead of refusing.
    """
    ctx = RunContext.start(
        source=source, warehouse=warehouse, reprocess=reprocess, ner=ner, batch_size=batch_size,
        chunk_size=chunk_size, workers=workers, max_input_mb=max_input_mb, lock_wait_seconds=lock_wait_seconds,
        published_from=published_from, published_to=published_to,
    )  # fmt: skip
    run = RunState()
    with contextlib.ExitStack() as held:
        # lock: one run writes a warehouse at a time
        wh = open_warehouse(warehouse)
        if (busy := take_lock(wh, ctx, held)) is not None:
            return busy  # type: ignore[return-value]  # a flow returning a State ends in that state
        # prepare: recover, initialise, plan the reading and the extraction
        p = prepare(wh, ctx, held, repair)
        # for each chunk: extract (the next chunk extracts while this one is validated), validate, stage
        extracting: Extracting | None = None
        while (chunk := read_chunk(p.reader)) is not None:
            previous, extracting = extracting, start_extracting(chunk, run, p)
            if previous is not None and not validate_and_stage(previous, run, p, ctx):
                break
        if extracting is not None and run.outcome.success:
            validate_and_stage(extracting, run, p, ctx)
        docs = data_docs(run.outcome, warehouse, ctx.run_id)
        if not run.outcome.success:
            fail(run, p, ctx, docs)
        # publish: every table in one atomic swap, then the run's row
        publish_run(run, p, ctx)
    # report
    elapsed = ctx.elapsed()
    summary_artifact(ctx, run, elapsed, None, docs)
    trade_facts_artifact(run.trade_rows)
    return {**run.result(ctx, elapsed, docs, p.extraction.workers), "integrity": p.note}


# ---------------------------------------------------------------------------------------------- steps
@dataclass
class Prepared:
    """What a run reads from, stages into and extracts with, and how it reports its progress."""

    warehouse: AnyWarehouse
    reader: nf.ChunkReader
    staged: StagingArea
    extraction: Extraction
    progress: Progress
    expected: int | None  # the estimated number of the source's inputs (None: unknown)
    known: nf.KnownState  # what the warehouse holds; its stories take the run's articles chunk by chunk
    integrity: (
        Integrity  # what the warehouse's verification found damaged (its lost articles are re-extracted)
    )
    repair: bool  # drop what cannot be rebuilt instead of refusing to publish
    note: str | None = None  # what the run did about damage (the runs row's message and the summary)


@dataclass
class Extracting:
    """A chunk whose batches are extracting (futures), or extracted (frames) in the flow's process."""

    chunk: nf.Chunk
    futures: list[Any]


def take_lock(wh: AnyWarehouse, ctx: RunContext, held: contextlib.ExitStack) -> State[Any] | None:
    """Take the warehouse's lock for the run (released with ``held``); when another run holds it, the state to
    end in: Cancelled, named WarehouseBusy (not Failed)."""
    try:
        held.enter_context(wh.lock(wait_seconds=ctx.lock_wait_seconds))
    except WarehouseBusy as exc:  # another run is writing this warehouse: yield to it, visibly
        get_run_logger().warning("%s", exc)
        return Cancelled(name="WarehouseBusy", message=str(exc))
    return None


def prepare(wh: AnyWarehouse, ctx: RunContext, held: contextlib.ExitStack, repair: bool) -> Prepared:
    """Recover from an interrupted run, verify the warehouse (damaged tables are read healed; their lost
    articles are to re-extract), initialise it, open the reader, the staging area (discarded unless published)
    and the extraction (its pool started early when the source will likely need one: the workers load their
    models while this process reads)."""
    progress = Progress(ctx.run_id)
    recovered = wh.recover()
    if recovered:
        get_run_logger().warning("recovered from an interrupted run: %s", ", ".join(recovered[:20]))
    integrity = wh.verify(full=repair)
    if not integrity.ok:
        get_run_logger().warning("the warehouse is damaged: %s", integrity.report())
    wh.initialise(ctx.run_id)
    wh.write_docs()
    versions = nf.versions_of(nf.shared_extractors(ctx.ner, load_ner=False))
    known = nf.forget_articles(nf.known_state(wh), integrity.lost_articles)
    expected = nf.estimate_inputs(ctx.source)
    reader = nf.ChunkReader(
        ctx.source, known, versions, ctx.reprocess, int(ctx.max_input_mb * 1_000_000), ctx.chunk_size,
        ctx.run_id, ctx.published_from, ctx.published_to,
    )  # fmt: skip
    staged = wh.stage(ctx.run_id)
    held.callback(staged.discard)  # a failed run leaves nothing staged
    policy = WorkerPolicy.for_run(ctx.workers, ctx.ner, ctx.batch_size, elsewhere=runs_elsewhere())
    extraction = Extraction(policy, ctx.ner, ctx.batch_size, ctx.run_id, held)
    extraction.start_pool_for(nf.likely_new_inputs(expected, known))
    progress(2.0, "reading inputs")
    return Prepared(wh, reader, staged, extraction, progress, expected, known, integrity, repair)


def start_extracting(chunk: nf.Chunk, run: RunState, p: Prepared) -> Extracting:
    """Count a chunk's inputs and start extracting its articles."""
    run.count_chunk(chunk)
    futures = p.extraction.submit(chunk.plan.articles, run.n_extracted)
    run.n_extracted += len(chunk.plan.articles)
    return Extracting(chunk, futures)


def validate_and_stage(extracting: Extracting, run: RunState, p: Prepared, ctx: RunContext) -> bool:
    """Collect a chunk's extraction, validate it and stage its rows; False when validation failed."""
    plan = extracting.chunk.plan
    frames = collect(extracting.futures)
    run.add_seconds(frames.seconds)
    rejected = nf.input_quarantine_rows(plan.rejections, ctx.run_id)
    if not frames.article_ids and not plan.sources:  # all skipped or rejected: nothing to validate
        run.quarantine += rejected
        p.progress.chunk_done(run, p.expected)
        return True
    v0 = time.thread_time()
    frames, sources, outcome = validate_chunk(frames, plan.sources, ctx.run_id)
    run.add_seconds({"validate": time.thread_time() - v0})
    run.outcome = run.outcome.merge(outcome)
    run.quarantine += rejected + outcome.quarantine_rows
    if not outcome.success:
        return False
    if frames.article_ids:  # validated articles join their stories: a rejected one is never a story to join
        s0 = time.thread_time()
        frames = nf.with_stories(frames, p.known.stories)  # (the index is built on first use)
        run.add_seconds({"stories": time.thread_time() - s0})
    w0 = time.thread_time()
    stage_chunk(p.staged, frames)
    run.add_seconds({"write": time.thread_time() - w0})
    run.add_staged(frames, sources)
    run.trade_rows += trade_rows(frames, MAX_TRADE_ARTIFACT_ROWS - len(run.trade_rows))
    p.progress.chunk_done(run, p.expected)
    return True


def fail(run: RunState, p: Prepared, ctx: RunContext, docs: str | None) -> NoReturn:
    """Record the failed run (nothing published), report it and raise :class:`RunFailed`."""
    message = "validation failed, nothing published: " + "; ".join(run.outcome.failures)
    nf.append_run(p.warehouse, ctx.run_row(run.counts, False, "failed", message))
    summary_artifact(ctx, run, ctx.elapsed(), message, docs)
    p.progress(100.0, "validation failed: nothing published")
    raise RunFailed(message)


def refuse_damaged(run: RunState, p: Prepared, ctx: RunContext, message: str) -> NoReturn:
    """Refuse to publish over rows the warehouse lost and this run cannot rebuild: record the failed run (unless
    the runs table is itself damaged), report it and raise :class:`RunFailed` naming the repair command."""
    if "runs" not in p.integrity.tables():
        nf.append_run(p.warehouse, ctx.run_row(run.counts, False, "failed", message))
    summary_artifact(ctx, run, ctx.elapsed(), message, None)
    p.progress(100.0, "warehouse damaged: nothing published")
    raise RunFailed(message)


def publish_run(run: RunState, p: Prepared, ctx: RunContext) -> None:
    """Publish the staged rows, sources and quarantine in one atomic swap, then append the run's row (whose
    message says what the run healed). A run over a damaged warehouse that cannot rebuild its lost rows
    publishes nothing (unless it is a repair, which drops them)."""
    healing = nf.Healing.of(p.integrity, run.article_ids)
    if not healing.complete and not p.repair:
        refuse_damaged(run, p, ctx, healing.refusal(ctx.warehouse, ctx.source))
    p.note = healing.note(ctx.source, p.repair)
    if p.note:
        get_run_logger().warning("%s", p.note)
    p.progress(95.0, f"publishing {len(run.article_ids)} articles")
    w0 = time.thread_time()
    drop = healing.unrecovered if p.repair else set()
    added = publish(p.warehouse, p.staged, run.article_ids, run.sources, run.quarantine, ctx.run_id, drop)
    run.add_seconds({"write": time.thread_time() - w0})
    run.add_published(added)
    nf.append_run(p.warehouse, ctx.run_row(run.counts, True, "completed", p.note))
    p.progress(100.0, f"published {run.counts.n_new} articles")


def start_api_server(while_starting: Callable[[], object]) -> None:
    """Start Prefect's embedded API server now (unless PREFECT_API_URL names a server), calling
    ``while_starting`` just before; flows then reuse this server (Prefect keeps one per process)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        while_starting()
        return
    from prefect.server.api.server import SubprocessASGIServer  # the singleton Prefect's client uses

    server = SubprocessASGIServer()
    while_starting()
    server.start()
