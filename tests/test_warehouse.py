"""The warehouse: atomic publishes, replacement of re-extracted articles, de-duplication, crash recovery."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from newsfacts.storage import TableChange, Warehouse, WarehouseBusy, WarehouseError
from newsfacts.storage.local import JOURNAL
from newsfacts.tables import TABLES
from tests.conftest import date_mention_rows

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def date_rows(article_id: str, *spans: tuple[int, int]) -> pa.Table:
    return date_mention_rows(
        *({"mention_id": f"{article_id}:d:{s}-{e}", "article_id": article_id, "start_char": s, "end_char": e}
          for s, e in spans)
    )


def count(wh: Path, table: str, where: str = "true") -> int:
    return sql(f"select count(*) from read_parquet('{wh}/{table}/**/*.parquet') where {where}")[0][0]


def sql(query: str) -> list[tuple]:
    return duckdb.connect().execute(query).fetchall()


@pytest.fixture()
def wh(tmp_path: Path) -> Warehouse:
    w = Warehouse(tmp_path / "wh")
    w.initialise("r0")
    return w


def test_a_new_warehouse_has_every_table_readable_and_empty(wh: Warehouse) -> None:
    for name in TABLES:
        assert count(wh.root, name) == 0
        cols = [r[0] for r in sql(f"describe select * from read_parquet('{wh.root}/{name}/**/*.parquet')")]
        assert cols == TABLES[name].column_names


def test_publish_appends_and_a_repeat_publish_adds_nothing(wh: Warehouse) -> None:
    rows = date_rows("aaaaaaaaaaaaaaaa", (0, 5), (10, 15))
    assert wh.publish({"date_mentions": TableChange(rows)}, "r1") == {"date_mentions": 2}
    assert wh.publish({"date_mentions": TableChange(rows)}, "r2") == {"date_mentions": 0}
    assert count(wh.root, "date_mentions") == 2


def test_replacing_an_article_removes_its_old_rows_only(wh: Warehouse) -> None:
    wh.publish({"date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (0, 5), (10, 15)))}, "r1")
    wh.publish({"date_mentions": TableChange(date_rows("bbbbbbbbbbbbbbbb", (0, 5)))}, "r2")
    wh.publish(
        {"date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (20, 25)), {"aaaaaaaaaaaaaaaa"})}, "r3"
    )
    assert count(wh.root, "date_mentions", "article_id = 'aaaaaaaaaaaaaaaa'") == 1
    assert count(wh.root, "date_mentions", "article_id = 'bbbbbbbbbbbbbbbb'") == 1
    assert count(wh.root, "date_mentions", "start_char = 20") == 1


def test_table_dirs_are_symlinks_to_complete_generations(wh: Warehouse) -> None:
    wh.publish({"date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (0, 5)))}, "r1")
    link = wh.root / "date_mentions"
    assert link.is_symlink()
    files = list(link.glob("*"))
    assert files and all(f.suffix == ".parquet" and not f.name.startswith(".") for f in files)


def test_an_interrupted_publish_is_rolled_forward_by_recover(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    real_replace = os.replace

    def crash_after_first_swap(src: str | Path, dst: str | Path) -> None:
        real_replace(src, dst)
        if str(src).endswith(".link"):
            calls["n"] += 1
            if calls["n"] == 1:
                raise KeyboardInterrupt("simulated crash between two table swaps")

    monkeypatch.setattr(os, "replace", crash_after_first_swap)
    change = {
        "date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (0, 5))),
        "runs": TableChange(pa.Table.from_pylist([_run_row()], schema=TABLES["runs"].schema)),
    }
    with pytest.raises(KeyboardInterrupt):
        wh.publish(change, "r1")
    monkeypatch.setattr(os, "replace", real_replace)
    assert list((wh.root / JOURNAL).glob("*.json"))  # the journal records the unfinished publish
    assert count(wh.root, "date_mentions") + count(wh.root, "runs") == 1  # one table swapped, one not yet
    assert wh.recover() == ["r1"]
    assert count(wh.root, "date_mentions") == 1 and count(wh.root, "runs") == 1
    assert not list((wh.root / JOURNAL).glob("*.json"))


def test_staged_files_of_a_crashed_run_are_invisible_and_collected(wh: Warehouse) -> None:
    orphan = wh.root / ".store" / "date_mentions" / "g-orphan"
    orphan.mkdir(parents=True)
    (orphan / "part-x.parquet").write_bytes(b"PAR1 half written")
    assert count(wh.root, "date_mentions") == 0  # readers never look into the store
    wh.publish({"date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (0, 5)))}, "r1")
    wh.publish({"date_mentions": TableChange(date_rows("aaaaaaaaaaaaaaaa", (7, 9)))}, "r2")
    assert not orphan.exists()


def test_a_second_writer_gets_a_clear_error(wh: Warehouse) -> None:
    with (
        wh.lock(),
        pytest.raises(WarehouseBusy, match="another newsfacts run is writing"),
        Warehouse(wh.root).lock(wait_seconds=0.5),
    ):
        pass


def test_a_plain_folder_where_a_table_belongs_is_refused(tmp_path: Path) -> None:
    (tmp_path / "wh" / "articles").mkdir(parents=True)
    with pytest.raises(WarehouseError, match="plain directory"):
        Warehouse(tmp_path / "wh").initialise("r0")


def test_the_dictionary_is_written_next_to_the_data(wh: Warehouse) -> None:
    wh.write_docs()
    readme = (wh.root / "README.md").read_text(encoding="utf-8")
    assert "## `trade_facts`" in readme and "| `hs_code` |" in readme
    rows = sql(f"select count(*) from read_parquet('{wh.root}/_dictionary/columns.parquet')")
    assert rows[0][0] == sum(len(t.columns) for t in TABLES.values())


def _run_row() -> dict[str, object]:
    return {
        "run_id": "r1",
        "started_at": AT,
        "finished_at": AT,
        "source": "seeds",
        "n_inputs": 0,
        "n_new": 0,
        "n_skipped": 0,
        "n_duplicates": 0,
        "n_quarantined": 0,
        "rows_written": json.dumps({}),
        "validation_success": True,
        "status": "completed",
        "message": None,
        "reprocess": False,
        "pipeline_version": "0",
    }
