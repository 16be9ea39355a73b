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
    assert (f.direction, f.comparison) == ("increase", "previous_year")
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
        "KZ",
        "CN",
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
    assert VERSION == "trade-1"
