"""Tests of newsfacts.extract.dates: tables of real Russian sentences with the expected normalisation."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.extract.dates import extract_dates
from newsfacts.extract.types import DateMention

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]
PUB = date(2025, 12, 18)  # a Thursday; the publication date of seed 000
D = date


def only(text: str, published: date | None = PUB) -> DateMention:
    found = extract_dates(text, published)
    assert len(found) == 1, f"expected one mention in {text!r}, got {[m.text for m in found]}"
    return found[0]


# (sentence, mention text, start, end, granularity, year_known)
ABSOLUTE = [
    (
        "Саммит прошел 19 августа 2022 года в Баку.",
        "19 августа 2022 года",
        D(2022, 8, 19),
        D(2022, 8, 19),
        "day",
        True,
    ),
    ("Документ подписан 19.08.2022 в Астане.", "19.08.2022", D(2022, 8, 19), D(2022, 8, 19), "day", True),
    ("Отчет опубликован 2022-08-19.", "2022-08-19", D(2022, 8, 19), D(2022, 8, 19), "day", True),
    (
        "Соглашение вступило в силу 1-го марта 2021 г.",
        "1-го марта 2021 г.",
        D(2021, 3, 1),
        D(2021, 3, 1),
        "day",
        True,
    ),
    (
        "Договор подписан в августе 2022 г. в Ташкенте.",
        "в августе 2022 г.",
        D(2022, 8, 1),
        D(2022, 8, 31),
        "month",
        True,
    ),
    (
        "В 2025 году Казахстан впервые стал основным поставщиком пшеницы.",
        "В 2025 году",
        D(2025, 1, 1),
        D(2025, 12, 31),
        "year",
        True,
    ),
    ("Урожай 2025 г. оказался рекордным.", "2025 г.", D(2025, 1, 1), D(2025, 12, 31), "year", True),
    (
        "Визит президента АР Ильхама Алиева в Казахстан, состоявшийся в октябре 2025 года.",
        "в октябре 2025 года",
        D(2025, 10, 1),
        D(2025, 10, 31),
        "month",
        True,
    ),
    (
        "Трубопровод построен в 1997 г. и модернизирован позже.",
        "в 1997 г.",
        D(1997, 1, 1),
        D(1997, 12, 31),
        "year",
        True,
    ),
    ("Город вырос в апреле 1945-го.", "в апреле 1945-го", D(1945, 4, 1), D(1945, 4, 30), "month", True),
    ("Выручка упала в 2016-м.", "в 2016-м", D(2016, 1, 1), D(2016, 12, 31), "year", True),
    (
        "Порт активно строился в 2020-х годах.",
        "в 2020-х годах",
        D(2020, 1, 1),
        D(2029, 12, 31),
        "decade",
        True,
    ),
    ("Так было в 1990-е годы.", "в 1990-е годы", D(1990, 1, 1), D(1999, 12, 31), "decade", True),
    ("Регион пережил кризис в 90-х.", "в 90-х", D(1990, 1, 1), D(1999, 12, 31), "decade", True),
    (
        "В девяностые годы двадцатого века связи ослабли.",
        "В девяностые годы двадцатого века",
        D(1990, 1, 1),
        D(1999, 12, 31),
        "decade",
        True,
    ),
    ("Это главный вызов в XXI веке.", "в XXI веке", D(2001, 1, 1), D(2100, 12, 31), "century", True),
    # Cyrillic look-alikes in Roman numerals (NG: "ХХI века" = Cyrillic ХХ + Latin I), and all-Cyrillic "ХХ"
    ("Однако начало ХХI века выявило риски.", "начало ХХI века", D(2001, 1, 1), D(2033, 12, 31), "part_of_year",
     True),
    ("Так было в ХХ веке.", "в ХХ веке", D(1901, 1, 1), D(2000, 12, 31), "century", True),
    ("Крепость построена в 15 веке.", "в 15 веке", D(1401, 1, 1), D(1500, 12, 31), "century", True),
    (
        "Фестиваль пройдет с 1 по 5 мая 2026 года.",
        "с 1 по 5 мая 2026 года",
        D(2026, 5, 1),
        D(2026, 5, 5),
        "day",
        True,
    ),
    ("Выставка открыта 1–5 мая 2024 года.", "1–5 мая 2024 года", D(2024, 5, 1), D(2024, 5, 5), "day", True),
    (
        "С 16 апреля по 19 мая 2019 года действовал карантин.",
        "С 16 апреля по 19 мая 2019 года",
        D(2019, 4, 16),
        D(2019, 5, 19),
        "day",
        True,
    ),
    (
        "Экспорт за январь–сентябрь 2023 года вырос на 5%.",
        "за январь–сентябрь 2023 года",
        D(2023, 1, 1),
        D(2023, 9, 30),
        "month",
        True,
    ),
    (
        "Объем транзита в 2021–2023 годах удвоился.",
        "в 2021–2023 годах",
        D(2021, 1, 1),
        D(2023, 12, 31),
        "year",
        True,
    ),
    (
        "Он руководил компанией с 1994 по 2000 годы.",
        "с 1994 по 2000 годы",
        D(1994, 1, 1),
        D(2000, 12, 31),
        "year",
        True,
    ),
    (
        "Рост ВВП в первом квартале 2024 года составил 4%.",
        "в первом квартале 2024 года",
        D(2024, 1, 1),
        D(2024, 3, 31),
        "quarter",
        True,
    ),
    (
        "Во II полугодии 2024 года перевозки выросли.",
        "Во II полугодии 2024 года",
        D(2024, 7, 1),
        D(2024, 12, 31),
        "half",
        True,
    ),
    (
        "Итоги за 3-й квартал 2023 г. опубликованы.",
        "за 3-й квартал 2023 г.",
        D(2023, 7, 1),
        D(2023, 9, 30),
        "quarter",
        True,
    ),
    (
        "Завершение планируется в конце 2026 года.",
        "в конце 2026 года",
        D(2026, 9, 1),
        D(2026, 12, 31),
        "part_of_year",
        True,
    ),
    (
        "Работы начнутся в начале 2026 года.",
        "в начале 2026 года",
        D(2026, 1, 1),
        D(2026, 4, 30),
        "part_of_year",
        True,
    ),
    ("Так было в конце 1980-х.", "в конце 1980-х", D(1987, 1, 1), D(1989, 12, 31), "part_of_year", True),
    (
        "Весной 2012 года начались протесты.",
        "Весной 2012 года",
        D(2012, 3, 1),
        D(2012, 5, 31),
        "part_of_year",
        True,
    ),
    (
        "Это случилось двадцать четвёртого февраля 2022 года.",
        "двадцать четвёртого февраля 2022 года",
        D(2022, 2, 24),
        D(2022, 2, 24),
        "day",
        True,
    ),
    (
        "Закон принят в две тысячи двадцатом году.",
        "в две тысячи двадцатом году",
        D(2020, 1, 1),
        D(2020, 12, 31),
        "year",
        True,
    ),
    (
        "Официально в среду, 29 апреля 2020 года, объявили итоги.",
        "в среду, 29 апреля 2020 года",
        D(2020, 4, 29),
        D(2020, 4, 29),
        "day",
        True,
    ),
    ("Карьеру он начал в 1973 и быстро продвинулся.", "в 1973", D(1973, 1, 1), D(1973, 12, 31), "year", True),
    ("Альбом The Fat Of The Land (1997) стал хитом.", "1997", D(1997, 1, 1), D(1997, 12, 31), "year", True),
]


@pytest.mark.parametrize("sentence, text, start, end, granularity, year_known", ABSOLUTE)
def test_absolute(
    sentence: str, text: str, start: date, end: date, granularity: str, year_known: bool
) -> None:
    m = only(sentence)
    assert (m.text, m.start_date, m.end_date, m.granularity, m.year_known) == (
        text,
        start,
        end,
        granularity,
        year_known,
    )
    assert sentence[m.start_char : m.end_char] == m.text
    assert m.anchor == "none" and not m.is_relative


# year-less and relative expressions, resolved against PUB = Thursday 2025-12-18
RELATIVE = [
    ("Заседание прошло 19 августа в Нур-Султане.", "19 августа", D(2025, 8, 19), D(2025, 8, 19), "day"),
    ("Фестиваль прошел с 1 по 5 мая.", "с 1 по 5 мая", D(2025, 5, 1), D(2025, 5, 5), "day"),
    ("Переговоры шли в мае и июне.", "в мае и июне", D(2025, 5, 1), D(2025, 6, 30), "month"),
    ("Меморандум был подписан в мае этого года.", "в мае этого года", D(2025, 5, 1), D(2025, 5, 31), "month"),
    ("Он выступил вчера в парламенте.", "вчера", D(2025, 12, 17), D(2025, 12, 17), "day"),
    ("Сегодня начался форум.", "Сегодня", D(2025, 12, 18), D(2025, 12, 18), "day"),
    ("В прошлом году товарооборот вырос.", "В прошлом году", D(2024, 1, 1), D(2024, 12, 31), "year"),
    ("В этом году урожай выше.", "В этом году", D(2025, 1, 1), D(2025, 12, 31), "year"),
    ("в текущем году объем торговли вырос", "в текущем году", D(2025, 1, 1), D(2025, 12, 31), "year"),
    ("Тарифы изменят в следующем месяце.", "в следующем месяце", D(2026, 1, 1), D(2026, 1, 31), "month"),
    ("На прошлой неделе министр посетил Баку.", "На прошлой неделе", D(2025, 12, 8), D(2025, 12, 14), "week"),
    # offsets from the publication day (Duckling's reading): the month for whole years, else the day
    ("Три года назад проект заморозили.", "Три года назад", D(2022, 12, 1), D(2022, 12, 31), "month"),
    ("Через два года линия будет готова.", "Через два года", D(2027, 12, 1), D(2027, 12, 31), "month"),
    ("Делегация прибыла в среду.", "в среду", D(2025, 12, 17), D(2025, 12, 17), "day"),
    ("Делегация прибыла в пятницу.", "в пятницу", D(2025, 12, 12), D(2025, 12, 12), "day"),
    ("Заседание состоится в пятницу.", "в пятницу", D(2025, 12, 19), D(2025, 12, 19), "day"),
    ("показатель превысил прошлогодний", "прошлогодний", D(2024, 1, 1), D(2024, 12, 31), "year"),
    (
        "Рост ВВП в первом квартале составил 4%.",
        "в первом квартале",
        D(2025, 1, 1),
        D(2025, 3, 31),
        "quarter",
    ),
    (
        "в первой половине текущего года объем торговли вырос",
        "в первой половине текущего года",
        D(2025, 1, 1),
        D(2025, 6, 30),
        "half",
    ),
    ("План выполнят к концу года.", "к концу года", D(2025, 9, 1), D(2025, 12, 31), "part_of_year"),
    (
        "Это случилось двадцать четвёртого февраля.",
        "двадцать четвёртого февраля",
        D(2025, 2, 24),
        D(2025, 2, 24),
        "day",
    ),
    ("Выборы пройдут 15 января.", "15 января", D(2026, 1, 15), D(2026, 1, 15), "day"),
    ("Полгода назад цены были ниже.", "Полгода назад", D(2025, 6, 18), D(2025, 6, 18), "day"),
]


@pytest.mark.parametrize("sentence, text, start, end, granularity", RELATIVE)
def test_relative_to_publication(sentence: str, text: str, start: date, end: date, granularity: str) -> None:
    m = only(sentence)
    assert (m.text, m.start_date, m.end_date, m.granularity, m.year_known) == (
        text,
        start,
        end,
        granularity,
        True,
    )
    assert m.anchor == "publication"


# the same expressions when the publication date is unknown: month/day kept, year and dates unknown
UNKNOWN_YEAR = [
    ("19 августа в Нур-Султане состоялось заседание.", "19 августа", "day", 8, 19),
    ("Меморандум был подписан в мае этого года.", "в мае этого года", "month", 5, None),
    (
        "в первой половине текущего года объем торговли вырос",
        "в первой половине текущего года",
        "half",
        None,
        None,
    ),
    ("В прошлом году товарооборот вырос.", "В прошлом году", "year", None, None),
    ("Он выступил вчера в парламенте.", "вчера", "day", None, None),
    ("Делегация прибыла в среду.", "в среду", "day", None, None),
    ("Рост ВВП в первом квартале составил 4%.", "в первом квартале", "quarter", None, None),
]


@pytest.mark.parametrize("sentence, text, granularity, month, day", UNKNOWN_YEAR)
def test_unknown_publication_keeps_year_unknown(
    sentence: str, text: str, granularity: str, month: int | None, day: int | None
) -> None:
    m = only(sentence, None)
    assert (m.text, m.granularity, m.month, m.day) == (text, granularity, month, day)
    assert m.year_known is False and m.year is None and m.start_date is None and m.end_date is None


TENSES = [
    ("Завершение прокладки планируется в конце 2026 года.", PUB, "future"),
    ("Азербайджанская сторона ожидает в 2026 году дальнейший прогресс.", PUB, "future"),
    ("Визит состоялся в октябре 2025 года.", PUB, "past"),
    ("В 2025 году Казахстан впервые стал основным поставщиком.", PUB, "past"),
    ("К 2030 году объем вырастет.", None, "future"),
    ("в первой половине текущего года объем торговли превысил прошлый уровень", None, "past"),
    ("В следующем году будет построен порт.", None, "future"),
    ("Три года назад проект заморозили.", None, "past"),
]


@pytest.mark.parametrize("sentence, published, tense", TENSES)
def test_tense(sentence: str, published: date | None, tense: str) -> None:
    assert only(sentence, published).tense == tense


NOT_DATES = [
    # a person's age is not a date (NEREL annotates ages as AGE): no date_mentions row
    "25-летний мужчина задержан в Алматы.",
    "Ему было 64 года.",
    "Он умер от рака в 24 года.",
    "Пенсионный возраст для мужчин повысят до 65 лет.",
    "Новоиспеченная жена футболиста знакома с ним с тех пор, когда ему было всего пять лет.",
    "Кравцову 39 лет, он руководил министерством.",
    "Среди пострадавших девочка 8 лет.",
    "Сейчас совладельцу Gunvor 60 лет, из них 20 он прожил за границей.",
    "Кампанию начали по инициативе сорокалетнего владельца местной пошивочной мастерской.",
    "Новый глава ведомства на несколько месяцев старше своего коллеги.",
    "Представитель фирмы АХІ заявил о планах.",  # Cyrillic Х + І inside a word: no Roman numeral
    "Президент прибыл для участия в XII Саммите ОТГ.",
    "в период 44-дневной войны общественность дала понять",
    "Экспорт пшеницы составил 1,2 млн тонн.",
    "объем торговли более чем в 6 раз превысил показатель",
    "Звоните по телефону +7 (7172) 74-55-12.",
    "Встреча начнется в 10:00 по местному времени.",
    "Хранилище вмещает 2025 тонн зерна.",
    "Склад принял в 2025 тонн зерна больше.",
    "Это влияет на состояние окружающей среды.",
    "Марта Иванова возглавила комитет.",
    "В Нур-Султане прошел форум по энергетике.",
    "Комплекс рассчитан на 1500 мест.",
    "В то же время экспорт нефти вырос.",
    "В то время как экспорт рос, импорт падал.",
    "Цены на рыбу выросли в 2 раза.",
    "Фильм «Один день Ивана Денисовича» вышел на экраны.",
    "Ставка составила 17 процентов годовых.",
    "Сегодняшний день рождения отметили скромно, а годовой отчет опубликован.",
]


@pytest.mark.parametrize("sentence", NOT_DATES)
def test_not_dates(sentence: str) -> None:
    assert [m.text for m in extract_dates(sentence, PUB) if m.text != "Сегодняшний день"] == []


# not points on the calendar, but date mentions of another kind (no start/end date):
# (sentence, mention text, kind, granularity, duration_days)
NON_POINTS = [
    ("Цена выросла на 15 процентов за 12 месяцев.", "за 12 месяцев", "duration", "month", 365.25),
    ("Строительство займет два года.", "два года", "duration", "year", 730.5),
    ("Лаос будет выплачивать долг в течение трех лет.", "в течение трех лет", "duration", "year", 1095.75),
    ("Он проработал в компании около 30 лет.", "около 30 лет", "duration", "year", 10957.5),
    ("Его арестовали на 10 суток.", "на 10 суток", "duration", "day", 10.0),
    ("Проект займет полтора года.", "полтора года", "duration", "year", 547.875),
    ("Кредит выдан на полгода.", "на полгода", "duration", "month", 182.625),
    ("Выручка за год сократилась в пять раз.", "за год", "duration", "year", 365.25),
    ("Переговоры шли несколько месяцев.", "несколько месяцев", "duration", "month", None),
    ("В последние годы спрос падает.", "В последние годы", "duration", "year", None),
    ("Подписан трехлетний контракт.", "трехлетний", "duration", "year", 1095.75),
    ("Приговор не повлияет на результаты десятилетних научных исследований.", "десятилетних", "duration", "year",
     3652.5),
    ("Суд приговорил его к лишению свободы на 5 лет.", "на 5 лет", "duration", "year", 1826.25),
    ("Мощность газопровода — 63 млрд кубометров газа в год.", "в год", "frequency", "year", None),
    (
        "Завод перерабатывает 420 тысяч баррелей нефти в сутки, сообщили в компании.",
        "в сутки",
        "frequency",
        "day",
        None,
    ),
    ("Пенсии индексируются ежегодно.", "ежегодно", "frequency", "year", None),
    ("Выборы проходят каждые пять лет.", "каждые пять лет", "frequency", "year", None),
    ("Зарплата выросла на 10,4 процента в годовом выражении.", "в годовом", "frequency", "year", None),
    ("В том же году он переехал в Баку.", "В том же году", "reference", "year", None),
    ("На следующий день сделку отменили.", "На следующий день", "reference", "day", None),
    ("Годом ранее экспорт был вдвое меньше.", "Годом ранее", "reference", "year", None),
    ("Двумя неделями ранее министр посетил Ташкент.", "Двумя неделями ранее", "reference", "week", None),
    ("В тот же день президент подписал указ.", "В тот же день", "reference", "day", None),
    ("Инфляция по итогам года составит 9 процентов.", "года", "reference", "year", None),
    ("В первый день форума подписали соглашения.", "В первый день", "reference", "day", None),
    ("В разные годы он возглавлял министерство.", "В разные годы", "reference", "year", None),
]


@pytest.mark.parametrize("sentence, text, kind, granularity, days", NON_POINTS)
def test_non_points(sentence: str, text: str, kind: str, granularity: str, days: float | None) -> None:
    m = only(sentence)
    assert (m.text, m.kind, m.granularity, m.duration_days) == (text, kind, granularity, days)
    assert m.start_date is None and m.end_date is None and m.year_known is False
    assert sentence[m.start_char : m.end_char] == m.text


# vague relative points: a point in time without a resolvable date
VAGUE = [
    ("Несколько дней назад министр посетил Баку.", "Несколько дней назад", "past"),
    ("Через несколько недель откроется новый терминал.", "Через несколько недель", "future"),
    ("На днях я сдала тест.", "На днях", "past"),
]


@pytest.mark.parametrize("sentence, text, tense", VAGUE)
def test_vague_points(sentence: str, text: str, tense: str) -> None:
    m = only(sentence)
    assert (m.text, m.kind, m.tense, m.is_relative, m.start_date) == (text, "point", tense, True, None)


def test_points_are_still_points_beside_durations() -> None:
    text = "Три дня назад, 15 декабря, контракт продлили на два года."
    found = [(m.text, m.kind, m.start_date) for m in extract_dates(text, PUB)]
    assert found == [
        ("Три дня назад", "point", D(2025, 12, 15)),
        ("15 декабря", "point", D(2025, 12, 15)),
        ("на два года", "duration", None),
    ]


# holidays: (sentence, published, date)
HOLIDAYS = [
    (
        "В преддверии Дня независимости в посольстве Казахстана в Баку состоялся круглый стол.",
        PUB,
        D(2025, 12, 16),
    ),
    ("Азербайджан отметил День независимости.", D(2025, 5, 30), D(2025, 5, 28)),
    ("Наурыз отметили во всех городах.", D(2025, 3, 24), D(2025, 3, 22)),
    ("Парад прошел в День Победы.", D(2025, 5, 10), D(2025, 5, 9)),  # several countries, all 9 May nearby
    ("Поздравляю с Новым годом!", D(2025, 12, 30), D(2025, 1, 1)),
    ("К Дню независимости готовятся заранее.", D(2025, 12, 1), D(2025, 12, 16)),  # nearest to publication
]


@pytest.mark.parametrize("sentence, published, day", HOLIDAYS)
def test_holidays(sentence: str, published: date, day: date) -> None:
    m = only(sentence, published)
    assert (m.kind, m.granularity, m.start_date, m.end_date) == ("point", "day", day, day)


def test_holiday_without_publication_keeps_year_unknown() -> None:
    m = only("В преддверии Дня независимости Казахстана прошел прием.", None)
    assert (m.year_known, m.start_date, m.month, m.day) == (False, None, 12, 16)


def test_lowercase_holiday_words_are_not_holidays() -> None:
    assert all(m.day != 1 for m in extract_dates("в новом году ожидается рост", PUB))  # not 1 January
    assert [m.text for m in extract_dates("дня независимости страны не было", PUB)] == []


def test_several_mentions_in_order_with_exact_offsets() -> None:
    text = "В 2025 году объем вырос, а в 2026 году и в конце 2026 года ожидается рост. Вчера это подтвердили."
    found = extract_dates(text, PUB)
    assert [m.text for m in found] == ["В 2025 году", "в 2026 году", "в конце 2026 года", "Вчера"]
    for m in found:
        assert text[m.start_char : m.end_char] == m.text


def test_impossible_days_are_not_days() -> None:
    # "31 февраля" is no day; what remains ("февраля 2023 года") is still a month
    assert [(m.text, m.granularity) for m in extract_dates("Это случилось 31 февраля 2023 года.", PUB)] == [
        ("февраля 2023 года", "month")
    ]
    assert extract_dates("Это случилось 32.13.2023.", PUB) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 .,-–года вмаяе2019 прошлом XIV века")), max_size=80))
def test_any_text_gives_consistent_mentions(text: str) -> None:
    for m in extract_dates(text, PUB):
        assert text[m.start_char : m.end_char] == m.text
        assert (m.start_date is None) == (m.end_date is None)
        if m.start_date and m.end_date:
            assert m.start_date <= m.end_date


# --- acceptance: the seeds --------------------------------------------------------------------------

SEED_PUBLISHED = {"000_7b51122feffa36ca.txt": date(2025, 12, 18), "002_a33c8814e50c2989.txt": None}


def _norm(s: object) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip().lower()


@pytest.mark.parametrize("seed", sorted(SEED_PUBLISHED))
def test_seed_gold(seed: str) -> None:
    gold_path = SHARED / "gold" / "seeds.yaml"
    if not gold_path.exists():
        pytest.skip(f"gold file {gold_path} absent (needs ../shared beside the checkout)")
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))[seed]["dates"]
    found = extract_dates((REPO / "seeds" / seed).read_text(encoding="utf-8"), SEED_PUBLISHED[seed])
    for want in gold["must"]:
        hits = [m for m in found if _norm(want["text"]).replace("в ", "", 1) in _norm(m.text)]
        assert len(hits) >= want.get("count", 1), want
        m = hits[0]
        if "start" in want:
            assert str(m.start_date) == str(want["start"]), want
        if "end" in want:
            assert str(m.end_date) == str(want["end"]), want
        if "year" in want and want["year"] is None:
            assert m.year_known is False and m.start_date is None, want
        elif "year" in want:
            assert str(m.end_date).startswith(str(want["year"])), want
        if "granularity" in want:
            assert m.granularity == want["granularity"], want
        if want.get("month"):
            assert m.month == want["month"], want
    for bad in gold.get("must_not", []):
        assert not any(_norm(bad)[:8] in _norm(m.text) for m in found), bad


def test_seed_planned_fibre_line_is_future() -> None:
    text = (REPO / "seeds" / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8")
    m = next(m for m in extract_dates(text, PUB) if "конце 2026" in m.text)
    assert (m.granularity, m.tense, m.end_date) == ("part_of_year", "future", D(2026, 12, 31))


# --- regression guard on a gold corpus --------------------------------------------------------------


def test_nerel_dev_precision_and_recall() -> None:
    folder = SHARED / "corpus" / "nerel" / "dev"
    if not folder.exists():
        pytest.skip(f"NEREL dev corpus {folder} absent (needs ../shared beside the checkout)")
    sys.path.insert(0, str(REPO / "bench"))
    from eval_dates import load, ours, score

    result = score(load(folder), ours)
    # NEREL tags ages as AGE, not DATE: an age mention overlapping a gold AGE span is correct ("typed")
    assert result["precision_typed"] >= 0.95
    assert result["recall"] >= 0.90
    assert result["recall_points"] >= 0.90


# --- the brat reader used by bench/eval_dates.py ----------------------------------------------------


def test_read_brat_handles_discontinuous_spans(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from brat import read_brat

    (tmp_path / "a.txt").write_text("В 2019 и 2020 годах рост.", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tDATE 2 6;9 19\t2019 2020 годах\nR1\tREL Arg1:T1 Arg2:T1\nT2\tDATE 9 19\t2020 годах\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text("Без разметки.", encoding="utf-8")
    docs = list(read_brat(tmp_path))
    assert [d.id for d in docs] == ["a", "b"]
    spans = docs[0].of_type("DATE")
    assert [(s.id, s.start, s.end) for s in spans] == [("T1", 2, 19), ("T2", 9, 19)]
    assert docs[0].text[spans[1].start : spans[1].end] == spans[1].text
    assert docs[1].spans == ()


def test_natasha_peer_date_cases() -> None:
    cases = SHARED / "corpus" / "peer_tests" / "natasha_date_money_cases.jsonl"
    if not cases.exists():
        pytest.skip(f"peer test cases {cases} absent (needs ../shared beside the checkout)")
    import json

    for line in cases.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["kind"] != "date":
            continue
        want = case["expected"]
        got = [(m.year, m.month, m.day) for m in extract_dates(case["text"], None)]
        assert (want["year"], want["month"], want["day"]) in got, case["text"]


# --- the grammar as records (newsfacts.extract.dates.rules) ----------------------------------------------


def test_every_rule_is_a_record_with_an_anchor_and_a_compiled_pattern() -> None:
    from newsfacts.extract.dates.grammar import grammar
    from newsfacts.extract.dates.rules import MARKERS, MARKS, RULES

    names = [r.name for r in RULES] + [m.name for m in MARKERS]
    marked = {r.mark for r in RULES if r.mark} | {m.mark for m in MARKERS}
    assert marked == MARKS, "every mark is made by some rule's or marker's words, and declared"
    assert len(names) == len(set(names)), "rule names are unique"
    g = grammar()
    assert set(g.patterns) == {r.name for r in RULES}
    for rule in RULES:
        assert rule.words or rule.stems or rule.numbers, f"{rule.name}: no anchor, so it is never tried"
        assert not rule.next_letters or "short" in rule.numbers, rule.name
        assert rule.needs in (None, *MARKS) and rule.mark in (None, *MARKS), rule.name


def test_a_rule_added_as_a_record_is_tried_at_its_anchor_words() -> None:
    from newsfacts.extract.dates.candidate import cand
    from newsfacts.extract.dates.grammar import Grammar
    from newsfacts.extract.dates.lexicon import lexicon
    from newsfacts.extract.dates.rules import RULES, Rule

    extra = Rule(
        "test_rule",
        lambda f: r"испытани[ея]",
        lambda m, lex: cand(m, "day", "test_rule"),
        words=lambda f: ["испытание"],
    )
    g = Grammar(lexicon(), (*RULES, extra))
    found = [(c.kind, c.start) for c in g.scan("День испытание прошел") if c.kind == "test_rule"]
    assert found == [("test_rule", 5)]
    # "испытания" matches the pattern but is not an anchor word: the rule is not tried there
    assert not [c for c in g.scan("День испытания прошел") if c.kind == "test_rule"]


# rules tried only with the unit they need in reach (``Rule.needs``, the marks of ``MARKERS``): still found
NEEDED_UNIT_IN_REACH = [
    ("В девятнадцатом веке город рос.", "В девятнадцатом веке", date(1801, 1, 1), date(1900, 12, 31)),
    ("Рост ускорился во втором квартале 2024 года.", "во втором квартале 2024 года", date(2024, 4, 1),
     date(2024, 6, 30)),
    ("В первой половине 2023 года цены росли.", "В первой половине 2023 года", date(2023, 1, 1),
     date(2023, 6, 30)),
    ("В девяностые годы завод закрылся.", "В девяностые годы", date(1990, 1, 1), date(1999, 12, 31)),
    ("За шесть месяцев 2024 года выручка выросла.", "За шесть месяцев 2024 года", date(2024, 1, 1),
     date(2024, 6, 30)),
    ("Сессия пройдет 14-15 мая.", "14-15 мая", date(2026, 5, 14), date(2026, 5, 15)),
    ("Совещание прошло 5 мая.", "5 мая", date(2025, 5, 5), date(2025, 5, 5)),
]


@pytest.mark.parametrize(("sentence", "text", "start", "end"), NEEDED_UNIT_IN_REACH)
def test_rules_that_need_a_unit_find_it(sentence: str, text: str, start: date, end: date) -> None:
    found = [(m.text, m.start_date, m.end_date) for m in extract_dates(sentence, date(2025, 12, 18))]
    assert found == [(text, start, end)]


@pytest.mark.parametrize(
    "sentence",
    ["Первый человек пришёл пятым.", "Два человека ушли, пять остались.", "Второй вопрос о пятом пункте."],
)
def test_counts_and_ordinals_without_a_unit_give_no_date(sentence: str) -> None:
    assert extract_dates(sentence, date(2025, 12, 18)) == []
