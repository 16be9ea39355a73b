"""Run the real pipeline (``newsfacts run``: Prefect flow, cleaning, extraction, GX, Parquet) over brat documents
and map the warehouse's facts back to the original documents' offsets, so evals score what users get.

    from pipeline_eval import pipeline_facts
    facts = pipeline_facts(Path("../shared/corpus/rured"), "amounts")   # {doc_id: [FactSpan, ...]}

Cleaning changes the text (whitespace, de-hyphenation, boilerplate), so offsets into ``articles.text`` are mapped
to the original ``.txt`` by aligning the two texts (difflib, character level).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class FactSpan:
    start: int  # offsets in the original brat .txt
    end: int
    row: dict[str, Any]  # the warehouse row (columns of the fact table)


class OffsetMap:
    """Maps character offsets of a cleaned text to offsets of the text it was cleaned from."""

    def __init__(self, cleaned: str, original: str) -> None:
        blocks = SequenceMatcher(None, cleaned, original, autojunk=False).get_matching_blocks()
        self._blocks = [(a, b, n) for a, b, n in blocks if n]
        self._starts = [a for a, _, _ in self._blocks]

    def __call__(self, pos: int, *, end: bool = False) -> int:
        i = bisect_right(self._starts, pos - 1 if end else pos) - 1
        if i < 0:
            return 0
        a, b, n = self._blocks[i]
        if end:
            return b + min(pos - a, n)
        return b + min(pos - a, n - 1) if pos < a + n else b + n


def run_pipeline(docs_dir: Path, workdir: Path, *, ner: bool = False) -> Path:
    """Copy the brat ``.txt`` files into a source folder and run ``newsfacts run`` on it; returns the warehouse."""
    src = workdir / "source"
    src.mkdir(parents=True, exist_ok=True)
    for txt in sorted(docs_dir.glob("*.txt")):
        shutil.copy(txt, src / txt.name)
    wh = workdir / "warehouse"
    cmd = [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(wh), "--json"]
    if not ner:
        cmd.append("--no-ner")
    env = {**os.environ, "PREFECT_HOME": os.environ.get("PREFECT_HOME", str(ROOT / ".prefect-test"))}
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"newsfacts run failed:\n{out.stderr[-3000:]}")
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"pipeline: {summary['n_inputs']} inputs, {summary['n_new']} articles, "
        f"{summary['n_quarantined']} quarantined, {summary['elapsed_s']} s in the flow",
        file=sys.stderr,
    )
    return wh


def pipeline_facts(
    docs_dir: Path, table: str, *, workdir: Path | None = None, ner: bool = False
) -> dict[str, list[FactSpan]]:
    """Facts of ``table`` per brat document id, with offsets in the original document."""
    tmp = Path(tempfile.mkdtemp(prefix="nf-eval-")) if workdir is None else workdir
    try:
        wh = run_pipeline(docs_dir, tmp, ner=ner)
        con = duckdb.connect()
        arts = con.execute(
            f"select article_id, source_uri, text from read_parquet('{wh}/articles/**/*.parquet')"
        ).fetchall()
        cur = con.execute(f"select * from read_parquet('{wh}/{table}/**/*.parquet')")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(r)
    out: dict[str, list[FactSpan]] = {}
    for article_id, uri, cleaned in arts:
        doc_id = Path(uri).stem
        original = (docs_dir / uri).read_text(encoding="utf-8")
        omap = OffsetMap(cleaned, original)
        out[doc_id] = [
            FactSpan(omap(r["start_char"]), omap(r["end_char"], end=True), r)
            for r in by_article.get(article_id, [])
        ]
    return out
