"""Named entities (PER / ORG / LOC) with canonical names and country codes.

natasha's NewsNERTagger finds the spans, merged with the gazetteer and rule recognisers of ``entity_rules``
(organisations and places natasha misses; country and city adjectives as places with form "adjective"; NEREL
dev F1 ORG 0.766 -> 0.863, LOC 0.825 -> 0.909: ``bench/eval_ner.py``); the normalisation natasha does with
``MorphVocab`` (pymorphy2, broken on Python 3.11) is re-implemented on pymorphy3 (``newsfacts.extract.morph``):

- PER: every word to the nominative, in the one case and gender that the first name, patronymic and surname
  agree on (readings weighed: the dictionary's, the ending rules', women's names in -ия from
  ``data/names_female_ru.txt``: "Асию Биби" -> "Асия Биби", "Юлию" -> "Юлия"), ё only where the text has it;
  then all mentions of one person in the article share the fullest name ("Ф.Шафиев", "Шафиева" -> "Фарид
  Шафиев"). ``bench/eval_names.py`` scores it, and natasha's ``span.normalize``, on real mentions.
- ORG / LOC: the words up to the first noun (the head) to the nominative, agreeing adjectives with it; the
  dependants after the head stay as written ("Центра анализа международных отношений" -> "Центр анализа
  международных отношений"). A LOC that is a country gets the country's canonical name and code
  ("Азербайджаном" -> "Азербайджан", AZ); a known city gets its country's code (geo.place_iso2).
  Abbreviations stay as written, a case ending dropped ("ВГИКе", "КрАЗа"), adjectives before one to the
  nominative ("Чернобыльской АЭС" -> "Чернобыльская АЭС").
- Context: a mention whose normal the words alone leave open (``needs_context``: "Диарра" a nominative or
  Диарр's genitive; an unknown place "Портапике") gets per-word case and gender hints from natasha's
  NewsMorphTagger on a few words around it (``ContextTagger``; only the first mention of each such form of an
  article: ~12% of the mentions of NEREL dev; CPU per article +8% on RT news, +5..16% on NEREL dev over
  entities-2, the machine being shared: ``bench/eval_names.py --throughput``). ``EntityExtractor(context=False)``
  leaves it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from newsfacts.extract.entity_rules import ADJECTIVE_FORM, NAME_FORM, merge
from newsfacts.extract.geo import country_iso2, country_name, place_iso2
from newsfacts.extract.morph import parses
from newsfacts.extract.names import (
    INITIAL,
    WORD,
    Hint,
    Hints,
    keep_as_written,
    normalize_person,
    normalize_phrase,
    person_words,
    squash,
    word_readings,
)
from newsfacts.extract.types import EntityMention

if TYPE_CHECKING:
    pass

VERSION = "entities-5"


@lru_cache(maxsize=100_000)
def _name_keys(word: str) -> frozenset[str]:
    """Every nominative the word could stand for, lowercase, ё as е."""
    if INITIAL.match(word):
        return frozenset()
    return frozenset(r[2].lower().replace("ё", "е") for r in word_readings(word)) | {
        word.lower().replace("ё", "е")
    }


@dataclass
class _Person:
    index: int
    normal: str
    verbatim: bool  # the text was already in the nominative
    first: str | None  # first word (name or initial), lowercase
    first_keys: frozenset[str]
    surname_keys: frozenset[str]
    full: bool  # first name + surname


def _person(index: int, text: str, normal: str) -> _Person:
    words = person_words(text)
    full = sum(1 for w in words if not INITIAL.match(w)) >= 2
    return _Person(
        index=index,
        normal=normal,
        verbatim=squash(text) == normal,
        first=words[0].lower() if len(words) > 1 else None,
        first_keys=_name_keys(words[0]) if len(words) > 1 else frozenset(),
        surname_keys=_name_keys(words[-1]) if words else frozenset(),
        full=full,
    )


def _same(short: _Person, full: _Person) -> bool:
    if not short.surname_keys & full.surname_keys:
        return False
    if short.first is None:
        return True
    if short.full:
        return bool(short.first_keys & full.first_keys)
    return (full.first or "")[:1] == short.first[:1]  # an initial


def _resolve_persons(people: list[_Person]) -> dict[int, str]:
    """Mention index -> canonical name: the fullest, most frequent name of the same person in the article."""
    fulls = [p for p in people if p.full]
    groups: list[list[_Person]] = []
    for p in fulls:
        for g in groups:
            if _same(p, g[0]):
                g.append(p)
                break
        else:
            groups.append([p])
    canon: list[tuple[_Person, str]] = []
    for g in groups:
        counts = Counter(p.normal for p in g)
        best = max(counts, key=lambda n: (sum(p.verbatim for p in g if p.normal == n), counts[n], len(n)))
        canon.append((g[0], best))
    out: dict[int, str] = {}
    for p in people:
        names = {name for rep, name in canon if _same(p, rep)}
        if len(names) == 1:
            out[p.index] = names.pop()
    return out


# ---------------------------------------------------------------- context: natasha's morphology tagger

_UD_CASE = {
    "Nom": "nomn",
    "Gen": "gent",
    "Par": "gent",
    "Dat": "datv",
    "Acc": "accs",
    "Ins": "ablt",
    "Loc": "loct",
}
_UD_GENDER = {"Masc": "masc", "Fem": "femn", "Neut": "neut"}
_LEFT, _RIGHT = 30, 20  # characters of context each side (a few words), cut at the sentence's end


def needs_context(kind: str, surface: str) -> bool:
    """Whether a mention's normal is in doubt without its sentence: a person whose words agree on more than one
    reading ("Кейта": Кейта or Кейт's genitive), an organisation or place with a word the dictionary does not
    know ("Портапике")."""
    if kind == "PER":
        return "\n" in normalize_person(surface, candidates=True)
    return any(
        not (keep_as_written(w) or INITIAL.match(w)) and not any(p.is_known for p in parses(w.split("-")[-1]))
        for w in WORD.findall(surface)
    )


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, max(0, start - _LEFT), start) for c in ".!?\n")
    left = left + 1 if left >= 0 else max(0, start - _LEFT)
    ends = [i for c in ".!?\n" if (i := text.find(c, end, end + _RIGHT)) >= 0]
    return left, (min(ends) + 1 if ends else min(len(text), end + _RIGHT))


def _receptive_radius(encoder: Any) -> int:
    """How many tokens each side a slovnet CNN encoder's output at one token depends on: the sum of its layers'
    half kernels (3 layers of kernel 3: 3)."""
    radius = 0
    for layer in encoder.layers:
        kernel = int(layer.conv.weight.shape[2])
        if kernel != 2 * int(layer.conv.padding) + 1:
            raise ValueError(
                f"a convolution of kernel {kernel} and padding {layer.conv.padding}: not centred"
            )
        radius += int(layer.conv.padding)
    return radius


class ContextTagger:
    """natasha's NewsMorphTagger on the few words around the mentions whose case is in doubt; ``hints`` gives
    each mention's per-word (case, gender) for ``mention_normal``."""

    def __init__(self, embedding: Any = None) -> None:
        from natasha import NewsEmbedding, NewsMorphTagger

        self._tagger = NewsMorphTagger(embedding or NewsEmbedding())
        self._tagger.batch_size = 64  # an article's windows in one pass: short, of like length
        self._reach = _receptive_radius(self._tagger.infer.model.encoder)

    def hints(self, text: str, spans: list[tuple[str, int, int]]) -> list[Hints]:
        """Per (kind, start, end) span of ``text``: its words' hints, () where the case is not in doubt.

        Only the first mention of each written form is tagged; the others of the article get its hints, so
        the same lemma ("Кейта" five times is one man, in whatever case the first sentence puts it): the cost
        grows with the distinct doubtful forms of an article, not with its mentions."""
        from razdel import tokenize

        out: list[Hints] = [() for _ in spans]
        first: dict[tuple[str, str], int] = {}
        for i, (kind, s, e) in enumerate(spans):
            first.setdefault((kind, text[s:e]), i)
        todo = [
            i
            for i, (kind, s, e) in enumerate(spans)
            if first[kind, text[s:e]] == i and needs_context(kind, text[s:e])
        ]
        windows = [_window(text, spans[i][1], spans[i][2]) for i in todo]
        tokens = [
            self._near(list(tokenize(text[a:b])), spans[i][1] - a, spans[i][2] - a)
            for i, (a, b) in zip(todo, windows, strict=True)
        ]
        markups = self._tagger.map([[t.text for t in toks] for toks in tokens]) if todo else []
        for i, (a, _b), toks, markup in zip(todo, windows, tokens, markups, strict=True):
            feats = {a + t.start: m.feats for t, m in zip(toks, markup.tokens, strict=True)}
            _kind, s, e = spans[i]
            got: list[Hint | None] = []
            for m in WORD.finditer(text[s:e]):
                f = feats.get(s + m.start())
                got.append(
                    (_UD_CASE.get(f.get("Case", "")), _UD_GENDER.get(f.get("Gender", ""))) if f else None
                )
            out[i] = tuple(got)
        return [out[first[kind, text[s:e]]] for kind, s, e in spans]

    def _near(self, tokens: list[Any], start: int, end: int) -> list[Any]:
        """The tokens of a window the tagger's answer for the mention (``start``-``end`` in the window) depends
        on: its own and ``_reach`` on each side. The tagger is a stack of convolutions (each position sees its
        neighbours, zeros past the sequence's ends and on padding, whose embedding is zero), so its features of
        the mention's tokens are those of the whole window: the same hints for ~30% fewer positions tagged."""
        inside = [k for k, t in enumerate(tokens) if t.start < end and start < t.stop]
        if not inside:
            return tokens
        return tokens[max(0, inside[0] - self._reach) : inside[-1] + self._reach + 1]


# ---------------------------------------------------------------- natasha's NER, decoded faster


def viterbi_decode(transitions: np.ndarray, emissions: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """slovnet's ``CRF.decode`` (the NER's best tag sequences) with the same float operations in the same order,
    so the same tags, in 5 numpy calls per token instead of ~12: each sequence alone (a padded position only
    holds its score there), into preallocated buffers. ``emissions`` (batch x tokens x tags), ``mask`` (batch x
    tokens, True on real tokens, a prefix of each row as slovnet's encoder pads). Most of natasha's CPU per
    article after the model itself: NEREL dev 40 articles, 4.4 -> 1.6 ms of 18 ms."""
    out: list[np.ndarray] = []
    tags_num = emissions.shape[2]
    add = np.add
    for row, keep in zip(emissions, mask, strict=True):
        n = int(keep.sum())
        history = np.empty((n, tags_num), dtype=np.intp)
        buf = np.empty((tags_num, tags_num), dtype=np.result_type(row, transitions))
        score = row[0]
        for t in range(1, n):
            add(score[:, None], transitions, out=buf)  # slovnet: score_ + transitions + emissions_
            add(buf, row[t], out=buf)
            buf.argmax(0, out=history[t])
            score = buf.max(0)  # the values at the argmax: slovnet's score_[batch, indexes, tags]
        best = score.argmax()
        tags = [best]
        for t in range(n - 1, 0, -1):
            best = history[t][best]
            tags.append(best)
        tags.reverse()
        out.append(np.array(tags))
    return out


def _fast_crf(ner: Any) -> None:
    """Make one NewsNERTagger's CRF decode with ``viterbi_decode`` (that instance only); slovnet's own where a
    mask is not a non-empty prefix (never from slovnet's encoder: kept for safety)."""
    crf = ner.infer.model.head.crf
    plain = crf.decode
    transitions = crf.transitions.array

    def decode(emissions: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        lengths = mask.sum(1)
        if not all(k and row[:k].all() for row, k in zip(mask, lengths, strict=True)):
            return list(plain(emissions, mask))
        return viterbi_decode(transitions, emissions, mask)

    crf.decode = decode


# ---------------------------------------------------------------- the extractor


class EntityExtractor:
    """natasha's NER spans with pymorphy3 normalisation; load once, call ``extract`` per article."""

    def __init__(self, context: bool = True, rules: bool = True) -> None:
        """``rules=False`` leaves natasha's spans alone (no gazetteer or rule recognisers: ``entity_rules``)."""
        from natasha import NewsEmbedding, NewsNERTagger

        embedding = NewsEmbedding()
        self._ner = NewsNERTagger(embedding)
        _fast_crf(self._ner)
        self._context = ContextTagger(embedding) if context else None
        self._rules = rules

    def extract(self, text: str) -> list[EntityMention]:
        """One EntityMention per NER span of ``text`` (exact offsets)."""
        if not text.strip():
            return []
        return self._mentions(text, self._ner(text).spans)

    def extract_many(self, texts: list[str]) -> list[list[EntityMention]]:
        """``extract`` for many articles, with the NER model run in batches."""
        out: list[list[EntityMention]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        for i, markup in zip(todo, self._ner.map([texts[i] for i in todo]), strict=True):
            out[i] = self._mentions(texts[i], markup.spans)
        return out

    def _mentions(self, text: str, spans: Iterable[Any]) -> list[EntityMention]:
        raw: list[tuple[str, int, int, str, str | None, str]] = []
        found_spans = [(str(span.type), int(span.start), int(span.stop)) for span in spans]
        merged = merge(text, found_spans) if self._rules else [(*span, None) for span in found_spans]
        todo = [(kind, start, end) for kind, start, end, rule in merged if rule is None]  # rules': no context
        found_hints = iter(self._context.hints(text, todo) if self._context else [() for _ in todo])
        for kind, start, end, rule in merged:
            if rule is not None and rule.normal is not None:
                raw.append((kind, start, end, rule.normal, rule.iso2, rule.form))
                continue
            hints = next(found_hints) if rule is None else ()
            raw.append((kind, start, end, *mention_normal(kind, text[start:end], hints)))
        people = [_person(i, text[r[1] : r[2]], r[3]) for i, r in enumerate(raw) if r[0] == "PER"]
        canonical = _resolve_persons(people)
        return [
            EntityMention(
                type=kind,
                text=text[start:end],
                start_char=start,
                end_char=end,
                normal=canonical.get(i, normal),
                country_iso2=iso2,
                form=form,
            )
            for i, (kind, start, end, normal, iso2, form) in enumerate(raw)
        ]


def mention_normal(kind: str, surface: str, hints: Hints = ()) -> tuple[str, str | None, str]:
    """One mention's canonical name, country code and form, before the article's persons are linked: a LOC
    that is only a country adjective ("казахстанский") is its country with form "adjective". ``hints``:
    ``ContextTagger.hints`` of the mention (or () without its sentence)."""
    if kind == "PER":
        return normalize_person(surface, hints), None, NAME_FORM
    normal = normalize_phrase(surface, hints)
    if kind != "LOC":
        return normal, None, NAME_FORM
    country = country_iso2(surface, ambiguous=True)
    form = ADJECTIVE_FORM if country and not _is_noun_phrase(surface) else NAME_FORM
    if country:
        normal = country_name(country) or normal
    return normal, country or place_iso2(surface), form


def _is_noun_phrase(surface: str) -> bool:
    words = WORD.findall(surface)
    if len(words) != 1 or (words[0].isupper() and len(words[0]) > 1):
        return True
    return any("NOUN" in p.tag for p in parses(words[0])[:1])
