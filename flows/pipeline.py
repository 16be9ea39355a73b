"""Prefect flow ``articles-pipeline``: raw articles -> validated Parquet warehouse.

Reads as extract -> transform -> validate -> load. Every task is a thin call into the ``newsfacts`` library;
tasks work on batches of articles (hundreds), never one task per article.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from newsfacts import pipeline as nf
from newsfacts.warehouse import Warehouse


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
) -> dict[str, Any]:
    """Read raw news articles, extract dates, amounts, trade facts, topics and entities, validate, publish.

    Args:
        source: Folder (or single file) of raw articles: .txt with an optional header block, .json/.jsonl,
            .html. Paths are relative to the working directory of the run.
        warehouse: Folder of the Parquet warehouse to update (created if missing).
        reprocess: Re-extract articles the warehouse already holds (replacing their rows) instead of
            skipping them.
        ner: Extract named entities with natasha's NER (set false for a faster rules-only run).
        batch_size: Articles per extraction task.
        max_input_mb: Inputs larger than this many megabytes are quarantined as oversize.
        lock_wait_seconds: How long to wait for another run writing the same warehouse before giving up.
    """
    log = get_run_logger()
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    run_id = _run_id()
    wh = Warehouse(warehouse)
    counts = nf.RunCounts()
    with wh.lock(wait_seconds=lock_wait_seconds):
        recovered = wh.recover()
        if recovered:
            log.warning("finished %d interrupted publish(es): %s", len(recovered), ", ".join(recovered))
        wh.initialise(run_id)
        wh.write_docs()
        ex = nf.shared_extractors(ner)
        versions = ex.version_string() + f",ingest={nf.INGEST_VERSION}"

        # extract
        known, inputs = read_inputs(source, wh, versions, reprocess, int(max_input_mb * 1_000_000))
        plan = parse_and_identify(inputs, known, run_id)
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
        n_batches = -(-len(plan.articles) // batch_size)
        for i in range(n_batches):
            parts.append(extract_batch(plan.articles[i * batch_size : (i + 1) * batch_size], ner, run_id))
            log.info("extracted batch %d/%d", i + 1, n_batches)
        frames = nf.concat_frames(parts)

        # validate
        frames, sources, outcome = validate(frames, plan.sources, run_id)
        quarantine = nf.input_quarantine_rows([*inputs.rejections, *plan.rejections], run_id)
        quarantine += outcome.quarantine_rows
        if not outcome.success:
            message = "validation failed, nothing published: " + "; ".join(outcome.failures)
            nf.append_run(
                wh, nf.run_row(run_id, started, source, counts, False, "failed", message, reprocess)
            )
            _summary_artifact(run_id, source, warehouse, counts, outcome, time.perf_counter() - t0, message)
            raise RunFailed(message)

        # load
        added = publish(wh, frames, sources, quarantine, run_id)
        counts.n_new = len(frames.article_ids)
        counts.n_quarantined = added.get("quarantine", 0)
        counts.rows_written = {k: v for k, v in added.items() if k != "quarantine" and v}
        nf.append_run(wh, nf.run_row(run_id, started, source, counts, True, "completed", None, reprocess))
    elapsed = time.perf_counter() - t0
    _summary_artifact(run_id, source, warehouse, counts, outcome, elapsed, None)
    return {
        "run_id": run_id,
        **asdict(counts),
        "validation_success": outcome.success,
        "validation_rejected_rows": len(outcome.quarantine_rows),
        "elapsed_s": round(elapsed, 2),
        "warehouse": str(Path(warehouse).resolve()),
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
) -> None:
    rows = "\n".join(f"| {t} | {n} |" for t, n in sorted(counts.rows_written.items()))
    checks = sum(v.evaluated for v in outcome.tables.values())
    failed = "\n".join(f"- {f}" for f in outcome.failures) or "- none"
    md = (
        f"# newsfacts run `{run_id}`\n\n"
        f"**{'FAILED: ' + failure if failure else 'completed'}** in {elapsed:.1f} s\n\n"
        f"- source: `{source}` → warehouse: `{warehouse}`\n"
        f"- inputs: {counts.n_inputs} (new articles {counts.n_new}, skipped {counts.n_skipped}, "
        f"duplicates {counts.n_duplicates}, quarantined {counts.n_quarantined})\n"
        f"- validation: {'passed' if outcome.success else 'FAILED'} ({checks} expectations evaluated, "
        f"{len(outcome.quarantine_rows)} rows rejected)\n\n"
        f"## Rows written\n\n| table | rows |\n|---|---|\n{rows}\n\n## Table-level failures\n\n{failed}\n"
    )
    create_markdown_artifact(markdown=md, key="newsfacts-run-summary", description="newsfacts run summary")
