"""Prefect flow ``articles-pipeline``: raw articles -> validated Parquet warehouse.

Reads as extract -> transform -> validate -> load. Every task is a thin call into the ``newsfacts`` library;
tasks work on batches of articles (hundreds), never one task per article.
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.states import Cancelled

from newsfacts import pipeline as nf
from newsfacts.parallel import ExtractPool, default_workers, extract, without_raw
from newsfacts.quality import prune_data_docs, write_data_docs
from newsfacts.storage import AnyWarehouse, StagingArea, WarehouseBusy, is_url, open_warehouse

# Called with (percent done, what is happening) as a run progresses; `newsfacts run` draws its progress bar here.
PROGRESS_LISTENERS: list[Callable[[float, str], None]] = []
MAX_TRADE_ARTIFACT_ROWS = 500
# Without NER an article costs ~7 ms of extraction here, and starting a worker (imports, lexicons) seconds of
# CPU: by default a rules-only run uses worker processes only from this many new articles (with NER, or with
# --workers given, from two batches).
RULES_ONLY_POOL_FROM = 1500


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


class _Progress:
    """The run's progress artifact (updated as batches finish) and the in-process listeners."""

    def __init__(self, run_id: str) -> None:
        self.artifact_id = cast(
            UUID,
            create_progress_artifact(
                0.0, key="newsfacts-progress", description=f"newsfacts run {run_id}: starting"
            ),
        )

    def __call__(self, percent: float, what: str) -> None:
        update_progress_artifact(self.artifact_id, round(percent, 1), description=what)
        for listener in PROGRESS_LISTENERS:
            listener(percent, what)


class RunFailed(RuntimeError):
    """The run could not publish (table-level validation failure); the warehouse is unchanged."""


@task(name="read-chunk", cache_policy=NO_CACHE)
def read_chunk(reader: nf.ChunkReader) -> nf.Chunk | None:
    """Read, decode, clean and identify the next chunk of inputs (streamed: one chunk in memory)."""
    return reader.next_chunk()


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(batch: list[nf.Planned], ner: bool, run_id: str, pool_id: str | None = None) -> nf.Frames:
    """Run every extractor over one batch of articles: in a worker process of the run's pool when
    ``pool_id`` is given, else in the process running the task (a Dask worker loads its models once)."""
    return extract(batch, ner, run_id, pool_id)


@task(name="validate-chunk", cache_policy=NO_CACHE)
def validate_chunk(
    frames: nf.Frames, sources: list[dict[str, object]], run_id: str
) -> tuple[nf.Frames, list[dict[str, object]], nf.ValidationOutcome]:
    """Great Expectations suites for every table of a chunk; rejected rows go to quarantine."""
    return nf.validate_frames(frames, sources, nf.shared_validator(), run_id)


@task(name="stage-chunk", cache_policy=NO_CACHE)
def stage_chunk(staged: StagingArea, frames: nf.Frames) -> None:
    """Stream a chunk's validated rows to the run's staging area (invisible until the publish)."""
    nf.stage_frames(staged, frames)


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs(outcome: nf.ValidationOutcome, warehouse: str, run_id: str) -> str | None:
    """Great Expectations Data Docs (HTML) of this run's validations, under <warehouse>/_data_docs/<run_id>/
    (uploaded there when the warehouse is in an object store)."""
    try:
        if not is_url(warehouse):
            folder = Path(warehouse.removeprefix("file://")).resolve() / "_data_docs"
            index = write_data_docs(outcome.tables, folder / run_id, run_id)
            prune_data_docs(folder)  # keep the newest runs' docs only
            return str(index)
        from newsfacts.storage import filesystem_for

        with tempfile.TemporaryDirectory() as tmp:
            write_data_docs(outcome.tables, Path(tmp) / run_id, run_id)
            fs, path = filesystem_for(f"{warehouse.rstrip('/')}/_data_docs/{run_id}")
            fs.put(f"{tmp}/{run_id}/", path, recursive=True)
        return f"{warehouse.rstrip('/')}/_data_docs/{run_id}/index.html"
    except Exception as exc:  # the docs are a report: never fail a run over them
        get_run_logger().warning("could not write Data Docs: %s", exc)
        return None


@task(name="publish", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def publish(
    warehouse: AnyWarehouse,
    staged: StagingArea,
    article_ids: set[str],
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Publish every table atomically: the staged rows, sources and quarantine, in one swap."""
    return nf.publish_staged(warehouse, staged, article_ids, sources, quarantine, run_id)


class _Run:
    """The mutable state of one streamed run, kept by the flow between chunks."""

    def __init__(self) -> None:
        self.counts = nf.RunCounts()
        self.outcome = nf.ValidationOutcome(True, {}, [])
        self.sources: list[dict[str, object]] = []
        self.quarantine: list[dict[str, object]] = []
        self.article_ids: set[str] = set()
        self.seconds: dict[str, float] = {}
        self.n_filtered = 0
        self.n_extracted = 0
        self.n_without_topics = 0  # published articles whose text holds no topic evidence at all
        self.not_in_russian: dict[str, int] = {}  # published articles in other languages (no facts), by language
        self.trade_rows: list[dict[str, object]] = []  # the first MAX_TRADE_ARTIFACT_ROWS, for the artifact

    def add_seconds(self, seconds: dict[str, float]) -> None:
        for k, v in seconds.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v


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
            workers is not given.
            Ignored by the Dask runner, whose workers extract.
        max_input_mb: Inputs larger than this many megabytes are quarantined as oversize.
        lock_wait_seconds: How long to wait for another run writing the same warehouse before giving up
            (the run then ends Cancelled, in the state named WarehouseBusy).
        published_from: Only articles published on or after this date (YYYY-MM-DD); articles without a
            publication date are left out when either bound is set. Left-out inputs are not recorded, so a
            later run without the filter picks them up.
        published_to: Only articles published on or before this date (YYYY-MM-DD).
    """
    log = get_run_logger()
    if batch_size < 1 or chunk_size < 1:
        raise ValueError(f"batch_size and chunk_size must be at least 1 (got {batch_size}, {chunk_size})")
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    run_id = _run_id()
    wh = open_warehouse(warehouse)
    on_dask = _runs_elsewhere()
    n_workers = 1 if on_dask else (workers or default_workers())
    run = _Run()
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(wh.lock(wait_seconds=lock_wait_seconds))
        except WarehouseBusy as exc:  # another run is writing this warehouse: yield to it, visibly
            log.warning("%s", exc)
            # a flow returning a State ends in that state: Cancelled, named WarehouseBusy, not Failed
            return Cancelled(name="WarehouseBusy", message=str(exc))  # type: ignore[return-value]
        progress = _Progress(run_id)
        recovered = wh.recover()
        if recovered:
            log.warning("recovered from an interrupted run: %s", ", ".join(recovered[:20]))
        wh.initialise(run_id)
        wh.write_docs()
        versions = nf.versions_of(nf.shared_extractors(ner, load_ner=False))
        known = nf.known_state(wh)
        expected = nf.estimate_inputs(source)
        reader = nf.ChunkReader(
            source, known, versions, reprocess, int(max_input_mb * 1_000_000), chunk_size, run_id,
            published_from, published_to,
        )  # fmt: skip
        staged = wh.stage(run_id)
        held.callback(staged.discard)  # a failed run leaves nothing staged
        pool: ExtractPool | None = None
        likely = nf.likely_new_inputs(expected, known)
        # an explicit workers count is honoured from two batches; the default is also thrifty without NER
        pool_from = batch_size if ner or workers else max(batch_size, RULES_ONLY_POOL_FROM)

        def pool_for(n_articles: int | None) -> ExtractPool | None:
            """The run's worker pool, started once the run has (or will likely have) enough articles."""
            if pool is None and n_workers > 1 and n_articles is not None and n_articles > pool_from:
                log.info("extracting in %d worker processes", n_workers)
                return held.enter_context(ExtractPool(n_workers, ner))
            return pool

        pool = pool_for(likely)  # started early, the workers load their models while this process reads
        in_flight: deque[tuple[nf.Chunk, list[Any]]] = deque()
        progress(2.0, "reading inputs")
        while (chunk := read_chunk(reader)) is not None:
            _count_chunk(run, chunk)
            articles = chunk.plan.articles
            pool = pool_for(run.n_extracted + len(articles))
            batches = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]
            if pool is not None or on_dask:
                pool_id = pool.id if pool is not None else None
                sent = batches if pool is not None else [without_raw(b) for b in batches]  # Dask pickles
                futures: list[Any] = [extract_batch.submit(b, ner, run_id, pool_id) for b in sent]
            else:
                futures = [extract_batch(b, ner, run_id) for b in batches]  # in this process, in order
            run.n_extracted += len(articles)
            in_flight.append((chunk, futures))
            while len(in_flight) > 1:  # keep the next chunk extracting while this one is validated
                if not _finish_chunk(run, *in_flight.popleft(), staged, run_id, progress, expected):
                    break
            if not run.outcome.success:
                break
        while in_flight and run.outcome.success:
            _finish_chunk(run, *in_flight.popleft(), staged, run_id, progress, expected)
        counts, outcome = run.counts, run.outcome
        docs = data_docs(outcome, warehouse, run_id)
        if not outcome.success:
            message = "validation failed, nothing published: " + "; ".join(outcome.failures)
            nf.append_run(
                wh, nf.run_row(run_id, started, source, counts, False, "failed", message, reprocess)
            )
            _summary_artifact(
                run_id, source, warehouse, counts, outcome, time.perf_counter() - t0, message, docs,
                run.n_filtered, run.n_without_topics, run.not_in_russian,
            )  # fmt: skip
            progress(100.0, "validation failed: nothing published")
            raise RunFailed(message)

        # load
        progress(95.0, f"publishing {len(run.article_ids)} articles")
        w0 = time.thread_time()
        added = publish(wh, staged, run.article_ids, run.sources, run.quarantine, run_id)
        run.add_seconds({"write": time.thread_time() - w0})
        counts.n_new = len(run.article_ids)
        counts.n_quarantined = added.get("quarantine", 0)
        counts.rows_written = {k: v for k, v in added.items() if k != "quarantine" and v}
        nf.append_run(wh, nf.run_row(run_id, started, source, counts, True, "completed", None, reprocess))
        progress(100.0, f"published {counts.n_new} articles")
    elapsed = time.perf_counter() - t0
    _summary_artifact(
        run_id, source, warehouse, counts, outcome, elapsed, None, docs, run.n_filtered, run.n_without_topics,
        run.not_in_russian,
    )  # fmt: skip
    _trade_facts_artifact(run.trade_rows)
    return {
        "run_id": run_id,
        **asdict(counts),
        "validation_success": outcome.success,
        "validation_rejected_rows": len(outcome.quarantine_rows),
        "elapsed_s": round(elapsed, 2),
        "warehouse": warehouse if is_url(warehouse) else str(Path(warehouse).resolve()),
        "n_filtered": run.n_filtered,
        "n_without_topics": run.n_without_topics,
        "n_not_russian": sum(run.not_in_russian.values()),
        "not_russian_by_language": dict(sorted(run.not_in_russian.items())),
        "data_docs": docs,
        "workers": 0 if on_dask else (n_workers if pool is not None else 1),
        "stage_seconds": {k: round(v, 3) for k, v in sorted(run.seconds.items())},
    }


def _runs_elsewhere() -> bool:
    """Whether the flow's task runner runs tasks in other processes (Dask): they extract there, no pool."""
    from prefect.task_runners import ThreadPoolTaskRunner

    ctx = get_run_context()
    runner = getattr(ctx, "task_runner", None)
    return runner is not None and not isinstance(runner, ThreadPoolTaskRunner)


def _count_chunk(run: _Run, chunk: nf.Chunk) -> None:
    counts = run.counts
    counts.n_inputs += chunk.n_inputs
    counts.n_skipped += chunk.skipped
    counts.n_duplicates += chunk.plan.duplicates
    run.n_filtered += chunk.n_filtered
    run.add_seconds(chunk.seconds)
    get_run_logger().info(
        "chunk: %d inputs, %d to extract, %d skipped, %d duplicates, %d rejected",
        chunk.n_inputs,
        len(chunk.plan.articles),
        chunk.skipped,
        chunk.plan.duplicates,
        len(chunk.plan.rejections),
    )


def _finish_chunk(
    run: _Run,
    chunk: nf.Chunk,
    futures: list[Any],
    staged: StagingArea,
    run_id: str,
    progress: _Progress,
    expected: int | None,
) -> bool:
    """Collect a chunk's extraction, validate it and stage its rows; False when validation failed."""
    frames = nf.concat_frames([f.result() if hasattr(f, "result") else f for f in futures])
    run.add_seconds(frames.seconds)
    if not frames.article_ids and not chunk.plan.sources:  # all skipped or rejected: nothing to validate
        run.quarantine += nf.input_quarantine_rows(chunk.plan.rejections, run_id)
        _report_progress(run, progress, expected)
        return True
    v0 = time.thread_time()
    frames, sources, outcome = validate_chunk(frames, chunk.plan.sources, run_id)
    run.add_seconds({"validate": time.thread_time() - v0})
    run.outcome = run.outcome.merge(outcome)
    run.quarantine += nf.input_quarantine_rows(chunk.plan.rejections, run_id) + outcome.quarantine_rows
    if not outcome.success:
        return False
    w0 = time.thread_time()
    stage_chunk(staged, frames)
    run.add_seconds({"write": time.thread_time() - w0})
    run.sources += sources
    run.article_ids |= frames.article_ids
    run.n_without_topics += nf.articles_without_topics(frames)
    for lang, n in nf.articles_not_in_russian(frames).items():
        run.not_in_russian[lang] = run.not_in_russian.get(lang, 0) + n
    _keep_trade_rows(run, frames)
    _report_progress(run, progress, expected)
    return True


def _report_progress(run: _Run, progress: _Progress, expected: int | None) -> None:
    done = run.counts.n_inputs
    pct = 5.0 + 88.0 * min(1.0, done / expected) if expected else min(90.0, 5.0 + done / 100)
    progress(pct, f"{done} inputs read, {len(run.article_ids)} articles extracted and validated")


def _keep_trade_rows(run: _Run, frames: nf.Frames) -> None:
    df = frames.tables.get("trade_facts")
    room = MAX_TRADE_ARTIFACT_ROWS - len(run.trade_rows)
    if df is None or not len(df) or room <= 0:
        return
    cols = ["article_id", "indicator", "reporter_iso2", "partner_iso2", "roles_from", "commodity", "value", "unit"]
    cols += ["per_unit", "value_kind", "direction", "period_start", "period_end", "sentence"]
    run.trade_rows += [{c: _jsonable(r[c]) for c in cols} for r in df[cols].head(room).to_dict("records")]


def _run_id() -> str:
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    return str(flow_run.id) if flow_run is not None else datetime.now(UTC).strftime("run-%Y%m%dT%H%M%S")


def _summary_artifact(
    run_id: str,
    source: str,
    warehouse: str,
    counts: nf.RunCounts,
    outcome: nf.ValidationOutcome,
    elapsed: float,
    failure: str | None,
    docs: str | None = None,
    n_filtered: int = 0,
    n_without_topics: int = 0,
    not_in_russian: dict[str, int] | None = None,
) -> None:
    rows = "\n".join(f"| {t} | {n} |" for t, n in sorted(counts.rows_written.items()))
    checks = sum(v.evaluated for v in outcome.tables.values())
    failed = "\n".join(f"- {f}" for f in outcome.failures) or "- none"
    by_expectation: dict[str, int] = {}
    for row in outcome.quarantine_rows:
        key = f"{row['table_name']}: {row['reason']}"
        by_expectation[key] = by_expectation.get(key, 0) + 1
    rejected = "\n".join(f"| {k} | {n} |" for k, n in sorted(by_expectation.items())) or "| none | 0 |"
    filtered = f", left out by the date filter {n_filtered}" if n_filtered else ""
    md = (
        f"# newsfacts run `{run_id}`\n\n"
        f"**{'FAILED: ' + failure if failure else 'completed'}** in {elapsed:.1f} s\n\n"
        f"- source: `{source}` → warehouse: `{warehouse}`\n"
        f"- inputs: {counts.n_inputs} (new articles {counts.n_new}, skipped {counts.n_skipped}, "
        f"duplicates {counts.n_duplicates}, quarantined {counts.n_quarantined}{filtered})\n"
        f"- articles without any topic evidence (no topic row): {n_without_topics}\n"
        f"- {nf.without_facts_line(not_in_russian or {})}\n"
        f"- validation: {'passed' if outcome.success else 'FAILED'} ({checks} expectations evaluated, "
        f"{len(outcome.quarantine_rows)} rows rejected)\n"
        f"- Great Expectations Data Docs: `{docs or 'not written'}`\n\n"
        f"## Rows written\n\n| table | rows |\n|---|---|\n{rows}\n\n## Table-level failures\n\n{failed}\n\n"
        f"## Rows rejected by expectation\n\n| table: expectation | rows |\n|---|---|\n{rejected}\n"
    )
    create_markdown_artifact(markdown=md, key="newsfacts-run-summary", description="newsfacts run summary")


def _trade_facts_artifact(rows: list[dict[str, object]]) -> None:
    """A table artifact of the trade facts this run wrote (the first MAX_TRADE_ARTIFACT_ROWS)."""
    if not rows:
        return
    create_table_artifact(
        table=rows, key="newsfacts-new-trade-facts", description=f"New trade facts (first {len(rows)})"
    )


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return None if str(value) in ("NaT", "<NA>", "nan") else str(value)
