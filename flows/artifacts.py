"""The Prefect artifacts of a run: its progress (and the in-process listeners), its summary and its trade facts.

Keys: ``newsfacts-progress`` (progress), ``newsfacts-run-summary`` (markdown), ``newsfacts-new-trade-facts``
(table, the first :data:`MAX_TRADE_ARTIFACT_ROWS` trade facts the run wrote).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import cast
from uuid import UUID

import pandas as pd
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from flows.run_state import RunContext, RunState
from newsfacts import pipeline as nf

# Called with (percent done, what is happening) as a run progresses; `newsfacts run` draws its progress bar here.
PROGRESS_LISTENERS: list[Callable[[float, str], None]] = []
MAX_TRADE_ARTIFACT_ROWS = 500
TRADE_ARTIFACT_COLUMNS = [
    *("article_id", "indicator", "reporter_iso2", "partner_iso2", "roles_from", "commodity", "value", "unit"),
    *("per_unit", "value_kind", "direction", "period_start", "period_end", "sentence"),
]


class Progress:
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

    def chunk_done(self, run: RunState, expected: int | None) -> None:
        """Report the inputs read so far (5-93 %, or up to 90 % when the source's size is unknown)."""
        done = run.counts.n_inputs
        pct = 5.0 + 88.0 * min(1.0, done / expected) if expected else min(90.0, 5.0 + done / 100)
        self(pct, f"{done} inputs read, {len(run.article_ids)} articles extracted and validated")


def trade_rows(frames: nf.Frames, room: int) -> list[dict[str, object]]:
    """Up to ``room`` of the frames' trade facts as JSON-ready rows, for the trade facts artifact."""
    df: pd.DataFrame | None = frames.tables.get("trade_facts")
    if df is None or not len(df) or room <= 0:
        return []
    cols = TRADE_ARTIFACT_COLUMNS
    return [{c: _jsonable(r[c]) for c in cols} for r in df[cols].head(room).to_dict("records")]


def summary_artifact(
    ctx: RunContext, run: RunState, elapsed: float, failure: str | None, docs: str | None
) -> None:
    """The run's markdown summary: counts, validation, Data Docs, rows written and rejected."""
    counts, outcome = run.counts, run.outcome
    rows = "\n".join(f"| {t} | {n} |" for t, n in sorted(counts.rows_written.items()))
    checks = sum(v.evaluated for v in outcome.tables.values())
    failed = "\n".join(f"- {f}" for f in outcome.failures) or "- none"
    by_expectation: dict[str, int] = {}
    for row in outcome.quarantine_rows:
        key = f"{row['table_name']}: {row['reason']}"
        by_expectation[key] = by_expectation.get(key, 0) + 1
    rejected = "\n".join(f"| {k} | {n} |" for k, n in sorted(by_expectation.items())) or "| none | 0 |"
    filtered = f", left out by the date filter {run.n_filtered}" if run.n_filtered else ""
    md = (
        f"# newsfacts run `{ctx.run_id}`\n\n"
        f"**{'FAILED: ' + failure if failure else 'completed'}** in {elapsed:.1f} s\n\n"
        f"- source: `{ctx.source}` → warehouse: `{ctx.warehouse}`\n"
        f"- inputs: {counts.n_inputs} (new articles {counts.n_new}, skipped {counts.n_skipped}, "
        f"duplicates {counts.n_duplicates}, quarantined {counts.n_quarantined}{filtered})\n"
        f"- articles without any topic evidence (no topic row): {run.n_without_topics}\n"
        f"- {nf.without_facts_line(run.not_in_russian)}\n"
        f"- validation: {'passed' if outcome.success else 'FAILED'} ({checks} expectations evaluated, "
        f"{len(outcome.quarantine_rows)} rows rejected)\n"
        f"- Great Expectations Data Docs: `{docs or 'not written'}`\n\n"
        f"## Rows written\n\n| table | rows |\n|---|---|\n{rows}\n\n## Table-level failures\n\n{failed}\n\n"
        f"## Rows rejected by expectation\n\n| table: expectation | rows |\n|---|---|\n{rejected}\n"
    )
    create_markdown_artifact(markdown=md, key="newsfacts-run-summary", description="newsfacts run summary")


def trade_facts_artifact(rows: list[dict[str, object]]) -> None:
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
