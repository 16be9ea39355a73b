"""Score the dates the pipeline writes (``date_mentions``) against gold DATE spans (NEREL dev, RuRED).

usage:
    .venv/bin/python bench/eval_dates.py                 # pipeline + direct + natasha; bench/results/eval_dates.json
    .venv/bin/python bench/eval_dates.py --no-baseline   # skip natasha (its yargy parser is slow)
    .venv/bin/python bench/eval_dates.py --no-pipeline   # direct calls only (no Prefect run; seconds, not minutes)
    .venv/bin/python bench/eval_dates.py --misses 40     # also print the most frequent misses / false alarms
    .venv/bin/python bench/eval_dates.py --speed         # articles/s on ng_0 (median of 5 runs, CPU and wall)

Systems: ``pipeline`` runs the real ``newsfacts run --no-ner`` over the brat ``.txt`` files and maps the
``date_mentions`` rows back to the original offsets (``bench/pipeline_eval.py``): what users get. ``direct``
calls ``extract_dates(text, None)`` on the original text. ``natasha`` is natasha's DatesExtractor (baseline).

Overlap matching: a prediction is correct when it overlaps a gold DATE span; a gold span is found when a
prediction overlaps it. Exact F1 counts identical (start, end) pairs; "exact-prep" also accepts a boundary
that differs only by a leading preposition ("в 2017 году" vs "2017 году": the corpora disagree on it).
Both corpora also have an AGE type ("55-летний премьер" is AGE in NEREL, "25-летний" sometimes DATE):
``precision`` is strict (every date_mentions row against DATE only); ``precision_typed`` also accepts a
``kind = 'age'`` row that overlaps a gold AGE span. ``recall_points`` leaves out gold spans that look like
durations/ages (the old headline number, kept for comparison).
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
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from brat import read_brat  # noqa: E402

from newsfacts.extract.dates import extract_dates  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPORA = {"nerel_dev": SHARED / "corpus" / "nerel" / "dev", "rured": SHARED / "corpus" / "rured"}
NEWS = SHARED / "corpus" / "news" / "ng_0.jsonlines.zip"
RESULTS = ROOT / "bench" / "results" / "eval_dates.json"

Span = tuple[int, int]
Pred = tuple[int, int, str]  # start, end, kind
Extractor = Callable[[str], list[Span] | list[Pred]]
Doc = tuple[str, str, list[Span], list[Span]]  # id, text, gold DATE spans, gold AGE spans

_DURATION = re.compile(
    r"(?<![а-яё])(?:лет|летн\w*|годам|годами|сут\w*|дн(?:я|ей)|недел[иьюя]\w*|месяц(?:а|ев)?|десятилети\w*|"
    r"течени\w*|последни\w*|нескольк\w*|около|свыше|более|больше|почти|до\s+\w+\s+(?:лет|месяцев)|полгода|"
    r"полтора|каждый|каждые|ежегодно|день|год|года)(?![а-яё])",
    re.IGNORECASE,
)
_POINT_MARK = re.compile(
    r"\d|назад|через|прошл|следующ|текущ|нынешн|этом|этого|вчера|сегодня|завтра|январ|феврал|"
    r"март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр",
    re.IGNORECASE,
)
_PREP = re.compile(r"^(?:в|во|с|со|к|до|на|за|по|от)\s+", re.IGNORECASE)


def is_point(text: str) -> bool:
    """Whether a gold DATE span denotes a point/period in time rather than a duration or an age."""
    if re.search(r"\d+-?летн|\bлет\b|годам\b|суток|\bдней\b", text):
        return False
    return bool(_POINT_MARK.search(text)) or not _DURATION.search(text)


def ours(text: str) -> list[Pred]:
    return [(m.start_char, m.end_char, m.kind) for m in extract_dates(text, None)]


def natasha_extractor() -> Extractor:
    import pymorphy3
    from natasha.extractors import DatesExtractor

    extractor = DatesExtractor(pymorphy3.MorphAnalyzer())
    return lambda text: [(m.start, m.stop) for m in extractor(text)]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _strip_prep(text: str, span: Span) -> Span:
    m = _PREP.match(text[span[0] : span[1]])
    return (span[0] + m.end(), span[1]) if m else span


def score(
    docs: list[Doc] | list[tuple[str, str, list[Span]]],
    extract: Extractor | dict[str, list[Pred]],
    misses: Counter[str] | None = None,
    false: Counter[str] | None = None,
) -> dict[str, float]:
    """P/R/F1 of ``extract`` (a function of the text, or precomputed predictions per document id)."""
    n_pred = n_gold = ok_pred = ok_typed = ok_gold = exact = exact_prep = n_point = ok_point = 0
    kinds: Counter[str] = Counter()
    started = time.perf_counter()
    for doc in docs:
        doc_id, text, gold = doc[0], doc[1], doc[2]
        ages: list[Span] = doc[3] if len(doc) > 3 else []  # type: ignore[misc]
        raw = extract.get(doc_id, []) if isinstance(extract, dict) else extract(text)
        pred: list[Pred] = [(p[0], p[1], p[2] if len(p) > 2 else "point") for p in raw]  # type: ignore[misc]
        n_pred += len(pred)
        n_gold += len(gold)
        for start, end, kind in pred:
            kinds[kind] += 1
            if any(_overlaps((start, end), g) for g in gold):
                ok_pred += 1
                ok_typed += 1
            elif kind == "age" and any(_overlaps((start, end), a) for a in ages):
                ok_typed += 1
            elif false is not None:
                false[f"[{kind}] " + text[start:end]] += 1
        for g in gold:
            hit = any(_overlaps((p[0], p[1]), g) for p in pred)
            ok_gold += hit
            point = is_point(text[g[0] : g[1]])
            n_point += point
            ok_point += point and hit
            if not hit and misses is not None:
                misses[("" if point else "[dur] ") + text[g[0] : g[1]]] += 1
        spans = {(p[0], p[1]) for p in pred}
        exact += len(spans & set(gold))
        exact_prep += len({_strip_prep(text, s) for s in spans} & {_strip_prep(text, g) for g in gold})
    p = ok_pred / n_pred if n_pred else 0.0
    pt = ok_typed / n_pred if n_pred else 0.0
    r = ok_gold / n_gold if n_gold else 0.0
    ep = exact / n_pred if n_pred else 0.0
    er = exact / n_gold if n_gold else 0.0
    pp = exact_prep / n_pred if n_pred else 0.0
    pr = exact_prep / n_gold if n_gold else 0.0
    return {
        "gold": n_gold,
        "pred": n_pred,
        "precision": p,
        "precision_typed": pt,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "gold_points": n_point,
        "recall_points": ok_point / n_point if n_point else 0.0,
        "exact_f1": 2 * ep * er / (ep + er) if ep + er else 0.0,
        "exact_prep_f1": 2 * pp * pr / (pp + pr) if pp + pr else 0.0,
        "seconds": time.perf_counter() - started,
        "pred_by_kind": dict(kinds),  # type: ignore[dict-item]
    }


def load(folder: Path) -> list[Doc]:
    return [
        (
            d.id,
            d.text,
            [(s.start, s.end) for s in d.of_type("DATE")],
            [(s.start, s.end) for s in d.of_type("AGE")],
        )
        for d in read_brat(folder)
    ]


def pipeline_predictions(folder: Path) -> dict[str, list[Pred]]:
    """date_mentions rows of a real ``newsfacts run --no-ner`` over the folder, at original offsets."""
    from pipeline_eval import pipeline_facts

    return {
        doc_id: [(f.start, f.end, str(f.row.get("kind") or "point")) for f in facts]
        for doc_id, facts in pipeline_facts(folder, "date_mentions").items()
    }


def _print_table(results: dict[str, dict[str, dict[str, float]]]) -> None:
    cols = [
        "gold",
        "pred",
        "precision",
        "precision_typed",
        "recall",
        "recall_points",
        "f1",
        "exact_f1",
        "exact_prep_f1",
        "seconds",
    ]
    print(f"{'corpus':<10} {'system':<9} " + " ".join(f"{c:>15}" for c in cols))
    for corpus, systems in results.items():
        for system, row in systems.items():
            cells = [f"{row[c]:>15.3f}" if isinstance(row[c], float) else f"{row[c]:>15}" for c in cols]
            print(f"{corpus:<10} {system:<9} " + " ".join(cells))


def _print_top(title: str, counter: Counter[str], n: int) -> None:
    print(f"\n{title} ({sum(counter.values())} total)")
    for text, count in counter.most_common(n):
        print(f"  {count:4d}  {text!r}")


def quality(baseline: bool, n_misses: int, pipeline: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    natasha = natasha_extractor() if baseline else None
    for name, folder in CORPORA.items():
        if not folder.exists():
            print(f"skip {name}: {folder} not found")
            continue
        docs = load(folder)
        misses: Counter[str] = Counter()
        false: Counter[str] = Counter()
        results[name] = {}
        if pipeline:
            started = time.perf_counter()
            preds = pipeline_predictions(folder)
            results[name]["pipeline"] = score(docs, preds, misses, false)
            results[name]["pipeline"]["seconds"] = time.perf_counter() - started
        results[name]["direct"] = score(docs, ours, None if pipeline else misses, None if pipeline else false)
        if natasha is not None:
            results[name]["natasha"] = score(docs, natasha)
        if n_misses:
            _print_top(f"{name}: missed gold spans", misses, n_misses)
            _print_top(f"{name}: predictions overlapping no gold span", false, n_misses)
    return results


_URL_DATE = re.compile(r"/(\d{4})-(\d{2})-(\d{2})/")


def _articles() -> list[tuple[str, date | None]]:
    """(text, publication date from the URL) of the ng_0 articles."""
    out: list[tuple[str, date | None]] = []
    with zipfile.ZipFile(NEWS) as z:
        lines: Iterable[bytes] = z.read(z.namelist()[0]).splitlines()
        for line in lines:
            if line.strip():
                row = json.loads(line)
                m = _URL_DATE.search(row.get("url", ""))
                out.append((row["content"], date(*map(int, m.groups())) if m else None))
    return out


def speed(repeats: int = 5) -> dict[str, object]:
    """Articles/s on ng_0 with the publication date given (wall clock and CPU time; median of ``repeats``)."""
    articles = _articles()
    # load the lexicon, compile the grammar and load pymorphy (an age check reads it) outside the timing
    extract_dates("Кравцову 39 лет, прогрев в 2025 году", None)
    wall, cpu = [], []
    n = 0
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        n = sum(len(extract_dates(t, pub)) for t, pub in articles)
        wall.append(len(articles) / (time.perf_counter() - w0))
        cpu.append(len(articles) / (time.process_time() - c0))
    mb = sum(len(t) for t, _ in articles) / 1e6
    result = {
        "articles": len(articles),
        "mentions": n,
        "mchars": mb,
        "median_articles_per_s_wall": statistics.median(wall),
        "runs_wall": wall,
        "median_articles_per_s_cpu": statistics.median(cpu),
        "runs_cpu": cpu,
    }
    print(f"ng_0: {len(articles)} articles, {mb:.1f} M chars, {n} mentions")
    print(f"  wall articles/s per run {[round(r) for r in wall]}, median {statistics.median(wall):.0f}")
    print(f"  cpu  articles/s per run {[round(r) for r in cpu]}, median {statistics.median(cpu):.0f}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--speed", action="store_true", help="measure articles/s on ng_0 instead")
    parser.add_argument("--no-baseline", action="store_true", help="skip natasha's DatesExtractor")
    parser.add_argument("--no-pipeline", action="store_true", help="direct extract_dates calls only")
    parser.add_argument("--misses", type=int, default=0, help="print the N most frequent misses/false alarms")
    args = parser.parse_args()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.speed:
        previous["speed"] = speed()
    else:
        results = quality(not args.no_baseline, args.misses, pipeline=not args.no_pipeline)
        _print_table(results)
        previous["quality"] = results
    RESULTS.write_text(json.dumps(previous, indent=2, ensure_ascii=False))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
