"""The analyst's column dictionary, generated from the table contracts (written next to the data)."""

from __future__ import annotations

import pyarrow as pa

from newsfacts.figures import TRADE_FIGURES_DOC
from newsfacts.tables import TABLES, Table

EXAMPLES = """\
## Example queries (DuckDB)

```sql
-- trade facts with the article they came from
select a.published_date, a.title, t.indicator, t.reporter_iso2, t.partner_iso2, t.commodity, t.value, t.unit,
       t.direction, t.sentence
from read_parquet('warehouse/trade_facts/**/*.parquet') t
join read_parquet('warehouse/articles/**/*.parquet') a using (article_id)
order by a.published_date;

-- a timeline of dated events
select start_date, end_date, granularity, text, sentence
from read_parquet('warehouse/date_mentions/**/*.parquet')
where year_known order by start_date;

-- what was rejected, and why
select stage, reason, count(*) from read_parquet('warehouse/quarantine/**/*.parquet') group by all;
```

pandas: `pd.read_parquet('warehouse/articles')`; Polars: `pl.read_parquet('warehouse/articles/**/*.parquet')`.
"""


def _type_name(t: pa.DataType) -> str:
    return {"string": "text", "large_string": "text", "date32[day]": "date", "bool": "boolean"}.get(
        str(t), str(t)
    )


def table_markdown(table: Table) -> str:
    lines = [
        f"## `{table.name}`",
        "",
        f"{table.doc}",
        "",
        f"**Grain:** {table.grain}. **Key:** {', '.join(table.key)}.",
        "",
        "| column | type | null? | meaning |",
        "|---|---|---|---|",
    ]
    for c in table.columns:
        meaning = c.doc + (f" One of: {', '.join(c.allowed)}." if c.allowed else "")
        lines.append(f"| `{c.name}` | {_type_name(c.type)} | {'yes' if c.nullable else 'no'} | {meaning} |")
    return "\n".join(lines) + "\n"


VIEWS = f"""\
## Views (`newsfacts query`, `views.sql`)

### `trade_figures`

{TRADE_FIGURES_DOC}

Stories: `articles.story_id` is the article_id of the first article of its near-duplicate cluster (MinHash of
5-word shingles of the cleaned text, estimated Jaccard >= 0.5: a new headline, a reworded sentence, a tagline or
a removed paragraph keep a copy in its story; newsfacts/stories.py). An article rejected by validation is never a
story another article joins. Rows written before the column existed have a null story_id: a story of their own.
"""


def warehouse_readme() -> str:
    parts = [
        "# newsfacts warehouse\n",
        "Generated from `newsfacts/tables.py`; do not edit. Each table is a folder of Parquet files: read it "
        "as `read_parquet('<warehouse>/<table>/**/*.parquet')`. Every fact row carries `article_id`, "
        "`start_char`/`end_char` into `articles.text`, the `sentence` it came from, and `extractor_version`. "
        "Dates are `date32`, timestamps UTC, countries ISO 3166-1 alpha-2, money ISO 4217.\n",
        EXAMPLES,
        VIEWS,
    ]
    parts += [table_markdown(t) for t in TABLES.values()]
    return "\n".join(parts)


def dictionary_table() -> pa.Table:
    rows = [
        {
            "table_name": t.name,
            "column_name": c.name,
            "type": _type_name(c.type),
            "nullable": c.nullable,
            "allowed_values": ", ".join(c.allowed) if c.allowed else None,
            "description": c.doc,
            "table_grain": t.grain,
        }
        for t in TABLES.values()
        for c in t.columns
    ]
    return pa.Table.from_pylist(rows)
