"""Shared test setup: a project-local Prefect home, no telemetry, and paths to the data beside the checkout."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# before anything imports Prefect or Great Expectations
os.environ.setdefault("PREFECT_HOME", str(REPO / ".prefect-test"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs ../shared beside the checkout")
    return path


def date_mention_rows(*overrides: dict[str, object]) -> pa.Table:
    """date_mentions rows in contract schema: "в 2025 году" as a year, with each dict's columns overridden."""
    from newsfacts.tables import TABLES

    base: dict[str, object] = {
        "mention_id": "0123456789abcdef:d:0-11", "article_id": "0123456789abcdef", "text": "в 2025 году",
        "start_char": 0, "end_char": 11, "sentence": "В 2025 году.", "start_date": date(2025, 1, 1),
        "end_date": date(2025, 12, 31), "granularity": "year", "year_known": True, "is_relative": False,
        "anchor": "none", "tense": "past", "year": 2025, "month": None, "day": None, "kind": "point",
        "duration_days": None, "extractor_version": "dates-1",
    }
    return pa.Table.from_pylist([{**base, **o} for o in overrides], schema=TABLES["date_mentions"].schema)
