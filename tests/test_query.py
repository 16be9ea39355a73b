"""`newsfacts query` and the DuckDB views: one per table (from the contracts) plus the joined views."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from newsfacts import pipeline as nf
from newsfacts.storage import Warehouse
from newsfacts.tables import TABLES
from newsfacts.views import JOINED_VIEWS, query, views_sql
from tests.conftest import REPO

ARTICLES = [
    (
        "2025-01-15",
        "Товарооборот Казахстана и Азербайджана",
        "Товарооборот между Казахстаном и Азербайджаном в 2024 году вырос на 15% и превысил 500 млн долларов.",
    ),
    (
        "2025-02-03",
        "Экспорт зерна",
        "Казахстан в 2024 году экспортировал в Азербайджан 1,2 млн тонн пшеницы. "
        "В 2026 году поставки планируется увеличить.",
    ),
    (
        "2025-03-20",
        "Нефть через Каспий",
        "В первом квартале 2025 года Казахстан поставил в Германию 300 тысяч тонн нефти через Азербайджан.",
    ),
    (
        "2025-03-28",
        "Транзит по Среднему коридору",
        "Объем транзитных перевозок по Среднему коридору в 2024 году увеличился в 1,5 раза.",
    ),
    (None, "Без даты", "Узбекистан увеличил импорт газа из Туркменистана на 10%."),
]


def write_source(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"title": t, "text": body, **({"date": d} if d else {})}, ensure_ascii=False)
        for d, t, body in ARTICLES
    ]
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for seed in (REPO / "seeds").glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def build_warehouse(root: Path) -> Path:
    """A small warehouse written by the library directly (no Prefect, no NER, no GX: quick)."""
    src = write_source(root / "src")
    wh = Warehouse(root / "wh")
    wh.initialise("run-test")
    wh.write_docs()
    known = nf.KnownState({}, {}, {})
    batch = nf.read_inputs(src, known, "v", False, 10_000_000)
    plan = nf.parse_and_identify(batch.inputs, known, "run-test")
    frames = nf.extract_frames(plan.articles, nf.shared_extractors(False), "run-test")
    nf.publish(wh, frames, plan.sources, [], "run-test")
    return wh.root


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("query"))


def test_views_sql_covers_every_table_and_the_joins() -> None:
    sql = views_sql()
    for name in [*TABLES, *(v.name for v in JOINED_VIEWS)]:
        assert f"create or replace view {name} as" in sql
    assert "read_parquet('articles/**/*.parquet'" in sql  # relative to the warehouse folder


def test_views_sql_in_the_warehouse_runs_from_its_folder(warehouse: Path) -> None:
    con = duckdb.connect()
    con.execute(f"set file_search_path = '{warehouse}'")
    con.execute((warehouse / "views.sql").read_text(encoding="utf-8"))
    assert con.execute("select count(*) from articles").fetchone() == (7,)
    assert "DuckDB views" in (warehouse / "README.md").read_text(encoding="utf-8")


def test_joined_views(warehouse: Path) -> None:
    cols, rows = query(warehouse, "select indicator, source_uri, article_title from trade_facts_enriched")
    assert cols == ["indicator", "source_uri", "article_title"]
    assert rows and all(r[1] for r in rows)  # every fact found its article
    assert "Нефть через Каспий" in {r[2] for r in rows}
    _, n = query(warehouse, "select count(*) from trade_facts")
    assert len(rows) == n[0][0]
    _, months = query(
        warehouse, "select distinct month from topic_counts_monthly where month is not null order by 1"
    )
    assert [str(m[0]) for m in months] == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-12-01"]
    _, events = query(warehouse, "select count(*) from dated_events")
    assert events[0][0] >= 4


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("table", lambda out: out.splitlines()[0].split() == ["source_uri", "title"] and "(7 rows)" in out),
        ("csv", lambda out: out.splitlines()[0] == "source_uri,title" and len(out.splitlines()) == 8),
        ("json", lambda out: len([json.loads(line) for line in out.splitlines()]) == 7),
    ],
)
def test_query_command(warehouse: Path, fmt: str, check) -> None:  # noqa: ANN001
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "query",
            "select source_uri, title from articles order by 1",
            "--warehouse",
            str(warehouse),
            "--format",
            fmt,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert check(out.stdout), out.stdout


def test_query_errors_are_clear(warehouse: Path, tmp_path: Path) -> None:
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "query",
            "select nope from articles",
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "query failed" in bad.stderr and "nope" in bad.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "flows.cli", "query", "select 1", "--warehouse", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2 and "not a newsfacts warehouse" in missing.stderr


def test_the_date_filter_keeps_articles_published_in_range(tmp_path: Path) -> None:
    from datetime import date

    src = write_source(tmp_path / "src")
    known = nf.KnownState({}, {}, {})
    plan = nf.parse_and_identify(nf.read_inputs(src, known, "v", False, 10_000_000).inputs, known, "r")
    assert nf.filter_by_published(plan) == (plan, 0)
    kept, n_out = nf.filter_by_published(plan, date(2025, 2, 1), date(2025, 3, 31))
    dates = sorted(str(p.article.published_date) for p in kept.articles)
    assert dates == ["2025-02-03", "2025-03-20", "2025-03-28"] and n_out == 4  # undated articles are out
    assert {s["article_id"] for s in kept.sources} == {p.article_id for p in kept.articles}
    only_from, _ = nf.filter_by_published(plan, published_from=date(2025, 12, 1))
    assert [str(p.article.published_date) for p in only_from.articles] == ["2025-12-18"]
