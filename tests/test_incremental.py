"""Incremental reads: inputs the warehouse already holds or already quarantined are counted, not re-parsed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

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
    wh.publish(
        {"quarantine": TableChange(pa.Table.from_pylist(rows, schema=TABLES["quarantine"].schema))}, "r1"
    )

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
    plan = nf.parse_and_identify(
        nf.read_inputs(src, nf.known_state(wh), "v", False, 10**7).inputs, nf.known_state(wh), "r1"
    )
    rows = nf.input_quarantine_rows(plan.rejections, "r1")
    wh.publish(
        {"quarantine": TableChange(pa.Table.from_pylist(rows, schema=TABLES["quarantine"].schema))}, "r1"
    )
    (src / "b.txt").write_text("Рассказать друзьям\n", encoding="utf-8")
    again = nf.read_inputs(src, nf.known_state(wh), "v", False, 10**7)
    assert [i.source_uri for i in again.inputs] == ["b.txt"]  # a new input gets its own quarantine row


def test_stories_of_an_older_warehouse_are_backfilled_and_a_copy_joins_them(tmp_path: Path) -> None:
    """Rows written before articles.story_id/story_signature existed (nulls): the run's index signs their stored
    text, and a copy with edits arriving now joins the old article's story (issue 17)."""
    src = tmp_path / "src"
    src.mkdir()
    seed = (REPO / "seeds" / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8")
    (src / "old.txt").write_text(seed, encoding="utf-8")
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("r0")
    known = nf.known_state(wh)
    plan = nf.parse_and_identify(nf.read_inputs(src, known, "v", False, 10**7).inputs, known, "r1")
    frames = nf.extract_frames(plan.articles, nf.shared_extractors(False), "r1")
    nf.publish(wh, frames, plan.sources, [], "r1")
    for f in wh.files("articles"):  # as an older pipeline wrote them: without the story columns
        pq.write_table(pq.read_table(f).drop_columns(["story_id", "story_signature"]), f)
    assert "story_id" not in pq.read_schema(wh.files("articles")[-1]).names
    [old_id] = frames.article_ids

    (src / "copy.txt").write_text(
        seed.replace("Рассказать друзьям", "Новости партнёров: Казахстан и Азербайджан")
        + "\nПодписывайтесь на наш канал в Telegram.\n",
        encoding="utf-8",
    )
    known = nf.known_state(wh)
    assert known.stories.story_of(old_id) == old_id  # backfilled: a story of its own
    batch = nf.read_inputs(src, known, nf.versions_of(nf.shared_extractors(False)), False, 10**7)
    plan = nf.parse_and_identify(batch.inputs, known, "r2")
    new = [p for p in plan.articles if p.article_id != old_id]
    assert len(new) == 1
    frames = nf.with_stories(nf.extract_frames(new, nf.shared_extractors(False), "r2"), known.stories)
    [(aid, story)] = frames.tables["articles"][["article_id", "story_id"]].itertuples(index=False)
    assert aid != old_id and story == old_id
    assert "stories" in frames.seconds
