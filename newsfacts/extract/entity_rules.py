"""Gazetteer and rule recognisers of organisations and places that natasha's NER misses, and their merge
with natasha's spans (``merge``).

- Places (LOC): every country name, abbreviation and adjective and every known city of ``geo.find_places``
  in any case, and the adjectives of cities (``data/city_adjectives_ru.yaml``: "московского" -> Москва). An
  adjective is a mention of its country or city with ``form = "adjective"`` ("казахстанский" -> Казахстан,
  KZ), so analysts can count it or leave it out. A place inside an organisation's name is a mention of its
  own ("МИД России": ORG, and "России" LOC), as in NEREL; a quoted name that is only a place («Астана», the
  club) is not a place.
- Organisations (ORG), from ``data/organisations_ru.yaml`` and the national companies of
  ``data/parties_ru.yaml``: acronyms with the country that follows them ("МИД РК", "ЦАМО"), names of
  parliaments and bodies in any case ("Милли Меджлиса"), state bodies written as common nouns with their
  agreeing adjectives and genitive dependants ("Итальянская прокуратура", "министерство обороны Мали"),
  bodies that need a name after them ("власти Перу"), and quoted names after an organisation word
  ("компании «Газпром»" -> «Газпром»; "ООО «Ромашка»" keeps its legal form).
- Merge: natasha's spans win; a rule's span is added where it overlaps no natasha span, a place also inside
  an organisation's span; natasha's spans of ``not_entities`` ("СМИ") are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsfacts.extract.data import load_yaml
from newsfacts.extract.geo import ADJ, CITY, PREFIX, city_iso2, country_iso2, find_places
from newsfacts.extract.morph import lemma, lemmas, parses

NAME_FORM, ADJECTIVE_FORM = "name", "adjective"

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_QUOTED = re.compile(r"[«„“\"]([^«»„“”\"\n]{1,80}?)[»“”\"]")
_GAP = re.compile(r"[ \u00a0]")  # one space between the words of a rule's phrase
_ENDING = "(?:а|у|ом|е|ы|ов|ам|ами|ах)?"  # a Russian case ending after an acronym ("МИДа", "ЦИКом")
_STEM_END = re.compile(r"[аяоеёыиуюйь]+$")
_MAX_DEPENDANTS = 4


@dataclass(frozen=True)
class Candidate:
    """A span a rule found: its type, offsets, form, and the canonical name and country the rule knows."""

    type: str
    start: int
    end: int
    form: str = NAME_FORM
    normal: str | None = None  # None: normalised from the text like natasha's spans
    iso2: str | None = None


@dataclass(frozen=True)
class _Rules:
    acronyms: re.Pattern[str]
    names: re.Pattern[str]  # one group n<i> per name of ``name_list``
    name_list: tuple[str, ...]  # the names in the nominative, as the data file writes them
    parties: re.Pattern[str]
    bodies: frozenset[str]
    bodies_of: frozenset[str]
    quote_types: frozenset[str]
    legal_forms: frozenset[str]
    not_entities: frozenset[str]
    adjectives: dict[str, tuple[str, str | None]]  # adjective lemma of a city or region -> its name, iso2
    regions: dict[
        str, tuple[tuple[tuple[str, ...], str], ...]
    ]  # first lemma -> (lemmas, name), longest first
    starts: frozenset[
        str
    ]  # first four letters of the bodies and city adjectives: the words worth lemmatising


def _name_pattern(name: str) -> str:
    """A name in any case: each word's ending may change ("Милли Меджлиса", "Верховной Раде")."""
    words = []
    for w in name.split():
        stem = _STEM_END.sub("", w) if len(w) >= 4 else w
        words.append(re.escape(stem) + r"[а-яё]{0,3}")
    return r"[ \u00a0]+".join(words)


def _first_letters(starts: list[str]) -> str:
    """A lookahead for the letters the alternatives of a regex begin with (``starts``: their literal
    beginnings): the regex then tries its ~100 alternatives only where one can match (matches unchanged; the
    names regex 7x faster). Empty when a beginning is."""
    if not starts or not all(starts):
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted({s[0] for s in starts})) + "])"


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = load_yaml("organisations_ru.yaml")
    cities = load_yaml("cities_ru.yaml")
    city_adj = load_yaml("city_adjectives_ru.yaml")
    not_orgs = {c.lower().replace("ё", "е") for names in cities.values() for c in names}
    not_orgs |= {c.lower().replace("ё", "е") for c in city_adj} | {c.lower() for c in data["capitals"]}
    parties = [
        p
        for country, patterns in load_yaml("parties_ru.yaml")["parties"].items()
        for p in patterns
        if not any(re.fullmatch(p, word) for word in not_orgs)
    ]
    acronyms = sorted({str(a) for a in data["acronyms"]}, key=len, reverse=True)
    names = sorted({str(n) for n in data["names"]}, key=len, reverse=True)
    quote_types = {str(q) for q in data["quote_types"]}
    adjectives = {a: (city, city_iso2(city)) for city, adjs in city_adj.items() for a in adjs}
    regions: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for region, adjs in load_yaml("regions_ru.yaml").items():
        adjectives.update({a: (region, None) for a in adjs})
        key = tuple(lemma(w) for w in region.split())
        regions.setdefault(key[0], []).append((key, region))
    return _Rules(
        acronyms=re.compile(
            _first_letters(acronyms)
            + r"(?<![\w-])(?:"
            + "|".join(map(re.escape, acronyms))
            + ")"
            + _ENDING
            + r"(?![\w-])"
        ),
        names=re.compile(
            _first_letters(
                [_STEM_END.sub("", w) if len(w) >= 4 else w for w in (n.split()[0] for n in names)]
            )
            + r"(?<![\w-])(?:"
            + "|".join(f"(?P<n{i}>{_name_pattern(n)})" for i, n in enumerate(names))
            + r")(?![\w-])"
        ),
        name_list=tuple(names),
        parties=re.compile(r"(?<![\w-])(?:" + "|".join(parties) + r")(?![\w-])"),
        bodies=frozenset(data["bodies"]),
        bodies_of=frozenset(data["bodies_of"]),
        quote_types=frozenset(q.lower() for q in quote_types),
        legal_forms=frozenset(q for q in quote_types if q.isupper() or q[:1].isupper()),
        not_entities=frozenset(data["not_entities"]),
        adjectives=adjectives,
        regions={k: tuple(sorted(v, key=lambda r: -len(r[0]))) for k, v in regions.items()},
        starts=frozenset(w[:4] for w in [*data["bodies"], *data["bodies_of"], *adjectives, *regions]),
    )


@lru_cache(maxsize=100_000)
def _worth(word: str) -> bool:
    """Whether a word could be a body or a city adjective (its first letters rarely change with its case);
    cached: it is asked of every word of an article, twice."""
    low = word[:4].lower()
    starts = _rules().starts
    return low in starts or low[:3] in starts or low[:2] in starts


def not_an_entity(text: str) -> bool:
    """What natasha tags but is no organisation or place ("СМИ", "Интернет")."""
    return text in _rules().not_entities


# ---------------------------------------------------------------- places


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(' «"(')
    return not before or before[-1] in ".!?\n"


def _common_word(word: str) -> bool:
    """A word whose likeliest reading is a common noun ("Семья", not the city Семей)."""
    found = parses(word)
    return bool(found) and "NOUN" in found[0].tag and "Geox" not in found[0].tag


def find_place_candidates(text: str, quoted: list[tuple[int, int]]) -> list[Candidate]:
    """Countries, cities, regions and their adjectives in ``text``; ``quoted``: the inner spans of its
    quotes (a quoted name that is only a place is something else's name: «Астана», the club)."""
    whole_quotes = set(quoted)
    out: list[Candidate] = []
    for s, e, iso2, kind in find_places(text):
        if (s, e) in whole_quotes:
            continue
        if kind == CITY and _sentence_start(text, s) and _common_word(text[s:e]):
            continue
        form = ADJECTIVE_FORM if kind in (ADJ, PREFIX) else NAME_FORM
        out.append(Candidate("LOC", s, e, form, None, iso2 if kind != CITY else None))
    rules = _rules()
    taken = [(c.start, c.end) for c in out]
    words = _words(text)
    for i, m in enumerate(words):
        word = m.group()
        if not _worth(word) or _overlaps(m.start(), m.end(), taken):
            continue
        lems = lemmas(word.lower())
        region = _region_at(text, words, i, lems) if word[:1].isupper() else None
        if region is not None:
            end, name = region
            if (m.start(), end) not in whole_quotes:
                out.append(Candidate("LOC", m.start(), end, NAME_FORM, None, None))
                taken.append((m.start(), end))
            continue
        if word[:1].isupper() and not _sentence_start(text, m.start()):
            continue  # a capitalised adjective inside a sentence begins a name ("Московский университет")
        hits = [rules.adjectives[lem] for lem in lems if lem in rules.adjectives]
        if hits and (m.start(), m.end()) not in whole_quotes:
            out.append(Candidate("LOC", m.start(), m.end(), ADJECTIVE_FORM, *hits[0]))
    return out


def _region_at(text: str, words: list[re.Match[str]], i: int, lems: frozenset[str]) -> tuple[int, str] | None:
    """(end, name) of the region whose name begins at ``words[i]``."""
    for lem in lems:
        for key, name in _rules().regions.get(lem, ()):
            n = len(key)
            if i + n <= len(words) and all(
                key[k] in lemmas(words[i + k].group().lower())
                and _next_to(text, words[i + k - 1], words[i + k])
                for k in range(1, n)
            ):
                return words[i + n - 1].end(), name
    return None


# ---------------------------------------------------------------- organisations


def _is_genitive(word: str) -> bool:
    if word.isupper() and len(word) > 1:
        return True  # an abbreviation: "Министерство энергетики РК"
    found = parses(word)
    if len(word) < 2 or not found or {"PREP", "CONJ", "PRCL", "NPRO"} & found[0].tag.grammemes:
        return False
    return any("gent" in p.tag and ("NOUN" in p.tag or "ADJF" in p.tag) for p in found[:3])


def _is_noun(word: str) -> bool:
    return (word.isupper() and len(word) > 1) or any("NOUN" in p.tag for p in parses(word)[:2])


def _is_adjective(word: str) -> bool:
    return any("ADJF" in p.tag for p in parses(word)[:1])


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _next_to(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    return bool(_GAP.fullmatch(text[left.end() : right.start()]))


def _body_span(text: str, words: list[re.Match[str]], i: int, needs_name: bool) -> tuple[int, int] | None:
    """The span of a state body whose head word is ``words[i]``: capitalised or place adjectives before it,
    genitive words after it (ending on a noun); None for a body of ``bodies_of`` with no name after it."""
    start = i
    while start > 0 and i - start < 2 and _next_to(text, words[start - 1], words[start]):
        prev = words[start - 1].group()
        place_adj = country_iso2(prev) is not None or any(
            lem in _rules().adjectives for lem in lemmas(prev.lower())
        )
        if not (_is_adjective(prev) and (prev[:1].isupper() or place_adj)):
            break
        start -= 1
    end = i
    k = i + 1
    while k < len(words) and k - i <= _MAX_DEPENDANTS and _next_to(text, words[k - 1], words[k]):
        if not _is_genitive(words[k].group()):
            break
        if _is_noun(words[k].group()):
            end = k
        k += 1
    if needs_name and not any(w.group()[:1].isupper() for w in words[i + 1 : end + 1]):
        return None
    return words[start].start(), words[end].end()


def find_org_candidates(text: str, quoted: list[tuple[int, int]]) -> list[Candidate]:
    """Organisations of the rules in ``text`` (longest first where they overlap)."""
    rules = _rules()
    found: list[tuple[int, int]] = []
    for m in rules.acronyms.finditer(text):
        end = m.end()
        nxt = _WORD.match(text, end + 1) if text[end : end + 1] in (" ", "\u00a0") else None
        if nxt and nxt.group()[:1].isupper() and country_iso2(nxt.group(), ambiguous=True):
            end = nxt.end()  # "МИД РК", "МВД России"
        found.append((m.start(), end))
    normals: dict[tuple[int, int], str] = {}
    for m in rules.names.finditer(text):
        found.append(m.span())
        normals[m.span()] = rules.name_list[
            int((m.lastgroup or "n0")[1:])
        ]  # "Милли Меджлиса" -> Милли Меджлис
    folded = text.replace("ё", "е").replace("Ё", "Е")
    lowered = folded.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ") stays as written
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    found += [m.span() for m in rules.parties.finditer(lowered) if not folded[m.start()].islower()]
    named = len(found)  # names come first; the bodies and quoted names below only where no name is
    words = _words(text)
    for i, m in enumerate(words):
        if not _worth(m.group()):
            continue
        lems = lemmas(m.group().lower())
        needs_name = not lems & rules.bodies
        if needs_name and not lems & rules.bodies_of:
            continue
        span = _body_span(text, words, i, needs_name)
        if span:
            found.append(span)
    for s, e in quoted:
        if not (text[s].isupper() or text[s].isdigit()):
            continue
        before = list(_WORD.finditer(text, max(0, s - 40), s - 1))
        if not before or text[before[-1].end() : s - 1].strip():
            continue
        word = before[-1].group()
        if word in rules.legal_forms:
            found.append((before[-1].start(), e + 1))  # "ООО «Ромашка»"
        elif lemmas(word.lower()) & rules.quote_types or word.lower() in rules.quote_types:
            found.append((s, e))
    out: list[Candidate] = []
    tiers = {span: 0 for span in found[:named]}
    for s, e in sorted(set(found), key=lambda p: (tiers.get(p, 1), p[0] - p[1], p[0])):
        if not _overlaps(s, e, [(c.start, c.end) for c in out]):
            out.append(Candidate("ORG", s, e, NAME_FORM, normals.get((s, e))))
    return out


# ---------------------------------------------------------------- merge


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The inner spans of the quotes of ``text``."""
    return [m.span(1) for m in _QUOTED.finditer(text)]


def merge(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int, Candidate | None]]:
    """natasha's (type, start, end) spans with the rules' candidates added where they do not collide, in text
    order: (type, start, end, the candidate, or None for natasha's)."""
    quoted = quoted_spans(text)
    all_orgs = find_org_candidates(text, quoted)
    names = {(c.start, c.end) for c in all_orgs}
    kept = [  # a place natasha found that is an organisation's name ("ЕС", "Евросоюза") is that organisation
        ("ORG" if t == "LOC" and (s, e) in names else t, s, e)
        for t, s, e in spans
        if not not_an_entity(text[s:e])
    ]
    orgs = [
        c
        for c in all_orgs
        if not any(
            c.start < e and s < c.end and not (t == "LOC" and c.start <= s and e <= c.end) for t, s, e in kept
        )
    ]
    outer = [(s, e) for t, s, e in kept if t == "ORG"] + [(c.start, c.end) for c in orgs]
    places = [
        c
        for c in find_place_candidates(text, quoted)
        if not any(
            c.start < e and s < c.end and not (t == "ORG" and (s, e) != (c.start, c.end)) for t, s, e in kept
        )
        and (c.start, c.end) not in outer
    ]
    by_span = {
        (c.start, c.end): c for c in all_orgs if c.normal
    }  # natasha's span of a listed name: its normal
    out: list[tuple[str, int, int, Candidate | None]] = [
        (t, s, e, by_span.get((s, e)) if t == "ORG" else None) for t, s, e in kept
    ]
    out += [(c.type, c.start, c.end, c) for c in orgs + places]
    return sorted(out, key=lambda r: (r[1], -r[2]))
