"""Warehouse integrity (issue 19, cases 4 and 5): each publish records what it wrote; every run verifies it
before writing; a truncated part or a generation deleted by hand is reported by table and file, healed when the
source still holds the lost articles' inputs, refused (with the repair command) when it does not, and
``newsfacts repair`` rebuilds what it can and lists the rest. Real runs of the flow, real Parquet files, DuckDB
reads."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows import cli
from newsfacts.storage import Warehouse
from newsfacts.storage.integrity import check_part, record_part
from newsfacts.tables import TABLES
from tests.conftest import REPO

pytestmark = pytest.mark.slow

ARTICLES = {
    "kaz_grain.txt": (
        "date 2025-11-03\n\nКазахстан увеличил экспорт пшеницы в Азербайджан\n\n"
        "За девять месяцев 2025 года Казахстан экспортировал в Азербайджан 420 тысяч тонн пшеницы, "
        "сообщили в Министерстве сельского хозяйства РК. Это на 12% больше, чем годом ранее.\n"
    ),
    "aktau_port.txt": (
        "date 2025-10-21\n\nПорт Актау нарастил перевалку грузов\n\n"
        "Морской порт Актау в январе-сентябре перевалил 4,1 млн тонн грузов. Товарооборот Казахстана и "
        "Азербайджана в 2024 году составил 480 млн долларов, сообщили в министерстве транспорта.\n"
    ),
    "baku_forum.txt": (
        "date 2025-09-15\n\nВ Баку обсудили развитие Среднего коридора\n\n"
        "Министры транспорта Азербайджана, Грузии и Казахстана встретились в Баку. Объём перевозок по "
        "Транскаспийскому международному транспортному маршруту в 2024 году вырос на 62% и достиг 4,5 млн тонн.\n"
    ),
}


def _source(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(ARTICLES[name], encoding="utf-8")
    return folder


def q(wh: Path, sql: str) -> list[tuple]:
    """``sql`` over the warehouse as an analyst reads it (read_parquet of every table's files)."""
    con = duckdb.connect()
    for t in (t for t in TABLES if re.search(rf"\b{t}\b", sql)):  # only those it reads: one may be damaged
        con.execute(
            f"create view {t} as select * from read_parquet('{wh}/{t}/**/*.parquet', union_by_name=true)"
        )
    return con.execute(sql).fetchall()


VOLATILE = ("run_id", "ingested_at", "at")  # what a re-extraction changes by design


def _stable(wh: Path, table: str) -> list[tuple]:
    """Every row of ``table`` without the columns that say when and by which run it was written."""
    drop = ", ".join(c for c in VOLATILE if c in TABLES[table].column_names)
    return q(wh, f"select * {f'exclude ({drop})' if drop else ''} from {table} order by all")


def _ids(wh: Path, table: str = "articles") -> set[str]:
    return {r[0] for r in q(wh, f"select distinct article_id from {table}")}


def _orphans(wh: Path) -> list[tuple]:
    """Rows of fact tables and sources pointing at an article that is not in ``articles``."""
    tables = ["sources", "date_mentions", "amounts", "trade_facts", "topics"]
    sql = " union all ".join(
        f"select '{t}', article_id from {t} where article_id not in (select article_id from articles)"
        for t in tables
    )
    return q(wh, sql)


def _last_run(wh: Path) -> tuple[str, str | None]:
    return q(wh, "select status, message from runs order by finished_at desc limit 1")[0]


def _query_error(wh: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["query", "select count(*) from articles", "--warehouse", str(wh)])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def flow():  # noqa: ANN201 - the Prefect flow object
    from flows.pipeline import articles_pipeline

    return articles_pipeline


def _run(flow, src: Path, wh: Path, **kw: object) -> dict:  # noqa: ANN001
    return flow(source=str(src), warehouse=str(wh), ner=False, **kw)


# ---------------------------------------------------------------------------------------------- part checks
def _part(tmp_path: Path) -> Path:
    path = tmp_path / "part.parquet"
    pq.write_table(pa.table({"article_id": ["a1", "a2", "a1"], "x": [1, 2, 3]}), path)
    return path


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _overwrite_tail(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[-20:-12] = b"\xff" * 8
    p.write_bytes(bytes(data))


def _flip_first_page_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[8] ^= 0xFF
    p.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "full", "expected"),
    [
        (None, False, None),
        (None, True, None),
        (_truncate, False, "bytes, the publish wrote"),
        (lambda p: p.unlink(), False, "is missing"),
        (_overwrite_tail, False, "footer other than the one the publish wrote"),
        (_flip_first_page_byte, False, None),  # the run's cheap check reads only size and footer
        (_flip_first_page_byte, True, "checksum other than the one the publish wrote"),  # repair reads it all
    ],
)
def test_a_part_is_checked_against_its_record(
    tmp_path: Path, damage, full: bool, expected: str | None
) -> None:  # noqa: ANN001
    path = _part(tmp_path)
    record = record_part(path)
    assert record.rows == 3 and record.article_ids == ("a1", "a2")
    if damage is not None:
        damage(path)
    problem = check_part(path, record, full=full)
    assert (problem is None) if expected is None else (expected in (problem or ""))


def test_a_part_without_a_record_is_checked_by_its_footer(tmp_path: Path) -> None:
    path = _part(tmp_path)
    assert check_part(path, None) is None
    _truncate(path)
    assert "Parquet footer" in (check_part(path, None) or "")


# ---------------------------------------------------------------------------------------------- real runs
def _current_part(wh: Path, table: str) -> Path:
    (part,) = [p for p in Warehouse(wh).files(table) if not p.name.endswith("part-empty.parquet")]
    return part


@pytest.mark.parametrize("table", ["articles", "trade_facts"])
def test_a_truncated_part_is_named_by_query_and_re_extracted_by_the_next_run(
    flow,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,  # noqa: ANN001
) -> None:
    src = _source(tmp_path / "src", list(ARTICLES))
    wh = tmp_path / "wh"
    _run(flow, src, wh)
    before_articles = q(wh, "select article_id, title, published_date from articles order by 1")
    before_rows = _stable(wh, table)
    assert before_rows
    part = _current_part(wh, table)
    _truncate(part)

    code, err = _query_error(wh, capsys)
    assert code == 1
    assert f"table {table}: .store/{table}/" in err and part.name in err and "truncated" in err
    assert f"newsfacts repair --warehouse {wh} --source SOURCE" in err
    assert "magic bytes" not in err and len(err.strip().splitlines()) == 1

    result = _run(flow, src, wh)  # the same source still holds every lost article's input
    assert "re-extracted" in (result["integrity"] or "")
    assert q(wh, "select article_id, title, published_date from articles order by 1") == before_articles
    assert _stable(wh, table) == before_rows
    status, message = _last_run(wh)
    assert status == "completed" and f"table {table}" in (message or "") and "re-extracted" in (message or "")
    assert Warehouse(wh).verify(full=True).ok
    assert _orphans(wh) == []


def test_a_deleted_generation_refuses_a_run_over_another_source_and_repair_rebuilds_what_it_can(
    flow,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    from flows.pipeline import RunFailed

    first = _source(tmp_path / "first", ["kaz_grain.txt"])
    second = _source(tmp_path / "second", ["aktau_port.txt", "baku_forum.txt"])
    wh = tmp_path / "wh"
    _run(flow, first, wh)
    _run(flow, second, wh)
    all_ids = _ids(wh)
    assert len(all_ids) == 3
    current = (wh / "articles").resolve()
    shutil.rmtree(current)  # the newest generation of articles, deleted by hand

    code, err = _query_error(wh, capsys)
    assert f"table articles: .store/articles/{current.name} is missing" in err and "newsfacts repair" in err

    other = _source(tmp_path / "other", [])  # a run over another source: it holds none of the lost articles
    (other / "new.txt").write_text(ARTICLES["kaz_grain.txt"].replace("420", "430"), encoding="utf-8")
    with pytest.raises(RunFailed) as failed:
        _run(flow, other, wh)
    message = str(failed.value)
    assert "table articles" in message and current.name in message and "2 articles" in message
    assert f"newsfacts repair --warehouse {wh} --source SOURCE" in message and "published nothing" in message
    assert _last_run(wh) == ("failed", message)
    assert not (wh / "articles").resolve().exists()  # nothing was published over the lost rows

    repair_src = _source(tmp_path / "repair", ["aktau_port.txt"])  # holds one of the two lost articles
    capsys.readouterr()
    assert cli.main(["repair", "--warehouse", str(wh), "--source", str(repair_src), "--no-ner"]) == 0
    out = capsys.readouterr().out
    assert "1 lost article(s) re-extracted" in out
    assert "1 lost article(s) whose inputs" in out and "dropped from every table" in out
    kept = _ids(wh)
    assert len(kept) == 2 and kept < all_ids
    (dropped,) = all_ids - kept
    assert dropped in out
    assert _orphans(wh) == []
    assert q(wh, "select count(*) from articles where text like '%Актау%'") == [(1,)]
    status, message = _last_run(wh)
    assert status == "completed" and "dropped from every table" in (message or "")
    assert Warehouse(wh).verify(full=True).ok
    assert cli.main(["query", "select count(*) from trade_facts", "--warehouse", str(wh)]) == 0


def test_a_table_link_deleted_by_hand_loses_no_rows(
    flow,  # noqa: ANN001
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`rm warehouse/articles` removes the table's link, not its data: `newsfacts query` names the damage, the
    next run reads the newest generation, says so and relinks the table, and no row is lost (before, an empty
    table was published over it)."""
    first = _source(tmp_path / "first", ["kaz_grain.txt", "aktau_port.txt"])
    wh = tmp_path / "wh"
    _run(flow, first, wh)
    before = _stable(wh, "articles")
    facts = _stable(wh, "trade_facts")
    (wh / "articles").unlink()  # the link only; its generation stays in .store/
    code, err = _query_error(wh, capsys)
    assert code != 0 and "table articles: articles is missing (the table's link was deleted)" in err
    assert "newsfacts repair" in err
    summary = _run(flow, _source(tmp_path / "second", ["baku_forum.txt"]), wh)
    assert "table's link was deleted" in (summary["integrity"] or "")
    assert (wh / "articles").is_symlink()
    assert set(before) < set(_stable(wh, "articles")) and len(_ids(wh)) == 3
    assert set(facts) <= set(_stable(wh, "trade_facts")) and _orphans(wh) == []
    status, message = _last_run(wh)
    assert status == "completed" and "table's link was deleted" in (message or "")
    assert Warehouse(wh).verify(full=True).ok


def test_a_run_over_an_intact_warehouse_reports_no_damage(flow, tmp_path: Path) -> None:  # noqa: ANN001
    src = _source(tmp_path / "src", ["kaz_grain.txt"])
    wh = tmp_path / "wh"
    assert _run(flow, Path(REPO / "seeds"), wh)["integrity"] is None
    assert _run(flow, src, wh)["integrity"] is None
    status, message = _last_run(wh)
    assert (status, message) == ("completed", None)
    assert Warehouse(wh).verify(full=True).ok


# ---------------------------------------------------------------------------------------------- object store
@pytest.fixture(scope="module")
def s3():  # noqa: ANN201 - a moto S3 server with a warehouse bucket
    from tests.s3util import moto_env

    with moto_env("integrity-wh") as server:
        yield server


def test_a_truncated_delta_part_is_named_by_verify_query_and_repair(
    s3,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    from newsfacts.storage import TableChange
    from newsfacts.storage.delta import DeltaWarehouse
    from tests.s3util import article, rows

    url = "s3://integrity-wh/wh"
    wh = DeltaWarehouse(url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("a2")))}, "r1")
    assert wh.verify().ok
    (part,) = [u for u in wh.files("articles") if u.endswith(".parquet")]
    key = part.removeprefix("s3://integrity-wh/")
    body = s3.client().get_object(Bucket="integrity-wh", Key=key)["Body"].read()
    s3.client().put_object(Bucket="integrity-wh", Key=key, Body=body[: len(body) // 2])

    (damage,) = wh.verify().damages
    assert damage.table == "articles" and damage.file == part and "the Delta log recorded" in damage.problem
    assert "articles a1 to a2" in damage.problem and damage.rows == 2

    code, err = _query_error(url, capsys)  # type: ignore[arg-type]
    assert code == 1 and f"table articles: {part}" in err and "newsfacts repair" in err
    assert len(err.strip().splitlines()) == 1
    assert cli.main(["repair", "--warehouse", url, "--source", str(REPO / "seeds")]) == 1
    assert "table articles" in capsys.readouterr().err
