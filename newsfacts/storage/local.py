"""The local backend: a folder of plain Parquet tables, published by swapping symlinked generations.

Layout (analysts read ``<root>/<table>/**/*.parquet``)::

    <root>/<table>            -> .store/<table>/g-<generation>     (a symlink, swapped atomically)
    <root>/.store/<table>/g-<generation>/part-*.parquet               (immutable files, hard-linked between
                                                                      generations when unchanged)
    <root>/.store/<table>/g-<generation>.manifest.json                 (what the publish wrote there: per part
                                                                      size, rows, checksums, article ids; see
                                                                      :mod:`~newsfacts.storage.integrity`)
    <root>/.journal/<run_id>.json                                    (a publish in progress: tables -> generation)
    <root>/.staging/<run_id>/<table>.parquet                         (a run's rows, streamed chunk by chunk
                                                                      before its publish; never read by analysts)
    <root>/.lock                                                     (one writer at a time)

A publish writes every changed table into a fresh generation directory, records the set of new generations in
a journal, then swaps each table's symlink by ``rename(2)``, which is atomic: a reader sees the old or the new
generation of a table, never a partial file. A crash before the journal is written leaves the old warehouse
untouched; a crash after it is rolled forward by the next writer (:meth:`Warehouse.recover`). Every run then
checks the current generations against their manifests (:meth:`Warehouse.verify`) before it writes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsfacts.storage.base import WarehouseBusy, WarehouseError, fault, stage_fault
from newsfacts.storage.change import TableChange, concat_in_schema, keys_of, without_replaced
from newsfacts.storage.docs import documents
from newsfacts.storage.integrity import (
    MANIFEST_SUFFIX,
    Damage,
    Integrity,
    PartRecord,
    check_part,
    manifest_path,
    read_manifest,
    record_part,
    verify_generation,
    write_manifest,
)
from newsfacts.tables import TABLES, Table

STORE = ".store"
JOURNAL = ".journal"
STAGING = ".staging"
LOCK = ".lock"
EMPTY_PART = "part-empty.parquet"


class StagedRun:
    """A run's rows streamed to disk chunk by chunk (one Parquet file per table, a row group per chunk), to be
    published in one go by :meth:`Warehouse.publish` (``staged=``). Invisible to readers until then; a run
    that dies leaves only a staging folder, which the next writer's :meth:`Warehouse.recover` deletes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}
        self._chunks = 0

    def append(self, name: str, rows: pa.Table) -> None:
        """Add rows (contract columns) to table ``name``. Their articles must be in the publish's replace set:
        staged rows are published as they are, not de-duplicated against the warehouse."""
        table = TABLES[name]
        if not rows.num_rows:
            return
        rows = rows.select(table.column_names).cast(table.schema)
        writer = self._writers.get(name)
        if writer is None:
            writer = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema, compression="zstd")
            self._writers[name] = writer
        writer.write_table(rows)
        self.rows[name] = self.rows.get(name, 0) + rows.num_rows
        if name == "articles":
            self._chunks += 1
            stage_fault(self._chunks)

    def finish(self) -> dict[str, Path]:
        """Close every table's file (durably) and return them; no more appends."""
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        files = {name: self.folder / f"{name}.parquet" for name in self.rows}
        for f in files.values():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        return files

    def discard(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        self._writers.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet_atomic(table: pa.Table, dest: Path) -> None:
    """Write ``table`` to ``dest`` via a temporary name and rename; the file is complete or absent."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def write_text_atomic(text: str, dest: Path) -> None:
    write_bytes_atomic(text.encode("utf-8"), dest)


def write_bytes_atomic(data: bytes, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


def folder_problem(root: str | Path) -> str | None:
    """Why a local path cannot be a warehouse folder (it, or a parent, is a file), or None."""
    path = Path(root)
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            if candidate.is_dir():
                return None
            kind = "a file" if candidate.is_file() else "not a folder"
            what = f"is {kind}" if candidate == path else f"lies under {candidate}, which is {kind}"
            return f"the warehouse {path} {what}: give a folder (it is created if missing)"
    return None


class Warehouse:
    """A folder of Parquet tables following the contracts of :mod:`newsfacts.tables`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._usable: dict[
            str, list[Path]
        ] = {}  # tables :meth:`verify` found damaged: the parts read instead

    def _make_root(self) -> None:
        """Create the warehouse folder, or raise :class:`WarehouseError` with one clear line."""
        if (problem := folder_problem(self.root)) is not None:
            raise WarehouseError(problem)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(
                f"cannot create the warehouse folder {self.root}: {exc.strerror or exc}"
            ) from exc

    # ------------------------------------------------------------------ locking and recovery
    @contextlib.contextmanager
    def lock(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the single-writer lock; wait up to ``wait_seconds``, then raise :class:`WarehouseBusy`."""
        self._make_root()
        fh = open(self.root / LOCK, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        deadline = time.monotonic() + wait_seconds
        try:
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(
                            f"another newsfacts run is writing {self.root} (lock {self.root / LOCK}); "
                            f"waited {wait_seconds:.0f}s. Try again when it has finished."
                        ) from None
                    time.sleep(0.2)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}\n")
            fh.flush()
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def recover(self) -> list[str]:
        """Finish publishes a crash interrupted and delete unreferenced generations. Call under the lock."""
        finished: list[str] = []
        journal_dir = self.root / JOURNAL
        if journal_dir.is_dir():
            for jf in sorted(journal_dir.glob("*.json")):
                try:
                    pending: dict[str, str] = json.loads(jf.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    jf.unlink(
                        missing_ok=True
                    )  # a journal is written atomically; unreadable means never completed
                    continue
                self._swap_all(pending)
                jf.unlink(missing_ok=True)
                finished.append(jf.stem)
        shutil.rmtree(self.root / STAGING, ignore_errors=True)  # runs that died before publishing
        self._collect_garbage()
        return finished

    # ------------------------------------------------------------------ reading
    def table_dir(self, name: str) -> Path:
        return self.root / name

    def _link_target(self, name: str) -> Path | None:
        """The generation the table's symlink names (it may have been deleted); for a link deleted by hand
        (``rm warehouse/articles``) while its generations remain, the newest of them; None for a new table."""
        link = self.table_dir(name)
        if link.is_symlink():
            return self.root / os.readlink(link)
        return None if link.exists() else self._lost_link(name)

    def _lost_link(self, name: str) -> Path | None:
        """The newest published generation of a table whose link is gone (every publish writes a manifest)."""
        gens = [g for g in self._store_generations(name) if manifest_path(g).exists()]
        return gens[-1] if gens else None

    def _current_generation(self, name: str) -> Path | None:
        link = self.table_dir(name)
        if link.exists() and not link.is_symlink():
            raise WarehouseError(
                f"{link} is a plain directory, not a newsfacts table; move it away or choose another warehouse"
            )
        target = self._link_target(name)
        return target if target is not None and target.is_dir() else None

    def files(self, name: str) -> list[Path]:
        """The table's Parquet parts: its current generation's, or, for a table :meth:`verify` found damaged,
        the intact parts it reads instead (until a publish writes the table anew)."""
        if name in self._usable:
            return list(self._usable[name])
        gen = self._current_generation(name)
        return sorted(gen.glob("*.parquet")) if gen else []

    def read(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """The whole table (or some columns) as Arrow, in contract schema; empty when never written."""
        parts = [pq.read_table(f, columns=_present(f, columns)) for f in self.files(name)]
        return concat_in_schema(name, parts, columns)  # columns a file predates: nulls

    def write_docs(self) -> None:
        """The column dictionary next to the data: README.md, views.sql and _dictionary/columns.parquet."""
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "_dictionary").mkdir(exist_ok=True)
        for name, data in documents().items():
            write_bytes_atomic(data, self.root / name)

    def exists(self) -> bool:
        return any(self.table_dir(t).is_symlink() for t in TABLES)

    # ------------------------------------------------------------------ integrity
    def verify(self, full: bool = False) -> Integrity:
        """Check every table's current generation against what its publish recorded (sizes and footers: a few
        KB read per part; ``full`` also checksums every byte) and heal what can be healed for reading: a part
        or a deleted generation is read from an earlier intact generation where one holds it, else left out.
        From then on :meth:`read` and :meth:`files` see the healed tables, and the next :meth:`publish` writes
        them anew. Returns every damage (with the articles whose rows it held) and how each table was healed."""
        found = Integrity()
        self._usable.clear()
        for name in TABLES:
            target = self._link_target(name)
            if target is None:
                continue
            intact, damages = verify_generation(name, target, self.root, full)
            if not damages and not self.table_dir(name).is_symlink():  # its link was deleted: rows all kept
                found.damages.append(Damage(name, name, "is missing (the table's link was deleted)", frozenset()))
                found.healed[name] = f"its newest generation {target.name} read (the next publish relinks it)"
                self._usable[name] = intact
                continue
            if not damages:
                continue
            if target.is_dir():
                intact, healed = self._from_earlier(name, target, intact, damages)
                how = f"{healed} damaged part(s) read from an earlier generation" if healed else None
            else:
                intact, damages, how = self._earlier_generation(name, target, damages[0])
            found.damages += damages
            if how:
                found.healed[name] = how
            self._usable[name] = intact
        return found

    def _store_generations(self, name: str, before: Path | None = None) -> list[Path]:
        """The table's generation folders on disk, oldest first (only those written before ``before``'s
        manifest, when given: never a generation a killed run staged after it)."""
        folder = self.root / STORE / name
        gens = sorted((g for g in folder.glob("g-*") if g.is_dir()), key=lambda p: p.stat().st_mtime_ns)
        cutoff = _mtime(manifest_path(before)) if before is not None else None
        return [g for g in gens if cutoff is None or g.stat().st_mtime_ns <= cutoff]

    def _from_earlier(
        self, name: str, target: Path, intact: list[Path], damages: list[Damage]
    ) -> tuple[list[Path], int]:
        """The intact parts of ``target`` plus, for each damaged part, an intact copy of it (same name, same
        record) in another generation (a part hard-linked into both is damaged in both)."""
        records = read_manifest(target) or {}
        others = [g for g in self._store_generations(name) if g != target]
        healed = 0
        for d in list(damages):
            part = Path(d.file).name
            for gen in reversed(others):
                copy = gen / part
                if copy.exists() and check_part(copy, records.get(part)) is None:
                    intact.append(copy)
                    damages.remove(d)
                    healed += 1
                    break
        return sorted(intact, key=lambda p: p.name), healed

    def _earlier_generation(
        self, name: str, target: Path, lost: Damage
    ) -> tuple[list[Path], list[Damage], str | None]:
        """A deleted current generation: the table read as of the previous intact generation (the one
        :meth:`_collect_garbage` keeps), its lost articles those whose rows differ between the two (parts one
        has and the other not); with no such generation, the table is empty and every recorded article lost."""
        for gen in reversed(self._store_generations(name, before=target)):
            intact, damages = verify_generation(name, gen, self.root)
            if damages:
                continue
            missing = read_manifest(target)
            earlier = read_manifest(gen) or {}
            if missing is None:  # no record of what the deleted generation held: not traceable
                return intact, [lost], f"earlier generation {gen.name} used"
            changed = [r for n, r in missing.items() if n not in earlier]
            changed += [r for n, r in earlier.items() if n not in missing]
            ids = (
                None
                if any(r.article_ids is None for r in changed)
                else frozenset(a for r in changed for a in r.article_ids or ())
            )
            rows = sum(r.rows for n, r in missing.items() if n not in earlier)
            damage = Damage(name, lost.file, lost.problem, ids, rows)
            return intact, [damage], f"earlier generation {gen.name} used"
        return [], [lost], None

    # ------------------------------------------------------------------ writing
    def stage(self, run_id: str) -> StagedRun:
        """A staging area for a run's rows, streamed chunk by chunk, published by ``publish(staged=...)``."""
        return StagedRun(self.root / STAGING / run_id)

    def initialise(self, run_id: str) -> None:
        """Make every table readable (an empty Parquet file with the schema) if it is not yet."""
        missing = {
            name: TableChange(TABLES[name].schema.empty_table())
            for name in TABLES
            if self._link_target(name)
            is None  # a link to a deleted generation is damage (see verify), not new
        }
        if missing:
            self.publish(missing, run_id)

    def publish(
        self, changes: dict[str, TableChange], run_id: str, staged: StagedRun | None = None
    ) -> dict[str, int]:
        """Apply all changes, and the ``staged`` rows, as one publish; returns the rows added per table (after
        de-duplication of the changes' rows; staged rows are added as they are).

        Raises:
            WarehouseError: an I/O error (a full disk, a read-only folder) stopped the publish; the previous
                publish stays what every reader sees (a journal already written is rolled forward by the next
                writer's :meth:`recover`).
        """
        try:
            return self._publish(changes, run_id, staged)
        except OSError as exc:
            raise WarehouseError(
                f"publishing run {run_id} to {self.root} failed: {exc.strerror or exc}"
                f"{f' ({exc.filename})' if exc.filename else ''}; readers still see the previous publish"
            ) from exc

    def _publish(
        self, changes: dict[str, TableChange], run_id: str, staged: StagedRun | None = None
    ) -> dict[str, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        staged_files = staged.finish() if staged is not None else {}
        pending: dict[str, str] = {}
        added: dict[str, int] = {}
        names = [*changes, *(n for n in staged_files if n not in changes)]
        if staged is not None:  # a run's publish writes anew every table verify() healed, changed or not
            names += [n for n in self._usable if n not in names]
        for name in names:
            table = TABLES[name]
            change = changes.get(name) or TableChange(table.schema.empty_table())
            extra = (
                (staged_files[name], staged.rows[name])
                if staged is not None and name in staged_files
                else None
            )
            gen_name, n_added = self._stage(table, change, run_id, extra)
            added[name] = n_added
            if gen_name is not None:
                pending[name] = gen_name
            fault(f"after_stage_{name}", added)
        if not pending:
            if staged is not None:
                staged.discard()
            return added
        journal_dir = self.root / JOURNAL
        journal_dir.mkdir(exist_ok=True)
        journal = journal_dir / f"{run_id}.json"
        write_text_atomic(json.dumps(pending), journal)
        _fsync_dir(journal_dir)
        fault("after_journal", added)
        self._swap_all(pending, on_swap=lambda name: fault(f"after_swap_{name}", added))
        for name in pending:
            self._usable.pop(name, None)  # written anew from its intact parts: healed
        journal.unlink()
        if staged is not None:
            staged.discard()  # its files are hard-linked into the new generations
        self._collect_garbage()
        return added

    def _stage(
        self, table: Table, change: TableChange, run_id: str, staged: tuple[Path, int] | None = None
    ) -> tuple[str | None, int]:
        """Write the table's next generation; None when nothing changes. ``staged`` is a finished Parquet file
        of rows to add as they are, with its row count."""
        replace_ids = change.replaced(table)
        current = self.files(table.name)
        kept: list[tuple[Path, pa.Table | None]] = []  # (file, rewritten rows or None to hard-link)
        existing_keys: set[tuple[object, ...]] = set()
        changed = (staged is not None and staged[1] > 0) or table.name in self._usable  # damaged: write anew
        for f in current:
            part = without_replaced(partial(pq.read_table, f), table, replace_ids)
            changed = changed or part is not None
            if change.rows.num_rows:  # only new change rows are checked against the keys the table holds
                keys_src = part if part is not None else pq.read_table(f, columns=list(table.key))
                existing_keys.update(keys_of(keys_src, table.key))
            if part is None or part.num_rows:  # a file the replacement emptied is dropped
                kept.append((f, part))
        new_rows = change.new_rows(table, existing_keys)
        if new_rows.num_rows:
            changed = True
        if not changed and current:
            return None, 0
        gen = f"g-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        gen_dir = self.root / STORE / table.name / gen
        gen_dir.mkdir(parents=True)
        stem = f"part-{run_id}-{uuid.uuid4().hex[:6]}"
        records: list[PartRecord] = []
        manifests: dict[Path, dict[str, PartRecord]] = {}  # the kept parts' generations' records, read once
        for i, (f, part) in enumerate(kept):
            if f.name == EMPTY_PART:
                continue
            if part is None:
                os.link(f, gen_dir / f.name)
                if f.parent not in manifests:
                    manifests[f.parent] = read_manifest(f.parent) or {}
                known = manifests[f.parent].get(f.name)
                records.append(known if known is not None else record_part(gen_dir / f.name))
            else:
                records.append(_write_part(part, gen_dir / f"{stem}-r{i}.parquet"))
        if new_rows.num_rows:
            records.append(_write_part(new_rows, gen_dir / f"{stem}.parquet"))
        n_staged = 0
        if staged is not None and staged[1] > 0:
            os.link(staged[0], gen_dir / f"{stem}-s.parquet")
            records.append(record_part(gen_dir / f"{stem}-s.parquet"))
            n_staged = staged[1]
        if not records:
            records.append(_write_part(table.schema.empty_table(), gen_dir / EMPTY_PART))
        _fsync_dir(gen_dir)
        write_bytes_atomic(write_manifest(gen_dir, table.name, run_id, records), manifest_path(gen_dir))
        return f"{STORE}/{table.name}/{gen}", new_rows.num_rows + n_staged

    def _swap_all(self, pending: dict[str, str], on_swap: Callable[[str], None] | None = None) -> None:
        for name, gen_rel in pending.items():
            if not (self.root / gen_rel).is_dir():
                continue
            link = self.table_dir(name)
            tmp = self.root / f".{name}.{uuid.uuid4().hex[:8]}.link"
            os.symlink(gen_rel, tmp)
            os.replace(tmp, link)
            if on_swap is not None:
                on_swap(name)
        _fsync_dir(self.root)

    def _collect_garbage(self) -> None:
        """Delete generations no table points to (keeping the previous one for readers mid-query), and the
        temporary files and links a killed writer left behind. Call under the lock."""
        store = self.root / STORE
        if not store.is_dir():
            return
        for tmp in [
            *self.root.glob(".*.link"),
            *self.root.glob(".*.tmp"),
            *(self.root / "_dictionary").glob(".*.tmp"),
            *(self.root / JOURNAL).glob(".*.tmp"),
        ]:
            tmp.unlink(missing_ok=True)
        for table_store in store.iterdir():
            if not table_store.is_dir():
                continue
            target = self._link_target(table_store.name) if table_store.name in TABLES else None
            current = target if target is not None and target.is_dir() else None
            gens = sorted(
                (g for g in table_store.iterdir() if g.is_dir()), key=lambda p: p.stat().st_mtime_ns
            )
            keep = {current} if current else set()
            # the previous generation (a reader may still be listing it, and verify() falls back on it) is the
            # newest one staged before the current (or before the manifest of a current generation deleted by
            # hand); generations staged after it were never published (a killed run's) and go
            cutoff = (
                current.stat().st_mtime_ns if current else _mtime(manifest_path(target)) if target else None
            )
            older = [g for g in gens if g != current and (cutoff is None or g.stat().st_mtime_ns <= cutoff)]
            if older:
                keep.add(older[-1])
            for g in gens:
                if g not in keep:
                    shutil.rmtree(g, ignore_errors=True)
            # manifests: of the kept generations, and of a current one deleted by hand (what it held is known
            # until a publish heals the table)
            wanted = {manifest_path(g).name for g in keep} | (
                {manifest_path(target).name} if target else set()
            )
            for m in table_store.glob(f"*{MANIFEST_SUFFIX}"):
                if m.name not in wanted:
                    m.unlink(missing_ok=True)


def _write_part(rows: pa.Table, dest: Path) -> PartRecord:
    """Write one Parquet part atomically and return its record."""
    write_parquet_atomic(rows, dest)
    return record_part(dest, rows)


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _present(path: Path, columns: list[str] | None) -> list[str] | None:
    """The ``columns`` the Parquet file at ``path`` has (a file written before a column was added lacks it)."""
    if columns is None:
        return None
    names = set(pq.read_schema(path).names)
    return [c for c in columns if c in names]
