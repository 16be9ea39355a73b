"""Objects on a store where one PUT is atomic but nothing can be renamed (S3, or any fsspec URL), and the
single-writer lock built on them: an object created with a conditional PUT (``If-None-Match: *``), renewed by a
heartbeat with ``If-Match`` and taken over only once expired (writers' clocks must agree within the TTL).

Conditional writes are real on S3 (AWS, MinIO, moto) and emulated elsewhere (``memory://``, within a process).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsfacts.storage.base import WarehouseBusy

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

log = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 600.0
_PRECONDITION_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


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

    def _s3_if(self, lost: type[OSError], method: str, key: str, **params: Any) -> dict[str, Any] | None:
        """S3 ``method`` on ``key`` under a condition (IfMatch / IfNoneMatch); its response, or None when the
        condition failed (a 412, or ``lost``: how s3fs reports the object being there or gone)."""
        bucket, obj, _ = self.fs.split_path(self.path(key))
        try:
            resp: dict[str, Any] = self.fs.call_s3(method, Bucket=bucket, Key=obj, **params)
        except lost:
            return None
        except OSError as exc:
            if _precondition_failed(exc):
                return None
            raise
        return resp

    def create(self, key: str, data: bytes) -> str | None:
        """Write ``key`` only if it does not exist; its ETag, or None when it already existed."""
        if self.s3:
            resp = self._s3_if(FileExistsError, "put_object", key, Body=data, IfNoneMatch="*")
            return None if resp is None else str(resp["ETag"])
        with _EMULATED:
            if self.fs.exists(self.path(key)):
                return None
            self.fs.pipe_file(self.path(key), data)
            return hashlib.md5(data).hexdigest()

    def replace(self, key: str, data: bytes, etag: str) -> str | None:
        """Overwrite ``key`` only if its ETag is still ``etag``; the new ETag, or None when it changed."""
        if self.s3:
            resp = self._s3_if(FileNotFoundError, "put_object", key, Body=data, IfMatch=etag)
            return None if resp is None else str(resp["ETag"])
        with _EMULATED:
            current = self.read_tagged(key)
            if current is None or current[1] != etag:
                return None
            self.fs.pipe_file(self.path(key), data)
            return hashlib.md5(data).hexdigest()

    def delete_tagged(self, key: str, etag: str) -> bool:
        """Delete ``key`` only if its ETag is still ``etag``."""
        if self.s3:
            return self._s3_if(FileNotFoundError, "delete_object", key, IfMatch=etag) is not None
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


class ObjectLock:
    """The single-writer lock of the warehouse at ``url``: the object ``<url>/<key>``.

    Args:
        url: The warehouse location, e.g. ``s3://bucket/warehouse``.
        key: The lock object's key, relative to ``url``.
        lock_ttl_seconds: How long a writer's lock stays valid without being renewed (the holder renews it
            every quarter of that); a lock past its expiry may be broken by the next writer.
    """

    def __init__(self, url: str, key: str, lock_ttl_seconds: float = LOCK_TTL_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.key = key
        fs, path = filesystem_for(self.url)
        self._objects = _Objects(fs, path)
        self.lock_ttl_seconds = lock_ttl_seconds
        self._lease: _Lease | None = None

    @property
    def held(self) -> bool:
        return self._lease is not None

    @contextlib.contextmanager
    def lock(self, wait_seconds: float = 0.0, run_id: str | None = None) -> Iterator[None]:
        """Hold the single-writer lock (``<url>/<key>``); wait up to ``wait_seconds``, then raise
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
            etag = self._objects.create(self.key, raw)
            if etag is None:
                held = self._objects.read_tagged(self.key)
                if held is None and vanished < 3:  # released meanwhile: try again at once
                    vanished += 1
                    continue
                if held is not None:
                    holder = self._holder(held[0])
                    if holder["expires_at"] < time.time():  # its holder died: take it over, atomically
                        etag = self._objects.replace(self.key, raw, held[1])
                        if etag is not None:
                            log.warning(
                                "took over the expired lock of %s held by %s", self.url, holder["owner"]
                            )
            if etag is not None:
                break
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"another newsfacts run is writing {self.url} (lock {self.url}/{self.key} held by "
                    f"{holder['owner']}, run {holder['run_id']}, since {holder['acquired_at']}, expiring "
                    f"{datetime.fromtimestamp(holder['expires_at'], UTC).isoformat()}); waited "
                    f"{wait_seconds:.0f}s. Try again when it has finished."
                )
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        acquired = self._objects.mtime(self.key) or time.time()
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
                    self._objects.delete_tagged(self.key, lease.etag)

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
            written = self._objects.mtime(self.key) or time.time()
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
                etag = self._objects.replace(self.key, json.dumps(body).encode("utf-8"), lease.etag)
            except OSError as exc:  # a network blip: try again at the next beat
                log.warning("could not renew the lock of %s: %s", self.url, exc)
                continue
            if etag is None:
                lease.lost = True
                log.error("the lock of %s was taken over by another writer", self.url)
                return
            lease.etag, lease.body = etag, body

    def check(self) -> None:
        """Before a commit: refuse if this writer's lock was taken over (no-op when not held)."""
        lease = self._lease
        if lease is None:
            return
        held = self._objects.read_tagged(self.key)
        try:
            token = json.loads(held[0]).get("token") if held is not None else None
        except ValueError:
            token = None
        if lease.lost or token != lease.token:
            lease.lost = True
            raise WarehouseBusy(
                f"this run lost the lock of {self.url} (it expired and another writer took it); "
                "it stopped before its next commit"
            )
