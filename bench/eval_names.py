"""Canonical names of entity mentions: newsfacts' normaliser against natasha's ``span.normalize`` on a table of
real mentions with their expected lemma (``tests/data/entity_lemmas.tsv``, from NEREL dev and train).

natasha gets its full pipeline on each mention's quote (Segmenter, NewsMorphTagger, the mention as a DocSpan,
``span.normalize(MorphVocab)``); newsfacts (``ours``) ``mention_normal`` with the hints ``EntityExtractor``
gives it (``ContextTagger`` on the quote: NewsMorphTagger on the words around a mention whose case is in
doubt), before the article's persons are linked; ``ours-alone`` the mention without its quote. A normal is
right when it is the row's expected lemma or one of its ``also`` forms (a country's canonical name); accuracy
also per subset: ``first`` (the NEREL dev rows, tuned on) and ``train`` (NEREL train rows, added later).
natasha's MorphVocab needs pymorphy2's dictionaries, found here without
``pkg_resources``. Also times both per mention.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_names.py [--show] [--table PATH] [--throughput N]``; writes
``bench/results/eval_names.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
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


def accepted(row: dict[str, str]) -> set[str]:
    """The normals a row takes as right: its expected lemma and its ``also`` forms (a country's canonical name)."""
    return {row["expected"], *filter(None, (row.get("also") or "").split("|"))}


def subset(row: dict[str, str]) -> str:
    """``train``: the NEREL train rows added for issue 15; ``first``: the table's first rows (NEREL dev in
    entity_lemmas.tsv, the normaliser tuned on them)."""
    return "train" if row["doc"].startswith("train/") else "first"


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


def ours_normals(rows: list[dict[str, str]], context: bool = True) -> tuple[list[str | None], float]:
    """``mention_normal`` on each mention, with the hints ``EntityExtractor`` gives it (``ContextTagger`` on
    the mention's quote, as on its article) or, ``context=False``, alone."""
    from newsfacts.extract.entities import ContextTagger, mention_normal

    tagger = ContextTagger() if context else None
    t0 = time.perf_counter()
    out = []
    for row in rows:
        quote, mention = row["quote"], row["mention"]
        start = quote.find(mention)
        hints = tagger.hints(quote, [(row["type"], start, start + len(mention))])[0] if tagger else ()
        found = mention_normal(row["type"], mention, hints)
        out.append(found[0] if found else None)
    return out, time.perf_counter() - t0


def throughput(limit: int, repeats: int) -> dict[str, float]:
    """CPU ms per NEREL dev article of ``EntityExtractor.extract`` without and with the context tagger
    (median of ``repeats`` interleaved passes over the first ``limit`` articles; caches warmed by a first pass)."""
    from newsfacts.extract.entities import EntityExtractor

    docs = sorted((ROOT.parent / "shared" / "corpus" / "nerel").rglob("*.txt"))
    docs = [d for d in docs if "dev" in str(d)][:limit]
    texts = [d.read_text(encoding="utf-8") for d in docs]
    systems = {"without_context": EntityExtractor(context=False), "with_context": EntityExtractor()}
    times: dict[str, list[float]] = {k: [] for k in systems}
    for ex in systems.values():
        for text in texts:
            ex.extract(text)
    for _ in range(repeats):
        for name, ex in systems.items():
            t0 = time.process_time()  # CPU time: the machine is shared, wall time swings with its load
            for text in texts:
                ex.extract(text)
            times[name].append((time.process_time() - t0) / len(texts))
    out = {k: round(statistics.median(v) * 1000, 2) for k, v in times.items()}
    print(f"CPU ms per article (median of {repeats}, {len(texts)} NEREL dev articles): {out}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every miss")
    parser.add_argument(
        "--table", type=Path, default=TABLE, help="the table of mentions (default: %(default)s)"
    )
    parser.add_argument(
        "--throughput", type=int, default=0, help="also time extract() on N NEREL dev articles"
    )
    args = parser.parse_args()
    rows = read_table(args.table)
    result: dict[str, object] = {"mentions": len(rows), "by_type": dict(Counter(r["type"] for r in rows))}
    systems = (
        ("ours", ours_normals),
        ("ours-alone", lambda rows: ours_normals(rows, context=False)),
        ("natasha", natasha_normals),
    )
    for system, run in systems:
        normals, seconds = run(rows)
        right = [n in accepted(r) for n, r in zip(normals, rows, strict=True)]
        per_type = {
            t: round(sum(ok for ok, r in zip(right, rows, strict=True) if r["type"] == t) / n, 4)
            for t, n in Counter(r["type"] for r in rows).items()
        }
        per_subset = {
            k: f"{sum(ok for ok, r in zip(right, rows, strict=True) if subset(r) == k)}/{n}"
            for k, n in Counter(subset(r) for r in rows).items()
        }
        result[system] = {
            "accuracy": round(sum(right) / len(rows), 4),
            "by_type": per_type,
            "by_subset": per_subset,
            "seconds": round(seconds, 2),
        }
        print(
            f"{system:8} accuracy {sum(right) / len(rows):.3f} ({sum(right)}/{len(rows)}) {per_type} "
            f"{per_subset} {seconds:.2f}s"
        )
        if args.show:
            for n, r, ok in zip(normals, rows, right, strict=True):
                if not ok:
                    print(f"   {r['type']} {r['mention']!r} -> {n!r}, expected {r['expected']!r}")
    if args.throughput:
        result["cpu_ms_per_article"] = throughput(args.throughput, repeats=7)
    out = OUT if args.table == TABLE else OUT.with_name(f"eval_names_{args.table.stem}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
