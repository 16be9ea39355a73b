"""A self-contained HTML report of a warehouse: topic trends, a timeline of dated events, the trade facts with
their evidence, and counts by country pair. Charts are inline SVG; no script, font or style is fetched from the
internet, so the file opens anywhere (mail it, archive it)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from newsfacts.storage import is_url
from newsfacts.views import connect

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")
MAX_TRADE_ROWS = 1000
MAX_EVENT_ROWS = 300
MAX_FIGURE_ROWS = 500
TOP_TOPICS = 8
TOP_PAIRS = 20

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#222;
background:#fafafa}
header{background:#1f3b57;color:#fff;padding:18px 32px}header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;opacity:.85}main{padding:8px 32px 40px;max-width:1300px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 20px;margin:18px 0}
h2{font-size:19px;margin:6px 0 10px}p.note{color:#666;font-size:13px;margin:4px 0 10px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f3f5f7;position:sticky;top:0}td.num{text-align:right;
white-space:nowrap}mark{background:#ffe89a;padding:0 1px}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;background:#fff;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#666;font-size:12px}
svg text{font-family:inherit;font-size:11px;fill:#333}.scroll{max-height:640px;overflow:auto}
nav a{color:#fff;margin-right:14px;font-size:13px}tr.conflict td{background:#fde2e1}
"""


@dataclass
class ReportData:
    generated_at: datetime
    warehouse: str
    counts: dict[str, int]
    date_range: tuple[date | None, date | None]
    n_undated_articles: int
    topic_months: list[tuple[date, str, int]]  # month, topic label, articles
    events: list[dict[str, Any]]
    trade: list[dict[str, Any]]
    pairs: list[tuple[str, str, int, int]]  # reporter, partner, facts, articles
    figures: list[dict[str, Any]] = field(
        default_factory=list
    )  # trade_figures of several stories or conflicting


def _rows(con: Any, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def collect(warehouse: str | Path) -> ReportData:
    """Read what the report shows from the warehouse (through the DuckDB views).

    Args:
        warehouse: The warehouse folder.
    """
    con = connect(warehouse)
    try:
        counts = {
            t: int(con.execute(f"select count(*) from {t}").fetchone()[0])
            for t in (
                "articles",
                "date_mentions",
                "amounts",
                "trade_facts",
                "topics",
                "entities",
                "quarantine",
            )
        }
        lo, hi, undated = con.execute(
            "select min(published_date), max(published_date), count(*) filter (where published_date is null) "
            "from articles"
        ).fetchone()
        top = [
            r[0]
            for r in con.execute(
                "select topic_label from topic_counts_monthly where month is not null group by 1 "
                f"order by sum(n_articles) desc, 1 limit {TOP_TOPICS}"
            ).fetchall()
        ]
        topic_months = [
            (r[0], r[1], int(r[2]))
            for r in con.execute(
                "select month, topic_label, sum(n_articles) from topic_counts_monthly "
                "where month is not null and topic_label in (select unnest(?)) group by 1, 2 order by 1, 2",
                [top],
            ).fetchall()
        ]
        events = _rows(
            con,
            "select start_date, end_date, granularity, tense, text, sentence, article_title, published_date "
            f"from dated_events order by start_date, end_date limit {MAX_EVENT_ROWS * 10}",
        )
        trade = _rows(
            con,
            "select published_date, article_title, indicator, reporter_iso2, partner_iso2, transit_iso2, "
            "commodity, value, unit, per_unit, value_kind, qualifier, direction, period_start, period_end, "
            "roles_from, text, "
            "sentence, source_uri from trade_facts_enriched "
            f"order by published_date nulls last, article_id, start_char limit {MAX_TRADE_ROWS}",
        )
        figures = _rows(
            con,
            "select indicator, partners, commodity, period_start, period_end, value, unit, per_unit, value_kind, "
            "change_direction, n_articles, n_stories, first_published, last_published, example_sentence, "
            "conflicting, conflicting_values from trade_figures where n_stories > 1 or conflicting "
            "order by conflicting desc, n_stories desc, n_articles desc, indicator, partners, value "
            f"limit {MAX_FIGURE_ROWS}",
        )
        pairs = [
            (r[0], r[1], int(r[2]), int(r[3]))
            for r in con.execute(
                "select coalesce(reporter_iso2, '?'), coalesce(partner_iso2, '?'), count(*), "
                "count(distinct article_id) from trade_facts "
                "where reporter_iso2 is not null or partner_iso2 is not null "
                "group by 1, 2 order by 3 desc, 1, 2"
            ).fetchall()
        ]
    finally:
        con.close()
    return ReportData(
        generated_at=datetime.now(UTC),
        warehouse=str(warehouse) if is_url(warehouse) else str(Path(warehouse).resolve()),
        counts=counts,
        date_range=(lo, hi),
        n_undated_articles=int(undated or 0),
        topic_months=topic_months,
        events=events,
        trade=trade,
        pairs=pairs,
        figures=figures,
    )


# ---------------------------------------------------------------------------------------------- SVG charts
def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def line_chart(
    x_labels: Sequence[str], series: dict[str, list[float]], width: int = 900, height: int = 300
) -> str:
    """Lines (one per series) over categorical x labels, with a legend; inline SVG.

    Args:
        x_labels: Labels of the x positions (e.g. months).
        series: Label -> one value per x position.
        width: Width in pixels.
        height: Height in pixels.
    """
    left, right, top, bottom = 44, 190, 12, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = _nice_max(max((v for vals in series.values() for v in vals), default=1.0))
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (pw * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + ph - ph * v / ymax

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for k in range(5):
        v = ymax * k / 4
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
    step = max(1, math.ceil(n / 14))
    for i, lab in enumerate(x_labels):
        if i % step == 0:
            out.append(f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="middle">{_e(lab)}</text>')
    for si, (label, vals) in enumerate(series.items()):
        color = PALETTE[si % len(PALETTE)]
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vals))
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        for i, v in enumerate(vals):
            if v:
                out.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                    f"<title>{_e(label)} {_e(x_labels[i])}: {v:g}</title></circle>"
                )
        ly = top + 14 + si * 18
        out.append(f'<rect x="{left + pw + 14}" y="{ly - 9}" width="12" height="10" fill="{color}"/>')
        out.append(f'<text x="{left + pw + 30}" y="{ly}">{_e(label[:26])}</text>')
    out.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#999"/>'
        f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#999"/></svg>'
    )
    return "".join(out)


def bar_chart(items: Sequence[tuple[str, float]], width: int = 700, bar: int = 20) -> str:
    """Horizontal bars with labels and values; inline SVG.

    Args:
        items: (label, value) pairs, drawn top to bottom.
        width: Width in pixels.
        bar: Height of one bar in pixels.
    """
    left, right = 120, 50
    height = 10 + len(items) * (bar + 6)
    vmax = max((v for _, v in items), default=1.0) or 1.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, v) in enumerate(items):
        y0 = 5 + i * (bar + 6)
        w = (width - left - right) * v / vmax
        out.append(f'<text x="{left - 8}" y="{y0 + bar * 0.7:.1f}" text-anchor="end">{_e(label)}</text>')
        out.append(f'<rect x="{left}" y="{y0}" width="{w:.1f}" height="{bar}" fill="{PALETTE[0]}"/>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{y0 + bar * 0.7:.1f}">{v:g}</text>')
    out.append("</svg>")
    return "".join(out)


TENSE_COLORS = {"past": PALETTE[0], "future": PALETTE[1], "unknown": "#999999"}


def timeline_chart(events: Sequence[dict[str, Any]], width: int = 1000, height: int = 170) -> str:
    """Dated events on a time axis (a dot per day-grain event, a bar per longer interval); inline SVG.

    Args:
        events: Rows with start_date, end_date, tense, text.
        width: Width in pixels.
        height: Height in pixels.
    """
    dated = [e for e in events if e.get("start_date") is not None]
    if len(dated) > 20:  # clip the axis to the bulk of the events: one "XVII век" must not squash the rest
        starts = sorted(e["start_date"] for e in dated)
        lo_d, hi_d = starts[len(starts) // 50], starts[-1 - len(starts) // 50]
        dated = [e for e in dated if lo_d <= e["start_date"] <= hi_d and (e["end_date"] or lo_d) <= hi_d]
    left, right, top, bottom = 20, 20, 10, 36
    if not dated:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40">'
            '<text x="10" y="24">no dated events</text></svg>'
        )
    lo = min(e["start_date"] for e in dated).toordinal()
    hi = max((e["end_date"] or e["start_date"]) for e in dated).toordinal()
    span = max(hi - lo, 1)
    pw, lanes = width - left - right, 8
    lane_h = (height - top - bottom) / lanes

    def x(d: date) -> float:
        return left + pw * (d.toordinal() - lo) / span

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, ev in enumerate(dated):
        lane = i % lanes
        cy = top + lane * lane_h + lane_h / 2
        color = TENSE_COLORS.get(str(ev.get("tense")), "#999999")
        title = f"<title>{_e(ev['start_date'])}–{_e(ev.get('end_date'))}: {_e(ev.get('text'))}</title>"
        x0, x1 = x(ev["start_date"]), x(ev.get("end_date") or ev["start_date"])
        if x1 - x0 < 3:
            out.append(
                f'<circle cx="{x0:.1f}" cy="{cy:.1f}" r="3.5" fill="{color}" fill-opacity=".75">{title}</circle>'
            )
        else:
            out.append(
                f'<rect x="{x0:.1f}" y="{cy - 3:.1f}" width="{x1 - x0:.1f}" height="6" fill="{color}" '
                f'fill-opacity=".45">{title}</rect>'
            )
    axis_y = height - bottom + 6
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{axis_y}" y2="{axis_y}" stroke="#999"/>')
    y_lo, y_hi = date.fromordinal(lo).year, date.fromordinal(hi).year
    step = max(1, math.ceil((y_hi - y_lo + 1) / 16))
    for yr in range(y_lo, y_hi + 1, step):
        d = date(yr, 1, 1)
        if lo <= d.toordinal() <= hi or yr == y_lo:
            xx = x(max(d, date.fromordinal(lo)))
            out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{axis_y}" y2="{axis_y + 5}" stroke="#999"/>')
            out.append(f'<text x="{xx:.1f}" y="{axis_y + 18}" text-anchor="middle">{yr}</text>')
    legend_x = left
    for tense, color in TENSE_COLORS.items():
        out.append(f'<circle cx="{legend_x + 5}" cy="{height - 6}" r="4" fill="{color}"/>')
        out.append(f'<text x="{legend_x + 13}" y="{height - 2}">{tense}</text>')
        legend_x += 80
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------- HTML
def _month_range(months: set[date]) -> list[date]:
    """Every month from the first to the last (months without articles count as zero)."""
    if not months:
        return []
    lo, hi = min(months), max(months)
    out, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _highlight(sentence: str | None, words: str | None) -> str:
    s = sentence or ""
    if words and words in s:
        i = s.index(words)
        return _e(s[:i]) + "<mark>" + _e(words) + "</mark>" + _e(s[i + len(words) :])
    return _e(s)


def _fmt_value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}".replace(",", " ") if abs(v) >= 1000 else f"{v:g}"
    return str(v)


def render_html(data: ReportData) -> str:
    """The report as one HTML document (inline CSS and SVG only).

    Args:
        data: What :func:`collect` read from the warehouse.
    """
    lo, hi = data.date_range
    cards = "".join(
        f'<div class="card"><b>{n}</b><span>{_e(t.replace("_", " "))}</span></div>'
        for t, n in data.counts.items()
    )
    # topic trends
    months = _month_range({m for m, _, _ in data.topic_months})
    labels = sorted({t for _, t, _ in data.topic_months})
    by = {(m, t): n for m, t, n in data.topic_months}
    series = {t: [float(by.get((m, t), 0)) for m in months] for t in labels}
    if months:
        topics_svg = line_chart([m.strftime("%Y-%m") for m in months], series)
    else:
        topics_svg = '<p class="note">No dated articles with topics yet.</p>'
    # events
    events_rows = "".join(
        f"<tr><td>{_e(e['start_date'])}</td><td>{_e(e['end_date'])}</td><td>{_e(e['granularity'])}</td>"
        f"<td>{_e(e['tense'])}</td><td>{_highlight(e['sentence'], e['text'])}</td>"
        f"<td>{_e(e['article_title'])}</td></tr>"
        for e in data.events[:MAX_EVENT_ROWS]
    )
    # trade
    trade_rows = "".join(
        f"<tr><td>{_e(t['published_date'])}</td><td>{_e(t['indicator'])}</td>"
        f"<td>{_e(t['reporter_iso2'] or '?')}→{_e(t['partner_iso2'] or '?')}"
        f"{' via ' + _e(t['transit_iso2']) if t['transit_iso2'] else ''}"
        f"{' (from context)' if t['roles_from'] == 'context' else ''}</td>"
        f"<td>{_e(t['commodity'])}</td><td class='num'>{_e(_fmt_value(t['value']))} {_e(t['unit'])}"
        f"{' / ' + _e(t['per_unit']) if t['per_unit'] else ''} <small>{_e(t['value_kind'])}</small></td>"
        f"<td>{_e(t['direction'])}</td>"
        f"<td>{_e(t['period_start'])}{'–' + _e(t['period_end']) if t['period_end'] else ''}</td>"
        f"<td>{_highlight(t['sentence'], t['text'])}</td><td>{_e(t['article_title'])}</td></tr>"
        for t in data.trade
    )
    trade_note = (
        f"showing the first {MAX_TRADE_ROWS} of {data.counts['trade_facts']}"
        if data.counts["trade_facts"] > MAX_TRADE_ROWS
        else f"{data.counts['trade_facts']} facts"
    )
    # pairs
    pair_items = [(f"{r} → {p}", float(n)) for r, p, n, _ in data.pairs[:TOP_PAIRS]]
    pairs_svg = (
        bar_chart(pair_items) if pair_items else '<p class="note">No trade facts with countries yet.</p>'
    )
    pair_rows = "".join(
        f"<tr><td>{_e(r)}</td><td>{_e(p)}</td><td class='num'>{n}</td><td class='num'>{a}</td></tr>"
        for r, p, n, a in data.pairs
    )
    events_svg = timeline_chart(data.events)
    figures_html = _figures_table(data.figures)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsfacts report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><header><h1>newsfacts report</h1>
<p>Warehouse <code>{_e(data.warehouse)}</code> · generated {data.generated_at:%Y-%m-%d %H:%M} UTC ·
articles published {_e(lo) or "?"} to {_e(hi) or "?"} ({data.n_undated_articles} without a publication date)</p>
<nav><a href="#topics">Topic trends</a><a href="#timeline">Timeline</a><a href="#trade">Trade facts</a>
<a href="#figures">Figures</a><a href="#pairs">Country pairs</a></nav></header>
<main>
<section id="overview"><h2>Overview</h2><div class="cards">{cards}</div></section>
<section id="topics"><h2>Topic trends over time</h2>
<p class="note">Articles per month (by publication date) for the {len(labels)} most frequent topics;
undated articles are not shown.</p>{topics_svg}</section>
<section id="timeline"><h2>Timeline of dated events</h2>
<p class="note">Date expressions with a known year ({len(data.events)}; the chart leaves out the earliest and latest
2%), colour by tense; hover for the words. The table lists the first {min(len(data.events), MAX_EVENT_ROWS)} by
date.</p>{events_svg}
<div class="scroll"><table><thead><tr><th>from</th><th>to</th><th>grain</th><th>tense</th><th>sentence</th>
<th>article</th></tr></thead><tbody>{events_rows}</tbody></table></div></section>
<section id="trade"><h2>Trade facts</h2><p class="note">{trade_note}; the highlighted words are the fact's evidence.
</p><div class="scroll"><table><thead><tr><th>published</th><th>indicator</th><th>countries</th>
<th>commodity</th><th>value</th><th>direction</th><th>period</th><th>evidence</th><th>article</th></tr></thead>
<tbody>{trade_rows}</tbody></table></div></section>
<section id="figures"><h2>Figures reported by several sources</h2><p class="note">One row per distinct trade
figure (<code>trade_figures</code>) stated by more than one story (near-duplicate copies are one story), or
conflicting: another source states the same indicator, countries, commodity, period and unit with a value more than
5% away (highlighted).</p>{figures_html}</section>
<section id="pairs"><h2>Trade facts by country pair</h2><p class="note">reporter → partner ('?' = not stated);
top {min(len(data.pairs), TOP_PAIRS)} pairs.</p>{pairs_svg}
<table><thead><tr><th>reporter</th><th>partner</th><th>facts</th><th>articles</th></tr></thead>
<tbody>{pair_rows}</tbody></table></section>
</main></body></html>
"""


def _figures_table(figures: Sequence[dict[str, Any]]) -> str:
    """The "Figures reported by several sources" table: conflicting rows highlighted, with the other values."""
    if not figures:
        return '<p class="note">No figure is stated by several stories, and none conflicts.</p>'
    rows = []
    for f in figures:
        cls = ' class="conflict"' if f["conflicting"] else ""
        others = ", ".join(_fmt_value(v) for v in f["conflicting_values"] or [])
        period = _e(f["period_start"]) + ("–" + _e(f["period_end"]) if f["period_end"] else "")
        published = _e(f["first_published"]) + ("–" + _e(f["last_published"]) if f["last_published"] else "")
        per = " / " + _e(f["per_unit"]) if f["per_unit"] else ""
        rows.append(
            f"<tr{cls}><td>{_e(f['indicator'])}</td><td>{_e(f['partners'] or '?')}</td>"
            f"<td>{_e(f['commodity'])}</td><td>{period}</td>"
            f"<td class='num'>{_e(_fmt_value(f['value']))} {_e(f['unit'])}{per} <small>{_e(f['value_kind'])}"
            f"</small></td><td class='num'>{f['n_articles']}</td><td class='num'>{f['n_stories']}</td>"
            f"<td>{published}</td><td>{'conflict: ' + _e(others) if f['conflicting'] else ''}</td>"
            f"<td>{_e(f['example_sentence'])}</td></tr>"
        )
    return (
        '<div class="scroll"><table><thead><tr><th>indicator</th><th>countries</th><th>commodity</th>'
        "<th>period</th><th>value</th><th>articles</th><th>stories</th><th>published</th><th>other values</th>"
        f"<th>example</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def write_report(warehouse: str | Path, out: str | Path) -> Path:
    """Write the HTML report of ``warehouse`` to ``out``; returns the path.

    Args:
        warehouse: The warehouse folder.
        out: The HTML file to write (its folder is created).
    """
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(collect(warehouse)), encoding="utf-8")
    return path
