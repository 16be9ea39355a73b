"""Extraction in worker processes: each worker loads the models once and then extracts batch after batch.

:class:`WorkerPolicy` is the one place that decides how a run extracts: how many worker processes, whether
in this process or in a pool (and from how many articles on), or on the task runner's own workers (Dask). The
``newsfacts`` CLI, the flow and its task runners all ask it.

The flow opens one :class:`ExtractPool` per run (``--workers N``) and hands batches to it by the pool's id, so
that the batch task's arguments stay small and picklable. Workers are started with ``spawn`` (never ``fork``:
the parent runs Prefect's threads and event loop) and with single-threaded BLAS, so N workers use N cores.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsfacts.pipeline import Frames, Planned

# natasha's NER multiplies small matrices: one BLAS thread per worker process is fastest and avoids
# oversubscribing the cores the other workers use.
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# Without NER an article costs ~7 ms of extraction here, and starting a worker (imports, lexicons) seconds of
# CPU: by default a rules-only run uses worker processes only from this many new articles (with NER, or with
# --workers given, from two batches).
RULES_ONLY_POOL_FROM = 1500

_POOLS: dict[str, ExtractPool] = {}
_POOLS_LOCK = threading.Lock()


def default_workers() -> int:
    """The number of cores this process may use (the default of ``--workers``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerPolicy:
    """How a run extracts its batches, decided once from its options (see :meth:`for_run`).

    Attributes:
        workers: Worker processes of the run's pool; 1 extracts in the flow's own process.
        pool_from: The pool starts once a run has (or will likely have) more new articles than this.
        elsewhere: The task runner runs tasks in other processes (Dask): its workers extract, no local pool.
    """

    workers: int
    pool_from: int
    elsewhere: bool = False

    @classmethod
    def for_run(
        cls, workers: int | None, ner: bool, batch_size: int, elsewhere: bool = False
    ) -> WorkerPolicy:
        """The policy of a run: ``workers`` processes (default: the cores, :func:`default_workers`) from two
        batches on; a rules-only run with the default count only from :data:`RULES_ONLY_POOL_FROM` articles;
        none with a Dask runner (``elsewhere``)."""
        n_workers = 1 if elsewhere else (workers or default_workers())
        # an explicit workers count is honoured from two batches; the default is also thrifty without NER
        pool_from = batch_size if ner or workers else max(batch_size, RULES_ONLY_POOL_FROM)
        return cls(n_workers, pool_from, elsewhere)

    def wants_pool(self, n_articles: int | None) -> bool:
        """Whether a run with ``n_articles`` new articles (None: unknown) extracts in a pool of processes."""
        return self.workers > 1 and n_articles is not None and n_articles > self.pool_from

    def extracts_here(self, expected_inputs: int | None) -> bool:
        """Whether this process will likely extract a source of ``expected_inputs`` (None: unknown, counted as
        none), so should load the NER model before the run: not when a pool or the Dask workers will."""
        return not self.elsewhere and not self.wants_pool(expected_inputs or 0)

    def reported_workers(self, pool_started: bool) -> int:
        """The run summary's ``workers``: 0 for Dask workers, else the processes that extracted."""
        return 0 if self.elsewhere else (self.workers if pool_started else 1)


def without_raw(batch: Sequence[Planned]) -> list[Planned]:
    """The batch without the inputs' raw bytes (extraction needs only the cleaned text, uri and sha256):
    what is sent to another process."""
    return [replace(p, source=replace(p.source, raw=b"")) for p in batch]


def _exit_with_parent(parent: int, every_seconds: float = 1.0) -> None:
    """End this worker when the run's process is gone (killed with SIGKILL, say): nothing else would, since
    a spawned worker holds both ends of its task queue and so never sees it close."""
    while True:
        time.sleep(every_seconds)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(ner: bool) -> None:
    from newsfacts.pipeline import shared_extractors

    # Ctrl-C in a terminal reaches the whole process group: the run's process decides, and ends its workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), name="exit-with-parent", daemon=True).start()
    shared_extractors(ner)  # load the models once, when the worker starts


def _extract_in_worker(batch: Sequence[Planned], ner: bool, run_id: str) -> Frames:
    from newsfacts.pipeline import extract_frames, shared_extractors

    return extract_frames(batch, shared_extractors(ner), run_id)


class ExtractPool:
    """``workers`` processes extracting batches of articles; use as a context manager (or call close)."""

    def __init__(self, workers: int, ner: bool) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers, self.ner = workers, ner
        self.id = uuid.uuid4().hex
        for key, value in SINGLE_THREAD_ENV.items():  # inherited by the spawned workers
            os.environ.setdefault(key, value)
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(ner,),
        )
        with _POOLS_LOCK:
            _POOLS[self.id] = self

    def extract(self, batch: Sequence[Planned], run_id: str) -> Frames:
        """Extract one batch in a worker; blocks until it is done (call from several threads to keep every
        worker busy). A worker's exception is raised here."""
        return self._executor.submit(_extract_in_worker, without_raw(batch), self.ner, run_id).result()

    def close(self, terminate: bool = False) -> None:
        """Stop the workers: after their batches, or at once with ``terminate`` (a stopped run), when the batches
        they were extracting raise ``BrokenProcessPool`` in the threads waiting for them."""
        with _POOLS_LOCK:
            _POOLS.pop(self.id, None)
        if terminate:
            # ProcessPoolExecutor has no terminate_workers() before Python 3.14: its processes are _processes
            for process in list((getattr(self._executor, "_processes", None) or {}).values()):
                process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        # an exception that is not an Exception (a signal's: KeyboardInterrupt, Prefect's TerminationSignal, or
        # SystemExit) stops the run now: its workers' batches would be thrown away
        self.close(terminate=exc_type is not None and not issubclass(exc_type, Exception))


def extract(batch: Sequence[Planned], ner: bool, run_id: str, pool_id: str | None = None) -> Frames:
    """Extract a batch in the pool ``pool_id`` of this process, or right here when it is None (one worker,
    or a task already running on a Dask worker, where the process's extractors are loaded once)."""
    if pool_id is not None:
        with _POOLS_LOCK:
            pool = _POOLS.get(pool_id)
        if pool is None:
            raise RuntimeError(f"no extraction pool {pool_id} in this process (was the run's pool closed?)")
        return pool.extract(batch, run_id)
    return _extract_in_worker(batch, ner, run_id)
