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
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from newsfacts.objectstore import CommitConflict, Manifest, ObjectWarehouse
from newsfacts.warehouse import FAULT_ENV, TableChange, Warehouse, WarehouseBusy

from newsfacts.ingest import RawInput, Rejection, iter_inputs, parse_input
from newsfacts.tables import TABLES
from tests.conftest import REPO
from tests.s3util import REGION, S3, article, free_port, mention, rows, source, upload_tree

IN, WH = "news-in", "news-wh"  # S3 bucket names have at least 3 characters ("in"/"wh" are refused)
SENTENCE = "Казахстан впервые стал основным поставщиком пшеницы на азербайджанский рынок."


@pytest.fixture(scope="session")
def s3() -> Iterator[S3]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    s3 = S3(f"http://127.0.0.1:{port}")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in s3.env.items():
            mp.setenv(k, v)
        mp.delenv("AWS_ENDPOINT_URL_S3", raising=False)
        mp.delenv("AWS_PROFILE", raising=False)
        for bucket in (IN, WH):
            s3.client().create_bucket(Bucket=bucket)
        yield s3
    server.stop()


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
def test_empty_warehouse_has_every_table_readable(wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url)
    assert not wh.exists()
    assert wh.read("articles").num_rows == 0
    wh.initialise("r0")
    wh.write_docs()
    assert wh.exists()
    for name, table in TABLES.items():
        got = wh.read(name)
        assert got.num_rows == 0 and got.schema.equals(table.schema, check_metadata=False)
        (url,) = wh.files(name)
        assert url.startswith(f"{wh_url}/data/{name}/") and url.endswith(".parquet")
    con = wh.duckdb_connection()
    assert con.sql("select count(*) from trade_facts_enriched").fetchall() == [(0,)]
    readme = ObjectWarehouse(wh_url)._objects.read("README.md")
    assert readme is not None and b"Do not glob `data/`" in readme
    dictionary = duckdb_over(wh_url).sql(f"select count(*) from '{wh_url}/_dictionary/columns.parquet'")
    assert dictionary.fetchall() == [(sum(len(t.columns) for t in TABLES.values()),)]
    wh.initialise("r1")  # nothing missing: no new commit
    assert wh.manifest().sequence == 1


def duckdb_over(url: str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection reading s3:// through fsspec (no httpfs here), as an analyst would set it up."""
    import s3fs

    con = duckdb.connect()
    con.register_filesystem(s3fs.S3FileSystem())
    return con


def test_publish_replace_and_deduplicate(wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url)
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
    got = wh.read("date_mentions", ["mention_id", "text"]).to_pylist()
    assert sorted(got, key=lambda r: r["mention_id"]) == [
        {"mention_id": "a1:d:9", "text": "в 2026 году"},
        {"mention_id": "a2:d:0", "text": "в 2025 году"},
    ]
    assert sorted(wh.read("sources", ["source_uri"]).column(0).to_pylist()) == ["u1", "u2", "u3"]
    assert wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r3") == {"articles": 0}
    assert wh.manifest().sequence == 3  # a publish that changes nothing commits nothing
    # replacing every row of an object drops it; an emptied table stays readable
    wh.publish({"date_mentions": TableChange(rows("date_mentions"), {"a1", "a2"})}, "r4")
    assert wh.read("date_mentions").num_rows == 0
    assert len(wh.files("date_mentions")) == 1


def test_duckdb_and_pyarrow_read_what_read_returns(s3: S3, wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("a2")))}, "r1")
    wh.publish({"articles": TableChange(rows("articles", article("a3", title="третья")), {"a1"})}, "r2")
    expected = wh.read("articles").sort_by("article_id")
    assert _ids(expected) == ["a2", "a3"]
    via_view = wh.duckdb_connection().sql("select * from articles order by article_id").to_arrow_table()
    assert via_view.to_pylist() == expected.to_pylist()
    files = wh.files("articles")
    via_duckdb = (
        duckdb_over(wh_url).sql(f"select * from read_parquet({files!r}) order by article_id").to_arrow_table()
    )
    assert via_duckdb.to_pylist() == expected.to_pylist()
    arrow_s3 = pafs.S3FileSystem(endpoint_override=s3.endpoint, region=REGION, scheme="http")
    dataset = ds.dataset([f.removeprefix("s3://") for f in files], format="parquet", filesystem=arrow_s3)
    assert dataset.to_table().sort_by("article_id").to_pylist() == expected.to_pylist()


def test_staged_rows_publish_with_the_changes(s3: S3, wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url, stage_flush_bytes=0)  # every append its own object
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1"), article("old")))}, "r0")
    staged = wh.stage("r1")
    staged.append("articles", rows("articles", article("a1", title="new"), article("a2")))
    staged.append("articles", rows("articles", article("a3")))
    staged.append("date_mentions", rows("date_mentions", mention("a2", 0)))
    staged.append("topics", rows("topics"))  # no rows: nothing
    assert _ids(wh.read("articles")) == ["a1", "old"]  # nothing visible before the publish
    added = wh.publish(
        {
            "articles": TableChange(rows("articles"), {"a1", "a2", "a3"}),
            "sources": TableChange(rows("sources", source("a2", "u2"))),
        },
        "r1",
        staged=staged,
    )
    assert added == {"articles": 3, "sources": 1, "date_mentions": 1}
    arts = wh.read("articles", ["article_id", "title"]).sort_by("article_id").to_pylist()
    assert arts == [
        {"article_id": "a1", "title": "new"},
        {"article_id": "a2", "title": "title a2"},
        {"article_id": "a3", "title": "title a3"},
        {"article_id": "old", "title": "title old"},
    ]
    staged.discard()  # after the publish (the flow's exit callback): the committed objects stay
    assert wh.read("articles").num_rows == 4 and wh.read("date_mentions").num_rows == 1
    # a staging area discarded before any publish leaves no object behind
    before = s3.keys(WH, wh_url.split("/", 3)[3] + "/data/")
    dropped = wh.stage("r2")
    dropped.append("articles", rows("articles", article("a9")))
    dropped.finish()
    dropped.discard()
    assert s3.keys(WH, wh_url.split("/", 3)[3] + "/data/") == before
    assert "a9" not in _ids(wh.read("articles"))


def test_memory_url_works_the_same() -> None:
    wh = ObjectWarehouse(f"memory://nf-{uuid.uuid4().hex[:8]}")
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r1")
    assert _ids(wh.read("articles")) == ["a1"]
    assert wh.duckdb_connection().sql("select article_id from articles").fetchall() == [("a1",)]


# ---------------------------------------------------------------------------------------------- atomicity
def test_readers_never_see_a_partial_or_mixed_publish(wh_url: str) -> None:
    writer = ObjectWarehouse(wh_url, keep_manifests=10)
    writer.initialise("r0")
    done = threading.Event()
    problems: list[str] = []
    snapshots: list[int] = []

    def read_loop() -> None:
        reader = ObjectWarehouse(wh_url)
        while not done.is_set():
            try:
                m = reader.manifest()
                arts = reader.read("articles", ["article_id", "run_id"], manifest=m)
                srcs = reader.read("sources", ["article_id", "run_id"], manifest=m)
            except Exception as exc:  # a missing object or a partial file would land here
                problems.append(f"manifest {m.sequence}: {type(exc).__name__}: {exc}")
                continue
            if arts.to_pylist() and sorted(arts.to_pylist(), key=str) != sorted(srcs.to_pylist(), key=str):
                problems.append(
                    f"manifest {m.sequence}: articles {arts.to_pylist()} != sources {srcs.to_pylist()}"
                )
            if arts.num_rows != max(0, m.sequence - 1):
                problems.append(f"manifest {m.sequence} has {arts.num_rows} articles")
            snapshots.append(m.sequence)

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        with writer.lock(run_id="writer"):
            for i in range(1, 17):
                # each publish adds article i to both tables and rewrites article i-1 in both (new run id)
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
                if i % 5 == 0:
                    writer.recover()  # deletes what no kept manifest names, under the readers' feet
    finally:
        done.set()
        thread.join()
    assert problems == []
    assert len(set(snapshots)) >= 5, snapshots  # the reader really read during the publishes


CRASH_SCRIPT = """
import sys
from newsfacts.objectstore import ObjectWarehouse
from newsfacts.warehouse import TableChange
from tests.s3util import article, rows, source
wh = ObjectWarehouse(sys.argv[1])
wh.publish(
    {
        "articles": TableChange(rows("articles", article("b1", "crash"))),
        "sources": TableChange(rows("sources", source("b1", "u-b1", "crash"))),
    },
    "crash",
)
print("published")
"""


@pytest.mark.parametrize("point", ["after_stage_articles", "before_commit"])
def test_a_killed_publish_leaves_the_old_state_and_recover_removes_its_objects(
    s3: S3, wh_url: str, point: str
) -> None:
    wh = ObjectWarehouse(wh_url)
    wh.initialise("r0")
    wh.publish({"articles": TableChange(rows("articles", article("a1")))}, "r1")
    before = wh.manifest()
    prefix = wh_url.split("/", 3)[3]
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, wh_url],
        cwd=REPO,
        env={**os.environ, FAULT_ENV: f"publish:{point}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "published" not in proc.stdout
    assert wh.manifest() == before
    assert _ids(wh.read("articles")) == ["a1"] and wh.read("sources").num_rows == 0
    orphans = {k for k in s3.keys(WH, f"{prefix}/data/") if "/part-crash-" in k}
    assert {k.split("/")[-2] for k in orphans} == (
        {"articles"} if point == "after_stage_articles" else {"articles", "sources"}
    )
    with wh.lock(run_id="next"):
        removed = wh.recover()
    assert sorted(removed) == sorted(f"s3://{WH}/{k}" for k in orphans)
    assert not any("/part-crash-" in k for k in s3.keys(WH, f"{prefix}/data/"))
    assert _ids(wh.read("articles")) == ["a1"]  # what the manifest names survived
    wh.publish({"articles": TableChange(rows("articles", article("b1")))}, "r2")
    assert _ids(wh.read("articles")) == ["a1", "b1"]


def test_recover_prunes_the_log_and_keeps_what_kept_manifests_name(s3: S3, wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url, keep_manifests=3)
    wh.initialise("r0")
    for i in range(1, 6):  # each publish replaces the single article: the old objects are superseded
        wh.publish({"articles": TableChange(rows("articles", article("a", f"r{i}")), {"a"})}, f"r{i}")
    prefix = wh_url.split("/", 3)[3]
    with wh.lock():
        removed = wh.recover()
    logs = [k for k in s3.keys(WH, f"{prefix}/_log/")]
    assert [k.rsplit("/", 1)[1] for k in logs] == [f"{n:020d}.json" for n in (4, 5, 6)]
    named = set().union(
        *(Manifest.from_json(s3.client().get_object(Bucket=WH, Key=k)["Body"].read()).keys() for k in logs)
    )
    assert set(s3.keys(WH, f"{prefix}/data/")) == {f"{prefix}/{k}" for k in named}
    # seq 1..3 are pruned: the empty placeholder (r0) and the objects of r1 and r2 go; r3's (seq 4) stays
    assert sorted(u.split("/articles/part-")[1].split("-")[0] for u in removed) == ["r0", "r1", "r2"]
    assert wh.read("articles", ["run_id"]).column(0).to_pylist() == ["r5"]
    current = json.loads(s3.client().get_object(Bucket=WH, Key=f"{prefix}/_manifest.json")["Body"].read())
    assert current["sequence"] == 6 and current["run_id"] == "r5"


# ---------------------------------------------------------------------------------------------- concurrency
def test_a_held_lock_makes_other_writers_busy(s3: S3, wh_url: str) -> None:
    first, second = ObjectWarehouse(wh_url), ObjectWarehouse(wh_url)
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
    holder = ObjectWarehouse(wh_url, lock_ttl_seconds=1.2)
    with holder.lock(run_id="long"):
        time.sleep(2.0)  # past the first expiry: the heartbeat renewed it
        with pytest.raises(WarehouseBusy), ObjectWarehouse(wh_url).lock():
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
    with ObjectWarehouse(wh_url).lock(run_id="next"):
        body = json.loads(s3.client().get_object(Bucket=WH, Key=key)["Body"].read())
        assert body["run_id"] == "next"


def test_a_writer_that_lost_its_lock_commits_nothing(s3: S3, wh_url: str) -> None:
    wh = ObjectWarehouse(wh_url)
    wh.initialise("r0")
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
    assert wh.read("articles").num_rows == 0 and wh.manifest().sequence == 1
    body = json.loads(s3.client().get_object(Bucket=WH, Key=key)["Body"].read())
    assert body["token"] == "other"  # releasing did not delete the new holder's lock


def test_a_publish_built_on_an_old_state_cannot_commit(
    s3: S3, wh_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = ObjectWarehouse(wh_url), ObjectWarehouse(wh_url)
    one.initialise("r0")
    stale = two.manifest()
    one.publish({"articles": TableChange(rows("articles", article("a1")))}, "one")
    monkeypatch.setattr(two, "manifest", lambda: stale)  # two read the warehouse before one committed
    with pytest.raises(CommitConflict, match="committed publish #2"):
        two.publish({"articles": TableChange(rows("articles", article("a2")))}, "two")
    monkeypatch.undo()
    assert _ids(two.read("articles")) == ["a1"]
    assert not any("/part-two-" in k for k in s3.keys(WH, wh_url.split("/", 3)[3] + "/data/"))


def test_racing_writers_commit_one_sequence_number_once(wh_url: str) -> None:
    ObjectWarehouse(wh_url).initialise("r0")
    n = 6
    barrier = threading.Barrier(n)
    outcomes: dict[str, str] = {}

    def write(i: int) -> None:
        wh = ObjectWarehouse(wh_url)
        real_commit = wh._commit

        def commit_together(m: Manifest) -> None:
            barrier.wait(timeout=30)  # every writer has built its publish on the same state
            real_commit(m)

        wh._commit = commit_together  # type: ignore[method-assign, assignment]
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
    wh = ObjectWarehouse(wh_url)
    assert wh.manifest().sequence == 2 and _ids(wh.read("articles")) == winners


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


@pytest.mark.slow
def test_cli_run_from_a_bucket_into_a_bucket_equals_a_local_run(s3: S3, wh_url: str, tmp_path: Path) -> None:
    upload_tree(s3, REPO / "seeds", IN, "seeds")
    code, out = _cli(["run", f"s3://{IN}/seeds", "--warehouse", wh_url, "--no-ner"], tmp_path / "s3.log")
    assert code == 0, out[-3000:]
    assert ObjectWarehouse(wh_url).exists(), (
        "the run wrote nothing to the bucket: is open_warehouse wired in?"
    )
    local = tmp_path / "local"
    code, out = _cli(
        ["run", str(REPO / "seeds"), "--warehouse", str(local), "--no-ner"], tmp_path / "local.log"
    )
    assert code == 0, out[-3000:]

    con = ObjectWarehouse(wh_url).duckdb_connection()
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
