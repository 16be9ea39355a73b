"""The Russian date lexicon (``data/dates_ru.yaml``) as lookup tables and regex fragments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "dates_ru.yaml"


@lru_cache(maxsize=65_536)
def norm_word(word: str) -> str:
    """Lowercase and fold ё to е (the lexicon keys are stored folded)."""
    return word.lower().replace("ё", "е")


def alternation(words: Iterable[str]) -> str:
    """A non-capturing regex alternation of ``words`` (longer forms first), tolerant of ё/е.

    Built as a prefix tree ("год(?:ами|ам|ах|а|…)?") so that the regex engine does not try every word in turn.
    """
    trie: dict[str, Any] = {}
    for w in {norm_word(w) for w in words}:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return "(?:" + _trie_regex(trie) + ")"


def _trie_regex(node: dict[str, Any]) -> str:
    branches = []
    for ch in sorted((c for c in node if c), key=lambda c: -_depth(node[c])):
        branches.append(_char(ch) + _trie_regex(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here: the longer continuations are tried first (greedy)
        return (
            body + "?"
            if len(branches) == 1 and len(body) == 1
            else (f"(?:{body})?" if not body.startswith("(?:") or len(branches) == 1 else body + "?")
        )
    return body


def _depth(node: dict[str, Any]) -> int:
    return 1 + max((_depth(v) for k, v in node.items() if k), default=0)


def _char(ch: str) -> str:
    return "[её]" if ch == "е" else re.escape(ch)


@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]
    month_abbreviations: dict[str, int]
    day_suffixes: tuple[str, ...]
    numeric_code_words: frozenset[str]
    numeric_time_after: tuple[str, ...]
    weekdays: dict[str, int]
    seasons: dict[str, tuple[int, int]]  # form -> (first month, last month)
    season_alone: frozenset[str]
    season_event_endings: tuple[str, ...]
    season_determiners: frozenset[str]
    year_words: tuple[str, ...]
    amount_units: tuple[str, ...]
    years_words: tuple[str, ...]
    century_words: tuple[str, ...]
    relative_adjectives: dict[str, int]
    units: dict[str, str]
    relative_days: dict[str, int]
    window_words: dict[str, int]
    parts: dict[str, str]
    half_words: tuple[str, ...]
    prepositions: tuple[str, ...]
    ordinal_stems: dict[str, int]
    ordinal_endings: tuple[str, ...]
    ordinal_irregular: dict[str, int]
    cardinals: dict[str, float]
    future_cues: frozenset[str]
    past_cues: frozenset[str]
    past_endings: tuple[str, ...]
    past_stoplist: frozenset[str]

    @cached_property
    def numeric_time_after_regex(self) -> re.Pattern[str]:
        """Words right after a number that make it a time or a measure ("12.05 мск", "15.2 балла")."""
        return re.compile(rf"[\s\xa0]*{alternation(self.numeric_time_after)}(?![а-яёa-z])", re.IGNORECASE)

    def ordinal(self, word: str) -> int | None:
        """The value of an ordinal word form ("двадцатого" -> 20), or None."""
        w = norm_word(word)
        if w in self.ordinal_irregular:
            return self.ordinal_irregular[w]
        for stem in sorted(self.ordinal_stems, key=len, reverse=True):
            if w.startswith(stem) and w[len(stem) :] in self.ordinal_endings:
                return self.ordinal_stems[stem]
        return None

    def number_phrase(self, phrase: str) -> int | None:
        """The value of a number-word phrase ending in an ordinal ("две тысячи двадцатом" -> 2020)."""
        total = 0
        current = 0.0
        for word in phrase.split():
            w = norm_word(word)
            value = self.cardinals.get(w)
            if value is None:
                value = self.ordinal(w)
            if value is None:
                return None
            if value == 1000:
                total += int((current or 1) * 1000)
                current = 0
            elif value == 2000 and not current:
                total += 2000
            else:
                current += value
        result = total + current
        return int(result) if result == int(result) else None


def _forms(table: dict[object, list[str]]) -> dict[str, int]:
    return {norm_word(form): int(str(key)) for key, forms in table.items() for form in forms}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and index the lexicon once (lazily, on first use)."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    seasons: dict[str, tuple[int, int]] = {}
    for spec in raw["seasons"].values():
        first, last = spec["months"]
        for form in spec["forms"]:
            seasons[norm_word(form)] = (int(first), int(last))
    units = {norm_word(form): unit for unit, forms in raw["units"].items() for form in forms}
    parts = {norm_word(form): part for part, forms in raw["parts"].items() for form in forms}
    return Lexicon(
        months=_forms(raw["months"]),
        month_abbreviations=_forms(raw["month_abbreviations"]),
        day_suffixes=tuple(norm_word(w) for w in raw["day_suffixes"]),
        numeric_code_words=frozenset(norm_word(w) for w in raw["numeric_code_words"]),
        numeric_time_after=tuple(norm_word(w) for w in raw["numeric_time_after"]),
        weekdays=_forms(raw["weekdays"]),
        seasons=seasons,
        season_alone=frozenset(norm_word(w) for w in raw["season_alone"]),
        season_event_endings=tuple(norm_word(w) for w in raw["season_event_endings"]),
        season_determiners=frozenset(norm_word(w) for w in raw["season_determiners"]),
        year_words=tuple(raw["year_words"]),
        amount_units=tuple(str(u) for u in raw["amount_units"]),
        years_words=tuple(raw["years_words"]),
        century_words=tuple(raw["century_words"]),
        relative_adjectives=_forms(raw["relative_adjectives"]),
        units=units,
        relative_days={norm_word(k): int(v) for k, v in raw["relative_days"].items()},
        window_words=_forms(raw["window_words"]),
        parts=parts,
        half_words=tuple(raw["half_words"]),
        prepositions=tuple(raw["prepositions"]),
        ordinal_stems={norm_word(k): int(v) for k, v in raw["ordinal_stems"].items()},
        ordinal_endings=tuple(raw["ordinal_endings"]),
        ordinal_irregular={norm_word(k): int(v) for k, v in raw["ordinal_irregular"].items()},
        cardinals={norm_word(k): float(v) for k, v in raw["cardinals"].items()},
        future_cues=frozenset(norm_word(w) for w in raw["future_cues"]),
        past_cues=frozenset(norm_word(w) for w in raw["past_cues"]),
        past_endings=tuple(sorted({norm_word(w) for w in raw["past_endings"]}, key=len, reverse=True)),
        past_stoplist=frozenset(norm_word(w) for w in raw["past_stoplist"]),
    )
