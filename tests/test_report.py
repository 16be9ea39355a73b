"""`newsfacts report`: a self-contained HTML report, checked as data and rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from newsfacts.report import ReportData, bar_chart, collect, line_chart, render_html, timeline_chart
from tests.test_query import build_warehouse

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    wh = build_warehouse(root)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "report",
            "--warehouse",
            str(wh),
            "--out",
            str(root / "r.html"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str((root / "r.html").resolve())
    return root / "r.html"


def test_the_report_is_self_contained(report: Path) -> None:
    doc = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc)  # nothing fetched from the internet
    assert "<script" not in doc and "@import" not in doc
    for section in ("topics", "timeline", "trade", "figures", "pairs"):
        assert f'<section id="{section}">' in doc
    assert doc.count("<svg") >= 3
    assert "Нефть через Каспий" in doc and "<mark>" in doc  # trade facts with their evidence
    assert "KZ → AZ" in doc or "KZ → DE" in doc  # a country pair


def test_charts_are_valid_svg() -> None:
    import xml.etree.ElementTree as ET
    from datetime import date

    for svg in (
        line_chart(["2025-01", "2025-02"], {"trade": [1.0, 3.0], "energy": [0.0, 2.0]}),
        bar_chart([("KZ → AZ", 3.0), ("? → DE", 1.0)]),
        timeline_chart(
            [
                {
                    "start_date": date(2024, 1, 1),
                    "end_date": date(2024, 12, 31),
                    "tense": "past",
                    "text": "в 2024 году",
                }
            ]
        ),
        timeline_chart([]),
    ):
        ET.fromstring(svg)


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (CI installs the Debian package chromium)"
)
def test_the_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    profile = tempfile.mkdtemp(dir=tmp_path)
    base = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", report.resolve().as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    for heading in (
        "Topic trends over time",
        "Timeline of dated events",
        "Trade facts",
        "Trade facts by country pair",
    ):
        assert heading in html
    assert html.count("<svg") >= 3 and "<polyline" in html and "<circle" in html
    shot = tmp_path / "report.png"
    png = subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1200,2000", report.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert png.returncode == 0, png.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses to a few KB


def test_figures_of_several_sources_with_conflicts_highlighted(report: Path) -> None:
    """The "Figures reported by several sources" table: trade_figures rows of several stories or conflicting."""
    data = collect(report.parent / "wh")
    assert all(f["n_stories"] > 1 or f["conflicting"] for f in data.figures)
    base = {k: None for k in ("commodity", "period_start", "period_end", "per_unit", "change_direction")}
    base |= {"indicator": "turnover", "partners": "AZ;KZ", "unit": "USD", "value_kind": "absolute"}
    base |= {"first_published": None, "last_published": None, "example_sentence": "Товарооборот составил ..."}
    figures = [
        base
        | {
            "value": 720e6,
            "n_articles": 3,
            "n_stories": 2,
            "conflicting": True,
            "conflicting_values": [650e6],
        },
        base
        | {
            "value": 650e6,
            "n_articles": 1,
            "n_stories": 1,
            "conflicting": True,
            "conflicting_values": [720e6],
        },
        base
        | {"value": 5e6, "n_articles": 2, "n_stories": 2, "conflicting": False, "conflicting_values": []},
    ]
    doc = render_html(ReportData(**{**data.__dict__, "figures": figures}))
    section = doc[doc.index('<section id="figures">') : doc.index('<section id="pairs">')]
    assert "Figures reported by several sources" in section
    assert section.count('<tr class="conflict">') == 2
    assert "720 000 000 USD" in section and "conflict: 650 000 000" in section
