"""pymorphy3 wrapper: one lazily created analyzer, parses cached on the word form.

natasha's ``MorphVocab`` uses pymorphy2, which does not work on Python 3.11, so the lemmatisation and
inflection the extractors need are re-implemented here on pymorphy3.
"""

from __future__ import annotations

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
