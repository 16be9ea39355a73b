"""SIGTERM and SIGINT to a real `newsfacts run --workers 2` while it extracts: the run exits 143 / 130 with one
line saying so, no process of its group survives (worker processes, Prefect's embedded server), its staging is
removed, the warehouse holds what it held before (no row of the stopped run, no "completed"), and the next run
over it succeeds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import psutil
import pytest

from tests.conftest import REPO, shared_path

pytestmark = pytest.mark.slow

NEWSFACTS = str(Path(sys.executable).with_name("newsfacts"))
N_ARTICLES = 600  # long newspaper articles: still extracting for many seconds with two workers
EXTRACTING_TIMEOUT = 300.0  # the server's start, models and the workers' start, on a loaded machine
GONE_WITHIN_S = 30.0
RUN_TIMEOUT = 400.0


def _env() -> dict[str, str]:
    return {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180", "PYTHONPATH": str(REPO)}


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSFACTS, "run", *map(str, args), "--no-ner", "--no-progress", "--json"],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip


def _rows(wh: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for table in ("articles", "runs"):
        con.execute(f"create view {table} as select * from read_parquet('{wh}/{table}/*.parquet')")
    return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def newspaper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of N_ARTICLES .txt articles (title, blank line, text) from the shared newspaper corpus."""
    archive = shared_path("corpus", "news", "ng_0.jsonlines.zip")
    folder = tmp_path_factory.mktemp("newspaper")
    n = 0
    with zipfile.ZipFile(archive) as zf, zf.open(zf.namelist()[0]) as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if len(record.get("content") or "") < 2000:
                continue
            (folder / f"ng-{n:04d}.txt").write_text(f"{record['title']}\n\n{record['content']}", encoding="utf-8")
            n += 1
            if n == N_ARTICLES:
                break
    assert n == N_ARTICLES, f"{archive} holds only {n} long articles"
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse that a completed run over seeds/ published."""
    wh = tmp_path_factory.mktemp("published") / "wh"
    done = _run(REPO / "seeds", "--warehouse", wh)
    assert done.returncode == 0, done.stderr
    return wh


def _group(pgid: int) -> list[str]:
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
        except (psutil.Error, ProcessLookupError):
            continue
    return found


def _wait_until_extracting(run: subprocess.Popen, wh: Path, err: Path) -> None:
    """Until the run has its staging folder and its worker processes (multiprocessing's spawn)."""
    deadline = time.monotonic() + EXTRACTING_TIMEOUT
    while time.monotonic() < deadline:
        if run.poll() is not None:
            pytest.fail(f"the run ended ({run.returncode}) before it was stopped:\n{err.read_text()[-3000:]}")
        staging = wh / ".staging"
        workers = [
            c
            for c in psutil.Process(run.pid).children(recursive=True)
            if "multiprocessing.spawn" in " ".join(c.cmdline())
        ]
        if len(workers) == 2 and staging.is_dir() and any(staging.iterdir()):
            return
        time.sleep(0.2)
    pytest.fail(f"the run was not extracting after {EXTRACTING_TIMEOUT:.0f}s:\n{err.read_text()[-3000:]}")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"])
def test_a_signal_stops_the_run_and_all_it_started(
    newspaper: Path, published: Path, tmp_path: Path, signum: int, code: int
) -> None:
    wh = tmp_path / "wh"
    shutil.copytree(published, wh, symlinks=True)
    articles_before = _rows(wh, "select article_id, title from articles order by 1")
    runs_before = _rows(wh, "select run_id, status from runs order by 1")
    err = tmp_path / "stderr.txt"
    with open(err, "w") as stderr:
        run = subprocess.Popen(
            [NEWSFACTS, "run", str(newspaper), "--warehouse", str(wh), "--workers", "2", "--no-ner", "--no-progress",
             "--batch-size", "25", "--chunk-size", "100"],
            cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_extracting(run, wh, err)
        assert any("uvicorn" in line for line in _group(run.pid))  # its embedded Prefect server, in its group
        run.send_signal(signum)
        out, _ = run.communicate(timeout=GONE_WITHIN_S)
        deadline = time.monotonic() + GONE_WITHIN_S
        while _group(run.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _group(run.pid) == []
    finally:
        if run.poll() is None or _group(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
    lines = err.read_text(encoding="utf-8").splitlines()
    assert run.returncode == code, lines[-20:]
    assert out == ""  # no summary
    assert lines[-1] == (
        f"newsfacts: stopped by {signal.Signals(signum).name}: nothing published: {wh} holds what it held before "
        "the run, and nothing staged is left"
    )
    assert not (wh / ".staging").exists() or list((wh / ".staging").iterdir()) == []
    assert _rows(wh, "select article_id, title from articles order by 1") == articles_before
    assert _rows(wh, "select run_id, status from runs order by 1") == runs_before

    after = _run(REPO / "seeds", "--warehouse", wh, "--reprocess")
    assert after.returncode == 0, after.stderr
    summary = json.loads(after.stdout)
    assert summary["n_new"] == len(articles_before)
    assert [s for _, s in _rows(wh, "select run_id, status from runs order by started_at")][-1] == "completed"


@pytest.mark.parametrize(
    ("raised", "batch_finishes"),
    [(KeyboardInterrupt, False), (SystemExit, False), (RuntimeError, True)],
    ids=["signal", "exit", "error"],
)
def test_a_pool_left_by_a_signal_ends_its_workers_at_once(
    tmp_path: Path, raised: type[BaseException], batch_finishes: bool
) -> None:
    """A pool left by a signal's exception (not an Exception) terminates its workers mid-batch: the thread
    waiting for the batch gets BrokenProcessPool. Left by an ordinary error, the batch is finished first."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from newsfacts import pipeline as nf
    from newsfacts.parallel import ExtractPool
    from newsfacts.storage import Warehouse
    from tests.test_scale import corpus_sample

    src = corpus_sample(tmp_path / "src", 400)
    known = nf.known_state(Warehouse(tmp_path / "wh"))
    plan = nf.parse_and_identify(nf.read_inputs(src, known, "v", False, 10**8).inputs, known, "r")
    with ThreadPoolExecutor(1) as waiting:
        with pytest.raises(raised), ExtractPool(1, ner=False) as pool:
            batch = waiting.submit(pool.extract, plan.articles, "r")
            workers = [psutil.Process(p.pid) for p in _started_workers(pool)]
            raise raised("stop")
        assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
        if batch_finishes:
            assert batch.result().tables["articles"].shape[0] == len(plan.articles)
        else:
            with pytest.raises(BrokenProcessPool):
                batch.result()


def _started_workers(pool: object, timeout: float = 120.0) -> list[psutil.Process]:
    """The pool's worker process once it runs a batch: started, and past loading its extractors (CPU-busy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs = list((getattr(pool._executor, "_processes", None) or {}).values())  # type: ignore[attr-defined]
        if procs:
            proc = psutil.Process(procs[0].pid)
            if proc.cpu_times().user > 3.0:  # imports and lexicons take ~2 s of CPU; then it extracts
                return [proc]
        time.sleep(0.2)
    pytest.fail(f"no worker busy within {timeout:.0f}s")
