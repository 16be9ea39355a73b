"""The date grammar's engine: the rules of ``rules`` compiled, the anchors that trigger them, and the scan over
a text.

Every rule's match starts at an *anchor*: a digit run, a Roman numeral, or a lexicon word found with one
Aho-Corasick pass over the lowercased text. Rules are tried only there (``pattern.match(text, pos)``), which
keeps the extractor fast on long articles with few dates. Which anchors trigger which rule is read from the
rules' records (``Rule.words``, ``stems``, ``numbers``, ``next_letters``, ``needs``, ``mark``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache

import ahocorasick

from newsfacts.extract.dates.candidate import Cand, Handler
from newsfacts.extract.dates.lexicon import Lexicon, lexicon
from newsfacts.extract.dates.rules import MARKERS, MARKS, NUMBER_ANCHORS, RULES, Fragments, Marker, Rule

# digit runs and Roman-numeral starts; a leading charset lets re skip ahead fast (4x faster than an alternation)
_NUMBERS = re.compile(r"[0-9IVXL](?<![^\W\d_][IVXL])(?:(?<=[0-9])[0-9]*)?")
# Roman numerals typed with Cyrillic look-alikes ("ХХI век": Cyrillic Х + Latin I) are common in Russian text
_ROMAN_LETTERS = frozenset("IVXLХІ")
_TO_LATIN = str.maketrans("ХІ", "XI")


def latin_roman_numerals(text: str) -> str:
    """``text`` with Cyrillic Х/І spelt X/I in tokens made only of Roman-numeral letters (same length, so
    offsets into the result are offsets into ``text``)."""
    if "Х" not in text and "І" not in text:
        return text
    spans: list[tuple[int, int]] = []
    for at in sorted(_positions(text, "Х") + _positions(text, "І")):  # str.find: 20x faster than a regex here
        if spans and at < spans[-1][1]:
            continue
        lo, hi = at, at + 1
        while lo and text[lo - 1] in _ROMAN_LETTERS:
            lo -= 1
        while hi < len(text) and text[hi] in _ROMAN_LETTERS:
            hi += 1
        if (lo and text[lo - 1].isalpha()) or (hi < len(text) and text[hi].isalpha()):
            continue
        spans.append((lo, hi))
    if not spans:
        return text
    parts, done = [], 0
    for lo, hi in spans:
        if lo >= done:
            parts += [text[done:lo], text[lo:hi].translate(_TO_LATIN)]
            done = hi
    return "".join(parts) + text[done:]


def _positions(text: str, ch: str) -> list[int]:
    out = []
    at = text.find(ch)
    while at >= 0:
        out.append(at)
        at = text.find(ch, at + 1)
    return out


def _letters_table() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(256):
        ch = bytes([code]).decode("cp1251", errors="replace")
        if ch.isalpha():
            low = ch.lower().replace("ё", "е").encode("cp1251", errors="replace")
            table[code] = low[0] if len(low) == 1 else 32
    return bytes(table)


_LETTERS = _letters_table()


def word_letters(text: str) -> str:
    """``text`` lowercased, ё as е, every character that is not a Russian or Latin letter a space (same length).

    Done on cp1251 bytes (one C pass each way, ~6x faster than ``str.lower`` plus a Python scan); a letter outside
    cp1251 (Kazakh қ, é) counts as a word boundary.
    """
    return text.encode("cp1251", errors="replace").translate(_LETTERS).decode("cp1251")


_Try = tuple[str | None, bool, Callable[[str, int], "re.Match[str] | None"], Handler]
_REACH = 80  # a rule with ``needs`` is tried only with a word of that mark at most this many chars on
_MARK_ORDER = tuple(sorted(MARKS))


class _NumberAnchors:
    """Which rules a number triggers, by what follows it (``Rule.numbers``), read from the records."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        rules = tuple(rules)
        by = {kind: frozenset(r.name for r in rules if kind in r.numbers) for kind in NUMBER_ANCHORS}
        for r in rules:
            unknown = set(r.numbers) - NUMBER_ANCHORS
            if unknown or (r.next_letters and "short" not in r.numbers):
                raise ValueError(
                    f"date rule {r.name!r}: bad number anchors {sorted(unknown) or r.next_letters}"
                )
        self.roman = by["roman"]
        self.dot, self.slash, self.comma, self.suffix = by["dot"], by["slash"], by["comma"], by["suffix"]
        self.short, self.three = by["short"], by["three"]
        self.year = by["year"]
        self.year_dash = by["year"] | by["year_dash"]
        letters = {ch for r in rules for ch in r.next_letters}
        self.by_next_letter = {
            ch: frozenset(r.name for r in rules if "short" in r.numbers and ch in r.next_letters)
            for ch in letters
        }


def _word_anchors(frags: Fragments, entries: Iterable[Rule | Marker]) -> dict[str, set[str]]:
    """Automaton key -> the rules (and markers) it triggers. Keys carry their word boundaries as spaces
    (" год ", " перв" for a stem) and are matched in the text's ``word_letters`` form, so the automaton reports
    only whole-word hits."""
    merged: dict[str, set[str]] = {}
    for entry in entries:
        kinds = [(entry.words, False)] + ([(entry.stems, True)] if isinstance(entry, Rule) else [])
        for words, stem in kinds:
            for word in words(frags) if words is not None else ():
                bounded = " " + word_letters(str(word)) + ("" if stem else " ")
                merged.setdefault(bounded, set()).add(entry.name)
    return merged


class Grammar:
    """Compiled rules plus the anchor automaton; build once with ``grammar()``."""

    def __init__(
        self, lex: Lexicon, rules: Iterable[Rule] = RULES, markers: Iterable[Marker] = MARKERS
    ) -> None:
        self.lex = lex
        rules, markers = tuple(rules), tuple(markers)
        frags = Fragments(lex)
        self.rules = rules
        self.patterns = {
            r.name: re.compile(r.pattern(frags), re.IGNORECASE if r.ignore_case else 0) for r in rules
        }
        handlers: dict[str, Handler] = {r.name: r.handler for r in rules}
        self._tries = {name: (rx.match, handlers[name]) for name, rx in self.patterns.items()}
        self._numbers = _NumberAnchors(rules)
        self._needs = {r.name: r.needs for r in rules if r.needs is not None}
        self._not_after_number = frozenset(r.name for r in rules if not r.after_number)
        # what to try at an anchor, per anchor's collection of names (the automaton's tuples and the number
        # anchors' sets live as long as the grammar: keyed by identity, built on first use)
        self._plans: dict[int, tuple[_Try, ...]] = {}
        entries: tuple[Rule | Marker, ...] = (*rules, *markers)
        mark_of = {e.name: e.mark for e in entries if e.mark is not None}
        self.automaton = ahocorasick.Automaton()
        for key, names in _word_anchors(frags, entries).items():
            marks = {mark_of.get(n) for n in names}
            marked = tuple(mark for mark in _MARK_ORDER if mark in marks)
            self.automaton.add_word(key, (len(key), tuple(sorted(names)), marked))
        self.automaton.make_automaton()

    def anchors(self, text: str, marks: dict[str, list[int]] | None = None) -> dict[int, Collection[str]]:
        """Start offsets where some rule may match, with the rules to try there; ``marks`` (when given) gets
        the starts of the words of each mark (unit words, months), unsorted."""
        found: dict[int, Collection[str]] = {}
        nums = self._numbers
        for m in _NUMBERS.finditer(text):  # number starts never coincide: plain assignment
            at, after_at = m.start(), m.end()
            size = after_at - at
            if not text[at].isdigit():
                found[at] = nums.roman
            elif size <= 2:
                after = text[after_at : after_at + 1]
                if after == ".":
                    found[at] = nums.dot
                elif after == "/":
                    found[at] = nums.slash
                elif after.isspace():
                    nxt = text[after_at + 1 : after_at + 2].lower()
                    rules = nums.by_next_letter.get(nxt, ()) if nxt.isalpha() else nums.short
                    if rules:
                        found[at] = rules
                elif after in ("-", "–", "—"):
                    found[at] = nums.short
                elif after.isalpha():
                    found[at] = nums.suffix
                elif after == ",":
                    found[at] = nums.comma
            elif size == 3:
                found[at] = nums.three
            elif size == 4:
                found[at] = nums.year_dash if text.startswith("-", after_at) else nums.year
        get = found.get
        for end, (size, names, marked) in self.automaton.iter(" " + word_letters(text) + " "):
            start = end - size + 1  # the key's leading space stands on the character before the word
            if marked and marks is not None:
                for mark in marked:
                    marks[mark].append(start)
            rules_at = get(start)
            if rules_at is None:
                found[start] = names  # a shared tuple; copied into a set only when a second key starts here
            else:
                found[start] = set(rules_at) | set(names)
        return found

    def _plan(self, names: Collection[str]) -> tuple[_Try, ...]:
        """(needed mark, not after a number, match, handler) of each rule among ``names``, in their order."""
        return tuple(
            (self._needs.get(name), name in self._not_after_number, *self._tries[name])
            for name in names
            if name in self._tries  # not a marker only ("month_abbr")
        )

    def scan(self, text: str) -> list[Cand]:
        """All candidate matches (overlapping) in ``text``."""
        out: list[Cand] = []
        marks: dict[str, list[int]] = {mark: [] for mark in _MARK_ORDER}
        found = self.anchors(text, marks)
        for ahead in marks.values():
            ahead.sort()
        lex, plans = self.lex, self._plans
        for pos, names in found.items():
            plan = None if type(names) is set else plans.get(id(names))
            if plan is None:
                plan = self._plan(names)
                if type(names) is not set:  # a set is a union made for this position only
                    plans[id(names)] = plan
            after_number = pos >= 2 and text[pos - 1] in " \xa0" and text[pos - 2].isdigit()
            reach: dict[str, bool] | None = None
            for need, not_after_number, match, handler in plan:
                if after_number and not_after_number:
                    continue  # "5 лет": the duration rule anchored at the number reads it
                if need is not None:  # a count or an ordinal with no unit (month) in reach cannot match
                    if reach is None:
                        reach = {}
                    ok = reach.get(need)
                    if ok is None:
                        ahead = marks[need]
                        i = bisect.bisect_left(ahead, pos)
                        ok = reach[need] = i < len(ahead) and ahead[i] - pos <= _REACH
                    if not ok:
                        continue
                m = match(text, pos)
                if m is None:
                    continue
                cand = handler(m, lex)
                if cand is not None:
                    out.append(cand)
        return out


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar(lexicon())
