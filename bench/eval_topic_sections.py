"""Score the topic tagger against Nezavisimaya Gazeta's newsroom sections (../shared/corpus/news/ng_*.zip).

An NG article's URL names its newsroom section (``www.ng.ru/politics/...``; AMP links are unwrapped). The
sections whose subject is plain are mapped to the IPTC level-1 topic(s) they stand for (``SECTIONS``, the
mapping of issue 18); every other section is not scored. The real ``TopicTagger`` runs on title + text only:
the section is used for scoring, never as an input.

Reported per archive (``ng_0`` is the development archive; ``ng_1`` and later are held out, never tuned on):
rank-1 agreement (the level-1 ancestor of the rank-1 topic is one the section stands for), top-3 agreement
(any of the first three topics' level-1 ancestors), both per section group and overall, and the articles
with text that got no topic at all (every NG article, scored or not). ``--show N`` prints N rank-1 misses
per archive with their top topics and evidence, for reading errors. The numbers are also written to
``bench/results/eval_topic_sections.json``.

Usage:
  .venv/bin/python bench/eval_topic_sections.py                 # every archive, separately
  .venv/bin/python bench/eval_topic_sections.py --archive ng_0 --show 40
  .venv/bin/python bench/eval_topic_sections.py --json          # one JSON line per archive
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from newsfacts.extract.topics import TopicTagger  # noqa: E402
from newsfacts.extract.types import TopicAssignment  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news"
RESULTS = ROOT / "bench" / "results" / "eval_topic_sections.json"

ECONOMY = "medtop:04000000"
POLITICS = "medtop:11000000"
CONFLICT = "medtop:16000000"
SPORT = "medtop:15000000"
SCIENCE = "medtop:13000000"
ARTS = "medtop:01000000"
RELIGION = "medtop:12000000"
ENVIRONMENT = "medtop:06000000"

# section group -> (NG URL sections, accepted IPTC level-1 codes): only what issue 18 maps
SECTIONS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "economics": (("economics",), frozenset({ECONOMY})),
    "energy": (("energy", "ng_energiya"), frozenset({ECONOMY})),
    "politics": (("politics", "ng_politics"), frozenset({POLITICS})),
    "armies": (("armies",), frozenset({CONFLICT})),
    "autosport": (("autosport",), frozenset({SPORT})),
    "science": (("science", "nauka"), frozenset({SCIENCE})),
    "culture": (("culture",), frozenset({ARTS})),
    "cinema": (("cinematograph",), frozenset({ARTS})),
    "literature": (("lit", "poetry", "ng_exlibris"), frozenset({ARTS})),
    "religion": (("ng_religii",), frozenset({RELIGION})),
    "ecology": (("ng_ekologiya", "ng_ecology", "ecology"), frozenset({ENVIRONMENT})),
    "world": (("world",), frozenset({POLITICS, ECONOMY})),
    "cis": (("cis",), frozenset({POLITICS, ECONOMY})),
}
GROUP_OF: dict[str, str] = {s: g for g, (secs, _) in SECTIONS.items() for s in secs}


@dataclass(frozen=True)
class Article:
    archive: str
    url: str
    section: str | None
    title: str
    text: str


@dataclass
class Tally:
    n: int = 0
    rank1: int = 0
    top3: int = 0

    def add(self, r1: bool, t3: bool) -> None:
        self.n += 1
        self.rank1 += r1
        self.top3 += t3


@dataclass
class ArchiveScore:
    archive: str
    n_articles: int = 0  # NG articles with text
    no_topic: int = 0
    groups: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[str, Article, list[TopicAssignment]]] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        t = Tally()
        for g in self.groups.values():
            t.n, t.rank1, t.top3 = t.n + g.n, t.rank1 + g.rank1, t.top3 + g.top3
        return t

    def as_dict(self) -> dict[str, object]:
        o = self.overall
        return {
            "archive": self.archive,
            "articles": self.n_articles,
            "no_topic": self.no_topic,
            "scored": o.n,
            "rank1": round(o.rank1 / max(1, o.n), 4),
            "top3": round(o.top3 / max(1, o.n), 4),
            "groups": {
                g: {
                    "n": t.n,
                    "rank1": round(t.rank1 / max(1, t.n), 4),
                    "top3": round(t.top3 / max(1, t.n), 4),
                }
                for g, t in self.groups.items()
            },
        }


def section_of(url: str) -> str | None:
    """The newsroom section: the first path part of the article URL (AMP wrappers unwrapped)."""
    if "?p=" in url:
        url = url.split("?p=", 1)[1]
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[0] if parts else None


def archives(news: Path = NEWS) -> list[Path]:
    return sorted(news.glob("ng_*.jsonlines.zip"), key=lambda p: int(p.name.split("_")[1].split(".")[0]))


def load(path: Path) -> Iterator[Article]:
    name = path.name.split(".")[0]
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if member.endswith("/"):
                continue
            for line in zf.open(member):
                d = json.loads(line)
                url = str(d.get("url") or "")
                yield Article(
                    name, url, section_of(url), str(d.get("title") or ""), str(d.get("content") or "")
                )


def score(tagger: TopicTagger, articles: Iterator[Article], archive: str) -> ArchiveScore:
    out = ArchiveScore(archive, groups={g: Tally() for g in SECTIONS})
    for a in articles:
        if not a.text.strip():
            continue
        out.n_articles += 1
        topics = tagger.tag(a.title, a.text)
        out.no_topic += not topics
        group = GROUP_OF.get(a.section or "")
        if group is None:
            continue
        accepted = SECTIONS[group][1]
        r1 = bool(topics) and topics[0].iptc_level1 in accepted
        t3 = any(t.iptc_level1 in accepted for t in topics[:3])
        out.groups[group].add(r1, t3)
        if not r1:
            out.misses.append((group, a, topics))
    return out


def report(s: ArchiveScore, show: int) -> None:
    held = "development archive" if s.archive == "ng_0" else "held out: never tuned on"
    print(f"\n## {s.archive} ({held}): {s.n_articles} articles with text, {s.no_topic} without a topic")
    print("| section group | articles | rank-1 | top-3 |")
    print("|---|---|---|---|")
    for g, t in s.groups.items():
        if t.n:
            print(f"| {g} | {t.n} | {t.rank1 / t.n:.3f} ({t.rank1}) | {t.top3 / t.n:.3f} ({t.top3}) |")
    o = s.overall
    print(f"| **all scored** | {o.n} | {o.rank1 / max(1, o.n):.3f} | {o.top3 / max(1, o.n):.3f} |")
    for group, a, topics in s.misses[:show]:
        ours = "; ".join(
            f"{t.topic_label} [{(t.iptc_level1 or '?')[7:9]}] {t.score:.2f} ({t.evidence[:60]})"
            for t in topics[:3]
        )
        print(f"- {group}/{a.section}: {a.title[:70]!r} -> {ours or 'NO TOPIC'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--archive", action="append", help="ng_0, ng_1, ... (default: every archive)")
    parser.add_argument("--show", type=int, default=0, help="print this many rank-1 misses per archive")
    parser.add_argument("--taxonomy", type=Path, default=None, help="a taxonomy YAML to evaluate")
    parser.add_argument("--json", action="store_true", help="one JSON line per archive")
    args = parser.parse_args()
    paths = archives()
    if not paths:
        raise SystemExit(f"no NG archives under {NEWS} (../shared is absent)")
    if args.archive:
        paths = [p for p in paths if p.name.split(".")[0] in args.archive]
    tagger = TopicTagger(args.taxonomy)
    results = []
    for path in paths:
        s = score(tagger, load(path), path.name.split(".")[0])
        results.append(s.as_dict())
        if args.json:
            print(json.dumps(s.as_dict(), ensure_ascii=False))
        else:
            report(s, args.show)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
