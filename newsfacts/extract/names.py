"""Canonical names of entity mentions: the lemma of a person, organisation or place as written in one case.

- PER: every word to the nominative, in the one case and gender that the first name, patronymic and surname
  agree on (readings weighed: the dictionary's, the ending rules', women's names in -ия from
  ``data/names_female_ru.txt``: "Асию Биби" -> "Асия Биби", "Юлию" -> "Юлия"), ё only where the text has it.
  East Asian family names before the given name stay as written (``data/names_indeclinable_ru.txt``: "Дэн
  Сяопина" -> "Дэн Сяопин"), so do foreign names in a vowel and -а ("Кассиа"); double surnames decline both
  parts, or the first before an indeclinable one ("Юркову-Данелия" -> "Юркова-Данелия"); "-младший" agrees with
  the name before it ("Буша-младшего" -> "Буш-младший"). After a woman's first name a word with only men's
  readings is her foreign surname as written ("Хулианой Авада" -> "Хулиана Авада"); -ский surnames and stems in
  -й decline ("Андрея Кончаловского", "Хамида Карзая" -> "Андрей Кончаловский", "Хамид Карзай").
- ORG / LOC: :mod:`newsfacts.extract.names_phrase` (``normalize_phrase``, re-exported here).

``Hints`` are per-word (case, gender) readings from context (``entities.ContextTagger``) where the words alone
leave the case open. Linking mentions to one entity and country codes live in :mod:`newsfacts.extract.entities`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from newsfacts.extract.data import load_lines
from newsfacts.extract.morph import (
    CASE_OF,
    INITIAL,
    WORD,
    Hint,
    Hints,
    inflect,
    keep_as_written,
    match_case,
    parses,
    squash,
)
from newsfacts.extract.names_phrase import normalize_phrase

__all__ = [
    "INITIAL",
    "WORD",
    "Hint",
    "Hints",
    "keep_as_written",
    "normalize_person",
    "normalize_phrase",
    "person_words",
    "squash",
    "word_readings",
]

_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


# ---------------------------------------------------------------- persons

_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
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
_SON_OF = frozenset({"ибн", "бин", "бен", "оглы", "оглу", "улы", "уулу"})  # "son of": a man's name

# (ending, case, gender, replacement of the ending in the nominative, weight); longest endings first. The
# weights rank the readings of one word form: "Токаева" is likelier Токаев's genitive than a woman's name.
_SUFFIX_RULES: tuple[tuple[str, str, str, str, float], ...] = tuple(
    (end, case, gender, nom, weight)
    for ends, readings in [
        (("ов", "ев", "ёв", "ин", "ын"), [("nomn", "masc", "", 1.0)]),
        (
            ("ова", "ева", "ёва", "ина", "ына"),
            [("gent", "masc", "-1", 0.6), ("accs", "masc", "-1", 0.3), ("nomn", "femn", "", 0.4)],
        ),
        (("ову", "еву", "ёву", "ину", "ыну"), [("datv", "masc", "-1", 0.6), ("accs", "femn", "-1а", 0.5)]),
        (("овым", "евым", "ёвым", "иным", "ыным"), [("ablt", "masc", "-2", 1.0)]),
        (("ове", "еве", "ёве", "ине", "ыне"), [("loct", "masc", "-1", 1.0)]),
        (
            ("овой", "евой", "ёвой", "иной", "ыной"),
            [(c, "femn", "-2а", 1.0) for c in ("gent", "datv", "ablt", "loct")],
        ),
        (("ович", "евич", "ич"), [("nomn", "masc", "", 1.0)]),
        (("овича", "евича", "ича"), [("gent", "masc", "-1", 0.7), ("accs", "masc", "-1", 0.3)]),
        (("овичу", "евичу", "ичу"), [("datv", "masc", "-1", 1.0)]),
        (("овичем", "евичем", "ичем"), [("ablt", "masc", "-2", 1.0)]),
        (("овна", "евна", "ична"), [("nomn", "femn", "", 1.0)]),
        (("овны", "евны", "ичны"), [("gent", "femn", "-1а", 1.0)]),
        (("овну", "евну", "ичну"), [("accs", "femn", "-1а", 1.0)]),
        (("овной", "евной", "ичной"), [(c, "femn", "-2а", 1.0) for c in ("datv", "ablt", "loct")]),
        (("ян", "янц"), [("nomn", "masc", "", 1.0), (_ANY, "femn", "", 0.5)]),
        (("яна", "янца"), [("gent", "masc", "-1", 0.7), ("accs", "masc", "-1", 0.3)]),
        (("яну", "янцу"), [("datv", "masc", "-1", 1.0)]),
        (("яном", "янцем"), [("ablt", "masc", "-2", 1.0)]),
        (("яне", "янце"), [("loct", "masc", "-1", 1.0)]),
        (("ский", "цкий"), [("nomn", "masc", "", 1.0)]),
        (("ского", "цкого"), [("gent", "masc", "-3ий", 0.7), ("accs", "masc", "-3ий", 0.3)]),
        (("скому", "цкому"), [("datv", "masc", "-3ий", 1.0)]),
        (("ским", "цким"), [("ablt", "masc", "-2ий", 1.0)]),
        (("ском", "цком"), [("loct", "masc", "-2ий", 1.0)]),
        (("ская", "цкая"), [("nomn", "femn", "", 1.0)]),
        (("ской", "цкой"), [(c, "femn", "-2ая", 0.8) for c in ("gent", "datv", "ablt", "loct")]),
        (("скую", "цкую"), [("accs", "femn", "-2ая", 1.0)]),
    ]
    for end in ends
    for case, gender, nom, weight in readings
)

_Reading = tuple[str, str, str, float]  # case, gender, nominative form, weight

# the mention's case when the readings tie: the cases of names in news text, commonest first
_CASE_PRIOR = {c: len(_CASES) - i for i, c in enumerate(("nomn", "gent", "accs", "datv", "ablt", "loct"))}


@lru_cache(maxsize=1)
def _female_names() -> frozenset[str]:
    """Women's first names in -ия that pymorphy3 only knows as men's names in -ий, or not at all (Асия)."""
    return frozenset(w.lower() for w in load_lines("names_female_ru.txt"))


@lru_cache(maxsize=1)
def _indeclinable_names() -> frozenset[str]:
    """East Asian family names that stay as written in every case (``data/names_indeclinable_ru.txt``)."""
    return frozenset(w.lower() for w in load_lines("names_indeclinable_ru.txt"))


# a Russian diminutive in -очка, -ечка, -ушка, -онька... the dictionary lacks, used as a name ("концерт
# Монеточки" -> Монеточка): the guesser's noun readings are right
_DIMINUTIVE = re.compile(r"(?:[оеи]чк|[ую]шк|[ое]ньк)а$")
# a dative in -ю after a vowel is a stem in -й ("Стивену Фраю" -> Фрай), not an indeclinable -ю
_SOFT_DATIVE = re.compile(r"[аоеу]ю$")

# a foreign name ending in a vowel and -а ("Кассиа", "Гарсиа", "Хуа"): indeclinable in Russian
_VOWEL_A = re.compile(r"[аеёиоуыэюя]а$")


def _apply(word: str, end: str, nom: str) -> str:
    if not nom:
        return word
    cut = int(nom[:2]) if nom[:2] in ("-1", "-2", "-3") else 0
    return word[:cut] + nom[2:]


def _female_ija(low: str) -> list[_Reading]:
    """The readings of a woman's name in -ия that the dictionary lacks ("Асию" -> Асия)."""
    for ends, cases in (
        ("ию", ("accs",)),
        ("ии", ("gent", "datv", "loct")),
        ("ией", ("ablt",)),
        ("ия", ("nomn",)),
    ):
        if low.endswith(ends):
            base = low[: -len(ends)] + "ия"
            return [(c, "femn", base, 1.0) for c in cases] if base in _female_names() else []
    return []


def _known_name(word: str) -> bool:
    """Whether the dictionary knows ``word`` as a man's first name in the nominative."""
    return any(
        p.is_known and "Name" in p.tag and p.tag.case == "nomn" and p.tag.gender == "masc"
        for p in parses(word)
    )


def _soft(stem: str) -> str:
    """The nominative of a soft stem: in -й after a vowel ("Фраю", "Карзая" -> Фрай, Карзай), else in -ь."""
    return stem + ("й" if stem[-1:] in _VOWELS else "ь")


_VOWELS = "аеёиоуыэюя"


def _generic(low: str) -> list[_Reading]:
    """Readings of a name the dictionary does not know, from generic noun endings."""
    if low.endswith(("ом", "ем")):
        stem = _soft(low[:-2]) if low.endswith("ем") else low[:-2]
        if low.endswith("ном") and _known_name(stem + "г"):  # "Вольфганом": Вольфганг, its final г lost
            stem += "г"
        return [("ablt", "masc", stem, 0.6), ("nomn", "masc", low, 0.3), (_ANY, "femn", low, 0.1)]
    if low.endswith(("ой", "ей")) and len(low) > 4:  # Соботкой, Хулианой: a woman's oblique or a man's ablt
        stem = low[:-2] + ("а" if low.endswith("ой") else "я")
        return [
            *[(c, "femn", stem, 0.5) for c in ("gent", "datv", "ablt", "loct")],
            ("ablt", "masc", stem, 0.4),
            ("nomn", "masc", low, 0.2),
        ]
    if low[-1] in "бвгджзклмнпрстфхцчшщй" or low.endswith("ь"):
        return [("nomn", "masc", low, 0.5), (_ANY, "femn", low, 0.5)]
    if low.endswith("а"):
        # Байдена, Сандерса (a man's genitive) outnumber Мадонна, Диарра in the news; a man's name in -а is a
        # nominative too (Диарра, Запата, Кейта: declined like Никита), which only the context tells apart
        return [
            ("nomn", "femn", low, 0.3),
            ("nomn", "masc", low, 0.2),
            ("gent", "masc", low[:-1], 0.45),
            ("accs", "masc", low[:-1], 0.25),
        ]
    if low.endswith("я"):
        if low.endswith("ия"):  # Летисия, Лонгория: likelier a woman's name than a man's in -ий
            return [("nomn", "femn", low, 0.4), ("gent", "masc", low[:-1] + "й", 0.35)]
        return [
            ("nomn", "femn", low, 0.3),
            ("gent", "masc", _soft(low[:-1]), 0.45),
            ("accs", "masc", _soft(low[:-1]), 0.25),
        ]
    if low.endswith(("у", "ю")) and len(low) > 3:
        soft = low.endswith("ю")
        return [
            ("datv", "masc", _soft(low[:-1]) if soft else low[:-1], 0.55),
            ("accs", "femn", low[:-1] + ("я" if soft else "а"), 0.45),
        ]
    return [(_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5)]


@lru_cache(maxsize=100_000)
def word_readings(word: str) -> tuple[_Reading, ...]:
    """(case, gender, nominative, weight) readings of one name word, from the dictionary and from endings."""
    parts = word.split("-")
    senior = _SENIOR.fullmatch(parts[-1]) if len(parts) == 2 else None
    if senior:  # "Буша-младшего": the name and the adjective agree
        return tuple(
            (case, g, f"{n}-{senior.group(1)}{'ий' if g == 'masc' else 'ая'}", w)
            for c, g, n, w in word_readings(parts[0])
            for case, gender in _SENIOR_CASES[senior.group(2)]
            if c in (case, _ANY) and g in (gender, "None")
        )
    if len(parts) > 1:  # "Касым-Жомарта": only the last part declines
        last = tuple((c, g, "-".join([*parts[:-1], n]), w) for c, g, n, w in word_readings(parts[-1]))
        return _double_surname(parts) + last
    out: list[_Reading] = []
    low = word.lower()
    if _VOWEL_A.search(low):
        return ((_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5))
    for p in parses(word):
        if p.is_known and _NAME_TAGS & set(p.tag.grammemes) and p.tag.number == "sing" and p.tag.case:
            if "Fixd" in p.tag:  # an indeclinable name (Джо, Биби) tells neither case nor gender
                out += [(_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5)]
                break
            nom = inflect(p, frozenset({"nomn", "sing"}))
            if nom:
                case = CASE_OF.get(str(p.tag.case), str(p.tag.case))
                out.append((case, str(p.tag.gender), nom, float(p.score)))
    out += _female_ija(low)
    if (
        not out
    ):  # a word of the dictionary used as a name (Мадонна), or a diminutive (Монеточки): its noun readings
        for p in parses(word):
            if (
                (p.is_known or _DIMINUTIVE.search(p.normal_form))
                and "NOUN" in p.tag
                and p.tag.number == "sing"
                and p.tag.case
                and p.tag.gender
            ):
                nom = inflect(p, frozenset({"nomn", "sing"}))
                if nom:  # a common noun keeps its own gender: "Доктора Лизу" -> Доктор Лиза
                    case = CASE_OF.get(str(p.tag.case), str(p.tag.case))
                    out.append((case, "None", nom, float(p.score)))
    rules = [r for r in _SUFFIX_RULES if low.endswith(r[0])]
    if rules:
        longest = max(len(r[0]) for r in rules)
        out += [(c, g, _apply(low, e, n), w) for e, c, g, n, w in rules if len(e) == longest]
    elif not out and (
        (low.endswith(_INDECLINABLE) and not _SOFT_DATIVE.search(low)) or not re.search("[а-яё]", low)
    ):
        out += [(_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5)]
    elif not out:  # an unknown foreign name: generic noun endings
        out += _generic(low)
    return tuple(out) or ((_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5))


# "-младший", "-старший" after a name ("Джорджа Буша-младшего" -> Джордж Буш-младший): its (case, gender)s
_SENIOR = re.compile(r"(младш|старш)(ий|его|ему|им|ем|ая|ей|ую|ой)")
_SENIOR_CASES: dict[str, frozenset[tuple[str, str]]] = {
    "ий": frozenset({("nomn", "masc")}),
    "его": frozenset({("gent", "masc"), ("accs", "masc")}),
    "ему": frozenset({("datv", "masc")}),
    "им": frozenset({("ablt", "masc")}),
    "ем": frozenset({("loct", "masc")}),
    "ая": frozenset({("nomn", "femn")}),
    "ую": frozenset({("accs", "femn")}),
    **{e: frozenset((c, "femn") for c in ("gent", "datv", "ablt", "loct")) for e in ("ей", "ой")},
}


def _double_surname(parts: list[str]) -> tuple[_Reading, ...]:
    """A double surname whose first part has a surname's case ending: both parts decline where the last one
    has a reading in that case and gender ("Салтыкова-Щедрина" -> Салтыков-Щедрин), else the first part
    declines and the last, indeclinable, stays as written ("Юркову-Данелия" -> Юркова-Данелия)."""
    if len(parts) != 2 or not parts[1][:1].isupper():
        return ()
    low = parts[0].lower()
    rules = [r for r in _SUFFIX_RULES if low.endswith(r[0]) and r[1] != "nomn"]
    if not rules:
        return ()
    longest = max(len(r[0]) for r in rules)
    rest = word_readings(parts[1])
    out: list[_Reading] = []
    for e, c, g, n, w in rules:
        if len(e) != longest:
            continue
        declined = [r for r in rest if r[0] == c and r[1] in (g, "None")]
        if declined:
            best = max(declined, key=lambda r: r[3])
            out.append((c, g, f"{_apply(low, e, n)}-{best[2]}", w + best[3]))
        else:
            out.append((c, g, f"{_apply(low, e, n)}-{parts[1].lower()}", w))
    return tuple(out)


def _fits(reading: _Reading, case: str, gender: str) -> bool:
    return reading[0] in (case, _ANY) and reading[1] in (gender, "None")


def person_words(text: str) -> list[str]:
    return [m.group() for m in WORD.finditer(text)]


def _word_hints(text: str, hints: Hints) -> dict[str, Hint]:
    """Word -> the tagger's (case, gender) for it, from per-word hints aligned with ``person_words``."""
    if not hints:
        return {}
    words = person_words(text)
    if len(words) != len(hints):
        return {}
    return {w: h for w, h in zip(words, hints, strict=True) if h is not None}


@lru_cache(maxsize=100_000)
def normalize_person(text: str, hints: Hints = (), candidates: bool = False) -> str:
    """Nominative form of a person name span ("Касым-Жомарта Токаева" -> "Касым-Жомарт Токаев").

    The case and gender that most words of the span agree on win; then the ones natasha's NewsMorphTagger
    gave the words in their sentence (``hints``: "Кейта заявил" is a nominative, "у Кейта" is not), then the
    likelier readings (weights: the dictionary's, the ending rules'), then the commoner case, then the masculine
    ("Касым-Жомарта Токаева" is far likelier a genitive than a woman's name in the news; "Юлию" an accusative,
    "Юлия", than a dative). ``candidates``: instead, the normals the words' agreement alone leaves open, one a
    line (more than one: the sentence's morphology decides).
    """
    words = [w for w in person_words(text) if not INITIAL.match(w) and not keep_as_written(w)]
    if not words:
        return squash(text)
    tagged = _word_hints(text, hints)
    readings = {w: word_readings(w) for w in words}
    for w in words[:-1]:  # an East Asian family name before the given name: "Дэн Сяопина", but "Джеки Чана"
        if w.lower() in _indeclinable_names():
            readings[w] = ((_ANY, "masc", w.lower(), 0.5), (_ANY, "femn", w.lower(), 0.5))
    for w, h in tagged.items():
        # a word with no name reading (unknown, or a common noun used as a name: "Туре") that the sentence puts
        # in a case none of its readings has is indeclinable there ("святилище богини Аматэрасу": no genitive
        # in -у), so it stays as written
        unknown = (
            w in readings
            and h[0]
            and not any(p.is_known and _NAME_TAGS & set(p.tag.grammemes) for p in parses(w))
        )
        if unknown and not any(r[0] in (h[0], _ANY) for r in readings[w]):
            readings[w] = (*readings[w], (_ANY, "masc", w.lower(), 0.5), (_ANY, "femn", w.lower(), 0.5))

    sons = any(w.lower() in _SON_OF for w in person_words(text))
    if len(words) > 1 and not sons and any(r[1] == "femn" and r[0] != _ANY for r in readings[words[0]]):
        # after a first name that can be a woman's, a word with only men's readings is her foreign surname or
        # second name, not declined ("супругой Хулианой Авада", "Айссата Хайдара Сиссе"); not in a man's name
        # that says whose son he is ("Аль-Валида ибн Талала")
        for w in words[1:]:
            if not any(r[1] in ("femn", "None") for r in readings[w]):
                readings[w] = (*readings[w], (_ANY, "femn", w.lower(), 0.1))

    def score(key: tuple[str, str]) -> tuple[float, int, float, int, int]:
        case, gender = key
        fits = [[r[3] for r in readings[w] if _fits(r, case, gender)] for w in words]
        weight = sum(max(f) for f in fits if f)
        agree = sum(
            (h[0] == case) + 0.5 * (h[1] == gender)
            for w, f in zip(words, fits, strict=True)
            if f and (h := tagged.get(w))
        )
        return agree, sum(1 for f in fits if f), round(weight, 6), _CASE_PRIOR[case], int(gender == "masc")

    def normal(case: str, gender: str) -> str:
        def fix(word: str) -> str:
            if word not in readings:
                return word
            fitting = [r for r in readings[word] if _fits(r, case, gender)]
            if not fitting:
                return word
            return match_case(max(fitting, key=lambda r: r[3])[2], word)

        return _rebuild(text, fix)

    keys = [(c, g) for c in _CASES for g in ("masc", "femn")]
    if candidates:  # the distinct normals of the readings most words agree on
        scores = {k: score(k) for k in keys}
        top = max(s[1] for s in scores.values())
        return "\n".join(sorted({normal(*k) for k in keys if scores[k][1] == top}))
    return normal(*max(keys, key=score))


def _rebuild(text: str, fn: Any) -> str:
    out: list[str] = []
    last = 0
    for m in WORD.finditer(text):
        out.append(text[last : m.start()])
        out.append(fn(m.group()))
        last = m.end()
    out.append(text[last:])
    return squash("".join(out))
