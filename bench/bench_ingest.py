"""Throughput of newsfacts.ingest.parse_input on a zip of JSON lines (default: NG corpus, ng_0).

usage: .venv/bin/python bench/bench_ingest.py [ZIP] [REPEATS]
Prints articles/s for each run and the median; one process, one thread.
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
import zipfile
from pathlib import Path

from newsfacts.ingest import CleanArticle, RawInput, parse_input

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "news" / "ng_0.jsonlines.zip"


def load(path: Path) -> list[RawInput]:
    items: list[RawInput] = []
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            for n, line in enumerate(zf.read(name).splitlines(), 1):
                if line.strip():
                    items.append(RawInput(f"{name}#L{n}", line, hashlib.sha256(line).hexdigest(), "json"))
    return items


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    items = load(path)
    parse_input(items[0])  # warm up: pymorphy dictionaries, lexicons
    rates = []
    for run in range(repeats):
        start = time.perf_counter()
        results = [parse_input(item) for item in items]
        elapsed = time.perf_counter() - start
        ok = sum(isinstance(r, CleanArticle) for r in results)
        mb = sum(len(i.raw) for i in items) / 1e6
        rates.append(len(items) / elapsed)
        print(
            f"run {run + 1}: {len(items)} inputs ({ok} articles, {mb:.1f} MB) in {elapsed:.2f} s "
            f"= {rates[-1]:.0f} articles/s, {mb / elapsed:.2f} MB/s"
        )
    print(f"median of {repeats}: {statistics.median(rates):.0f} articles/s")


if __name__ == "__main__":
    main()
