"""Ratio words (units_ru.yaml ``ratio_words``): "вдвое", "втрое" and the verbs of doubling and tripling
("удвоить", "удвоился") are a figure of 2 or 3 times (CONVENTIONS.md: ``unit`` ``times``, ``value_kind``
``ratio``), in the amounts table and in the trade facts they belong to; words that only look alike are not.
Real sentences of the trade development set (CAT0018, CAT0113) and variants, negatives included."""

from __future__ import annotations

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.trade import extract_trade_facts

AMOUNTS: list[tuple[str, list[tuple[str, float, str, str]]]] = [
    ("надеясь удвоить добычу и экспорт голубого топлива к 2020 году", [("удвоить", 2.0, "times", "ratio")]),
    ("Экспорт пшеницы из России в Египет удвоился.", [("удвоился", 2.0, "times", "ratio")]),
    ("Поставки утроились за пять лет.", [("утроились", 3.0, "times", "ratio")]),
    ("показатели по обмену товарами между странами сократились вдвое", [("вдвое", 2.0, "times", "ratio")]),
    # negatives: a noun of the same stem and a word that merely begins alike are no figure
    ("Удвоение экспорта остаётся целью правительства.", []),
    ("Компания удвоитель мощностей не выпускает.", []),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_ratio_words(text: str, expected: list[tuple[str, float, str, str]]) -> None:
    got = [(a.text, a.value, a.unit, a.value_kind) for a in extract_amounts(text)]
    assert got == expected


TRADE: list[tuple[str, list[tuple[str, float | None, str | None, str | None, str, str | None]]]] = [
    (
        "Экспорт пшеницы из России в Египет удвоился.",
        [("export", 2.0, "RU", "EG", "increase", "ratio")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TRADE)
def test_ratio_trade_facts(
    text: str, expected: list[tuple[str, float | None, str | None, str | None, str, str | None]]
) -> None:
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    got = [
        (f.indicator, f.value, f.reporter_iso2, f.partner_iso2, f.direction, f.value_kind)
        for f in extract_trade_facts(text, extract_amounts(text), dates)
    ]
    assert got == expected
