"""Score EntityExtractor against natasha's plain NER on NEREL dev or the shared RuRED half (brat), per class.

Overlap matching, because NEREL annotations are nested: a predicted span is correct when it overlaps any gold
span of the mapped class; recall counts the gold spans that some prediction of the class overlaps.
NEREL: PER ~ PERSON; ORG ~ ORGANIZATION; LOC ~ COUNTRY + CITY + STATE_OR_PROVINCE + LOCATION + DISTRICT.
RuRED (Lenta.ru economic news; ORG and LOC only, its PERSON layer is partial): ORG ~ ORGANIZATION; LOC ~
COUNTRY + CITY + GPE + REGION + LOCATION. Country adjectives count as NEREL and RuRED annotate them: a
COUNTRY span ("российских"), so ours (LOC, form = adjective) score against them; NATIONALITY spans are no LOC.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_ner.py [--corpus rured] [--limit N] [--show N]``;
writes ``bench/results/eval_ner[_rured].json``. ``--show N`` prints the N most frequent misses and false
positives of ORG and LOC (a false positive's [class] is the gold class it overlaps instead).
``--speed N``: CPU ms per article of natasha's NER alone, our NER call alone (natasha's with
``entities.viterbi_decode``: the same spans), ours without the rule recognisers (``EntityExtractor(rules=False)``)
and ours, over the first N documents, interleaved passes (median), cold (first pass, empty caches) and warm; then
ours over natasha and ours over its own NER call (the cost of the normalisation, context tagger and rules).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from brat import parse_ann

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "nerel": ROOT.parent / "shared" / "corpus" / "nerel",
    "rured": ROOT.parent / "shared" / "corpus" / "rured",
}
OUT = ROOT / "bench" / "results"

CLASSES: dict[str, frozenset[str]] = {
    "PER": frozenset({"PERSON"}),
    "ORG": frozenset({"ORGANIZATION"}),
    "LOC": frozenset({"COUNTRY", "CITY", "STATE_OR_PROVINCE", "LOCATION", "DISTRICT"}),
}
RURED_CLASSES: dict[str, frozenset[str]] = {
    "ORG": frozenset({"ORGANIZATION"}),
    "LOC": frozenset({"COUNTRY", "CITY", "GPE", "REGION", "LOCATION"}),
}

Span = tuple[int, int]


def read_gold(ann: Path, classes: dict[str, frozenset[str]] = CLASSES) -> dict[str, list[Span]]:
    """Gold spans per our class from a brat .ann file (discontinuous spans taken from first to last char)."""
    gold: dict[str, list[Span]] = {c: [] for c in classes}
    for span in parse_ann(ann.read_text(encoding="utf-8")):
        for cls, kinds in classes.items():
            if span.type in kinds:
                gold[cls].append((span.start, span.end))
    return gold


def _overlaps(a: Span, spans: Iterable[Span]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for b in spans)


Pairs = list[tuple[dict[str, list[Span]], dict[str, list[Span]]]]


def score(pairs: Pairs) -> dict[str, dict[str, float]]:
    """Precision / recall / F1 per class over (gold, predicted) document pairs."""
    out: dict[str, dict[str, float]] = {}
    for cls in pairs[0][0] if pairs else ():
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


def errors(texts: list[str], pairs: Pairs, cls: str) -> tuple[Counter[str], Counter[str]]:
    """The gold spans of ``cls`` no prediction overlaps, and the predictions no gold span of ``cls`` overlaps
    (with the other gold classes they overlap), as counts of their texts."""
    misses: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for text, (gold, pred) in zip(texts, pairs, strict=True):
        misses.update(text[a:b] for a, b in gold[cls] if not _overlaps((a, b), pred[cls]))
        for a, b in pred[cls]:
            if not _overlaps((a, b), gold[cls]):
                other = ",".join(k for k in gold if k != cls and _overlaps((a, b), gold[k]))
                false[text[a:b] + (f" [{other}]" if other else "")] += 1
    return misses, false


def _predict(ex: object, texts: list[str], classes: Iterable[str]) -> list[dict[str, list[Span]]]:
    out = []
    for text in texts:
        pred: dict[str, list[Span]] = {c: [] for c in classes}
        for m in ex.extract(text):  # type: ignore[attr-defined]
            assert text[m.start_char : m.end_char] == m.text
            if m.type in pred:
                pred[m.type].append((m.start_char, m.end_char))
        out.append(pred)
    return out


def speed(texts: list[str], repeats: int) -> dict[str, dict[str, float]]:
    """CPU ms per article: natasha's NER, our NER call alone, ours without the rules, ours; cold (first pass) and
    warm (median)."""
    from natasha import NewsEmbedding, NewsNERTagger

    from newsfacts.extract.entities import EntityExtractor

    embedding = NewsEmbedding()
    plain = NewsNERTagger(embedding)
    ours = EntityExtractor()
    systems = {
        "natasha": lambda t: plain(t),
        "ours_ner_only": lambda t: ours._ner(t),  # natasha's NER with EntityExtractor's CRF decoding
        "ours_without_rules": EntityExtractor(rules=False).extract,
        "ours": ours.extract,
    }
    times: dict[str, list[float]] = {k: [] for k in systems}
    for _ in range(repeats + 1):
        for name, run in systems.items():
            t0 = time.process_time()  # CPU time: the machine is shared, wall time swings with its load
            for text in texts:
                run(text)
            times[name].append((time.process_time() - t0) * 1000 / len(texts))
    out = {k: {"cold": round(v[0], 2), "warm": round(statistics.median(v[1:]), 2)} for k, v in times.items()}
    print(f"CPU ms per article ({len(texts)} documents; cold = first pass, warm = median of {repeats}):")
    for name, t in out.items():
        print(f"  {name:20} cold {t['cold']:7.2f}  warm {t['warm']:7.2f}")
    base, ner, full = (out[k]["warm"] for k in ("natasha", "ours_ner_only", "ours"))
    print(
        f"warm: ours {full / base - 1:+.1%} over natasha; ours' additions {full / ner - 1:+.1%} over its NER call"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="nerel")
    parser.add_argument("--split", default="dev", help="NEREL's part (dev or train)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--show", type=int, default=0, help="print the N most frequent ORG/LOC errors")
    parser.add_argument("--speed", type=int, default=0, help="CPU per article over the first N documents")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = CORPORA[args.corpus] / args.split if args.corpus == "nerel" else CORPORA[args.corpus]
    if not folder.is_dir():
        raise SystemExit(f"{args.corpus} not found at {folder} (the ../shared corpus is absent)")
    classes = CLASSES if args.corpus == "nerel" else RURED_CLASSES
    docs = sorted(folder.glob("*.txt"))[: args.limit or None]
    texts = [d.read_text(encoding="utf-8") for d in docs]
    name = args.split if args.corpus == "nerel" else args.corpus
    if args.speed:
        result_speed = speed(texts[: args.speed], args.repeats)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "eval_ner_speed.json").write_text(json.dumps(result_speed, indent=2), encoding="utf-8")
        return

    from natasha import NewsEmbedding, NewsNERTagger

    from newsfacts.extract.entities import EntityExtractor

    golds = [read_gold(d.with_suffix(".ann"), classes) for d in docs]
    t0 = time.perf_counter()
    plain = NewsNERTagger(NewsEmbedding())
    ours = EntityExtractor()
    load_s = time.perf_counter() - t0

    class _Plain:
        def extract(self, text: str) -> list[object]:
            from newsfacts.extract.types import EntityMention

            return [
                EntityMention(s.type, text[s.start : s.stop], s.start, s.stop, "") for s in plain(text).spans
            ]

    t0 = time.perf_counter()
    natasha_pred = _predict(_Plain(), texts, classes)
    natasha_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    our_pred = _predict(ours, texts, classes)
    ours_s = time.perf_counter() - t0

    n_chars = sum(len(t) for t in texts)
    ours_pairs = list(zip(golds, our_pred, strict=True))
    result = {
        "corpus": args.corpus,
        "split": name,
        "documents": len(docs),
        "chars": n_chars,
        "load_seconds": round(load_s, 2),
        "natasha": {
            "scores": score(list(zip(golds, natasha_pred, strict=True))),
            "seconds": round(natasha_s, 2),
        },
        "ours": {"scores": score(ours_pairs), "seconds": round(ours_s, 2)},
    }
    print(f"{args.corpus} {name}: {len(docs)} documents, {n_chars:,} chars")
    print(f"{'class':5} {'system':8} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
    for cls in classes:
        for system in ("natasha", "ours"):
            s = result[system]["scores"][cls]  # type: ignore[index]
            prf = f"{s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
            print(f"{cls:5} {system:8} {prf} {s['pred']:6} {s['gold']:6}")
    print(f"time: natasha {natasha_s:.2f}s, ours {ours_s:.2f}s (incl. normalisation)")
    for cls in [c for c in ("ORG", "LOC") if args.show and c in classes]:
        misses, false = errors(texts, ours_pairs, cls)
        for label, counts in (("misses", misses), ("false positives", false)):
            shown = ", ".join(f"{k}×{v}" if v > 1 else k for k, v in counts.most_common(args.show))
            print(f"{cls} {label} ({sum(counts.values())}): {shown}")
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / ("eval_ner.json" if args.corpus == "nerel" and name == "dev" else f"eval_ner_{name}.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
