"""End to end: the real `newsfacts run` (Prefect flow, GX validation, Parquet publish) over seeds/, read back
with DuckDB."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO, shared_path

pytestmark = pytest.mark.slow

NEWSFACTS = [sys.executable, "-m", "flows.cli"]
TABLE_NAMES = [
    "articles",
    "sources",
    "date_mentions",
    "amounts",
    "trade_facts",
    "topics",
    "entities",
    "quarantine",
    "runs",
]


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NEWSFACTS, "run", *args], cwd=cwd, capture_output=True, text=True, timeout=600, env={**os.environ}
    )


def q(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for t in TABLE_NAMES:
        con.execute(f"create view {t} as select * from read_parquet('{warehouse}/{t}/**/*.parquet')")
    return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """Two runs of the CLI over seeds/ into one fresh warehouse: the first and the second summary."""
    wh = tmp_path_factory.mktemp("wh") / "warehouse"
    first = run_cli("seeds", "--warehouse", str(wh), "--json")
    assert first.returncode == 0, first.stderr[-3000:]
    second = run_cli("seeds", "--warehouse", str(wh), "--json")
    assert second.returncode == 0, second.stderr[-3000:]
    return (
        wh,
        json.loads(first.stdout.strip().splitlines()[-1]),
        json.loads(second.stdout.strip().splitlines()[-1]),
    )


def test_first_run_writes_both_seed_articles(seeded: tuple[Path, dict, dict]) -> None:
    wh, first, _ = seeded
    assert first["n_inputs"] == 2 and first["n_new"] == 2 and first["validation_success"] is True
    rows = q(wh, "select source_uri, published_date, published_date_source from articles order by source_uri")
    assert [(r[0], str(r[1]), r[2]) for r in rows] == [
        ("000_7b51122feffa36ca.txt", "2025-12-18", "header"),
        ("002_a33c8814e50c2989.txt", "None", "unknown"),
    ]


def test_every_table_is_readable_with_duckdb(seeded: tuple[Path, dict, dict]) -> None:
    wh, _, _ = seeded
    for t in TABLE_NAMES:
        assert q(wh, f"select count(*) from {t}")[0][0] >= 0
    assert q(wh, "select count(*) from quarantine")[0][0] == 0
    readme = (wh / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^## `(\w+)`$", readme, re.M) == list(TABLE_NAMES)  # each table documented, in order
    assert "### `trade_figures`" in readme  # and the views


def test_cleaning_meets_the_gold(seeded: tuple[Path, dict, dict]) -> None:
    wh, _, _ = seeded
    ((t000,),) = q(wh, "select text from articles where source_uri like '000%'")
    ((t002, title002),) = q(wh, "select text, title from articles where source_uri like '002%'")
    assert "Рассказать друзьям" not in t000 and "date 2025-12-18" not in t000
    for s in [
        "Президента Казахстана Токаева",
        "Парламента Казахстана Айдос Сарым",
        "транзитных грузоперевозок",
        "Директор Центра исследований Южного Кавказа",
    ]:
        assert s in t002
    for s in ["Казах-", "Ка-", "гру-", "иссле-", "Векторы стратегического взаимодействия"]:
        assert s not in t002
    assert title002 == "Состоялось первое заседание азербайджано-казахстанского экспертного совета"


def test_entities_find_the_seed_people_and_countries(seeded: tuple[Path, dict, dict]) -> None:
    wh, _, _ = seeded
    per = q(
        wh,
        "select a.source_uri, e.normal from entities e join articles a using (article_id) "
        "where e.type = 'PER'",
    )
    normals = {uri[:3]: set() for uri, _ in per}
    for uri, normal in per:
        normals[uri[:3]].add(normal)
    assert {"Фарид Шафиев", "Касым-Жомарт Токаев", "Алим Байель"} <= normals["000"]
    assert {"Эркин Тукумов", "Фарид Шафиев", "Лидия Пархомчук"} <= normals["002"]
    # one entity: "Э.Тукумов" shares the canonical name of "Эркин Тукумов"
    assert q(wh, "select normal from entities where text = 'Э.Тукумов'") == [("Эркин Тукумов",)]
    iso = q(
        wh,
        "select a.source_uri, list(distinct e.country_iso2) from entities e join articles a "
        "using (article_id) where e.country_iso2 is not null group by 1 order by 1",
    )
    assert {"KZ", "AZ", "AM"} <= set(iso[0][1]) and {"KZ", "AZ"} <= set(iso[1][1])


def test_every_fact_points_at_its_words(seeded: tuple[Path, dict, dict]) -> None:
    wh, _, _ = seeded
    for t in ["date_mentions", "amounts", "entities", "trade_facts"]:
        bad = q(
            wh,
            f"select f.text, f.sentence from {t} f join articles a using (article_id) "
            f"where substr(a.text, f.start_char + 1, f.end_char - f.start_char) <> f.text "
            f"or strpos(f.sentence, f.text) = 0",
        )
        assert bad == [], (t, bad[:3])
    assert q(wh, "select count(*) from date_mentions")[0][0] >= 8
    assert q(wh, "select count(*) from trade_facts")[0][0] >= 2
    assert q(wh, "select count(distinct article_id) from topics")[0][0] == 2


def test_second_run_changes_nothing(seeded: tuple[Path, dict, dict]) -> None:
    wh, first, second = seeded
    assert second["n_new"] == 0 and second["n_skipped"] == 2 and second["rows_written"] == {}
    counts = {t: q(wh, f"select count(*) from {t}")[0][0] for t in TABLE_NAMES}
    assert counts["runs"] == 2
    for t, n in first["rows_written"].items():
        assert counts[t] == n, t
    assert q(wh, "select count(*) - count(distinct article_id) from articles")[0][0] == 0


def test_shared_gold_checker_passes(seeded: tuple[Path, dict, dict]) -> None:
    wh, _, _ = seeded
    checker = shared_path("tools", "check_seeds.py")
    gold = shared_path("gold", "seeds.yaml")
    out = subprocess.run(
        [sys.executable, str(checker), str(wh), str(gold), "contract", "cleaning", "entities"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    out = run_cli(str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh"))
    assert out.returncode == 2 and "does not exist" in out.stderr


def test_a_run_on_a_locked_warehouse_exits_with_a_clear_message(tmp_path: Path) -> None:
    from newsfacts.storage import Warehouse

    wh = tmp_path / "wh"
    src = tmp_path / "src"
    shutil.copytree(REPO / "seeds", src)
    with Warehouse(wh).lock():
        out = run_cli(str(src), "--warehouse", str(wh), "--no-ner")
    assert out.returncode == 1
    assert "another newsfacts run is writing" in out.stderr
