"""The topic taxonomy: ``data/topics.yaml`` and the IPTC Media Topics subset (``data/iptc_subset.csv``).

The shipped files are read through ``newsfacts.extract.data``; an analyst's own taxonomy, subset or term
frequencies are read from the paths given (``TopicTagger(taxonomy_path=...)``).

The YAML is the analysts' file (see its header for the format). Terms are written in any inflected form and
lemmatised here with the same lemmatiser the tagger applies to articles, so "железная дорога" matches
"железной дороги". Triggers are matched case-sensitively on the surface tokens ("ОТГ", "ЕАЭС").
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from newsfacts.extract.data import load_yaml, read_text

# the shipped files (in newsfacts.extract.data), read when no path is given
TAXONOMY_FILE = "topics.yaml"
IPTC_SUBSET_FILE = "iptc_subset.csv"
TERM_DF_FILE = "topics_term_df.tsv"

TOKEN_RE = re.compile(r"[^\W_]+")

DEFAULT_SETTINGS: dict[str, float] = {
    "title_weight": 3.0,  # an occurrence in the title counts this many times
    "lead_weight": 2.0,  # an occurrence in the lead paragraph
    "body_weight": 1.0,
    "title_boost": 1.0,  # a term found in the title weighs this many times more (whatever its count) ...
    "lead_boost": 1.0,  # ... and one found in the lead (when not in the title) this many times
    "lead_chars": 600,  # the lead is the first paragraph, at most this many characters
    "norm_tokens": 300,  # raw scores are divided by sqrt(max(n_tokens, norm_tokens) / norm_tokens)
    "scale": 4.0,  # score = 1 - exp(-normalised / scale), in [0, 1)
    "threshold": 0.3,  # topics scoring below are dropped
    "max_topics": 25,
    "default_weight": 1.0,  # weight of a one-word term or a trigger given without one
    "phrase_weight": 1.5,  # weight of a multi-word term given without one (phrases are more specific)
    "level1_first": 1.0,  # 1: rank the level-1 subjects first (each group by score); 0: rank all by score
    "parent_vote": 1.0,  # share of a topic's term contributions its IPTC ancestors receive as votes
    "damp_df": 0.05,  # a term found in a larger share of articles (topics_term_df.tsv) weighs less ...
    "damp_min": 0.25,  # ... by ln(1/df) / ln(1/damp_df), never below this factor
    "verse_min_lines": 12,  # a text is verse when it has at least this many verse lines ...
    "verse_line_chars": 60,  # ... (non-empty lines this short that do not start with a digit: not a list) ...
    "verse_share": 0.6,  # ... making up at least this share of its non-empty lines
}

# text forms a topic's ``forms`` may name: the form -> the evidence text its rows show
FORMS: dict[str, str] = {"verse": "стихотворная форма"}


@dataclass(frozen=True)
class Term:
    """One matchable term: ``keys`` are space-joined lemmas (terms) or surface tokens (triggers)."""

    text: str  # as written in the taxonomy (used in evidence)
    keys: tuple[str, ...]  # the first is the plain lemma key; others cover lemmatiser ambiguity
    weight: float
    surface: bool  # True: a case-sensitive trigger matched on the surface tokens

    @property
    def key(self) -> str:
        return self.keys[0]


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    label_ru: str | None
    iptc: str | None  # the IPTC concept (the code itself for IPTC topics, the parent for domain topics)
    terms: tuple[Term, ...] = ()
    negative: tuple[Term, ...] = ()
    rollup: str | None = None  # the code of the topic that also receives this topic's matches
    forms: tuple[Term, ...] = ()  # text forms that are evidence of the topic (key: the form, e.g. "verse")


@dataclass(frozen=True)
class IptcConcept:
    qcode: str
    level: int
    parent: str | None
    name: str


@dataclass
class Taxonomy:
    topics: list[Topic]
    settings: dict[str, float]
    iptc: dict[str, IptcConcept] = field(default_factory=dict)

    def level1(self, qcode: str | None) -> str | None:
        """The IPTC level-1 ancestor of ``qcode`` (itself at level 1), following the subset's parents."""
        seen: set[str] = set()
        code = qcode
        while code and code in self.iptc and code not in seen:
            seen.add(code)
            concept = self.iptc[code]
            if concept.level == 1 or not concept.parent:
                return code
            code = concept.parent
        return None

    def ancestors(self, qcode: str | None) -> list[str]:
        """The IPTC ancestors of ``qcode`` (its parent first, level 1 last), following the subset's parents."""
        out: list[str] = []
        code = self.iptc[qcode].parent if qcode in self.iptc else None
        while code and code in self.iptc and code not in out:
            out.append(code)
            code = self.iptc[code].parent
        return out


def load_iptc(path: str | Path | None = None) -> dict[str, IptcConcept]:
    """Read the IPTC subset CSV (default: the shipped subset; lines starting with ``#`` are the attribution
    header)."""
    text = read_text(IPTC_SUBSET_FILE) if path is None else Path(path).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    return {
        r["qcode"]: IptcConcept(r["qcode"], int(r["level"]), r["parent"] or None, r["name"]) for r in rows
    }


def load_term_df(path: str | Path | None = None) -> dict[tuple[bool, str], float]:
    """Document frequency per term: (surface?, key) -> share of articles (default: the shipped file; ``#``
    lines are comments; a missing file gives none)."""
    out: dict[tuple[bool, str], float] = {}
    try:
        text = read_text(TERM_DF_FILE) if path is None else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, key, df = line.split("\t")
        out[(kind == "S", key)] = float(df)
    return out


def damping(df: float | None, damp_df: float, damp_min: float) -> float:
    """The weight factor of a term found in a share ``df`` of articles: 1 up to ``damp_df``, then less."""
    if df is None or df <= damp_df or not 0 < damp_df < 1:
        return 1.0
    return max(damp_min, math.log(1.0 / df) / math.log(1.0 / damp_df)) if df < 1 else damp_min


def tokens(text: str) -> list[str]:
    """Word tokens (letters and digits; hyphens and punctuation split)."""
    return TOKEN_RE.findall(text)


def _term_items(raw: Any, where: str) -> Iterable[tuple[str, float | None]]:
    if raw is None:
        return
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list, got {type(raw).__name__}")
    for item in raw:
        if isinstance(item, str):
            yield item, None
        elif isinstance(item, Mapping) and len(item) == 1:
            ((text, weight),) = item.items()
            yield str(text), float(weight)
        else:
            raise ValueError(f"{where}: a term is a string or a one-key mapping 'term: weight', got {item!r}")


Variants = Callable[[str], tuple[str, ...]]
MAX_KEYS = 8


def _keys(toks: list[str], variants: Variants) -> tuple[str, ...]:
    """Every combination of the tokens' lemma variants (the plain lemmas first), at most MAX_KEYS."""
    keys: list[list[str]] = [[]]
    for tok in toks:
        keys = [k + [v] for k in keys for v in variants(tok)][:MAX_KEYS]
    return tuple(dict.fromkeys(" ".join(k) for k in keys))


def _make_terms(
    raw: Any, where: str, variants: Variants, default: tuple[float, float], surface: bool
) -> list[Term]:
    out: list[Term] = []
    for text, weight in _term_items(raw, where):
        toks = tokens(text)
        if not toks:
            raise ValueError(f"{where}: empty term {text!r}")
        keys = (" ".join(toks),) if surface else _keys(toks, variants)
        if weight is None:
            weight = default[1] if len(toks) > 1 and not surface else default[0]
        out.append(Term(text, keys, weight, surface))
    return out


def _parse_topic(
    raw: Mapping[str, Any],
    lemma: Variants,
    default: tuple[float, float],
    iptc: Mapping[str, IptcConcept],
) -> Topic:
    code = str(raw.get("code") or "").strip()
    if not code:
        raise ValueError(f"topic without a code: {dict(raw)!r}")
    label = str(raw.get("label") or (iptc[code].name if code in iptc else "")).strip()
    if not label:
        raise ValueError(f"{code}: no English label")
    parent = raw.get("iptc")
    if code.startswith("medtop:"):
        if parent and parent != code:
            raise ValueError(f"{code}: an IPTC topic's iptc concept is itself")
        parent = code
    elif not parent:
        raise ValueError(f"{code}: a domain topic needs an 'iptc' parent concept")
    terms = _make_terms(raw.get("terms"), f"{code} terms", lemma, default, surface=False)
    terms += _make_terms(raw.get("triggers"), f"{code} triggers", lemma, default, surface=True)
    negative = _make_terms(raw.get("negative"), f"{code} negative", lemma, default, surface=False)
    forms: list[Term] = []
    for name, weight in _term_items(raw.get("forms"), f"{code} forms"):
        if name not in FORMS:
            raise ValueError(f"{code} forms: unknown text form {name!r} (known: {sorted(FORMS)})")
        forms.append(Term(FORMS[name], (name,), default[0] if weight is None else weight, False))
    return Topic(
        code=code,
        label=label,
        label_ru=raw.get("label_ru"),
        iptc=str(parent),
        terms=tuple(terms),
        negative=tuple(negative),
        forms=tuple(forms),
        rollup=None if parent == code else str(parent),
    )


def _damped(
    topic: Topic, term_df: Mapping[tuple[bool, str], float], damp_df: float, damp_min: float
) -> Topic:
    """The topic with each term's weight multiplied by its damping factor (terms frequent everywhere weigh less)."""
    terms = tuple(
        replace(t, weight=t.weight * damping(term_df.get((t.surface, t.key)), damp_df, damp_min))
        for t in topic.terms
    )
    return replace(topic, terms=terms)


def load_taxonomy(
    lemma: Variants,
    path: str | Path | None = None,
    iptc_path: str | Path | None = None,
    term_df_path: str | Path | None = None,
) -> Taxonomy:
    """Load and validate a taxonomy YAML; domain topics whose IPTC parent has no entry get a synthetic one.

    ``lemma`` gives the lemma variants of a word form (the text's lemma of the form first). Term weights are
    damped by the terms' document frequencies in ``term_df_path`` (default ``data/topics_term_df.tsv``, made
    by ``bench/make_topic_term_df.py``; a missing file damps nothing).
    """
    if path is None:
        yaml_path = f"newsfacts.extract.data/{TAXONOMY_FILE}"
        doc = load_yaml(TAXONOMY_FILE)  # shared and cached: read, never changed
    else:
        yaml_path = str(path)
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(doc, Mapping) or not isinstance(doc.get("topics"), list):
        raise ValueError(f"{yaml_path}: expected a mapping with a 'topics' list")
    iptc = load_iptc(iptc_path)
    settings = dict(DEFAULT_SETTINGS)
    for key, value in (doc.get("settings") or {}).items():
        if key not in DEFAULT_SETTINGS:
            raise ValueError(f"{yaml_path}: unknown setting {key!r}")
        settings[key] = float(value)
    default = (settings["default_weight"], settings["phrase_weight"])
    topics = [_parse_topic(t, lemma, default, iptc) for t in doc["topics"]]
    term_df = load_term_df(term_df_path)
    if term_df:
        topics = [_damped(t, term_df, settings["damp_df"], settings["damp_min"]) for t in topics]
    codes = [t.code for t in topics]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValueError(f"{yaml_path}: duplicate topic codes {dupes}")
    known = set(codes)
    for t in list(topics):
        if t.rollup and t.rollup not in known:
            concept = iptc.get(t.rollup)
            topics.append(
                Topic(
                    code=t.rollup, label=concept.name if concept else t.rollup, label_ru=None, iptc=t.rollup
                )
            )
            known.add(t.rollup)
    taxonomy = Taxonomy(topics=topics, settings=settings, iptc=iptc)
    for t in list(topics):  # every topic's IPTC level-1 ancestor is a topic: it receives the branch's votes
        top = taxonomy.level1(t.iptc)
        if top and top not in known:
            topics.append(Topic(code=top, label=iptc[top].name, label_ru=None, iptc=top))
            known.add(top)
    return taxonomy
