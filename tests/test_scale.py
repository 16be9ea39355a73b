"""Streaming and parallel extraction: chunked runs, worker processes, staging, estimates."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from newsfacts import pipeline as nf
from newsfacts.parallel import ExtractPool
from newsfacts.storage import FAULT_ENV, TableChange, Warehouse
from newsfacts.storage.local import STAGING
from newsfacts.tables import TABLES
from tests.conftest import REPO, date_mention_rows, shared_path

VOLATILE = {"run_id", "ingested_at", "at"}


def corpus_sample(folder: Path, n_lines: int, duplicate_every: int = 0) -> Path:
    """The first ``n_lines`` NG articles as a JSON-lines file (every ``duplicate_every``-th line repeated)."""
    corpus = shared_path("corpus", "news", "ng_0.jsonlines.zip")
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(corpus) as zin, zin.open(zin.infolist()[0]) as fh:
        lines = [fh.readline() for _ in range(n_lines)]
    if duplicate_every:
        lines += [lines[i] for i in range(0, len(lines), duplicate_every)]  # same bytes, another line number
    (folder / "sample.jsonl").write_bytes(b"".join(lines))
    return folder


def run_cli(src: Path, wh: Path, *extra: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in its own session, its output in files: a run killed by the fault hook leaves Prefect's server
    subprocess behind (it would hold a pipe open), which is then killed with the session."""
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    cmd = [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(wh), "--json", *extra]
    out, err = wh.parent / f"out-{time.monotonic_ns()}.txt", wh.parent / f"err-{time.monotonic_ns()}.txt"
    wh.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as o, err.open("w") as e:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=o, stderr=e, text=True, start_new_session=True)
        try:
            proc.wait(timeout=900)
            deadline = time.monotonic() + 10  # workers of a killed run must end by themselves
            while _workers_in_session(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            leftover = _workers_in_session(proc.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    done = subprocess.CompletedProcess(cmd, proc.returncode, out.read_text(), err.read_text())
    done.leftover_workers = leftover  # type: ignore[attr-defined]
    return done


def _workers_in_session(session: int) -> list[int]:
    """Extraction workers (processes started by multiprocessing's spawn) still alive in a session."""
    found = []
    for proc_dir in Path("/proc").iterdir():
        try:
            stat = (proc_dir / "stat").read_text()
            cmdline = (proc_dir / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 3 and fields[3] == str(session) and fields[0] != "Z" and b"spawn_main" in cmdline:
            found.append(int(proc_dir.name))
    return found


def table(wh: Path, name: str) -> pd.DataFrame:
    df = duckdb.connect().execute(f"select * from read_parquet('{wh}/{name}/*.parquet')").df()
    df = df.drop(columns=[c for c in df.columns if c in VOLATILE])
    return df.sort_values(list(TABLES[name].key)).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- fast units
def test_inputs_stream_in_batches_that_add_up(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(7):
        (src / f"a{i}.txt").write_text(
            f"Статья номер {i}. Товарооборот вырос в {i + 2} раза.", encoding="utf-8"
        )
    (src / "empty.txt").write_bytes(b"")
    known = nf.known_state(Warehouse(tmp_path / "wh"))
    batches = list(nf.iter_input_batches(src, known, "v", False, 10_000, size=3))
    assert [len(b.inputs) + len(b.rejections) for b in batches] == [3, 3, 2]
    assert sum(len(b.inputs) for b in batches) == 7
    assert [r.reason for b in batches for r in b.rejections] == ["empty"]
    whole = nf.read_inputs(src, known, "v", False, 10_000)
    assert [i.source_uri for i in whole.inputs] == [i.source_uri for b in batches for i in b.inputs]


def test_the_same_text_in_a_later_chunk_is_a_duplicate(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = "Казахстан и Азербайджан в 2024 году увеличили товарооборот на 15%."
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text("Другая статья о Каспии в мае 2025 года.", encoding="utf-8")
    (src / "c.txt").write_text(text + "\n\n", encoding="utf-8")  # other bytes, same cleaned text
    reader = nf.ChunkReader(src, nf.known_state(Warehouse(tmp_path / "wh")), "v", False, 10_000, 1, "r")
    chunks = []
    while (chunk := reader.next_chunk()) is not None:
        chunks.append(chunk)
    assert [len(c.plan.articles) for c in chunks] == [1, 1, 0, 0]
    assert [c.plan.duplicates for c in chunks] == [0, 0, 1, 0]
    third = chunks[2].plan.sources[0]
    assert third["source_uri"].endswith("c.txt")
    assert third["article_id"] == chunks[0].plan.articles[0].article_id and third["is_primary"] is False
    assert sum(c.n_inputs for c in chunks) == 3


def test_estimate_counts_files_lines_and_zip_members(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("x")
    (src / "b.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}')
    (src / ".hidden.txt").write_text("x")
    with zipfile.ZipFile(src / "c.zip", "w") as zf:
        zf.writestr("one.txt", "x")
        zf.writestr("two.jsonl", '{"text": "a"}\n{"text": "b"}\n')
    assert nf.estimate_inputs(src) == 1 + 3 + 1 + 3  # a trailing newline may count one line too many
    assert nf.estimate_inputs(src / "b.jsonl") == 3
    assert nf.estimate_inputs("s3://bucket/prefix") is None
    assert nf.estimate_inputs(tmp_path / "missing") is None


def test_staged_rows_are_invisible_until_published_with_the_changes(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("r0")
    wh.publish(
        {"date_mentions": TableChange(date_mention_rows({}, {"mention_id": "0123456789abcdef:d:5-9"}))}, "r1"
    )
    staged = wh.stage("r2")
    new = date_mention_rows({"mention_id": "0123456789abcdef:d:1-3", "start_char": 1, "end_char": 3})
    other = date_mention_rows({"mention_id": "fedcba9876543210:d:0-11", "article_id": "fedcba9876543210"})
    staged.append("date_mentions", new)
    staged.append("date_mentions", other)
    assert wh.read("date_mentions").num_rows == 2  # staged chunks are not visible
    assert (tmp_path / "wh" / STAGING / "r2" / "date_mentions.parquet").exists()
    empty = TABLES["date_mentions"].schema.empty_table()
    added = wh.publish(
        {"date_mentions": TableChange(empty, {"0123456789abcdef", "fedcba9876543210"})}, "r2", staged=staged
    )
    assert added == {"date_mentions": 2}
    ids = sorted(wh.read("date_mentions", ["mention_id"]).column("mention_id").to_pylist())
    assert ids == ["0123456789abcdef:d:1-3", "fedcba9876543210:d:0-11"]  # the article's old rows replaced
    assert not (tmp_path / "wh" / STAGING / "r2").exists()
    assert len(wh.files("date_mentions")) == 1  # one file for the run, whatever the number of chunks


def test_recover_deletes_the_staging_of_a_dead_run(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "wh")
    wh.initialise("r0")
    staged = wh.stage("dead")
    staged.append("date_mentions", date_mention_rows({}))
    with wh.lock():
        wh.recover()
    assert not (tmp_path / "wh" / STAGING).exists()
    assert wh.read("date_mentions").num_rows == 0


@pytest.mark.slow
def test_a_worker_process_extracts_what_this_process_does(tmp_path: Path) -> None:
    src = corpus_sample(tmp_path / "src", 6)
    known = nf.known_state(Warehouse(tmp_path / "wh"))
    plan = nf.parse_and_identify(nf.read_inputs(src, known, "v", False, 10**7).inputs, known, "r")
    here = nf.extract_frames(plan.articles, nf.shared_extractors(False), "r")
    with ExtractPool(1, ner=False) as pool:
        there = pool.extract(plan.articles, "r")
        assert pa.Table.from_pandas(there.tables["articles"]).num_rows == 6
    assert set(here.seconds) == set(there.seconds) >= {"dates", "amounts_trade", "topics", "rows"}
    for name, df in here.tables.items():
        a = df.drop(columns=[c for c in df.columns if c == "ingested_at"])
        b = there.tables[name].drop(columns=[c for c in df.columns if c == "ingested_at"])
        pd.testing.assert_frame_equal(a, b, obj=name)
    with pytest.raises(ValueError, match="at least 1"):
        ExtractPool(0, ner=False)


def test_one_worker_policy_decides_where_a_run_extracts() -> None:
    from newsfacts.parallel import RULES_ONLY_POOL_FROM, WorkerPolicy, default_workers

    with_ner = WorkerPolicy.for_run(None, ner=True, batch_size=100)
    assert with_ner == WorkerPolicy(default_workers(), 100)  # the cores, from two batches
    rules_only = WorkerPolicy.for_run(None, ner=False, batch_size=100)
    assert rules_only.pool_from == RULES_ONLY_POOL_FROM  # thrifty: starting workers costs seconds
    assert WorkerPolicy.for_run(3, ner=False, batch_size=100) == WorkerPolicy(3, 100)  # --workers is honoured
    two = WorkerPolicy.for_run(2, ner=True, batch_size=100)
    assert not two.wants_pool(None) and not two.wants_pool(100) and two.wants_pool(101)
    assert two.extracts_here(None) and two.extracts_here(100) and not two.extracts_here(101)
    assert two.reported_workers(pool_started=True) == 2 and two.reported_workers(pool_started=False) == 1
    one = WorkerPolicy.for_run(1, ner=True, batch_size=100)
    assert not one.wants_pool(10**6) and one.extracts_here(10**6)
    dask = WorkerPolicy.for_run(4, ner=True, batch_size=100, elsewhere=True)
    assert dask.workers == 1 and not dask.wants_pool(10**6) and not dask.extracts_here(None)
    assert dask.reported_workers(pool_started=False) == 0


# ---------------------------------------------------------------------------------------------- end to end
@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_sample(tmp_path_factory.mktemp("scale") / "src", 60, duplicate_every=7)


@pytest.fixture(scope="module")
def one_chunk(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample in one chunk, one batch, extracted in the run's own process."""
    wh = tmp_path_factory.mktemp("one") / "wh"
    run = run_cli(sample, wh, "--no-ner", "--workers", "1", "--chunk-size", "1000", "--batch-size", "1000")
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert summary["workers"] == 1 and summary["n_inputs"] == 69
    assert summary["n_new"] >= 55 and summary["n_new"] + summary["n_duplicates"] == 69  # 9 repeated lines
    return wh


@pytest.mark.slow
def test_many_chunks_in_two_worker_processes_give_the_same_rows(
    sample: Path, one_chunk: Path, tmp_path: Path
) -> None:
    wh = tmp_path / "wh"
    run = run_cli(sample, wh, "--no-ner", "--workers", "2", "--chunk-size", "11", "--batch-size", "4")
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert summary["workers"] == 2
    reference = table(one_chunk, "articles")
    assert (summary["n_inputs"], summary["n_new"]) == (69, len(reference))
    assert {"read", "parse", "dates", "amounts_trade", "topics", "validate", "write"} <= set(
        summary["stage_seconds"]
    )
    for name in TABLES:
        if name == "runs":
            continue
        pd.testing.assert_frame_equal(table(wh, name), table(one_chunk, name), obj=name)
        assert len(list((wh / name).glob("*.parquet"))) == 1, f"{name}: one file per run, not per chunk"
    assert table(wh, "date_mentions").shape[0] > 100
    assert not (wh / STAGING).exists() or not any((wh / STAGING).iterdir())


@pytest.mark.slow
def test_a_run_killed_between_chunks_publishes_nothing_and_the_next_run_completes(
    sample: Path, one_chunk: Path, tmp_path: Path
) -> None:
    wh = tmp_path / "wh"
    args = ("--no-ner", "--workers", "2", "--chunk-size", "10", "--batch-size", "5")
    killed = run_cli(sample, wh, *args, fault="stage:3")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert killed.leftover_workers == [], "worker processes outlived their killed run"  # type: ignore[attr-defined]
    staging = list((wh / STAGING).iterdir())
    assert len(staging) == 1 and (staging[0] / "articles.parquet").stat().st_size > 0
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{wh}/articles/*.parquet')").fetchone() == (0,)
    assert con.execute(f"select count(*) from read_parquet('{wh}/sources/*.parquet')").fetchone() == (0,)
    resumed = run_cli(sample, wh, *args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert json.loads(resumed.stdout)["n_new"] == len(table(one_chunk, "articles"))
    assert not (wh / STAGING).exists() or not any((wh / STAGING).iterdir())
    for name in TABLES:
        if name != "runs":
            pd.testing.assert_frame_equal(table(wh, name), table(one_chunk, name), obj=name)
