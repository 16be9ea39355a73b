"""What each publish wrote, and a cheap check that it is all still there (issue 19, warehouse integrity).

Every generation of a local table has a manifest beside it (``.store/<table>/<generation>.manifest.json``,
outside the generation's folder so that it outlives a folder deleted by hand): per Parquet part its size, row
count, a crc32 of its footer (checked by every run), a crc32 of the whole file (checked by ``newsfacts repair``)
and the ids of the articles it holds (so lost rows can be traced to articles). A run verifies each table's
current generation before it writes: the folder exists, every part has its recorded size and footer. That reads
a few KB per part, never the data.

A part that fails the check is a :class:`Damage`: its table, its file, what is wrong, and the articles whose rows
it held (None when not known: a part written before manifests, or a table without ``article_id``).
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MANIFEST_SUFFIX = ".manifest.json"
MAGIC = b"PAR1"
REPAIR_HINT = "newsfacts repair --warehouse {warehouse} --source SOURCE"


@dataclass(frozen=True)
class PartRecord:
    """What a publish wrote in one Parquet part."""

    name: str
    size: int
    rows: int
    footer_crc32: int
    crc32: int
    article_ids: tuple[str, ...] | None  # None: the table has no article_id

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name, "size": self.size, "rows": self.rows, "footer_crc32": self.footer_crc32,
            "crc32": self.crc32, "article_ids": None if self.article_ids is None else list(self.article_ids),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PartRecord:
        ids = data.get("article_ids")
        return cls(
            str(data["name"]), int(data["size"]), int(data["rows"]),  # type: ignore[call-overload]
            int(data["footer_crc32"]), int(data["crc32"]),  # type: ignore[call-overload]
            None if ids is None else tuple(str(i) for i in ids),  # type: ignore[attr-defined]
        )  # fmt: skip


@dataclass(frozen=True)
class Damage:
    """One damaged or missing part of a table's current publish."""

    table: str
    file: str  # the part's path (or the generation folder's), relative to the warehouse
    problem: str
    article_ids: frozenset[str] | None = None  # the articles whose rows it held; None: not known
    rows: int | None = None

    def line(self) -> str:
        rows = f", {self.rows} rows" if self.rows is not None else ""
        arts = f", {len(self.article_ids)} articles" if self.article_ids is not None else ""
        return f"table {self.table}: {self.file} {self.problem}{rows}{arts}"


@dataclass
class Integrity:
    """The result of a warehouse's verification: every damage found, and how each table was healed for reading
    (``healed[table]``: e.g. "earlier generation g-… used")."""

    damages: list[Damage] = field(default_factory=list)
    healed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.damages

    @property
    def lost_articles(self) -> set[str]:
        """The articles some of whose rows are lost (to re-extract, or to drop)."""
        return {a for d in self.damages if d.article_ids is not None for a in d.article_ids}

    @property
    def untraced(self) -> list[Damage]:
        """Damages whose rows cannot be traced to articles (so never re-extracted)."""
        return [d for d in self.damages if d.article_ids is None]

    def tables(self) -> list[str]:
        return sorted({d.table for d in self.damages})

    def report(self) -> str:
        """One line per damage, with how it was healed for reading."""
        lines = [d.line() for d in self.damages]
        lines += [f"table {t}: {how}" for t, how in sorted(self.healed.items())]
        return "; ".join(lines)


def footer_crc32(path: Path, size: int | None = None) -> int:
    """crc32 of a Parquet file's footer (its metadata, length and magic): a few KB read from the end.

    Raises:
        ValueError: the file is too short, or does not end in a Parquet footer.
    """
    size = path.stat().st_size if size is None else size
    with open(path, "rb") as fh:
        return footer_crc32_of(fh, size)


def footer_crc32_of(fh: BinaryIO, size: int) -> int:
    """:func:`footer_crc32` of an open (seekable) file of ``size`` bytes, local or in an object store."""
    if size < 12:
        raise ValueError(f"is {size} bytes, too short for Parquet")
    fh.seek(size - 8)
    tail = fh.read(8)
    if tail[4:] != MAGIC:
        raise ValueError("does not end in a Parquet footer (truncated or overwritten)")
    (length,) = struct.unpack("<i", tail[:4])
    if length <= 0 or length > size - 12:
        raise ValueError(f"has a footer length of {length} bytes that does not fit its {size} bytes")
    fh.seek(size - 8 - length)
    footer = fh.read(length + 8)
    return zlib.crc32(footer)


def file_crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def ids_of(rows: pa.Table) -> tuple[str, ...] | None:
    """The distinct article ids of ``rows``, sorted (None when the table has no article_id)."""
    if "article_id" not in rows.column_names:
        return None
    return tuple(sorted(str(v) for v in pc.unique(rows.column("article_id")).to_pylist() if v is not None))


def record_part(path: Path, rows: pa.Table | None = None) -> PartRecord:
    """The record of the Parquet part just written at ``path``; ``rows``: its rows when at hand (else its
    article ids are read from the file)."""
    size = path.stat().st_size
    if rows is None:
        schema = pq.read_schema(path)
        cols = ["article_id"] if "article_id" in schema.names else []
        rows = pq.read_table(path, columns=cols)
        n = pq.ParquetFile(path).metadata.num_rows
    else:
        n = rows.num_rows
    return PartRecord(path.name, size, n, footer_crc32(path, size), file_crc32(path), ids_of(rows))


def check_part(path: Path, record: PartRecord | None, full: bool = False) -> str | None:
    """What is wrong with the part at ``path`` against its ``record`` (None: no record, only the footer is
    checked), or None when it is intact. ``full`` also compares the crc32 of the whole file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if record is not None and size != record.size:
        return f"is {size} bytes, the publish wrote {record.size} (truncated or overwritten)"
    try:
        crc = footer_crc32(path, size)
        if record is None:
            pq.read_metadata(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return str(exc)
    if record is not None and crc != record.footer_crc32:
        return "has a footer other than the one the publish wrote (overwritten)"
    if full and record is not None and file_crc32(path) != record.crc32:
        return "has a checksum other than the one the publish wrote (its bytes changed)"
    return None


def manifest_path(gen_dir: Path) -> Path:
    return gen_dir.with_name(gen_dir.name + MANIFEST_SUFFIX)


def write_manifest(gen_dir: Path, table: str, run_id: str, parts: Iterable[PartRecord]) -> bytes:
    """The manifest of the generation at ``gen_dir`` (returned as bytes, for the caller to write atomically)."""
    body = {"table": table, "run_id": run_id, "parts": [p.as_json() for p in parts]}
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def read_manifest(gen_dir: Path) -> dict[str, PartRecord] | None:
    """The parts recorded for the generation at ``gen_dir`` by name, or None without a (readable) manifest."""
    try:
        data = json.loads(manifest_path(gen_dir).read_text(encoding="utf-8"))
        return {str(p["name"]): PartRecord.from_json(p) for p in data["parts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verify_generation(
    table: str, gen_dir: Path, relative_to: Path, full: bool = False
) -> tuple[list[Path], list[Damage]]:
    """Check a generation against its manifest: the intact parts, and the damages (parts missing, truncated,
    overwritten; the folder itself missing). Parts the manifest does not list (a generation written before
    manifests) get their footer checked."""
    records = read_manifest(gen_dir) or {}
    rel = lambda p: str(p.relative_to(relative_to)) if p.is_relative_to(relative_to) else str(p)  # noqa: E731
    if not gen_dir.is_dir():
        ids = {a for r in records.values() if r.article_ids is not None for a in r.article_ids}
        traced = bool(records) and all(r.article_ids is not None for r in records.values())
        rows = sum(r.rows for r in records.values()) if records else None
        damage = Damage(table, rel(gen_dir), "is missing (the generation folder was deleted)",
                        frozenset(ids) if traced else None, rows)  # fmt: skip
        return [], [damage]
    intact: list[Path] = []
    damages: list[Damage] = []
    names = sorted({p.name for p in gen_dir.glob("*.parquet")} | set(records))
    for name in names:
        path, record = gen_dir / name, records.get(name)
        problem = check_part(path, record, full)
        if problem is None:
            intact.append(path)
            continue
        held = None if record is None or record.article_ids is None else frozenset(record.article_ids)
        damages.append(Damage(table, rel(path), problem, held, record.rows if record else None))
    return intact, damages
