"""Incremental reads: inputs the warehouse already holds or already quarantined are counted, not re-parsed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from newsfacts import pipeline as nf
from newsfacts.storage import TableChange, Warehouse
from newsfacts.tables import TABLES
from tests.conftest import REPO


def test_a_quarantined_input_is_skipped_until_reprocess(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_bytes((REPO / "seeds" / "000_7b51122feffa36ca.txt").read_bytes())
    (src / "share_only.txt").write_text("Рассказать друзьям\n", encoding="utf-8")  # no text after cleaning
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("r0")

    first = nf.read_inputs(src, nf.known_state(wh), "v", False, 10_000_000)
    plan = nf.parse_and_identify(first.inputs, nf.known_state(wh), "r1")
    assert [(r.source_uri, r.reason) for r in plan.rejections] == [("share_only.txt", "no_text")]
    rows = nf.input_quarantine_rows(plan.rejections, "r1")
    wh.publish({"quarantine": TableChange(pa.Table.from_pylist(rows, schema=TABLES["quarantine"].schema))}, "r1")

    again = nf.read_inputs(src, nf.known_state(wh), "v", False, 10_000_000)
    assert [i.source_uri for i in again.inputs] == ["good.txt"] and again.skipped == 1
    retried = nf.read_inputs(src, nf.known_state(wh), "v", True, 10_000_000)
    assert sorted(i.source_uri for i in retried.inputs) == ["good.txt", "share_only.txt"]


def test_the_same_bytes_at_a_new_path_are_still_examined(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Рассказать друзьям\n", encoding="utf-8")
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("r0")
    plan = nf.parse_and_identify(nf.read_inputs(src, nf.known_state(wh), "v", False, 10**7).inputs,
                                 nf.known_state(wh), "r1")
    rows = nf.input_quarantine_rows(plan.rejections, "r1")
    wh.publish({"quarantine": TableChange(pa.Table.from_pylist(rows, schema=TABLES["quarantine"].schema))}, "r1")
    (src / "b.txt").write_text("Рассказать друзьям\n", encoding="utf-8")
    again = nf.read_inputs(src, nf.known_state(wh), "v", False, 10**7)
    assert [i.source_uri for i in again.inputs] == ["b.txt"]  # a new input gets its own quarantine row
