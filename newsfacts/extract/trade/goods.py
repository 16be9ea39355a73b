"""What is traded and along what: commodities (pymorphy3 lemmas) and named routes in a sentence."""

from __future__ import annotations

from functools import lru_cache

from newsfacts.extract.trade.lexicon import _WORD, _lex
from newsfacts.extract.trade.triggers import _Trigger


def _commodities(norm: str, s0: int, s1: int) -> list[tuple[int, str, str]]:
    """(position, name, hs) of distinct commodities in text order."""
    from newsfacts.extract.morph import lemma, lemmas

    comms = _lex().commodities
    starts = _commodity_prefixes()
    toks = [t for t in _WORD.finditer(norm[s0:s1]) if t.group()[:3] in starts]  # skip what cannot be one
    found: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    i = 0
    while i < len(toks):
        lem = lemmas(toks[i].group())
        hit = None
        if i + 1 < len(toks) and not norm[s0 + toks[i].end() : s0 + toks[i + 1].start()].strip():
            nxt = lemmas(toks[i + 1].group())
            hit = next((comms[f"{a} {b}"] for a in lem for b in nxt if f"{a} {b}" in comms), None)
            if hit is not None:
                i += 1
        if hit is None:
            hit = comms.get(lemma(toks[i].group()))  # best parse only: "стали" is not steel
        if hit is not None and hit[0] not in seen:
            seen.add(hit[0])
            found.append((toks[i].start() + s0, hit[0], hit[1]))
        i += 1
    return found


@lru_cache(maxsize=1)
def _commodity_prefixes() -> frozenset[str]:
    """The first three letters of every form of every commodity word ("угл" of "угля" as well as "уго"):
    a word starting otherwise is never lemmatised in the search for commodities."""
    from newsfacts.extract.morph import parses

    out: set[str] = set()
    for key in _lex().commodities:
        for word in key.split():
            out.add(word[:3])
            for p in parses(word)[:3]:
                out.update(f.word.replace("ё", "е")[:3] for f in p.lexeme)
    return frozenset(out)


def _routes(norm: str, s0: int, s1: int) -> list[tuple[int, int, str]]:
    """(start, end, route name) of the named routes in ``norm[s0:s1]`` that goods go along ("по ...")."""
    lex = _lex()
    return [
        (m.start(), m.end(), lex.routes[int(str(m.lastgroup)[1:])])
        for m in lex.route_re.finditer(norm, s0, s1)
        if lex.route_before_re.search(norm, max(s0, m.start() - 60), m.start())
    ]


def _route(routes: list[tuple[int, int, str]], trig: _Trigger, lo: int, hi: int) -> str | None:
    """The route nearest the trigger within its share of the sentence."""
    mine = [r for r in routes if lo <= r[0] < hi]
    return min(mine, key=lambda r: abs(r[0] - trig.start))[2] if mine else None


class _SentenceRoutes:
    """The named routes of one sentence, looked up (``_routes``) only when a trigger gets that far."""

    def __init__(self, norm: str, s0: int, s1: int) -> None:
        self._args = (norm, s0, s1)
        self._found: list[tuple[int, int, str]] | None = None

    def near(self, trig: _Trigger, lo: int, hi: int) -> str | None:
        if self._found is None:
            self._found = _routes(*self._args)
        return _route(self._found, trig, lo, hi)
