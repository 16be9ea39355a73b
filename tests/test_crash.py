"""Crash safety: SIGKILL a real ``newsfacts run`` (a subprocess) at several points, check the warehouse after
each kill, resume with a normal run and compare every table with a clean run's warehouse.

Kill points: (a) time-based, at fractions of a clean run's duration (wherever the run happens to be: Prefect
start-up, reading, extracting, validating, publishing); (b) deterministic points inside the publish, through
the test hook ``NEWSFACTS_FAULT`` of :mod:`newsfacts.storage` (the process SIGKILLs itself there).

After every kill: every table is readable by DuckDB, no key is duplicated, nothing but complete ``*.parquet``
files is visible under ``WH/<table>/``. After the resume: the same rows as the clean run (ignoring ``run_id``,
``ingested_at``, ``at`` and the ``runs`` table).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from newsfacts.storage import FAULT_ENV
from newsfacts.storage.local import JOURNAL, LOCK, STORE
from newsfacts.tables import TABLES
from tests.conftest import REPO, shared_path

pytestmark = pytest.mark.slow

N_LINES = 400  # articles from the corpus: ~10 s of extraction here, so a run spends time in every stage
RUN_TIMEOUT = 900
VOLATILE = {"run_id", "ingested_at", "at"}
DATA_TABLES = [t for t in TABLES if t != "runs"]


@dataclass
class Run:
    returncode: int
    seconds: float
    stdout: str
    stderr: str


def _cmd(src: Path, wh: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        str(src),
        "--warehouse",
        str(wh),
        "--no-ner",
        "--json",
        "--batch-size",
        "100",
    ]


def _env(fault: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV}
    if fault:
        env[FAULT_ENV] = fault
    return env


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Reap what the killed run left (Prefect's server subprocess lives in the run's session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _spawn(
    src: Path, wh: Path, fault: str | None, extra: tuple[str, ...]
) -> tuple[subprocess.Popen[str], Path]:
    """Start a run in its own session; its output goes to a file (Prefect's server child inherits pipes)."""
    log = wh.parent / f"run-{time.monotonic_ns()}.log"
    wh.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        proc = subprocess.Popen(
            [*_cmd(src, wh), *extra],
            cwd=REPO,
            env=_env(fault),
            stdout=fh,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    return proc, log


def _finish(proc: subprocess.Popen[str], log: Path, t0: float) -> Run:
    _kill_group(proc)
    text = log.read_text(errors="replace")
    json_lines = [ln for ln in text.splitlines() if ln.startswith("{")]
    return Run(proc.returncode, time.monotonic() - t0, json_lines[-1] if json_lines else "", text)


def run_cli(src: Path, wh: Path, fault: str | None = None, extra: tuple[str, ...] = ()) -> Run:
    t0 = time.monotonic()
    proc, log = _spawn(src, wh, fault, extra)
    try:
        proc.wait(timeout=RUN_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return _finish(proc, log, t0)


def _holds_lock(pid: int, wh: Path) -> bool:
    """Whether ``pid`` holds the warehouse's flock (read from /proc/locks, without touching the lock)."""
    try:
        inode = (wh / LOCK).stat().st_ino
    except FileNotFoundError:
        return False
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()  # "1: FLOCK ADVISORY WRITE <pid> <maj:min:inode> 0 EOF"
        if "FLOCK" in parts and "->" not in parts:
            i = parts.index("FLOCK")
            if parts[i + 3] == str(pid) and parts[i + 4].endswith(f":{inode}"):
                return True
    return False


def run_and_kill(src: Path, wh: Path, after: float) -> Run:
    """Start a run and SIGKILL its main process (only it, like ``kill -9 <pid>``) ``after`` seconds after it
    took the warehouse lock (Prefect's start-up before that varies too much on a shared machine)."""
    t0 = time.monotonic()
    proc, log = _spawn(src, wh, None, ())
    while not _holds_lock(proc.pid, wh) and proc.poll() is None and time.monotonic() - t0 < RUN_TIMEOUT:
        time.sleep(0.05)
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return _finish(proc, log, t0)


# ---------------------------------------------------------------------------------------------- checks
def describe(wh: Path) -> str:
    """Where the killed run was, as far as the warehouse tells."""
    if not wh.exists():
        return "no warehouse yet (killed during start-up)"
    journals = sorted(p.name for p in (wh / JOURNAL).glob("*.json")) if (wh / JOURNAL).is_dir() else []
    staged = (
        {t.name: len(list(t.iterdir())) for t in (wh / STORE).iterdir() if t.is_dir()}
        if (wh / STORE).is_dir()
        else {}
    )
    n_articles = n_runs = None
    if (wh / "articles").is_symlink():
        con = duckdb.connect()
        n_articles = con.execute(f"select count(*) from read_parquet('{wh}/articles/*.parquet')").fetchone()
        n_runs = con.execute(f"select count(*) from read_parquet('{wh}/runs/*.parquet')").fetchone()
    return (
        f"articles={n_articles and n_articles[0]} runs={n_runs and n_runs[0]} journals={journals} "
        f"generations per table={staged}"
    )


def assert_consistent(wh: Path) -> None:
    """Every table readable by DuckDB, no duplicated key, no partial or temporary file visible."""
    if not wh.exists():
        return
    tables = [t for t in TABLES if (wh / t).exists() or (wh / t).is_symlink()]
    con = duckdb.connect()
    for name in tables:
        link = wh / name
        assert link.is_symlink() and link.resolve().is_dir(), f"{name} is not a symlink to a generation"
        visible = sorted(p.name for p in link.iterdir())
        assert visible and all(n.endswith(".parquet") and not n.startswith(".") for n in visible), (
            f"{name}: unexpected files {visible}"
        )
        key = ", ".join(TABLES[name].key)
        n, distinct = con.execute(
            f"select count(*), count(distinct ({key})) from read_parquet('{link}/**/*.parquet')"
        ).fetchone()  # type: ignore[misc]
        assert n == distinct, f"{name}: {n - distinct} duplicated keys ({key})"
        if name != "articles" and "article_id" in TABLES[name].column_names and name != "quarantine":
            orphans = con.execute(
                f"select count(*) from read_parquet('{link}/*.parquet') f "
                f"where article_id not in (select article_id from read_parquet('{wh}/articles/*.parquet'))"
            ).fetchone()
            assert orphans == (0,), f"{name}: rows of articles the articles table does not hold"


def table_frame(wh: Path, name: str) -> pd.DataFrame:
    df = duckdb.connect().execute(f"select * from read_parquet('{wh}/{name}/*.parquet')").df()
    df = df.drop(columns=[c for c in df.columns if c in VOLATILE])
    return df.sort_values(list(TABLES[name].key)).reset_index(drop=True)


def assert_same_rows(wh: Path, reference: Path) -> None:
    for name in DATA_TABLES:
        pd.testing.assert_frame_equal(table_frame(wh, name), table_frame(reference, name), obj=name)


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first N_LINES articles of a news corpus as a zip of JSON lines, plus the two seeds as .txt."""
    corpus = shared_path("corpus", "news", "ng_0.jsonlines.zip")
    src = tmp_path_factory.mktemp("crash") / "src"
    src.mkdir()
    with zipfile.ZipFile(corpus) as zin, zin.open(zin.infolist()[0]) as fh:
        lines = [fh.readline() for _ in range(N_LINES)]
    with zipfile.ZipFile(src / "ng_head.zip", "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("ng_head.jsonl", b"".join(lines))
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy(seed, src)
    return src


@pytest.fixture(scope="module")
def reference(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A clean run's warehouse and how long its flow held the warehouse (read, extract, validate, publish)."""
    wh = tmp_path_factory.mktemp("reference") / "wh"
    run = run_cli(source, wh)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert summary["n_new"] > 300 and summary["validation_success"]
    assert_consistent(wh)
    return wh, float(summary["elapsed_s"])


def _resume_and_compare(source: Path, wh: Path, reference: Path) -> dict[str, object]:
    resumed = run_cli(source, wh)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_consistent(wh)
    assert_same_rows(wh, reference)
    assert not list((wh / JOURNAL).glob("*.json")), "a journal survived the resume"
    return json.loads(resumed.stdout)


# ---------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("fraction", [0.3, 0.85])
def test_kill_at_a_moment_of_the_run(
    fraction: float, source: Path, reference: tuple[Path, float], tmp_path: Path
) -> None:
    ref_wh, ref_seconds = reference
    wh = tmp_path / "wh"
    killed = run_and_kill(source, wh, after=fraction * ref_seconds)
    state = describe(wh)
    print(f"\nkilled {fraction:.0%} into a {ref_seconds:.0f}s flow (rc={killed.returncode}): {state}")
    assert_consistent(wh)
    summary = _resume_and_compare(source, wh, ref_wh)
    print(f"resumed: new {summary['n_new']}, skipped {summary['n_skipped']}")


@pytest.mark.parametrize(
    "point",
    [
        "after_stage_articles",  # articles staged, other tables not yet, no journal
        "after_journal",  # every generation staged and journalled, nothing swapped
        "after_swap_articles",  # between the first and the second symlink swap
        "after_swap_sources",  # the last table swapped (no quarantine rows here), the journal not yet removed
    ],
)
def test_kill_inside_the_publish(
    point: str, source: Path, reference: tuple[Path, float], tmp_path: Path
) -> None:
    ref_wh, _ = reference
    wh = tmp_path / "wh"
    killed = run_cli(source, wh, fault=f"publish:{point}")
    assert killed.returncode == -signal.SIGKILL, f"the hook did not fire: {killed.stderr[-2000:]}"
    state = describe(wh)
    print(f"\nkilled at publish:{point}: {state}")
    assert_consistent(wh)
    journals = list((wh / JOURNAL).glob("*.json"))
    assert bool(journals) == (point != "after_stage_articles")
    summary = _resume_and_compare(source, wh, ref_wh)
    print(f"resumed: new {summary['n_new']}, skipped {summary['n_skipped']}")
    if point == "after_stage_articles":
        assert summary["n_new"] > 300  # nothing had been published: the resume did the whole work
    else:
        assert summary["n_new"] == 0  # the journal was rolled forward: the resume had nothing left to do
    # the killed run's unpublished generations are collected, only the current and previous remain
    for table_store in (wh / STORE).iterdir():
        assert len([g for g in table_store.iterdir() if g.is_dir()]) <= 2, table_store.name


def test_kill_while_reprocessing_replaces_rows(
    source: Path, reference: tuple[Path, float], tmp_path: Path
) -> None:
    """A --reprocess run killed between two symlink swaps: no duplicated keys, resume ends as a clean run."""
    ref_wh, _ = reference
    wh = tmp_path / "wh"
    shutil.copytree(ref_wh, wh, symlinks=True)
    killed = run_cli(source, wh, fault="publish:after_swap_date_mentions", extra=("--reprocess",))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    print(f"\nkilled a --reprocess run at publish:after_swap_date_mentions: {describe(wh)}")
    assert_consistent(wh)
    _resume_and_compare(source, wh, ref_wh)
