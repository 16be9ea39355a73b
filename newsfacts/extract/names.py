"""Canonical names of entity mentions: the lemma of a person, organisation or place as written in one case.

- PER: every word to the nominative, in the one case and gender that the first name, patronymic and surname
  agree on (readings weighed: the dictionary's, the ending rules', women's names in -ия from
  ``data/names_female_ru.txt``: "Асию Биби" -> "Асия Биби", "Юлию" -> "Юлия"), ё only where the text has it.
  East Asian family names before the given name stay as written (``data/names_indeclinable_ru.txt``: "Дэн
  Сяопина" -> "Дэн Сяопин"), so do foreign names in a vowel and -а ("Кассиа"); double surnames decline both
  parts, or the first before an indeclinable one ("Юркову-Данелия" -> "Юркова-Данелия").
- ORG / LOC: the words up to the first noun (the head) to the nominative, agreeing adjectives with it; the
  dependants after the head stay as written. An unknown compound whose tail is a known noun declines as that
  noun ("Мосгоризбиркому" -> "Мосгоризбирком"). Abbreviations stay as written, a case ending dropped ("ВГИКе",
  "КрАЗа"), adjectives before one to the nominative ("Чернобыльской АЭС" -> "Чернобыльская АЭС").

``Hints`` are per-word (case, gender) readings from context (``entities.ContextTagger``) where the words alone
leave the case open. Linking mentions to one entity and country codes live in :mod:`newsfacts.extract.entities`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsfacts.extract.data import load_lines
from newsfacts.extract.geo import country_iso2, place_iso2
from newsfacts.extract.morph import inflect, parses

if TYPE_CHECKING:
    from pymorphy3.analyzer import Parse

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
INITIAL = re.compile(r"^[А-ЯЁA-Z][а-яёa-z]?$")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


def _match_case(new: str, original: str) -> str:
    """``new`` written like ``original``: its capitals (per hyphenated part), and no ё where it had none."""
    if "ё" not in original.lower():
        new = new.replace("ё", "е").replace("Ё", "Е")
    if original.isupper() and len(original) > 1:
        return new.upper()
    if any(part[:1].isupper() for part in original.split("-")):  # "аль-Джубейр" too
        old_parts, new_parts = original.split("-"), new.split("-")
        if len(old_parts) != len(new_parts):
            return "-".join(p[:1].upper() + p[1:] for p in new_parts)
        return "-".join(
            n[:1].upper() + n[1:] if o[:1].isupper() else n for o, n in zip(old_parts, new_parts, strict=True)
        )
    return new


def _inflect_word(word: str, parse: Parse, grammemes: frozenset[str]) -> str:
    form = inflect(parse, grammemes)
    if form is None and "NOUN" in parse.tag and grammemes == {"nomn", "sing"}:
        form = parse.normal_form  # a guessed word pymorphy3 will not inflect: its normal form is that one
    return _match_case(form, word) if form else word


def keep_as_written(word: str) -> bool:
    """Abbreviations (also in mixed case: "КрАЗ"), Latin words and single letters stay as written."""
    return (
        (word.isupper() and len(word) > 1)
        or any(any(c.isupper() for c in part[1:]) for part in word.split("-"))
        or not re.search("[а-яё]", word.lower())
        or len(word) < 2
    )


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
        (("ская", "цкая"), [("nomn", "femn", "", 1.0)]),
        (("ской", "цкой"), [(c, "femn", "-2ая", 0.8) for c in ("gent", "datv", "ablt", "loct")]),
        (("скую", "цкую"), [("accs", "femn", "-2ая", 1.0)]),
    ]
    for end in ends
    for case, gender, nom, weight in readings
)

_Reading = tuple[str, str, str, float]  # case, gender, nominative form, weight
# what natasha's NewsMorphTagger says of one word of a mention in its sentence: (case, gender), pymorphy's
# grammemes, None where it said nothing; one per word of the mention (``WORD`` matches), () without context
Hint = tuple[str | None, str | None]
Hints = tuple[Hint | None, ...]

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


# a foreign name ending in a vowel and -а ("Кассиа", "Гарсиа", "Хуа"): indeclinable in Russian
_VOWEL_A = re.compile(r"[аеёиоуыэюя]а$")


def _apply(word: str, end: str, nom: str) -> str:
    if not nom:
        return word
    cut = int(nom[:2]) if nom[:2] in ("-1", "-2") else 0
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


def _generic(low: str) -> list[_Reading]:
    """Readings of a name the dictionary does not know, from generic noun endings."""
    if low.endswith(("ом", "ем")):
        stem = low[:-2] + ("ь" if low.endswith("ем") and low[-3:-2] not in "аеиоуяю" else "")
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
            ("gent", "masc", low[:-1] + "ь", 0.45),
            ("accs", "masc", low[:-1] + "ь", 0.25),
        ]
    if low.endswith(("у", "ю")) and len(low) > 3:
        soft = low.endswith("ю")
        return [
            ("datv", "masc", low[:-1] + ("ь" if soft else ""), 0.55),
            ("accs", "femn", low[:-1] + ("я" if soft else "а"), 0.45),
        ]
    return [(_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5)]


@lru_cache(maxsize=100_000)
def word_readings(word: str) -> tuple[_Reading, ...]:
    """(case, gender, nominative, weight) readings of one name word, from the dictionary and from endings."""
    parts = word.split("-")
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
                case = _CASE_OF.get(str(p.tag.case), str(p.tag.case))
                out.append((case, str(p.tag.gender), nom, float(p.score)))
    out += _female_ija(low)
    if not out:  # a word of the dictionary used as a name (Мадонна, Монеточки): its noun readings
        for p in parses(word):
            if p.is_known and "NOUN" in p.tag and p.tag.number == "sing" and p.tag.case and p.tag.gender:
                nom = inflect(p, frozenset({"nomn", "sing"}))
                if nom:  # a common noun keeps its own gender: "Доктора Лизу" -> Доктор Лиза
                    case = _CASE_OF.get(str(p.tag.case), str(p.tag.case))
                    out.append((case, "None", nom, float(p.score)))
    rules = [r for r in _SUFFIX_RULES if low.endswith(r[0])]
    if rules:
        longest = max(len(r[0]) for r in rules)
        out += [(c, g, _apply(low, e, n), w) for e, c, g, n, w in rules if len(e) == longest]
    elif not out and (low.endswith(_INDECLINABLE) or not re.search("[а-яё]", low)):
        out += [(_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5)]
    elif not out:  # an unknown foreign name: generic noun endings
        out += _generic(low)
    return tuple(out) or ((_ANY, "masc", low, 0.5), (_ANY, "femn", low, 0.5))


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
            return _match_case(max(fitting, key=lambda r: r[3])[2], word)

        return _rebuild(text, fix)

    keys = [(c, g) for c in _CASES for g in ("masc", "femn")]
    if candidates:  # the distinct normals of the readings most words agree on
        scores = {k: score(k) for k in keys}
        top = max(s[1] for s in scores.values())
        return "\n".join(sorted({normal(*k) for k in keys if scores[k][1] == top}))
    return normal(*max(keys, key=score))


# ---------------------------------------------------------------- organisations and places


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
            hint_case is not None and _CASE_OF.get(str(p.tag.case), str(p.tag.case)) != hint_case,
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
    new_words[head_i] = _inflect_word(words[head_i], head, frozenset({"nomn", number}))
    for i, p in zip(adj_at, adj_parses, strict=True):
        agree = {"nomn", number} | ({str(head.tag.gender)} if number == "sing" and head.tag.gender else set())
        if "inan" in head.tag or "anim" in head.tag:
            agree.add("inan" if "inan" in head.tag else "anim")
        new_words[i] = _inflect_word(words[i], p, frozenset(agree - {"inan", "anim"}))
    return _replace_words(text, matches, new_words[: head_i + 1])


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
        new_words.append(_inflect_word(w, p, frozenset(grammemes)))
    return _replace_words(text, matches, new_words)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _rebuild(text: str, fn: Any) -> str:
    out: list[str] = []
    last = 0
    for m in WORD.finditer(text):
        out.append(text[last : m.start()])
        out.append(fn(m.group()))
        last = m.end()
    out.append(text[last:])
    return squash("".join(out))


# ---------------------------------------------------------------- coreference of persons in one article
