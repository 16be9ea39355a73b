"""Cleaning a decoded article body: unicode and whitespace normalisation, boilerplate lines, words hyphenated
across line breaks (also when a headline block was printed between the two halves), paragraphs.

``clean`` returns the body with paragraphs separated by one blank line, each paragraph on one line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from newsfacts.ingest.boilerplate import is_boilerplate
from newsfacts.ingest.lexicon import load_lexicon

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINE_BREAKS = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_HYPHEN_END = re.compile(r"([^\W_]+)[-\u2010]$")
_LEAD_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?…:;][»\"”’)\]]*$")
_OPEN_END = re.compile(r"[^\W_],?$")
_BULLET = re.compile(r"^(?:[-–—•*·▪►]|\d{1,2}[.)]\s)")
_HEADLINE_END_BAD = re.compile(r"[.,;:…\-\u2010]$")
_GLUED_SENTENCE = re.compile(r"[.!?](?<=[а-яё]{2}[.!?])(?=[А-ЯЁ](?!\.))")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_TAIL = 120  # end-anchored patterns only look at the last characters of a paragraph
_WS = re.compile(r"\s+")

_WRAPPED_LINE_MIN = 40  # a line at least this long without final punctuation continues on the next line
_HEADLINE_MAX_CHARS = 160
_HEADLINE_MAX_WORDS = 20
_HEADLINE_MAX_BLOCKS = 3
_COMBINING_VOWELS = ("о", "е", "и")
_MAX_PASSES = 4


class Cleaned(NamedTuple):
    title: str | None  # the likelier headline lifted out of the body, if any
    kicker: str | None  # a second lifted headline line (rubric), if any
    text: str
    repairs: tuple[str, ...]


@lru_cache(maxsize=1)
def _morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return bool(_morph().word_is_known(word.lower()))  # type: ignore[attr-defined]


def _normalise_lines(text: str, stats: Counter[str]) -> list[str]:
    text = _LINE_BREAKS.sub("\n", text.replace("\r\n", "\n"))
    text = text.replace("\u00ad\n", "-\n")
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text))
    text, n_controls = _CONTROLS.subn("", text)
    if n_controls:
        stats["removed_control_chars"] += n_controls
    return [" ".join(line.split()) for line in text.split("\n")]


def _continues(lines: list[str], i: int) -> bool:
    """Whether the sentence goes on after line i (an inline link like 'Twitter' on a line of its own)."""
    following = next((line for line in lines[i + 1 :] if line), "")
    return _starts_lower(following)


def _blocks(lines: list[str], stats: Counter[str]) -> list[list[str]]:
    """Groups of consecutive non-blank lines; boilerplate lines count as blank."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if line and is_boilerplate(line) and not _continues(lines, i):
            stats["removed_boilerplate"] += 1
            line = ""
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _starts_lower(line: str) -> bool:
    return line[:1].isalpha() and line[:1].islower()


def _is_headline(block: list[str]) -> bool:
    joined = " ".join(block)
    return (
        len(block) <= 2
        and len(joined) <= _HEADLINE_MAX_CHARS
        and len(joined.split()) <= _HEADLINE_MAX_WORDS
        and (joined[:1].isupper() or joined[:1] in '«"“')
        and _HEADLINE_END_BAD.search(joined) is None
        and any(ch.isalpha() for ch in joined)
    )


def _continuation_block(blocks: list[list[str]], start: int) -> int | None:
    """Index of the block that continues a hyphenated word, when blocks[start:k] are all headline-like."""
    for k in range(start, min(start + _HEADLINE_MAX_BLOCKS + 1, len(blocks))):
        if k > start and _starts_lower(blocks[k][0]):
            return k
        if not _is_headline(blocks[k]):
            return None
    return None


def _keep_hyphen(fragment: str, continuation: str) -> bool:
    """Evidence whether 'frag-' + 'cont' is a real compound (keep the hyphen) or a broken word (join)."""
    if not continuation or not continuation[0].islower() or fragment[-1].isdigit():
        return True  # Касым-Жомарта, 2025-2026: a broken word never goes on with a capital or a digit
    if _known(f"{fragment}-{continuation}"):
        return True  # торгово-экономических, социально-экономического
    if _known(fragment + continuation):
        return False  # Казахстана, исследований, грузоперевозок
    if not _known(continuation):
        return False  # Ка-захстана: the second half is no word on its own
    # дезертира-отца, казахско-азербайджанским, научно-экспертной
    return _known(fragment) or (len(fragment) >= 4 and fragment.lower().endswith(_COMBINING_VOWELS))


def _dehyphenate(current: str, line: str, stats: Counter[str]) -> str:
    m = _hyphen_end(current)
    assert m is not None
    fragment = m.group(1)
    word = _LEAD_WORD.match(line)
    if _keep_hyphen(fragment, word.group() if word else ""):
        stats["kept_hyphen_compound"] += 1
        return current + line
    stats["joined_hyphenation"] += 1
    return current[: m.end(1)] + line


def _hyphen_end(text: str) -> re.Match[str] | None:
    """The word fragment before a line-final hyphen, searched in the tail only (fast on long paragraphs)."""
    if not text.endswith(("-", "\u2010")):
        return None
    return _HYPHEN_END.search(text, max(len(text) - _TAIL, 0))


def _ends_open(paragraph: str) -> bool:
    """A paragraph that stops mid-word or mid-sentence (a column or page break of a printed layout)."""
    return _hyphen_end(paragraph) is not None or _OPEN_END.search(paragraph[-3:]) is not None


def _joins(last_line: str, line: str, next_line: str) -> bool:
    """Whether the next line of the same block continues the paragraph (hard-wrapped text, inline links)."""
    if _BULLET.match(line):
        return False
    if _starts_lower(line):
        return True
    if _SENTENCE_END.search(last_line[-8:]) is None:
        last_word = last_line.rsplit(" ", 1)[-1].lower()
        short_open = len(line) < _WRAPPED_LINE_MIN and _SENTENCE_END.search(line[-8:]) is None
        if last_word in load_lexicon("function_words.txt") or (short_open and _starts_lower(next_line)):
            return True  # "написал в своем" / "Twitter" / "сообщил ..."
    return len(last_line) >= _WRAPPED_LINE_MIN and _SENTENCE_END.search(last_line[-8:]) is None


def _next_in_block(units: list[tuple[str, int]], i: int) -> str:
    if i + 1 < len(units) and units[i + 1][1] == units[i][1]:
        return units[i + 1][0]
    return ""


def _assemble(blocks: list[list[str]], stats: Counter[str]) -> tuple[list[str], list[str]]:
    """Paragraphs, and the headline lines lifted out of the body."""
    units = [(line, bi) for bi, block in enumerate(blocks) for line in block]
    first_unit: dict[int, int] = {}
    for ui, (_, bi) in enumerate(units):
        first_unit.setdefault(bi, ui)
    paragraphs: list[str] = []
    lifted: list[str] = []
    current: str | None = None
    last_line = ""
    i = 0
    while i < len(units):
        line, bi = units[i]
        new_block = i == 0 or units[i - 1][1] != bi
        if current is None:
            current = line
        elif new_block and _ends_open(current):
            hyphen = _hyphen_end(current) is not None
            k = bi if _starts_lower(line) else _continuation_block(blocks, bi)
            if k is not None and k > bi:
                lifted.extend(" ".join(blocks[x]) for x in range(bi, k))
                stats["lifted_headline"] += k - bi
                i = first_unit[k]
                line = units[i][0]
            if hyphen:
                current = _dehyphenate(current, line, stats)
            elif k is not None:
                stats["joined_broken_paragraph"] += 1
                current = f"{current} {line}"
            else:
                paragraphs.append(current)
                current = line
        elif _hyphen_end(current):
            current = _dehyphenate(current, line, stats)
        elif not new_block and _joins(last_line, line, _next_in_block(units, i)):
            current = f"{current} {line}"
        else:
            paragraphs.append(current)
            current = line
        last_line = line
        i += 1
    if current is not None:
        paragraphs.append(current)
    return paragraphs, lifted


def _split_glued(paragraph: str, stats: Counter[str]) -> str:
    fixed, n = _GLUED_SENTENCE.subn(r"\g<0> ", paragraph)
    if n:
        stats["split_glued_sentences"] += n
    return fixed


def _pick_headlines(lifted: list[str]) -> tuple[str | None, str | None]:
    """The likelier headline (most words; the later one on a tie) and the other line as kicker."""
    if not lifted:
        return None, None
    ranked = sorted(enumerate(lifted), key=lambda item: (len(item[1].split()), item[0]), reverse=True)
    title = ranked[0][1]
    kicker = ranked[1][1] if len(ranked) > 1 else None
    return title, kicker


def _clean_once(text: str, stats: Counter[str]) -> tuple[str, list[str]]:
    lines = _normalise_lines(text, stats)
    paragraphs, lifted = _assemble(_blocks(lines, stats), stats)
    paragraphs = [_split_glued(p, stats) for p in paragraphs]
    return "\n\n".join(paragraphs), lifted


def clean(text: str) -> Cleaned:
    """Clean an article body; see the module docstring. Pure; idempotent on its own output text."""
    stats: Counter[str] = Counter()
    body, lifted = _clean_once(text, stats)
    for _ in range(_MAX_PASSES):  # later passes only matter for pathological input; stop at the fixpoint
        again, more = _clean_once(body, stats)
        lifted.extend(more)
        if again == body:
            break
        body = again
    title, kicker = _pick_headlines(lifted)
    repairs = tuple(f"{name}:{n}" for name, n in sorted(stats.items()) if name != "lifted_headline")
    if lifted:
        repairs += ("lifted_headline",)
    return Cleaned(title, kicker, body, repairs)


def clean_text(text: str) -> tuple[str | None, str, tuple[str, ...]]:
    """Clean an article body: ``(title lifted from the body or None, body, repairs)``."""
    cleaned = clean(text)
    return cleaned.title, cleaned.text, cleaned.repairs


def text_sha256(text: str) -> str:
    """sha256 of the normalised text (NFC, whitespace folded, lowercased): same article, several sources."""
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()
