"""The Russian date lexicon (``data/dates_ru.yaml``) as lookup tables and regex fragments: ``lexicon()`` for the
point rules, ``span_lexicon()`` for durations, ages, frequencies, references, holidays and eras."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from newsfacts.extract.data import load_yaml

DATA_FILE = "dates_ru.yaml"  # in newsfacts.extract.data


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
    today_present_verbs: frozenset[str]  # present-tense verbs that keep "сегодня" the day (not "these days")
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
    raw = load_yaml(DATA_FILE)
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
        today_present_verbs=frozenset(norm_word(w) for w in raw["today_present_verbs"]),
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


@dataclass(frozen=True)
class Holiday:
    dates: dict[str, tuple[int, int]]  # ISO2 or "*" -> (month, day)


@dataclass(frozen=True)
class Era:
    start: date
    end: date


@dataclass(frozen=True)
class SpanLexicon:
    unit_of: dict[str, str]  # form -> unit
    unit_days: dict[str, float]
    unit_granularity: dict[str, str]
    duration_words: dict[str, float]
    vague_counts: frozenset[str]
    prefixes: tuple[str, ...]
    duration_preps: frozenset[str]
    frequency_words: tuple[str, ...]
    frequency_each: tuple[str, ...]
    weekly_words: frozenset[str]
    age_stems: dict[str, int]
    age_nouns: frozenset[str]
    age_before: re.Pattern[str]  # an age cue (and adverbs) right before a count: "ему было всего "
    duration_nouns: frozenset[str]
    penalty_words: frozenset[str]
    ref_pronouns: tuple[str, ...]
    pronoun_before: re.Pattern[str]  # "том же " / "тот " right before a unit
    ref_units: tuple[str, ...]
    ref_after: tuple[str, ...]
    ref_next_units: tuple[str, ...]
    vague_past: tuple[str, ...]
    holiday_tails: dict[str, Holiday]  # "независимости" -> dates (after "День/Дня/…")
    holiday_names: dict[str, Holiday]  # "наурыз" -> dates
    countries: re.Pattern[str]
    country_of: dict[str, str]  # stem -> ISO2
    era_heads: tuple[str, ...]
    era_renamed: tuple[str, ...]
    eras: dict[str, Era]  # name form -> interval


def _strip_prep(phrase: str) -> str:
    return re.sub(r"^(?:в|на)\s+", "", norm_word(phrase))


def _md(value: str) -> tuple[int, int]:
    mo, d = value.split("-")
    return int(mo), int(d)


@lru_cache(maxsize=1)
def span_lexicon() -> SpanLexicon:
    raw = load_yaml(DATA_FILE)
    units = raw["duration_units"]
    tails: dict[str, Holiday] = {}
    names: dict[str, Holiday] = {}
    for h in raw["holidays"]:
        hol = Holiday({k: _md(v) for k, v in h["dates"].items()})
        if "day_of" in h:
            tails[norm_word(h["day_of"])] = hol
        for name in h.get("names", []):
            names[norm_word(name)] = hol
    country_of = {norm_word(stem): iso for iso, stems in raw["holiday_countries"].items() for stem in stems}
    short = [s for s in country_of if len(s) <= 3]
    long = [s for s in country_of if len(s) > 3]
    countries = re.compile(
        rf"(?<![а-яё])(?:(?P<long>{alternation(long)})|(?P<short>{alternation(short)})(?![а-яё]))", re.I
    )
    return SpanLexicon(
        unit_of={norm_word(f): u for u, spec in units.items() for f in spec["forms"]},
        unit_days={u: float(spec["days"]) for u, spec in units.items()},
        unit_granularity={u: str(spec["granularity"]) for u, spec in units.items()},
        duration_words={norm_word(k): float(v) for k, v in raw["duration_words"].items()},
        vague_counts=frozenset(norm_word(w) for w in raw["vague_counts"]),
        prefixes=tuple(raw["duration_prefixes"]),
        duration_preps=frozenset(norm_word(w) for w in raw["duration_prepositions"]),
        frequency_words=tuple(raw["frequency_words"]),
        frequency_each=tuple(raw["frequency_each"]),
        weekly_words=frozenset(norm_word(w) for w in raw["weekly_words"]),
        age_stems={norm_word(k): int(v) for k, v in raw["age_stems"].items()},
        age_nouns=frozenset(norm_word(w) for w in raw["age_nouns"]),
        age_before=re.compile(
            rf"(?:(?<![а-яё]){alternation(raw['age_cues'])},?[\s\xa0]+(?:{alternation(raw['age_adverbs'])},?[\s\xa0]+)*"
            r"|\()(?:\d{1,3}(?:,|[\s\xa0]+и)?[\s\xa0]+)*$",  # a list of ages: "им было 30, 20 и 19 лет"
            # (commas around the adverbs: "ему было, соответственно, 47 и 46 лет")
            re.I,
        ),
        duration_nouns=frozenset(norm_word(w) for w in raw["duration_nouns"]),
        penalty_words=frozenset(norm_word(w) for w in raw["penalty_words"]),
        ref_pronouns=tuple(raw["reference_pronouns"]),
        pronoun_before=re.compile(
            rf"(?<![а-яё])(?P<pron>{alternation(raw['reference_pronouns'])})[\s\xa0]+(?P<same>же[\s\xa0]+)?$",
            re.I,
        ),
        ref_units=tuple(raw["reference_units"]),
        ref_after=tuple(raw["reference_after"]),
        ref_next_units=tuple(raw["reference_next_units"]),
        vague_past=tuple(_strip_prep(p) for p in raw["vague_past"]),
        holiday_tails=tails,
        holiday_names=names,
        countries=countries,
        country_of=country_of,
        era_heads=tuple(raw["era_heads"]),
        era_renamed=tuple(raw["era_renamed"]),
        eras={norm_word(n): Era(e["start"], e["end"]) for e in raw["eras"] for n in e["names"]},
    )
