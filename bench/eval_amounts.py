"""Score the ``amounts`` table the real pipeline writes against gold MONEY / PERCENT / QUANTITY spans
(RuRED, NEREL dev), with natasha's MoneyExtractor beside it as the baseline; and time amounts + trade extraction.

usage:
    .venv/bin/python bench/eval_amounts.py            # quality table + bench/results/eval_amounts.json
    .venv/bin/python bench/eval_amounts.py --speed    # amounts+trade articles/s on ng_0 (median of 5)

"ours" is what users get: ``newsfacts run --no-ner`` (Prefect flow, cleaning, extraction, GX validation,
Parquet) over the brat ``.txt`` files, with the warehouse's ``amounts`` rows mapped back to the original offsets
(``bench/pipeline_eval.py``). The natasha baseline runs on the raw brat text.

Matching is by character overlap. Each corpus only annotates some kinds of amounts, so precision is computed
over the predictions of the kinds it annotates (RuRED: MONEY, PERCENT, QUANTITY -> money, percent, physical
quantities and scaled counts; NEREL dev: MONEY and PERCENT only -- NEREL has no QUANTITY type, its NUMBER type
marks every cardinal, so quantities are not scored there); predictions of other kinds (ratios "в 6 раз", ranks,
and on NEREL quantities) are reported, not scored.
"Value accuracy" = share of matched gold spans holding exactly one number whose parsed value equals ours.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from brat import read_brat  # noqa: E402
from pipeline_eval import pipeline_facts  # noqa: E402

from newsfacts.extract.amounts import extract_amounts  # noqa: E402
from newsfacts.extract.numbers import normalise, parse_number  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPORA = {
    "rured": (
        SHARED / "corpus" / "rured",
        {"MONEY", "PERCENT", "QUANTITY"},
        {"money", "percent", "quantity"},
    ),
    "nerel_dev": (SHARED / "corpus" / "nerel" / "dev", {"MONEY", "PERCENT"}, {"money", "percent"}),
}
NEWS = SHARED / "corpus" / "news" / "ng_0.jsonlines.zip"
UNIT_CLASS = {"percent": "percent", "pp": "percent", "times": "ratio", "rank": "rank", None: "quantity"}
QUANTITY_UNITS = {"t", "kg", "g", "bbl", "m3", "km", "TEU", "dal", "l", "MW", "GW", "kWh", "ha", "points"}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    text: str


def _read_brat(folder: Path) -> Iterator[tuple[str, str, list[Span]]]:
    """(doc id, text, entity spans) for every .txt/.ann pair."""
    for doc in read_brat(folder):
        yield doc.id, doc.text, [Span(s.start, s.end, s.type, s.text) for s in doc.spans]


def unit_class(unit: str | None) -> str:
    if unit in UNIT_CLASS:
        return UNIT_CLASS[unit]
    return "quantity" if unit in QUANTITY_UNITS else "money"


def _gold_number(text: str) -> float | None:
    """The value of a gold span holding exactly one digit number (+ scale), else None."""
    norm = normalise(text)
    found = [m for m in re.finditer(r"(?<![\w.,])\d", norm)]
    if len(found) != 1:
        return None
    num = parse_number(norm, found[0].start())
    return num.value if num is not None else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


Pred = tuple[int, int, str, float | None]  # start, end, class, value
Predictor = Callable[[str, str], list[Pred]]  # (doc id, text) -> predictions


def evaluate(name: str, predict: Predictor) -> dict[str, object]:
    folder, labels, classes = CORPORA[name]
    tp_gold = n_gold = tp_pred = n_pred = 0
    value_ok = value_n = 0
    misses: Counter[str] = Counter()
    false: Counter[str] = Counter()
    unscored: Counter[str] = Counter()
    for doc_id, text, spans in _read_brat(folder):
        gold = [s for s in spans if s.label in labels]
        every = predict(doc_id, text)
        preds = [p for p in every if p[2] in classes]
        unscored.update(p[2] for p in every if p[2] not in classes)
        n_gold += len(gold)
        n_pred += len(preds)
        for g in gold:
            hit = [p for p in preds if _overlaps((g.start, g.end), (p[0], p[1]))]
            if hit:
                tp_gold += 1
                gv = _gold_number(g.text)
                if gv is not None and len(hit) == 1 and hit[0][3] is not None:
                    value_n += 1
                    value_ok += abs(hit[0][3] - gv) <= 1e-6 * max(1.0, abs(gv))
            else:
                misses[g.text] += 1
        for p in preds:
            if any(_overlaps((g.start, g.end), (p[0], p[1])) for g in gold):
                tp_pred += 1
            else:
                false[text[p[0] : p[1]]] += 1
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "precision": tp_pred / n_pred if n_pred else 0.0,
        "recall": tp_gold / n_gold if n_gold else 0.0,
        "value_accuracy": value_ok / value_n if value_n else 0.0,
        "value_checked": value_n,
        "unscored_predictions": dict(unscored),
        "top_misses": misses.most_common(25),
        "top_false": false.most_common(25),
    }


def in_process(doc_id: str, text: str) -> list[Pred]:
    """``extract_amounts`` called directly on the raw text (fast; for unit tests, not the reported table)."""
    return [(a.start_char, a.end_char, unit_class(a.unit), a.value) for a in extract_amounts(text)]


def ours(corpus: str) -> Predictor:
    """The pipeline's ``amounts`` rows for every document of ``corpus`` (one ``newsfacts run``)."""
    facts = pipeline_facts(CORPORA[corpus][0], "amounts")

    def run(doc_id: str, text: str) -> list[Pred]:
        return [(f.start, f.end, unit_class(f.row["unit"]), f.row["value"]) for f in facts.get(doc_id, [])]

    return run


def natasha_baseline() -> Predictor | None:
    """natasha's MoneyExtractor with a pymorphy3-backed MorphVocab (pymorphy2 fails on Python 3.11)."""
    try:
        import types

        import pymorphy3
        import pymorphy3.analyzer

        shim = types.ModuleType("pymorphy2")
        shim.__dict__.update(pymorphy3.__dict__)
        sys.modules.setdefault("pymorphy2", shim)
        sys.modules.setdefault("pymorphy2.analyzer", pymorphy3.analyzer)
        from natasha import MoneyExtractor, MorphVocab

        extractor = MoneyExtractor(MorphVocab())
    except Exception as exc:  # noqa: BLE001
        print(f"natasha baseline unavailable: {exc}", file=sys.stderr)
        return None

    def run(doc_id: str, text: str) -> list[Pred]:
        return [(m.start, m.stop, "money", float(m.fact.amount)) for m in extractor(text)]

    return run


def news_texts(limit: int | None = None) -> list[str]:
    with zipfile.ZipFile(NEWS) as zf:
        lines = zf.read(zf.namelist()[0]).decode("utf-8").splitlines()
    texts = [json.loads(line).get("content") or "" for line in lines if line.strip()]
    return texts[:limit] if limit else texts


def speed(repeats: int = 5) -> dict[str, object]:
    from newsfacts.extract.trade import extract_trade_facts

    texts = news_texts()
    for t in texts[:50]:  # warm caches (lexicons, regexes, morphology)
        extract_trade_facts(t, extract_amounts(t), [])
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        for t in texts:
            extract_trade_facts(t, extract_amounts(t), [])
        cpu.append(len(texts) / (time.process_time() - c0))
        wall.append(len(texts) / (time.perf_counter() - w0))
    chars = sum(map(len, texts))
    return {
        "articles": len(texts),
        "mean_chars": chars / len(texts),
        "runs_cpu_articles_per_s": cpu,
        "runs_wall_articles_per_s": wall,
        "median_cpu_articles_per_s": statistics.median(cpu),
        "median_wall_articles_per_s": statistics.median(wall),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", action="store_true", help="measure amounts+trade throughput instead")
    ap.add_argument("--show", type=int, default=10, help="top misses / false positives to print")
    args = ap.parse_args()
    if not SHARED.exists():
        sys.exit(f"corpus not found at {SHARED}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.speed:
        res = speed()
        for clock in ("cpu", "wall"):
            runs = res[f"runs_{clock}_articles_per_s"]
            assert isinstance(runs, list)
            print(
                f"amounts+trade on {res['articles']} ng_0 articles (mean {res['mean_chars']:.0f} chars), "
                f"{clock} time: median {res[f'median_{clock}_articles_per_s']:.0f} articles/s "
                f"(runs: {', '.join(f'{r:.0f}' for r in runs)})"
            )
        (out_dir / "eval_amounts_speed.json").write_text(json.dumps(res, indent=1))
        return
    results: dict[str, dict[str, object]] = {}
    baseline = natasha_baseline()
    print("ours = the amounts table of `newsfacts run --no-ner`; natasha = MoneyExtractor on the raw text")
    print(f"{'corpus':<10} {'system':<8} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'value':>6} {'(n)':>5}")
    for corpus in CORPORA:
        systems: dict[str, Predictor] = {"ours": ours(corpus)}
        if baseline is not None:
            systems["natasha"] = baseline
        for sysname, fn in systems.items():
            r = evaluate(corpus, fn)
            results[f"{corpus}/{sysname}"] = r
            print(
                f"{corpus:<10} {sysname:<8} {r['gold']:>5} {r['predicted']:>5} {r['precision']:>6.3f} "
                f"{r['recall']:>6.3f} {r['value_accuracy']:>6.3f} {r['value_checked']:>5}"
            )
    for corpus in CORPORA:
        r = results[f"{corpus}/ours"]
        print(f"\n{corpus}: top misses {r['top_misses'][: args.show]}")
        print(f"{corpus}: top false  {r['top_false'][: args.show]}")
        print(f"{corpus}: predictions of unscored kinds {r['unscored_predictions']}")
    (out_dir / "eval_amounts.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
