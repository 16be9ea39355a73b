"""Canonical names of organisations and places: the words up to the first noun (the head) to the nominative,
agreeing adjectives with it; the dependants after the head stay as written. An unknown compound whose tail is a
known noun declines as that noun ("Мосгоризбиркому" -> "Мосгоризбирком"). Abbreviations stay as written, a case
ending dropped ("ВГИКе", "КрАЗа"), adjectives before one to the nominative ("Чернобыльской АЭС" ->
"Чернобыльская АЭС"). A hyphenated head declines its last part as a foreign place's masculine element
(``data/names_place_parts_ru.txt``: "Оксон-Хилле" -> "Оксон-Хилл"), or both parts when both are nouns in one case
("Братьев-мусульман" -> "Братья-мусульмане"). Persons: :mod:`newsfacts.extract.names`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from newsfacts.extract.data import load_lines
from newsfacts.extract.geo import country_iso2, place_iso2
from newsfacts.extract.morph import CASE_OF, WORD, Hints, inflect_word, keep_as_written, parses, squash

if TYPE_CHECKING:
    from pymorphy3.analyzer import Parse


def _agrees(adj: Parse, head: Parse) -> bool:
    if adj.tag.case != head.tag.case or adj.tag.number != head.tag.number:
        return False
    if head.tag.number == "plur" or head.tag.gender is None or adj.tag.gender is None:
        return True
    return str(adj.tag.gender) == str(head.tag.gender)


@lru_cache(maxsize=100_000)
def normalize_phrase(text: str, hints: Hints = ()) -> str:
    """Nominative form of an ORG/LOC span: words up to the head noun inflected, dependants kept.

    A head the dictionary does not know ("Портапике", "Металлоинвеста") is read in the case natasha's tagger
    gave it in its sentence (``hints``), when there is one; without, it is taken as written."""
    matches = list(WORD.finditer(text))
    if not matches or text.lstrip()[:1] in "\"«'":
        return squash(text)
    words = [m.group() for m in matches]
    abbr = _ABBR_CASE.match(words[0])
    if len(words) == 1 and abbr:  # an abbreviation with a case ending: "ВГИКе", "МИДа" -> ВГИК, МИД
        return squash(text.replace(words[0], abbr.group(1), 1))
    hyphenated = _hyphenated_head(words[0])
    if hyphenated:  # "Братьев-мусульман", "Дома-музея Чехова", "Оксон-Хилле": dependants after it kept
        return _replace_words(text, matches, [hyphenated])
    head_i = None
    for i, word in enumerate(words):
        if i and word.lower() in _CONJ:  # "Западноафриканского экономического и валютного союза"
            continue
        if keep_as_written(word):
            # adjectives before an abbreviation: "Королевских ВВС", "Чернобыльской АЭС"
            if i and _is_abbr(word):
                return _before_abbreviation(text, matches, i)
            break
        if i + 1 < len(words) and _adjective_surname(word):  # "Никитинского суда": an adjective here
            continue
        # pymorphy3's guess of an unknown word as an indeclinable adjective ("Портапике") is no adjective; an
        # unknown compound whose tail is a known noun is that noun ("Мосгоризбиркому": избирком)
        tags = [set(p.tag.grammemes) for p in _head_parses(word)]
        if any("NOUN" in t for t in tags) and not any({"ADJF", "PRTF"} & t for t in tags):
            head_i = i
            break
    if head_i is None:
        return squash(text)
    adj_at = [
        i for i, w in enumerate(words[:head_i]) if w.lower() not in _CONJ
    ]  # "экономического и валютного"
    adjs = [words[i] for i in adj_at]
    if any(keep_as_written(a) for a in adjs):
        return squash(text)
    # a head that can be a nominative singular is taken as one ("Даунинг-стрит", "Спитфайр" stay as written);
    # an unknown one in the case the tagger gave it
    hint = hints[head_i] if len(hints) == len(words) else None
    guessed = not any(p.is_known for p in parses(words[head_i]))
    hint_case = hint[0] if hint and guessed else None
    if hint_case == "nomn":
        return squash(text)
    head_parses = sorted(
        (p for p in _head_parses(words[head_i], guessed_fixd=True) if "NOUN" in p.tag),
        key=lambda p: (
            hint_case is not None and CASE_OF.get(str(p.tag.case), str(p.tag.case)) != hint_case,
            hint_case is not None and "Name" in p.tag,
            (p.tag.case, p.tag.number) != ("nomn", "sing"),
            # a place the gazetteer knows, then a place name of the dictionary, before a person's name
            place_iso2(p.normal_form) is None and country_iso2(p.normal_form) is None,
            not (p.is_known and "Geox" in p.tag),
            bool({"Name", "ms-f"} & set(p.tag.grammemes)),
        ),
    )
    chosen: tuple[Parse, list[Parse]] | None = None
    for head in head_parses:
        adj_parses: list[Parse] = []
        for a in adjs:
            surname = _adjective_surname(a)
            ok = [
                p
                for p in parses(a)
                if ({"ADJF", "PRTF", "NUMR"} & set(p.tag.grammemes) or (surname and "Surn" in p.tag))
                and _agrees(p, head)
            ]
            if not ok:
                break
            adj_parses.append(ok[0])
        else:
            chosen = (head, adj_parses)
            break
    if chosen is None:
        return squash(text)
    head, adj_parses = chosen
    if head.tag.case == "nomn" or (
        not head.is_known and hint_case is None and re.search(r"[бвгджзклмнпрстфхцчшщь]$", words[head_i])
    ):
        return squash(text)  # already a nominative; or a word the dictionary guesses at that ends as one does
    number = str(head.tag.number or "sing")
    new_words = list(words)
    new_words[head_i] = inflect_word(words[head_i], head, frozenset({"nomn", number}))
    for i, p in zip(adj_at, adj_parses, strict=True):
        agree = {"nomn", number} | ({str(head.tag.gender)} if number == "sing" and head.tag.gender else set())
        if "inan" in head.tag or "anim" in head.tag:
            agree.add("inan" if "inan" in head.tag else "anim")
        new_words[i] = inflect_word(words[i], p, frozenset(agree - {"inan", "anim"}))
    return _replace_words(text, matches, new_words[: head_i + 1])


@lru_cache(maxsize=1)
def _place_parts() -> frozenset[str]:
    return frozenset(load_lines("names_place_parts_ru.txt"))


_PLACE_PART = re.compile(r"(.+?)(а|у|е|ом)")


def _hyphenated_head(word: str) -> str | None:
    """The nominative of a two-part hyphenated head in an oblique case, or None: a last part of foreign places
    (``data/names_place_parts_ru.txt``: "Оксон-Хилле" -> Оксон-Хилл) declines alone as that masculine noun; two
    nouns of the dictionary in one oblique case and number both decline ("Братьев-мусульман" ->
    Братья-мусульмане, "Дома-музея" -> Дом-музей)."""
    parts = word.split("-")
    if len(parts) != 2 or not all(parts):
        return None
    element = _PLACE_PART.fullmatch(parts[1].lower())
    if element and element.group(1) in _place_parts():
        return f"{parts[0]}-{parts[1][: len(element.group(1))]}"
    readings = [
        {
            (CASE_OF.get(str(p.tag.case), str(p.tag.case)), str(p.tag.number)): p
            for p in reversed(parses(part))
            if p.is_known
            and "NOUN" in p.tag
            and not {"Fixd", "Name", "Surn", "Patr"} & set(p.tag.grammemes)  # "Альфа-Банка": no Альф
            and p.tag.case
            and p.tag.number
        }
        for part in parts
    ]
    shared = [k for k in readings[1] if k in readings[0] and k[0] != "nomn"]
    if not shared:
        return None
    case_number = max(shared, key=lambda k: readings[1][k].score)
    grammemes = frozenset({"nomn", case_number[1]})
    return "-".join(
        inflect_word(part, r[case_number], grammemes) for part, r in zip(parts, readings, strict=True)
    )


def _head_parses(word: str, guessed_fixd: bool = False) -> list[Parse]:
    """The parses of a word of an organisation or place: pymorphy3's, less its guesses of an unknown word as
    an indeclinable adjective; for an unknown compound whose longest known tail is only a noun, the guesses
    that end in that noun ("Мосгоризбиркому" -> мосгоризбирком, not an adjective мосгоризбиркий).
    ``guessed_fixd``: keep the guesses of an unknown word as indeclinable (the head's readings)."""
    found = parses(word)
    if any(p.is_known for p in found):
        return [p for p in found if p.is_known or "Fixd" not in p.tag]
    low = word.lower()
    for start in range(1, len(low) - 5):  # tails of six letters and more: shorter ones are chance words
        tail = [p for p in parses(low[start:]) if p.is_known]
        if tail:
            nouns = {p.normal_form for p in tail}
            if all("NOUN" in p.tag for p in tail):
                same = [p for p in found if "NOUN" in p.tag and p.normal_form.endswith(tuple(nouns))]
                if same:
                    return same
            break
    return list(found) if guessed_fixd else [p for p in found if "Fixd" not in p.tag]


_ADJ_ENDING = re.compile(r"(?:ск|цк)(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими)$")


def _adjective_surname(word: str) -> bool:
    """A word the dictionary knows only as a surname in -ский before another word of an organisation or place
    ("Никитинского суда", "Мариинского театра"): an adjective there."""
    nouns = [p for p in parses(word) if "NOUN" in p.tag]
    return bool(_ADJ_ENDING.search(word.lower())) and bool(nouns) and all("Surn" in p.tag for p in nouns)


def _replace_words(text: str, matches: list[re.Match[str]], new_words: list[str]) -> str:
    """``text`` with its first ``len(new_words)`` words replaced."""
    out: list[str] = []
    last = 0
    for i, m in enumerate(matches):
        out.append(text[last : m.start()])
        out.append(new_words[i] if i < len(new_words) else m.group())
        last = m.end()
    out.append(text[last:])
    return squash("".join(out))


# an abbreviation with a case ending: its stem in capitals, or mixed case ending in one ("ВГИКе", "КрАЗа")
_ABBR_CASE = re.compile(r"^([А-ЯЁ][А-ЯЁа-яё]*[А-ЯЁ])(?:а|у|ом|е|ой|ы|и)$")
_CONJ = frozenset({"и", "или"})


def _is_abbr(word: str) -> bool:
    return word.isupper() and len(word) > 1


def _before_abbreviation(text: str, matches: list[re.Match[str]], abbr_i: int) -> str:
    """The adjectives before an abbreviation to the nominative, in the number and gender of the first one that
    is not a nominative: the abbreviation's own ("Королевских ВВС" -> Королевские ВВС)."""
    words = [m.group() for m in matches[:abbr_i]]
    chosen: list[Parse] = []
    for w in words:
        if w.lower() in _CONJ:
            chosen.append(parses(w)[0])
            continue
        adj = [p for p in parses(w) if "ADJF" in p.tag and p.tag.case != "nomn"]
        if chosen:
            first = next(c for c in chosen if "ADJF" in c.tag)
            adj = [p for p in adj if (p.tag.number, p.tag.gender) == (first.tag.number, first.tag.gender)]
        if not adj or any("ADJF" in p.tag and p.tag.case == "nomn" for p in parses(w)[:1]):
            return squash(text)
        chosen.append(adj[0])
    new_words = []
    for w, p in zip(words, chosen, strict=True):
        if w.lower() in _CONJ:
            new_words.append(w)
            continue
        grammemes = {"nomn", str(p.tag.number)} | ({str(p.tag.gender)} if p.tag.number == "sing" else set())
        new_words.append(inflect_word(w, p, frozenset(grammemes)))
    return _replace_words(text, matches, new_words)
