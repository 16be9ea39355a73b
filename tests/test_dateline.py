"""Publication date stated by the text: datelines and "опубликовано" lines (newsfacts.extract.dates.dateline)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from newsfacts.extract.dates.dateline import infer_published
from newsfacts.ingest import CleanArticle, RawInput
from newsfacts.ingest.parse import parse_raw

REPO = Path(__file__).resolve().parents[1]

# (text, expected date, expected span text)
STATED = [
    ("МОСКВА, 12 апреля 2024 — Президент подписал указ.", date(2024, 4, 12), "МОСКВА, 12 апреля 2024"),
    ("Баку, 5 марта 2025 г. /Тренд/ Азербайджан и Казахстан...", date(2025, 3, 5), "Баку, 5 марта 2025"),
    ("АСТАНА. 12.04.2024. Сенат принял закон.", date(2024, 4, 12), "АСТАНА. 12.04.2024"),
    (
        "Экспорт зерна вырос.\n\nОпубликовано: 3 мая 2023 года",
        date(2023, 5, 3),
        "Опубликовано: 3 мая 2023 года",
    ),
    ("Новость дня.\nДата публикации: 01.02.2022 10:15", date(2022, 2, 1), "Дата публикации: 01.02.2022"),
]

NOT_STATED = [
    "В 2024 году, 12 апреля 2024 — рост экспорта.",  # no place opens the line
    "Москва, 12 апреля — без года.",  # no year: stays unknown
    "Казахстан, 2024 год был удачным.",
    "МОСКВА, 31 февраля 2024 — невозможная дата.",
    "Встреча прошла 12 апреля 2024 года в Москве.",  # a date in the text is not the publication date
]


@pytest.mark.parametrize("text, when, span", STATED)
def test_stated_publication_date(text: str, when: date, span: str) -> None:
    got = infer_published(text)
    assert got is not None
    assert got[0] == when
    assert text[got[1] : got[2]] == span


@pytest.mark.parametrize("text", NOT_STATED)
def test_no_stated_publication_date(text: str) -> None:
    assert infer_published(text) is None


def _parse(name: str, body: str) -> CleanArticle:
    raw = body.encode("utf-8")
    got = parse_raw(RawInput(name, raw, hashlib.sha256(raw).hexdigest(), "txt"))
    assert isinstance(got, CleanArticle)
    return got


def test_ingest_uses_the_dateline_when_nothing_else_gives_the_date() -> None:
    art = _parse("a.txt", "МОСКВА, 12 апреля 2024 — Правительство одобрило проект бюджета на 2025 год.\n")
    assert (art.published_date, art.published_date_source) == (date(2024, 4, 12), "text")


def test_header_wins_over_the_dateline() -> None:
    art = _parse("b.txt", "date 2025-12-18\n\nМОСКВА, 12 апреля 2024 — Правительство одобрило проект.\n")
    assert (art.published_date, art.published_date_source) == (date(2025, 12, 18), "header")


def test_no_dateline_stays_unknown() -> None:
    art = _parse("c.txt", "Правительство одобрило проект бюджета на 2025 год.\n")
    assert (art.published_date, art.published_date_source) == (None, "unknown")


def test_seed_without_header_stays_unknown() -> None:
    seed = REPO / "seeds" / "002_a33c8814e50c2989.txt"
    art = _parse(seed.name, seed.read_text(encoding="utf-8"))
    assert (art.published_date, art.published_date_source) == (None, "unknown")
