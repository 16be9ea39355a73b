"""The sentence split the date extractor reads its tense cues in (``newsfacts/extract/text.py``, shared by every
extractor) keeps its sentences when it is made faster: on real articles it cuts exactly where razdel's
``sentenize`` does, plus the three passes newsfacts adds (line breaks, stops glued to the next sentence, "2017 г."
deep in a sentence), computed here the plain way."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from newsfacts.extract.text import _year_ends, split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"
# a stop glued to a capitalised word after three lowercase letters (two Latin): "территории.В", "kz.Как"
GLUED = re.compile(r"(?:(?<=[а-яё]{3})|(?<=[a-z]{2}))[.!?…]+(?=[«\"]?[А-ЯЁ][а-яё\s])")


def reference_split(text: str) -> list[tuple[int, int]]:
    """The sentences the plain way: razdel's sentence ends, glued stops, line breaks, then "2017 г." ends."""
    from razdel import sentenize

    cuts = {s.stop for s in sentenize(text)}
    cuts.update(m.end() for m in GLUED.finditer(text))
    cuts.update(i for i, ch in enumerate(text) if ch == "\n")
    cuts.update(_year_ends(text, sorted(cuts)))
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        if piece.strip():
            out.append((a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())))
    return out


def _texts() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    news = SHARED / "corpus" / "news" / "ng_0.jsonlines.zip"
    if news.exists():
        with zipfile.ZipFile(news) as z:
            lines = [line for line in z.read(z.namelist()[0]).splitlines() if line.strip()]
        texts += [(f"ng_0:{i}", json.loads(line)["content"]) for i, line in enumerate(lines[:300])]
    for folder in (SHARED / "corpus" / "nerel" / "dev", SHARED / "corpus" / "rured"):
        texts += [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))[:150]]
    return texts


def test_split_keeps_its_sentences_on_real_articles() -> None:
    texts = _texts()
    if not texts:
        pytest.skip(
            f"real articles absent: {SHARED / 'corpus'} not found (needs ../shared beside the checkout)"
        )
    for name, text in texts:
        assert split_sentences(text) == reference_split(text), name


# (text, sentences): the cases the fast path decides without razdel's rules, and their neighbours
CASES = [
    (
        "Сделка закрыта в 2017 году. Москва вернула долг.",
        ["Сделка закрыта в 2017 году.", "Москва вернула долг."],
    ),
    ("Выступил Ким. Потом — пресс-конференция.", ["Выступил Ким.", "Потом — пресс-конференция."]),
    (
        "Цена 300 руб. Покупатели недовольны.",
        ["Цена 300 руб.", "Покупатели недовольны."],
    ),  # sokr, capital after
    ("Цена 300 руб. за литр.", ["Цена 300 руб. за литр."]),  # sokr, lowercase after: joined
    ("См. рис. 5 ниже.", ["См. рис. 5 ниже."]),
    ("1. Пункт первый.", ["1. Пункт первый."]),  # a bullet: joined
    ("IV. Итоги года.", ["IV. Итоги года."]),  # a Roman bullet: joined
    ("Итоги. Работа продолжается.", ["Итоги.", "Работа продолжается."]),  # a short sentence, a plain word
    ("Почему? Никто не знает!", ["Почему?", "Никто не знает!"]),
    ("на территории.В акции участвуют", ["на территории.", "В акции участвуют"]),
    ("Он сказал: «Да». Затем ушёл.", ["Он сказал: «Да».", "Затем ушёл."]),
    ("Т.е. всё ясно.", ["Т.е. всё ясно."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_cases(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected
    assert split_sentences(text) == reference_split(text)
