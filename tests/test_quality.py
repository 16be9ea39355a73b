"""Great Expectations suites from the contracts: row-level rejections and table-level failures."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from newsfacts.quality import SUITES_DIR, Validator, suite_json
from newsfacts.tables import TABLES
from tests.conftest import REPO, date_mention_rows


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def amounts_frame(*rows: dict[str, object]) -> pd.DataFrame:
    base = {
        "article_id": "0123456789abcdef",
        "text": "300 млрд тенге",
        "start_char": 0,
        "end_char": 14,
        "sentence": "Инвестиции составили 300 млрд тенге.",
        "value": 3e11,
        "value_low": None,
        "value_high": None,
        "unit": "KZT",
        "value_kind": "absolute",
        "qualifier": "exact",
        "extractor_version": "amounts-1",
    }
    full = [{**base, "amount_id": f"0123456789abcdef:a:{i}", **r} for i, r in enumerate(rows)]
    return pa.Table.from_pylist(full, schema=TABLES["amounts"].schema).to_pandas()


def test_good_rows_pass(validator: Validator) -> None:
    res = validator.validate("amounts", amounts_frame({}, {"unit": "percent", "value": 15.0}))
    assert res.success and res.rejections == []


@pytest.mark.parametrize(
    ("bad", "expectation"),
    [
        ({"value_kind": "weight"}, "expect_column_values_to_be_in_set"),
        ({"qualifier": None}, "expect_column_values_to_not_be_null"),
        ({"start_char": 20, "end_char": 5}, "expect_column_pair_values_a_to_be_greater_than_b"),
        ({"value_low": 7.0, "value_high": 5.0}, "expect_column_pair_values_a_to_be_greater_than_b"),
        ({"start_char": -1}, "expect_column_values_to_be_between"),
        ({"article_id": "not-an-id"}, "expect_column_values_to_match_regex"),
    ],
)
def test_a_bad_row_is_rejected_with_its_key_and_the_expectation(
    validator: Validator, bad: dict[str, object], expectation: str
) -> None:
    res = validator.validate("amounts", amounts_frame({}, bad))
    assert res.success  # row-level: the run goes on
    assert [(r.row_key, r.expectation) for r in res.rejections] == [("0123456789abcdef:a:1", expectation)]


def test_duplicate_keys_fail_the_table(validator: Validator) -> None:
    frame = amounts_frame({}, {})
    frame["amount_id"] = "same"
    res = validator.validate("amounts", frame)
    assert not res.success and any("unique" in f for f in res.failed_table_level)


def test_a_missing_column_fails_the_table(validator: Validator) -> None:
    res = validator.validate("amounts", amounts_frame({}).drop(columns=["unit"]))
    assert not res.success and any("columns_to_match" in f for f in res.failed_table_level)


def test_dates_in_the_wrong_order_are_rejected(validator: Validator) -> None:
    rows = date_mention_rows({"mention_id": "m1", "start_date": date(2025, 12, 31), "end_date": date(2025, 1, 1)})
    frame = rows.to_pandas()
    res = validator.validate("date_mentions", frame)
    assert [r.row_key for r in res.rejections] == ["m1"]


def test_stored_suites_are_the_contracts(tmp_path: pytest.TempPathFactory) -> None:
    for name, table in TABLES.items():
        stored = (SUITES_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert json.loads(stored) == json.loads(suite_json(table)), f"run `make suites`: {name} is stale"


def test_an_installed_copy_validates_with_the_suites_it_ships(tmp_path: Path) -> None:
    """The wheel ships expectations/ as newsfacts/expectations (pyproject.toml); a copy of the package laid
    out so, imported from elsewhere, finds its suites there."""
    import os
    import shutil
    import tomllib

    wheel = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    assert wheel["targets"]["wheel"]["force-include"] == {"expectations": "newsfacts/expectations"}
    site = tmp_path / "site-packages"
    shutil.copytree(REPO / "newsfacts", site / "newsfacts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "expectations", site / "newsfacts" / "expectations")
    code = "from newsfacts.quality import SUITES_DIR; print(SUITES_DIR)"
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == str(site / "newsfacts" / "expectations")
    assert SUITES_DIR == REPO / "expectations"  # a checkout reads (and `make suites` writes) expectations/


def test_the_library_never_imports_prefect() -> None:
    code = (
        "import sys, pkgutil, importlib, newsfacts\n"
        "for m in pkgutil.walk_packages(newsfacts.__path__, 'newsfacts.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(k for k in sys.modules if k.split('.')[0] in ('prefect', 'great_expectations'))\n"
        "print(bad[:5])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"  # GX only loads when a Validator is made


def test_only_the_newest_runs_data_docs_are_kept(tmp_path: Path) -> None:
    import os

    from newsfacts.quality import prune_data_docs

    for i in range(7):
        run = tmp_path / f"run-{i}"
        run.mkdir()
        (run / "index.html").write_text("<html></html>", encoding="utf-8")
        os.utime(run, (1_000_000 + i, 1_000_000 + i))
    deleted = prune_data_docs(tmp_path, keep=5)
    assert sorted(p.name for p in deleted) == ["run-0", "run-1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"run-{i}" for i in range(2, 7)]
