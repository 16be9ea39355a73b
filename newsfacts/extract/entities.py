"""Named entities (PER / ORG / LOC) with canonical names and country codes.

natasha's NewsNERTagger finds the spans; the normalisation natasha does with ``MorphVocab`` (pymorphy2,
broken on Python 3.11) is re-implemented on pymorphy3 (``newsfacts.extract.morph``):

- PER: every word to the nominative, in the gender of the first name when there is one; then all mentions
  of one person in the article share the fullest name ("Ф.Шафиев", "Шафиева" -> "Фарид Шафиев").
- ORG / LOC: the words up to the first noun (the head) to the nominative, agreeing adjectives with it; the
  dependants after the head stay as written ("Центра анализа международных отношений" -> "Центр анализа
  международных отношений"). A LOC that is a country gets the country's canonical name and code
  ("Азербайджаном" -> "Азербайджан", AZ); a known city gets its country's code (geo.place_iso2).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsfacts.extract.geo import country_iso2, country_name, place_iso2
from newsfacts.extract.morph import inflect, parses
from newsfacts.extract.types import EntityMention

if TYPE_CHECKING:
    from pymorphy3.analyzer import Parse

VERSION = "entities-1"

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_INITIAL = re.compile(r"^[А-ЯЁA-Z][а-яёa-z]?$")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


def _match_case(new: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in new.split("-"))
    return new


def _inflect_word(word: str, parse: Parse, grammemes: frozenset[str]) -> str:
    form = inflect(parse, grammemes)
    return _match_case(form, word) if form else word


def _keep(word: str) -> bool:
    """Abbreviations, Latin words and single letters stay as written."""
    return (word.isupper() and len(word) > 1) or not re.search("[а-яё]", word.lower()) or len(word) < 2


# ---------------------------------------------------------------- persons

_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_CASE_OF = {"gen2": "gent", "acc2": "accs", "loc2": "loct", "voct": "nomn"}
_INDECLINABLE = (
    "оглу",
    "заде",
    "кызы",
    "уулу",
    "дзе",
    "швили",
    "енко",
    "ко",
    "ых",
    "их",
    "и",
    "ы",
    "э",
    "о",
    "ю",
    "е",
)
_ANY = "*"  # any case

# (ending, case, gender, replacement of the ending in the nominative); longest endings first
_SUFFIX_RULES: tuple[tuple[str, str, str, str], ...] = tuple(
    (end, case, gender, nom)
    for ends, readings in [
        (("ов", "ев", "ёв", "ин", "ын"), [("nomn", "masc", "")]),
        (
            ("ова", "ева", "ёва", "ина", "ына"),
            [("gent", "masc", "-1"), ("accs", "masc", "-1"), ("nomn", "femn", "")],
        ),
        (("ову", "еву", "ёву", "ину", "ыну"), [("datv", "masc", "-1"), ("accs", "femn", "-1а")]),
        (("овым", "евым", "ёвым", "иным", "ыным"), [("ablt", "masc", "-2")]),
        (("ове", "еве", "ёве", "ине", "ыне"), [("loct", "masc", "-1")]),
        (
            ("овой", "евой", "ёвой", "иной", "ыной"),
            [(c, "femn", "-2а") for c in ("gent", "datv", "ablt", "loct")],
        ),
        (("ович", "евич", "ич"), [("nomn", "masc", "")]),
        (("овича", "евича", "ича"), [("gent", "masc", "-1"), ("accs", "masc", "-1")]),
        (("овичу", "евичу", "ичу"), [("datv", "masc", "-1")]),
        (("овичем", "евичем", "ичем"), [("ablt", "masc", "-2")]),
        (("овна", "евна", "ична"), [("nomn", "femn", "")]),
        (("овны", "евны", "ичны"), [("gent", "femn", "-1а")]),
        (("ян", "янц"), [("nomn", "masc", ""), (_ANY, "femn", "")]),
        (("яна", "янца"), [("gent", "masc", "-1"), ("accs", "masc", "-1")]),
        (("яну", "янцу"), [("datv", "masc", "-1")]),
        (("яном", "янцем"), [("ablt", "masc", "-2")]),
        (("яне", "янце"), [("loct", "masc", "-1")]),
    ]
    for end in ends
    for case, gender, nom in readings
)

_Reading = tuple[str, str, str]  # case, gender, nominative form


def _apply(word: str, end: str, nom: str) -> str:
    if not nom:
        return word
    cut = int(nom[:2]) if nom[:2] in ("-1", "-2") else 0
    return word[:cut] + nom[2:]


@lru_cache(maxsize=100_000)
def _readings(word: str) -> tuple[_Reading, ...]:
    """(case, gender, nominative) readings of one name word, from the dictionary and from endings."""
    parts = word.split("-")
    if len(parts) > 1:  # "Касым-Жомарта": only the last part declines
        return tuple((c, g, "-".join([*parts[:-1], n])) for c, g, n in _readings(parts[-1]))
    out: list[_Reading] = []
    for p in parses(word):
        if p.is_known and _NAME_TAGS & set(p.tag.grammemes) and p.tag.number == "sing" and p.tag.case:
            nom = inflect(p, frozenset({"nomn", "sing"}))
            if nom:
                out.append((_CASE_OF.get(str(p.tag.case), str(p.tag.case)), str(p.tag.gender), nom))
    low = word.lower()
    rules = [r for r in _SUFFIX_RULES if low.endswith(r[0])]
    if rules:
        longest = max(len(r[0]) for r in rules)
        out += [(c, g, _apply(low, e, n)) for e, c, g, n in rules if len(e) == longest]
    elif not out and (low.endswith(_INDECLINABLE) or not re.search("[а-яё]", low)):
        out += [(_ANY, "masc", low), (_ANY, "femn", low)]
    elif not out:  # an unknown foreign name: generic noun endings
        if low.endswith(("ом", "ем")):
            stem = low[:-2] + ("ь" if low.endswith("ем") else "")
            out += [("ablt", "masc", stem), ("nomn", "masc", low), (_ANY, "femn", low)]
        elif low[-1] in "бвгджзклмнпрстфхцчшщй" or low.endswith("ь"):
            out += [("nomn", "masc", low), (_ANY, "femn", low)]
        elif low.endswith("а"):
            out += [("nomn", "femn", low), ("gent", "masc", low[:-1]), ("accs", "masc", low[:-1])]
        elif low.endswith("я"):
            out += [("nomn", "femn", low), ("gent", "masc", low[:-1] + "ь"), ("accs", "masc", low[:-1] + "ь")]
        elif low.endswith(("у", "ю")):
            out += [("datv", "masc", low[:-1] + ("ь" if low.endswith("ю") else ""))]
        else:
            out += [(_ANY, "masc", low), (_ANY, "femn", low)]
    return tuple(out) or ((_ANY, "masc", low), (_ANY, "femn", low))


def _fits(reading: _Reading, case: str, gender: str) -> bool:
    return reading[0] in (case, _ANY) and reading[1] in (gender, "None")


def _person_words(text: str) -> list[str]:
    return [m.group() for m in _WORD.finditer(text)]


@lru_cache(maxsize=100_000)
def normalize_person(text: str) -> str:
    """Nominative form of a person name span ("Касым-Жомарта Токаева" -> "Касым-Жомарт Токаев").

    The case and gender that most words of the span agree on win; ties go to the masculine, then to the
    nominative ("Касым-Жомарта Токаева" is far likelier a genitive than a woman's name in the news).
    """
    words = [w for w in _person_words(text) if not _INITIAL.match(w) and not _keep(w)]
    if not words:
        return _squash(text)
    readings = {w: _readings(w) for w in words}

    def score(key: tuple[str, str]) -> tuple[int, int, int]:
        case, gender = key
        n = sum(any(_fits(r, case, gender) for r in readings[w]) for w in words)
        return n, int(gender == "masc"), int(case == "nomn")

    case, gender = max(((c, g) for c in _CASES for g in ("masc", "femn")), key=score)

    def fix(word: str) -> str:
        if word not in readings:
            return word
        for r in readings[word]:
            if _fits(r, case, gender):
                return _match_case(r[2], word)
        return word

    return _rebuild(text, fix)


# ---------------------------------------------------------------- organisations and places


def _agrees(adj: Parse, head: Parse) -> bool:
    if adj.tag.case != head.tag.case or adj.tag.number != head.tag.number:
        return False
    if head.tag.number == "plur" or head.tag.gender is None or adj.tag.gender is None:
        return True
    return str(adj.tag.gender) == str(head.tag.gender)


@lru_cache(maxsize=100_000)
def normalize_phrase(text: str) -> str:
    """Nominative form of an ORG/LOC span: words up to the head noun inflected, dependants kept."""
    matches = list(_WORD.finditer(text))
    if not matches or text.lstrip()[:1] in "\"«'":
        return _squash(text)
    words = [m.group() for m in matches]
    head_i = None
    for i, word in enumerate(words):
        if _keep(word):
            break
        tags = [set(p.tag.grammemes) for p in parses(word)]
        if any("NOUN" in t for t in tags) and not any({"ADJF", "PRTF"} & t for t in tags):
            head_i = i
            break
    if head_i is None:
        return _squash(text)
    adjs = words[:head_i]
    if any(_keep(a) for a in adjs):
        return _squash(text)
    head_parses = [p for p in parses(words[head_i]) if "NOUN" in p.tag]
    chosen: tuple[Parse, list[Parse]] | None = None
    for head in head_parses:
        adj_parses: list[Parse] = []
        for a in adjs:
            ok = [
                p for p in parses(a) if ({"ADJF", "PRTF", "NUMR"} & set(p.tag.grammemes)) and _agrees(p, head)
            ]
            if not ok:
                break
            adj_parses.append(ok[0])
        else:
            chosen = (head, adj_parses)
            break
    if chosen is None:
        return _squash(text)
    head, adj_parses = chosen
    if head.tag.case == "nomn":
        return _squash(text)
    number = str(head.tag.number or "sing")
    new_words = list(words)
    new_words[head_i] = _inflect_word(words[head_i], head, frozenset({"nomn", number}))
    for i, p in enumerate(adj_parses):
        agree = {"nomn", number} | ({str(head.tag.gender)} if number == "sing" and head.tag.gender else set())
        if "inan" in head.tag or "anim" in head.tag:
            agree.add("inan" if "inan" in head.tag else "anim")
        new_words[i] = _inflect_word(words[i], p, frozenset(agree - {"inan", "anim"}))
    replacements = iter(new_words[: head_i + 1])
    out: list[str] = []
    last = 0
    for i, m in enumerate(matches):
        out.append(text[last : m.start()])
        out.append(next(replacements) if i <= head_i else m.group())
        last = m.end()
    out.append(text[last:])
    return _squash("".join(out))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _rebuild(text: str, fn: Any) -> str:
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        out.append(text[last : m.start()])
        out.append(fn(m.group()))
        last = m.end()
    out.append(text[last:])
    return _squash("".join(out))


# ---------------------------------------------------------------- coreference of persons in one article


@lru_cache(maxsize=100_000)
def _name_keys(word: str) -> frozenset[str]:
    """Every nominative the word could stand for, lowercase, ё as е."""
    if _INITIAL.match(word):
        return frozenset()
    return frozenset(r[2].lower().replace("ё", "е") for r in _readings(word)) | {
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
    words = _person_words(text)
    full = sum(1 for w in words if not _INITIAL.match(w)) >= 2
    return _Person(
        index=index,
        normal=normal,
        verbatim=_squash(text) == normal,
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


# ---------------------------------------------------------------- the extractor


class EntityExtractor:
    """natasha's NER spans with pymorphy3 normalisation; load once, call ``extract`` per article."""

    def __init__(self) -> None:
        from natasha import NewsEmbedding, NewsNERTagger

        self._ner = NewsNERTagger(NewsEmbedding())

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
        raw: list[tuple[str, int, int, str, str | None]] = []
        for span in spans:
            start, end, kind = int(span.start), int(span.stop), str(span.type)
            surface = text[start:end]
            if kind == "PER":
                raw.append((kind, start, end, normalize_person(surface), None))
                continue
            iso2 = None
            normal = normalize_phrase(surface)
            if kind == "LOC":
                country = country_iso2(surface, ambiguous=True)
                if country and not _is_noun_phrase(surface):
                    continue  # an adjective alone ("казахстанский") is not a place
                if country:
                    normal = country_name(country) or normal
                iso2 = country or place_iso2(surface)
            raw.append((kind, start, end, normal, iso2))
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
            )
            for i, (kind, start, end, normal, iso2) in enumerate(raw)
        ]


def _is_noun_phrase(surface: str) -> bool:
    words = _WORD.findall(surface)
    if len(words) != 1 or (words[0].isupper() and len(words[0]) > 1):
        return True
    return any("NOUN" in p.tag for p in parses(words[0])[:1])
