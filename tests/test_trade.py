"""extract_trade_facts: seed sentences and regional-news phrasing -> expected trade facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.trade import VERSION, extract_trade_facts
from newsfacts.extract.types import DateMention, TradeFact

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

S000_RANK = (
    "Дипломат подчеркнул, что в 2025 году Казахстан впервые стал основным поставщиком пшеницы на "
    "азербайджанский рынок и выразил надежду на закрепление успеха."
)
S000_OIL = (
    "В этом контексте Алим Байель отметил важность таких крупных проектов как Транскаспийский "
    "международный транспортный маршрут (ТМТМ), экспорт казахской нефти и урана через территорию "
    "Азербайджана, прокладка по дну Каспийского моря волоконно-оптической линии связи."
)
S000_GRAIN = (
    "Важным шагом, по его мнению, стали начавшиеся недавно поставки через Азербайджан казахстанского "
    "зерна в Армению."
)
S002_RATIO = (
    "По его словам, в первой половине текущего года объем торговли между Азербайджаном и Казахстаном "
    "более чем в 6 раз превысил прошлогодний показатель и достиг рекордного уровня."
)
S002_GROWTH = (
    "Ведущий консультант ЦАМО Наги Ахмедов отметил, что наряду с ростом транзитных грузоперевозок по "
    "Среднему коридору последние годы между Азербайджаном и расположенными вдоль этого коридора "
    "центральноазиатскими странами, особенно Казахстаном, наблюдается рост товарооборота."
)


def _date(text: str, phrase: str, **kw: object) -> DateMention:
    i = text.index(phrase)
    return DateMention(text=phrase, start_char=i, end_char=i + len(phrase), **kw)  # type: ignore[arg-type]


def _facts(text: str, dates: list[DateMention] | None = None) -> list[TradeFact]:
    return extract_trade_facts(text, extract_amounts(text), dates or [])


def test_seed000_wheat_rank() -> None:
    year = _date(
        S000_RANK,
        "в 2025 году",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        granularity="year",
        year_known=True,
    )
    (f,) = _facts(S000_RANK, [year])
    assert (f.indicator, f.commodity, f.hs_code) == ("supply", "wheat", "1001")
    assert (f.reporter_iso2, f.partner_iso2) == ("KZ", "AZ")
    assert (f.value_kind, f.value, f.unit) == ("rank", 1.0, "rank")
    assert (f.period_start, f.period_end, f.period_granularity) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        "year",
    )
    assert "основным поставщиком пшеницы" in f.text
    assert S000_RANK[f.start_char : f.end_char] == f.text


def test_seed002_turnover_ratio() -> None:
    half = _date(
        S002_RATIO,
        "в первой половине текущего года",
        start_date=None,
        end_date=None,
        granularity="half",
        year_known=False,
    )
    amounts = extract_amounts(S002_RATIO)
    (f,) = extract_trade_facts(S002_RATIO, amounts, [half])
    assert f.indicator == "turnover"
    assert {f.reporter_iso2, f.partner_iso2} == {"AZ", "KZ"}
    assert (f.value_kind, f.value, f.unit, f.qualifier) == ("ratio", 6.0, "times", "more_than")
    assert (f.direction, f.comparison) == ("increase", "previous year")
    assert (f.period_start, f.period_end, f.period_granularity) == (None, None, "half")
    assert f.amount_index is not None and amounts[f.amount_index].text == "более чем в 6 раз"


def test_seed000_oil_and_uranium_via_azerbaijan() -> None:
    facts = _facts(S000_OIL)
    assert [(f.commodity, f.hs_code) for f in facts] == [("crude oil", "2709"), ("uranium", "2612")]
    for f in facts:
        assert (f.indicator, f.reporter_iso2, f.transit_iso2, f.value) == ("export", "KZ", "AZ", None)


def test_seed000_grain_to_armenia() -> None:
    (f,) = _facts(S000_GRAIN)
    assert (f.indicator, f.commodity, f.hs_code) == ("supply", "grain", "10")
    assert (f.reporter_iso2, f.partner_iso2, f.transit_iso2) == ("KZ", "AM", "AZ")


def test_seed002_growth_without_numbers() -> None:
    transit, turnover = _facts(S002_GROWTH)
    assert (transit.indicator, transit.direction, transit.value) == ("transit", "increase", None)
    assert (turnover.indicator, turnover.direction, turnover.value) == ("turnover", "increase", None)
    assert {turnover.reporter_iso2, turnover.partner_iso2} == {"AZ", "KZ"}
    assert transit.reporter_iso2 is None


# (sentence, indicator, reporter, partner, commodity, value, unit, value_kind, direction)
CASES = [
    (
        "Товарооборот между Казахстаном и Китаем в 2023 году вырос на 15%.",
        "turnover",
        "CN",  # a turnover's two countries are alphabetical by code (CONVENTIONS.md)
        "KZ",
        None,
        15.0,
        "percent",
        "change_pct",
        "increase",
    ),
    (
        "Экспорт казахстанской пшеницы в Иран сократился до 1,2 млн тонн.",
        "export",
        "KZ",
        "IR",
        "wheat",
        1.2e6,
        "t",
        "absolute",
        "decrease",
    ),
    (
        "Россия увеличила поставки газа в Узбекистан до 9 млрд кубометров.",
        "supply",
        "RU",
        "UZ",
        "natural gas",
        9e9,
        "m3",
        "absolute",
        "increase",
    ),
    (
        "Импорт угля из Казахстана составил 300 млрд тенге.",
        "import",
        None,
        "KZ",
        "coal",
        3e11,
        "KZT",
        "absolute",
        "none",
    ),
    (
        "Туркменистан нарастил добычу газа на 5%.",
        "production",
        "TM",
        None,
        "natural gas",
        5.0,
        "percent",
        "change_pct",
        "increase",
    ),
    (
        "Объем взаимной торговли Азербайджана и Грузии составил около 1,5 млрд долларов.",
        "turnover",
        "AZ",
        "GE",
        None,
        1.5e9,
        "USD",
        "absolute",
        "none",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "indicator", "reporter", "partner", "commodity", "value", "unit", "kind", "direction"), CASES
)
def test_trade_table(
    sentence: str,
    indicator: str,
    reporter: str | None,
    partner: str | None,
    commodity: str | None,
    value: float,
    unit: str,
    kind: str,
    direction: str,
) -> None:
    (f,) = _facts(sentence)
    assert (f.indicator, f.reporter_iso2, f.partner_iso2, f.commodity) == (
        indicator,
        reporter,
        partner,
        commodity,
    )
    assert f.value == pytest.approx(value)
    assert (f.unit, f.value_kind, f.direction) == (unit, kind, direction)


NEGATIVE = [
    "Население Казахстана превысило 20 млн человек.",
    "Необходимо создать безопасный инвестиционный климат.",
    "Эксперты обсудили производственные вопросы.",
    "В ходе беседы эксперты отметили рост значимости Организации тюркских государств.",
    "Стороны обсудили вопросы экспорта.",
]


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_not_trade_facts(sentence: str) -> None:
    assert _facts(sentence) == []


def test_whole_seed_articles() -> None:
    text = (SEEDS / "000_7b51122feffa36ca.txt").read_text(encoding="utf-8")
    facts = _facts(text)
    assert {f.commodity for f in facts} == {"crude oil", "uranium", "wheat", "grain"}
    for f in facts:
        assert text[f.start_char : f.end_char] == f.text
    assert VERSION == "trade-9"


# --- real sentences from the regional news corpora (RT Central Asia subset, Tengrinews) -------------------


def test_each_amount_takes_the_commodity_before_it() -> None:
    facts = _facts(
        "Традиционно большинство поставок России приходится на нефтепродукты (56% от общего объёма экспорта) "
        "и на зерновые культуры (28%)."
    )
    assert [(f.commodity, f.value, f.reporter_iso2) for f in facts] == [
        ("petroleum products", 56.0, "RU"),
        ("grain", 28.0, "RU"),
    ]


def test_exports_of_georgia_to_russia() -> None:
    facts = _facts(
        "Грузия за отчётный период экспортировала в РФ виноградных вин на $55,8 млн и минеральных вод на "
        "более чем $35 млн."
    )
    assert [(f.indicator, f.reporter_iso2, f.partner_iso2, f.value, f.unit) for f in facts] == [
        ("export", "GE", "RU", 55.8e6, "USD"),
        ("export", "GE", "RU", 35e6, "USD"),
    ]


def test_supply_of_oil_to_belarus() -> None:
    f, less = _facts(
        "Согласно статистическим данным, в январе-феврале 2017 года российские компании поставили в Белоруссию "
        "2,6 млн тонн нефти, что примерно на треть меньше показателей аналогичного периода прошлого года."
    )
    assert (f.indicator, f.reporter_iso2, f.partner_iso2, f.commodity, f.hs_code) == (
        "supply",
        "RU",
        "BY",
        "crude oil",
        "2709",
    )
    assert (f.value, f.unit, f.comparison) == (2.6e6, "t", "same period last year")
    # "примерно на треть меньше" is the figure's change, its own fact (CONVENTIONS.md: one fact per figure)
    assert (less.indicator, less.value, less.unit, less.value_kind, less.direction) == (
        "supply",
        33.3,
        "percent",
        "change_pct",
        "decrease",
    )


REAL_NEGATIVE = [
    # import substitution is no import
    "Кроме того, политика импортозамещения, благодаря которой некоторые отрасли промышленности получили "
    "дотации и субсидии от государства, способствовала росту экономики.",
    # removing rubbish is no export
    "В акции приняли участие более 1650 человек, привлечено 45 спецтехники, очищены все тротуары, вывезено "
    "127 кубометров мусора, очищено 37 километров ирригационных систем.",
    # a supplier in a public tender, no commodity, no country
    "Тем самым поставщиком нанесен ущерб в виде закупки дешевых аналогов, не соответствующих заявленным "
    'техническим характеристикам, на общую сумму почти 133 миллиона тенге", - сообщили в АФМ.',
    # a general statement: no country, commodity, route or figure
    "Чем ниже ставка, тем доступнее кредиты для бизнеса, чем больше у предприятий денег, тем больше "
    "инвестиций, тем самым можно стимулировать рост экономики.",
]


@pytest.mark.parametrize("sentence", REAL_NEGATIVE)
def test_real_sentences_without_trade_facts(sentence: str) -> None:
    assert _facts(sentence) == []


def test_glued_sentences_are_split() -> None:
    text = "Участники провели санитарную уборку и вывоз мусора.В акции приняли участие более 1650 человек."
    assert _facts(text) == []


# --- named routes (data/routes_ru.yaml) -----------------------------------------------------------------


def test_seed002_transit_along_the_middle_corridor() -> None:
    transit, turnover = _facts(S002_GROWTH)
    assert (transit.indicator, transit.route, transit.direction) == ("transit", "Middle Corridor", "increase")
    assert turnover.route is None  # the corridor is the transit's, not the turnover's


def test_a_route_listed_beside_a_trade_flow_is_not_its_route() -> None:
    assert {f.route for f in _facts(S000_OIL)} == {None}


@pytest.mark.parametrize(
    ("sentence", "route"),
    [
        # constructed: the corpora name no route in a trade statement besides the seed
        ("Транзит грузов через ТМТМ вырос в 2,5 раза.", "Middle Corridor"),
        (
            "Объем перевозок грузов по Транскаспийскому международному транспортному маршруту вырос на 62%.",
            "Middle Corridor",
        ),
        ("Объем грузоперевозок по коридору «Север–Юг» в 2023 году вырос на 20%.", "North–South"),
        (
            "Казахстан увеличил экспорт нефти по маршруту Баку–Тбилиси–Джейхан до 1,5 млн тонн.",
            "Baku–Tbilisi–Ceyhan",
        ),
        ("Перевозки грузов по железной дороге Баку–Тбилиси–Карс выросли на 30%.", "Baku–Tbilisi–Kars"),
        ("Экспорт казахстанской нефти через КТК сократился на 5%.", "Caspian Pipeline Consortium"),
    ],
)
def test_routes(sentence: str, route: str) -> None:
    facts = _facts(sentence)
    assert facts and {f.route for f in facts} == {route}


def test_enumerated_partners_each_take_their_amount() -> None:
    facts = _facts(
        "Практически весь объём экспорта в январе 2017-го пришёлся на три географических направления — "
        "Великобританию (388,7 тыс. тонн), Украину (247,2 тыс. тонн) и Нидерланды (65,6 тыс. тонн)."
    )
    assert [(f.reporter_iso2, f.partner_iso2, f.value) for f in facts] == [
        (None, "GB", 388700.0),
        (None, "UA", 247200.0),
        (None, "NL", 65600.0),
    ]


def test_dative_country_is_the_destination() -> None:
    (f,) = _facts("Туркменистан экспортирует газ Китаю на 10 млрд долларов в год.")
    assert (f.reporter_iso2, f.partner_iso2, f.commodity) == ("TM", "CN", "natural gas")


def test_scraped_text_with_glued_sentences() -> None:
    # Tengrinews: "…корреспондентTengrinews.kz.Как сообщили…" -- the 120 thousand tonnes are not the quarter's
    text = (
        "Казахстан отправит еще 120 тысяч тонн нефти в Германию, передает корреспондентTengrinews.kz.Как "
        'сообщили в "КазТрансОйле", в первом квартале 2024 года объем транспортировки нефти для поставки '
        "в Германию составил 300 тысяч тонн."
    )
    facts = _facts(text)
    assert [(f.indicator, f.partner_iso2, f.commodity, f.value) for f in facts] == [
        ("supply", "DE", "crude oil", 300000.0)
    ]


# The one sentence splitter (newsfacts.extract.text) as trade reads it: razdel's rules plus line breaks, stops
# glued to the next sentence and "2017 г." ending a sentence. Sentences from the development articles.
SPLITS = [
    (
        "страна значительно нарастила товарооборот с Россией в 2017 г. Москва вернула себе статус партнёра.",
        [
            "страна значительно нарастила товарооборот с Россией в 2017 г.",
            "Москва вернула себе статус партнёра.",
        ],
    ),
    (
        "Это на 139,9% больше показателей 2016 г. К примеру, Украина",
        ["Это на 139,9% больше показателей 2016 г.", "К примеру, Украина"],
    ),
    # a sentence that opens with its date goes on after "г."
    ("В ноябре 2017 г. Министерство экономического развития Украины", None),
    ("Как заявил осенью 2016 г. Пётр Порошенко, «закрытие Россией своего рынка", None),
    # abbreviations and initials razdel knows
    ("Харьковское конструкторское бюро по машиностроению имени А.А. Морозова", None),
    (
        "вероятная сумма сделки — $3 млрд. Как подтвердил вице-премьер",
        ["вероятная сумма сделки — $3 млрд.", "Как подтвердил вице-премьер"],
    ),
    ("экспорт 300 тыс. т. зерна в т.ч. пшеницы", None),
    # a headline or paragraph without a final stop ends at its line break
    (
        "Нефтяной союз\n\n«Экономики России и Саудовской Аравии",
        ["Нефтяной союз", "«Экономики России и Саудовской Аравии"],
    ),
    # scraped text: a stop glued to the next sentence
    (
        "передает корреспондентTengrinews.kz.Как сообщили",
        ["передает корреспондентTengrinews.kz.", "Как сообщили"],
    ),
    ("на территории.В акции участвуют", ["на территории.", "В акции участвуют"]),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_sentences(text: str, expected: list[str] | None) -> None:
    from newsfacts.extract.text import sentences

    got = [text[a:b] for a, b in sentences(text).spans]
    assert got == (expected if expected is not None else [text])


def test_sentences_keep_razdels_decisions_on_real_articles() -> None:
    """The fast path through razdel's rules cuts exactly where razdel's ``sentenize`` does."""
    from razdel import sentenize

    from newsfacts.extract.text import _razdel_cuts

    root = Path(__file__).resolve().parents[2] / "shared"
    files = sorted((root / "gold" / "trade" / "articles").glob("*.txt"))
    files += sorted((root / "corpus" / "rured").glob("*.txt"))[:100]
    if not files:
        pytest.skip("../shared is absent")
    for path in files:
        text = path.read_text(encoding="utf-8")
        cuts = [0, *_razdel_cuts(text), len(text)]
        mine = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
        mine = [(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip())) for a, b in mine]
        assert mine == [(s.start, s.stop) for s in sentenize(text) if s.stop > s.start], path.name
