"""Evaluate the topic tagger on the raw news corpus (../shared/corpus/news).

Coverage: the share of articles (>= 300 characters) that get no topic, per source (NG, RT, Tengrinews).
Agreement: NG articles carry a newspaper section in the URL (politics, economics, autosport, culture, ...);
sections with an obvious IPTC level-1 counterpart are checked against the level-1 ancestors of our top-3
topics. ``--sample N`` prints N NG articles (seeded) with the editors' keywords next to our top topics, for
reading by hand. ``--speed`` measures TopicTagger.tag articles/s on NG in this one process (median of 5
passes; the first, cold-cache pass is reported separately).

Usage:
  .venv/bin/python bench/eval_topics.py [--sample 30] [--seed 7]
  .venv/bin/python bench/eval_topics.py --speed
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfacts.extract.topics import TopicTagger  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news"
MIN_CHARS = 300

# NG URL section -> acceptable IPTC level-1 codes (only sections whose topic is unambiguous)
SECTION_L1: dict[str, set[str]] = {
    "politics": {"medtop:11000000"},
    "ng_politics": {"medtop:11000000"},
    "economics": {"medtop:04000000"},
    "energy": {"medtop:04000000", "medtop:06000000"},
    "ng_energiya": {"medtop:04000000", "medtop:06000000"},
    "autosport": {"medtop:15000000"},
    "sport": {"medtop:15000000"},
    "science": {"medtop:13000000"},
    "nauka": {"medtop:13000000"},
    "culture": {"medtop:01000000"},
    "cinematograph": {"medtop:01000000"},
    "antrakt": {"medtop:01000000"},
    "lit": {"medtop:01000000"},
    "poetry": {"medtop:01000000"},
    "ng_exlibris": {"medtop:01000000"},
    "non-fiction": {"medtop:01000000", "medtop:13000000"},
    "armies": {"medtop:11000000", "medtop:16000000"},
    "ng_religii": {"medtop:12000000"},
    "ng_ekologiya": {"medtop:06000000"},
    "health": {"medtop:07000000"},
    "education": {"medtop:05000000"},
    "realty": {"medtop:04000000"},
    "dipkurer": {"medtop:11000000"},
    "cis": {"medtop:11000000", "medtop:04000000", "medtop:16000000"},
    "world": {"medtop:11000000", "medtop:16000000", "medtop:04000000"},
}


@dataclass
class Article:
    source: str
    title: str
    text: str
    labels: list[str]  # editors' keywords / category
    section: str | None = None


def load_ng() -> Iterator[Article]:
    for path in sorted(NEWS.glob("ng_*.jsonlines.zip")):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                for line in zf.open(name):
                    d = json.loads(line)
                    url = d.get("url") or ""
                    section = url.split("/")[3] if url.count("/") >= 3 else None
                    yield Article(
                        "ng", d.get("title") or "", d.get("content") or "", d.get("keywords") or [], section
                    )


def load_rt() -> Iterator[Article]:
    path = NEWS / "russia_today_central_asia_subset.jsonlines"
    if path.exists():
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            yield Article("rt", d.get("title") or "", d.get("content") or "", d.get("keywords") or [])


def load_tengri() -> Iterator[Article]:
    path = NEWS / "tengrinews_news_2024-04-12_17.jsonl"
    if path.exists():
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            tags = [t.strip() for t in (d.get("hashtags") or "").split(",") if t.strip()]
            labels = [d.get("category", ""), *tags]
            yield Article("tengri", d.get("title") or "", d.get("content") or "", labels)


def coverage(tagger: TopicTagger, articles: list[Article]) -> None:
    print("## coverage (articles >= 300 chars)")
    print("| source | articles | no topic | share | mean topics |")
    print("|---|---|---|---|---|")
    by_source: dict[str, list[Article]] = {}
    for a in articles:
        if len(a.text) >= MIN_CHARS:
            by_source.setdefault(a.source, []).append(a)
    for source, arts in by_source.items():
        n_topics = [len(tagger.tag(a.title, a.text)) for a in arts]
        empty = sum(1 for n in n_topics if n == 0)
        share, mean = empty / len(arts), statistics.mean(n_topics)
        print(f"| {source} | {len(arts)} | {empty} | {share:.1%} | {mean:.1f} |")


def agreement(tagger: TopicTagger, articles: list[Article]) -> None:
    hits, total = Counter[str](), Counter[str]()
    for a in articles:
        if a.source != "ng" or a.section not in SECTION_L1 or len(a.text) < MIN_CHARS:
            continue
        top = {t.iptc_level1 for t in tagger.tag(a.title, a.text)[:3]}
        total[a.section] += 1
        hits[a.section] += bool(top & SECTION_L1[a.section])
    print("\n## NG section vs level-1 of our top-3 topics")
    print("| section | articles | agree |")
    print("|---|---|---|")
    for sec, n in total.most_common():
        print(f"| {sec} | {n} | {hits[sec] / n:.0%} |")
    n_all = sum(total.values())
    print(f"| all | {n_all} | {sum(hits.values()) / max(1, n_all):.0%} |")


def sample(tagger: TopicTagger, articles: list[Article], n: int, seed: int) -> None:
    pool = [a for a in articles if a.source == "ng" and len(a.text) >= MIN_CHARS]
    random.Random(seed).shuffle(pool)
    print(f"\n## sample of {n} NG articles (seed {seed})")
    print("| # | section | title | editors' keywords | our top topics |")
    print("|---|---|---|---|---|")
    for i, a in enumerate(pool[:n], 1):
        ours = ", ".join(f"{t.topic_label} ({t.score:.2f})" for t in tagger.tag(a.title, a.text)[:4])
        print(f"| {i} | {a.section} | {a.title[:60]} | {', '.join(a.labels[:6])} | {ours or '—'} |")


def speed(tagger: TopicTagger, articles: list[Article], passes: int = 5) -> None:
    ng = [a for a in articles if a.source == "ng"]
    mb = sum(len(a.text) for a in ng) / 1e6
    rates, cpu_rates = [], []
    for _ in range(passes + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        for a in ng:
            tagger.tag(a.title, a.text)
        rates.append(len(ng) / (time.perf_counter() - t0))
        cpu_rates.append(len(ng) / (time.process_time() - c0))
    for label, r in (("wall-clock", rates), ("CPU time", cpu_rates)):
        print(
            f"speed on NG ({len(ng)} articles, {mb:.1f} MB), {label}: cold pass (empty lemma cache) {r[0]:.0f} "
            f"articles/s; warm passes median {statistics.median(r[1:]):.0f} articles/s (of {passes}: "
            f"{', '.join(f'{x:.0f}' for x in r[1:])})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--speed", action="store_true", help="measure throughput only")
    parser.add_argument("--taxonomy", type=Path, default=None, help="a taxonomy YAML to evaluate")
    args = parser.parse_args()
    if not NEWS.is_dir():
        raise SystemExit(f"corpus not found at {NEWS}")
    t0 = time.perf_counter()
    tagger = TopicTagger(args.taxonomy)
    print(f"tagger loaded in {time.perf_counter() - t0:.2f} s ({len(tagger.topics)} topics)")
    articles = [*load_ng(), *load_rt(), *load_tengri()]
    if args.speed:
        speed(tagger, articles)
        return
    coverage(tagger, articles)
    agreement(tagger, articles)
    if args.sample:
        sample(tagger, articles, args.sample, args.seed)


if __name__ == "__main__":
    main()
