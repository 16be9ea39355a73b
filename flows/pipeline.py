"""Prefect flow ``articles-pipeline``: raw articles -> validated Parquet warehouse.

Reads as extract -> transform -> validate -> load. Every task is a thin call into the ``newsfacts`` library;
tasks work on batches of articles (hundreds), never one task per article.
"""

from __future__ import annotations

import contextlib
import math
import time
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
from newsfacts.quality import prune_data_docs, write_data_docs
from newsfacts.warehouse import Warehouse, WarehouseBusy

# Called with (percent done, what is happening) as a run progresses; `newsfacts run` draws its progress bar here.
PROGRESS_LISTENERS: list[Callable[[float, str], None]] = []
MAX_TRADE_ARTIFACT_ROWS = 500


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
            create_progress_artifact(0.0, key="newsfacts-progress", description=f"newsfacts run {run_id}: starting"),
        )

    def __call__(self, percent: float, what: str) -> None:
        update_progress_artifact(self.artifact_id, round(percent, 1), description=what)
        for listener in PROGRESS_LISTENERS:
            listener(percent, what)


class RunFailed(RuntimeError):
    """The run could not publish (table-level validation failure); the warehouse is unchanged."""


@task(name="read-inputs", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def read_inputs(
    source: str, warehouse: Warehouse, versions: str, reprocess: bool, max_bytes: int
) -> tuple[nf.KnownState, nf.InputBatch]:
    """List and read every input under the source; skip those the warehouse holds."""
    known = nf.known_state(warehouse)
    return known, nf.read_inputs(source, known, versions, reprocess, max_bytes)


@task(name="parse-and-identify", cache_policy=NO_CACHE)
def parse_and_identify(batch: nf.InputBatch, known: nf.KnownState, run_id: str) -> nf.Plan:
    """Decode, clean and identify articles; find duplicates."""
    return nf.parse_and_identify(batch.inputs, known, run_id)


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(batch: list[nf.Planned], ner: bool, run_id: str) -> nf.Frames:
    """Run every extractor over one batch of articles."""
    return nf.extract_frames(batch, nf.shared_extractors(ner), run_id)


@task(name="validate", cache_policy=NO_CACHE)
def validate(
    frames: nf.Frames, sources: list[dict[str, object]], run_id: str
) -> tuple[nf.Frames, list[dict[str, object]], nf.ValidationOutcome]:
    """Great Expectations suites for every table; rejected rows go to quarantine."""
    return nf.validate_frames(frames, sources, nf.shared_validator(), run_id)


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs(outcome: nf.ValidationOutcome, warehouse: Warehouse, run_id: str) -> str | None:
    """Great Expectations Data Docs (HTML) of this run's validations, under <warehouse>/_data_docs/<run_id>/."""
    try:
        index = write_data_docs(outcome.tables, warehouse.root.resolve() / "_data_docs" / run_id, run_id)
        prune_data_docs(index.parent.parent)  # keep the newest runs' docs only
        return str(index)
    except Exception as exc:  # the docs are a report: never fail a run over them
        get_run_logger().warning("could not write Data Docs: %s", exc)
        return None


@task(name="publish", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def publish(
    warehouse: Warehouse,
    frames: nf.Frames,
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Publish every table atomically (staged generation, swapped by rename)."""
    return nf.publish(warehouse, frames, sources, quarantine, run_id)


@flow(name="articles-pipeline")
def articles_pipeline(
    source: str = "seeds",
    warehouse: str = "warehouse",
    reprocess: bool = False,
    ner: bool = True,
    batch_size: int = 200,
    max_input_mb: float = 10.0,
    lock_wait_seconds: float = 0.0,
    published_from: date | None = None,
    published_to: date | None = None,
) -> dict[str, Any]:
    """Read raw news articles, extract dates, amounts, trade facts, topics and entities, validate, publish.

    Args:
        source: Folder (or single file) of raw articles: .txt with an optional header block, .json/.jsonl,
            .html, and .zip of any of these. Paths are relative to the working directory of the run.
        warehouse: Folder of the Parquet warehouse to update (created if missing).
        reprocess: Re-extract articles the warehouse already holds (replacing their rows), and retry inputs
            it quarantined, instead of skipping them.
        ner: Extract named entities with natasha's NER (set false for a faster rules-only run).
        batch_size: Articles per extraction task.
        max_input_mb: Inputs larger than this many megabytes are quarantined as oversize.
        lock_wait_seconds: How long to wait for another run writing the same warehouse before giving up
            (the run then ends Cancelled, in the state named WarehouseBusy).
        published_from: Only articles published on or after this date (YYYY-MM-DD); articles without a
            publication date are left out when either bound is set. Left-out inputs are not recorded, so a
            later run without the filter picks them up.
        published_to: Only articles published on or before this date (YYYY-MM-DD).
    """
    log = get_run_logger()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    run_id = _run_id()
    wh = Warehouse(warehouse)
    counts = nf.RunCounts()
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
            log.warning("finished %d interrupted publish(es): %s", len(recovered), ", ".join(recovered))
        wh.initialise(run_id)
        wh.write_docs()
        ex = nf.shared_extractors(ner)
        versions = nf.versions_of(ex)

        # extract
        known, inputs = read_inputs(source, wh, versions, reprocess, int(max_input_mb * 1_000_000))
        plan = parse_and_identify(inputs, known, run_id)
        plan, n_filtered = nf.filter_by_published(plan, published_from, published_to)
        if n_filtered:
            log.info("%d articles published outside %s..%s left out", n_filtered, published_from, published_to)
        counts.n_inputs = len(inputs.inputs) + len(inputs.rejections) + inputs.skipped
        counts.n_skipped, counts.n_duplicates = inputs.skipped, plan.duplicates
        log.info(
            "%d inputs: %d to extract, %d skipped, %d duplicates, %d rejected",
            counts.n_inputs,
            len(plan.articles),
            inputs.skipped,
            plan.duplicates,
            len(inputs.rejections) + len(plan.rejections),
        )

        # transform
        parts = []
        n_batches = math.ceil(len(plan.articles) / batch_size)
        progress(10.0, f"read {counts.n_inputs} inputs; extracting {len(plan.articles)} articles")
        for i in range(n_batches):
            parts.append(extract_batch(plan.articles[i * batch_size : (i + 1) * batch_size], ner, run_id))
            log.info("extracted batch %d/%d", i + 1, n_batches)
            done = min((i + 1) * batch_size, len(plan.articles))
            progress(10.0 + 75.0 * (i + 1) / n_batches, f"extracted {done}/{len(plan.articles)} articles")
        frames = nf.concat_frames(parts)

        # validate
        frames, sources, outcome = validate(frames, plan.sources, run_id)
        docs = data_docs(outcome, wh, run_id)
        progress(92.0, "validated")
        quarantine = nf.input_quarantine_rows([*inputs.rejections, *plan.rejections], run_id)
        quarantine += outcome.quarantine_rows
        if not outcome.success:
            message = "validation failed, nothing published: " + "; ".join(outcome.failures)
            nf.append_run(
                wh, nf.run_row(run_id, started, source, counts, False, "failed", message, reprocess)
            )
            _summary_artifact(
                run_id, source, warehouse, counts, outcome, time.perf_counter() - t0, message, docs, n_filtered
            )
            progress(100.0, "validation failed: nothing published")
            raise RunFailed(message)

        # load
        added = publish(wh, frames, sources, quarantine, run_id)
        counts.n_new = len(frames.article_ids)
        counts.n_quarantined = added.get("quarantine", 0)
        counts.rows_written = {k: v for k, v in added.items() if k != "quarantine" and v}
        nf.append_run(wh, nf.run_row(run_id, started, source, counts, True, "completed", None, reprocess))
        progress(100.0, f"published {counts.n_new} articles")
    elapsed = time.perf_counter() - t0
    _summary_artifact(run_id, source, warehouse, counts, outcome, elapsed, None, docs, n_filtered)
    _trade_facts_artifact(frames)
    return {
        "run_id": run_id,
        **asdict(counts),
        "validation_success": outcome.success,
        "validation_rejected_rows": len(outcome.quarantine_rows),
        "elapsed_s": round(elapsed, 2),
        "warehouse": str(Path(warehouse).resolve()),
        "n_filtered": n_filtered,
        "data_docs": docs,
    }


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
        f"- validation: {'passed' if outcome.success else 'FAILED'} ({checks} expectations evaluated, "
        f"{len(outcome.quarantine_rows)} rows rejected)\n"
        f"- Great Expectations Data Docs: `{docs or 'not written'}`\n\n"
        f"## Rows written\n\n| table | rows |\n|---|---|\n{rows}\n\n## Table-level failures\n\n{failed}\n\n"
        f"## Rows rejected by expectation\n\n| table: expectation | rows |\n|---|---|\n{rejected}\n"
    )
    create_markdown_artifact(markdown=md, key="newsfacts-run-summary", description="newsfacts run summary")


def _trade_facts_artifact(frames: nf.Frames) -> None:
    """A table artifact of the trade facts this run wrote (the first MAX_TRADE_ARTIFACT_ROWS)."""
    df = frames.tables.get("trade_facts")
    if df is None or not len(df):
        return
    cols = ["article_id", "indicator", "reporter_iso2", "partner_iso2", "commodity", "value", "unit"]
    cols += ["direction", "period_start", "period_end", "sentence"]
    rows = [
        {c: _jsonable(r[c]) for c in cols} for r in df[cols].head(MAX_TRADE_ARTIFACT_ROWS).to_dict("records")
    ]
    shown = f"first {len(rows)} of {len(df)}" if len(df) > len(rows) else f"{len(df)}"
    create_table_artifact(table=rows, key="newsfacts-new-trade-facts", description=f"New trade facts ({shown})")


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return None if str(value) in ("NaT", "<NA>", "nan") else str(value)
