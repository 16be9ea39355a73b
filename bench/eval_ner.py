"""Score EntityExtractor against natasha's plain NER on NEREL dev (brat standoff), per class.

Overlap matching, because NEREL annotations are nested: a predicted span is correct when it overlaps any gold
span of the mapped class; recall counts the gold spans that some prediction of the class overlaps.
PER ~ PERSON; ORG ~ ORGANIZATION; LOC ~ COUNTRY + CITY + STATE_OR_PROVINCE + LOCATION + DISTRICT.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_ner.py [--limit N]``; writes
``bench/results/eval_ner.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from pathlib import Path

from brat import parse_ann

ROOT = Path(__file__).resolve().parents[1]
NEREL = ROOT.parent / "shared" / "corpus" / "nerel"
OUT = ROOT / "bench" / "results" / "eval_ner.json"

CLASSES: dict[str, frozenset[str]] = {
    "PER": frozenset({"PERSON"}),
    "ORG": frozenset({"ORGANIZATION"}),
    "LOC": frozenset({"COUNTRY", "CITY", "STATE_OR_PROVINCE", "LOCATION", "DISTRICT"}),
}

Span = tuple[int, int]


def read_gold(ann: Path) -> dict[str, list[Span]]:
    """Gold spans per our class from a brat .ann file (discontinuous spans taken from first to last char)."""
    gold: dict[str, list[Span]] = {c: [] for c in CLASSES}
    for span in parse_ann(ann.read_text(encoding="utf-8")):
        for cls, kinds in CLASSES.items():
            if span.type in kinds:
                gold[cls].append((span.start, span.end))
    return gold


def _overlaps(a: Span, spans: Iterable[Span]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


def score(pairs: list[tuple[dict[str, list[Span]], dict[str, list[Span]]]]) -> dict[str, dict[str, float]]:
    """Precision / recall / F1 per class over (gold, predicted) document pairs."""
    out: dict[str, dict[str, float]] = {}
    for cls in CLASSES:
        n_pred = correct = n_gold = found = 0
        for gold, pred in pairs:
            n_pred += len(pred[cls])
            correct += sum(_overlaps(p, gold[cls]) for p in pred[cls])
            n_gold += len(gold[cls])
            found += sum(_overlaps(g, pred[cls]) for g in gold[cls])
        p = correct / n_pred if n_pred else 0.0
        r = found / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[cls] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "pred": n_pred,
            "gold": n_gold,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = parser.parse_args()
    folder = NEREL / args.split
    if not folder.is_dir():
        raise SystemExit(f"NEREL not found at {folder} (the ../shared corpus is absent)")

    from natasha import NewsEmbedding, NewsNERTagger

    from newsfacts.extract.entities import EntityExtractor

    docs = sorted(folder.glob("*.txt"))[: args.limit or None]
    texts = [d.read_text(encoding="utf-8") for d in docs]
    golds = [read_gold(d.with_suffix(".ann")) for d in docs]

    t0 = time.perf_counter()
    plain = NewsNERTagger(NewsEmbedding())
    ours = EntityExtractor()
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    natasha_pred = []
    for text in texts:
        pred: dict[str, list[Span]] = {c: [] for c in CLASSES}
        for s in plain(text).spans:
            pred[s.type].append((s.start, s.stop))
        natasha_pred.append(pred)
    natasha_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    our_pred = []
    for text in texts:
        pred = {c: [] for c in CLASSES}
        for m in ours.extract(text):
            assert text[m.start_char : m.end_char] == m.text
            pred[m.type].append((m.start_char, m.end_char))
        our_pred.append(pred)
    ours_s = time.perf_counter() - t0

    n_chars = sum(len(t) for t in texts)
    result = {
        "split": args.split,
        "documents": len(docs),
        "chars": n_chars,
        "load_seconds": round(load_s, 2),
        "natasha": {
            "scores": score(list(zip(golds, natasha_pred, strict=True))),
            "seconds": round(natasha_s, 2),
        },
        "ours": {"scores": score(list(zip(golds, our_pred, strict=True))), "seconds": round(ours_s, 2)},
    }
    print(f"NEREL {args.split}: {len(docs)} documents, {n_chars:,} chars")
    print(f"{'class':5} {'system':8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
    for cls in CLASSES:
        for system in ("natasha", "ours"):
            s = result[system]["scores"][cls]  # type: ignore[index]
            prf = f"{s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
            print(f"{cls:5} {system:8} {prf} {s['pred']:6} {s['gold']:6}")
    print(f"time: natasha {natasha_s:.2f}s, ours {ours_s:.2f}s (incl. normalisation)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
