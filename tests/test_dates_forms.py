"""Everyday Russian date forms (issue 14): tables of real sentences per class with the expected interval, and
negatives (ages, times, phone numbers, scores, model numbers, titles) that must give no date."""

from __future__ import annotations

from datetime import date

import pytest

from newsfacts.extract.dates import extract_dates
from newsfacts.extract.types import DateMention

PUB = date(2025, 12, 18)  # a Thursday (the week of Monday 15 December)
D = date


def only(sentence: str, published: date | None = PUB) -> DateMention:
    found = extract_dates(sentence, published)
    assert len(found) == 1, f"expected one mention in {sentence!r}, got {[m.text for m in found]}"
    m = found[0]
    assert sentence[m.start_char : m.end_char] == m.text
    return m


# (sentence, mention text, start, end, granularity): every mention here is a point on the calendar
ORDINAL_SUFFIXES = [
    ("Выборы назначены на 3-е марта 2026 года.", "на 3-е марта 2026 года", D(2026, 3, 3), D(2026, 3, 3), "day"),
    ("Он родился 31-ое октября 1974 года.", "31-ое октября 1974 года", D(1974, 10, 31), D(1974, 10, 31), "day"),
    ("Мероприятие пройдет 24-ого февраля 2026 года.", "24-ого февраля 2026 года", D(2026, 2, 24), D(2026, 2, 24),
     "day"),
    ("Заседание перенесли на 3-его марта 2015 года.", "на 3-его марта 2015 года", D(2015, 3, 3), D(2015, 3, 3),
     "day"),
    ("Контракт подписан 18-е февраля.", "18-е февраля", D(2025, 2, 18), D(2025, 2, 18), "day"),
    ("Сессия продлится с 14-го по 15-е октября 2026 года.", "с 14-го по 15-е октября 2026 года", D(2026, 10, 14),
     D(2026, 10, 15), "day"),
]

ABBREVIATED_MONTHS = [
    ("Обновление вышло 8 авг. 2025 г.", "8 авг. 2025 г.", D(2025, 8, 8), D(2025, 8, 8), "day"),
    ("Совещание прошло пятнадцатого фев.", "пятнадцатого фев.", D(2025, 2, 15), D(2025, 2, 15), "day"),
    ("Это случилось двадцать четвертое фев 2022 года.", "двадцать четвертое фев 2022 года", D(2022, 2, 24),
     D(2022, 2, 24), "day"),
    ("Посевная началась 1-е мар.", "1-е мар.", D(2025, 3, 1), D(2025, 3, 1), "day"),
    ("Ярмарка прошла с 8 авг по 12 авг.", "с 8 авг по 12 авг.", D(2025, 8, 8), D(2025, 8, 12), "day"),
]

NUMERIC_DAYS = [
    # a year-less numeric day reads like "15 февраля": the last such day before publication in a past sentence
    ("Соглашение подписано 15.02 в Баку.", "15.02", D(2025, 2, 15), D(2025, 2, 15), "day"),
    ("Поставка прошла 15.2 без задержек.", "15.2", D(2025, 2, 15), D(2025, 2, 15), "day"),
    ("Отгрузка выполнена 10.12.", "10.12", D(2025, 12, 10), D(2025, 12, 10), "day"),
    ("Выставка прошла 14 - 15.10. в Алматы.", "14 - 15.10.", D(2025, 10, 14), D(2025, 10, 15), "day"),
    ("Форум проходил 14.10. - 15.10. в Ташкенте.", "14.10. - 15.10.", D(2025, 10, 14), D(2025, 10, 15), "day"),
    ("Семинар состоялся 14./15.10.2018 в Баку.", "14./15.10.2018", D(2018, 10, 14), D(2018, 10, 15), "day"),
    ("Турнир прошел 14 - 15.10.18 в Астане.", "14 - 15.10.18", D(2018, 10, 14), D(2018, 10, 15), "day"),
    ("Прием заявок шел с 14.10. по 15.10.2018.", "с 14.10. по 15.10.2018", D(2018, 10, 14), D(2018, 10, 15),
     "day"),
    ("Документ датирован 31/12/2014.", "31/12/2014", D(2014, 12, 31), D(2014, 12, 31), "day"),
]

SEASONS = [
    ("Весна выдалась холодной.", "Весна", D(2025, 3, 1), D(2025, 5, 31), "part_of_year"),
    ("Этой зимой морозы сильнее.", "Этой зимой", D(2025, 12, 1), D(2026, 2, 28), "part_of_year"),
    ("Прошлой зимой морозы были сильнее.", "Прошлой зимой", D(2024, 12, 1), D(2025, 2, 28), "part_of_year"),
    ("Следующей весной откроется терминал.", "Следующей весной", D(2026, 3, 1), D(2026, 5, 31), "part_of_year"),
    ("Этим летом туристов было больше.", "Этим летом", D(2025, 6, 1), D(2025, 8, 31), "part_of_year"),
    ("Прошлой осенью урожай был рекордным.", "Прошлой осенью", D(2025, 9, 1), D(2025, 11, 30), "part_of_year"),
    ("Лета ждали все.", "Лета", D(2025, 6, 1), D(2025, 8, 31), "part_of_year"),
]

ROLLING_WINDOWS = [
    # the n whole units before (after) the current one, as Duckling reads them
    ("За последние 2 года экспорт вырос вдвое.", "За последние 2 года", D(2023, 1, 1), D(2024, 12, 31), "year"),
    ("В последние 2 недели цены росли.", "В последние 2 недели", D(2025, 12, 1), D(2025, 12, 14), "week"),
    ("В следующие 3 месяца тарифы не изменятся.", "В следующие 3 месяца", D(2026, 1, 1), D(2026, 3, 31),
     "month"),
    ("За последние 2 дня выпал снег.", "За последние 2 дня", D(2025, 12, 16), D(2025, 12, 17), "day"),
    ("В ближайшие две недели решение примут.", "В ближайшие две недели", D(2025, 12, 22), D(2026, 1, 4), "week"),
    ("За последние три квартала спрос упал.", "За последние три квартала", D(2025, 1, 1), D(2025, 9, 30),
     "quarter"),
]

OFFSETS = [
    # n units from the publication day: the day (weeks, months, days), the month for whole years
    ("Через неделю начнется сессия.", "Через неделю", D(2025, 12, 25), D(2025, 12, 25), "day"),
    ("Две недели назад министр посетил Баку.", "Две недели назад", D(2025, 12, 4), D(2025, 12, 4), "day"),
    ("Неделю тому назад прошли выборы.", "Неделю тому назад", D(2025, 12, 11), D(2025, 12, 11), "day"),
    ("Три месяца назад цены были ниже.", "Три месяца назад", D(2025, 9, 18), D(2025, 9, 18), "day"),
    ("Через 3 года линия будет готова.", "Через 3 года", D(2028, 12, 1), D(2028, 12, 31), "month"),
    ("Позавчера открылся мост.", "Позавчера", D(2025, 12, 16), D(2025, 12, 16), "day"),
    ("Позапозавчера открылся мост.", "Позапозавчера", D(2025, 12, 15), D(2025, 12, 15), "day"),
]

ERAS = [
    ("В годы Великой Отечественной войны завод выпускал снаряды.", "В годы Великой Отечественной войны",
     D(1941, 6, 22), D(1945, 5, 9), "day"),
    ("Во времена СССР здесь был колхоз.", "Во времена СССР", D(1922, 12, 30), D(1991, 12, 26), "day"),
    ("В период пандемии коронавируса торговля упала.", "В период пандемии коронавируса", D(2020, 3, 11),
     D(2023, 5, 5), "day"),
    ("Когда город назывался Целиноградом, здесь строили элеватор.", "Когда город назывался Целиноградом",
     D(1961, 3, 20), D(1992, 6, 5), "day"),
    ("В годы Нур-Султана столица росла быстрее.", "В годы Нур-Султана", D(2019, 3, 23), D(2022, 9, 16), "day"),
]

CLASSES = ORDINAL_SUFFIXES + ABBREVIATED_MONTHS + NUMERIC_DAYS + SEASONS + ROLLING_WINDOWS + OFFSETS + ERAS


@pytest.mark.parametrize("sentence, text, start, end, granularity", CLASSES)
def test_everyday_forms(sentence: str, text: str, start: date, end: date, granularity: str) -> None:
    m = only(sentence)
    assert (m.text, m.start_date, m.end_date, m.granularity, m.kind) == (text, start, end, granularity, "point")
    assert m.year_known


@pytest.mark.parametrize(
    "sentence, text, month, day",
    [("Соглашение подписано 15.02 в Баку.", "15.02", 2, 15), ("Выставка прошла 14 - 15.10. в Алматы.",
                                                             "14 - 15.10.", 10, 14)],
)
def test_numeric_day_without_publication_keeps_year_unknown(sentence: str, text: str, month: int, day: int) -> None:
    m = only(sentence, None)
    assert (m.text, m.month, m.day, m.year_known, m.start_date) == (text, month, day, False, None)


@pytest.mark.parametrize(
    "sentence, text",
    [("Через неделю начнется сессия.", "Через неделю"), ("За последние 2 года экспорт вырос вдвое.",
                                                          "За последние 2 года")],
)
def test_relative_forms_without_publication_have_no_dates(sentence: str, text: str) -> None:
    m = only(sentence, None)
    assert (m.text, m.year_known, m.start_date, m.end_date) == (text, False, None, None)


NO_DATES = [
    # ages (a person's age is not a date)
    "В свои 94 года он продолжает выступать.",
    "Задержан молодой человек 20–25 лет.",
    "Когда ему было всего шесть месяцев, семья переехала.",
    "Мальчик, которому не было и двух лет, выжил.",
    "Она умерла в возрасте 122 лет и 164 дней.",
    "Японка, прожившая 117 лет и 137 дней, скончалась.",
    "Предположительно, ему было примерно 45 лет.",
    "Им было 30, 20 и 19 лет.",
    "Его супруга младше его на год.",
    "Мишель Бачелет — 54 года, врач, мать-одиночка.",
    "Кандидатке на пост президента 54 года, она родом с севера страны.",
    # an age cue, then "не" and a bound the duration rule reads as its prefix ("менее 40 лет")
    "Ему было не менее 40 лет.",
    "Им было не более 20 лет.",
    "Ей было не меньше 30 лет.",
    # retirement ages, with a bound before the count
    "Например, полицейские выходят на пенсию не позже 45 лет.",
    "Женщины выходят на пенсию не ранее 55 лет.",
    # times
    "Встреча началась в 12.05 по местному времени.",
    "Поезд отправится в 11.05 мск.",
    # phone numbers
    "Звоните: 8-701-15-02-33.",
    "Справки по телефону 15.02.",
    # scores
    "Матч завершился со счетом 2:1.",
    "Команда выиграла со счетом 3.1.",
    # model, version and article numbers, decimals
    "Apple выпустила iOS 15.2 для iPhone.",
    "Обновите прошивку до версии 10.12.",
    "Его оштрафовали по ст. 19.3 КоАП.",
    "Выручка выросла на 15.2 процента.",
    "Коэффициент составил 1.12.",
    "Рост составил 2 - 3.5 процента.",
    "Цена 1.5 доллара.",
    "Ссылка: https://www.znak.com/2016-06-30/novosti",
    # names and ranks
    "Он снялся в фильме «17 мгновений весны».",
    "Как пишет газета \"Сегодня\", министр ушел в отставку.",
    "Лидеры «Арабской весны» ушли.",
    "Компания заняла 40-е место в рейтинге.",
    "В преддверии холодной зимы закачали газ.",
    "Во время Второй мировой войны город был оккупирован.",  # the corpora tag the war, not a date
]


# counts of years that are durations, next to the age cues above
DURATIONS = [
    ("Зависимость от поставок продукции из Украины снизилась за 3 года.", "за 3 года"),
    ("Драгметалл подешевел рекордными темпами за 30 лет.", "за 30 лет"),
    ("Контракт продлен на 3 года и 6 месяцев.", "на 3 года и 6 месяцев"),
    ("В течение пяти лет он возглавлял министерство.", "В течение пяти лет"),
    ("Он вышел на пенсию в течение трех лет после скандала.", "в течение трех лет"),
    ("Контракт на срок не менее 5 лет.", "менее 5 лет"),
]


@pytest.mark.parametrize("sentence, text", DURATIONS)
def test_durations_stay_durations(sentence: str, text: str) -> None:
    m = only(sentence)
    assert (m.text, m.kind, m.start_date) == (text, "duration", None)


# dates next to a retirement cue stay dates
RETIREMENT_DATES = [
    ("Он уйдёт на пенсию через два года.", "через два года", date(2027, 12, 1)),
    ("Он ушёл на пенсию 5 лет назад.", "5 лет назад", date(2020, 12, 1)),
    ("Он вышел на пенсию не позднее 2010 года.", "не позднее 2010 года", date(2010, 1, 1)),
]


@pytest.mark.parametrize("sentence, text, start", RETIREMENT_DATES)
def test_dates_after_a_retirement_cue_stay_dates(sentence: str, text: str, start: date) -> None:
    m = only(sentence)
    assert (m.text, m.start_date) == (text, start)


@pytest.mark.parametrize("sentence", NO_DATES)
def test_no_false_dates(sentence: str) -> None:
    assert [m.text for m in extract_dates(sentence, PUB)] == []
