"""The detector's shortcuts give what the plain computations give: letter counts, and the passage split skipped
on a text without code characters."""

from __future__ import annotations

import re

import pytest

from newsfacts.extract.language import _CODE_CHARS, LanguageDetector, _letter_counts, passages

SAMPLES = [
    "Президент Казахстана Касым-Жомарт Токаев провёл встречу с делегацией Всемирного банка.",
    "Товарооборот вырос на 15% и составил $2,3 млрд. «Это рекорд», — отметил министр.",
    "Ел Президенті Қасым-Жомарт Тоқаев Дүниежүзілік банк делегациясымен кездесті.",
    "Президент України провів зустріч із делегацією Світового банку у Києві.",
    "The President of Kazakhstan met a World Bank delegation in Astana on Monday.",
    "Ёлка, ЁЖ и ёж: Ёё, ½ и ² — не буквы; ǅ, ß и ﬁ — буквы. 🙂",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_letter_counts_are_the_plain_counts(text: str) -> None:
    letters = sum(map(str.isalpha, text))
    russian = len(re.sub(r"[^а-яёА-ЯЁ]+", "", text))
    assert _letter_counts(text) == (letters, russian)


@pytest.mark.parametrize("text", [s for s in SAMPLES if s and not _CODE_CHARS.search(s)])
def test_a_text_without_code_characters_has_no_code_passage(text: str) -> None:
    assert all(not _CODE_CHARS.search(p) for p in passages(text))


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        ("ru", " ".join([SAMPLES[0]] * 5)),
        ("ru", " ".join([SAMPLES[1]] * 5)),
        ("kk", " ".join([SAMPLES[2]] * 5)),
        ("uk", " ".join([SAMPLES[3]] * 5)),
        ("en", " ".join([SAMPLES[4]] * 5)),
    ],
)
def test_labels_with_and_without_code_characters(expected: str, text: str) -> None:
    assert LanguageDetector().detect(text) == expected
