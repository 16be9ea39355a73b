"""DuckDB views over the warehouse: one view per table (generated from the contracts) plus joined views.

``<warehouse>/views.sql`` holds the same statements with paths relative to the warehouse folder, so it works
from anywhere DuckDB can find the files::

    cd warehouse && duckdb -init views.sql          # the DuckDB CLI
    newsfacts query "select * from trade_facts_enriched" --warehouse warehouse

The statements themselves come from :mod:`newsfacts.storage.docs` (only storage knows the file layout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsfacts.storage import is_url
from newsfacts.storage.docs import JOINED_VIEWS, JoinedView, views_markdown, views_sql
from newsfacts.tables import TABLES

__all__ = ["JOINED_VIEWS", "JoinedView", "connect", "query", "views_markdown", "views_sql"]


def connect(root: str | Path) -> Any:
    """An in-memory DuckDB connection with every view defined over the warehouse at ``root``.

    Args:
        root: Warehouse folder (must hold the tables: run the pipeline first), or an object-store URL.
    """
    import duckdb

    if is_url(root):  # an object store: views over every Delta table as of the latest publish
        from newsfacts.storage.delta import DeltaWarehouse

        return DeltaWarehouse(str(root)).duckdb_connection()
    path = Path(root)
    missing = [t for t in TABLES if not (path / t).exists()]
    if missing:
        raise FileNotFoundError(
            f"{path} is not a newsfacts warehouse (missing {', '.join(missing)}); run `newsfacts run` first"
        )
    con = duckdb.connect()
    con.execute(views_sql(path))
    return con


def query(root: str | Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` against the warehouse views; returns (column names, rows).

    Args:
        root: Warehouse folder.
        sql: Any DuckDB SQL; the table names and joined views are defined.
    """
    con = connect(root)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        return columns, cur.fetchall()
    finally:
        con.close()
