"""The real Prefect flow in-process: bad inputs, duplicates, reprocessing, validation quarantine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from newsfacts import pipeline as nf
from newsfacts.ingest import iter_inputs
from newsfacts.storage import Warehouse
from tests.conftest import REPO

pytestmark = pytest.mark.slow

SEED = (REPO / "seeds" / "000_7b51122feffa36ca.txt").read_bytes()


def q(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for t in [
        "articles",
        "sources",
        "quarantine",
        "runs",
        "date_mentions",
        "entities",
        "topics",
        "amounts",
        "trade_facts",
    ]:
        con.execute(f"create view {t} as select * from read_parquet('{wh}/{t}/**/*.parquet')")
    return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def flow():  # noqa: ANN201 - the Prefect flow object
    from flows.pipeline import articles_pipeline

    return articles_pipeline


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_bytes(SEED)
    (src / "copy_of_good.txt").write_bytes(SEED)  # same bytes, another path
    (src / "same_text_other_bytes.txt").write_bytes(SEED.replace(b" date 2025-12-18", b"date 2025-12-18  "))
    (src / "cp1251.txt").write_bytes(
        "Товарооборот между Казахстаном и Азербайджаном в 2024 году вырос на 15%.".encode("cp1251")
    )
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b"   \n\n  \t\n")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "lines.jsonl").write_text(
        json.dumps(
            {
                "title": "Зерно",
                "text": "Казахстан в 2025 году экспортировал 1,2 млн тонн пшеницы.",
                "date": "2025-03-01",
            },
            ensure_ascii=False,
        )
        + "\n{not json\n",
        encoding="utf-8",
    )
    (src / "notes.pdf").write_bytes(b"%PDF-1.4 ...")
    outside = tmp_path / "secret.txt"
    outside.write_text("Секретный текст за пределами источника.", encoding="utf-8")
    (src / "escape.txt").symlink_to(outside)
    return src


def test_every_input_is_an_article_or_a_quarantine_row(flow, hostile: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    summary = flow(source=str(hostile), warehouse=str(wh), ner=False)
    n_inputs = sum(1 for _ in iter_inputs(hostile))
    sources = q(wh, "select count(*) from sources")[0][0]
    quarantined = q(wh, "select source_uri, reason from quarantine where stage <> 'validate' order by 1")
    assert summary["n_inputs"] == n_inputs == sources + len(quarantined) == 11
    reasons = dict(quarantined)
    assert reasons["empty.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["lines.jsonl#L2"] == "malformed_json"
    assert reasons["escape.txt"] == "path_escape"
    assert reasons["notes.pdf"] == "unsupported_type"
    assert "blank.txt" in reasons
    assert "Секретный" not in str(q(wh, "select * from quarantine"))
    # three inputs carry one text: one article, three sources, two duplicates
    assert summary["n_duplicates"] == 2
    assert (
        q(
            wh,
            "select count(*) from articles where source_uri in ('copy_of_good.txt', 'good.txt', "
            "'same_text_other_bytes.txt')",
        )[0][0]
        == 1
    )
    assert q(
        wh,
        "select count(*), count(distinct article_id) from sources where source_uri like '%good%' "
        "or source_uri like 'same%'",
    ) == [(3, 1)]
    ((text,),) = q(wh, "select text from articles where source_uri = 'cp1251.txt'")
    assert text.startswith("Товарооборот между Казахстаном")
    assert q(
        wh,
        "select value, unit from amounts a join articles r using (article_id) "
        "where r.source_uri = 'lines.jsonl#L1'",
    ) == [(1.2e6, "t")]


def test_a_second_run_adds_nothing_and_reprocess_replaces_in_place(
    flow, hostile: Path, tmp_path: Path
) -> None:
    wh = tmp_path / "wh"
    flow(source=str(hostile), warehouse=str(wh), ner=False)
    tables = ["articles", "sources", "quarantine", "date_mentions", "amounts", "trade_facts", "topics"]
    before = {t: q(wh, f"select count(*) from {t}")[0][0] for t in tables}
    again = flow(source=str(hostile), warehouse=str(wh), ner=False)
    assert again["n_new"] == 0 and again["rows_written"] == {} and again["n_quarantined"] == 0
    re = flow(source=str(hostile), warehouse=str(wh), ner=False, reprocess=True)
    assert re["n_new"] == before["articles"]
    after = {t: q(wh, f"select count(*) from {t}")[0][0] for t in tables}
    assert after == before
    ids = q(wh, "select count(*) - count(distinct article_id) from articles")[0][0]
    assert ids == 0
    assert q(wh, "select count(*), count(distinct run_id) from runs") == [(3, 3)]


def test_new_articles_are_added_beside_the_old(flow, tmp_path: Path) -> None:
    src, wh = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    shutil.copy(REPO / "seeds" / "000_7b51122feffa36ca.txt", src)
    flow(source=str(src), warehouse=str(wh), ner=False)
    shutil.copy(REPO / "seeds" / "002_a33c8814e50c2989.txt", src)
    second = flow(source=str(src), warehouse=str(wh), ner=False)
    assert second["n_new"] == 1 and second["n_skipped"] == 1
    assert q(wh, "select count(*) from articles")[0][0] == 2


def test_rows_failing_an_expectation_go_to_quarantine(tmp_path: Path) -> None:
    """A fact row with an out-of-contract value is quarantined with the expectation; the rest publishes."""
    known = nf.KnownState({}, {}, {})
    batch = nf.read_inputs(REPO / "seeds", known, "v", False, 10_000_000)
    plan = nf.parse_and_identify(batch.inputs, known, "run-1")
    frames = nf.extract_frames(plan.articles, nf.shared_extractors(False), "run-1")
    amounts = frames.tables["amounts"]
    assert len(amounts) >= 1
    bad = amounts.iloc[[0]].copy()
    bad["amount_id"] = bad["amount_id"] + ":bad"
    bad["unit"], bad["value_kind"] = "KZT", "weight"
    frames.tables["amounts"] = pd.concat([amounts, bad], ignore_index=True)
    kept, sources, outcome = nf.validate_frames(frames, plan.sources, nf.shared_validator(), "run-1")
    assert outcome.success
    assert [(r["table_name"], r["reason"]) for r in outcome.quarantine_rows] == [
        ("amounts", "expect_column_values_to_be_in_set")
    ]
    assert outcome.quarantine_rows[0]["row_key"].endswith(":bad")
    assert len(kept.tables["amounts"]) == len(amounts)
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("run-1")
    nf.publish(wh, kept, sources, outcome.quarantine_rows, "run-1")
    assert q(wh.root, "select stage, reason, table_name from quarantine") == [
        ("validate", "expect_column_values_to_be_in_set", "amounts")
    ]
