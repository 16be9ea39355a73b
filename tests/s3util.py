"""A moto S3 server on 127.0.0.1 for the object-storage tests, and small helpers to fill it and build rows."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.tables import TABLES

REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class S3:
    """The running server: its endpoint and the AWS environment that points clients at it."""

    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


@contextlib.contextmanager
def moto_server() -> Iterator[S3]:
    """A moto S3 server in its own process (``moto_server``): deltalake's Rust calls that hold the GIL (history,
    restore) deadlock against a server thread of the same process."""
    port = free_port()
    server = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    s3 = S3(f"http://127.0.0.1:{port}")
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # s3fs caches clients, with the endpoint of an earlier server
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                s3.client().list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"moto_server did not start on port {port}") from None
                time.sleep(0.1)
        yield s3
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def moto_env(*buckets: str) -> Iterator[S3]:
    """A moto server whose endpoint and credentials are this process's environment (no other endpoint or
    profile in the way), with ``buckets`` created: what every object-store test starts from."""
    import pytest

    with moto_server() as s3, pytest.MonkeyPatch.context() as mp:
        for k, v in s3.env.items():
            mp.setenv(k, v)
        mp.delenv("AWS_ENDPOINT_URL_S3", raising=False)
        mp.delenv("AWS_PROFILE", raising=False)
        for bucket in buckets:
            s3.client().create_bucket(Bucket=bucket)
        yield s3


def upload_tree(s3: S3, folder: Path, bucket: str, prefix: str) -> None:
    """Every file under ``folder`` (dot-files included) as ``<prefix>/<relative path>``."""
    client = s3.client()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            client.put_object(
                Bucket=bucket, Key=f"{prefix}/{path.relative_to(folder).as_posix()}", Body=path.read_bytes()
            )


def _default(t: pa.DataType) -> object:
    if pa.types.is_string(t):
        return "x"
    if pa.types.is_boolean(t):
        return False
    if pa.types.is_integer(t):
        return 1
    if pa.types.is_floating(t):
        return 1.0
    if pa.types.is_date(t):
        return date(2024, 4, 12)
    if pa.types.is_timestamp(t):
        return datetime(2024, 4, 12, tzinfo=UTC)
    if pa.types.is_binary(t):
        return bytes(512)  # e.g. articles.story_signature
    raise TypeError(t)


def rows(table: str, *values: dict[str, object]) -> pa.Table:
    """Rows of ``table`` in contract schema: every non-null column filled with a dummy unless given."""
    schema = TABLES[table].schema
    base = {f.name: (None if f.nullable else _default(f.type)) for f in schema}
    return pa.Table.from_pylist([{**base, **v} for v in values], schema=schema)


def article(article_id: str, run_id: str = "r1", **extra: object) -> dict[str, object]:
    return {"article_id": article_id, "title": f"title {article_id}", "run_id": run_id, **extra}


def source(article_id: str, uri: str, run_id: str = "r1") -> dict[str, object]:
    return {"article_id": article_id, "source_uri": uri, "source_sha256": "0" * 64, "run_id": run_id}


def mention(article_id: str, start: int, text: str = "в 2025 году") -> dict[str, object]:
    return {
        "mention_id": f"{article_id}:d:{start}",
        "article_id": article_id,
        "text": text,
        "start_char": start,
    }
