"""The documents that ship with a warehouse (README.md, views.sql, _dictionary/columns.parquet) and the view
statements behind them: the one writer of both backends' docs, and the SQL that :mod:`newsfacts.views` runs.

Only the storage layer knows the file layout, so the view statements (which name the files) live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsfacts.figures import TRADE_FIGURES_DOC, trade_figures_sql
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
    JoinedView(
        "trade_figures",
        TRADE_FIGURES_DOC,
        trade_figures_sql().strip(),
    ),
)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def joined_views_sql() -> str:
    """``create or replace view`` statements for the joined views (the table views must exist)."""
    return "\n".join(
        f"-- {v.name}: {v.doc}\ncreate or replace view {v.name} as\n{v.sql};" for v in JOINED_VIEWS
    )


def views_sql(root: str | Path | None = None) -> str:
    """``create or replace view`` statements for every table of a local warehouse and the joined views.

    Args:
        root: Warehouse folder to read from; ``None`` writes paths relative to the warehouse folder (for
            ``<warehouse>/views.sql``, to be run from that folder).
    """
    prefix = "" if root is None else str(Path(root).resolve()) + "/"
    lines = [
        "-- newsfacts warehouse views (generated from newsfacts/tables.py and newsfacts/storage/docs.py)"
    ]
    for name, table in TABLES.items():
        glob = _quote(f"{prefix}{name}/**/*.parquet")
        lines.append(f"-- {name}: {table.grain}")
        lines.append(
            f"create or replace view {name} as select * from read_parquet({glob}, union_by_name = true);"
        )
    lines.append(joined_views_sql())
    return "\n".join(lines) + "\n"


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


def parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


_DELTA_README = """\
# newsfacts warehouse on object storage: {url}

**How to read it.** Every table is a Delta Lake table (`{url}/<table>`, its log under `_delta_log/`), readable
by Spark, Trino, Athena, Polars (`pl.read_delta`), pandas and DuckDB (through
`deltalake.DeltaTable(...).to_pyarrow_dataset()`) without newsfacts. Tables are committed one by one, `runs`
last; `{url}/_publishes` (a Delta table too) records, for every completed publish, the Delta version each table
reached (`tables`, JSON). To read several tables as of one whole publish, take the row with the highest
`sequence` and open each table at its version (time travel):

```python
import json, polars as pl
from deltalake import DeltaTable
last = pl.read_delta("{url}/_publishes").sort("sequence").tail(1)
versions = json.loads(last["tables"][0])
articles = pl.read_delta("{url}/articles", version=versions["articles"])
ds = DeltaTable("{url}/trade_facts", version=versions["trade_facts"]).to_pyarrow_dataset()  # DuckDB, pyarrow
```

Reading each table's latest version is fine for one table at a time; a run in progress (or a crashed one, until
the next run rolls it back) may have committed some tables and not others. In Python,
`newsfacts.storage.open_warehouse("{url}").duckdb_connection()` defines every view below over one publish.
Everything below about `read_parquet('<warehouse>/<table>/**/*.parquet')` applies to local warehouses only.

"""

_DELTA_VIEWS_NOTE = """\
-- newsfacts warehouse views for the Delta Lake warehouse {url}
-- Define one view per table over its Delta table at the version of the latest publish (see README.md), e.g.
--     newsfacts.storage.open_warehouse("{url}").duckdb_connection()
-- then these joined views:
"""


def documents(url: str | None = None) -> dict[str, bytes]:
    """The files to write next to the data, by path relative to the warehouse: a local folder's (``url``
    None) or an object-store warehouse's at ``url``."""
    from newsfacts.dictionary import dictionary_table, warehouse_readme

    if url is None:
        readme = warehouse_readme() + views_markdown()
        views = views_sql()
    else:
        readme = _DELTA_README.format(url=url) + warehouse_readme()
        views = _DELTA_VIEWS_NOTE.format(url=url) + joined_views_sql() + "\n"
    return {
        "README.md": readme.encode("utf-8"),
        "views.sql": views.encode("utf-8"),
        "_dictionary/columns.parquet": parquet_bytes(dictionary_table()),
    }
