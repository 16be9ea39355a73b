"""The one sentence splitter: every extractor pairs words within these sentences, and every fact's evidence
``sentence`` is cut from them, so the window a fact was read in is the sentence it shows.

Sentences are razdel's (its rules and abbreviation lists decide every full stop), with three passes a news
text needs on top: a line break ends a sentence (a headline, a dateline, a paragraph without a final stop;
razdel joins lines); so does a stop glued to the next sentence after a word ("территории.В акции",
"Tengrinews.kz.Как": scraped text, where razdel sees no space and joins); and so does "2017 г." before a
capital deep in a sentence (razdel never ends one after the abbreviation "г."). razdel's rules are applied
as its ``sentenize`` applies them, but the delimiters whose outcome is certain (no space after, a lowercase word
after, a plain word before a capital, a closing quote not after a stop) are decided without building its split
objects: the same sentences (a test compares them on real articles), several times faster.

``sentences(text)`` is cached for the last few texts, so the extractors that run over one article share one split.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from razdel.segmenters.punct import CLOSE_BRACKETS, CLOSE_QUOTES, ENDINGS, GENERIC_QUOTES
from razdel.segmenters.sentenize import (
    DELIMITERS,
    FIRST_TOKEN,
    RULES,
    SMILES,
    SentSplit,
    is_lower_alpha,
)
from razdel.segmenters.sokr import HEAD_SOKRS, INITIALS, PAIR_SOKRS, SOKRS

# razdel's delimiters (``DELIMITER``: a smile ``SMILES`` or one of ``DELIMITERS``), but not those its first
# rules always join: one not followed by a space, or followed by a lowercase word; group "glued": a stop glued
# to a capitalised word, for the glued-sentence pass. The pattern opens with the class of every character a
# delimiter can start with, so the regex engine skips in C to the next such character (a leading lookahead
# hides the class from it and costs a try at every character); lookbehinds then say which branch that
# character starts, in razdel's order (smile, single delimiter), then a glued stop.
assert SMILES.startswith("[=:;]")
_NOT_LOWER_AFTER = r"(?=\s)(?!\s{1,9}[а-яёa-z]+(?![^\W\d]))"
_DELIMITER = re.compile(
    rf"[=:;{re.escape(DELIMITERS)}]"
    rf"(?:(?:(?<=[=:;]){SMILES[len('[=:;]') :]}|(?<=[{re.escape(DELIMITERS)}])){_NOT_LOWER_AFTER}"
    r"|(?<=[.!?…])(?P<glued>[.!?…]*)(?=[«\"]?[А-ЯЁ][а-яё\s]))"
)
_RULES = tuple(rule.function for rule in RULES)
# the delimiters whose fate razdel's rules settle for certain are decided here without them (most of them)
_TAIL = re.compile(r"[^\W\d]{2,}$")  # razdel's last token when it is a word of two letters or more
_RIGHT_PLAIN = re.compile(r"\s{1,9}(?:[«„(]|[‑–—−-]\s{1,3})?[А-ЯЁA-Z]")
_CLOSING = frozenset(CLOSE_QUOTES + CLOSE_BRACKETS + GENERIC_QUOTES)
_BULLET_SIZE = 20  # razdel's list_item: a sentence so far this short may be a bullet ("1.", "а)")
# words before "." razdel's sokr rules may join whatever follows: head abbreviations, initials, pair heads
_SOKR_HEADS = frozenset(HEAD_SOKRS | INITIALS | {pair[0] for pair in PAIR_SOKRS})
_ROMAN = re.compile(r"[IVXML]+")  # razdel's list_item counts a Roman numeral as a bullet
_WINDOW = 10  # razdel's SentSplitter window: the characters its rules see on each side of a delimiter
_LINE = re.compile(r"\n")
# a glued stop ends a sentence after three lowercase letters (two Latin: "kz.Как"), not after a capital or an
# initial ("А.Б.Петров", "т.ч."), and not before an acronym ("долл.США")
_GLUED_AFTER = re.compile(r"(?:[а-яё]{3}|[a-z]{2})$")
_YEAR_END = re.compile(r"(?<![\w.,])\d{4}\s?гг?\.(?=\s+[«\"]?[А-ЯЁ])")
_YEAR_OPENING = 4  # words of a sentence before its opening date ("Как заявил осенью 2016 г.")


def _razdel_cuts(text: str) -> list[int]:
    """The offsets after each delimiter where razdel's ``sentenize`` ends a sentence."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[list[int], list[int]]:
    """(razdel's sentence ends, the ends of stops glued to the next sentence) of ``text``, in one scan."""
    cuts: list[int] = []
    glued: list[int] = []
    last = 0
    for m in _DELIMITER.finditer(text):
        start, stop = m.span()
        if m.group("glued") is not None:
            if _GLUED_AFTER.search(text, max(0, start - 3), start):
                glued.append(stop)
            continue
        delimiter = m.group()
        if (
            delimiter in _CLOSING
            and start
            and text[start - 1] not in ENDINGS
            and not text[start - 1].isspace()
        ):
            continue  # razdel's close_quote / close_bracket: a quote or bracket not after a stop joins
        if delimiter in ".!?…" and _plain_end(text, start, stop, start - last > _BULLET_SIZE):
            cuts.append(stop)
            last = stop
            continue
        right = text[stop : stop + _WINDOW]
        token = FIRST_TOKEN.match(right)
        if token is None or is_lower_alpha(token.group(1)):
            continue  # empty_side / lower_right: join
        split = SentSplit(text[max(0, start - _WINDOW) : start], delimiter, right)
        split.buffer = text[last:start]
        if _joined(split):
            continue
        cuts.append(stop)
        last = stop
    return cuts, glued


def _plain_end(text: str, start: int, stop: int, long: bool) -> bool:
    """Whether razdel's rules end a sentence at the stop ``text[start:stop]`` (".", "!", "?", "…") for certain:
    a capital word follows (or an opening quote or bracket, or a dash, before one) and, for ".", a sign or a
    word of two letters or more that abbreviates nothing precedes it (for "!?…" anything). ``long``: the
    sentence so far is longer than a list item's bullet; razdel's list_item only joins a "." after bullets
    ("1.", "а.", "IV."), which a word that is no Roman numeral is not."""
    if _RIGHT_PLAIN.match(text, stop) is None:
        return False
    lo = max(0, start - _WINDOW)
    if text[start] != ".":
        return bool(text[lo:start].strip())  # a word or sign before it (razdel's empty_side)
    before = text[start - 1] if start else " "
    if not before.isalnum() and before != "_":
        return long and not before.isspace()  # a sign: no abbreviation rule applies
    word = _TAIL.search(text, lo, start)
    if word is None:
        return False
    left = word.group()
    if not long and _ROMAN.fullmatch(left):
        return False
    lower = left.lower()
    if lower in _SOKR_HEADS:
        return False
    if lower in SOKRS:  # razdel's sokr_left joins only before a digit, a sign or a lowercase word
        token = FIRST_TOKEN.match(text[stop : stop + _WINDOW])
        return token is not None and token.group(1).isalpha() and not token.group(1).islower()
    return True


def _joined(split: SentSplit) -> bool:
    """razdel's ``Segmenter.join``: the first rule with an opinion decides."""
    for rule in _RULES:
        action = rule(split)
        if action:
            return bool(action == "join")
    return False


def _year_ends(text: str, cuts: list[int]) -> list[int]:
    """Sentence ends after "2017 г." that razdel joins ("г." abbreviates, so it never ends a sentence there):
    before a capital, when more than a few words of the sentence come before the year ("... товарооборот с
    Россией в 2017 г. Москва вернула ..."); not in a sentence that opens with its date ("В ноябре 2017 г.
    Министерство ...", "Как заявил осенью 2016 г. Пётр Порошенко")."""
    out = []
    for m in _YEAR_END.finditer(text):
        begun = cuts[bisect_right(cuts, m.start()) - 1] if cuts and cuts[0] <= m.start() else 0
        if len(text[begun : m.start()].split()) > _YEAR_OPENING:
            out.append(m.end())
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``, stripped of surrounding whitespace, in text order."""
    razdel, glued = _scan(text)
    cuts = {*razdel, *glued}
    cuts.update(m.start() for m in _LINE.finditer(text))
    if "г." in text:
        cuts.update(_year_ends(text, sorted(cuts)))
    spans: list[tuple[int, int]] = []
    prev = 0
    for cut in [*sorted(cuts), len(text)]:
        if cut <= prev:
            continue
        a, b = prev, cut  # strip the whitespace around the piece (one or two characters: no copies)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        prev = cut
    return spans


class Sentences:
    """The sentences of one text, looked up by character offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = split_sentences(text)
        self.starts = [s for s, _ in self.spans]
        # the paragraph of each sentence: sentences with a line break between them are in different ones
        self.paragraphs: list[int] = []
        para, prev = 0, 0
        for a, b in self.spans:
            if text.find("\n", prev, a) >= 0:
                para += 1
            self.paragraphs.append(para)
            prev = b

    def index_of(self, pos: int) -> int:
        """The index of the sentence holding character ``pos`` (the nearest one before it between sentences)."""
        return max(bisect_right(self.starts, pos) - 1, 0)

    def bounds_of(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``pos``; the whole text if it has no sentences."""
        if not self.spans:
            return 0, len(self.text)
        return self.spans[self.index_of(pos)]

    def covering(self, start: int, end: int) -> str:
        """The sentence(s) covering ``text[start:end]`` (several if the span crosses a boundary)."""
        if not self.spans:
            return self.text[start:end]
        first = self.index_of(start)
        last = max(self.index_of(max(end - 1, start)), first)
        return self.text[self.spans[first][0] : self.spans[last][1]]


@lru_cache(maxsize=8)
def sentences(text: str) -> Sentences:
    """The sentences of ``text``, split once and shared by every extractor that reads the same article."""
    return Sentences(text)
