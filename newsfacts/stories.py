"""Stories: near-duplicate clustering of cleaned article texts (issue 17), incremental across runs.

A news agency's text is republished with a new headline, a reworded sentence, a site's tagline or a paragraph
cut. Each report is its own article row; ``story_id`` ties the copies of one text together so that an analyst
can count independent stories instead of reprints.

How a text becomes a signature
    ``normalise`` folds the cleaned body (``articles.text``; the title is left out, so a new headline never breaks
    a match): NFKC, lower case, ё -> е, and every run of letters or digits is a token (punctuation, quotes and
    dashes are dropped, so "«Газпром»" and "Газпром" are one token). Digits are kept: template texts that differ
    only in their figures (weather forecasts, exchange rates, daily counts) are different stories, and a copy
    that changes one figure still shares almost all its shingles. ``shingles`` hashes every run of
    ``SHINGLE_WORDS`` consecutive tokens (a text shorter than that is one shingle). ``Signature`` is the datasketch
    MinHash (scheme ``affine32``, ``NUM_PERM`` permutations, seed ``SEED``) of that set: ``NUM_PERM`` uint32
    values, serialised little-endian as ``NUM_PERM * 4`` bytes (a Parquet ``binary`` column); ``SIGNATURE_SCHEME``
    names everything that makes two signatures comparable and changes whenever any of it does.

Who joins whom
    ``StoryIndex.assign`` looks the new signature up in a datasketch ``MinHashLSH`` (its bands chosen by
    ``lsh_bands`` so that the bucket step loses almost no pair at the threshold), then *verifies* every candidate: the
    article joins the candidate whose estimated Jaccard similarity (share of equal MinHash values) is highest
    and at least ``THRESHOLD``; ties go to the candidate indexed first. It takes that candidate's ``story_id``.
    Without such a candidate it starts a new story whose id is its own ``article_id``; the first article of a
    story names it. Stories are never merged or renamed afterwards, so a ``story_id`` once written stays valid
    in later runs (single link: C joins A's story through B even if C alone is not a copy of A).
    An ``article_id`` already in the index keeps its story (reprocessing an article never moves it).
    Empty texts (no token) get a story of their own and are not indexed: two empty texts are not copies.

Order
    The same records and the same calls in the same order give the same ids (hashing is seeded and
    platform-independent; candidate ties are broken by insertion order, never by set iteration).
    ``assign_batch`` makes a batch's result independent of the order of its items: it sorts them by
    (published_date, nulls last; article_id) before assigning, so the earliest report of a story names it and is
    what later copies join. Across runs the first run's articles come first: a copy that arrives in an earlier
    run than its original names the story.

Measured (``nice .venv/bin/python bench/eval_stories.py``: pairs built from ../shared/corpus/news, its docstring
says how; 2,376 distinct articles), ``THRESHOLD`` 0.5, 5-word shingles, 128 permutations:
- synthetic pairs (400 bases x 8 kinds of copies = 3,200 positives; 2,387 different-article negatives: same
  outlet and day, most shared content words, random): precision 1.000, recall 0.947. Recall per kind: headline
  1.00, tagline 1.00, removed paragraph 0.990, reworded sentence 0.975, headline + reword + tagline 0.950,
  reword + paragraph 0.925, all four 0.890, heavy (two rewords too) 0.845; no negative joined. The misses are
  short texts (60-90 tokens) where 30 reworded words are a third of the text. Sweep (P / R): 0.3 0.999 / 0.983,
  0.4 1.000 / 0.968, 0.5 1.000 / 0.947, 0.6 1.000 / 0.910, 0.7 1.000 / 0.848, 0.8 1.000 / 0.737.
- the corpus' own look-alikes (86 pairs of different texts with estimated Jaccard >= 0.15; proxy label: same
  title = the same text republished, 15 pairs): at 0.5 all 15 are found (recall 1.0) and 4 pairs are joined that
  the proxy calls different (precision 0.79): three daily live-blog pages of one trial ("Суд над Бишимбаевым:
  трансляция 15/16/17 апреля", exact Jaccard 0.66-0.80: one template, not separable by text overlap) and one
  reprinted NG sidebar. At 0.4 nine join (daily exchange-rate and weather notes, two reports of one meeting), at
  0.3 fifteen: the synthetic negatives are easy, the corpus' templates are what fixes the threshold at 0.5.
- cost: signature 1.4 ms and assign 0.23 ms of CPU per article (medians of 3 runs, 2,376 articles, a machine
  at load average 6.6 on 2 cores; ~1 ms in all at load ~2): about 7-9% of the rules-only run's 17-23 ms per
  article (43-57 articles/s) if done serially; the signature is per article and parallel (extract workers), the
  assign step (~1-1.5%) is the only serial part.

Wiring (not done here): ``articles.story_id`` (string, not null) and ``articles.story_signature`` (binary,
``NUM_PERM * 4`` bytes); build the index once per run from the warehouse's (article_id, story_id,
story_signature) with ``StoryIndex.from_records``; compute ``Signature.of_text(text)`` where the article is
extracted; assign each chunk's new distinct articles with ``assign_batch`` (BatchItem with the signature) before
its frames are staged; an article already indexed (reprocessing) keeps its story.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE_WORDS = 5  # words per shingle
NUM_PERM = 128  # MinHash permutations: 512 bytes per signature
SEED = 17  # the MinHash permutations' seed (part of SIGNATURE_SCHEME)
THRESHOLD = 0.5  # estimated Jaccard similarity of shingle sets at and above which an article joins a story
LSH_RECALL = 0.995  # the LSH bands make a pair at exactly the threshold a candidate at least this often
_SCHEME = "affine32"  # datasketch's permutation scheme (uint32 values)
VERSION = "stories-1"
SIGNATURE_SCHEME = f"minhash-{_SCHEME}-p{NUM_PERM}-s{SEED}-w{SHINGLE_WORDS}-{VERSION}"
_DTYPE = np.dtype("<u4")

_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits (underscore is punctuation here)
_MASK64 = (1 << 64) - 1


def normalise(text: str) -> list[str]:
    """The tokens of ``text`` as shingles see them: NFKC, lower case, ё -> е, letters and digits only."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    folded = text.lower().replace("ё", "е")
    return _TOKEN.findall(folded)


class _TokenHashes(dict[str, int]):
    """token -> a 64-bit hash, the same on every machine and in every process (unlike ``hash()``); a dict with
    ``__missing__`` so that ``map(cache.__getitem__, tokens)`` stays in C for every token seen before."""

    max_size = 1 << 19  # ~50-100 MB at most; cleared when full (the hashes do not change, only their cost)

    def __missing__(self, token: str) -> int:
        if len(self) >= self.max_size:
            self.clear()
        value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        self[token] = value
        return value


_TOKEN_HASHES = _TokenHashes()


def shingles(tokens: Sequence[str], width: int = SHINGLE_WORDS) -> np.ndarray:
    """32-bit hashes of every run of ``width`` consecutive tokens (uint32 array, possibly with repeats).

    A text with fewer tokens than ``width`` is one shingle of all its tokens; no token, no shingle."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    hashes = np.fromiter(map(_TOKEN_HASHES.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    n = max(len(tokens) - width + 1, 1)
    mult = _position_mult(width)
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(min(width, len(tokens))):
        acc += hashes[j : j + n] * mult[j]  # uint64 arithmetic wraps: a polynomial hash mod 2^64
    acc ^= acc >> np.uint64(31)
    acc *= np.uint64(0xBF58476D1CE4E5B9)
    return (acc >> np.uint64(32)).astype(np.uint32)


@lru_cache(maxsize=8)
def _position_mult(width: int) -> np.ndarray:
    """Odd multipliers that mix a shingle's token hashes position by position (fixed: part of the scheme)."""
    return np.array(
        [(0x9E3779B97F4A7C15 * (2 * i + 1) + 0x632BE59BD9B4E019 * i) & _MASK64 | 1 for i in range(width)],
        dtype=np.uint64,
    )


def _identity(value: object) -> object:
    return value


def _whole(values: object) -> object:
    """The hash function of ``Signature.of_shingles``: it hands MinHash.update_batch one item, the array of all
    shingle hashes, which datasketch turns into its (n, 1) column and permutes at once (the same values as
    feeding the hashes one by one, see tests/test_stories.py; without a Python call per shingle)."""
    return values


@lru_cache(maxsize=1)
def _template() -> MinHash:
    """The MinHash whose permutations every signature uses (generated once per process)."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME, hashfunc=_identity)


def _minhash(values: np.ndarray) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=_identity,
        hashvalues=values,
        permutations=_template().permutations,
        scheme=_SCHEME,
    )


@dataclass(frozen=True, eq=False)
class Signature:
    """The MinHash of one article's shingle set: ``NUM_PERM`` uint32 values (``empty`` when it had no token)."""

    values: np.ndarray  # uint32, length NUM_PERM; read-only

    @classmethod
    def of_text(cls, text: str) -> Signature:
        """The signature of a cleaned article body."""
        return cls.of_shingles(shingles(normalise(text)))

    @classmethod
    def of_shingles(cls, hashes: np.ndarray) -> Signature:
        m = MinHash(
            num_perm=NUM_PERM,
            seed=SEED,
            hashfunc=_whole,
            permutations=_template().permutations,
            scheme=_SCHEME,
        )
        if hashes.size:
            m.update_batch([hashes])
        return cls._frozen(np.asarray(m.hashvalues, dtype=np.uint32))

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """The signature ``to_bytes`` wrote; a ValueError when it was made with another number of permutations."""
        if len(data) != NUM_PERM * _DTYPE.itemsize:
            raise ValueError(
                f"a story signature of {len(data)} bytes; {SIGNATURE_SCHEME} has {NUM_PERM * _DTYPE.itemsize}"
            )
        return cls._frozen(np.frombuffer(data, dtype=_DTYPE).astype(np.uint32))

    @classmethod
    def _frozen(cls, values: np.ndarray) -> Signature:
        values = values.copy()
        values.flags.writeable = False
        return cls(values)

    def to_bytes(self) -> bytes:
        """``NUM_PERM`` little-endian uint32 values: the Parquet ``binary`` form."""
        return self.values.astype(_DTYPE).tobytes()

    @property
    def empty(self) -> bool:
        """True for the signature of a text without tokens (every value is the maximum)."""
        return bool(np.all(self.values == np.iinfo(np.uint32).max))

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets: the share of equal MinHash values."""
        return float(np.count_nonzero(self.values == other.values)) / NUM_PERM

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signature) and bool(np.array_equal(self.values, other.values))

    def __hash__(self) -> int:
        return hash(self.values.tobytes())


@lru_cache(maxsize=32)
def lsh_bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) of the LSH: the most rows per band (fewest chance candidates) with which a pair
    whose Jaccard is exactly ``threshold`` still shares a band with probability >= LSH_RECALL; every candidate
    is then verified on its signature, so the bands only have to lose no copy."""
    for rows in range(NUM_PERM, 0, -1):
        bands = NUM_PERM // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= LSH_RECALL:
            return bands, rows
    return NUM_PERM, 1


@dataclass(frozen=True)
class StoryRecord:
    """What the warehouse keeps per article to rebuild the index in a later run (articles.story_id and
    articles.story_signature)."""

    article_id: str
    story_id: str
    signature: Signature


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, and the article it was found to copy (None: it started the story)."""

    article_id: str
    story_id: str
    signature: Signature
    matched_article_id: str | None = None
    similarity: float | None = None  # estimated Jaccard with matched_article_id
    known: bool = False  # True when the article was already in the index (its story unchanged)

    @property
    def record(self) -> StoryRecord:
        return StoryRecord(self.article_id, self.story_id, self.signature)


@dataclass(frozen=True)
class BatchItem:
    """One article of a batch for ``StoryIndex.assign_batch``."""

    article_id: str
    text: str
    published_date: date | None = None
    signature: Signature | None = None  # computed beforehand (e.g. in an extract worker); else from ``text``


@dataclass
class StoryIndex:
    """Every article seen so far, by signature, and its story; see the module docstring for the rules.

    Build it from the warehouse's records (``from_records``), ``assign`` the run's new articles, and write each
    ``Assignment.record`` back (``story_id`` and ``signature.to_bytes()``)."""

    threshold: float = THRESHOLD
    _lsh: MinHashLSH = field(init=False, repr=False)
    _signatures: dict[str, Signature] = field(default_factory=dict, init=False, repr=False)
    _story: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _order: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold}")
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM, params=lsh_bands(self.threshold))

    @classmethod
    def from_records(cls, records: Iterable[StoryRecord], threshold: float = THRESHOLD) -> StoryIndex:
        """An index holding ``records`` (e.g. every row of the warehouse's articles), in the order given; an
        article id given twice is a ValueError (one article row, one story)."""
        index = cls(threshold=threshold)
        for rec in records:
            if rec.article_id in index._story:
                raise ValueError(f"article {rec.article_id} appears twice in the story records")
            index._add(rec.article_id, rec.story_id, rec.signature)
        return index

    def __len__(self) -> int:
        return len(self._story)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._story

    def story_of(self, article_id: str) -> str:
        return self._story[article_id]

    def records(self) -> Iterator[StoryRecord]:
        """Every article of the index in insertion order."""
        for article_id in self._order:
            yield StoryRecord(article_id, self._story[article_id], self._signatures[article_id])

    def _add(
        self, article_id: str, story_id: str, signature: Signature, minhash: MinHash | None = None
    ) -> None:
        self._order[article_id] = len(self._order)
        self._story[article_id] = story_id
        self._signatures[article_id] = signature
        if not signature.empty:
            minhash = minhash or _minhash(signature.values)
            self._lsh.insert(article_id, minhash, check_duplication=False)

    def candidates(self, signature: Signature) -> list[str]:
        """The indexed articles sharing an LSH band with ``signature`` (unverified), earliest indexed first."""
        return self._candidates(signature, None)

    def _candidates(self, signature: Signature, minhash: MinHash | None) -> list[str]:
        if signature.empty or not self._story:
            return []
        minhash = minhash or _minhash(signature.values)
        return sorted(self._lsh.query(minhash), key=self._order.__getitem__)

    def best_match(self, signature: Signature, minhash: MinHash | None = None) -> tuple[str, float] | None:
        """The indexed article ``signature`` copies (highest estimated Jaccard >= threshold, the earliest
        indexed on a tie) and that similarity; None when none does."""
        best: tuple[float, int, str] | None = None  # (-similarity, order, article_id): min is best
        for candidate in self._candidates(signature, minhash):
            sim = signature.jaccard(self._signatures[candidate])
            if sim < self.threshold:
                continue
            key = (-sim, self._order[candidate], candidate)
            if best is None or key < best:
                best = key
        return None if best is None else (best[2], -best[0])

    def place(
        self, article_id: str, text: str | None = None, signature: Signature | None = None
    ) -> Assignment:
        """Assign one article (from its text or a signature computed beforehand) and index it."""
        if article_id in self._story:
            return Assignment(article_id, self._story[article_id], self._signatures[article_id], known=True)
        if signature is None:
            if text is None:
                raise ValueError("place() needs the article's text or its signature")
            signature = Signature.of_text(text)
        minhash = None if signature.empty else _minhash(signature.values)  # built once: query and insert
        match = self.best_match(signature, minhash)
        if match is None:
            story_id, matched, sim = article_id, None, None
        else:
            matched, sim = match
            story_id = self._story[matched]
        self._add(article_id, story_id, signature, minhash)
        return Assignment(article_id, story_id, signature, matched, sim)

    def assign(self, article_id: str, text: str) -> str:
        """The story of a new article (indexing it); an article already indexed keeps its story."""
        return self.place(article_id, text).story_id

    def assign_batch(self, items: Iterable[BatchItem]) -> list[Assignment]:
        """Assign a batch in an order that does not depend on how it was given: by (published_date, nulls
        last; article_id). Returns the assignments in that order."""
        ordered = sorted(items, key=_batch_key)
        signatures = [item.signature or Signature.of_text(item.text) for item in ordered]
        return [
            self.place(item.article_id, signature=sig) for item, sig in zip(ordered, signatures, strict=True)
        ]


def _batch_key(item: BatchItem) -> tuple[bool, date, str]:
    return (item.published_date is None, item.published_date or date.min, item.article_id)


def cluster(items: Iterable[BatchItem], threshold: float = THRESHOLD) -> dict[str, str]:
    """article_id -> story_id for one set of articles from scratch (a fresh index, ``assign_batch`` order)."""
    index = StoryIndex(threshold=threshold)
    return {a.article_id: a.story_id for a in index.assign_batch(items)}
