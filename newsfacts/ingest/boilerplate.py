"""Whole-line boilerplate (share buttons, widget labels) from the lexicon in data/boilerplate.txt."""

from __future__ import annotations

import re
from functools import lru_cache

from newsfacts.ingest.lexicon import load_lexicon

_MAX_LINE = 100
_NON_WORD = re.compile(r"[\W_]+")


def _norm(text: str) -> tuple[str, ...]:
    return tuple(_NON_WORD.sub(" ", text.lower().replace("ё", "е")).split())


@lru_cache(maxsize=1)
def _phrases() -> frozenset[tuple[str, ...]]:
    return frozenset(_norm(line) for line in load_lexicon("boilerplate.txt"))


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(len(p) for p in _phrases())


def is_boilerplate(line: str) -> bool:
    """True if the line consists only of boilerplate phrases (and share counters), e.g. 'Поделиться | 12'."""
    if len(line) > _MAX_LINE:
        return False
    tokens = _norm(line)
    if not tokens or len(tokens) > 12:
        return False
    phrases, longest = _phrases(), _max_len()
    # covered[i]: tokens[:i] splits into phrases and numbers; at least one phrase is required overall
    covered = [False] * (len(tokens) + 1)
    covered[0] = True
    for i in range(len(tokens)):
        if not covered[i]:
            continue
        if tokens[i].isdigit():
            covered[i + 1] = True
        for n in range(1, min(longest, len(tokens) - i) + 1):
            if tokens[i : i + n] in phrases:
                covered[i + n] = True
    return covered[-1] and not all(t.isdigit() for t in tokens)
