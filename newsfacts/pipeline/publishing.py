"""Publishing: the run's rows as table changes, staged chunk by chunk, then one atomic publish."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from newsfacts.ingest.sources import readable_name
from newsfacts.pipeline.frames import Frames
from newsfacts.pipeline.shared import PIPELINE_VERSION, now_utc
from newsfacts.storage import AnyWarehouse, StagingArea, TableChange
from newsfacts.tables import FACT_TABLES, TABLES


@dataclass
class RunCounts:
    n_inputs: int = 0
    n_new: int = 0
    n_skipped: int = 0
    n_duplicates: int = 0
    n_quarantined: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)


def publish(
    warehouse: AnyWarehouse,
    frames: Frames,
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Write all tables as one atomic publish; returns rows added per table."""
    changes: dict[str, TableChange] = {}
    replace = frames.article_ids
    for name, df in frames.tables.items():
        changes[name] = TableChange(
            pa.Table.from_pandas(df, schema=TABLES[name].schema, preserve_index=False), replace
        )
    changes["sources"] = TableChange(pa.Table.from_pylist(sources, schema=TABLES["sources"].schema))
    changes["quarantine"] = TableChange(
        pa.Table.from_pylist(quarantine, schema=TABLES["quarantine"].schema), replace
    )
    return warehouse.publish(changes, run_id)


def stage_frames(staged: StagingArea, frames: Frames) -> None:
    """Stream one chunk's validated rows of every table into the run's staging area (not yet visible)."""
    for name, df in frames.tables.items():
        if len(df):
            staged.append(name, pa.Table.from_pandas(df, schema=TABLES[name].schema, preserve_index=False))


def publish_staged(
    warehouse: AnyWarehouse,
    staged: StagingArea,
    article_ids: set[str],
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Publish the staged rows with the sources and quarantine rows as one atomic publish; the rows of
    ``article_ids`` already in the warehouse are replaced. Returns rows added per table."""
    changes = {
        name: TableChange(TABLES[name].schema.empty_table(), article_ids)
        for name in ("articles", *FACT_TABLES)
    }
    changes["sources"] = TableChange(pa.Table.from_pylist(sources, schema=TABLES["sources"].schema))
    changes["quarantine"] = TableChange(
        pa.Table.from_pylist(quarantine, schema=TABLES["quarantine"].schema), article_ids
    )
    return warehouse.publish(changes, run_id, staged=staged)


def run_row(
    run_id: str,
    started_at: datetime,
    source: str,
    counts: RunCounts,
    validation_success: bool,
    status: str,
    message: str | None,
    reprocess: bool,
) -> dict[str, object]:
    return {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": now_utc(),
        "source": readable_name(source),
        "n_inputs": counts.n_inputs,
        "n_new": counts.n_new,
        "n_skipped": counts.n_skipped,
        "n_duplicates": counts.n_duplicates,
        "n_quarantined": counts.n_quarantined,
        "rows_written": json.dumps(counts.rows_written, sort_keys=True),
        "validation_success": validation_success,
        "status": status,
        "message": message,
        "reprocess": reprocess,
        "pipeline_version": PIPELINE_VERSION,
    }


def append_run(warehouse: AnyWarehouse, row: dict[str, object]) -> None:
    warehouse.publish(
        {"runs": TableChange(pa.Table.from_pylist([row], schema=TABLES["runs"].schema))}, str(row["run_id"])
    )
