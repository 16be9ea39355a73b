"""Two runs on one warehouse at once: the second exits 1 with a clear message (or waits with ``--wait``);
neither corrupts anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from newsfacts.storage.local import LOCK, Warehouse
from newsfacts.tables import TABLES
from tests.conftest import REPO

pytestmark = pytest.mark.slow

BUSY = "another newsfacts run is writing"


def _cli(src: Path, wh: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(wh), "--no-ner", *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lock_holders(wh: Path) -> set[int]:
    """Pids holding an flock on the warehouse's lock file, read from /proc/locks (without touching the lock)."""
    try:
        inode = (wh / LOCK).stat().st_ino
    except FileNotFoundError:
        return set()
    pids = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if "FLOCK" in parts and "->" not in parts:  # "1: FLOCK ADVISORY WRITE <pid> <maj:min:inode> 0 EOF"
            i = parts.index("FLOCK")
            if parts[i + 4].endswith(f":{inode}"):
                pids.add(int(parts[i + 3]))
    return pids


def _has_lock_file_open(pid: int, wh: Path) -> bool:
    target = str((wh / LOCK).resolve())
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                return True
        except OSError:
            continue
    return False


def _snapshot(wh: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    out = {}
    for t in TABLES:
        key = ", ".join(TABLES[t].key)
        out[t] = con.execute(f"select * from read_parquet('{wh}/{t}/*.parquet') order by {key}").fetchall()
        n, distinct = con.execute(
            f"select count(*), count(distinct ({key})) from read_parquet('{wh}/{t}/*.parquet')"
        ).fetchone()  # type: ignore[misc]
        assert n == distinct, f"{t}: duplicated keys"
    return out


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(REPO / "seeds", src)
    return src


def test_a_second_writer_exits_1_with_a_clear_message(seeds: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    with Warehouse(wh).lock():  # the lock a run takes, held by this process
        proc = _cli(seeds, wh)
        out, err = proc.communicate(timeout=900)
    assert proc.returncode == 1
    assert BUSY in err and str(wh / LOCK) in err and "Traceback" not in err
    assert not any((wh / t).exists() for t in TABLES)  # nothing was written


def test_with_wait_the_second_run_waits_for_the_first(seeds: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with Warehouse(wh).lock():
            held.set()
            release.wait(900)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(30)
        proc = _cli(seeds, wh, "--wait", "900")
        deadline = time.monotonic() + 900
        while not _has_lock_file_open(proc.pid, wh):  # the run reached the lock and is waiting
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1.0)
        assert proc.poll() is None
    finally:
        release.set()
        t.join()
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err[-2000:]
    assert _snapshot(wh)["articles"]


def test_two_real_runs_at_once(seeds: Path, tmp_path: Path) -> None:
    """A CLI run holds the warehouse; an in-process flow run on it fails at once with WarehouseBusy; the
    first run completes and the warehouse holds exactly one run's rows."""
    from flows.pipeline import articles_pipeline

    articles_pipeline(source=str(seeds), warehouse=str(tmp_path / "warm"), ner=False)  # Prefect started
    # a slower first run: the seeds plus 150 generated articles
    for i in range(150):
        (seeds / f"gen_{i:03d}.txt").write_text(
            f"Товарооборот между Казахстаном и Азербайджаном в {1990 + i % 35} году вырос на {i + 1}% "
            f"и достиг {i * 7 + 3} млн долларов. Номер сообщения {i}.\n" * 20,
            encoding="utf-8",
        )
    wh = tmp_path / "wh"
    first = _cli(seeds, wh)
    deadline = time.monotonic() + 900
    while first.pid not in _lock_holders(wh):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    with pytest.raises(Exception, match=BUSY):  # WarehouseBusy, or the flow's CancelledRun saying so
        articles_pipeline(source=str(seeds), warehouse=str(wh), ner=False)
    out, err = first.communicate(timeout=900)
    assert first.returncode == 0, err[-2000:]
    tables = _snapshot(wh)
    assert len(tables["articles"]) == 152 and len(tables["runs"]) == 1
