"""Trade-fact periods and roles read across clauses and sentences (issue 12): marketing years, the base of
"с X до Y", contrast clauses, "тогда", a regime's first day, a headline dated by its body, and the parties the
context must not fill. Real sentences of the trade development set (``../shared/gold/trade``, cited by id) and
of its conventions, with the facts a user reads in ``trade_facts``, negatives included."""

from __future__ import annotations

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.trade import extract_trade_facts

Row = tuple[str, float | None, str | None, str | None, str | None, str | None, str]


def _rows(text: str) -> list[Row]:
    """(indicator, value, reporter, partner, period start, period end, direction) of each fact."""
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    return [
        (
            f.indicator,
            f.value,
            f.reporter_iso2,
            f.partner_iso2,
            f.period_start.isoformat() if f.period_start else None,
            f.period_end.isoformat() if f.period_end else None,
            f.direction,
        )
        for f in extract_trade_facts(text, extract_amounts(text), dates)
    ]


PERIODS: list[tuple[str, list[Row]]] = [
    # a marketing year of the months the article states (CAT0094): "в текущем сельхозгоду" is that season, and
    # the base of "с X до Y" the season before, with no direction of its own
    (
        "Служба сельского хозяйства зарубежных стран Минсельхоза США подготовила прогноз по производству зерна в "
        "текущем сельхозгоду (июнь 2017 года — июль 2018-го) в Штатах и в зарубежных странах. В свою очередь, "
        "согласно документу, экспорт пшеницы из Соединённых Штатов упадёт с 29,5 до 26 млн тонн в текущем "
        "сельхозгоду.",
        [
            ("export", 29.5e6, "US", None, "2016-06-01", "2017-07-31", "none"),
            ("export", 26e6, "US", None, "2017-06-01", "2018-07-31", "decrease"),
        ],
    ),
    # a harvest dated by the season alone is gathered in the season's first calendar year (CAT0094); any
    # other undated figure of the article keeps the season
    (
        "Агентство подготовило прогноз по производству зерна в текущем сельхозгоду (июнь 2017 года — июль "
        "2018-го). По мнению аналитиков агентства, общий урожай может превысить 130 млн тонн.",
        [
            ("production", 130e6, None, None, "2017-01-01", "2017-12-31", "none")
        ],  # "превысить": a level, no change
    ),
    (
        "Агентство подготовило прогноз по производству зерна в текущем сельхозгоду (июнь 2017 года — июль "
        "2018-го). По мнению аналитиков агентства, производство пшеницы в России составит 80 млн тонн.",
        [("production", 80e6, "RU", None, "2017-06-01", "2018-07-31", "none")],
    ),
    # a season the article does not define runs July to June
    (
        "Также министр заявил, что это позволит России нарастить объёмы экспорта зерновых до 40 млн тонн в "
        "сезоне 2017—2018.",
        [("export", 40e6, "RU", None, "2017-07-01", "2018-06-30", "increase")],
    ),
    # the base figure borrows the unit of the figure it changes to ("с отметки 72,5 млн до 77,5 млн тонн")
    (
        "Производство пшеницы в России увеличится с отметки 72,5 млн до 77,5 млн тонн в 2017—2018 сельхозгоду.",
        [
            ("production", 72.5e6, "RU", None, "2016-07-01", "2017-06-30", "none"),
            ("production", 77.5e6, "RU", None, "2017-07-01", "2018-06-30", "increase"),
        ],
    ),
    # negatives: two calendar years stay calendar years without a marketing year, and a heating season is none
    (
        "В 2016—2017 годах экспорт нефти из России вырос на 5%.",
        [("export", 5.0, "RU", None, "2016-01-01", "2017-12-31", "increase")],
    ),
    (
        "Отопительный сезон 2017—2018 начался рано. В 2017—2018 годах импорт газа Украиной сократился на 5%.",
        [("import", 5.0, "UA", None, "2017-01-01", "2018-12-31", "decrease")],
    ),
    # "с A по B ... с X до Y": X is A's level, Y is B's, the change spans both (CAT0113)
    (
        "В период с 1996 по 1999 г. объём взаимных поставок России и Украины сокращался с $14,4 млрд до $8 млрд, "
        "или на 55,5%.",
        [
            ("turnover", 14.4e9, "RU", "UA", "1996-01-01", "1996-12-31", "none"),
            ("turnover", 8e9, "RU", "UA", "1999-01-01", "1999-12-31", "decrease"),
            ("turnover", 55.5, "RU", "UA", "1996-01-01", "1999-12-31", "decrease"),
        ],
    ),
    # a contrast clause has its own time (CAT0113, CAT0093) ...
    (
        "По итогам 2014 г. товарооборот между Россией и Украиной сократился вдвое — до $22,48 млрд, а в 2016-м "
        "опустился уже до $10,23 млрд.",
        [
            ("turnover", 2.0, "RU", "UA", "2014-01-01", "2014-12-31", "decrease"),
            ("turnover", 22.48e9, "RU", "UA", "2014-01-01", "2014-12-31", "decrease"),
            ("turnover", 10.23e9, "RU", "UA", "2016-01-01", "2016-12-31", "decrease"),
        ],
    ),
    # ... unknown when it is a year the text leaves undated ("а в этом"), never the other clause's
    (
        "Экспорт нефти из Казахстана в Китай в 2016 году вырос на 8%, а в этом — уже на 11%.",
        [
            ("export", 8.0, "KZ", "CN", "2016-01-01", "2016-12-31", "increase"),
            ("export", 11.0, "KZ", "CN", None, None, "increase"),
        ],
    ),
    # a regime's first day dates its year (CAT0108, CAT0075: also when it comes from the sentence before)
    (
        "Как сообщает ТАСС, с 1 января 2017 года транзит российской нефти через белорусскую территорию будет "
        "обходиться на 20,5% дороже.",
        [("transit", 20.5, "RU", None, "2017-01-01", "2017-12-31", "none")],
    ),
    (
        "Евразийский экономический союз существует с 1 января 2015 года. В первый год внутренняя торговля между "
        "странами-членами упала на 40%.",
        [("turnover", 40.0, None, None, "2015-01-01", "2015-12-31", "decrease")],
    ),
    # a year in brackets after a figure is its time; the base of "с X до Y" then has none (CAT0089)
    (
        "В других сценариях учёный добавил поставки по расширенному Южному газовому коридору с 32 до 64 млрд "
        "куб. м газа (2029).",
        [
            ("supply", 32e9, None, None, None, None, "none"),
            ("supply", 64e9, None, None, "2029-01-01", "2029-12-31", "none"),
        ],
    ),
    # a yearless first date takes the year written right after it (CAT0109)
    (
        "Торги нефтью марки Brent 1 декабря проходили на уровне $52 за баррель. Это максимальные значения с 28 "
        "октября 2016 года.",
        [("price", 52.0, None, None, "2016-12-01", "2016-12-01", "none")],
    ),
    # a headline's figure takes the date the body gives the same figure (CAT0102)
    (
        "Найдёт ли Узбекистан покупателей облигаций на $300 миллионов\n\nВ 2018 году Узбекистан планирует "
        "разместить облигации на $300 млн.",
        [("investment", 300e6, "UZ", None, "2018-01-01", "2018-12-31", "none")] * 2,  # headline and body
    ),
    # "тогда" is the last time written before it, a comparison base included (CAT0099)
    (
        "По данным РЭЦ, в 2016 году объём экспорта российского продовольствия достиг $15,2 млрд, что немного "
        "уступает рекорду 2014 года — тогда показатель составил $16,7 млрд.",
        [
            ("export", 15.2e9, "RU", None, "2016-01-01", "2016-12-31", "none"),
            ("export", 16.7e9, "RU", None, "2014-01-01", "2014-12-31", "none"),
        ],
    ),
    # a year a past state lasted until: no known start, the end of the year before (CAT0115) ...
    (
        "Вплоть до 2014 года Россия занимала второе место среди зарубежных рынков по объёму экспорта вишни из "
        "Венгрии, закупая 3,3-5,8 тонн в год.",
        [("import", None, "RU", "HU", None, "2013-12-31", "none")],
    ),
    # ... but a target "до" takes its year (CAT0099)
    (
        "До 2025 года власти намерены наращивать неэнергетический экспорт в среднем на 7% в год.",
        [("export", 7.0, None, None, "2025-01-01", "2025-12-31", "increase")],
    ),
    # a range written as two dates is one span, from the first day of the one to the last of the other (CAT0117)
    (
        "«За период с 1 сентября 2014 года по август 2016-го в условиях свободной торговли с ЕС экспорт в страны "
        "Европейского союза уменьшился на $41 млн, — говорится в блоге Додона.",
        [("export", 41e6, None, "EU", "2014-09-01", "2016-08-31", "decrease")],
    ),
    (
        "«В итоге с июля 2014-го по август 2016 года экспорт молдавских товаров на российский рынок снизился на "
        "$325 млн», — отметил Додон.",
        [("export", 325e6, "MD", "RU", "2014-07-01", "2016-08-31", "decrease")],
    ),
    # a date between a dash and the next figure is that figure's, not the one before it (RT Central Asia)
    (
        "Афганистан входит в тройку стран, получающих наибольшую поддержку от США. В 2015 году было выделено "
        "$1,39 млрд, в 2016-м — $665 млн, а в 2017 году ожидается $1,25 млрд.",
        [
            ("investment", 1.39e9, "US", "AF", "2015-01-01", "2015-12-31", "none"),
            ("investment", 665e6, "US", "AF", "2016-01-01", "2016-12-31", "none"),
            ("investment", 1.25e9, "US", "AF", "2017-01-01", "2017-12-31", "none"),
        ],
    ),
    # a figure-less fact's time is its own clause's, not the contrast clause's after it (CAT0113)
    (
        "На фоне кризиса в отношениях с Москвой, начавшегося после киевского госпереворота 2014 г., Украина "
        "ввела против России экономические санкции. Уже в марте 2014 г. новые киевские власти запретили экспорт "
        "в Россию вооружений, а в апреле Киев присоединился к персональным санкциям, введённым против Москвы "
        "Евросоюзом.",
        [("export", None, "UA", "RU", "2014-03-01", "2014-03-31", "decrease")],
    ),
    # a headline figure the body does not repeat takes the time of its flow in the lead (CAT0111) ...
    (
        "Сделали выбор: Азиатский банк развития больше всего вложился в Индию, Китай и Азербайджан\n\nВ 2016 "
        "году Азиатский банк развития (АБР) активно инвестировал в энергетические и транспортные сектора "
        "экономик стран региона — 26% и 23% от общего объёма вложений соответственно.",
        [
            ("investment", 1.0, None, "IN", "2016-01-01", "2016-12-31", "none"),
            ("investment", 1.0, None, "CN", "2016-01-01", "2016-12-31", "none"),
            ("investment", 1.0, None, "AZ", "2016-01-01", "2016-12-31", "none"),
            ("investment", 26.0, None, None, "2016-01-01", "2016-12-31", "none"),
            ("investment", 23.0, None, None, "2016-01-01", "2016-12-31", "none"),
        ],
    ),
    # ... a figure-less trend in a headline none (CAT0099)
    (
        "Made in Russia: российский несырьевой экспорт набирает обороты\n\nВ первом квартале 2017 года "
        "несырьевой экспорт России вырос на 5%.",
        [
            ("export", None, "RU", None, None, None, "increase"),
            ("export", 5.0, "RU", None, "2017-01-01", "2017-03-31", "increase"),
        ],
    ),
    # a yearless date takes the year of the event named right at it (CAT0136)
    (
        "20 мая, прямо на MILEX-2017, «558-й завод» и холдинг «Вертолёты России» подписали два контракта.",
        [("supply", 2.0, "RU", None, "2017-05-20", "2017-05-20", "none")],
    ),
    # of two dates in a figure's sentence, the one nearest the figure, not its trigger (CAT0018)
    (
        "У компании стратегическая цель – приобрести доли в зарубежных нефтегазовых проектах с добычей в 1,2 млн. "
        "баррелей/сутки к 2025 году, и сейчас она стремится к промежуточной цели – 400 тыс. баррелей/сутки к "
        "2010 году.",
        [
            ("production", 1.2e6, None, None, "2025-01-01", "2025-12-31", "none"),
            ("production", 4e5, None, None, "2010-01-01", "2010-12-31", "none"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PERIODS)
def test_periods(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


# every fact of the text has this period, whatever its roles
SAME_PERIOD: list[tuple[str, tuple[str | None, str | None]]] = [
    # a year a past state lasted until (the rank and the share of CAT0115)
    (
        "До 2014 года Россия являлась основным рынком сбыта как вишни, так и черешни; на её долю приходилось 60% "
        "польского экспорта этих культур.",
        (None, "2013-12-31"),
    ),
    # a fact dated by the sentence before dates the next one in turn; a comparison base never does (CAT0113)
    (
        "Согласно данным Государственной службы статистики Украины, страна значительно нарастила товарооборот с "
        "Россией в 2017 г. Москва вернула себе статус одного из крупнейших торгово-экономических партнёров Киева, "
        "поставив в соседнее государство товаров на сумму $7,2 млрд. Это на 139,9% больше показателей 2016 г.",
        ("2017-01-01", "2017-12-31"),
    ),
    (
        "Москва вернула себе статус одного из крупнейших торгово-экономических партнёров Киева, поставив в "
        "соседнее государство товаров на сумму $7,2 млрд. Это на 139,9% больше показателей 2016 г.",
        (None, None),
    ),
]


@pytest.mark.parametrize(("text", "period"), SAME_PERIOD)
def test_same_period(text: str, period: tuple[str | None, str | None]) -> None:
    rows = _rows(text)
    assert len(rows) >= 2 and {(r[4], r[5]) for r in rows} == {period}


ROLES: list[tuple[str, list[Row]]] = [
    # a flow within a group has no country's parties, whatever the sentence before names (CAT0075)
    (
        "Товарооборот России и Белоруссии в 2016 году составил $26 млрд. В 2017 году внутренняя торговля между "
        "странами-членами упала на 40%.",
        [
            ("turnover", 26e9, "BY", "RU", "2016-01-01", "2016-12-31", "none"),
            ("turnover", 40.0, None, None, "2017-01-01", "2017-12-31", "decrease"),
        ],
    ),
    # ... but "между странами" alone is the pair just named (CAT0113)
    (
        "Товарооборот России и Украины в 2016 году составил $10 млрд. Поставки между странами сократились на 20%.",
        [
            ("turnover", 10e9, "RU", "UA", "2016-01-01", "2016-12-31", "none"),
            ("supply", 20.0, "RU", "UA", "2016-01-01", "2016-12-31", "decrease"),
        ],
    ),
    # a region is no partner, and the context gives none in its place (CAT0055)
    (
        "Туркмения продаёт газ Китаю. Россия является крупнейшим поставщиком газа в Европу.",
        [("supply", 1.0, "RU", None, None, None, "none")],
    ),
    # a country's side in the dative is where the goods go (CAT0108)
    (
        "Также российская сторона обязалась восстановить объёмы поставок нефти из РФ белорусской стороне.",
        [("supply", None, "RU", "BY", None, None, "increase")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROLES)
def test_roles(text: str, expected: list[Row]) -> None:
    assert _rows(text) == expected


@pytest.mark.parametrize("text", [t for t, _ in PERIODS] + [t for t, _ in SAME_PERIOD])
def test_granularity_is_one_the_table_accepts(text: str) -> None:
    """Every period's grain is in the trade_facts contract: a grain outside it sends the fact to quarantine."""
    from newsfacts.tables import TRADE_GRANULARITIES

    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    grains = {f.period_granularity for f in extract_trade_facts(text, extract_amounts(text), dates)}
    assert grains <= {None, *TRADE_GRANULARITIES}
