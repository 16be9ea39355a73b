"""Great Expectations suites generated from the table contracts, and validation of frames before publishing.

Row-level expectations (nulls, vocabularies, patterns, ranges, ordered pairs) reject single rows: those rows go
to quarantine with the expectation's name and the row's key. Table-level expectations (the column set, key
uniqueness) fail the whole run: nothing is published. Great Expectations is imported lazily (it costs seconds).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pandas as pd

from newsfacts.tables import TABLES, UNIT_KINDS, VALUE_RANGES, Table

TABLE_LEVEL = {
    "expect_table_columns_to_match_ordered_list",
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
}


def suite_spec(table: Table) -> list[dict[str, Any]]:
    """The expectations for ``table`` as plain dicts (type + kwargs), derived from its contract."""
    exps: list[dict[str, Any]] = [
        {"type": "expect_table_columns_to_match_ordered_list", "kwargs": {"column_list": table.column_names}}
    ]
    if len(table.key) == 1:
        exps.append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": table.key[0]}})
    else:
        exps.append(
            {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(table.key)}}
        )
    for c in table.columns:
        if not c.nullable:
            exps.append({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": c.name}})
        if c.allowed is not None:
            exps.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": c.name, "value_set": list(c.allowed)},
                }
            )
        if c.regex is not None:
            exps.append(
                {
                    "type": "expect_column_values_to_match_regex",
                    "kwargs": {"column": c.name, "regex": c.regex},
                }
            )
        if c.min_value is not None or c.max_value is not None:
            exps.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": c.name, "min_value": c.min_value, "max_value": c.max_value},
                }
            )
    for low, high in table.ordered_pairs:
        exps.append(
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {
                    "column_A": high,
                    "column_B": low,
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
            }
        )
    for column in table.ranged_by_unit:  # the range of the row's unit kind (the overall one is the column's)
        for kind, units in UNIT_KINDS.items():
            lo, hi = VALUE_RANGES[kind]
            condition = {
                "type": "comparison",
                "column": {"name": "unit"},
                "operator": "IN",
                "parameter": list(units),
            }
            exps.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {
                        "column": column,
                        "min_value": lo,
                        "max_value": hi,
                        "row_condition": condition,
                    },
                    "meta": {"unit_kind": kind},
                }
            )
    return exps


def suite_json(table: Table) -> str:
    """The suite as stored under ``expectations/<table>.json`` (versioned in git)."""
    doc = {
        "name": f"newsfacts.{table.name}",
        "meta": {"grain": table.grain, "generated_from": "newsfacts.tables"},
        "expectations": suite_spec(table),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def suites_dir() -> Traversable:
    """Where the stored suites are: ``newsfacts/expectations/`` in an installed copy (the wheel ships the
    repository's ``expectations/`` there, see ``pyproject.toml``), else a checkout's ``expectations/``."""
    shipped = resources.files("newsfacts") / "expectations"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[1] / "expectations"


SUITES_DIR = suites_dir()


def load_suite_spec(table: Table, folder: Traversable = SUITES_DIR) -> list[dict[str, Any]]:
    """The suite stored under ``expectations/`` (what runs is what is versioned); the contract's when absent."""
    path = folder / f"{table.name}.json"
    if path.is_file():
        return list(json.loads(path.read_text(encoding="utf-8"))["expectations"])
    return suite_spec(table)


def write_suites(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for table in TABLES.values():
        path = folder / f"{table.name}.json"
        path.write_text(suite_json(table), encoding="utf-8")
        out.append(path)
    return out


@dataclass
class RowRejection:
    table: str
    row_key: str
    article_id: str | None
    expectation: str
    detail: str


@dataclass
class TableValidation:
    table: str
    success: bool  # every table-level expectation passed
    n_rows: int
    evaluated: int
    failed_table_level: list[str] = field(default_factory=list)
    rejections: list[RowRejection] = field(default_factory=list)
    result: Any = field(default=None, repr=False, compare=False)  # GX's ExpectationSuiteValidationResult


def merge_validations(first: TableValidation, later: TableValidation) -> TableValidation:
    """One table's validations of two chunks of a run as one: counts add up, failures and rejections are
    kept, and the GX result shown in Data Docs is the first chunk's that failed or rejected rows (else the
    later one), so a run's Data Docs stay one page per table whatever the number of chunks."""

    def telling(v: TableValidation) -> bool:
        return not v.success or bool(v.rejections)

    return TableValidation(
        table=first.table,
        success=first.success and later.success,
        n_rows=first.n_rows + later.n_rows,
        evaluated=first.evaluated + later.evaluated,
        failed_table_level=[
            *first.failed_table_level,
            *(f for f in later.failed_table_level if f not in first.failed_table_level),
        ],
        rejections=[*first.rejections, *later.rejections],
        result=first.result if telling(first) else later.result,
    )


class Validator:
    """Validates frames against the contract suites with a real (ephemeral) Great Expectations context."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig

        for name in ("great_expectations", "great_expectations.data_context.types.base"):
            logging.getLogger(name).setLevel(logging.WARNING)  # GX sets INFO on some of its own loggers

        _memoise_configurations()
        self._gx = gx
        self._classes = {_snake(name): cls for name, cls in vars(gxe).items() if isinstance(cls, type)}
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self.context.data_sources.add_pandas("newsfacts")
        self._batches: dict[str, Any] = {}
        self.suites = {name: self._suite(t) for name, t in TABLES.items()}

    def _suite(self, table: Table) -> Any:
        exps = [
            self._classes[e["type"]](**e["kwargs"], **({"meta": e["meta"]} if "meta" in e else {}))
            for e in load_suite_spec(table)
        ]
        return self._gx.ExpectationSuite(name=f"newsfacts.{table.name}", expectations=exps)

    def validate(self, name: str, frame: pd.DataFrame) -> TableValidation:
        table = TABLES[name]
        if name not in self._batches:
            asset = self._source.add_dataframe_asset(name)
            self._batches[name] = asset.add_batch_definition_whole_dataframe("frame")
        batch = self._batches[name].get_batch(batch_parameters={"dataframe": frame})
        with _configurations_memoised():
            result = batch.validate(
                self.suites[name],
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [table.row_id]},
            )
        out = TableValidation(
            table=name, success=True, n_rows=len(frame), evaluated=len(result.results), result=result
        )
        if not len(frame):
            # expectations on an empty frame only check the columns
            pass
        article_of = _article_lookup(frame, table)
        for r in result.results:
            etype = r.expectation_config.type
            kwargs = r.expectation_config.kwargs
            if r.success:
                continue
            column = kwargs.get("column") or kwargs.get("column_A") or ""
            raised = (r.exception_info or {}).get("raised_exception")
            if etype in TABLE_LEVEL or raised:
                msg = (r.exception_info or {}).get("exception_message") if raised else None
                out.failed_table_level.append(f"{etype}({column}){': ' + str(msg)[:200] if msg else ''}")
                out.success = False
                continue
            allowed = _allowed_range(kwargs, r.expectation_config.meta or {})
            for item in r.result.get("unexpected_index_list") or []:
                key = str(item.get(table.row_id)) if isinstance(item, dict) else str(item)
                value = (
                    {k: v.item() if hasattr(v, "item") else v for k, v in item.items() if k != table.row_id}
                    if isinstance(item, dict)
                    else {}
                )  # numpy scalars as Python values: "value {'value': 1e+30}"
                out.rejections.append(
                    RowRejection(
                        table=name,
                        row_key=key,
                        article_id=article_of.get(key),
                        expectation=etype,
                        detail=f"{name}.{column}: {etype} failed for {table.row_id}={key}; value {_short(value)}"
                        + allowed,
                    )
                )
        out.rejections = _one_per_row_and_expectation(out.rejections)
        return out


# GX rebuilds an expectation's configuration (a pydantic ``.dict()`` and a new ExpectationConfiguration) on
# every read of ``Expectation.configuration``: ~70 reads per expectation per validation, a third of a
# validation's CPU whatever the rows. While one of our validations runs (in this thread), each expectation
# instance (GX makes fresh ones from the suite's configurations for every validation) builds it once.
_MEMO = threading.local()
_MEMOISED = False


def _memoise_configurations() -> None:
    global _MEMOISED
    if _MEMOISED:
        return
    from great_expectations.expectations.expectation import Expectation

    built = vars(Expectation)["configuration"].fget

    def configuration(self: Any) -> Any:
        memo: dict[int, tuple[Any, Any]] | None = getattr(_MEMO, "configurations", None)
        if memo is None:
            return built(self)
        hit = memo.get(id(self))
        if hit is None or hit[0] is not self:
            hit = (self, built(self))  # the instance is held, so its id is not reused while the memo lives
            memo[id(self)] = hit
        return hit[1]

    Expectation.configuration = property(configuration)  # type: ignore[assignment,method-assign]
    _MEMOISED = True


@contextmanager
def _configurations_memoised() -> Iterator[None]:
    _MEMO.configurations = {}
    try:
        yield
    finally:
        _MEMO.configurations = None


def _one_per_row_and_expectation(rejections: list[RowRejection]) -> list[RowRejection]:
    """A row failing one expectation type twice (the overall range, then its unit kind's: the suite's order) is
    one rejection, the last one (a quarantine row's id is made of the row key and the expectation)."""
    kept: dict[tuple[str, str], RowRejection] = {}
    for rej in rejections:
        kept.pop((rej.row_key, rej.expectation), None)
        kept[(rej.row_key, rej.expectation)] = rej
    return list(kept.values())


DATA_DOCS_KEPT = 50  # runs whose Data Docs stay under <warehouse>/_data_docs/ (~0.4 MB each)


def prune_data_docs(parent: Path, keep: int = DATA_DOCS_KEPT) -> list[Path]:
    """Delete all but the ``keep`` newest run folders under ``parent``; returns what was deleted."""
    import shutil

    if not parent.is_dir():
        return []
    runs = sorted((p for p in parent.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return runs[keep:]


def write_data_docs(results: dict[str, TableValidation], folder: Path, title: str) -> Path:
    """Great Expectations Data Docs for one run's validations: a GX-rendered page per table and an index.

    The pages are rendered with GX's own Data Docs renderer (``ValidationResultsPageRenderer``), as a
    file-backed context's ``build_data_docs`` would, without needing one. Returns the index page.

    Args:
        results: The validations of one run (from :meth:`Validator.validate`).
        folder: Where to write the pages (created).
        title: Heading of the index page (e.g. the run id).
    """
    import html

    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView

    folder.mkdir(parents=True, exist_ok=True)
    renderer, view = ValidationResultsPageRenderer(), DefaultJinjaPageView()
    items = []
    for name, v in results.items():
        if v.result is not None:
            (folder / f"{name}.html").write_text(view.render(renderer.render(v.result)), encoding="utf-8")
        failed = sum(1 for r in (v.result.results if v.result is not None else []) if not r.success)
        status = (
            "passed" if v.success and not v.rejections else ("FAILED" if not v.success else "rows rejected")
        )
        items.append(
            f"<tr><td><a href='{html.escape(name)}.html'>{html.escape(name)}</a></td><td>{v.n_rows}</td>"
            f"<td>{v.evaluated}</td><td>{failed}</td><td>{len(v.rejections)}</td><td>{status}</td></tr>"
        )
    index = folder / "index.html"
    index.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>newsfacts validation</title></head><body>"
        f"<h1>newsfacts validation: {html.escape(title)}</h1><table border='1' cellpadding='4'>"
        "<tr><th>table</th><th>rows</th><th>expectations</th><th>failed</th><th>rows rejected</th>"
        f"<th>outcome</th></tr>{''.join(items)}</table></body></html>",
        encoding="utf-8",
    )
    return index


def _article_lookup(frame: pd.DataFrame, table: Table) -> dict[str, str]:
    if "article_id" not in frame.columns or table.row_id not in frame.columns or not len(frame):
        return {}
    return dict(zip(frame[table.row_id].astype(str), frame["article_id"].astype(str), strict=True))


def _allowed_range(kwargs: dict[str, Any], meta: dict[str, Any]) -> str:
    """What a range expectation allows, for the quarantine detail ("; money must lie in [-1e+18, 1e+18]")."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    kind = meta.get("unit_kind")
    what = f"a {kind} value" if kind else "the value"
    if low is not None and high is not None:
        return f"; {what} must lie in [{low:g}, {high:g}]"
    if low is not None or high is not None:
        return f"; {what} must be at {'least' if low is not None else 'most'} {low if low is not None else high:g}"
    return ""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
