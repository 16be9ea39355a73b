"""What every backend shares: the errors, the protocols the pipeline relies on, and the fault hooks of the
crash and I/O-error tests."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from typing import Any, Protocol

import pyarrow as pa

from newsfacts.storage.change import TableChange
from newsfacts.storage.integrity import Integrity

# Test hook for the crash tests (tests/test_crash.py, tests/test_storage_contract.py), never set in production.
# "publish:<point>" makes the process SIGKILL itself at that point of a publish that adds rows to ``articles``;
# "ioerror:<point>" makes it fail there with an OSError (ENOSPC, as a full disk or a refused PUT would).
# Points of the local backend: ``after_stage_<table>`` (that table's generation staged), ``after_journal``
# (journal written, nothing swapped), ``after_swap_<table>`` (that table's symlink swapped). Points of the Delta
# backend: ``after_stage_<table>`` (that table's Delta commit made), ``before_commit`` (every table committed,
# the publish not yet recorded). "stage:<n>" kills it once the n-th chunk of articles has been staged.
FAULT_ENV = "NEWSFACTS_FAULT"


class WarehouseError(RuntimeError):
    """The warehouse cannot be used as asked (a clear message for the user)."""


class WarehouseBusy(WarehouseError):
    """Another run holds the warehouse lock."""


def fault(point: str, added: dict[str, int]) -> None:
    """The tests' hook (see :data:`FAULT_ENV`) at ``point`` of a publish that adds articles."""
    if not added.get("articles"):
        return
    wanted = os.environ.get(FAULT_ENV)
    if wanted == f"publish:{point}":
        os.kill(os.getpid(), signal.SIGKILL)
    if wanted == f"ioerror:{point}":
        raise OSError(errno.ENOSPC, f"No space left on device (injected by {FAULT_ENV} at {point})")


def stage_fault(chunks: int) -> None:
    """The tests' hook once the ``chunks``-th chunk of articles has been staged."""
    if os.environ.get(FAULT_ENV) == f"stage:{chunks}":
        os.kill(os.getpid(), signal.SIGKILL)


class StagingArea(Protocol):
    """A run's rows streamed chunk by chunk before its publish."""

    rows: dict[str, int]

    def append(self, name: str, rows: pa.Table) -> None: ...

    def discard(self) -> None: ...


class AnyWarehouse(Protocol):
    """What the pipeline needs of a warehouse, on a local disk (:class:`newsfacts.storage.local.Warehouse`) or
    in an object store (:class:`newsfacts.storage.delta.DeltaWarehouse`)."""

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]: ...

    def recover(self) -> list[str]: ...

    def verify(self, full: bool = False) -> Integrity: ...

    def initialise(self, run_id: str) -> None: ...

    def write_docs(self) -> None: ...

    def exists(self) -> bool: ...

    def read(self, name: str, columns: list[str] | None = None) -> pa.Table: ...

    def stage(self, run_id: str) -> Any: ...

    def publish(self, changes: dict[str, TableChange], run_id: str, staged: Any = None) -> dict[str, int]: ...
