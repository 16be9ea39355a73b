"""Object storage against a real S3 server (moto on 127.0.0.1): sources read from a bucket, the warehouse in a
bucket (publish, replace, de-duplicate, stage; atomic commits under readers and SIGKILL; the lock), and the
tables read back with DuckDB and pyarrow as an analyst would."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from newsfacts.ingest import RawInput, Rejection, iter_inputs, parse_input
from newsfacts.storage import FAULT_ENV, TableChange, Warehouse, WarehouseBusy, WarehouseError, open_warehouse
from newsfacts.storage.delta import CommitConflict, DeltaWarehouse, storage_options
from newsfacts.tables import TABLES
from tests.conftest import REPO
from tests.s3util import S3, article, moto_env, rows, source, upload_tree

IN, WH = "news-in", "news-wh"  # S3 bucket names have at least 3 characters ("in"/"wh" are refused)
SENTENCE = "Казахстан впервые стал основным поставщиком пшеницы на азербайджанский рынок."


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    with moto_env(IN, WH) as s3:
        yield s3


@pytest.fixture
def wh_url(s3: S3) -> str:
    return f"s3://{WH}/{uuid.uuid4().hex[:10]}"


def _ids(table: pa.Table) -> list[str]:
    return sorted(str(x) for x in table.column("article_id").to_pylist())


# ---------------------------------------------------------------------------------------------- sources
@pytest.fixture(scope="session")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus crafted bad inputs, as a local folder."""
    root = tmp_path_factory.mktemp("mixed")
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "big.txt").write_text(SENTENCE * 300, encoding="utf-8")
    lines = [json.dumps({"content": SENTENCE, "url": f"https://x.kz/2024/04/1{i}/a"}) for i in range(2)]
    (root / "feed.jsonl").write_text(lines[0] + '\n{"content": "обрыв строки", \n' + lines[1] + "\n", "utf-8")
    (root / "g.pdf").write_bytes(b"%PDF-1.7")
    (root / "sub" / ".cache").mkdir(parents=True)
    (root / "sub" / ".cache" / "x.txt").write_text(SENTENCE, encoding="utf-8")
    (root / "sub" / ".hidden.txt").write_text(SENTENCE, encoding="utf-8")
    (root / "sub" / "cp1251.txt").write_bytes(f"date 2024-04-12\n\n{SENTENCE}".encode("cp1251"))
    with zipfile.ZipFile(root / "sub" / "news.zip", "w") as zf:
        zf.writestr("a.json", json.dumps({"title": "Заголовок", "text": SENTENCE}))
        zf.writestr("b.jsonl", json.dumps({"content": SENTENCE}) + "\n{oops\n")
        zf.writestr("img.png", b"\x89PNG\r\n\x1a\n")
    (root / "sub" / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    return root


def _described(item: RawInput | Rejection, strip: str = "") -> tuple[Any, ...]:
    uri = item.source_uri.removeprefix(strip)
    if isinstance(item, RawInput):
        parsed = parse_input(item)
        outcome = (
            ("rejected", parsed.stage, parsed.reason)
            if isinstance(parsed, Rejection)
            else ("article", parsed.title, parsed.text, parsed.published_date)
        )
        return ("input", uri, item.kind, item.raw_sha256, hashlib.sha256(item.raw).hexdigest(), outcome)
    return ("rejection", uri, item.stage, item.reason, item.detail, item.raw_sha256)


def test_s3_prefix_reads_like_the_same_local_folder(s3: S3, mixed: Path) -> None:
    upload_tree(s3, mixed, IN, "mixed")
    local = [_described(i) for i in iter_inputs(mixed, max_bytes=20_000)]
    remote_items = list(iter_inputs(f"s3://{IN}/mixed", max_bytes=20_000))
    remote = [_described(i, f"s3://{IN}/mixed/") for i in remote_items]
    assert remote == local
    assert all(i.source_uri.startswith(f"s3://{IN}/mixed/") for i in remote_items)
    by_uri = {d[1]: d for d in remote}
    assert by_uri["empty.txt"][3] == "empty"
    assert by_uri["big.txt"][3] == "oversize"
    assert by_uri["feed.jsonl#L2"][3] == "malformed_json"
    assert by_uri["g.pdf"][3] == "unsupported_type"
    assert by_uri["sub/broken.zip"][3] == "bad_archive"
    assert by_uri["sub/news.zip/b.jsonl#L2"][3] == "malformed_json"
    assert by_uri["binary.txt"][-1] == ("rejected", "decode", "binary")
    assert by_uri["sub/news.zip/a.json"][-1][:2] == ("article", "Заголовок")
    assert (
        sum(1 for d in remote if d[1].startswith("seeds/") and d[0] == "input" and d[-1][0] == "article") == 2
    )
    # dot-entries are recorded, not read: a hidden folder is one row for all it holds
    assert by_uri["sub/.cache"][2:5] == (
        "read",
        "skipped_hidden",
        "a hidden folder (its name starts with '.'); nothing in it is read",
    )
    assert by_uri["sub/.hidden.txt"][2:4] == ("read", "skipped_hidden")
    assert not any(d[1].startswith("sub/.cache/") or d[0] == "input" and ".hidden" in d[1] for d in remote)
    # a trailing slash names the same prefix
    assert [i.source_uri for i in iter_inputs(f"s3://{IN}/mixed/", max_bytes=20_000)] == [
        i.source_uri for i in remote_items
    ]


def test_single_object_missing_prefix_and_missing_bucket(s3: S3, mixed: Path) -> None:
    upload_tree(s3, mixed, IN, "one")
    (item,) = iter_inputs(f"s3://{IN}/one/sub/cp1251.txt")
    assert isinstance(item, RawInput)
    assert item.source_uri == f"s3://{IN}/one/sub/cp1251.txt"
    assert item.raw == (mixed / "sub" / "cp1251.txt").read_bytes()
    for url in (f"s3://{IN}/no/such/prefix", "s3://no-such-bucket-here/x"):
        (missing,) = iter_inputs(url)
        assert isinstance(missing, Rejection)
        assert (missing.source_uri, missing.stage, missing.reason) == (url, "read", "not_found")
        assert url in missing.detail


def test_s3_inputs_are_streamed_one_by_one(s3: S3) -> None:
    client = s3.client()
    for name in ("a.txt", "b.txt", "c.txt"):
        client.put_object(Bucket=IN, Key=f"stream/{name}", Body=f"{name}: {SENTENCE}".encode())
    items = iter_inputs(f"s3://{IN}/stream")
    first = next(items)
    assert isinstance(first, RawInput) and first.raw.startswith(b"a.txt")
    client.delete_object(Bucket=IN, Key="stream/c.txt")  # listed already, not read yet
    second, third = list(items)
    assert isinstance(second, RawInput) and second.raw.startswith(b"b.txt")
    assert isinstance(third, Rejection) and (third.source_uri, third.reason) == (
        f"s3://{IN}/stream/c.txt",
        "unreadable",
    )


def test_oversize_object_is_rejected_on_its_listed_size(s3: S3) -> None:
    s3.client().put_object(Bucket=IN, Key="big/x.txt", Body=SENTENCE.encode() * 100)
    (item,) = iter_inputs(f"s3://{IN}/big", max_bytes=1_000)
    assert isinstance(item, Rejection) and item.reason == "oversize"
    assert "not read" in item.detail


def test_the_s3_endpoint_may_come_from_aws_endpoint_url_s3(s3: S3) -> None:
    """(Every other test reaches the server through AWS_ENDPOINT_URL alone.)"""
    s3.client().put_object(Bucket=IN, Key="env/a.txt", Body=SENTENCE.encode())
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env["AWS_ENDPOINT_URL_S3"] = s3.endpoint
    code = "from newsfacts.ingest import iter_inputs; print([i.source_uri for i in iter_inputs('s3://news-in/env')])"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['s3://news-in/env/a.txt']"


def test_file_url_is_read_like_the_local_path(mixed: Path) -> None:
    assert [_described(i) for i in iter_inputs(f"file://{mixed}")] == [
        _described(i) for i in iter_inputs(mixed)
    ]


# ---------------------------------------------------------------------------------------------- warehouse
def _delta(wh: DeltaWarehouse, name: str, version: int | None = None) -> DeltaTable:
    """Table ``name`` opened with deltalake alone, as an analyst would."""
    return DeltaTable(f"{wh.url}/{name}", version=version, storage_options=storage_options(wh.url))


def test_every_table_is_a_delta_table_with_the_contract_schema(s3: S3, wh_url: str) -> None:
    wh = DeltaWarehouse(wh_url)
    wh.initialise("r0")
    wh.write_docs()
    prefix = wh_url.split("/", 3)[3]
    for name, table in TABLES.items():
        assert s3.keys(WH, f"{prefix}/{name}/_delta_log/"), name
        got = _delta(wh, name).to_pyarrow_table()
        assert got.num_rows == 0
        assert got.schema.names == table.schema.names, name
    record = wh.last_publish()
    assert record is not None and record.sequence == 0 and set(record.tables) == set(TABLES)
    assert not any(
        "/_log/" in k or k.endswith("_manifest.json") for k in s3.keys(WH, prefix)
    )  # no manifest log
    readme = s3.client().get_object(Bucket=WH, Key=f"{prefix}/README.md")["Body"].read().decode()
    assert "Delta Lake" in readme and "pl.read_delta" in readme and "_publishes" in readme
    dictionary = duckdb_over(wh_url).sql(f"select count(*) from '{wh_url}/_dictionary/columns.parquet'")
    assert dictionary.fetchall() == [(sum(len(t.columns) for t in TABLES.values()),)]
    assert wh.duckdb_connection().sql("select count(*) from trade_facts_enriched").fetchall() == [(0,)]
    wh.initialise("r1")  # nothing missing: nothing committed
    assert wh.last_publish() == record


def duckdb_over(url: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection reading s3:// through fsspec (no httpfs here), as an analyst would set it up."""
    import s3fs

    con = duckdb.connect()
    con.register_filesystem(s3fs.S3FileSystem())
    return con


def test_a_replacement_is_a_predicate_overwrite_and_old_versions_stay_readable(wh_url: str) -> None:
    wh = DeltaWarehouse(wh_url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("a2")))}, "r1")
    first = wh.last_publish()
    assert first is not None
    wh.publish({"articles": TableChange(rows("articles", article("a1", "r2", title="new")), {"a1"})}, "r2")
    (last,) = _delta(wh, "articles").history(1)
    assert last["operation"] == "WRITE" and last["operationParameters"]["mode"] == "Overwrite"
    assert "article_id" in str(last["operationParameters"].get("predicate"))
    assert last["newsfacts.run_id"] == "r2"
    now = _delta(wh, "articles").to_pyarrow_table(columns=["article_id", "title"]).sort_by("article_id")
    assert now.to_pylist() == [
        {"article_id": "a1", "title": "new"},
        {"article_id": "a2", "title": "title a2"},
    ]
    old = _delta(wh, "articles", first.tables["articles"]).to_pyarrow_table(columns=["title"])
    assert sorted(old.column(0).to_pylist()) == ["title a1", "title a2"]  # time travel to the first publish
    assert wh.read("articles", publish=first).num_rows == 2


def test_duckdb_and_pyarrow_read_what_read_returns(wh_url: str) -> None:
    wh = DeltaWarehouse(wh_url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("a2")))}, "r1")
    wh.publish({"articles": TableChange(rows("articles", article("a3", title="третья")), {"a1"})}, "r2")
    expected = wh.read("articles").sort_by("article_id")
    assert _ids(expected) == ["a2", "a3"]
    via_view = wh.duckdb_connection().sql("select * from articles order by article_id").to_arrow_table()
    assert via_view.to_pylist() == expected.to_pylist()
    con = duckdb.connect()
    con.register("articles_delta", _delta(wh, "articles").to_pyarrow_dataset())  # the analysts' recipe
    via_duckdb = con.sql("select * from articles_delta order by article_id").to_arrow_table()
    assert via_duckdb.to_pylist() == expected.to_pylist()
    via_pandas = _delta(wh, "articles").to_pandas().sort_values("article_id")
    assert list(via_pandas["article_id"]) == ["a2", "a3"]
    assert all(u.startswith(f"{wh_url}/articles/") for u in wh.files("articles"))


def test_memory_urls_are_refused_with_a_reason() -> None:
    with pytest.raises(WarehouseError, match="memory://"):
        open_warehouse(f"memory://nf-{uuid.uuid4().hex[:8]}")


# ---------------------------------------------------------------------------------------------- atomicity
def test_readers_never_see_a_partial_or_mixed_publish(wh_url: str) -> None:
    writer = DeltaWarehouse(wh_url)
    writer.initialise("r0")
    done = threading.Event()
    problems: list[str] = []
    snapshots: list[int] = []

    def read_loop() -> None:
        reader = DeltaWarehouse(wh_url)
        while not done.is_set():
            p = reader.last_publish()
            assert p is not None
            try:
                arts = reader.read("articles", ["article_id", "run_id"], publish=p)
                srcs = reader.read("sources", ["article_id", "run_id"], publish=p)
            except Exception as exc:  # a missing object or a partial file would land here
                problems.append(f"publish {p.sequence}: {type(exc).__name__}: {exc}")
                continue
            if sorted(arts.to_pylist(), key=str) != sorted(srcs.to_pylist(), key=str):
                problems.append(
                    f"publish {p.sequence}: articles {arts.to_pylist()} != sources {srcs.to_pylist()}"
                )
            if arts.num_rows != p.sequence:
                problems.append(f"publish {p.sequence} has {arts.num_rows} articles")
            snapshots.append(p.sequence)

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        with writer.lock(run_id="writer"):
            for i in range(1, 9):
                # each publish adds article i to both tables and rewrites article i-1 in both (new run id);
                # the tables commit one by one, so a reader of the latest versions would see them mixed
                rid = f"r{i}"
                changes = {
                    "articles": TableChange(
                        rows("articles", *(article(f"a{j}", rid) for j in {i - 1, i} if j)), {f"a{i - 1}"}
                    ),
                    "sources": TableChange(
                        rows("sources", *(source(f"a{j}", f"u{j}", rid) for j in {i - 1, i} if j)),
                        {f"a{i - 1}"},
                    ),
                }
                writer.publish(changes, rid)
    finally:
        done.set()
        thread.join()
    assert problems == []
    assert len(set(snapshots)) >= 3, snapshots  # the reader really read during the publishes


CRASH_SCRIPT = """
import sys
from newsfacts.storage import TableChange, open_warehouse
from tests.s3util import article, rows, source
wh = open_warehouse(sys.argv[1])
wh.publish(
    {
        "articles": TableChange(rows("articles", article("b1", "crash"))),
        "sources": TableChange(rows("sources", source("b1", "u-b1", "crash"))),
    },
    "crash",
)
print("published")
"""


def test_a_killed_publish_is_invisible_to_newsfacts_and_rolled_back_by_the_next_writer(wh_url: str) -> None:
    wh = DeltaWarehouse(wh_url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r1")
    before = wh.last_publish()
    assert before is not None
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, wh_url],
        cwd=REPO,
        env={**os.environ, FAULT_ENV: "publish:after_stage_articles"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # the articles table went ahead (deltalake alone sees b1), the record did not: newsfacts reads the old state
    assert _ids(_delta(wh, "articles").to_pyarrow_table()) == ["a1", "b1"]
    assert wh.last_publish() == before and _ids(wh.read("articles")) == ["a1"]
    assert wh.duckdb_connection().sql("select article_id from articles").fetchall() == [("a1",)]
    with pytest.raises(WarehouseError, match="interrupted publish is pending"):
        wh.publish({"articles": TableChange(rows("articles", article("x")))}, "r-no-recover")
    with wh.lock(run_id="next"):
        done = wh.recover()
    assert done == [
        f"{wh_url}/articles: rolled back to version {before.tables['articles']} (interrupted publish undone)"
    ]
    assert _ids(_delta(wh, "articles").to_pyarrow_table()) == ["a1"]  # the latest version again holds a1 only
    wh.publish({"articles": TableChange(rows("articles", article("b1")))}, "r2")
    assert _ids(wh.read("articles")) == ["a1", "b1"]


# ---------------------------------------------------------------------------------------------- concurrency
def test_a_held_lock_makes_other_writers_busy(s3: S3, wh_url: str) -> None:
    first, second = DeltaWarehouse(wh_url), DeltaWarehouse(wh_url)
    with first.lock(run_id="run-one"):
        with (
            pytest.raises(WarehouseBusy, match=r"another newsfacts run is writing .*run run-one"),
            second.lock(),
        ):
            pass
        t0 = time.monotonic()
        with pytest.raises(WarehouseBusy, match="waited 1s"), second.lock(wait_seconds=1.0):
            pass
        assert time.monotonic() - t0 >= 1.0
    with second.lock(run_id="run-two"):  # released: free again
        body = json.loads(
            s3.client().get_object(Bucket=WH, Key=wh_url.split("/", 3)[3] + "/_lock.json")["Body"].read()
        )
        assert body["run_id"] == "run-two" and "pid" in body["owner"]
    assert not s3.keys(WH, wh_url.split("/", 3)[3] + "/_lock.json")


def test_the_lock_is_renewed_while_held_and_broken_when_stale(s3: S3, wh_url: str) -> None:
    holder = DeltaWarehouse(wh_url, lock_ttl_seconds=1.2)
    with holder.lock(run_id="long"):
        time.sleep(2.0)  # past the first expiry: the heartbeat renewed it
        with pytest.raises(WarehouseBusy), DeltaWarehouse(wh_url).lock():
            pass
    key = wh_url.split("/", 3)[3] + "/_lock.json"
    dead = {
        "owner": "host pid 1",
        "run_id": "dead",
        "token": "t",
        "acquired_at": "x",
        "expires_at": time.time() - 1,
    }
    s3.client().put_object(Bucket=WH, Key=key, Body=json.dumps(dead).encode())
    with DeltaWarehouse(wh_url).lock(run_id="next"):
        body = json.loads(s3.client().get_object(Bucket=WH, Key=key)["Body"].read())
        assert body["run_id"] == "next"


def test_a_writer_that_lost_its_lock_commits_nothing(s3: S3, wh_url: str) -> None:
    wh = DeltaWarehouse(wh_url)
    wh.initialise("r0")
    before = wh.last_publish()
    key = wh_url.split("/", 3)[3] + "/_lock.json"
    with wh.lock(run_id="slow"):
        other = {
            "owner": "other",
            "run_id": "other",
            "token": "other",
            "acquired_at": "x",
            "expires_at": time.time() + 60,
        }
        s3.client().put_object(Bucket=WH, Key=key, Body=json.dumps(other).encode())  # as if taken over
        with pytest.raises(WarehouseBusy, match="lost the lock"):
            wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "slow")
    assert wh.read("articles").num_rows == 0 and wh.last_publish() == before
    assert _delta(wh, "articles").version() == before.tables["articles"]  # not even one table commit
    body = json.loads(s3.client().get_object(Bucket=WH, Key=key)["Body"].read())
    assert body["token"] == "other"  # releasing did not delete the new holder's lock


def test_racing_writers_without_the_lock_commit_once_and_the_others_fail_cleanly(wh_url: str) -> None:
    DeltaWarehouse(wh_url).initialise("r0")
    n = 4
    barrier = threading.Barrier(n)
    outcomes: dict[str, str] = {}

    def write(i: int) -> None:
        wh = DeltaWarehouse(wh_url)
        real_commit = wh._commit

        def commit_together(*args: Any) -> int:
            barrier.wait(timeout=60)  # every writer has planned its publish on the same recorded state
            return real_commit(*args)

        wh._commit = commit_together  # type: ignore[method-assign]
        try:
            wh.publish({"articles": TableChange(rows("articles", article(f"w{i}")))}, f"w{i}")
            outcomes[f"w{i}"] = "committed"
        except CommitConflict:
            outcomes[f"w{i}"] = "conflict"

    threads = [threading.Thread(target=write, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [w for w, o in outcomes.items() if o == "committed"]
    assert len(outcomes) == n and len(winners) == 1
    wh = DeltaWarehouse(wh_url)
    record = wh.last_publish()
    assert record is not None and record.sequence == 1 and record.run_id == winners[0]
    assert _ids(wh.read("articles")) == winners
    assert _ids(_delta(wh, "articles").to_pyarrow_table()) == winners  # the losers committed nothing


# ---------------------------------------------------------------------------------------------- end to end
VOLATILE = {"run_id", "ingested_at", "at"}


def _cli(args: list[str], log: Path) -> tuple[int, str]:
    """Run ``newsfacts`` in its own session (Prefect's server child inherits the output), then reap it; the
    working directory is the log's folder, so nothing lands in the checkout."""
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "newsfacts"), *args],
            cwd=log.parent,
            env={**os.environ},
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=600)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, log.read_text(errors="replace")


def _content(rows_: list[dict[str, object]], strip: str = "") -> list[dict[str, object]]:
    out = []
    for r in rows_:
        r = {k: v for k, v in r.items() if k not in VOLATILE}
        if isinstance(r.get("source_uri"), str):
            r["source_uri"] = str(r["source_uri"]).removeprefix(strip)
        out.append(r)
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _delta_alone(url: str, name: str) -> tuple[int, list[dict[str, object]]]:
    """Table ``name`` of the warehouse at ``url`` read with deltalake alone (no newsfacts code): its latest
    version and its rows."""
    from deltalake import DeltaTable

    env = os.environ
    opts = {
        "AWS_ENDPOINT_URL": env["AWS_ENDPOINT_URL"],
        "AWS_ALLOW_HTTP": "true",
        "AWS_REGION": env["AWS_DEFAULT_REGION"],
        "AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
    }
    dt = DeltaTable(f"{url}/{name}", storage_options=opts)
    return dt.version(), dt.to_pyarrow_table().to_pylist()


@pytest.mark.slow
def test_cli_run_into_a_bucket_is_delta_lake_equal_to_a_local_run_and_idempotent(
    s3: S3, wh_url: str, tmp_path: Path
) -> None:
    code, out = _cli(["run", str(REPO / "seeds"), "--warehouse", wh_url, "--no-ner"], tmp_path / "s3.log")
    assert code == 0, out[-3000:]
    assert DeltaWarehouse(wh_url).exists(), "the run wrote nothing to the bucket: is open_warehouse wired in?"
    local = tmp_path / "local"
    code, out = _cli(
        ["run", str(REPO / "seeds"), "--warehouse", str(local), "--no-ner"], tmp_path / "local.log"
    )
    assert code == 0, out[-3000:]
    lwh = Warehouse(local)
    first = {name: _delta_alone(wh_url, name) for name in TABLES}
    assert len(first["articles"][1]) == 2
    for name in TABLES:
        if name != "runs":
            assert _content(first[name][1]) == _content(lwh.read(name).to_pylist()), name
    (run,) = first["runs"][1]
    assert (run["status"], run["n_new"]) == ("completed", 2)
    # a second run changes nothing: every data table keeps its Delta version and rows; runs gains one row
    code, out = _cli(["run", str(REPO / "seeds"), "--warehouse", wh_url, "--no-ner"], tmp_path / "s3-2.log")
    assert code == 0, out[-3000:]
    second = {name: _delta_alone(wh_url, name) for name in TABLES}
    for name in TABLES:
        if name != "runs":
            assert second[name] == first[name], name
    assert sorted((r["status"], r["n_new"]) for r in second["runs"][1]) == [
        ("completed", 0),
        ("completed", 2),
    ]


@pytest.mark.slow
def test_cli_run_from_a_bucket_into_a_bucket_equals_a_local_run(s3: S3, wh_url: str, tmp_path: Path) -> None:
    upload_tree(s3, REPO / "seeds", IN, "seeds")
    code, out = _cli(["run", f"s3://{IN}/seeds", "--warehouse", wh_url, "--no-ner"], tmp_path / "s3.log")
    assert code == 0, out[-3000:]
    local = tmp_path / "local"
    code, out = _cli(
        ["run", str(REPO / "seeds"), "--warehouse", str(local), "--no-ner"], tmp_path / "local.log"
    )
    assert code == 0, out[-3000:]

    con = DeltaWarehouse(wh_url).duckdb_connection()
    lwh = Warehouse(local)
    assert con.sql("select count(*) from articles").fetchall() == [(2,)]
    assert sorted(r[0] for r in con.sql("select source_uri from sources").fetchall()) == [
        f"s3://{IN}/seeds/{p.name}" for p in sorted((REPO / "seeds").iterdir())
    ]
    for name in TABLES:
        if name == "runs":
            continue
        remote = con.sql(f"select * from {name}").to_arrow_table().to_pylist()
        assert _content(remote, f"s3://{IN}/seeds/") == _content(lwh.read(name).to_pylist()), name
    (run,) = con.sql("select source, status, n_new from runs").fetchall()
    assert run == (f"s3://{IN}/seeds", "completed", 2)
