"""pymorphy3 wrapper: one lazily created analyzer, parses cached on the word form.

natasha's ``MorphVocab`` uses pymorphy2, which does not work on Python 3.11, so the lemmatisation and
inflection the extractors need are re-implemented here on pymorphy3.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse


@lru_cache(maxsize=1)
def analyzer() -> MorphAnalyzer:
    """The shared pymorphy3 analyzer (created on first use; loading the dictionaries takes ~0.3 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=500_000)
def parses(word: str) -> tuple[Parse, ...]:
    """All pymorphy3 parses of a lowercase-insensitive word form, best first."""
    return tuple(analyzer().parse(word.lower()))


@lru_cache(maxsize=500_000)
def lemma(word: str) -> str:
    """The normal form of the best parse (lowercase, ``ё`` kept as pymorphy3 gives it)."""
    found = parses(word)
    return found[0].normal_form if found else word.lower()


@lru_cache(maxsize=500_000)
def lemmas(word: str) -> frozenset[str]:
    """The normal forms of every parse of a word, with ``ё`` also spelt ``е``."""
    forms = {p.normal_form for p in parses(word)} or {word.lower()}
    return frozenset(forms | {f.replace("ё", "е") for f in forms})


def inflect(parse: Parse, grammemes: frozenset[str]) -> str | None:
    """The word form of ``parse`` with ``grammemes`` set, or None when pymorphy3 cannot inflect it."""
    try:
        result = parse.inflect(set(grammemes))
    except (ValueError, KeyError):
        return None
    return result.word if result is not None else None


# ---------------------------------------------------------------- words of entity names

# the words of a name ("аль-Джубейр", "Касым-Жомарта" one word) and an initial ("Ф", "Дж")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
INITIAL = re.compile(r"^[А-ЯЁA-Z][а-яёa-z]?$")


def match_case(new: str, original: str) -> str:
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


def inflect_word(word: str, parse: Parse, grammemes: frozenset[str]) -> str:
    form = inflect(parse, grammemes)
    if form is None and "NOUN" in parse.tag and grammemes == {"nomn", "sing"}:
        form = parse.normal_form  # a guessed word pymorphy3 will not inflect: its normal form is that one
    return match_case(form, word) if form else word


def keep_as_written(word: str) -> bool:
    """Abbreviations (also in mixed case: "КрАЗ"), Latin words and single letters stay as written."""
    return (
        (word.isupper() and len(word) > 1)
        or any(any(c.isupper() for c in part[1:]) for part in word.split("-"))
        or not re.search("[а-яё]", word.lower())
        or len(word) < 2
    )


# the cases of pymorphy3's second forms, read as the six cases
CASE_OF = {"gen2": "gent", "acc2": "accs", "loc2": "loct", "voct": "nomn"}
# what natasha's NewsMorphTagger says of one word of a mention in its sentence: (case, gender), pymorphy's
# grammemes, None where it said nothing; one per word of the mention (``WORD`` matches), () without context
Hint = tuple[str | None, str | None]
Hints = tuple[Hint | None, ...]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
