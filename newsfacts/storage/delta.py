"""The object-store backend: every table a Delta Lake table, written with ``deltalake`` (delta-rs).

Layout under the warehouse URL (``s3://bucket/prefix``, or any URL delta-rs writes: ``gs://``, ``az://``)::

    <url>/<table>/_delta_log/…, <url>/<table>/part-*.parquet   one Delta table per contract table
    <url>/_publishes/                                          a Delta table: one row per completed publish
    <url>/_lock.json                                           the single-writer lock (owner, run, expiry)
    <url>/README.md, views.sql, _dictionary/columns.parquet

A publish plans every table's change with :class:`~newsfacts.storage.change.TableChange` (the replaced
articles' rows go, known keys are dropped), then commits the tables one by one, ``runs`` last: a replacement is
``write_deltalake(mode="overwrite", predicate="article_id in (...)")``, new rows an append. S3 commits use
conditional puts (``AWS_CONDITIONAL_PUT=etag``), so two commits can never take one Delta version. Only then is
the publish recorded: a row of ``_publishes`` holding the Delta version each table reached. newsfacts reads every
table as of the latest record (Delta time travel), so a reader never sees a half-published run through it.

A publish killed, or failed by an I/O error, after some table commits leaves those tables ahead of the record;
readers do not see them, and the next writer's :meth:`DeltaWarehouse.recover` rolls the publish forward when
every table of it was committed (its last commit says which), and otherwise restores each table to its
recorded version. Each table commit carries ``newsfacts.*`` commit metadata (run, publish sequence).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from newsfacts.storage.base import WarehouseBusy, WarehouseError, fault
from newsfacts.storage.change import TableChange, concat_in_schema, keys_of, split_replaced
from newsfacts.storage.docs import JOINED_VIEWS, documents
from newsfacts.storage.integrity import Damage, Integrity, footer_crc32_of
from newsfacts.storage.local import StagedRun
from newsfacts.storage.objects import LOCK_TTL_SECONDS, ObjectLock, filesystem_for
from newsfacts.tables import TABLES, Table

if TYPE_CHECKING:
    import duckdb
    from deltalake import DeltaTable

PUBLISHES = "_publishes"
LOCK = "_lock.json"
META = "newsfacts."  # prefix of newsfacts' keys in a Delta commit's metadata
PUBLISHES_SCHEMA = pa.schema(
    [
        pa.field("sequence", pa.int64(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("committed_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("tables", pa.string(), nullable=False),  # JSON: table -> Delta version
    ]
)


class CommitConflict(WarehouseError):
    """Another writer recorded a publish after this one read the warehouse (a writer without the lock)."""


def storage_options(url: str) -> dict[str, str]:
    """delta-rs storage options for ``url``, from the standard AWS environment for ``s3://`` (the endpoint of
    ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``, e.g. MinIO or moto; plain http allowed for it), and always
    conditional puts (``AWS_CONDITIONAL_PUT=etag``) so that concurrent commits cannot overwrite one another."""
    if not url.startswith(("s3://", "s3a://")):
        return {}
    env = os.environ
    opts = {"AWS_CONDITIONAL_PUT": "etag"}
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        opts["AWS_ENDPOINT_URL"] = endpoint
        if endpoint.startswith("http://"):
            opts["AWS_ALLOW_HTTP"] = "true"
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        opts["AWS_REGION"] = region
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        if env.get(name):
            opts[name] = env[name]
    return opts


@dataclass(frozen=True)
class Publish:
    """One recorded publish: the Delta version of every table it left (a row of ``_publishes``)."""

    sequence: int
    run_id: str
    committed_at: datetime
    tables: dict[str, int]


@dataclass
class _Plan:
    """What a publish commits to one table."""

    name: str
    replace: pa.Array | None  # the replaced articles (their stored rows are deleted), or None
    n_replaced: int  # stored rows of those articles
    new_rows: pa.Table  # change rows after de-duplication
    staged: Path | None  # a Parquet file of staged rows, added as they are
    n_staged: int
    base: DeltaTable | None  # the table as planned on (its commits must directly follow it), None: new

    @property
    def exists(self) -> bool:
        return self.base is not None

    @property
    def changes(self) -> bool:
        return not self.exists or bool(self.n_replaced or self.new_rows.num_rows or self.n_staged)


def _predicate(ids: pa.Array) -> str:
    listed = ", ".join("'" + str(i).replace("'", "''") + "'" for i in ids.to_pylist())
    return f"article_id in ({listed})"


def _not_replaced(ids: pa.Array | None) -> ds.Expression | None:
    if ids is None:
        return None
    field = pc.field("article_id")
    return ~field.isin(ids) | field.is_null()


class DeltaWarehouse:
    """Tables following the contracts of :mod:`newsfacts.tables` as Delta Lake tables on an object store (see
    the module docstring for the layout and the commit protocol).

    Args:
        url: The warehouse location, e.g. ``s3://bucket/warehouse`` (S3 settings from the AWS environment:
            see :func:`storage_options`).
        lock_ttl_seconds: How long a writer's lock stays valid without being renewed.
    """

    def __init__(self, url: str, *, lock_ttl_seconds: float = LOCK_TTL_SECONDS) -> None:
        self.url = url.rstrip("/")
        if self.url.startswith("memory://"):
            raise WarehouseError(
                f"{self.url}: deltalake keeps no memory:// table from one handle to the next, so a warehouse "
                "cannot live there; give a folder or an s3:// (gs://, az://) URL"
            )
        self.storage_options = storage_options(self.url)
        self._lock = ObjectLock(self.url, LOCK, lock_ttl_seconds)

    def __repr__(self) -> str:
        return f"DeltaWarehouse({self.url!r})"

    @property
    def lock_ttl_seconds(self) -> float:
        return self._lock.lock_ttl_seconds

    # ------------------------------------------------------------------ tables
    def table_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def delta_table(self, name: str, version: int | None = None) -> DeltaTable | None:
        """The Delta table ``name`` (its latest version, or ``version``), or None when it does not exist."""
        from deltalake import DeltaTable
        from deltalake.exceptions import TableNotFoundError

        try:
            return DeltaTable(self.table_url(name), version=version, storage_options=self.storage_options)
        except TableNotFoundError:
            return None
        except OSError as exc:
            raise WarehouseError(f"cannot read {self.table_url(name)}: {exc}") from exc

    # ------------------------------------------------------------------ locking and recovery
    def lock(
        self, wait_seconds: float = 0.0, run_id: str | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Hold the single-writer lock (``<url>/_lock.json``, see :class:`~newsfacts.storage.objects.ObjectLock`);
        wait up to ``wait_seconds``, then raise :class:`WarehouseBusy`."""
        return self._lock.lock(wait_seconds, run_id)

    def recover(self) -> list[str]:
        """Finish or undo what an interrupted publish left: tables ahead of the last record are rolled forward
        (recorded as they are) when that publish committed every table it meant to, else restored to their
        recorded versions. Returns what was done, one line per table. Call under the lock."""
        base = self.last_publish()
        recorded = base.tables if base is not None else {}
        ahead = {
            name: dt
            for name in TABLES
            if (dt := self.delta_table(name)) is not None and dt.version() != recorded.get(name)
        }
        if not ahead:
            return []
        versions = dict(recorded)
        done: list[str] = []
        forward = self._complete_publish(base, ahead)
        for name, dt in ahead.items():
            if forward is not None:
                versions[name] = dt.version()
                done.append(f"{self.table_url(name)}: rolled forward to version {dt.version()} ({forward})")
                continue
            want = recorded.get(name)
            self._lock.check()
            if want is None:
                dt.delete()  # the table's every row is unrecorded
            else:
                dt.restore(want)
            dt.update_incremental()
            versions[name] = dt.version()
            was = f"version {want}" if want is not None else "empty"
            done.append(f"{self.table_url(name)}: rolled back to {was} (interrupted publish undone)")
        self._record(base, forward or "recover", versions)
        return done

    def _complete_publish(self, base: Publish | None, ahead: dict[str, DeltaTable]) -> str | None:
        """The run id of the publish that left ``ahead`` when it committed every table it planned, else None."""
        sequence = str(base.sequence + 1 if base is not None else 0)
        planned: set[str] | None = None
        run_id: str | None = None
        for dt in ahead.values():
            (last,) = dt.history(1)
            if last.get(f"{META}publish") != sequence:
                return None
            run_id = str(last.get(f"{META}run_id"))
            if f"{META}tables" in last:
                planned = set(json.loads(str(last[f"{META}tables"])))
        return run_id if planned is not None and planned == set(ahead) else None

    # ------------------------------------------------------------------ reading
    def last_publish(self) -> Publish | None:
        """The latest recorded publish, or None before the first one."""
        dt = self.delta_table(PUBLISHES)
        if dt is None:
            return None
        version = dt.version()
        rows = dt.to_pyarrow_dataset().to_table(filter=pc.field("sequence") == version).to_pylist()
        if not rows:
            raise WarehouseError(f"{self.table_url(PUBLISHES)} version {version} holds no publish record")
        row = rows[0]
        return Publish(row["sequence"], row["run_id"], row["committed_at"], json.loads(row["tables"]))

    def dataset(self, name: str, publish: Publish | None = None) -> ds.Dataset | None:
        """Table ``name`` as of the latest publish (or ``publish``) as a pyarrow dataset; None if never written."""
        publish = publish if publish is not None else self.last_publish()
        version = publish.tables.get(name) if publish is not None else None
        if version is None:
            return None
        dt = self.delta_table(name, version)
        if dt is None:
            raise WarehouseError(
                f"{self.table_url(name)} vanished (the last publish recorded version {version})"
            )
        return dt.to_pyarrow_dataset()

    def read(self, name: str, columns: list[str] | None = None, publish: Publish | None = None) -> pa.Table:
        """The whole table (or some columns) as Arrow in contract schema, as of the latest publish (or
        ``publish``, from :meth:`last_publish`, e.g. to read several tables of one publish); empty when never
        written."""
        data = self.dataset(name, publish)
        if data is None:
            return concat_in_schema(name, [], columns)
        present = None if columns is None else [c for c in columns if c in data.schema.names]
        return concat_in_schema(name, [data.to_table(columns=present)], columns)

    def files(self, name: str) -> list[str]:
        """URLs of the Parquet files of the table as of the latest publish."""
        publish = self.last_publish()
        version = publish.tables.get(name) if publish is not None else None
        dt = self.delta_table(name, version) if version is not None else None
        return list(dt.file_uris()) if dt is not None else []

    def exists(self) -> bool:
        return self.last_publish() is not None

    def verify(self, full: bool = False) -> Integrity:
        """Check every part of every table as of the latest publish against its Delta log entry: present, of
        the recorded size, ending in a readable Parquet footer (a few KB read per part; ``full`` is the same
        here: Delta records no checksum). Damage is reported by table and file with the range of article ids
        the log records for it; it is not healed (restore the table to an earlier version with Delta time
        travel, or rebuild the warehouse from the sources)."""
        found = Integrity()
        publish = self.last_publish()
        if publish is None:
            return found
        fs, root = filesystem_for(self.url)
        for name, version in sorted(publish.tables.items()):
            dt = self.delta_table(name, version)
            if dt is None:
                found.damages.append(Damage(name, self.table_url(name), f"is missing (the last publish "
                                            f"recorded Delta version {version})"))  # fmt: skip
                continue
            for action in pa.table(dt.get_add_actions(flatten=True)).to_pylist():
                path = f"{root}/{name}/{action['path']}"
                problem = _part_problem(fs, path, int(action["size_bytes"]))
                if problem is not None:
                    low, high = action.get("min.article_id"), action.get("max.article_id")
                    ids = f" (articles {low} to {high})" if low is not None else ""
                    found.damages.append(Damage(name, f"{self.table_url(name)}/{action['path']}",
                                                problem + ids, None, action.get("num_records")))  # fmt: skip
        return found

    def duckdb_connection(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with one view per table, every table as of the latest publish (one
        consistent snapshot), and the joined views of :mod:`newsfacts.views`."""
        import duckdb

        publish = self.last_publish()
        if publish is None:
            raise WarehouseError(f"{self.url} is not a newsfacts warehouse yet; run `newsfacts run` first")
        con = duckdb.connect()
        for name, table in TABLES.items():
            data = self.dataset(name, publish)
            con.register(f"_delta_{name}", data if data is not None else table.schema.empty_table())
            con.execute(f"create or replace view {name} as select * from _delta_{name}")
        for view in JOINED_VIEWS:
            con.execute(f"create or replace view {view.name} as\n{view.sql}")
        return con

    def write_docs(self) -> None:
        """The column dictionary next to the data: README.md, views.sql and _dictionary/columns.parquet."""
        for key, data in documents(self.url).items():
            self._lock._objects.write(key, data)

    # ------------------------------------------------------------------ writing
    def stage(self, run_id: str) -> StagedRun:
        """A staging area for a run's rows: a local temporary folder of Parquet files (one per table), committed
        by ``publish(staged=...)``; discarded when the run ends."""
        return StagedRun(Path(mkdtemp(prefix=f"newsfacts-stage-{run_id[:40]}-")))

    def initialise(self, run_id: str) -> None:
        """Create every missing table (empty, with the contract schema) and record them."""
        missing = {name: TableChange(TABLES[name].schema.empty_table()) for name in TABLES}
        if self.last_publish() is None or any(self.delta_table(n) is None for n in TABLES):
            self.publish(missing, run_id)

    def publish(
        self, changes: dict[str, TableChange], run_id: str, staged: StagedRun | None = None
    ) -> dict[str, int]:
        """Apply all changes, and the ``staged`` rows, as one publish (tables committed one by one, ``runs``
        last, then recorded); returns the rows added per table (after de-duplication of the changes' rows;
        staged rows are added as they are and must belong to the replaced articles).

        Raises:
            WarehouseError: an I/O error or a refused write stopped the publish; readers still see the previous
                publish, and the next writer's :meth:`recover` undoes what was committed.
            CommitConflict: another writer recorded a publish meanwhile (it wrote without the lock).
            WarehouseBusy: this writer's lock was taken over.
        """
        from deltalake.exceptions import DeltaError

        at = ["planning"]
        try:
            return self._publish(changes, run_id, staged, at)
        except (WarehouseBusy, CommitConflict):
            raise
        except (OSError, DeltaError, WarehouseError) as exc:
            raise WarehouseError(
                f"publishing run {run_id} to {self.url} failed at {at[0]}: {exc}; readers still see the "
                "previous publish, and the next run undoes what this one committed"
            ) from exc

    def _publish(
        self, changes: dict[str, TableChange], run_id: str, staged: StagedRun | None, at: list[str]
    ) -> dict[str, int]:
        base = self.last_publish()
        recorded = base.tables if base is not None else {}
        staged_files = staged.finish() if staged is not None else {}
        names = [*changes, *(n for n in staged_files if n not in changes)]
        names.sort(key=lambda n: n == "runs")  # runs commits last
        plans: list[_Plan] = []
        for name in names:
            at[0] = f"planning {name}"
            change = changes.get(name) or TableChange(TABLES[name].schema.empty_table())
            n_staged = staged.rows.get(name, 0) if staged is not None and name in staged_files else 0
            plan = self._plan(TABLES[name], change, recorded.get(name), staged_files.get(name), n_staged)
            plans.append(plan)
        added = {p.name: p.new_rows.num_rows + p.n_staged for p in plans}
        todo = [p for p in plans if p.changes]
        versions = dict(recorded)
        sequence = str(base.sequence + 1 if base is not None else 0)
        for i, plan in enumerate(plans):
            if plan.changes:
                at[0] = f"committing {plan.name}"
                self._lock.check()
                meta = {f"{META}run_id": run_id, f"{META}publish": sequence}
                if plan is todo[-1]:  # the last commit names them all: recover() can roll a crash forward
                    meta[f"{META}tables"] = json.dumps([p.name for p in todo])
                versions[plan.name] = self._commit(TABLES[plan.name], plan, meta)
            fault(f"after_stage_{plan.name}", {k: added[k] for k in [p.name for p in plans[: i + 1]]})
        if staged is not None:
            staged.discard()
        if not todo:
            return added
        fault("before_commit", added)
        at[0] = "recording the publish"
        self._lock.check()
        self._record(base, run_id, versions)
        return added

    def _plan(
        self, table: Table, change: TableChange, recorded: int | None, staged: Path | None, n_staged: int
    ) -> _Plan:
        """Read what the change needs (the replaced rows' count, the keys kept) and de-duplicate its rows."""
        dt = self.delta_table(table.name)
        if dt is not None and dt.version() != recorded:
            raise WarehouseError(
                f"table {self.table_url(table.name)} is at Delta version {dt.version()} but the last publish "
                f"recorded {recorded}: an interrupted publish is pending; recover() it under the lock first "
                "(`newsfacts run` does)"
            )
        replace = change.replaced(table)
        n_replaced = 0
        known: set[tuple[object, ...]] = set()
        if dt is not None:
            data = dt.to_pyarrow_dataset()
            if replace is not None:
                n_replaced = data.count_rows(filter=pc.field("article_id").isin(replace))
            if change.rows.num_rows:  # only new change rows are checked against the keys the table holds
                kept = data.to_table(columns=list(table.key), filter=_not_replaced(replace))
                known.update(keys_of(kept, table.key))
        new_rows = change.new_rows(table, known)
        return _Plan(table.name, replace, n_replaced, new_rows, staged, n_staged, dt)

    def _commit(self, table: Table, plan: _Plan, meta: dict[str, str]) -> int:
        """Commit one table's plan (a predicate overwrite for the replaced articles, an append for the rest),
        each commit directly on the version planned on (no retry on top of another writer's); returns the
        Delta version reached.

        Raises:
            CommitConflict: another writer committed this table meanwhile (it wrote without the lock).
        """
        from deltalake import CommitProperties, write_deltalake
        from deltalake.exceptions import CommitFailedError

        props = CommitProperties(custom_metadata=meta, max_commit_retries=0)
        replaced, others = split_replaced(plan.new_rows, plan.replace)
        opts = self.storage_options
        try:
            if plan.base is None:  # a new table ("error": someone else creating it is a conflict)
                rows = _reader(table, [replaced, others], plan.staged)
                write_deltalake(self.table_url(table.name), rows, mode="error", storage_options=opts,
                                commit_properties=props)  # fmt: skip
            elif plan.n_replaced and plan.replace is not None:
                version = plan.base.version()
                write_deltalake(
                    plan.base, _reader(table, [replaced], plan.staged), mode="overwrite",
                    predicate=_predicate(plan.replace), commit_properties=props, schema_mode="merge",
                )  # fmt: skip
                if others.num_rows:
                    plan.base.load_as_version(version + 1)
                    write_deltalake(
                        plan.base, others, mode="append", commit_properties=props, schema_mode="merge"
                    )
            else:  # schema_mode="merge": a table written before a column was added to the contract gains it
                rows = _reader(table, [replaced, others], plan.staged)
                write_deltalake(plan.base, rows, mode="append", commit_properties=props, schema_mode="merge")
        except CommitFailedError as exc:
            raise CommitConflict(
                f"another writer committed table {self.table_url(table.name)} while this publish was writing it "
                f"(a run writing without the lock?); this publish was not recorded: {exc}"
            ) from exc
        dt = self.delta_table(table.name)
        assert dt is not None
        return dt.version()

    def _record(self, base: Publish | None, run_id: str, versions: dict[str, int]) -> None:
        """Append the publish's record to ``_publishes`` as exactly the version after ``base``'s: the commit
        point of a publish. A record someone else made first is a :class:`CommitConflict`."""
        from deltalake import CommitProperties, write_deltalake
        from deltalake.exceptions import DeltaError

        sequence = base.sequence + 1 if base is not None else 0
        row = pa.Table.from_pylist(
            [
                {
                    "sequence": sequence,
                    "run_id": run_id,
                    "committed_at": datetime.now(UTC),
                    "tables": json.dumps(dict(sorted(versions.items()))),
                }
            ],
            schema=PUBLISHES_SCHEMA,
        )
        target: str | DeltaTable
        if base is None:
            target = self.table_url(PUBLISHES)
        else:
            found = self.delta_table(PUBLISHES, base.sequence)
            if found is None:
                raise WarehouseError(f"{self.table_url(PUBLISHES)} vanished during a publish")
            target = found
        try:
            write_deltalake(
                target, row, mode="append" if base is not None else "error", storage_options=self.storage_options,
                commit_properties=CommitProperties(max_commit_retries=0),
            )  # fmt: skip
        except DeltaError as exc:
            now = self.last_publish()
            if now is not None and (base is None or now.sequence != base.sequence):
                raise CommitConflict(
                    f"another writer recorded publish #{now.sequence} of {self.url} (run {now.run_id}) first "
                    "(a run writing without the lock?); this publish was not recorded"
                ) from exc
            raise


def _part_problem(fs: Any, path: str, size: int) -> str | None:
    """What is wrong with the Parquet part at ``path`` in ``fs`` whose Delta log entry says ``size`` bytes."""
    try:
        actual = int(fs.size(path))
        if actual != size:
            return f"is {actual} bytes, the Delta log recorded {size} (truncated or overwritten)"
        with fs.open(path, "rb") as fh:
            footer_crc32_of(fh, size)
            fh.seek(0)
            pq.read_metadata(fh)
    except FileNotFoundError:
        return "is missing"
    except (OSError, ValueError, pa.ArrowException) as exc:
        return str(exc)
    return None


def _reader(table: Table, parts: list[pa.Table], staged: Path | None) -> pa.RecordBatchReader:
    """The rows of ``parts`` then those of the ``staged`` Parquet file, streamed (staged rows never all sit in
    memory)."""

    def batches() -> Iterator[pa.RecordBatch]:
        for part in parts:
            yield from part.cast(table.schema).to_batches()
        if staged is not None:
            for batch in pq.ParquetFile(staged).iter_batches():
                yield from (
                    pa.Table.from_batches([batch]).select(table.column_names).cast(table.schema).to_batches()
                )

    return pa.RecordBatchReader.from_batches(table.schema, batches())


def open_delta(url: str, **options: Any) -> DeltaWarehouse:
    """The Delta warehouse at ``url``."""
    return DeltaWarehouse(url, **options)
