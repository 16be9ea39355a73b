"""Canonical names: indeclinable East Asian family names and -Vа names, double surnames, compounds of a known
noun, common nouns used as names. Real sentences of NEREL v1.1 dev (tests/data/entity_lemmas.tsv) in context;
forms without context (positives and negatives) through the normalisers alone."""

from __future__ import annotations

import pytest

from newsfacts.extract.entities import ContextTagger, mention_normal
from newsfacts.extract.names import normalize_person, normalize_phrase


@pytest.fixture(scope="module")
def context_tagger() -> ContextTagger:
    return ContextTagger()


@pytest.mark.parametrize(
    ("kind", "mention", "sentence", "normal"),
    [
        (
            "PER",
            "Дэн Сяопина",
            "работал в госкорпорации CITIC, созданной с одобрения Дэн Сяопина.",
            "Дэн Сяопин",
        ),
        (
            "PER",
            "Галину Юркову-Данелия",
            "сообщают СМИ со ссылкой на его жену Галину Юркову-Данелия.",
            "Галина Юркова-Данелия",
        ),
        (
            "PER",
            "Кассиа",
            "от брака с юристом Мариной Уилер — две дочери Лара и Кассиа, а также два сына",
            "Кассиа",
        ),
        (
            "PER",
            "Амаду Тумани Туре",
            "баллотировался на выборах президента, однако во втором туре проиграл Амаду Тумани Туре.",
            "Амаду Тумани Туре",
        ),
        (
            "LOC",
            "Мосгоризбиркому",
            "участники подобной встречи пошли к мэрии, а затем к Мосгоризбиркому, где требовали допуска",
            "Мосгоризбирком",
        ),
        # negatives: a woman's name and a Russian surname still decline in the same sentences
        (
            "PER",
            "Мариной Уилер",
            "от брака с юристом Мариной Уилер — две дочери Лара и Кассиа",
            "Марина Уилер",
        ),
    ],
)
def test_mention_normal_in_context(
    context_tagger: ContextTagger, kind: str, mention: str, sentence: str, normal: str
) -> None:
    start = sentence.index(mention)
    hints = context_tagger.hints(sentence, [(kind, start, start + len(mention))])[0]
    assert mention_normal(kind, mention, hints)[0] == normal


@pytest.mark.parametrize(
    ("span", "normal"),
    [
        ("Си Цзиньпином", "Си Цзиньпин"),
        ("Ли Пэна", "Ли Пэн"),
        ("Гарсиа", "Гарсиа"),
        # double surnames: both parts decline, or only the first before an indeclinable part
        ("Салтыкова-Щедрина", "Салтыков-Щедрин"),
        ("Петровой-Водкиной", "Петрова-Водкина"),
        ("Мамина-Сибиряка", "Мамин-Сибиряк"),
        # negatives: a declined European name is not an East Asian one; a compound first name declines last
        ("Яна Гуса", "Ян Гус"),
        ("Ким Чон Нама", "Ким Чон Нам"),  # NEREL train
        ("Пиа Сундхаге", "Пиа Сундхаге"),  # NEREL train
        ("Григория Михнова-Вайтенко", "Григорий Михнов-Вайтенко"),  # NEREL train
        ("Касым-Жомарта Токаева", "Касым-Жомарт Токаев"),
    ],
)
def test_normalize_person_forms(span: str, normal: str) -> None:
    assert normalize_person(span) == normal


@pytest.mark.parametrize(
    ("span", "normal"),
    [
        ("Облизбиркома", "Облизбирком"),
        ("Мосгоризбиркому", "Мосгоризбирком"),
        # negative: an unknown adjective with a known adjective's tail stays an adjective
        (
            "Транскаспийского международного транспортного маршрута",
            "Транскаспийский международный транспортный маршрут",
        ),
    ],
)
def test_normalize_phrase_compounds(span: str, normal: str) -> None:
    assert normalize_phrase(span) == normal
