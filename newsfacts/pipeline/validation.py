"""Validation (Great Expectations suites of :mod:`newsfacts.quality`) and the quarantine rows it makes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from newsfacts.ingest import Rejection
from newsfacts.pipeline.frames import Frames, table_frame
from newsfacts.pipeline.shared import now_utc
from newsfacts.quality import TableValidation, Validator, merge_validations
from newsfacts.tables import TABLES


def quarantine_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]


def input_quarantine_rows(rejections: Iterable[Rejection], run_id: str) -> list[dict[str, object]]:
    at = now_utc()
    return [
        {
            "quarantine_id": quarantine_id(r.source_uri, r.raw_sha256, r.stage, r.reason),
            "source_uri": r.source_uri,
            "stage": r.stage,
            "reason": r.reason,
            "detail": r.detail,
            "raw_sha256": r.raw_sha256,
            "table_name": None,
            "row_key": None,
            "article_id": None,
            "run_id": run_id,
            "at": at,
        }
        for r in rejections
    ]


# ---------------------------------------------------------------------------------------------- validate
@dataclass
class ValidationOutcome:
    success: bool
    tables: dict[str, TableValidation]
    quarantine_rows: list[dict[str, object]]

    @property
    def failures(self) -> list[str]:
        return [f"{t}: {f}" for t, v in self.tables.items() for f in v.failed_table_level]

    def merge(self, other: ValidationOutcome) -> ValidationOutcome:
        """This outcome and a later chunk's, as one run's (see :func:`newsfacts.quality.merge_validations`)."""
        tables = dict(self.tables)
        for name, v in other.tables.items():
            tables[name] = merge_validations(tables[name], v) if name in tables else v
        return ValidationOutcome(
            self.success and other.success, tables, self.quarantine_rows + other.quarantine_rows
        )


def validate_frames(
    frames: Frames, sources: list[dict[str, object]], validator: Validator, run_id: str
) -> tuple[Frames, list[dict[str, object]], ValidationOutcome]:
    """Validate every table; drop rejected rows (an article row's rejection drops all its rows)."""
    results = {name: validator.validate(name, df) for name, df in frames.tables.items()}
    sources_df = table_frame("sources", sources)
    results["sources"] = validator.validate("sources", sources_df)
    uri_of = {str(s["article_id"]): str(s["source_uri"]) for s in sources}
    at = now_utc()
    qrows: list[dict[str, object]] = []
    bad_rows: dict[str, set[str]] = {}
    bad_articles: set[str] = set()
    for name, res in results.items():
        for rej in res.rejections:
            bad_rows.setdefault(name, set()).add(rej.row_key)
            if name == "articles" and rej.article_id:
                bad_articles.add(rej.article_id)
            qrows.append(
                {
                    "quarantine_id": quarantine_id(name, rej.row_key, rej.expectation),
                    "source_uri": uri_of.get(rej.article_id or "", "?"),
                    "stage": "validate",
                    "reason": rej.expectation,
                    "detail": rej.detail,
                    "raw_sha256": None,
                    "table_name": name,
                    "row_key": rej.row_key,
                    "article_id": rej.article_id,
                    "run_id": run_id,
                    "at": at,
                }
            )
    tables = {}
    for name, df in frames.tables.items():
        keep = ~df[TABLES[name].row_id].astype(str).isin(bad_rows.get(name, set()))
        if bad_articles:
            keep &= ~df["article_id"].isin(bad_articles)
        tables[name] = df[keep].reset_index(drop=True)
    kept_sources = [
        s
        for s in sources
        if s["article_id"] not in bad_articles and str(s["source_uri"]) not in bad_rows.get("sources", set())
    ]
    outcome = ValidationOutcome(all(r.success for r in results.values()), results, qrows)
    return Frames(tables, frames.article_ids - bad_articles, frames.seconds), kept_sources, outcome
