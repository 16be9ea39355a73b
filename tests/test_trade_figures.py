"""The figures of trade facts (CONVENTIONS.md "value_kind", "rank"): ranks and their sizes, a re-export as a
transit, and whether a bare percent is a change or a share. Real sentences of the development articles."""

from __future__ import annotations

import pytest

from newsfacts.extract.amounts import change_fractions, extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.numbers import normalise
from newsfacts.extract.trade import extract_trade_facts

Figure = tuple[str, float | None, str | None, str]  # indicator, value, unit, value_kind


def _figures(text: str) -> list[Figure]:
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    return [
        (f.indicator, f.value, f.unit, f.value_kind)
        for f in extract_trade_facts(text, extract_amounts(text), dates)
    ]


RANKS: list[tuple[str, list[Figure]]] = [
    # CAT0133: the superlative with "в мире" between it and the noun is still the first
    ("КНР является крупнейшим в мире импортёром нефти.", [("import", 1.0, "rank", "rank")]),
    # CAT0124: a top ten of leaders is a rank of size 10, not "лидер" = 1
    (
        "По словам Дмитрия Кулебы, по состоянию на 2016 год Украина входит в десятку лидеров по экспорту "
        "оружия в мире.",
        [("export", 10.0, "rank", "rank")],
    ),
    # CAT0113: "основу экспорта составляют" names the first goods of the flow
    (
        "Как отмечают эксперты, основу российского экспорта на Украину всё равно составляют нефтепродукты и "
        "продукция химпроизводства.",
        [("export", 1.0, "rank", "rank")],
    ),
    # CAT0143: "в основном из" names the main origin; a re-export is a transit
    (
        "По его словам, реэкспорт продуктов идёт в основном из Польши, Греции, Молдовы и Италии.",
        [("transit", 1.0, "rank", "rank")],
    ),
    # CAT0099: a rank beside another figure is a fact of its own (one fact per figure)
    (
        "Больше всего закупок российского продовольствия в 2016 году приходилось на Китай (10,1% от общего "
        "объёма экспорта).",
        [("import", 1.0, "rank", "rank"), ("import", 10.1, "percent", "share_pct")],
    ),
    # negatives: "one of the largest / leading exporters" ranks nothing (CAT0133, CAT0113)
    (
        "Курсы валют ряда государств — крупнейших экспортёров нефти теряют зависимость от цен на энергосырьё.",
        [],
    ),
    ("Один из ведущих экспортёров продукции на Украину — Белоруссия.", []),
]


@pytest.mark.parametrize(("text", "expected"), RANKS)
def test_ranks(text: str, expected: list[Figure]) -> None:
    assert _figures(text) == expected


PERCENTS: list[tuple[str, list[Figure]]] = [
    # CAT0109: a bare percent after a change verb is a change
    (
        "В итоге в ходе торгов среды баррель Brent дорожал на 7—10%, WTI прибавила 9%.",
        [("price", None, "percent", "change_pct"), ("price", 9.0, "percent", "change_pct")],
    ),
    # CAT0075: ... also with a dash between the change noun and the figure
    (
        "Рост экспорта за этот период у России наибольший среди всех стран ЕАЭС — 33,7%.",
        [("export", 33.7, "percent", "change_pct")],
    ),
    # CAT0089, CAT0110: a bare percent of goods or output is a share of the flow
    (
        "Болгария, которая получает почти 100% газа по этому маршруту, пострадает.",
        [("import", 100.0, "percent", "share_pct")],
    ),
    (
        "Сегодня более 70% продукции белорусского ВПК уходит на внешний рынок.",
        [("export", 70.0, "percent", "share_pct")],
    ),
    # a level reached after a change word is no change ("выросла до 25%"): a share
    ("Доля Китая в экспорте нефти выросла до 25%.", [("export", 25.0, "percent", "share_pct")]),
]


@pytest.mark.parametrize(("text", "expected"), PERCENTS)
def test_percent_kinds(text: str, expected: list[Figure]) -> None:
    assert _figures(text) == expected


FRACTIONS: list[tuple[str, list[tuple[str, float | None, str | None, str, str]]]] = [
    # CAT0094, CAT0106: a fraction after "на" is a percentage change (CONVENTIONS.md: "треть" -> 33.3)
    (
        "По прогнозам USDA, в США производство пшеницы сократится почти на четверть — до 47,9 млн тонн.",
        [("почти на четверть", 25.0, "percent", "change_pct", "less_than")],
    ),
    (
        "Это примерно на треть меньше показателей аналогичного периода прошлого года.",
        [("примерно на треть", 33.3, "percent", "change_pct", "approx")],
    ),
    # negatives: a fraction of people, a half of the year are no change
    ("Треть россиян не знает, что такое ВВП.", []),
    ("В первой половине года цены выросли.", []),
]


@pytest.mark.parametrize(("text", "expected"), FRACTIONS)
def test_change_fractions(text: str, expected: list[tuple[str, float | None, str | None, str, str]]) -> None:
    norm = normalise(text)
    got = change_fractions(text, norm, 0, len(norm))
    assert [(a.text, a.value, a.unit, a.value_kind, a.qualifier) for a in got] == expected
    # the amounts table keeps to what RuRED / NEREL annotate: no fractions there
    assert not any(a.unit == "percent" and a.value in (25.0, 33.3) for a in extract_amounts(text))


def test_many_times() -> None:
    """CAT0107: "в разы" is a ratio of no stated value."""
    got = extract_amounts("Объёмы экспорта и импорта снизились в разы.")
    assert [(a.text, a.value, a.unit, a.value_kind) for a in got] == [("в разы", None, "times", "ratio")]


NOT_TRADE: list[str] = [
    # CAT0075: retail turnover is domestic trade
    "Розничный товарооборот в апреле вырос на 0,1%, а в мае — на 0,7%.",
    # CAT0125, CAT0133, CAT0143: a prospect or an opinion without a figure is no fact
    "Поэтому не исключено, что в ближайшие месяцы произойдёт увеличение добычи нефти в США.",
    "Чем больше страна покупает нефти, тем больше этот процесс укрепляет доллар.",
    "С закрытием канала поставок через Белоруссию потоки санкционной продукции пойдут через соседние "
    "государства, полагает он.",
]


@pytest.mark.parametrize("text", NOT_TRADE)
def test_not_trade(text: str) -> None:
    assert _figures(text) == []


def test_figure_before_a_trigger_that_makes_no_fact() -> None:
    """CAT0111: "получили" makes no fact, so 19% goes on to "инвестиций" written right after it."""
    text = "В совокупности эти отрасли получили 19% от всех инвестиций банка."
    assert _figures(text) == [("investment", 19.0, "percent", "share_pct")]


def test_price_per_one() -> None:
    """CAT0124: "$4,9 млн за один «Оплот»" is a price per unit."""
    text = "В 2011 году Киев предложил действительно выгодную цену — $4,9 млн за один «Оплот»."
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    (f,) = extract_trade_facts(text, extract_amounts(text), dates)
    assert (f.indicator, f.value, f.unit, f.per_unit) == ("price", 4.9e6, "USD", "unit")


INDICATORS: list[tuple[str, list[Figure]]] = [
    # CAT0091: the value of (futures) contracts on a market is a price
    (
        "Стоимость долгосрочных контрактов на североморскую смесь марки Brent 11 сентября выросла на 0,58% "
        "до $54,09 за баррель.",
        [("price", 0.58, "percent", "change_pct"), ("price", 54.09, "USD", "absolute")],
    ),
    # CAT0124: the sum of one contract is its supply; CAT0102: the sum of all agreements is "other"
    ("Сумма контракта оценивается в $100 млн.", [("supply", 100e6, "USD", "absolute")]),
    (
        "По итогам 2017 года сумма всех торговых и инвестиционных контрактов составила $8,94 млрд.",
        [("other", 8.94e9, "USD", "absolute")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INDICATORS)
def test_indicators(text: str, expected: list[Figure]) -> None:
    assert _figures(text) == expected


DIRECTIONS: list[tuple[str, list[tuple[str, float | None, str]]]] = [
    # CAT0104: "больше всего" is the rank, no direction
    (
        "Азиатский банк развития больше всего вложился в Индию, Китай и Азербайджан.",
        [("investment", 1.0, "none")] * 3,
    ),
    # CAT0110: "превышает рубеж в $1 млрд" is a level above a mark, no direction; "увеличился на 15%" is one
    (
        "Белоруссия далеко не в первый раз превышает рубеж в $1 млрд в своём военно-техническом экспорте.",
        [("export", 1e9, "none")],
    ),
    (
        "Экспорт белорусской продукции военного назначения в 2017 году увеличился на 15%.",
        [("export", 15.0, "increase")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), DIRECTIONS)
def test_directions(text: str, expected: list[tuple[str, float | None, str]]) -> None:
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    got = extract_trade_facts(text, extract_amounts(text), dates)
    assert [(f.indicator, f.value, f.direction) for f in got] == expected
