"""Dump ``EntityExtractor``'s entities as JSON lines, to prove a speed change leaves its output unchanged.

One line per document: its id (NEREL file name, or the news article's source uri) and every mention as
[type, start, end, text, normal, country_iso2, form]. Two dumps of the same documents made before and after a
change must be byte-identical (``cmp`` or ``diff``).

    .venv/bin/python bench/dump_entities.py nerel /tmp/before_nerel.jsonl      # all NEREL dev documents
    .venv/bin/python bench/dump_entities.py news /tmp/before_news.jsonl --limit 500
    .venv/bin/python bench/dump_entities.py --profile nerel /tmp/x.jsonl --limit 40   # cProfile, by tottime

The news articles are the first N distinct ones of ``bench/corpus_sample.py``'s proportional mix (all four
sources), their text as the pipeline cleans it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NEREL_DEV = ROOT.parent / "shared" / "corpus" / "nerel" / "dev"


def nerel_docs(limit: int) -> Iterator[tuple[str, str]]:
    for path in sorted(NEREL_DEV.glob("*.txt"))[: limit or None]:
        yield path.name, path.read_text(encoding="utf-8")


def news_docs(limit: int) -> Iterator[tuple[str, str]]:
    from corpus_sample import load_distinct  # bench/ is on the path when run as a script

    from newsfacts.ingest import CleanArticle, RawInput, parse_input

    distinct, _stats = load_distinct(max_distinct=limit or None)
    for d in distinct:
        parsed = parse_input(RawInput(d.uri, d.raw, "", "json"))
        if isinstance(parsed, CleanArticle):
            yield d.uri, parsed.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=("nerel", "news"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions by tottime")
    args = parser.parse_args()
    docs = list(nerel_docs(args.limit) if args.corpus == "nerel" else news_docs(args.limit))

    from newsfacts.extract.entities import EntityExtractor

    ex = EntityExtractor()
    prof = cProfile.Profile() if args.profile else None
    t0 = time.process_time()
    if prof:
        prof.enable()
    results = [ex.extract(text) for _, text in docs]
    if prof:
        prof.disable()
    cpu = time.process_time() - t0
    with args.out.open("w", encoding="utf-8") as f:
        for (doc_id, _), mentions in zip(docs, results, strict=True):
            rows = [
                [m.type, m.start_char, m.end_char, m.text, m.normal, m.country_iso2, m.form] for m in mentions
            ]
            f.write(json.dumps({"id": doc_id, "entities": rows}, ensure_ascii=False) + "\n")
    n = sum(len(r) for r in results)
    print(
        f"{len(docs)} documents, {n} mentions, {cpu * 1000 / max(1, len(docs)):.1f} CPU ms/doc -> {args.out}"
    )
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(45)


if __name__ == "__main__":
    main()
