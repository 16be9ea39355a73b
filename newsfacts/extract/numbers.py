"""Russian number parsing: digit strings ("1,2", "1 200", "20.000") and number words ("двух миллиардов").

The lexicon (number words, scale words) lives in ``data/units_ru.yaml``; it is loaded on first use.
All functions work on *normalised* text: lowercase with "ё" replaced by "е" (same length as the original,
so offsets carry over), see :func:`normalise`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from newsfacts.extract.data import load_yaml as _load_data_yaml

# a digit group: "1 200 000,5" (space/nbsp thousands), "1.2", "20.000", "1,599,059.38"
DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?![\d])|\d+(?:[.,]\d+)*"
_DIGITS_RE = re.compile(DIGITS)
# case endings written after digits: "5-ти", "2-х", "10-ю"
_DIGIT_SUFFIX_RE = re.compile(r"-(?:х|ти|ми|ух|ех|ох|и|ю|ем|ом|го|му)(?!\w)")
_SPACE_RE = re.compile(r"\s*")
_HALF_RE = re.compile(r"\s+с\s+половиной(?!\w)")
_WORD_RE = re.compile(r"[а-я]+")
_GROUP_SPACES_RE = re.compile(r"[ \u00a0\u202f]")
_SEP_RE = re.compile(r"[.,]")
# powers of ten after a digit string: "1e27", "2,5e-3", "5·10^9", "5 × 10^9", and "10^9" itself (group "bare")
_POWER_RE = re.compile(
    r"(?:e(?P<e>[+-]?\d{1,3})|\s?[·×xх*]\s?10\s?\^\s?(?P<times>[+-]?\d{1,3})|\s?\^\s?(?P<bare>[+-]?\d{1,3}))"
    r"(?![\w^]|[.,]\d)"
)


_LAST_NORMALISED: tuple[str, str] = ("", "")  # (text, normalised): the extractors of one article share it


def normalise(text: str) -> str:
    """Lowercase and "ё" -> "е"; keeps the length so offsets stay valid."""
    global _LAST_NORMALISED
    last = _LAST_NORMALISED
    if text is last[0]:
        return last[1]
    norm = text.lower().replace("ё", "е")
    _LAST_NORMALISED = (text, norm)
    return norm


@dataclass(frozen=True)
class NumberLexicon:
    words: dict[str, float]  # number word form -> value
    scale_re: re.Pattern[str]  # one group per scale, named s<index>
    scale_values: tuple[float, ...]
    half_scale_re: re.Pattern[str]
    half_scale_values: tuple[float, ...]
    word_re: re.Pattern[str]  # any number word form (for anchors)


def _alternation(patterns: list[str], prefix: str) -> str:
    return "|".join(f"(?P<{prefix}{i}>{p})" for i, p in enumerate(patterns))


def load_yaml() -> dict[str, Any]:
    """The raw units/numbers lexicon (``data/units_ru.yaml``; parsed once, shared: read, never change it)."""
    lexicon: dict[str, Any] = _load_data_yaml("units_ru.yaml")
    return lexicon


@lru_cache(maxsize=1)
def lexicon() -> NumberLexicon:
    """The number-word lexicon, compiled once."""
    data = load_yaml()
    words = {str(form): float(value) for value, forms in data["number_words"].items() for form in forms}
    scales = sorted(((float(v), p) for v, p in data["scales"].items()), key=lambda x: x[0])
    halves = sorted(((float(v), p) for v, p in data["half_scales"].items()), key=lambda x: x[0])
    end = r"(?!\w)"
    scale_re = re.compile(f"(?:{_alternation([p for _, p in scales], 's')}){end}")
    half_re = re.compile(f"(?:{_alternation([p for _, p in halves], 'h')}){end}")
    forms = sorted(words, key=len, reverse=True)
    word_re = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    return NumberLexicon(
        words=words,
        scale_re=scale_re,
        scale_values=tuple(v for v, _ in scales),
        half_scale_re=half_re,
        half_scale_values=tuple(v for v, _ in halves),
        word_re=word_re,
    )


def parse_digits(s: str, *, decimal_comma_only: bool = False) -> float:
    """Parse a digit string as written in Russian text.

    "1,2" -> 1.2; "1.2" -> 1.2; "1 200" -> 1200; "2 134 472,44" -> 2134472.44; "20.000" -> 20000 (a single
    separator followed by exactly three digits is a thousands separator unless ``decimal_comma_only``);
    "1,599,059.38" -> 1599059.38.
    """
    if not s.isdigit():
        s = _GROUP_SPACES_RE.sub("", s)
    seps = [c for c in s if c in ".,"]
    if not seps:
        return float(s)
    if len(seps) == 1:
        head, tail = _SEP_RE.split(s)
        if len(tail) == 3 and head not in ("", "0") and not decimal_comma_only:
            return float(head + tail)
        return float(head + "." + tail)
    last = seps[-1]
    if all(c == last for c in seps):  # "1.200.000"
        return float(s.replace(last, ""))
    other = "," if last == "." else "."
    return float(s.replace(other, "").replace(last, "."))


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    start: int
    end: int
    scale: float  # the largest multiplier word applied (1.0 when none)
    words: bool  # written (at least partly) in words
    only_scale: bool  # a lone scale word: "миллион", "тысячу"
    digits_text: str = ""  # the digit string, when written in digits


def _match_scale(norm: str, pos: int) -> tuple[float, int] | None:
    lex = lexicon()
    m = lex.scale_re.match(norm, pos)
    if m and m.lastgroup:
        return lex.scale_values[int(m.lastgroup[1:])], m.end()
    return None


def _match_half_scale(norm: str, pos: int) -> tuple[float, int] | None:
    lex = lexicon()
    m = lex.half_scale_re.match(norm, pos)
    if m and m.lastgroup:
        return lex.half_scale_values[int(m.lastgroup[1:])] / 2, m.end()
    return None


def _word_at(norm: str, pos: int) -> tuple[float, int] | None:
    m = _WORD_RE.match(norm, pos)
    if not m:
        return None
    value = lexicon().words.get(m.group())
    return (value, m.end()) if value is not None else None


def _skip_space(norm: str, pos: int) -> int:
    m = _SPACE_RE.match(norm, pos)
    return m.end() if m else pos


def _scales_after(norm: str, pos: int, value: float) -> tuple[float, int, float]:
    """Apply scale words after a number, including compounds "1 млн 200 тыс." -> (value, end, scale)."""
    scale = 1.0
    sc = _match_scale(norm, _skip_space(norm, pos))
    if sc is None:
        return value, pos, scale
    scale, pos = sc[0], sc[1]
    total = value * scale
    while True:  # "1 млн 200 тыс.", "3 миллиона 369,6 тысячи"
        p = _skip_space(norm, pos)
        m = _DIGITS_RE.match(norm, p)
        if not m:
            break
        sc2 = _match_scale(norm, _skip_space(norm, m.end()))
        if sc2 is None or sc2[0] >= scale:
            break
        total += parse_digits(m.group(), decimal_comma_only=True) * sc2[0]
        pos = sc2[1]
    return total, pos, scale


def parse_number(norm: str, pos: int) -> ParsedNumber | None:
    """Parse a number (digits or words, with scale words) starting exactly at ``pos`` of normalised text."""
    m = _DIGITS_RE.match(norm, pos)
    if m:
        if (power := _POWER_RE.match(norm, m.end())) is not None:
            return _power(norm, pos, m.group(), power)
        end = m.end()
        sfx = _DIGIT_SUFFIX_RE.match(norm, end)
        has_scale = _match_scale(norm, _skip_space(norm, end)) is not None
        base = parse_digits(m.group(), decimal_comma_only=has_scale)
        if sfx:
            end = sfx.end()
        value, end2, scale = _scales_after(norm, end, base)
        return ParsedNumber(value, pos, end2, scale, False, False, m.group())
    return _parse_words(norm, pos)


def _power(norm: str, pos: int, digits: str, power: re.Match[str]) -> ParsedNumber | None:
    """A number written with a power of ten, read as the power ("1e27" -> 1e27, "10^9" -> 1e9) or not at all:
    None for another base ("2^10") or a value no float holds ("10^400")."""
    if power["bare"] is not None:
        if digits != "10":
            return None
        mantissa, exponent = 1.0, int(power["bare"])
    else:
        mantissa, exponent = parse_digits(digits, decimal_comma_only=True), int(power["e"] or power["times"])
    value = float(Decimal(repr(mantissa)).scaleb(exponent))  # 1e23 exactly, not 1.0000000000000001e+23
    if not math.isfinite(value) or (value == 0.0 and mantissa != 0.0):
        return None
    end = power.end()
    value, end, scale = _scales_after(norm, end, value)
    return ParsedNumber(value, pos, end, scale, False, False, norm[pos : power.end()])


def _parse_words(norm: str, pos: int) -> ParsedNumber | None:
    total = 0.0
    current = 0.0
    end = pos
    p = pos
    max_scale = 1.0
    seen_small = False
    seen_any = False
    while True:
        half = _match_half_scale(norm, p)
        if half is not None:
            total += (current or 1.0) * half[0]
            current = 0.0
            max_scale = max(max_scale, half[0] * 2)
            end = half[1]
            seen_small = seen_any = True
        else:
            sc = _match_scale(norm, p)
            w = _word_at(norm, p) if sc is None else None
            if sc is not None:
                total += (current or 1.0) * sc[0]
                current = 0.0
                max_scale = max(max_scale, sc[0])
                end = sc[1]
                seen_any = True
            elif w is not None:
                current += w[0]
                end = w[1]
                seen_small = seen_any = True
                h = _HALF_RE.match(norm, end)
                if h:
                    current += 0.5
                    end = h.end()
            else:
                break
        nxt = _skip_space(norm, end)
        if nxt == end or nxt - end > 2:
            break
        p = nxt
    if not seen_any:
        return None
    return ParsedNumber(total + current, pos, end, max_scale, True, not seen_small)
