"""The one algorithm that decides what a publish changes in a table, shared by both backends.

A :class:`TableChange` is new rows for one table and the articles whose existing rows they replace. Applied to
a table, it (1) removes the stored rows of the replaced articles, (2) drops every new row whose key the table
still holds after (1), or that repeats an earlier new row's key, and (3) adds the rest. A backend supplies only
its base operations: how to read the stored rows (and key columns) and how to write the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.tables import TABLES, Table

Key = tuple[object, ...]


@dataclass
class TableChange:
    """New rows for one table, and the articles whose existing rows they replace."""

    rows: pa.Table
    replace_article_ids: set[str] = field(default_factory=set)

    def rows_in_schema(self, table: Table) -> pa.Table:
        """The new rows, in the table's contract columns and types."""
        return self.rows.select(table.column_names).cast(table.schema)

    def replaced(self, table: Table) -> pa.Array | None:
        """The article ids whose stored rows this change replaces, as an Arrow set (None: nothing to replace;
        always None for a table without ``article_id``)."""
        return replaced_ids(table, self)

    def new_rows(self, table: Table, known: Iterable[Key]) -> pa.Table:
        """The rows this change adds: its rows minus those whose key is in ``known`` (the keys the table holds
        once the replaced articles' rows are gone) or repeats an earlier row's key."""
        return drop_known_keys(self.rows_in_schema(table), table.key, set(known))


def replaced_ids(table: Table, change: TableChange) -> pa.Array | None:
    """The article ids whose existing rows the change replaces, as an Arrow set (None: nothing to replace)."""
    replace = change.replace_article_ids if "article_id" in table.column_names else set()
    return pa.array(sorted(replace), pa.string()) if replace else None


def without_replaced(
    read: Callable[..., pa.Table], table: Table, replace_ids: pa.Array | None
) -> pa.Table | None:
    """One stored part's rows without those of the replaced articles, or None when it holds none of them (the
    part is kept as it is). ``read(columns=...)`` reads the part (all columns for None)."""
    if replace_ids is None:
        return None
    mask = pc.is_in(read(columns=["article_id"]).column("article_id"), value_set=replace_ids)
    if not pc.any(mask).as_py():
        return None
    full = read(columns=None).select(table.column_names).cast(table.schema)
    return full.filter(pc.invert(pc.fill_null(mask, False)))


def keys_of(table: pa.Table, key: Iterable[str]) -> Iterator[Key]:
    """The key tuples of ``table``'s rows, in order."""
    cols = [table.column(k).to_pylist() for k in key]
    return iter(zip(*cols, strict=True))


def drop_known_keys(rows: pa.Table, key: tuple[str, ...], known: set[Key]) -> pa.Table:
    """Rows whose key is neither in ``known`` nor repeated earlier in ``rows``."""
    if not rows.num_rows:
        return rows
    seen = set(known)
    keep: list[bool] = []
    for k in keys_of(rows, key):
        keep.append(k not in seen)
        seen.add(k)
    if all(keep):
        return rows
    return rows.filter(pa.array(keep))


def split_replaced(rows: pa.Table, replace_ids: pa.Array | None) -> tuple[pa.Table, pa.Table]:
    """``rows`` split into those of the replaced articles and the others (all others when None)."""
    if replace_ids is None or not rows.num_rows:
        return rows.slice(0, 0), rows
    mask = pc.fill_null(pc.is_in(rows.column("article_id"), value_set=replace_ids), False)
    return rows.filter(mask), rows.filter(pc.invert(mask))


def _with_columns(part: pa.Table, schema: pa.Schema) -> pa.Table:
    """``part`` with the contract's columns it lacks (a part written before a column was added) as nulls."""
    for f in schema:
        if f.name not in part.column_names:
            part = part.append_column(f.name, pa.nulls(part.num_rows, f.type))
    return part


def concat_in_schema(name: str, parts: list[pa.Table], columns: list[str] | None = None) -> pa.Table:
    """Parts of table ``name`` (or of some of its columns) as one Arrow table in contract schema."""
    schema = TABLES[name].schema
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    predated = {f.name for p in parts if p.num_rows for f in schema if f.name not in p.column_names}
    if predated:  # a part written before a not-null column was added: nulls there (articles.story_id, ...)
        schema = pa.schema(
            [f.with_nullable(True) if f.name in predated else f for f in schema], schema.metadata
        )
    kept = [_with_columns(p, schema).select(schema.names).cast(schema) for p in parts if p.num_rows]
    return pa.concat_tables(kept) if kept else schema.empty_table()
