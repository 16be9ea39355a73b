"""The storage contract, run against both backends: a local folder (symlinked Parquet generations) and Delta
Lake tables on a real S3 server (moto on 127.0.0.1): publish, replace, de-duplicate, empty tables, staged rows,
a publish killed with SIGKILL at each of its fault points, racing writers, and an I/O error mid-publish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from newsfacts.storage import (
    FAULT_ENV,
    AnyWarehouse,
    TableChange,
    WarehouseBusy,
    WarehouseError,
    open_warehouse,
)
from newsfacts.tables import TABLES
from tests.conftest import REPO
from tests.s3util import S3, article, mention, moto_env, rows, source

BUCKET = "contract-wh"
Factory = Callable[[], AnyWarehouse]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with moto_env(BUCKET) as s3:
        yield s3


@pytest.fixture(params=["local", "delta"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "local":
        return str(tmp_path / "wh")
    request.getfixturevalue("s3")
    return f"s3://{BUCKET}/{uuid.uuid4().hex[:10]}"


@pytest.fixture
def make(location: str) -> Factory:
    """A new handle on the test's warehouse (each call: a fresh object, as another process would have)."""
    return lambda: open_warehouse(location)


def _ids(table: pa.Table) -> list[str]:
    return sorted(str(x) for x in table.column("article_id").to_pylist())


def _state(wh: AnyWarehouse) -> dict[str, list[dict[str, object]]]:
    return {name: sorted(wh.read(name).to_pylist(), key=repr) for name in TABLES}


def test_empty_warehouse_has_every_table_readable(make: Factory) -> None:
    wh = make()
    assert not wh.exists()
    assert wh.read("articles").num_rows == 0
    wh.initialise("r0")
    wh.write_docs()
    assert wh.exists() and make().exists()
    for name, table in TABLES.items():
        got = make().read(name)
        assert got.num_rows == 0 and got.schema.equals(table.schema, check_metadata=False), name
    before = _state(wh)
    wh.initialise("r1")  # nothing missing: nothing changes
    assert _state(make()) == before


def test_publish_replace_and_deduplicate(make: Factory) -> None:
    wh = make()
    wh.initialise("r0")
    added = wh.publish(
        {
            "articles": TableChange(rows("articles", article("a1"), article("a2"))),
            "sources": TableChange(
                rows("sources", source("a1", "u1"), source("a2", "u2"), source("a2", "u2"))
            ),
            "date_mentions": TableChange(
                rows("date_mentions", mention("a1", 0), mention("a1", 5), mention("a2", 0))
            ),
        },
        "r1",
    )
    assert added == {"articles": 2, "sources": 2, "date_mentions": 3}  # the repeated source row is dropped
    # known keys are dropped; a1's mentions are replaced, a2's stay
    added = wh.publish(
        {
            "sources": TableChange(rows("sources", source("a1", "u1"), source("a3", "u3"))),
            "date_mentions": TableChange(rows("date_mentions", mention("a1", 9, "в 2026 году")), {"a1"}),
        },
        "r2",
    )
    assert added == {"sources": 1, "date_mentions": 1}
    reader = make()
    got = reader.read("date_mentions", ["mention_id", "text"]).to_pylist()
    assert sorted(got, key=lambda r: str(r["mention_id"])) == [
        {"mention_id": "a1:d:9", "text": "в 2026 году"},
        {"mention_id": "a2:d:0", "text": "в 2025 году"},
    ]
    assert sorted(reader.read("sources", ["source_uri"]).column(0).to_pylist()) == ["u1", "u2", "u3"]
    before = _state(reader)
    assert wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r3") == {"articles": 0}
    assert _state(make()) == before  # a publish that changes nothing changes nothing
    # a replacement may bring rows of other articles too; replacing every row empties a table, still readable
    wh.publish({"articles": TableChange(rows("articles", article("a3", title="третья")), {"a1"})}, "r4")
    assert _ids(make().read("articles")) == ["a2", "a3"]
    wh.publish({"date_mentions": TableChange(rows("date_mentions"), {"a1", "a2"})}, "r5")
    emptied = make().read("date_mentions")
    assert emptied.num_rows == 0 and emptied.schema.equals(
        TABLES["date_mentions"].schema, check_metadata=False
    )


def test_staged_rows_publish_with_the_changes(make: Factory) -> None:
    wh = make()
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("old")))}, "r0")
    staged = wh.stage("r1")
    staged.append("articles", rows("articles", article("a1", title="new"), article("a2")))
    staged.append("articles", rows("articles", article("a3")))
    staged.append("date_mentions", rows("date_mentions", mention("a2", 0)))
    staged.append("topics", rows("topics"))  # no rows: nothing
    assert _ids(make().read("articles")) == ["a1", "old"]  # nothing visible before the publish
    added = wh.publish(
        {
            "articles": TableChange(rows("articles"), {"a1", "a2", "a3"}),
            "sources": TableChange(rows("sources", source("a2", "u2"))),
        },
        "r1",
        staged=staged,
    )
    assert added == {"articles": 3, "sources": 1, "date_mentions": 1}
    arts = make().read("articles", ["article_id", "title"]).sort_by("article_id").to_pylist()
    assert arts == [
        {"article_id": "a1", "title": "new"},
        {"article_id": "a2", "title": "title a2"},
        {"article_id": "a3", "title": "title a3"},
        {"article_id": "old", "title": "title old"},
    ]
    staged.discard()  # after the publish (the flow's exit callback): the published rows stay
    assert make().read("articles").num_rows == 4 and make().read("date_mentions").num_rows == 1
    dropped = wh.stage("r2")
    dropped.append("articles", rows("articles", article("a9")))
    dropped.discard()
    assert "a9" not in _ids(make().read("articles"))


CRASH_SCRIPT = """
import sys
from newsfacts.storage import TableChange, open_warehouse
from tests.s3util import article, rows, source
wh = open_warehouse(sys.argv[1])
wh.publish(
    {
        "articles": TableChange(rows("articles", article("b1", "crash"), article("a1", "crash")), {"a1"}),
        "sources": TableChange(rows("sources", source("b1", "u-b1", "crash"))),
    },
    "crash",
)
print("published")
"""
# where a publish can die, and whether the next writer finishes it (True) or undoes it (False)
CRASH_POINTS = {
    "local": {"after_stage_articles": False, "after_stage_sources": False, "after_journal": True},
    # (the script's last table is sources: once it is committed the publish is whole, only unrecorded)
    "delta": {"after_stage_articles": False, "after_stage_sources": True, "before_commit": True},
}


def _backend(location: str) -> str:
    return "delta" if location.startswith("s3://") else "local"


@pytest.mark.parametrize("point", ["after_stage_articles", "after_stage_sources", "finishing"])
def test_a_publish_killed_midway_leaves_the_previous_state_and_the_next_writer_finishes_or_undoes_it(
    make: Factory, location: str, point: str
) -> None:
    backend = _backend(location)
    if point == "finishing":
        point = next(p for p, forward in CRASH_POINTS[backend].items() if forward)
    wh = make()
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("a2")))}, "r1")
    before = _state(wh)
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, location],
        cwd=REPO,
        env={**os.environ, FAULT_ENV: f"publish:{point}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "published" not in proc.stdout
    if backend == "delta" or not CRASH_POINTS[backend][point]:
        assert _state(make()) == before  # readers see the previous publish, whole
    nxt = make()
    with nxt.lock():
        nxt.recover()
    after = make()
    if CRASH_POINTS[backend][point]:
        arts = after.read("articles", ["article_id", "run_id"]).sort_by("article_id").to_pylist()
        assert arts == [
            {"article_id": "a1", "run_id": "crash"},
            {"article_id": "a2", "run_id": "r1"},
            {"article_id": "b1", "run_id": "crash"},
        ]
        assert after.read("sources", ["source_uri"]).column(0).to_pylist() == ["u-b1"]
    else:
        assert _state(after) == before
    after.publish({"articles": TableChange(rows("articles", article("c1")))}, "r2")
    assert "c1" in _ids(make().read("articles"))


def test_racing_writers_are_serialised_by_the_lock(make: Factory) -> None:
    make().initialise("r0")
    n = 4
    barrier = threading.Barrier(n)
    outcomes: dict[str, str] = {}

    def write(i: int) -> None:
        wh = make()
        barrier.wait(timeout=60)
        try:
            with wh.lock(wait_seconds=120):
                wh.recover()
                wh.publish({"articles": TableChange(rows("articles", article(f"w{i}")))}, f"w{i}")
                wh.publish({"sources": TableChange(rows("sources", source(f"w{i}", f"u{i}")))}, f"w{i}")
            outcomes[f"w{i}"] = "committed"
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            outcomes[f"w{i}"] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == {f"w{i}": "committed" for i in range(n)}
    reader = make()
    assert _ids(reader.read("articles")) == [f"w{i}" for i in range(n)]
    assert _ids(reader.read("sources")) == [f"w{i}" for i in range(n)]
    # a writer that does not wait fails cleanly, with a message naming the warehouse
    holder, other = make(), make()
    with holder.lock(), pytest.raises(WarehouseBusy, match="another newsfacts run is writing"), other.lock():
        pass


@pytest.mark.parametrize("point", ["after_stage_articles", "after_stage_sources"])
def test_an_io_error_mid_publish_fails_clearly_and_keeps_the_previous_state(
    make: Factory, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    wh = make()
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r1")
    before = _state(wh)
    monkeypatch.setenv(FAULT_ENV, f"ioerror:{point}")
    changes = {
        "articles": TableChange(
            rows("articles", article("a1", "r2", title="new"), article("b1", "r2")), {"a1"}
        ),
        "sources": TableChange(rows("sources", source("b1", "u-b1", "r2"))),
        "date_mentions": TableChange(rows("date_mentions", mention("b1", 0)), {"b1"}),
    }
    with pytest.raises(
        WarehouseError, match=r"publishing run r2 to .* failed.*No space left on device"
    ) as err:
        wh.publish(changes, "r2")
    assert "previous publish" in str(err.value)
    assert _state(make()) == before
    monkeypatch.delenv(FAULT_ENV)
    retry = make()
    with retry.lock():
        retry.recover()
        assert _state(make()) == before
        retry.publish(changes, "r2")
    after = make()
    assert after.read("articles", ["article_id", "title"]).sort_by("article_id").to_pylist() == [
        {"article_id": "a1", "title": "new"},
        {"article_id": "b1", "title": "title b1"},
    ]
    assert after.read("sources").num_rows == 1 and after.read("date_mentions").num_rows == 1
