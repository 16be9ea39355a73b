"""Decoding ladder: UTF-8, BOMs, cp1251, koi8-r, mojibake repair, binary and empty input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.ingest import DecodeError, decode, decode_bytes

SENTENCES = [
    "В преддверии Дня независимости в посольстве Казахстана в Баку состоялся круглый стол.",
    "Казахстан впервые стал основным поставщиком пшеницы на азербайджанский рынок.",
    "Объем торговли между Азербайджаном и Казахстаном более чем в 6 раз превысил прошлогодний показатель.",
    'Ёлка, щётка и "Транскаспийский международный транспортный маршрут" - 2026 год.',
    "Мир",
]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1251", "cp1251"),
        ("koi8-r", "koi8-r"),
        ("utf-16", "utf-16"),
    ],
)
def test_decodes_russian_in_each_encoding(sentence: str, codec: str, expected: str) -> None:
    text, encoding = decode_bytes(sentence.encode(codec))
    assert text == sentence
    assert encoding == expected


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        ("Текст с NUL\x00 внутри".encode(), "NUL byte at offset"),
        (bytes(range(1, 32)) * 4, "control characters"),
    ],
)
def test_binary_is_rejected(raw: bytes, what: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(raw)
    assert info.value.reason == "binary"
    assert what in info.value.detail


def test_empty_is_rejected() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"")
    assert info.value.reason == "empty"


def test_mojibake_is_repaired_with_ftfy() -> None:
    sentence = SENTENCES[0]
    mojibake = sentence.encode("utf-8").decode("cp1251").encode("utf-8")  # "Р’ РїСЂРµРґРґРІРµСЂРёРё..."
    decoded = decode(mojibake)
    assert decoded.text == sentence
    assert decoded.encoding == "utf-8"
    assert "ftfy_fix_encoding" in decoded.repairs


@pytest.mark.parametrize("sentence", ["Рёв моторов раздался над Каспием.", "Café au lait, naïve résumé."])
def test_clean_text_is_not_touched_by_the_mojibake_repair(sentence: str) -> None:
    decoded = decode(sentence.encode("utf-8"))
    assert decoded.text == sentence
    assert decoded.repairs == ()


def test_utf8_with_a_stray_invalid_byte_stays_utf8() -> None:
    sentence = SENTENCES[2] * 20
    raw = sentence.encode("utf-8") + b"\xff" + sentence.encode("utf-8")
    decoded = decode(raw)
    assert decoded.encoding == "utf-8"
    assert decoded.repairs == ("replaced_invalid_utf8:1",)
    assert decoded.text.startswith(sentence)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_bytes_only_raises_decode_error(raw: bytes) -> None:
    try:
        text, encoding = decode_bytes(raw)
    except DecodeError as exc:
        assert exc.reason in {"empty", "binary", "undecodable"}
    else:
        assert isinstance(text, str)
        assert encoding


_PLAIN = st.text(
    alphabet=st.sampled_from(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ abcXYZ019.,!?-«»—\n"
    ),
    min_size=1,
    max_size=500,
)


@settings(max_examples=200, deadline=None)
@given(_PLAIN, st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_unicode_text_round_trips(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec))[0] == text
