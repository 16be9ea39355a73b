"""The EU read from the adjective "европейский" in trade roles (CONVENTIONS.md: "the EU as `EU`; other regions
("Европа", ...) are null"): goods called European are the EU's, while "европейские страны", "европейский рынок"
and European companies or consumers name a region or a market, no party. Real sentences of the trade
development set (``../shared/gold/trade``, CAT0115, CAT0117, CAT0143) and variants, negatives included."""

from __future__ import annotations

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.trade import extract_trade_facts

Roles = tuple[str, float | None, str | None, str | None]


def _roles(text: str) -> list[Roles]:
    """(indicator, value, reporter, partner) of each fact."""
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    return [
        (f.indicator, f.value, f.reporter_iso2, f.partner_iso2)
        for f in extract_trade_facts(text, extract_amounts(text), dates)
    ]


CASES: list[tuple[str, list[Roles]]] = [
    # CAT0143: European goods re-exported to Russia: the EU is where they come from
    (
        "Белоруссия согласилась бороться с реэкспортом европейских товаров в Россию.",
        [("export", None, "EU", "RU")],
    ),
    # an import of European gas by a named country
    ("Импорт европейского газа Украиной вырос на 10%.", [("import", 10.0, "UA", "EU")]),
    # negatives: "европейские страны" is a region (CAT0117), European companies are no party
    (
        "Наметилась тенденция роста импорта из европейских стран ряда агропродовольственных товаров.",
        [("import", None, None, None)],
    ),
    ("Экспорт европейских компаний в Россию сократился на 5%.", [("export", 5.0, None, "RU")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_eu_adjective(text: str, expected: list[Roles]) -> None:
    assert _roles(text) == expected
