"""Topic tagging: IPTC Media Topics plus regional domain topics, from a lemma lexicon in ``data/topics.yaml``.

How an article is scored (every number is a setting in the YAML):

- the title, the lead (first paragraph, at most ``lead_chars``) and the rest of the body are tokenised and
  lemmatised with pymorphy3 (cached per word form); terms are matched on lemmas (multi-word terms on
  consecutive lemmas), triggers (acronyms, names) case-sensitively on the surface tokens;
- an occurrence counts ``title_weight`` / ``lead_weight`` / ``body_weight`` times; negative terms of a topic
  cancel that topic's matches inside them ("сектор Газа" is not natural gas, "война цен" is not a war);
- a term contributes ``weight * boost * (1 + ln c)`` for a weighted count ``c >= 1`` (``weight * boost * c``
  below 1), so that several different terms count more than one repeated term; ``boost`` is ``title_boost``
  or ``lead_boost`` when the term is found in the headline or the lead (1 otherwise); a term's weight is
  damped when it occurs in many articles (``damp_df``, ``damp_min``, ``data/topics_term_df.tsv``);
- a text laid out as verse (``is_verse``, settings ``verse_*``) is evidence of the topics whose ``forms`` name
  ``verse`` (literature): a poem about a snowy January is literature, not weather;
- a domain topic (``nf:...``) also feeds its IPTC parent concept, which is emitted as a row of its own;
- every topic's terms vote for its IPTC ancestors (``parent_vote`` of their contribution; a term shared by
  several descendants counts once), up to the IPTC level-1 topic, which is always a row of its own: an article
  about elections, parliament and ministers ranks "politics and government" first;
- raw scores are divided by ``sqrt(max(n_tokens, norm_tokens) / norm_tokens)`` (length normalisation) and
  mapped to ``1 - exp(-x / scale)`` in [0, 1); the ``max_topics`` strongest topics at or above ``threshold``
  are ranked 1..n: with ``level1_first`` (the default) the article's IPTC level-1 subjects first, by score,
  then its narrower topics, by score (so ranks 1-3 name its three strongest subjects); else all by score;
- an article with evidence but no topic at the threshold gets its best-supported level-1 topic as its only
  row (a score below the threshold says how thin the evidence is); only an article without any matched term
  gets no topic (the run summary counts those).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from newsfacts.extract.morph import parses
from newsfacts.extract.topics_taxonomy import Taxonomy, Term, Topic, load_taxonomy, tokens
from newsfacts.extract.types import TopicAssignment

VERSION: str = "topics-5"

__all__ = ["VERSION", "TopicTagger", "is_verse", "lemma", "lemma_variants"]


@lru_cache(maxsize=1_000_000)
def lemma(word: str) -> str:
    """Lowercase normal form of a word form (``ё`` spelt ``е``); non-Cyrillic words are only lowercased."""
    low = word.lower()
    if not any("а" <= ch <= "я" or ch == "ё" for ch in low):
        return low
    return str(parses(low)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=100_000)
def lemma_variants(word: str) -> tuple[str, ...]:
    """The lemma of a term word, plus the text lemmas of its same-gender adjective forms.

    Context-free lemmatisation is not closed under inflection ("Средний" -> средний, but "Среднего" ->
    среднее): a term word matches every lemma its own inflected forms get in running text.
    """
    base = lemma(word)
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word.lower()):
        return (base,)
    parse = parses(word)[0]
    if "ADJF" not in parse.tag:
        return (base,)
    out = {base}
    for form in parse.lexeme:
        if "ADJF" in form.tag and (form.tag.gender == parse.tag.gender or form.tag.number == "plur"):
            out.add(lemma(form.word))
    return (base, *sorted(out - {base}))


def is_verse(text: str, min_lines: int, line_chars: int, share: float) -> bool:
    """Whether a text is laid out as verse: at least ``min_lines`` short lines (at most ``line_chars``
    characters, not starting with a digit as list items do) making up at least ``share`` of its non-empty
    lines. A poem is literature whatever its words are about ("метель", "мороз" in a poem are not weather)."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    verse = sum(1 for line in lines if len(line) <= line_chars and not line[0].isdigit())
    return verse >= min_lines and verse >= share * len(lines)


_PREFIX = 5  # letters of a word form compared with the taxonomy's word prefixes


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _lemma_prefixes(lemma_words: Iterable[str]) -> frozenset[str]:
    """First letters of every inflected form of the taxonomy's lemma words, suppletive ones included
    ("ребенок" -> "дети", "детей"): a token whose form starts otherwise cannot have such a lemma."""
    out: set[str] = set()
    for word in set(lemma_words):
        out.add(word[:_PREFIX])
        if any("а" <= ch <= "я" for ch in word):
            for parse in parses(word):
                out.update(_fold(form.word)[:_PREFIX] for form in parse.lexeme)
    return frozenset(out)


_MAX_FORMS = 200_000  # word forms whose matching form a tagger keeps (then it starts afresh)
_SURFACE = 1 << 40  # offset of surface-match positions (kept apart from lemma-string positions)


class _Hit(NamedTuple):
    topic: int
    term: int
    negative: bool
    multi: bool  # a multi-word term
    targets: tuple[int, ...]  # the topics the match counts for: its own, and its IPTC parent's


def _build_automaton(patterns: dict[str, list[_Hit]]) -> Any:
    """An Aho-Corasick automaton over " key " strings; values: (length, inner, hits).

    ``inner`` marks a key that occurs inside another, longer key (only those matches need containment checks).
    """
    import ahocorasick

    auto = ahocorasick.Automaton()
    for key, hits in patterns.items():
        auto.add_word(f" {key} ", (len(key) + 2, False, tuple(hits)))
    if not patterns:
        return auto
    auto.make_automaton()
    inner: set[str] = set()
    for key in patterns:
        padded = f" {key} "
        for end, (length, _inner, _hits) in auto.iter(padded):
            if length < len(padded):
                inner.add(padded[end - length + 1 : end + 1].strip())
    for key in inner:
        length, _inner, hits = auto.get(f" {key} ")
        auto.add_word(f" {key} ", (length, True, hits))
    auto.make_automaton()
    return auto


def _regions(title: str | None, text: str, lead_chars: int) -> list[tuple[str, str]]:
    """(name, text) of the title, the lead paragraph and the rest of the body."""
    body = text.strip()
    cut = len(body)
    for sep in ("\n\n", "\n"):
        i = body.find(sep)
        if i > 0:
            cut = i
            break
    if cut > lead_chars:
        space = body.rfind(" ", 0, lead_chars)
        cut = space if space > 0 else lead_chars
    return [("title", title or ""), ("lead", body[:cut]), ("body", body[cut:])]


class TopicTagger:
    """Tags articles with ranked topics from a taxonomy YAML (default: the packaged ``data/topics.yaml``)."""

    def __init__(
        self,
        taxonomy_path: str | Path | None = None,
        *,
        iptc_path: str | Path | None = None,
        term_df_path: str | Path | None = None,
        lemmatize: Callable[[str], str] = lemma,
        variants: Callable[[str], tuple[str, ...]] = lemma_variants,
    ) -> None:
        self._lemma = lemmatize
        self.taxonomy: Taxonomy = load_taxonomy(variants, taxonomy_path, iptc_path, term_df_path)
        self.topics: list[Topic] = self.taxonomy.topics
        s = self.taxonomy.settings
        self._region_weight = {"title": s["title_weight"], "lead": s["lead_weight"], "body": s["body_weight"]}
        self._region_boost = {"title": s["title_boost"], "lead": s["lead_boost"], "body": 1.0}
        self._lead_chars = int(s["lead_chars"])
        self._norm_tokens = max(1.0, s["norm_tokens"])
        self._scale = max(1e-9, s["scale"])
        self._threshold = s["threshold"]
        self._max_topics = int(s["max_topics"])
        self._vote = s["parent_vote"]
        self._level1_first = bool(s["level1_first"])
        index = {t.code: i for i, t in enumerate(self.topics)}
        self._rollup: list[int | None] = [index[t.rollup] if t.rollup else None for t in self.topics]
        # the topics (IPTC concepts) a topic votes for: its IPTC ancestors that are topics of the taxonomy
        self._ancestors: list[tuple[int, ...]] = [
            tuple(index[c] for c in self.taxonomy.ancestors(t.iptc) if c in index and c != t.code)
            for t in self.topics
        ]
        self._is_level1: list[bool] = [self.taxonomy.level1(t.iptc) == t.code for t in self.topics]
        lemma_pats: dict[str, list[_Hit]] = {}
        surface_pats: dict[str, list[_Hit]] = {}
        for ti, topic in enumerate(self.topics):
            for ki, term in enumerate(topic.terms):
                pats = surface_pats if term.surface else lemma_pats
                parent = self._rollup[ti]
                targets: tuple[int, ...] = (ti,) if parent is None else (ti, parent)
                hit = _Hit(ti, ki, False, " " in term.key, targets)
                for key in term.keys:
                    pats.setdefault(key, []).append(hit)
            for ki, term in enumerate(topic.negative):
                for key in term.keys:
                    lemma_pats.setdefault(key, []).append(_Hit(ti, ki, True, " " in key, (ti,)))
        # every topic's terms, then its text forms: a count's term index points into this
        self._terms: list[tuple[Term, ...]] = [t.terms + t.forms for t in self.topics]
        # text form -> (topic, term index, targets) of the topics it is evidence of
        self._forms_of: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}
        for ti, topic in enumerate(self.topics):
            parent = self._rollup[ti]
            for fi, form in enumerate(topic.forms):
                self._forms_of.setdefault(form.key, []).append(
                    (ti, len(topic.terms) + fi, (ti,) if parent is None else (ti, parent))
                )
        self._verse = (int(s["verse_min_lines"]), int(s["verse_line_chars"]), s["verse_share"])
        self._lemma_auto = _build_automaton(lemma_pats)
        self._surface_auto = _build_automaton(surface_pats)
        # the prefix filter is exact for pymorphy lemmas only; an injected lemmatiser sees every form
        self._prefixes: frozenset[str] | None = (
            _lemma_prefixes(word for key in lemma_pats for word in key.split())
            if lemmatize is lemma
            else None
        )
        self._forms: dict[str, str] = {}  # word form -> the form matched (its lemma, or it folded)
        self._has_lemma = bool(lemma_pats)
        self._has_surface = bool(surface_pats)

    def _match(self, title: str | None, text: str) -> tuple[dict[tuple[int, int, int], list[float]], int]:
        """Weighted count, plain count and prominence boost (the largest of the regions it was found in) per
        (output topic, source topic, term), and the number of tokens.

        A domain topic's matches also count for its IPTC parent. Within one output topic a match inside a
        longer match (or at the same place) is counted once, and matches inside a negative term are dropped.
        """
        counts: dict[tuple[int, int, int], list[float]] = {}
        n_tokens = 0
        lem = self._lemma
        for name, region in _regions(title, text, self._lead_chars):
            toks = tokens(region)
            if not toks:
                continue
            n_tokens += len(toks)
            rw = self._region_weight[name]
            boost = self._region_boost[name]
            found: list[tuple[int, int, bool, _Hit]] = []
            if self._has_lemma:
                # one lookup per distinct form; a form that cannot begin a taxonomy word is not lemmatised
                # (pymorphy is the cold-cache cost), as its lemma could match nothing
                prefixes = self._prefixes
                if prefixes is None:
                    forms = {t: lem(t) for t in set(toks)}
                    lemma_str = " " + " ".join(map(forms.__getitem__, toks)) + " "
                else:  # the matching form of every word form seen, kept by this tagger (bounded)
                    known = self._forms
                    if len(known) > _MAX_FORMS:
                        known.clear()
                    for t in set(toks).difference(known):
                        folded = _fold(t)
                        known[t] = lem(t) if folded[:_PREFIX] in prefixes else folded
                    lemma_str = " " + " ".join(map(known.__getitem__, toks)) + " "
                for end, (length, inner, hits) in self._lemma_auto.iter(lemma_str):
                    found.extend((end - length + 1, end, inner, h) for h in hits)
            if self._has_surface:  # surface offsets live in their own range, apart from lemma offsets
                surface_str = " " + " ".join(toks) + " "
                for end, (length, inner, hits) in self._surface_auto.iter(surface_str):
                    found.extend((_SURFACE + end - length + 1, _SURFACE + end, inner, h) for h in hits)
            negative: dict[int, list[tuple[int, int]]] = {}
            any_inner = False
            for start, end, inner, h in found:
                any_inner = any_inner or inner
                if h.negative:
                    negative.setdefault(h.topic, []).append((start, end))
            if any_inner:
                found.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first
            seen: set[tuple[int, int, int]] = set()  # (target, start, end) already counted
            phrases: dict[int, list[tuple[int, int]]] = {}  # spans of counted multi-word matches per target
            for start, end, inner, (topic, term, neg, multi, targets) in found:
                if neg:
                    continue
                for target in targets:
                    if (target, start, end) in seen:
                        continue
                    if negative:
                        spans = negative.get(target)
                        if spans and any(s <= start and end <= e for s, e in spans):
                            continue
                    if inner and any(s <= start and end <= e for s, e in phrases.get(target, ())):
                        continue
                    seen.add((target, start, end))
                    if multi:
                        phrases.setdefault(target, []).append((start, end))
                    c = counts.get((target, topic, term))
                    if c is None:
                        counts[(target, topic, term)] = [rw, 1.0, boost]
                    else:
                        c[0] += rw
                        c[1] += 1
                        if boost > c[2]:
                            c[2] = boost
        if "verse" in self._forms_of and is_verse(text, *self._verse):
            for ti, ki, targets in self._forms_of["verse"]:
                for target in targets:
                    counts[(target, ti, ki)] = [1.0, 1.0, 1.0]
        return counts, n_tokens

    def tag(self, title: str | None, text: str) -> list[TopicAssignment]:
        """Ranked topics of one article (title may be None), those scoring at or above the threshold.

        An article with some evidence but no topic at the threshold gets one row: its best-supported IPTC
        level-1 topic (the score says how weak it is). Only an article without any evidence gets none.
        """
        counts, n_tokens = self._match(title, text or "")
        if not counts:
            return []
        # per output topic: one entry per distinct term (a parent and its domain topic may share a term)
        own: dict[int, dict[tuple[str, bool], list[Any]]] = {}
        for (target, ti, ki), (wc, n, boost) in counts.items():
            term = self._terms[ti][ki]
            bucket_ = own.setdefault(target, {})
            key = (term.key, term.surface)
            entry = bucket_.get(key)
            if entry is None:
                bucket_[key] = [term, wc, n, 1.0, boost]
            else:
                entry[1] += wc
                entry[2] += n
                entry[4] = max(entry[4], boost)
        # each topic's terms vote for its IPTC ancestors; a term several descendants share counts once
        merged: dict[int, dict[tuple[str, bool], list[Any]]] = {t: dict(b) for t, b in own.items()}
        if self._vote > 0:
            for ti, bucket in own.items():
                for anc in self._ancestors[ti]:
                    into = merged.setdefault(anc, {})
                    for key, (term, wc, n, _f, boost) in bucket.items():
                        cur = into.get(key)
                        if cur is None or (cur[3] < 1.0 and wc > cur[1]):
                            into[key] = [term, wc, n, self._vote, boost]
        norm = math.sqrt(max(n_tokens, self._norm_tokens) / self._norm_tokens)
        scored: list[tuple[float, float, str, int, list[list[Any]]]] = []
        fallback: tuple[float, float, str, int, list[list[Any]]] | None = None
        for ti, b in merged.items():
            raw = 0.0
            for term, wc, _n, factor, boost in b.values():
                raw += factor * boost * term.weight * (1.0 + math.log(wc) if wc >= 1.0 else wc)
            if raw <= 0:
                continue
            x = raw / norm  # ranked on x itself: the score saturates near 1 for strong topics
            score = 1.0 - math.exp(-x / self._scale)
            item = (x, score, self.topics[ti].code, ti, list(b.values()))
            if score >= self._threshold:
                scored.append(item)
            elif self._is_level1[ti] and (fallback is None or (-x, item[2]) < (-fallback[0], fallback[2])):
                fallback = item
        if not scored and fallback is not None:
            scored = [fallback]
        scored.sort(key=lambda item: (-item[0], item[2]))
        scored = scored[: self._max_topics]
        if (
            self._level1_first
        ):  # the article's level-1 subjects first, then its narrower topics (each by score)
            scored.sort(key=lambda item: not self._is_level1[item[3]])
        out: list[TopicAssignment] = []
        for rank, (_x, score, _code, ti, terms) in enumerate(scored, start=1):
            topic = self.topics[ti]
            terms.sort(key=lambda x: (-x[2], -x[1], x[0].text))
            out.append(
                TopicAssignment(
                    topic_code=topic.code,
                    topic_label=topic.label,
                    score=round(score, 4),
                    rank=rank,
                    evidence="; ".join(f"{t.text}×{int(n)}" for t, _wc, n, _f, _b in terms),
                    iptc_code=topic.iptc,
                    iptc_level1=self.taxonomy.level1(topic.iptc),
                    evidence_terms=tuple(t.text for t, _wc, _n, _f, _b in terms),
                )
            )
        return out
