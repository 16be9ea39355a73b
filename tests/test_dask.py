"""The Dask task runner: `task_runner_for` (fast), and the real `newsfacts run --task-runner dask` on a
two-process `distributed.LocalCluster`, which must write the same rows as the local runner (slow)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import cloudpickle
import duckdb
import pyarrow as pa
import pytest
from prefect.task_runners import ThreadPoolTaskRunner

from flows.runners import DaskTaskRunner, check_dask_address, task_runner_for
from tests.conftest import REPO, SHARED

NEWSFACTS = Path(sys.executable).with_name("newsfacts")  # the console script of this venv
RT_SUBSET = SHARED / "corpus" / "news" / "russia_today_central_asia_subset.jsonlines"
N_EXTRA_ARTICLES = 6
EXTRACT_PREFIX = "extract_batch"  # Dask names a task by its function: the `extract-batch` task's fn
# columns that differ between two runs of the same inputs: the run's id and every timestamp
RUN_SPECIFIC = {"run_id"}
FACT_TABLES_WITH_ROWS = ("date_mentions", "amounts", "trade_facts", "topics")


# ------------------------------------------------------------------------------------------ task_runner_for
def test_local_is_a_thread_pool_sized_by_workers() -> None:
    runner = task_runner_for("local")
    assert isinstance(runner, ThreadPoolTaskRunner) and runner._max_workers == len(os.sched_getaffinity(0))
    runner = task_runner_for("local", workers=3)
    assert isinstance(runner, ThreadPoolTaskRunner) and runner._max_workers == 3


def test_dask_with_an_address_connects_to_that_scheduler() -> None:
    runner = task_runner_for("dask", "tcp://10.1.2.3:8786")
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://10.1.2.3:8786"
    assert runner.cluster_kwargs == {}
    # Prefect runs a duplicate of the flow's runner, and pickles the flow (with its runner) to the workers
    copy = runner.duplicate()
    assert type(copy) is DaskTaskRunner and copy == runner
    assert cloudpickle.loads(cloudpickle.dumps(runner)) == runner


def test_dask_without_an_address_starts_a_local_cluster_of_single_threaded_processes() -> None:
    runner = task_runner_for("dask", workers=3)
    assert isinstance(runner, DaskTaskRunner) and runner.address is None
    assert runner.cluster_kwargs["n_workers"] == 3
    assert runner.cluster_kwargs["threads_per_worker"] == 1 and runner.cluster_kwargs["processes"] is True
    assert task_runner_for("dask").cluster_kwargs["n_workers"] >= 1


@pytest.mark.parametrize(
    "address",
    ["tcp://127.0.0.1:8786", "tls://scheduler.example.org:8786", "tcp://[::1]:8786", " tcp://h:1 "],
)
def test_good_addresses(address: str) -> None:
    assert check_dask_address(address) == address.strip()


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("127.0.0.1:8786", "no scheme"),
        ("scheduler", "no scheme"),
        ("http://127.0.0.1:8786", "not a Dask one"),
        ("tcp://127.0.0.1", "tcp://HOST:PORT"),
        ("tcp://:8786", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:port", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:8786/path", "tcp://HOST:PORT"),
        ("tcp://127.0.0.1:99999", "tcp://HOST:PORT"),
    ],
)
def test_bad_addresses_are_clear_errors(address: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        task_runner_for("dask", address)


def test_bad_kinds_and_arguments_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown task runner 'ray': expected one of local, dask"):
        task_runner_for("ray")
    with pytest.raises(ValueError, match="needs the dask task runner"):
        task_runner_for("local", "tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="at least 1"):
        task_runner_for("dask", workers=0)


class _FakeClient:
    """What `_check_workers_are_local` asks of a Dask client: the scheduler's view of its workers."""

    def __init__(self, hosts: list[str]) -> None:
        self.hosts = hosts

    def scheduler_info(self, n_workers: int = -1) -> dict[str, Any]:
        return {"workers": {f"tcp://{h}:4000": {"host": h} for h in self.hosts}}


def test_workers_on_another_machine_are_refused_the_ephemeral_server() -> None:
    runner = task_runner_for("dask", "tcp://127.0.0.1:8786")
    assert isinstance(runner, DaskTaskRunner)
    runner._client = _FakeClient(["127.0.0.1", socket.gethostname()])  # type: ignore[assignment]
    runner._check_workers_are_local("http://127.0.0.1:8123/api")
    runner._client = _FakeClient(["127.0.0.1", "203.0.113.7"])  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match=r"203\.0\.113\.7 cannot reach .* set PREFECT_API_URL"):
        runner._check_workers_are_local("http://127.0.0.1:8123/api")


def test_with_a_real_server_the_workers_get_its_url_unchanged() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    runner = task_runner_for("dask", "tcp://127.0.0.1:8786")
    assert isinstance(runner, DaskTaskRunner)
    with (
        temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}),
        runner._workers_report_here(),
    ):
        assert PREFECT_API_URL.value() == "http://prefect.example:4200/api"
    # no cluster contacted, nothing to flush at the end
    assert runner._reported_to is None and not runner._checked_workers


# ------------------------------------------------------------------------------------ the flow on Dask
def _source(tmp: Path) -> tuple[Path, int]:
    """seeds/ plus the first N_EXTRA_ARTICLES RT records as one .jsonl (seeds only if ../shared is absent)."""
    src = tmp / "src"
    shutil.copytree(REPO / "seeds", src)
    n = len(list(src.glob("*.txt")))
    if RT_SUBSET.exists():
        with RT_SUBSET.open(encoding="utf-8") as fh:
            lines = [line for line in (next(fh) for _ in range(N_EXTRA_ARTICLES)) if line.strip()]
        (src / "rt.jsonl").write_text("".join(lines), encoding="utf-8")
        n += len(lines)
    return src, n


def _run(src: Path, wh: Path, env: dict[str, str], *extra: str) -> tuple[dict[str, Any], float]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [
            str(NEWSFACTS),
            "run",
            str(src),
            "--warehouse",
            str(wh),
            "--no-ner",
            "--batch-size",
            "1",
            "--json",
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def _content_columns(table: str) -> list[str]:
    from newsfacts.tables import TABLES

    return [
        c.name
        for c in TABLES[table].columns
        if c.name not in RUN_SPECIFIC and not pa.types.is_timestamp(c.type)
    ]


def _rows(wh: Path, table: str) -> tuple[str, list[tuple[Any, ...]]]:
    cols = ", ".join(f'"{c}"' for c in _content_columns(table))
    sql = f"select {cols} from read_parquet('{wh}/{table}/*.parquet')"
    return sql, duckdb.sql(f"{sql} order by all").fetchall()


@pytest.mark.slow
def test_the_flow_on_a_dask_cluster_writes_what_the_local_runner_writes(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    from newsfacts.tables import TABLES

    src, n_articles = _source(tmp_path)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)  # Prefect's ephemeral mode: the CLI starts its own API server
    wh_dask, wh_local = tmp_path / "wh-dask", tmp_path / "wh-local"

    with (
        LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        started = time.time()
        client.get_task_stream(start=started)  # the scheduler records the task stream from the first call on
        dask_summary, dask_s = _run(
            src, wh_dask, env, "--task-runner", "dask", "--dask-address", cluster.scheduler_address
        )
        # The scheduler counts every task that reached memory (finished) by its key prefix, for good; the task
        # stream (kept by the scheduler by default) says which worker ran each one.
        finished = client.run_on_scheduler(
            lambda dask_scheduler: {
                p: tp.state_counts["memory"] for p, tp in dask_scheduler.task_prefixes.items()
            }
        )
        stream = [t for t in client.get_task_stream(start=started) if t["key"].startswith(EXTRACT_PREFIX)]
        # ephemeral mode: the workers reported to the CLI's API server and started none of their own
        own_servers = client.run(
            lambda: (
                [
                    s.api_url
                    for s in sys.modules["prefect.server.api.server"].SubprocessASGIServer._instances.values()
                    if s.running
                ]
                if "prefect.server.api.server" in sys.modules
                else []
            )
        )
        workers = set(client.scheduler_info()["workers"])

    local_summary, local_s = _run(src, wh_local, env)
    print(f"dask run {dask_s:.1f} s, local run {local_s:.1f} s; tasks finished on the cluster: {finished}")

    assert dask_summary["validation_success"] and local_summary["validation_success"]
    assert dask_summary["n_new"] == local_summary["n_new"] == n_articles
    assert dask_summary["rows_written"] == local_summary["rows_written"]
    assert dask_summary["workers"] == 0  # the flow knew its batches ran elsewhere (no local process pool)

    # one extract-batch task per article (batch size 1), every one run by a worker of the cluster, both used
    assert finished.get(EXTRACT_PREFIX) == n_articles, finished
    assert len(stream) == n_articles and {t["worker"] for t in stream} == workers, stream
    assert own_servers == {w: [] for w in workers}

    for table in TABLES:
        sql_dask, dask_rows = _rows(wh_dask, table)
        sql_local, local_rows = _rows(wh_local, table)
        assert len(dask_rows) == len(local_rows), table
        # EXCEPT ALL compares as a multiset, NULL equal to NULL and NaN to NaN
        only_dask = duckdb.sql(f"{sql_dask} except all {sql_local}").fetchall()
        only_local = duckdb.sql(f"{sql_local} except all {sql_dask}").fetchall()
        assert only_dask == [] and only_local == [], (table, only_dask[:3], only_local[:3])
    for table in FACT_TABLES_WITH_ROWS:
        assert len(_rows(wh_dask, table)[1]) > 0, table
    assert len(_rows(wh_dask, "articles")[1]) == n_articles
