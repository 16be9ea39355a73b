"""Precision, recall and cost of story clustering (newsfacts.stories) on pairs built from ../shared/corpus/news.

Articles: every input of the news corpus read and cleaned by the pipeline's own reader and parser
(``iter_inputs`` + ``parse_input``), one per distinct cleaned text (``text_sha256``, the pipeline's duplicate
key: exact copies never reach clustering). Bases for copies are the articles with >= 2 sentences and >= 40
tokens; a seeded sample of ``--bases`` of them (proportional to the corpus' sources).

Positive pairs (same story): the base and a copy with edits, each edit seeded per base:
- ``headline``: a new headline line put at the top of the body (as a scraped copy keeps it; the title field
  itself is not part of the signature, so a new title alone never changes anything);
- ``reword``: one sentence of >= 8 words reworded: its halves swapped, every third word replaced by a word of
  another article, one word dropped (at most MAX_REWORD = 30 words of it: Tengrinews' lost paragraph breaks
  make some "sentences" whole paragraphs);
- ``tagline``: a site tagline appended (and for half of them a dateline prefixed: "АСТАНА, 15 апр — Sputnik.");
- ``paragraph``: one paragraph removed (not the first or last; a text with < 3 paragraphs loses a run of
  sentences after the first of at most a fifth of its characters, or else its shortest sentence after the first);
- combinations: ``syndicated`` (headline + reword + tagline), ``reword+paragraph``, ``all4`` (all four),
  ``heavy`` (headline + two reworded sentences + tagline + paragraph).
Reported beside them but not counted in P/R: ``lead_only`` (the first half of the sentences: a shortened version;
5-word-shingle Jaccard ~0.5 by construction, so about half are expected to fall under 0.5).

Negative pairs (different articles): ``same_day`` (same outlet, same publication date), ``keywords`` (each
sampled article with the other article sharing the most content words of >= 5 letters: same topic, often the
same event), ``random``. Corpus pairs of different texts whose exact 5-shingle Jaccard is >= 0.3 are printed
(natural near-copies: the same text published twice with edits) and left out of the negatives.

A pair is predicted "same story" when, in a fresh ``StoryIndex``, the second article placed after the first
joins its story (LSH candidate and verified estimate >= threshold: exactly what the pipeline would do).

Throughput: signature + assign of every distinct corpus article into one fresh index (token-hash cache cleared),
median of ``--runs`` runs; compared with the rules-only pipeline's 43-57 articles/s end to end.

    nice .venv/bin/python bench/eval_stories.py                     # ~3 min at load 7 on 2 cores
    nice .venv/bin/python bench/eval_stories.py --bases 300 --runs 3 --json /tmp/stories.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from razdel import sentenize  # noqa: E402

from newsfacts import stories  # noqa: E402
from newsfacts.ingest import CleanArticle, RawInput, iter_inputs, parse_input, text_sha256  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpus" / "news"
SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
TAGLINES = (
    "Подписывайтесь на наш канал в Telegram, чтобы первыми узнавать главные новости.",
    "Читайте также: самые важные новости дня на нашем сайте.",
    "Фото: пресс-служба. Перепечатка материалов разрешена только с активной ссылкой на источник.",
    "Если вы нашли ошибку в тексте, выделите ее мышью и нажмите Ctrl+Enter.",
    "Источник: информационное агентство. Все права защищены.",
)
DATELINES = ("АСТАНА, 15 апр — Sputnik.", "БАКУ, 3 мар — Trend.", "МОСКВА, 12 мая — РИА Новости.")
HEADLINE_WORDS = ("Срочно", "Главное", "Новости дня", "Эксклюзив", "Подробности")
POSITIVE_KINDS = (
    "headline",
    "reword",
    "tagline",
    "paragraph",
    "syndicated",
    "reword+paragraph",
    "all4",
    "heavy",
)
INFO_KINDS = ("lead_only",)
MAX_REWORD = 30  # words of one reworded sentence at most
_WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass(frozen=True)
class Article:
    uid: str
    source: str
    title: str | None
    text: str
    published: date | None


@dataclass(frozen=True)
class Pair:
    kind: str
    same: bool
    a: Article
    b_text: str


def load(folder: Path) -> list[Article]:
    seen: set[str] = set()
    out: list[Article] = []
    for item in iter_inputs(folder):
        if not isinstance(item, RawInput):
            continue
        parsed = parse_input(item)
        if not isinstance(parsed, CleanArticle):
            continue
        sha = text_sha256(parsed.text)
        if sha in seen:
            continue
        seen.add(sha)
        source = item.source_uri.split("/", 1)[0].split("#", 1)[0]
        out.append(Article(item.source_uri, source, parsed.title, parsed.text, parsed.published_date))
    return out


def _sentences(text: str) -> list[str]:
    return [s.text for s in sentenize(text)]


def _headline(text: str, rng: random.Random) -> str:
    words = _sentences(text)[0].split()[:8]
    rng.shuffle(words)
    return f"{rng.choice(HEADLINE_WORDS)}: {' '.join(words).rstrip('.,')}\n\n{text}"


def _reword(text: str, rng: random.Random, donor: list[str], times: int = 1) -> str:
    sents = _sentences(text)
    for _ in range(times):
        long = [i for i, s in enumerate(sents) if len(s.split()) >= 8]
        if not long:
            break
        i = rng.choice(long)
        words = sents[i].split()
        # a "sentence" of Tengrinews' run-together paragraphs can be a whole paragraph: reword a sentence's worth
        lo = rng.randrange(len(words) - MAX_REWORD + 1) if len(words) > MAX_REWORD else 0
        part = words[lo : lo + MAX_REWORD]
        half = len(part) // 2
        part = part[half:] + part[:half]
        part = [rng.choice(donor) if j % 3 == 1 else w for j, w in enumerate(part)]
        del part[rng.randrange(len(part))]
        new = " ".join(words[:lo] + part + words[lo + MAX_REWORD :])
        text = text.replace(sents[i], new, 1)
        sents[i] = new
    return text


def _tagline(text: str, rng: random.Random) -> str:
    text = f"{text}\n\n{rng.choice(TAGLINES)}"
    return f"{rng.choice(DATELINES)} {text}" if rng.random() < 0.5 else text


def _remove_paragraph(text: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    if len(paras) >= 3:
        del paras[rng.randrange(1, len(paras) - 1)]
        return "\n".join(paras)
    # paragraph breaks lost: a run of sentences (not the first) of at most a fifth of the text, else the
    # shortest sentence after the first
    sents = _sentences(text)
    if len(sents) < 2:
        return text
    start = rng.randrange(1, len(sents))
    end = start
    while end < len(sents) and sum(len(s) for s in sents[start : end + 1]) <= len(text) / 5:
        end += 1
    if end == start:
        start = min(range(1, len(sents)), key=lambda i: len(sents[i]))
        end = start + 1
    return " ".join(sents[:start] + sents[end:])


def _lead_only(text: str, rng: random.Random) -> str:
    sents = _sentences(text)
    return " ".join(sents[: max(1, len(sents) // 2)])


def make_copy(kind: str, text: str, rng: random.Random, donor: list[str]) -> str:
    steps: dict[str, list[Callable[[str], str]]] = {
        "headline": [lambda t: _headline(t, rng)],
        "reword": [lambda t: _reword(t, rng, donor)],
        "tagline": [lambda t: _tagline(t, rng)],
        "paragraph": [lambda t: _remove_paragraph(t, rng)],
        "lead_only": [lambda t: _lead_only(t, rng)],
    }
    steps["syndicated"] = steps["headline"] + steps["reword"] + steps["tagline"]
    steps["reword+paragraph"] = steps["reword"] + steps["paragraph"]
    steps["all4"] = steps["paragraph"] + steps["reword"] + steps["headline"] + steps["tagline"]
    steps["heavy"] = (
        steps["paragraph"] + [lambda t: _reword(t, rng, donor, 2)] + steps["headline"] + steps["tagline"]
    )
    for step in steps[kind]:
        text = step(text)
    return text


def _content_words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower().replace("ё", "е")))


def exact_jaccard(a: str, b: str) -> float:
    sa = set(stories.shingles(stories.normalise(a)).tolist())
    sb = set(stories.shingles(stories.normalise(b)).tolist())
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


def build_pairs(
    arts: list[Article], n_bases: int, seed: int
) -> tuple[list[Pair], list[tuple[float, Article, Article]]]:
    rng = random.Random(seed)
    bases_pool = [a for a in arts if len(_sentences(a.text)) >= 2 and len(stories.normalise(a.text)) >= 40]
    bases = rng.sample(bases_pool, min(n_bases, len(bases_pool)))
    pairs: list[Pair] = []
    for base in bases:
        donor_art = rng.choice(arts)
        donor = [w for w in donor_art.text.split() if w.isalpha()] or ["слово"]
        for kind in POSITIVE_KINDS + INFO_KINDS:
            copy_rng = random.Random(f"{seed}:{base.uid}:{kind}")
            pairs.append(Pair(kind, True, base, make_copy(kind, base.text, copy_rng, donor)))

    natural: dict[tuple[str, str], float] = {}

    def negative(kind: str, a: Article, b: Article) -> None:
        key = (min(a.uid, b.uid), max(a.uid, b.uid))
        if key not in natural:
            natural[key] = exact_jaccard(a.text, b.text)
        if natural[key] < 0.3:
            pairs.append(Pair(kind, False, a, b.text))

    by_day: dict[tuple[str, date], list[Article]] = defaultdict(list)
    for a in arts:
        if a.published is not None:
            by_day[(a.source, a.published)].append(a)
    day_groups = [g for g in by_day.values() if len(g) >= 2]
    for _ in range(n_bases * 2):
        a, b = rng.sample(rng.choice(day_groups), 2)
        negative("same_day", a, b)

    words = [_content_words(a.text) for a in arts]
    df = Counter(w for ws in words for w in ws)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            if 2 <= df[w] <= 50:  # topical words: shared by a few articles, not by everyone
                postings[w].append(i)
    for i in rng.sample(range(len(arts)), min(n_bases * 2, len(arts))):
        shared: Counter[int] = Counter()
        for w in words[i]:
            shared.update(j for j in postings.get(w, ()) if j != i)
        if shared:
            j, _ = min(shared.items(), key=lambda kv: (-kv[1], kv[0]))
            negative("keywords", arts[i], arts[j])
    for _ in range(n_bases * 2):
        a, b = rng.sample(arts, 2)
        negative("random", a, b)
    by_uid = {a.uid: a for a in arts}
    near = sorted(
        ((jac, by_uid[x], by_uid[y]) for (x, y), jac in natural.items() if jac >= 0.3), key=lambda t: -t[0]
    )
    return pairs, near


def natural_pairs(arts: list[Article]) -> list[tuple[float, Article, Article]]:
    """Every pair of different corpus texts whose estimated 5-shingle Jaccard is >= 0.15 (LSH at 0.15, then
    the estimate), with the exact Jaccard: the corpus' own near-copies and template look-alikes."""
    index = stories.StoryIndex(threshold=0.15)
    sigs: dict[str, stories.Signature] = {}
    found = []
    for i, a in enumerate(arts):
        sig = stories.Signature.of_text(a.text)
        for other in index.candidates(sig):
            if sig.jaccard(sigs[other]) >= 0.15:
                found.append((exact_jaccard(a.text, arts[int(other)].text), arts[int(other)], a))
        sigs[str(i)] = sig
        index.place(str(i), signature=sig)
    return sorted(found, key=lambda t: -t[0])


def _same_title(a: Article, b: Article) -> bool:
    return " ".join(stories.normalise(a.title or "")) == " ".join(stories.normalise(b.title or ""))


def signatures(pairs: list[Pair]) -> list[tuple[stories.Signature, stories.Signature]]:
    sig: dict[str, stories.Signature] = {}
    out = []
    for p in pairs:
        if p.a.uid not in sig:
            sig[p.a.uid] = stories.Signature.of_text(p.a.text)
        out.append((sig[p.a.uid], stories.Signature.of_text(p.b_text)))
    return out


def predict(sigs: list[tuple[stories.Signature, stories.Signature]], threshold: float) -> list[bool]:
    out = []
    for sig_a, sig_b in sigs:
        index = stories.StoryIndex(threshold=threshold)
        index.place("a", signature=sig_a)
        out.append(index.place("b", signature=sig_b).story_id == "a")
    return out


def scores(pairs: list[Pair], pred: list[bool]) -> dict[str, float]:
    counted = [(p, y) for p, y in zip(pairs, pred, strict=True) if p.kind not in INFO_KINDS]
    tp = sum(1 for p, y in counted if y and p.same)
    fp = sum(1 for p, y in counted if y and not p.same)
    fn = sum(1 for p, y in counted if not y and p.same)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn}


def throughput(arts: list[Article], runs: int) -> dict[str, list[float]]:
    """articles/s of wall time and of this process' CPU time (the fair figure when other processes compete) for
    signature + assign, and CPU articles/s of each step alone."""
    out: dict[str, list[float]] = {"wall": [], "cpu": [], "cpu_signature": [], "cpu_assign": []}
    for _ in range(runs):
        stories._TOKEN_HASHES.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        sigs = [stories.Signature.of_text(a.text) for a in arts]
        c1 = time.process_time()
        index = stories.StoryIndex()
        for i, sig in enumerate(sigs):
            index.place(f"{i:016x}", signature=sig)
        t2, c2 = time.perf_counter(), time.process_time()
        n = len(arts)
        out["wall"].append(n / (t2 - t0))
        out["cpu"].append(n / (c2 - c0))
        out["cpu_signature"].append(n / (c1 - c0))
        out["cpu_assign"].append(n / (c2 - c1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=NEWS)
    ap.add_argument("--bases", type=int, default=400, help="articles copied with edits (x8 positive pairs)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--runs", type=int, default=3, help="throughput runs (median reported)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no news corpus at {args.corpus} (../shared is absent)")
    arts = load(args.corpus)
    pairs, near = build_pairs(arts, args.bases, args.seed)
    kinds = Counter(p.kind for p in pairs)
    print(
        f"{len(arts)} distinct articles; {len(pairs)} pairs: "
        + ", ".join(f"{k} {n}" for k, n in kinds.items())
    )
    print(f"natural near-copies among the sampled different-text pairs (exact Jaccard >= 0.3): {len(near)}")
    for jac, a, b in near[:10]:
        print(f"  {jac:.2f}  {a.uid} | {b.uid} | {a.title!r} | {b.title!r}")

    result: dict[str, object] = {
        "articles": len(arts),
        "pairs": dict(kinds),
        "natural_near_copies": len(near),
    }
    sweep = {}
    print(f"\n{'threshold':>9} {'precision':>9} {'recall':>7} {'fp':>4} {'fn':>4}")
    sigs = signatures(pairs)
    for t in SWEEP:
        pred = predict(sigs, t)
        s = scores(pairs, pred)
        sweep[t] = s
        print(f"{t:>9.2f} {s['precision']:>9.4f} {s['recall']:>7.4f} {s['fp']:>4} {s['fn']:>4}")
        if t == stories.THRESHOLD:
            chosen = pred
    result["sweep"] = sweep
    print(f"\nat the chosen threshold {stories.THRESHOLD}: share predicted same story, per kind")
    per_kind: dict[str, float] = {}
    for kind in kinds:
        ys = [y for p, y in zip(pairs, chosen, strict=True) if p.kind == kind]
        per_kind[kind] = sum(ys) / len(ys)
        label = (
            "recall" if kind in POSITIVE_KINDS else ("info" if kind in INFO_KINDS else "false-positive rate")
        )
        print(f"  {kind:>17}: {per_kind[kind]:.4f} ({label}, n={len(ys)})")
    result["per_kind"] = per_kind
    misses = [p for p, y in zip(pairs, chosen, strict=True) if p.same and not y and p.kind not in INFO_KINDS]
    for p in misses[:5]:
        print(
            f"  miss {p.kind}: {p.a.uid} ({len(stories.normalise(p.a.text))} tokens), exact Jaccard "
            f"{exact_jaccard(p.a.text, p.b_text):.2f}"
        )

    natural = natural_pairs(arts)
    print(
        f"\nnatural pairs of different corpus texts with Jaccard >= 0.15: {len(natural)}; proxy label: same story"
        " when the titles are equal (the same text republished), else different (templates, follow-ups)"
    )
    print(
        f"{'threshold':>9} {'precision':>9} {'recall':>7} {'fp':>4} {'fn':>4}  (positives "
        f"{sum(_same_title(a, b) for _, a, b in natural)})"
    )
    natural_sweep = {}
    for t in SWEEP:
        nat_pairs = [Pair("natural", _same_title(a, b), a, b.text) for _, a, b in natural]
        pred = predict(signatures(nat_pairs), t)
        s = scores(nat_pairs, pred)
        natural_sweep[t] = s
        print(f"{t:>9.2f} {s['precision']:>9.4f} {s['recall']:>7.4f} {s['fp']:>4} {s['fn']:>4}")
        if t == stories.THRESHOLD:
            for (jac, a, b), y in zip(natural, pred, strict=True):
                if y != _same_title(a, b):
                    print(f"    {'fp' if y else 'fn'} exact Jaccard {jac:.2f}: {a.title!r} | {b.title!r}")
    result["natural_sweep"] = natural_sweep

    rates = throughput(arts, args.runs)
    print(
        f"\nthroughput ({len(arts)} articles, one process, fresh index and token cache; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):"
    )
    for name, values in rates.items():
        med = statistics.median(values)
        share = (
            f"; vs rules-only 43-57 articles/s: {100 * 43 / med:.1f}-{100 * 57 / med:.1f}%"
            if name in ("wall", "cpu")
            else ""
        )
        print(
            f"  {name:>13}: "
            + ", ".join(f"{r:,.0f}" for r in values)
            + f" articles/s; median {med:,.0f} = {1000 / med:.2f} ms/article{share}"
        )
    result["throughput"] = rates
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
