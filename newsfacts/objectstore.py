"""The warehouse on an object store (``s3://bucket/prefix``, or any fsspec URL): the interface of
:class:`newsfacts.warehouse.Warehouse`, built for storage where one PUT is atomic but there is no rename and no
multi-object transaction.

Layout under the warehouse URL::

    <url>/_log/<20-digit sequence>.json          the commit log: each entry a full manifest (authoritative)
    <url>/_manifest.json                         a copy of the newest manifest, for people (may lag the log)
    <url>/data/<table>/part-<run_id>-<uuid>.parquet   immutable data objects
    <url>/_lock.json                             the single-writer lock (owner, run, expiry)
    <url>/README.md, views.sql, _dictionary/columns.parquet

A manifest is ``{"sequence", "run_id", "committed_at", "tables": {table: [data object keys]}}``; the warehouse's
state is the highest-numbered manifest in ``_log/``. A publish writes its new data objects whole (each one PUT),
then creates manifest ``n + 1`` with a conditional PUT (``If-None-Match: *``): that single PUT is the commit
point. A reader that takes the newest manifest sees every table of one publish, never a mix of two, and only
objects written completely; a publish killed before its commit leaves objects no manifest names, which
:meth:`ObjectWarehouse.recover` deletes. Two writers can never commit the same sequence number: the second gets
:class:`CommitConflict`. Data objects are never modified: a replacement writes a new object without the
replaced rows and the new manifest names it instead of the old one.

Do not glob ``data/``: it also holds superseded objects (kept while a recent manifest names them, for readers
mid-query) and uncommitted ones. Read a table through the newest manifest: :meth:`ObjectWarehouse.read`,
:meth:`ObjectWarehouse.files`, or :meth:`ObjectWarehouse.duckdb_connection`.

Conditional writes are real on S3 (AWS, MinIO, moto) and on ``memory://``; on other fsspec backends they are
emulated by read-then-write (a second writer without the lock could race).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsfacts.tables import TABLES, Table
from newsfacts.warehouse import (
    FAULT_ENV,
    TableChange,
    WarehouseBusy,
    WarehouseError,
    _drop_known_keys,  # the local warehouse's de-duplication, shared: the same semantics
    _keys,
    concat_in_schema,
    replaced_ids,
    without_replaced,
)

if TYPE_CHECKING:
    import duckdb
    from fsspec import AbstractFileSystem

log = logging.getLogger(__name__)

LOG_DIR = "_log"
MANIFEST = "_manifest.json"
LOCK = "_lock.json"
DATA = "data"
EMPTY_SUFFIX = "-empty.parquet"  # a table's placeholder while it has no rows (the schema, zero rows)
KEEP_MANIFESTS = 10
LOCK_TTL_SECONDS = 600.0
STAGE_FLUSH_BYTES = 32 << 20
_SEQ = re.compile(r"^(\d{20})\.json$")
_PRECONDITION_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


class CommitConflict(WarehouseError):
    """Another writer committed the sequence number this publish was built on; nothing was applied."""


def filesystem_for(url: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem and path of ``url`` (``s3://bucket/prefix``, ``memory://…``), listing cache off.

    S3 settings come from the standard AWS environment, which botocore reads by itself (checked with s3fs
    2026.9 and aiobotocore 3.10, no extra code needed): ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``
    (``AWS_SESSION_TOKEN``), ``AWS_DEFAULT_REGION``, and for a non-AWS endpoint (MinIO, moto)
    ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``; ``~/.aws/config`` profiles work too.
    """
    import fsspec

    fs, path = fsspec.core.url_to_fs(url, use_listings_cache=False)
    return fs, str(path)


# ---------------------------------------------------------------------------------------------- objects
@dataclass(frozen=True)
class _Stat:
    key: str  # relative to the warehouse root
    mtime: float  # epoch seconds, the store's clock


def _mtime(info: dict[str, Any]) -> float:
    for name in ("LastModified", "mtime", "created"):
        value = info.get(name)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, int | float):
            return float(value)
    return 0.0


def _precondition_failed(exc: BaseException) -> bool:
    """Whether an s3fs error is a failed ``If-Match``/``If-None-Match`` (s3fs maps some of them to OSError)."""
    seen: BaseException | None = exc
    while seen is not None:
        response = getattr(seen, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code", ""))
            status = str(response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            return code in _PRECONDITION_CODES or status in {"412", "409"}
        seen = seen.__cause__
    return False


_EMULATED = threading.Lock()  # makes the emulated conditional writes atomic within this process


class _Objects:
    """The few object operations the warehouse needs, keyed relative to its root; conditional writes use
    S3's ``If-None-Match``/``If-Match`` where the store is S3, and are emulated elsewhere."""

    def __init__(self, fs: AbstractFileSystem, root: str) -> None:
        self.fs = fs
        self.root = root.rstrip("/")
        protocols = fs.protocol if isinstance(fs.protocol, tuple | list) else (fs.protocol,)
        self.s3 = "s3" in protocols

    def path(self, key: str) -> str:
        return f"{self.root}/{key}"

    def url(self, key: str) -> str:
        return str(self.fs.unstrip_protocol(self.path(key)))

    def read(self, key: str) -> bytes | None:
        try:
            return bytes(self.fs.cat_file(self.path(key)))
        except FileNotFoundError:
            return None

    def write(self, key: str, data: bytes) -> None:
        self.fs.pipe_file(self.path(key), data)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        """The object's bytes and the ETag of exactly those bytes; None when absent."""
        if not self.s3:
            data = self.read(key)
            return None if data is None else (data, hashlib.md5(data).hexdigest())
        from fsspec.asyn import sync

        bucket, obj, _ = self.fs.split_path(self.path(key))

        async def get() -> tuple[bytes, str]:
            resp = await self.fs._call_s3("get_object", Bucket=bucket, Key=obj)
            async with resp["Body"] as body:
                return bytes(await body.read()), str(resp["ETag"])

        try:
            return sync(self.fs.loop, get)
        except FileNotFoundError:
            return None

    def create(self, key: str, data: bytes) -> str | None:
        """Write ``key`` only if it does not exist; its ETag, or None when it already existed."""
        if self.s3:
            bucket, obj, _ = self.fs.split_path(self.path(key))
            try:
                resp = self.fs.call_s3("put_object", Bucket=bucket, Key=obj, Body=data, IfNoneMatch="*")
            except FileExistsError:
                return None
            except OSError as exc:
                if _precondition_failed(exc):
                    return None
                raise
            return str(resp["ETag"])
        with _EMULATED:
            if self.fs.exists(self.path(key)):
                return None
            self.fs.pipe_file(self.path(key), data)
            return hashlib.md5(data).hexdigest()

    def replace(self, key: str, data: bytes, etag: str) -> str | None:
        """Overwrite ``key`` only if its ETag is still ``etag``; the new ETag, or None when it changed."""
        if self.s3:
            bucket, obj, _ = self.fs.split_path(self.path(key))
            try:
                resp = self.fs.call_s3("put_object", Bucket=bucket, Key=obj, Body=data, IfMatch=etag)
            except FileNotFoundError:
                return None
            except OSError as exc:
                if _precondition_failed(exc):
                    return None
                raise
            return str(resp["ETag"])
        with _EMULATED:
            current = self.read_tagged(key)
            if current is None or current[1] != etag:
                return None
            self.fs.pipe_file(self.path(key), data)
            return hashlib.md5(data).hexdigest()

    def delete_tagged(self, key: str, etag: str) -> bool:
        """Delete ``key`` only if its ETag is still ``etag``."""
        if self.s3:
            bucket, obj, _ = self.fs.split_path(self.path(key))
            try:
                self.fs.call_s3("delete_object", Bucket=bucket, Key=obj, IfMatch=etag)
            except FileNotFoundError:
                return False
            except OSError as exc:
                if _precondition_failed(exc):
                    return False
                raise
            return True
        with _EMULATED:
            current = self.read_tagged(key)
            if current is None or current[1] != etag:
                return False
            self.fs.rm_file(self.path(key))
            return True

    def mtime(self, key: str) -> float | None:
        try:
            return _mtime(self.fs.info(self.path(key)))
        except FileNotFoundError:
            return None

    def names(self, folder: str) -> list[str]:
        """Names directly under ``folder`` (empty when it does not exist)."""
        try:
            entries = self.fs.ls(self.path(folder), detail=False)
        except FileNotFoundError:
            return []
        return [str(e).rstrip("/").rsplit("/", 1)[-1] for e in entries]

    def find(self, folder: str) -> list[_Stat]:
        """Every object under ``folder``, recursively."""
        found = self.fs.find(self.path(folder), detail=True)
        prefix = self.root + "/"
        return [
            _Stat(str(name).removeprefix(prefix), _mtime(info))
            for name, info in sorted(found.items())
            if info.get("type") == "file"
        ]

    def remove(self, keys: Iterable[str]) -> None:
        paths = [self.path(k) for k in keys]
        if paths:
            self.fs.rm(paths)

    def abort_uploads(self, folder: str, before: float) -> None:
        """Abort multipart uploads under ``folder`` started before ``before`` (a killed writer's, on S3)."""
        if not self.s3:
            return
        bucket, prefix, _ = self.fs.split_path(self.path(folder))
        resp = self.fs.call_s3("list_multipart_uploads", Bucket=bucket, Prefix=prefix + "/")
        for up in resp.get("Uploads", []):
            if _mtime({"LastModified": up.get("Initiated")}) <= before:
                self.fs.call_s3(
                    "abort_multipart_upload", Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"]
                )


# ---------------------------------------------------------------------------------------------- manifests
@dataclass(frozen=True)
class Manifest:
    """One committed state of the warehouse: each table's data objects (keys relative to the warehouse)."""

    sequence: int
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    run_id: str | None = None
    committed_at: str | None = None

    def to_json(self) -> bytes:
        body = {
            "sequence": self.sequence,
            "run_id": self.run_id,
            "committed_at": self.committed_at,
            "tables": {name: list(keys) for name, keys in sorted(self.tables.items())},
        }
        return json.dumps(body, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        body = json.loads(raw)
        tables = {str(k): tuple(str(v) for v in vs) for k, vs in body["tables"].items()}
        return cls(int(body["sequence"]), tables, body.get("run_id"), body.get("committed_at"))

    def keys(self) -> set[str]:
        return {k for keys in self.tables.values() for k in keys}


def _log_key(sequence: int) -> str:
    return f"{LOG_DIR}/{sequence:020d}.json"


def _safe(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", run_id)[:80] or "run"


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _fault(point: str, added: dict[str, int]) -> None:
    """The crash tests' hook (``NEWSFACTS_FAULT=publish:<point>``, see :data:`newsfacts.warehouse.FAULT_ENV`):
    SIGKILL this process at ``point`` of a publish that adds articles. Points: ``after_stage_<table>``,
    ``before_commit``."""
    if added.get("articles") and os.environ.get(FAULT_ENV) == f"publish:{point}":
        os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------------------------------------- lock
@dataclass
class _Lease:
    token: str
    etag: str
    body: dict[str, Any]
    acquired: float  # the store's clock (the lock object's mtime when taken)
    lost: bool = False
    stop: threading.Event = field(default_factory=threading.Event)


def _lock_body(token: str, run_id: str | None, ttl: float) -> dict[str, Any]:
    now = time.time()
    return {
        "owner": f"{socket.gethostname()} pid {os.getpid()}",
        "run_id": run_id,
        "token": token,
        "acquired_at": datetime.fromtimestamp(now, UTC).isoformat(),
        "expires_at": now + ttl,
    }


# ---------------------------------------------------------------------------------------------- staging
class ObjectStagedRun:
    """A run's rows, written to data objects as they come (buffered up to ``flush_bytes`` of Arrow data per
    table, so memory stays flat), published by :meth:`ObjectWarehouse.publish` (``staged=``). No manifest
    names them until then; a run that dies leaves objects the next :meth:`ObjectWarehouse.recover` deletes."""

    def __init__(self, warehouse: ObjectWarehouse, run_id: str, flush_bytes: int) -> None:
        self._warehouse = warehouse
        self._run_id = run_id
        self._flush_bytes = flush_bytes
        self._buffers: dict[str, list[pa.Table]] = {}
        self._keys: dict[str, list[str]] = {}
        self._committed: set[str] = set()
        self.rows: dict[str, int] = {}

    def append(self, name: str, rows: pa.Table) -> None:
        """Add rows (contract columns) to table ``name``. Their articles must be in the publish's replace set:
        staged rows are published as they are, not de-duplicated against the warehouse."""
        table = TABLES[name]
        if not rows.num_rows:
            return
        rows = rows.select(table.column_names).cast(table.schema)
        buffer = self._buffers.setdefault(name, [])
        buffer.append(rows)
        self.rows[name] = self.rows.get(name, 0) + rows.num_rows
        if sum(t.nbytes for t in buffer) >= self._flush_bytes:
            self._flush(name)

    def _flush(self, name: str) -> None:
        buffer = self._buffers.pop(name, [])
        if buffer:
            key = self._warehouse._write_part(name, self._run_id, pa.concat_tables(buffer), "s")
            self._keys.setdefault(name, []).append(key)

    def finish(self) -> dict[str, tuple[str, ...]]:
        """Write what is buffered; every table's staged objects (keys relative to the warehouse)."""
        for name in list(self._buffers):
            self._flush(name)
        return {name: tuple(keys) for name, keys in self._keys.items()}

    def discard(self) -> None:
        """Delete the staged objects no commit took (after a publish: nothing), and drop the buffers."""
        self._buffers.clear()
        orphans = [k for keys in self._keys.values() for k in keys if k not in self._committed]
        self._keys.clear()
        with contextlib.suppress(OSError):
            self._warehouse._objects.remove(orphans)
            self._warehouse._inflight.difference_update(orphans)

    def _mark_committed(self, keys: Iterable[str]) -> None:
        self._committed.update(keys)


# ---------------------------------------------------------------------------------------------- warehouse
class ObjectWarehouse:
    """Parquet tables following the contracts of :mod:`newsfacts.tables`, on an object store (see the module
    docstring for the layout and the commit protocol).

    Args:
        url: The warehouse location, e.g. ``s3://bucket/warehouse`` (S3 settings from the AWS environment:
            see :func:`filesystem_for`).
        lock_ttl_seconds: How long a writer's lock stays valid without being renewed (the holder renews it
            every quarter of that); a lock past its expiry may be broken by the next writer.
        keep_manifests: Manifests kept in ``_log/``; the data objects any of them names are kept too.
        stage_flush_bytes: Arrow bytes a staged table buffers before they are written as one object.
    """

    def __init__(
        self,
        url: str,
        *,
        lock_ttl_seconds: float = LOCK_TTL_SECONDS,
        keep_manifests: int = KEEP_MANIFESTS,
        stage_flush_bytes: int = STAGE_FLUSH_BYTES,
    ) -> None:
        self.url = url.rstrip("/")
        fs, path = filesystem_for(self.url)
        self._objects = _Objects(fs, path)
        self.lock_ttl_seconds = lock_ttl_seconds
        self.keep_manifests = max(2, keep_manifests)
        self.stage_flush_bytes = stage_flush_bytes
        self._lease: _Lease | None = None
        self._inflight: set[str] = set()  # objects this instance wrote that no commit has named yet

    def __repr__(self) -> str:
        return f"ObjectWarehouse({self.url!r})"

    # ------------------------------------------------------------------ locking and recovery
    @contextlib.contextmanager
    def lock(self, wait_seconds: float = 0.0, run_id: str | None = None) -> Iterator[None]:
        """Hold the single-writer lock (``<url>/_lock.json``); wait up to ``wait_seconds``, then raise
        :class:`WarehouseBusy`. A lock past its expiry (its holder died) is taken over.

        The lock is an object created with ``If-None-Match: *``, renewed by a background thread every quarter
        of ``lock_ttl_seconds`` and taken over only by a conditional overwrite of the expired version; a
        writer whose lock was taken over refuses to commit. Writers' clocks must agree to well within the TTL.

        Args:
            wait_seconds: How long to wait for another writer to finish.
            run_id: Recorded in the lock object, so that a busy message can name the run holding it.
        """
        if self._lease is not None:
            raise WarehouseBusy(f"this process already holds the lock of {self.url}")
        deadline = time.monotonic() + wait_seconds
        token = uuid.uuid4().hex
        holder: dict[str, Any] = {"owner": "?", "run_id": None, "acquired_at": "?", "expires_at": 0.0}
        vanished = 0
        while True:
            body = _lock_body(token, run_id, self.lock_ttl_seconds)
            raw = json.dumps(body).encode("utf-8")
            etag = self._objects.create(LOCK, raw)
            if etag is None:
                held = self._objects.read_tagged(LOCK)
                if held is None and vanished < 3:  # released meanwhile: try again at once
                    vanished += 1
                    continue
                if held is not None:
                    holder = self._holder(held[0])
                    if holder["expires_at"] < time.time():  # its holder died: take it over, atomically
                        etag = self._objects.replace(LOCK, raw, held[1])
                        if etag is not None:
                            log.warning(
                                "took over the expired lock of %s held by %s", self.url, holder["owner"]
                            )
            if etag is not None:
                break
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"another newsfacts run is writing {self.url} (lock {self.url}/{LOCK} held by "
                    f"{holder['owner']}, run {holder['run_id']}, since {holder['acquired_at']}, expiring "
                    f"{datetime.fromtimestamp(holder['expires_at'], UTC).isoformat()}); waited "
                    f"{wait_seconds:.0f}s. Try again when it has finished."
                )
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        acquired = self._objects.mtime(LOCK) or time.time()
        lease = _Lease(token, etag, body, acquired)
        self._lease = lease
        beat = threading.Thread(target=self._heartbeat, args=(lease,), name="newsfacts-lock", daemon=True)
        beat.start()
        try:
            yield
        finally:
            lease.stop.set()
            beat.join()
            self._lease = None
            if not lease.lost:
                with contextlib.suppress(OSError):
                    self._objects.delete_tagged(LOCK, lease.etag)

    def _holder(self, raw: bytes) -> dict[str, Any]:
        """The lock object's fields; an unreadable one expires a TTL after it was written."""
        try:
            body = json.loads(raw)
            return {
                "owner": str(body["owner"]),
                "run_id": body.get("run_id"),
                "acquired_at": str(body["acquired_at"]),
                "expires_at": float(body["expires_at"]),
            }
        except (ValueError, KeyError, TypeError):
            written = self._objects.mtime(LOCK) or time.time()
            return {
                "owner": "(unreadable lock object)",
                "run_id": None,
                "acquired_at": datetime.fromtimestamp(written, UTC).isoformat(),
                "expires_at": written + self.lock_ttl_seconds,
            }

    def _heartbeat(self, lease: _Lease) -> None:
        """Renew the lock every quarter TTL until released; a renewal refused means it was taken over."""
        while not lease.stop.wait(self.lock_ttl_seconds / 4):
            body = {**lease.body, "expires_at": time.time() + self.lock_ttl_seconds}
            try:
                etag = self._objects.replace(LOCK, json.dumps(body).encode("utf-8"), lease.etag)
            except OSError as exc:  # a network blip: try again at the next beat
                log.warning("could not renew the lock of %s: %s", self.url, exc)
                continue
            if etag is None:
                lease.lost = True
                log.error("the lock of %s was taken over by another writer", self.url)
                return
            lease.etag, lease.body = etag, body

    def _check_lease(self) -> None:
        """Before a commit: refuse if this writer's lock was taken over."""
        lease = self._lease
        if lease is None:
            return
        held = self._objects.read_tagged(LOCK)
        try:
            token = json.loads(held[0]).get("token") if held is not None else None
        except ValueError:
            token = None
        if lease.lost or token != lease.token:
            lease.lost = True
            raise WarehouseBusy(
                f"this run lost the lock of {self.url} (it expired and another writer took it); "
                "nothing was published"
            )

    def recover(self) -> list[str]:
        """Delete what publishes that never committed left behind, and prune the log to the newest
        ``keep_manifests`` manifests; returns the URLs of the data objects deleted. Call under the lock.

        Kept: every data object a kept manifest names (so a reader mid-query on a recent manifest finds its
        files), and every object written after this writer took the lock (a writer that lost its lock may
        still be working). Without the lock, only objects older than the newest manifest are deleted.
        """
        sequences = self._sequences()
        kept = sequences[-self.keep_manifests :]
        referenced: set[str] = set()
        for seq in kept:
            raw = self._objects.read(_log_key(seq))
            if raw is None:
                raise WarehouseError(f"manifest {_log_key(seq)} of {self.url} vanished during recovery")
            referenced |= Manifest.from_json(raw).keys()
        if self._lease is not None:
            cutoff: float | None = self._lease.acquired
        else:
            cutoff = self._objects.mtime(_log_key(sequences[-1])) if sequences else None
        orphans: list[str] = []
        if cutoff is not None:
            keep = referenced | self._inflight
            orphans = [s.key for s in self._objects.find(DATA) if s.key not in keep and s.mtime <= cutoff]
            self._objects.remove(orphans)
            self._objects.abort_uploads(DATA, cutoff)
        self._objects.remove(_log_key(seq) for seq in sequences[: -self.keep_manifests])
        return [self._objects.url(k) for k in orphans]

    # ------------------------------------------------------------------ reading
    def _sequences(self) -> list[int]:
        return sorted(int(m.group(1)) for n in self._objects.names(LOG_DIR) if (m := _SEQ.match(n)))

    def manifest(self) -> Manifest:
        """The current state: the newest manifest of the log (sequence 0 and no tables before any commit)."""
        for _ in range(5):
            sequences = self._sequences()
            if not sequences:
                return Manifest(0)
            raw = self._objects.read(_log_key(sequences[-1]))
            if raw is not None:
                return Manifest.from_json(raw)
        raise WarehouseError(f"the commit log of {self.url} keeps changing under this reader; try again")

    def files(self, name: str, manifest: Manifest | None = None) -> list[str]:
        """Full URLs of the table's current data objects."""
        m = manifest or self.manifest()
        return [self._objects.url(k) for k in m.tables.get(name, ())]

    def _read_part(self, key: str, columns: list[str] | None = None) -> pa.Table:
        with self._objects.fs.open(self._objects.path(key), "rb") as fh:
            return pq.read_table(fh, columns=columns)

    def read(self, name: str, columns: list[str] | None = None, manifest: Manifest | None = None) -> pa.Table:
        """The whole table (or some columns) as Arrow, in contract schema; empty when never written.

        Args:
            name: A table of :data:`newsfacts.tables.TABLES`.
            columns: Only these columns.
            manifest: Read this state (from :meth:`manifest`) instead of the current one, e.g. to read several
                tables of one publish.
        """
        m = manifest or self.manifest()
        parts = [self._read_part(k, columns) for k in m.tables.get(name, ()) if not k.endswith(EMPTY_SUFFIX)]
        return concat_in_schema(name, parts, columns)

    def exists(self) -> bool:
        return bool(self._sequences())

    def duckdb_connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table over its current objects (one manifest: a
        consistent snapshot) and the joined views of :mod:`newsfacts.views`; reads through fsspec."""
        import duckdb

        from newsfacts.views import JOINED_VIEWS

        m = self.manifest()
        if not m.sequence:
            raise WarehouseError(f"{self.url} is not a newsfacts warehouse yet; run `newsfacts run` first")
        con = duckdb.connect()
        con.register_filesystem(self._objects.fs)
        for name, table in TABLES.items():
            urls = self.files(name, m)
            if urls:
                listed = ", ".join("'" + u.replace("'", "''") + "'" for u in urls)
                con.execute(
                    f"create or replace view {name} as select * from read_parquet([{listed}], union_by_name = true)"
                )
            else:
                con.register(name, table.schema.empty_table())
        for view in JOINED_VIEWS:
            con.execute(f"create or replace view {view.name} as\n{view.sql}")
        return con

    def write_docs(self) -> None:
        """The column dictionary next to the data: README.md, views.sql and _dictionary/columns.parquet."""
        from newsfacts.dictionary import dictionary_table, warehouse_readme
        from newsfacts.views import JOINED_VIEWS

        self._objects.write("README.md", (_README.format(url=self.url) + warehouse_readme()).encode("utf-8"))
        joined = "\n".join(
            f"-- {v.name}: {v.doc}\ncreate or replace view {v.name} as\n{v.sql};" for v in JOINED_VIEWS
        )
        self._objects.write("views.sql", (_VIEWS_NOTE.format(url=self.url) + joined + "\n").encode("utf-8"))
        self._objects.write("_dictionary/columns.parquet", _parquet_bytes(dictionary_table()))

    # ------------------------------------------------------------------ writing
    def stage(self, run_id: str) -> ObjectStagedRun:
        """A staging area for a run's rows, written as they come, published by ``publish(staged=...)``."""
        return ObjectStagedRun(self, run_id, self.stage_flush_bytes)

    def initialise(self, run_id: str) -> None:
        """Make every table readable (an empty Parquet object with the schema) if it is not yet."""
        current = self.manifest()
        missing = {
            name: TableChange(TABLES[name].schema.empty_table())
            for name in TABLES
            if name not in current.tables
        }
        if missing:
            self.publish(missing, run_id)

    def publish(
        self, changes: dict[str, TableChange], run_id: str, staged: ObjectStagedRun | None = None
    ) -> dict[str, int]:
        """Apply all changes, and the ``staged`` rows, as one commit; returns the rows added per table (after
        de-duplication of the changes' rows; staged rows are added as they are).

        Raises:
            CommitConflict: another writer committed since this publish read the warehouse; nothing applied.
            WarehouseBusy: this writer's lock was taken over; nothing applied.
        """
        base = self.manifest()
        staged_keys = staged.finish() if staged is not None else {}
        tables = dict(base.tables)
        added: dict[str, int] = {}
        written: list[str] = []
        changed = False
        for name in [*changes, *(n for n in staged_keys if n not in changes)]:
            table = TABLES[name]
            change = changes.get(name) or TableChange(table.schema.empty_table())
            extra = staged_keys.get(name, ())
            n_staged = staged.rows.get(name, 0) if staged is not None and extra else 0
            keys, n_added = self._stage(table, change, run_id, base.tables.get(name), extra, written)
            added[name] = n_added + n_staged
            if keys is not None:
                tables[name] = keys
                changed = True
            _fault(f"after_stage_{name}", added)
        if not changed:
            if staged is not None:
                staged.discard()
            return added
        _fault("before_commit", added)
        try:
            self._commit(Manifest(base.sequence + 1, tables, run_id, _now()))
        except CommitConflict:  # the sequence number is someone else's: nothing can ever name these objects
            with contextlib.suppress(OSError):
                self._objects.remove(written)
            raise
        # any other failure leaves the written objects to recover(), which deletes them if no manifest names them
        if staged is not None:
            staged._mark_committed(k for keys in staged_keys.values() for k in keys)
        return added

    def _commit(self, manifest: Manifest) -> None:
        """Create the manifest's log entry (the commit point), then refresh ``_manifest.json``."""
        self._check_lease()
        raw = manifest.to_json()
        key = _log_key(manifest.sequence)
        try:
            created = self._objects.create(key, raw) is not None
        except OSError:
            # the PUT may have landed with its answer lost: the entry then holds exactly these bytes
            if self._objects.read(key) != raw:
                raise
            created = True
        if not created and self._objects.read(key) != raw:  # (equal: a retried PUT of ours that had landed)
            raise CommitConflict(
                f"another writer committed publish #{manifest.sequence} of {self.url} first (a run writing "
                "without the lock?); this publish was not applied"
            )
        self._inflight -= manifest.keys()
        try:
            self._objects.write(MANIFEST, raw)  # the convenience copy; _log/ stays authoritative
        except Exception as exc:  # the commit stands whatever happens to the copy
            log.warning("committed %s of %s but could not update %s: %s", key, self.url, MANIFEST, exc)

    def _write_part(self, name: str, run_id: str, rows: pa.Table, tag: str = "") -> str:
        suffix = EMPTY_SUFFIX if not rows.num_rows else (f"-{tag}.parquet" if tag else ".parquet")
        key = f"{DATA}/{name}/part-{_safe(run_id)}-{uuid.uuid4().hex[:12]}{suffix}"
        self._inflight.add(key)
        self._objects.write(key, _parquet_bytes(rows))
        return key

    def _stage(
        self,
        table: Table,
        change: TableChange,
        run_id: str,
        current: tuple[str, ...] | None,
        staged: tuple[str, ...],
        written: list[str],
    ) -> tuple[tuple[str, ...] | None, int]:
        """The table's next object list, writing the objects it needs; None when nothing changes."""
        rows = change.rows.select(table.column_names).cast(table.schema)
        replace_ids = replaced_ids(table, change)
        kept: list[str] = []
        existing_keys: set[tuple[object, ...]] = set()
        changed = bool(staged)
        for key in current or ():
            if key.endswith(EMPTY_SUFFIX):
                continue
            part = without_replaced(partial(self._read_part, key), table, replace_ids)
            changed = changed or part is not None
            if rows.num_rows:  # only new change rows are checked against the keys the table holds
                keys_src = part if part is not None else self._read_part(key, list(table.key))
                existing_keys.update(_keys(keys_src, table.key))
            if part is None:
                kept.append(key)
            elif part.num_rows:  # a rewritten object without the replaced rows; an emptied one is dropped
                kept.append(self._write_part(table.name, run_id, part, "r"))
                written.append(kept[-1])
        new_rows = _drop_known_keys(rows, table.key, existing_keys)
        if new_rows.num_rows:
            changed = True
        if not changed and current is not None:
            return None, 0
        if new_rows.num_rows:
            kept.append(self._write_part(table.name, run_id, new_rows))
            written.append(kept[-1])
        kept.extend(staged)
        if not kept:
            kept.append(self._write_part(table.name, run_id, table.schema.empty_table()))
            written.append(kept[-1])
        return tuple(kept), new_rows.num_rows


def _now() -> str:
    return datetime.now(UTC).isoformat()


_README = """\
# newsfacts warehouse on object storage: {url}

**How to read it.** This warehouse lives on an object store, where files cannot be swapped atomically. Each
table's current Parquet objects are listed in the newest manifest of `_log/` (`_log/<20-digit sequence>.json`,
the highest number wins; `_manifest.json` is a convenience copy that may lag). **Do not glob `data/`**: it also
holds superseded objects (kept a while for readers mid-query) and objects of publishes that never committed.

```python
from newsfacts.objectstore import ObjectWarehouse
wh = ObjectWarehouse("{url}")     # S3 settings from AWS_* environment variables
con = wh.duckdb_connection()      # one DuckDB view per table (one consistent snapshot) + the joined views
con.sql("select * from trade_facts_enriched").df()
wh.read("articles").to_pandas()   # or one table as Arrow
```

Everything below about `read_parquet('<warehouse>/<table>/**/*.parquet')` applies to local warehouses only; here
read the files the manifest lists (`tables.<table>`, paths relative to the warehouse).

"""

_VIEWS_NOTE = """\
-- newsfacts warehouse views for the object-store warehouse {url}
-- The table views cannot be written here: each table's objects are listed in the newest manifest of _log/
-- (data/ also holds superseded and uncommitted objects, so a glob would read wrong rows). Create them with
--     newsfacts.objectstore.ObjectWarehouse("{url}").duckdb_connection()
-- which defines one view per table over its current objects, then these joined views:
"""
