"""DuckDB views over the warehouse: one view per table (generated from the contracts) plus joined views.

``<warehouse>/views.sql`` holds the same statements with paths relative to the warehouse folder, so it works
from anywhere DuckDB can find the files::

    cd warehouse && duckdb -init views.sql          # the DuckDB CLI
    newsfacts query "select * from trade_facts_enriched" --warehouse warehouse

Only this module and :mod:`newsfacts.warehouse` know the warehouse's file layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfacts.tables import TABLES


@dataclass(frozen=True)
class JoinedView:
    name: str
    doc: str
    sql: str


JOINED_VIEWS: tuple[JoinedView, ...] = (
    JoinedView(
        "trade_facts_enriched",
        "Trade facts with the article's title, publication date, source and URL (one row per trade fact).",
        """\
select t.*, a.title as article_title, a.published_date, a.source_uri, a.url
from trade_facts t
left join articles a using (article_id)""",
    ),
    JoinedView(
        "topic_counts_monthly",
        "Articles per topic and publication month (month is null for articles without a publication date).",
        """\
select date_trunc('month', a.published_date)::date as month, t.topic_code, t.topic_label,
       count(distinct t.article_id) as n_articles, sum(case when t.rank = 1 then 1 else 0 end) as n_primary
from topics t
join articles a using (article_id)
group by all""",
    ),
    JoinedView(
        "dated_events",
        "Date mentions with a known year, with their article: a timeline of what the news dates.",
        """\
select d.start_date, d.end_date, d.granularity, d.tense, d.text, d.sentence, d.article_id,
       a.title as article_title, a.published_date
from date_mentions d
join articles a using (article_id)
where d.year_known and d.start_date is not null""",
    ),
)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def views_sql(root: str | Path | None = None) -> str:
    """``create or replace view`` statements for every table and the joined views.

    Args:
        root: Warehouse folder to read from; ``None`` writes paths relative to the warehouse folder (for
            ``<warehouse>/views.sql``, to be run from that folder).
    """
    prefix = "" if root is None else str(Path(root).resolve()) + "/"
    lines = ["-- newsfacts warehouse views (generated from newsfacts/tables.py and newsfacts/views.py)"]
    for name, table in TABLES.items():
        glob = _quote(f"{prefix}{name}/**/*.parquet")
        lines.append(f"-- {name}: {table.grain}")
        lines.append(
            f"create or replace view {name} as select * from read_parquet({glob}, union_by_name = true);"
        )
    for view in JOINED_VIEWS:
        lines.append(f"-- {view.name}: {view.doc}")
        lines.append(f"create or replace view {view.name} as\n{view.sql};")
    return "\n".join(lines) + "\n"


def connect(root: str | Path) -> Any:
    """An in-memory DuckDB connection with every view defined over the warehouse at ``root``.

    Args:
        root: Warehouse folder (must hold the tables: run the pipeline first), or an object-store URL.
    """
    import duckdb

    from newsfacts.warehouse import is_url

    if is_url(root):  # an object store: views over the newest committed manifest's objects
        from newsfacts.objectstore import ObjectWarehouse

        return ObjectWarehouse(str(root)).duckdb_connection()
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


def views_markdown() -> str:
    """The README section on the DuckDB views (appended to ``<warehouse>/README.md``)."""
    joined = "\n".join(f"- `{v.name}`: {v.doc}" for v in JOINED_VIEWS)
    return f"""
## DuckDB views

`views.sql` defines one view per table (named like the table) and these joined views:

{joined}

```bash
newsfacts query "select * from trade_facts_enriched order by published_date" --warehouse warehouse
newsfacts query "select month, topic_label, n_articles from topic_counts_monthly order by 1, 3 desc" --format csv
cd warehouse && duckdb -init views.sql     # the DuckDB CLI, if installed (paths are relative to this folder)
```
"""
