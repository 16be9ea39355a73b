"""The natasha-alone reference: natasha's NER + DatesExtractor + MoneyExtractor over a .jsonl of articles.

One process, one pass, models loaded before the clock starts (loading is reported separately, not counted). For
each article: ``Doc(text)``, ``segment``, ``tag_ner`` with NewsNERTagger, and both extractors over the whole text
(``list(extractor(text))``). The text is the article's JSON text field as written in the file (not cleaned).
natasha's ``MorphVocab`` needs pymorphy2, broken on Python 3.11: as in bench/eval_amounts.py, a module shim
serves pymorphy3 under the name pymorphy2.

    .venv/bin/python bench/natasha_alone.py SAMPLE.jsonl [--limit N] [--checkpoints 100,1000] [--json]

``--checkpoints`` reports the cumulative wall and CPU time after the first N articles, so the rate on each
prefix of the file (the benchmark's smaller samples) comes out of the one pass.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

TEXT_KEYS = ("text", "content", "body", "article", "full_text", "article_text")  # as newsfacts.ingest.parse


def morph_vocab() -> object:
    """natasha's MorphVocab on pymorphy3 (pymorphy2 fails on Python 3.11); the shim of bench/eval_amounts.py.

    Call it before anything imports natasha (natasha imports pymorphy2 at import time).
    """
    import pymorphy3
    import pymorphy3.analyzer

    shim = types.ModuleType("pymorphy2")
    shim.__dict__.update(pymorphy3.__dict__)
    sys.modules.setdefault("pymorphy2", shim)
    sys.modules.setdefault("pymorphy2.analyzer", pymorphy3.analyzer)
    from natasha import MorphVocab

    return MorphVocab()


def load_natasha() -> Callable[[str], int]:
    """A function running natasha's NER and both extractors over one text; returns the number of spans found."""
    vocab = morph_vocab()  # first: it puts the pymorphy3 shim in place before natasha is imported
    from natasha import DatesExtractor, Doc, MoneyExtractor, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter = Segmenter()
    ner = NewsNERTagger(NewsEmbedding())
    dates, money = DatesExtractor(vocab), MoneyExtractor(vocab)

    def run(text: str) -> int:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(ner)
        return len(doc.spans) + len(list(dates(text))) + len(list(money(text)))

    return run


def read_texts(path: Path, limit: int | None = None) -> list[str]:
    texts: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = json.loads(line)
            texts.append(
                next((obj[k] for k in TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), "")
            )
            if limit is not None and len(texts) >= limit:
                break
    return texts


def measure(texts: list[str], checkpoints: list[int]) -> dict[str, object]:
    """Load natasha, warm it up on one short text, then time one pass over ``texts``."""
    t0, c0 = time.perf_counter(), time.process_time()
    run = load_natasha()
    run("Прогрев: 5 марта 2024 года Минфин России выделил 10 млн рублей.")
    load_wall, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    marks = sorted({n for n in checkpoints if 0 < n < len(texts)} | {len(texts)})
    points: list[dict[str, float | int]] = []
    spans = chars = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts, 1):
        spans += run(text)
        chars += len(text)
        if i == marks[len(points)]:
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            points.append(
                {
                    "articles": i,
                    "wall_s": round(wall, 3),
                    "cpu_s": round(cpu, 3),
                    "articles_per_s_wall": round(i / wall, 2),
                    "articles_per_s_cpu": round(i / cpu, 2),
                    "text_chars": chars,
                    "spans": spans,
                }
            )
    return {"load_wall_s": round(load_wall, 2), "load_cpu_s": round(load_cpu, 2), "checkpoints": points}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sample", type=Path, help="a .jsonl of articles (e.g. from bench/corpus_sample.py)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--checkpoints", default="", help="comma-separated article counts to report on the way")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = ap.parse_args()
    texts = read_texts(args.sample, args.limit)
    if not texts:
        raise SystemExit(f"no articles in {args.sample}")
    result = measure(texts, [int(x) for x in args.checkpoints.split(",") if x.strip()])
    if args.json:
        print(json.dumps(result))
        return
    print(f"natasha loaded in {result['load_wall_s']} s (not counted)")
    for p in result["checkpoints"]:  # type: ignore[attr-defined]
        print(
            f"{p['articles']} articles: {p['wall_s']} s wall, {p['cpu_s']} s CPU = "
            f"{p['articles_per_s_wall']} articles/s wall, {p['articles_per_s_cpu']} articles/s CPU"
        )


if __name__ == "__main__":
    main()
