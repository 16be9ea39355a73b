"""Task runners of the ``articles-pipeline`` flow: threads in the flow process, or a Dask cluster.

``newsfacts run --task-runner dask --dask-address tcp://HOST:PORT`` runs the batch tasks on the workers of a
running Dask scheduler; without an address a temporary ``distributed.LocalCluster`` is started for the run.

Prefect's ephemeral mode and Dask: a task submitted to Dask runs in the worker process under the flow
process's serialized settings. With no ``PREFECT_API_URL`` in them, every worker process starts a Prefect
API server of its own (a uvicorn subprocess, seconds to start, living as long as the worker) on the flow's
SQLite database, so several servers write one SQLite file. :class:`DaskTaskRunner` below hands the workers
the address of the flow process's own server instead (it listens on 127.0.0.1, so the workers must run on
this machine; with workers elsewhere, run a Prefect server they can reach and set ``PREFECT_API_URL``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Awaitable, Iterable, Iterator
from typing import Any, cast
from urllib.parse import urlsplit

import prefect_dask
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from newsfacts.parallel import default_workers

KINDS = ("local", "dask")
# schemes of distributed's comm backends that a scheduler is reached by (see distributed.comm.registry)
DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
FLUSH_TIMEOUT_S = 10.0


def task_runner_for(
    kind: str, dask_address: str | None = None, workers: int | None = None
) -> TaskRunner[Any]:
    """The task runner of a run: ``"local"`` (threads of the flow process) or ``"dask"``.

    Args:
        kind: ``"local"`` or ``"dask"``.
        dask_address: With ``"dask"``: the scheduler to connect to, e.g. ``tcp://10.0.0.5:8786``; None starts a
            temporary ``LocalCluster`` of ``workers`` single-threaded worker processes for the run.
        workers: With ``"local"``: batch tasks in flight at once, one per extraction process of the flow
            (default: the cores this process may use, ``newsfacts.parallel.default_workers``). With ``"dask"``
            and no address: worker processes of the temporary cluster (same default). Ignored with an address:
            the cluster has its workers.

    Raises:
        ValueError: an unknown kind, a malformed address, an address with ``"local"``, or workers < 1.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown task runner {kind!r}: expected one of {', '.join(KINDS)}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if kind == "local":
        if dask_address is not None:
            raise ValueError("a Dask address needs the dask task runner (--task-runner dask)")
        # the flow's batch tasks block on its pool of `workers` processes: one thread per process keeps all busy
        return ThreadPoolTaskRunner(max_workers=workers or default_workers())
    if dask_address is not None:
        return DaskTaskRunner(address=check_dask_address(dask_address))
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers or default_workers(),
            "threads_per_worker": 1,  # the extractors are CPU-bound Python: one task per process at a time
            "processes": True,
            "dashboard_address": None,  # no Bokeh dashboard (Dask's HTTP routes still take a free port)
        }
    )


def check_dask_address(address: str) -> str:
    """``address`` if it names a Dask scheduler as SCHEME://HOST:PORT, else a ValueError saying why."""
    expected = f"a Dask scheduler address looks like tcp://HOST:PORT (schemes: {', '.join(DASK_SCHEMES)})"
    scheme, sep, rest = address.strip().partition("://")
    if not sep:
        raise ValueError(f"{expected}; got {address!r}, which has no scheme")
    if scheme.lower() not in DASK_SCHEMES:
        raise ValueError(f"{expected}; got {address!r}, whose scheme {scheme!r} is not a Dask one")
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{expected}; got {address!r} ({exc})") from None
    if not parts.hostname or port is None or parts.path or parts.query or parts.fragment:
        raise ValueError(f"{expected}; got {address!r}")
    return address.strip()


class DaskTaskRunner(prefect_dask.DaskTaskRunner):
    """prefect-dask's runner, whose tasks report to the flow process's Prefect API server in ephemeral mode.

    In ephemeral mode (no ``PREFECT_API_URL``) each task is submitted with the settings of the flow process plus
    ``PREFECT_API_URL`` = the address of the flow process's embedded server, so the workers' task runs, logs and
    events go to the server the flow run uses, and no worker starts a server of its own. That server listens
    on 127.0.0.1: the first submit raises a RuntimeError if a worker of the cluster is on another machine.
    """

    _checked_workers: bool = False
    _reported_to: str | None = None  # the ephemeral server's API URL the workers were handed

    def __exit__(self, *args: Any) -> None:
        if self._reported_to is not None and self._client is not None:
            self._flush_workers()
        super().__exit__(*args)

    def submit(  # type: ignore[override]
        self,
        task: Any,
        parameters: dict[str, Any],
        wait_for: Iterable[Any] | None = None,
        dependencies: dict[str, Any] | None = None,
    ) -> prefect_dask.task_runners.PrefectDaskFuture[Any]:
        with self._workers_report_here():
            return super().submit(task, parameters, wait_for=wait_for, dependencies=dependencies)

    @contextlib.contextmanager
    def _workers_report_here(self) -> Iterator[None]:
        from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

        if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
            yield  # a real server (or none allowed): the workers get its URL with the flow's settings
            return
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the process's singleton: the server the flow run's client uses
        server.start()  # no-op when it runs, as it does once the flow run has started
        if not self._checked_workers:
            self._check_workers_are_local(server.api_url)
            self._checked_workers = True
        self._reported_to = server.api_url
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield

    def _flush_workers(self) -> None:
        """Deliver the workers' pending Prefect events and logs to this process's server while it still runs,
        and stop the workers' Prefect event and log services. A worker process outlives the run and its
        ephemeral server; its events service is cached without the server's address, so a later run's events
        would otherwise go to this run's (by then stopped) server and be lost."""
        try:
            self.client.run(_drain_prefect_services, FLUSH_TIMEOUT_S)
        except Exception as exc:  # Prefect's records of the task runs only: never fail a run over them
            self.logger.warning("could not flush the Dask workers' Prefect events and logs: %s", exc)

    def _check_workers_are_local(self, api_url: str) -> None:
        info = self.client.scheduler_info(n_workers=-1)
        hosts = {str(w.get("host", "")) for w in info.get("workers", {}).values()}
        remote = sorted(h for h in hosts if not _is_this_machine(h))
        if remote:
            raise RuntimeError(
                f"Dask workers on {', '.join(remote)} cannot reach Prefect's ephemeral API server at {api_url} "
                "(it listens on 127.0.0.1 only): start a Prefect server they can reach "
                "(prefect server start --host 0.0.0.0) and set PREFECT_API_URL to its address"
            )


async def _drain_prefect_services(timeout: float) -> None:
    """On a Dask worker: send the queued Prefect events and logs, then stop their services (a later task starts
    them again, with its own settings)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (EventsWorker, APILogWorker):
        await cast(Awaitable[object], service.drain_all(timeout=timeout))


def _is_this_machine(host: str) -> bool:
    if host in LOOPBACK_NAMES or host == socket.gethostname():
        return True
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        return False
    return host in _local_addresses()


def _local_addresses() -> set[str]:
    import psutil

    return {a.address.split("%")[0] for addrs in psutil.net_if_addrs().values() for a in addrs}
