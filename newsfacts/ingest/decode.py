"""Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, cp1251 or koi8-r, with ftfy mojibake repair.

The single-byte Cyrillic code pages decode any byte string, so the candidate that reads most like Russian
(lowercase Cyrillic letters weighted by their frequency) wins. Binary data (NUL bytes, file signatures of
images, archives, PDF, executables; many control characters) and hopeless input raise ``DecodeError``.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from ftfy import fix_encoding
from ftfy.badness import is_bad

from newsfacts.ingest.model import DecodeError

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF container (WebP/WAV/AVI)"),
    (b"PK\x03\x04", "a ZIP archive (or docx/xlsx/epub)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip stream"),
    (b"BZh91AY&SY", "a bzip2 stream"),
    (b"\xfd7zXZ\x00", "an xz stream"),
    (b"(\xb5/\xfd", "a zstd stream"),
    (b"7z\xbc\xaf'\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (doc/xls)"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
)

# relative frequencies of Russian lowercase letters (per cent); used to score single-byte decodings
_RU_FREQ = {
    "о": 10.97,
    "е": 8.45,
    "а": 8.01,
    "и": 7.35,
    "н": 6.70,
    "т": 6.26,
    "с": 5.47,
    "р": 4.73,
    "в": 4.54,
    "л": 4.40,
    "к": 3.49,
    "м": 3.21,
    "д": 2.98,
    "п": 2.81,
    "у": 2.62,
    "я": 2.01,
    "ы": 1.90,
    "ь": 1.74,
    "г": 1.70,
    "з": 1.65,
    "б": 1.59,
    "ч": 1.44,
    "й": 1.21,
    "х": 0.97,
    "ж": 0.94,
    "ш": 0.73,
    "ю": 0.64,
    "ц": 0.48,
    "щ": 0.36,
    "э": 0.32,
    "ф": 0.26,
    "ъ": 0.04,
    "ё": 0.04,
}
_NEUTRAL_PUNCT = set("«»—–…№“”„’‘•·°€")
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls but \t\n\v\f\r
# cheap pre-filter for ftfy's is_bad: UTF-8 read as latin-1/cp1252 (Ð°, Ã©, â€) or as cp1251 (Р°, СЃ)
_MOJIBAKE_PAIR = (
    "(?:[ÐÑÃÂâ][\u0080-\u02ff\u2010-\u203a]"
    "|[РС][\u0400-\u040f\u0450-\u045f\u00a1-\u00bf\u0490\u0491\u2010-\u203a\u2116])"
)
_MOJIBAKE_HINT = re.compile(f"{_MOJIBAKE_PAIR}{_MOJIBAKE_PAIR}|[\u0080-\u009f]")
_SINGLE_BYTE = ("cp1251", "koi8-r")
_MAX_CONTROL_SHARE = 0.01
_MAX_ODD_SHARE = 0.05
_MAX_LOSSY_UTF8_SHARE = 0.002


class Decoded(NamedTuple):
    text: str
    encoding: str
    repairs: tuple[str, ...]


def _char_weight(ch: str) -> float:
    if ch in _RU_FREQ:
        return 1.0 + _RU_FREQ[ch] / 2.0
    if "А" <= ch <= "Я" or ch == "Ё":
        return 0.3
    if ch.isascii() and (ch.isprintable() or ch in _ALLOWED_CONTROLS):
        return 0.5
    if ch in _NEUTRAL_PUNCT or ch == "\xa0":
        return 0.5
    return -3.0


def _plausibility(text: str) -> float:
    """Average per-character weight: high for Russian prose, low or negative for a wrong code page."""
    if not text:
        return 0.0
    return sum(_char_weight(ch) for ch in text) / len(text)


def _odd_share(text: str) -> float:
    odd = sum(1 for ch in text if _char_weight(ch) < 0 and not ch.isalpha())
    return odd / max(len(text), 1)


def _check_binary(raw: bytes) -> None:
    for sig, what in _SIGNATURES:
        if raw.startswith(sig):
            raise DecodeError("binary", f"the bytes start with the signature of {what} ({sig[:8]!r})")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DecodeError("binary", f"NUL byte at offset {nul} of {len(raw)} bytes")


def _check_controls(text: str, encoding: str) -> None:
    controls = [m.start() for m in _CONTROLS.finditer(text)]
    if len(controls) >= 3 and len(controls) > _MAX_CONTROL_SHARE * len(text):
        raise DecodeError(
            "binary",
            f"{len(controls)} control characters in {len(text)} characters decoded as {encoding} "
            f"(first at character {controls[0]})",
        )


def _decode_bom(raw: bytes) -> Decoded | None:
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, enc in boms:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(enc), enc, ())
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    "undecodable", f"starts with a {enc} byte order mark but byte {exc.start} is invalid"
                ) from None
    return None


def _repair_mojibake(text: str, encoding: str, repairs: tuple[str, ...]) -> Decoded:
    if _MOJIBAKE_HINT.search(text) and is_bad(text):
        fixed = fix_encoding(text)
        if fixed != text:
            return Decoded(fixed, encoding, (*repairs, "ftfy_fix_encoding"))
    return Decoded(text, encoding, repairs)


def _controls_checked(decoded: Decoded) -> Decoded:
    """Reject binary-looking text after the mojibake repair: UTF-8 read as latin-1 and saved again as UTF-8
    carries C1 control characters (U+0080-U+009F) that ftfy turns back into the Cyrillic letters they were."""
    _check_controls(decoded.text, decoded.encoding)
    return decoded


def decode(raw: bytes) -> Decoded:
    """Decode bytes to text; return the text, the encoding used and the repairs made.

    Raises:
        DecodeError: empty, binary or undecodable input (``.reason`` says which, ``.detail`` where).
    """
    if not raw:
        raise DecodeError("empty", "0 bytes")
    by_bom = _decode_bom(raw)
    if by_bom is not None:
        return _controls_checked(_repair_mojibake(by_bom.text, by_bom.encoding, ()))
    _check_binary(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        return _controls_checked(_repair_mojibake(text, "utf-8", ()))
    candidates: list[Decoded] = [Decoded(raw.decode(enc, errors="replace"), enc, ()) for enc in _SINGLE_BYTE]
    lossy = raw.decode("utf-8", errors="replace")
    n_bad = lossy.count("\ufffd")
    if n_bad <= _MAX_LOSSY_UTF8_SHARE * len(lossy):
        candidates.append(Decoded(lossy, "utf-8", (f"replaced_invalid_utf8:{n_bad}",)))
    best = max(candidates, key=lambda d: _plausibility(d.text))
    _check_controls(best.text, best.encoding)
    if _odd_share(best.text) > _MAX_ODD_SHARE:
        raise DecodeError(
            "undecodable",
            f"not valid UTF-8 (first invalid byte at offset {first_bad}) and no Cyrillic code page "
            f"reads as text ({_odd_share(best.text):.0%} unusual characters as {best.encoding})",
        )
    return _repair_mojibake(best.text, best.encoding, best.repairs)


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Decode bytes to ``(text, encoding)``; raise ``DecodeError`` if empty, binary or hopeless."""
    decoded = decode(raw)
    return decoded.text, decoded.encoding
