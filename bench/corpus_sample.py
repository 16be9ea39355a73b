"""Benchmark samples of the raw news corpus (../shared/corpus/news): the first N distinct articles as one .jsonl.

The corpus (NG ng_0/ng_1 zips, RT Central Asia, Tengrinews: 2,764 inputs) is read with the pipeline's own reader
and parser (``iter_inputs`` + ``parse_input``); an input counts as a distinct article when it parses and the
sha256 of its cleaned text (``text_sha256``, the pipeline's duplicate key) has not been seen before. The distinct
articles are put in a stable, proportional mix: sorted by ``(i + 0.5) / n_source``, so every prefix holds the
four sources in the corpus' own proportions and the mean article size hardly depends on N.

A sample of N articles is the first N of that order, written as the original JSON lines (bytes unchanged). When
N exceeds the distinct count the corpus is repeated: copy k (k = 2, 3, ...) of an article gets a last paragraph
"Повтор k." appended to its text field, so the pipeline sees a new, distinct article (checked with the same
parser); the sample reports how many articles are such repeats. Nothing from the corpus is stored in the repo.

    .venv/bin/python bench/corpus_sample.py 3000 /tmp/sample        # writes /tmp/sample/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsfacts.ingest import CleanArticle, RawInput, iter_inputs, parse_input, text_sha256  # noqa: E402
from newsfacts.ingest.parse import TEXT_KEYS  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news"


@dataclass(frozen=True)
class Distinct:
    """One distinct article of the corpus: its input line as read, and what the pipeline makes of it."""

    source: str  # the corpus file it came from
    uri: str
    raw: bytes  # the JSON line, unchanged
    text_chars: int  # cleaned text, characters
    text_bytes: int  # cleaned text, UTF-8 bytes
    text_sha: str


@dataclass
class CorpusStats:
    inputs: int = 0
    rejected: int = 0
    duplicates: int = 0
    distinct: int = 0
    per_source: dict[str, int] = field(default_factory=dict)  # distinct articles per corpus file


@dataclass
class Sample:
    """A materialised sample: ``path`` is the .jsonl file to give ``newsfacts run``."""

    path: Path
    articles: int
    repeats: int  # articles that are repeated copies ("Повтор k." appended)
    distinct_in_corpus: int
    raw_bytes: int  # size of the .jsonl (all JSON lines)
    mean_raw_kb: float  # JSON line bytes / 1000 per article
    mean_text_chars: float  # cleaned text, characters
    mean_text_kb: float  # cleaned text, UTF-8 bytes / 1000
    per_source: dict[str, int]

    def describe(self) -> str:
        rep = f", {self.repeats} of them repeats (corpus repeated)" if self.repeats else ""
        mix = ", ".join(f"{k} {v}" for k, v in sorted(self.per_source.items()))
        return (
            f"{self.articles} articles{rep}; mean text {self.mean_text_chars:,.0f} chars = "
            f"{self.mean_text_kb:.1f} KB UTF-8, mean JSON line {self.mean_raw_kb:.1f} KB; {mix}"
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "path": str(self.path)}


def _source_of(uri: str) -> str:
    return uri.split("/", 1)[0].split("#", 1)[0]


def _parse(item: RawInput) -> CleanArticle | None:
    parsed = parse_input(item)
    return parsed if isinstance(parsed, CleanArticle) else None


def load_distinct(folder: Path = NEWS, max_distinct: int | None = None) -> tuple[list[Distinct], CorpusStats]:
    """The corpus' distinct articles in the proportional mix order (see the module docstring).

    ``max_distinct`` pretends the corpus has only that many (a test aid for the repeat path).
    """
    stats = CorpusStats()
    seen: set[str] = set()
    groups: dict[str, list[Distinct]] = {}
    for item in iter_inputs(folder):
        stats.inputs += 1
        parsed = _parse(item) if isinstance(item, RawInput) else None
        if parsed is None or not isinstance(item, RawInput):
            stats.rejected += 1
            continue
        sha = text_sha256(parsed.text)
        if sha in seen:
            stats.duplicates += 1
            continue
        seen.add(sha)
        src = _source_of(item.source_uri)
        groups.setdefault(src, []).append(
            Distinct(src, item.source_uri, item.raw, len(parsed.text), len(parsed.text.encode()), sha)
        )
    order = sorted(groups)
    keyed: list[tuple[float, int, int, Distinct]] = []
    for gi, src in enumerate(order):
        arts = groups[src]
        keyed.extend(((i + 0.5) / len(arts), gi, i, a) for i, a in enumerate(arts))
    mixed = [a for *_, a in sorted(keyed, key=lambda k: k[:3])]
    if max_distinct is not None:
        mixed = mixed[:max_distinct]
    stats.distinct = len(mixed)
    stats.per_source = dict(Counter(a.source for a in mixed))
    return mixed, stats


def _repeat_line(raw: bytes, copy: int) -> bytes:
    """The JSON line with "Повтор <copy>." appended to its text field as a last paragraph."""
    obj = json.loads(raw)
    key = next((k for k in TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
    if key is None:
        raise ValueError("a distinct article without a text field")
    obj[key] = obj[key].rstrip() + f"\n\nПовтор {copy}."
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def write_sample(distinct: list[Distinct], n: int, folder: Path, check: bool = True) -> Sample:
    """Write the first ``n`` articles (repeating the corpus when needed) to ``folder/articles.jsonl``.

    With ``check`` every repeated copy is parsed and its cleaned-text sha256 checked to be new.
    """
    if not distinct:
        raise ValueError("no distinct articles to sample from")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    seen = {a.text_sha for a in distinct[: min(n, len(distinct))]}
    raw_sizes: list[int] = []
    text_chars: list[int] = []
    text_bytes: list[int] = []
    per_source: Counter[str] = Counter()
    repeats = 0
    with path.open("wb") as out:
        for i in range(n):
            art = distinct[i % len(distinct)]
            copy = i // len(distinct) + 1
            line, chars, nbytes = art.raw, art.text_chars, art.text_bytes
            if copy > 1:
                repeats += 1
                line = _repeat_line(art.raw, copy)
                parsed = _parse(RawInput(f"repeat-{copy}", line, "", "json")) if check else None
                if check:
                    if parsed is None:
                        raise RuntimeError(f"repeated copy {copy} of {art.uri} does not parse")
                    sha = text_sha256(parsed.text)
                    if sha in seen:
                        raise RuntimeError(
                            f"repeated copy {copy} of {art.uri} is a duplicate for the pipeline"
                        )
                    seen.add(sha)
                    chars, nbytes = len(parsed.text), len(parsed.text.encode())
                else:
                    extra = f"\n\nПовтор {copy}."
                    chars, nbytes = chars + len(extra), nbytes + len(extra.encode())
            out.write(line + b"\n")
            raw_sizes.append(len(line) + 1)
            text_chars.append(chars)
            text_bytes.append(nbytes)
            per_source[art.source] += 1
    return Sample(
        path=path,
        articles=n,
        repeats=repeats,
        distinct_in_corpus=len(distinct),
        raw_bytes=path.stat().st_size,
        mean_raw_kb=statistics.fmean(raw_sizes) / 1000 if raw_sizes else 0.0,
        mean_text_chars=statistics.fmean(text_chars) if text_chars else 0.0,
        mean_text_kb=statistics.fmean(text_bytes) / 1000 if text_bytes else 0.0,
        per_source=dict(per_source),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="articles in the sample")
    ap.add_argument("folder", type=Path, help="where to write articles.jsonl")
    ap.add_argument("--corpus", type=Path, default=NEWS)
    ap.add_argument("--max-distinct", type=int, default=None, help="use only this many distinct articles")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found at {args.corpus}")
    distinct, stats = load_distinct(args.corpus, args.max_distinct)
    print(
        f"corpus: {stats.inputs} inputs, {stats.rejected} rejected, {stats.duplicates} duplicates by text, "
        f"{stats.distinct} distinct articles"
    )
    sample = write_sample(distinct, args.n, args.folder)
    print(f"{sample.path}: {sample.describe()}")


if __name__ == "__main__":
    main()
