"""Canonical names of entity mentions: newsfacts' normaliser against natasha's ``span.normalize`` on a table of
real mentions with their expected lemma (``tests/data/entity_lemmas.tsv``, from NEREL dev).

natasha gets its full pipeline on each mention's quote (Segmenter, NewsMorphTagger, the mention as a DocSpan,
``span.normalize(MorphVocab)``); newsfacts the mention alone (``mention_normal``: no context, before the
article's persons are linked). natasha's MorphVocab needs pymorphy2's dictionaries, found here without
``pkg_resources``. Also times both per mention.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_names.py [--show]``; writes
``bench/results/eval_names.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TABLE = ROOT / "tests" / "data" / "entity_lemmas.tsv"
OUT = ROOT / "bench" / "results" / "eval_names.json"


def read_table(path: Path = TABLE) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def natasha_normals(rows: list[dict[str, str]]) -> tuple[list[str | None], float]:
    import pymorphy2.analyzer
    import pymorphy2_dicts_ru

    pymorphy2.analyzer.lang_dict_path = lambda lang: pymorphy2_dicts_ru.get_path()  # no pkg_resources here
    from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, Segmenter
    from natasha.doc import DocSpan

    segmenter, vocab, tagger = Segmenter(), MorphVocab(), NewsMorphTagger(NewsEmbedding())
    out: list[str | None] = []
    t0 = time.perf_counter()
    for row in rows:
        quote, mention = row["quote"], row["mention"]
        start = quote.find(mention)
        doc = Doc(quote)
        doc.segment(segmenter)
        doc.tag_morph(tagger)
        doc.spans = [DocSpan(start, start + len(mention), row["type"], mention)]
        doc.envelop_span_tokens()
        span = doc.spans[0]
        span.normalize(vocab)
        out.append(span.normal)
    return out, time.perf_counter() - t0


def ours_normals(rows: list[dict[str, str]]) -> tuple[list[str | None], float]:
    from newsfacts.extract.entities import mention_normal

    t0 = time.perf_counter()
    out = []
    for row in rows:
        found = mention_normal(row["type"], row["mention"])
        out.append(found[0] if found else None)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every miss")
    args = parser.parse_args()
    rows = read_table()
    result: dict[str, object] = {"mentions": len(rows), "by_type": dict(Counter(r["type"] for r in rows))}
    for system, run in (("ours", ours_normals), ("natasha", natasha_normals)):
        normals, seconds = run(rows)
        right = [n == r["expected"] for n, r in zip(normals, rows, strict=True)]
        per_type = {
            t: round(sum(ok for ok, r in zip(right, rows, strict=True) if r["type"] == t) / n, 4)
            for t, n in Counter(r["type"] for r in rows).items()
        }
        result[system] = {
            "accuracy": round(sum(right) / len(rows), 4),
            "by_type": per_type,
            "seconds": round(seconds, 2),
        }
        print(
            f"{system:8} accuracy {sum(right) / len(rows):.3f} ({sum(right)}/{len(rows)}) {per_type} {seconds:.2f}s"
        )
        if args.show:
            for n, r, ok in zip(normals, rows, right, strict=True):
                if not ok:
                    print(f"   {r['type']} {r['mention']!r} -> {n!r}, expected {r['expected']!r}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
