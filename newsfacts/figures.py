"""``trade_figures``: one row per distinct trade figure, with how many articles and stories state it (issue 17).

The SQL (DuckDB) reads two relations: ``trade_facts`` (the table of ``newsfacts.tables.TRADE_FACTS``) and
``articles`` with at least ``article_id``, ``published_date`` and ``story_id`` (``newsfacts.stories``: the
article's near-duplicate cluster; a null ``story_id`` counts as a story of its own).

What one figure is
    Facts with a value (``value`` not null, ``value_kind`` not ``none``) that agree on the figure's key:
    - ``indicator`` with export = supply (both read ``export``: CONVENTIONS.md accepts either for goods leaving a
      country, and the scorer treats them as one);
    - ``partners``: the *set* of reporter and partner countries (every ISO code of ``reporter_iso2`` and
      ``partner_iso2``, split on ';', sorted, distinct, joined by ';'; null when none), as the trade scorer compares
      them: which side an article called the reporter does not split a figure;
    - ``commodity`` (null: none named, the flow as a whole); the period (``period_start``, ``period_end``);
      ``unit`` and ``per_unit`` (a price per t is not a price per bbl); ``value_kind``; and for ``change_pct``
      and ``ratio`` the ``direction`` (the value of "fell by 5%" is stored as 5 with direction decrease: not the
      same figure as "rose by 5%");
    - ``scope``: null when the period and the partners are known, and what is measured is named: a price names
      its commodity, a share (``share_pct``) its part (a commodity, or a partner beside the reporter: "38% of
      Russia's exports" with neither is a share of an unknown part); otherwise the fact's story. Unknown is not
      equal: "exports grew by 5%" with no period or no country in one story and the same words in another are not
      one figure of two stories, nor do they conflict; copies of one story still are one figure;
    - and a value within 1%, grouped greedily: the distinct values of one key in ascending order; the smallest
      opens a group, every next value joins it while it is at most 1% (of the opening value's magnitude) above
      the opening value, and the first value beyond that opens the next group. Groups so never span more than
      1% (no chaining of 720, 727, 734, ...), and the result does not depend on the order of rows.
    The qualifier is not part of the key: "более 700 млн" and "700 млн" are one figure of 700 million.

Columns
    ``figure_id`` (md5 of the key and the group's opening value), the key columns, ``value`` (the group's most
    stated value: by facts, ties to the lower), ``value_min``/``value_max``, ``n_facts``, ``n_articles``,
    ``n_stories``, ``first_published``/``last_published`` (publication dates of its articles), ``example_fact_id``,
    ``example_article_id`` and ``example_sentence`` (the fact of the earliest published article; nulls last, then
    the smallest fact_id), ``conflicting`` and ``conflicting_values``.

Conflicts: two sources disagreeing on one figure
    Row A ``conflicting`` with row B (``conflicting_values`` lists every such B's ``value``, ascending) when
    - they share the key (the same indicator, partners, commodity, period, unit, per_unit, value_kind and
      direction, both with a null ``scope``: a figure of unknown period or partners never conflicts);
    - a fact of A and a fact of B come from two stories, *neither of which states the other figure*: a story
      stating both 720 and 650 (a total and a part, two sub-flows, two routes) says they are different figures,
      so its values conflict with nothing; another outlet's 650 against one story's 720 is a conflict;
    - and their stated values are more than 5% of the larger magnitude apart (|a - b| > 0.05 * max(|a|, |b|)):
      720 vs 650 million dollars is a conflict (9.7%); 720 vs 710 (1.4%) is neither the same figure nor a
      conflict. What a fact states is an interval: exact ``[v, v]``; ``approx`` (около, порядка, почти)
      ``[v - 5%, v + 5%]``; ``more_than``/``at_least`` ``[v, +inf)``; ``less_than``/``up_to`` ``(-inf, v]``;
      the distance of two intervals must exceed 5%: "более 700 млн" does not conflict with 760 million, "до 700
      млн" does not conflict with 650, "около 700" conflicts with 650 only beyond the approximation.
    A range ("от 600 до 700") has a null ``value`` and is no figure here.
"""

from __future__ import annotations

# What an analyst reads about the view (the warehouse README, views.sql, the dictionary).
TRADE_FIGURES_DOC = (
    "One row per distinct trade figure: trade facts with a value that share the indicator (export = supply), "
    "the set of countries, commodity, period, unit, per_unit, value_kind (and direction of a change) and a value "
    "within 1%; with n_facts, n_articles, n_stories (articles.story_id: near-duplicate copies are one story), "
    "first/last publication date and an example fact_id and sentence. Unknown is not equal: a figure whose "
    "period or countries are unknown (or a price of no named commodity, a share of no named part) is a figure "
    "of its own story only (scope = that story_id; null otherwise): it is never merged with another story's "
    "and never conflicts. conflicting = true when another row of the same key is stated by another story that "
    "does not also state this value, more than 5% away (the distance of the stated intervals: 'более v' is "
    "[v, inf), 'до v' (-inf, v], 'около v' v +- 5%); values one story states together (a total and a part, two "
    "routes) are different figures, not a conflict. conflicting_values lists the other rows' values. "
    "Rules: newsfacts/figures.py."
)

SAME_FIGURE = 0.01  # values within 1% of a group's opening value are one figure
CONFLICT = 0.05  # stated values of one key further apart than 5% (of the larger) conflict
APPROX = 0.05  # "около v" states [v - 5%, v + 5%]
LOWER_BOUNDS = ("more_than", "at_least")  # qualifiers stating [v, +inf)
UPPER_BOUNDS = ("less_than", "up_to")  # qualifiers stating (-inf, v]

# The key of a figure, as SQL expressions over trade_facts columns (aliases are the output column names).
_KEY = (
    "indicator",
    "partners",
    "commodity",
    "period_start",
    "period_end",
    "unit",
    "per_unit",
    "value_kind",
    "change_direction",
    "scope",
)


def _key_list(prefix: str = "") -> str:
    return ", ".join(f"{prefix}{k}" for k in _KEY)


def _key_match(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} IS NOT DISTINCT FROM {b}.{k}" for k in _KEY)


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def trade_figures_sql(trade_facts: str = "trade_facts", articles: str = "articles") -> str:
    """The SELECT that computes ``trade_figures`` over the relations named ``trade_facts`` and ``articles`` (table
    or view names, or parenthesised subqueries); see the module docstring for the rules.

    Args:
        trade_facts: the trade facts relation (columns of newsfacts.tables.TRADE_FACTS).
        articles: a relation with article_id, published_date and story_id.
    """
    key = _key_list()
    return f"""
WITH RECURSIVE stated AS (
    SELECT
        t.fact_id,
        t.article_id,
        t.sentence,
        t.value,
        t.qualifier,
        CASE WHEN t.indicator = 'supply' THEN 'export' ELSE t.indicator END AS indicator,
        nullif(array_to_string(list_sort(list_distinct(list_concat(
            coalesce(string_split(t.reporter_iso2, ';'), []::VARCHAR[]),
            coalesce(string_split(t.partner_iso2, ';'), []::VARCHAR[])
        ))), ';'), '') AS partners,
        t.commodity,
        t.period_start,
        t.period_end,
        t.unit,
        t.per_unit,
        t.value_kind,
        CASE WHEN t.value_kind IN ('change_pct', 'ratio') THEN t.direction END AS change_direction,
        a.published_date,
        coalesce(a.story_id, t.article_id) AS story_id
    FROM {trade_facts} AS t
    LEFT JOIN {articles} AS a ON a.article_id = t.article_id
    WHERE t.value IS NOT NULL AND t.value_kind <> 'none'
),
facts AS (  -- scope: a figure whose period, partners or part is unknown is a figure of its story only
    SELECT *,
        CASE WHEN period_start IS NULL OR partners IS NULL
            OR (indicator = 'price' AND commodity IS NULL)
            OR (value_kind = 'share_pct' AND commodity IS NULL AND NOT contains(partners, ';'))
            THEN story_id END AS scope
    FROM stated
),
keyed AS (  -- one row per key, numbered: the recursion below walks each key's values
    SELECT {key}, dense_rank() OVER (ORDER BY {key}) AS key_id
    FROM (SELECT DISTINCT {key} FROM facts)
),
distinct_values AS (
    SELECT DISTINCT k.key_id, f.value
    FROM facts AS f JOIN keyed AS k ON {_key_match("f", "k")}
),
ordered AS (
    SELECT key_id, value, row_number() OVER (PARTITION BY key_id ORDER BY value) AS rn
    FROM distinct_values
),
walk AS (  -- greedy grouping: a value joins the open group while within 1% of its opening value
    SELECT key_id, rn, value, value AS opening
    FROM ordered WHERE rn = 1
    UNION ALL
    SELECT o.key_id, o.rn, o.value,
        CASE WHEN o.value <= w.opening + {SAME_FIGURE} * abs(w.opening) THEN w.opening ELSE o.value END
    FROM walk AS w JOIN ordered AS o ON o.key_id = w.key_id AND o.rn = w.rn + 1
),
grouped AS (
    SELECT f.*, k.key_id, w.opening,
        md5(concat_ws('|', {", ".join(f"coalesce(CAST(f.{k} AS VARCHAR), '')" for k in _KEY)},
            CAST(w.opening AS VARCHAR))) AS figure_id,
        CASE WHEN f.qualifier IN ({_quoted(UPPER_BOUNDS)}) THEN '-inf'::DOUBLE
            WHEN f.qualifier = 'approx' THEN f.value - {APPROX} * abs(f.value)
            ELSE f.value END AS stated_low,
        CASE WHEN f.qualifier IN ({_quoted(LOWER_BOUNDS)}) THEN 'inf'::DOUBLE
            WHEN f.qualifier = 'approx' THEN f.value + {APPROX} * abs(f.value)
            ELSE f.value END AS stated_high
    FROM facts AS f
    JOIN keyed AS k ON {_key_match("f", "k")}
    JOIN walk AS w ON w.key_id = k.key_id AND w.value = f.value
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY key_id, opening ORDER BY published_date NULLS LAST, fact_id
        ) AS example_rank
    FROM grouped
),
value_counts AS (
    SELECT key_id, opening, value, count(*) AS n,
        row_number() OVER (PARTITION BY key_id, opening ORDER BY count(*) DESC, value) AS value_rank
    FROM grouped GROUP BY key_id, opening, value
),
figures AS (
    SELECT
        r.figure_id,
        r.key_id,
        {", ".join(f"any_value(r.{k}) AS {k}" for k in _KEY)},
        any_value(v.value) AS value,
        min(r.value) AS value_min,
        max(r.value) AS value_max,
        count(*) AS n_facts,
        count(DISTINCT r.article_id) AS n_articles,
        count(DISTINCT r.story_id) AS n_stories,
        min(r.published_date) AS first_published,
        max(r.published_date) AS last_published,
        any_value(r.fact_id) FILTER (WHERE r.example_rank = 1) AS example_fact_id,
        any_value(r.article_id) FILTER (WHERE r.example_rank = 1) AS example_article_id,
        any_value(r.sentence) FILTER (WHERE r.example_rank = 1) AS example_sentence
    FROM ranked AS r
    JOIN value_counts AS v ON v.key_id = r.key_id AND v.opening = r.opening AND v.value_rank = 1
    GROUP BY r.figure_id, r.key_id
),
figure_stories AS (SELECT DISTINCT figure_id, story_id FROM grouped),
disagreeing AS (  -- facts of two figures of one key, from two stories neither of which states the other figure
    SELECT DISTINCT x.figure_id, y.figure_id AS other_id
    FROM grouped AS x
    JOIN grouped AS y
        ON x.key_id = y.key_id AND x.figure_id <> y.figure_id AND x.story_id <> y.story_id
        AND greatest(x.stated_low - y.stated_high, y.stated_low - x.stated_high)
            > {CONFLICT} * greatest(abs(x.value), abs(y.value))
    LEFT JOIN figure_stories AS xs ON xs.figure_id = y.figure_id AND xs.story_id = x.story_id
    LEFT JOIN figure_stories AS ys ON ys.figure_id = x.figure_id AND ys.story_id = y.story_id
    WHERE x.scope IS NULL AND xs.figure_id IS NULL AND ys.figure_id IS NULL
)
SELECT
    f.figure_id,
    {_key_list("f.")},
    f.value, f.value_min, f.value_max, f.n_facts, f.n_articles, f.n_stories,
    f.first_published, f.last_published, f.example_fact_id, f.example_article_id, f.example_sentence,
    coalesce(len(c.values) > 0, false) AS conflicting,
    coalesce(c.values, []::DOUBLE[]) AS conflicting_values
FROM figures AS f
LEFT JOIN (
    SELECT d.figure_id, list_sort(list(o.value)) AS values
    FROM disagreeing AS d JOIN figures AS o ON o.figure_id = d.other_id
    GROUP BY d.figure_id
) AS c ON c.figure_id = f.figure_id
ORDER BY {_key_list("f.")}, f.value
"""
