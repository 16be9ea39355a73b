"""The only code that reads or writes tables (see DESIGN.md "Storage"): one replace/dedupe algorithm
(:mod:`~newsfacts.storage.change`), two backends: :mod:`~newsfacts.storage.local` (a folder of symlinked
generations of plain Parquet) and :mod:`~newsfacts.storage.delta` (Delta Lake tables on an object store)."""

from __future__ import annotations

from pathlib import Path

from newsfacts.storage.base import FAULT_ENV, AnyWarehouse, StagingArea, WarehouseBusy, WarehouseError
from newsfacts.storage.change import TableChange, concat_in_schema
from newsfacts.storage.local import Warehouse, folder_problem
from newsfacts.storage.objects import filesystem_for

__all__ = [
    "FAULT_ENV",
    "AnyWarehouse",
    "StagingArea",
    "TableChange",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseError",
    "concat_in_schema",
    "filesystem_for",
    "folder_problem",
    "is_url",
    "open_warehouse",
]


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names an object store (``s3://…``, any URL but ``file://``)."""
    text = str(location)
    return isinstance(location, str) and "://" in text and not text.startswith("file://")


def open_warehouse(location: str | Path) -> AnyWarehouse:
    """The warehouse at ``location``: a folder (a path or a file:// URL) or an object store (s3://…, a Delta
    Lake warehouse)."""
    if is_url(location):
        from newsfacts.storage.delta import DeltaWarehouse  # deltalake and fsspec load only when needed

        return DeltaWarehouse(str(location))
    return Warehouse(str(location).removeprefix("file://"))
