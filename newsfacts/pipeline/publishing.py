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
from newsfacts.storage.integrity import REPAIR_HINT, Damage, Integrity
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
    drop_article_ids: set[str] | None = None,
) -> dict[str, int]:
    """Publish the staged rows with the sources and quarantine rows as one atomic publish; the rows of
    ``article_ids`` already in the warehouse are replaced, and every row (sources too) of
    ``drop_article_ids`` (lost articles ``newsfacts repair`` could not rebuild) is removed. Returns rows
    added per table."""
    drop = drop_article_ids or set()
    changes = {
        name: TableChange(TABLES[name].schema.empty_table(), article_ids | drop)
        for name in ("articles", *FACT_TABLES)
    }
    changes["sources"] = TableChange(pa.Table.from_pylist(sources, schema=TABLES["sources"].schema), drop)
    changes["quarantine"] = TableChange(
        pa.Table.from_pylist(quarantine, schema=TABLES["quarantine"].schema), article_ids | drop
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


@dataclass
class Healing:
    """What a run does about the damage its warehouse's verification found: the lost articles it re-extracted
    (their inputs are in its source), those it could not, and the damaged parts whose rows no article traces."""

    integrity: Integrity
    reextracted: set[str]
    unrecovered: set[str]
    untraced: list[Damage]

    @classmethod
    def of(cls, integrity: Integrity, extracted: set[str]) -> Healing:
        lost = integrity.lost_articles
        return cls(integrity, lost & extracted, lost - extracted, integrity.untraced)

    @property
    def complete(self) -> bool:
        """Whether the run rebuilds every lost row (nothing to refuse over)."""
        return not self.unrecovered and not self.untraced

    def refusal(self, warehouse: str, source: str) -> str:
        """The one message of a run that refuses to publish over lost rows."""
        return (
            f"the warehouse {warehouse} is damaged and this run cannot rebuild it, so it published nothing: "
            f"{self.integrity.report()}; {self._unrecovered_line(source)}. "
            f"Repair: {REPAIR_HINT.format(warehouse=warehouse)} (re-extracts the lost articles whose inputs "
            "SOURCE holds; drops the rows of the others and lists them)"
        )

    def note(self, source: str, repaired: bool) -> str | None:
        """What the run did (the ``runs`` row's message and the summary's line), None when nothing was damaged."""
        if self.integrity.ok:
            return None
        done = f"warehouse damage healed: {self.integrity.report()}"
        if self.reextracted:
            done += f"; {len(self.reextracted)} lost article(s) re-extracted from {readable_name(source)}"
        if repaired and not self.complete:
            done += f"; {self._unrecovered_line(source)}: " + (
                f"their rows were dropped from every table ({', '.join(sorted(self.unrecovered)[:20])})"
                if self.unrecovered
                else "the damaged parts were dropped"
            )
        return done

    def _unrecovered_line(self, source: str) -> str:
        parts = []
        if self.unrecovered:
            parts.append(
                f"{len(self.unrecovered)} lost article(s) whose inputs {readable_name(source)} does not hold"
            )
        if self.untraced:
            parts.append(f"{len(self.untraced)} damaged part(s) whose rows no article traces")
        return " and ".join(parts) or "nothing left to rebuild"
