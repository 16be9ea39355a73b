"""Precision of date detection on real sentences (NEREL train, RuRED, Nezavisimaya Gazeta): what must not be a
date mention (a person's age, "сегодня" meaning "these days", a count of things, scores, times, phone numbers,
model numbers) beside what must stay one (the day "сегодня" names, durations, rates)."""

from __future__ import annotations

from datetime import date

import pytest

from newsfacts.extract.dates import extract_dates

PUB = date(2018, 3, 22)


def texts(sentence: str, published: date | None = PUB) -> list[str]:
    return [m.text for m in extract_dates(sentence, published)]


# (sentence, the date mentions it holds): ages are recognised and left out, the dates beside them stay
AGES = [
    (
        "Никита Олегович Камаев (14 февраля 2016 года, 52 года, заявленная причина смерти — инфаркт) — "
        "исполнительный директор РУСАДА.",
        ["14 февраля 2016 года"],
    ),
    ("В жертву, 56 лет, было выпущено три пули: две в голову и одна в живот.", []),
    ("Рекки выиграл Кубок (ему было, соответственно, 47 и 46 лет).", []),
    ("Список пострадавших в аварии Николай Глазков 40 лет Алексей Васильев 31 год Ирина Симонова 52 года", []),
    (
        "Ранее Юитиро Миура уже успешно поднимался на Эверест в 70 и 75 лет соответственно в 2003 и 2008 годах.",
        ["в 2003 и 2008 годах"],
    ),
    ("Женщины 38 и 36 лет приехали в Аргентину после того, как поженились.", []),
    ("Николай Рыбаков и Александр Гнездилов – пришли в «Яблоко» в 16 и 18 лет соответственно.", []),
    (
        "Предельный возраст для нахождения на государственной службе составляет 60 лет, однако он может быть "
        "увеличен до 65 лет.",
        [],
    ),
    (
        "Возраст участников не должен превышать 25 лет, по состоянию на 1 января 2018 года.",
        ["на 1 января 2018 года"],
    ),
    ("Она ушла из жизни летом 2016 года в возрасте 93 лет.", ["летом 2016 года"]),
    # an age on one line, a new sentence on the next: no "50 лет ранее" back-reference
    ("Ему было 50 лет\nРанее отец Джексона также подал иск о насильственной смерти.", []),
]

# durations that stay durations beside the age rules (a count after a verb, a count between prepositions)
DURATIONS = [
    ("Он скрывался 16 лет и был арестован в Сербии в мае прошлого года.", "16 лет"),
    ("Оставшееся Лаос будет выплачивать в рублях в течение 33 лет.", "в течение 33 лет"),
    ("Всего за 18 лет в НХЛ Нолан сыграл в 1200 матчах.", "за 18 лет"),
]

# "сегодня" meaning "now, these days" (a present-tense verb or a predicative in its clause): no date mention
NOWADAYS = [
    "«Ключевым драйвером развития жилищного строительства сегодня является ипотека.",
    "«Всего в Мурманской области сегодня работают 38 предприятий рыбопереработки.",
    "Из своего адвокатского опыта Столбунов знает, как трудно сегодня добиться справедливости.",
    "Автор исследования Брайан Приман отметил, что сегодня можно говорить о так называемой «Facebook-депрессии».",
    "Он отправился в Америку, покинув Монигалл, население которого сегодня составляет менее 300 человек.",
    "Самыми близкими нам по логике потребления сегодня являются страны так называемой «европейской периферии».",
]

# "сегодня" naming the day: a past or perfective verb, a past participle, "же", a date beside it, a present verb
# that reports or schedules the day's event, a perfective infinitive
TODAY = [
    "Как сообщает сегодня пресс-служба Кремля, президент России Дмитрий Медведев подписал указ.",
    'В Москве в парке рядом с телецентром "Останкино" сегодня откроется памятник изобретателю телевидения.',
    "Соответствующее решение было принято сегодня, передает Associated Press.",
    "Сегодня же задержанные будут доставлены в федеральный суд.",
    "Сегодня в Дохе открывается заседание Форума стран-экспортеров газа.",
    "Ожидается, что Сергея похоронят на этом кладбище. Дату должны объявить сегодня.",
    "Сообщается в опубликованном сегодня пресс-релизе инвестхолдинга.",
    "Отметка времени: сегодня.",
]

# numbers that are not dates: counts of things, scores, times, phone numbers, model and flight numbers
NOT_DATES = [
    ("Во время другой атаки были повреждены около 2000 компьютеров.", []),
    ("Флот также планирует нарастить количество моряков, набрав в свои ряды около 7500 человек.", []),
    ("Дальше борьбу за медали продолжит сборная Финляндии, которая обыграла россиян со счетом 3:1.", []),
    ("Кроме того, ответы на вопросы, связанные с программой, можно получить по телефону 8 (495) 221-02-82.", []),
    ("Они могут обратиться по телефону 8-800-775-17-17 и получить психологическую помощь.", []),
    ("Есть Boeing 737-400, а также Aibus A319 и Ту-154.", []),
    (
        "Дополнительно с российской территории привлечены самолеты Ту-160, Ту-95МС, Ту-22 Дальней авиации.",
        [],
    ),
    (
        "Самолет Boeing 737-500 выполнявший рейс Y9 363 по маршруту Москва – Казань при заходе на посадку "
        "19:25 (МСК) потерпел авиационное проишествие.",
        [],
    ),
    ("Начало в 19.00.", []),
    ("Этот момент должен был наступить 30 июня в 18.00 по Вашингтону.", ["30 июня"]),
    (
        "Опрос проведен специалистами Левада-Центра среди 1600 человек в возрасте 18 лет и старше в 48 регионах.",
        [],
    ),
    # a misspelt year word after the number keeps the year
    ("Комментарии по поводу присуждения Нобелевской премии по физике за 2017 годд.", ["за 2017"]),
]

# rates stay in the table as kind "frequency" (the corpora annotate most of them as DATE)
RATES = [
    ("Мощность газопровода составит 63 миллиарда кубометров газа в год.", "в год"),
    ("Российский рынок яхт растет на 30-40 процентов ежегодно.", "ежегодно"),
    ("Пропускная способность составляет 16 пар поездов в сутки, или 16 миллионов тонн.", "в сутки"),
    ("Законопроект запрещает рекламу на телевидении и радио по воскресеньям с 6 утра до 12 ночи.", "по воскресеньям"),
    ("Это обычные студенты, которые весь день учатся и только по выходным сидят перед компьютерами.", "по выходным"),
]


def test_a_weekday_after_another_preposition_is_a_day_not_a_rate() -> None:
    found = extract_dates("Во вторник СК РФ предъявил Евтушенкову обвинения.", PUB)
    assert [(m.kind, m.start_date) for m in found] == [("point", date(2018, 3, 20))]


@pytest.mark.parametrize("sentence, expected", AGES)
def test_ages_are_not_date_mentions(sentence: str, expected: list[str]) -> None:
    assert texts(sentence) == expected


@pytest.mark.parametrize("sentence, text", DURATIONS)
def test_durations_stay_durations(sentence: str, text: str) -> None:
    found = [m for m in extract_dates(sentence, PUB) if m.text == text]
    assert [m.kind for m in found] == ["duration"]


@pytest.mark.parametrize("sentence", NOWADAYS)
def test_today_meaning_these_days_is_no_date(sentence: str) -> None:
    assert texts(sentence) == []


@pytest.mark.parametrize("sentence", TODAY)
def test_today_naming_the_day_is_the_publication_day(sentence: str) -> None:
    found = [m for m in extract_dates(sentence, PUB) if m.text.lower() == "сегодня"]
    assert [(m.start_date, m.end_date, m.granularity) for m in found] == [(PUB, PUB, "day")]


def test_today_with_its_date_is_that_date() -> None:
    sentence = "Сегодня, 22 марта, в Культурном центре фонда «Новый мир» открывается выставка."
    found = extract_dates(sentence, PUB)
    assert [(m.start_date, m.end_date) for m in found] == [(date(2018, 3, 22), date(2018, 3, 22))]


@pytest.mark.parametrize("sentence, expected", NOT_DATES)
def test_numbers_that_are_not_dates(sentence: str, expected: list[str]) -> None:
    assert texts(sentence) == expected


@pytest.mark.parametrize("sentence, text", RATES)
def test_rates_are_frequencies(sentence: str, text: str) -> None:
    found = [m for m in extract_dates(sentence, PUB) if m.text == text]
    assert [(m.kind, m.start_date) for m in found] == [("frequency", None)]
