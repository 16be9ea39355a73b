"""The EU read from the adjective "европейский" in trade roles (CONVENTIONS.md: "the EU as `EU`; other regions
("Европа", ...) are null"): goods called European are the EU's, while "европейские страны", "европейский рынок"
and European companies or consumers name a region or a market, no party. Real sentences of the trade
development set (``../shared/gold/trade``, CAT0104, CAT0115, CAT0117, CAT0143) and variants, negatives included;
and the owner in the genitive of an investment target ("в инвестиционные проекты Индии") as its destination."""

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
    # CAT0143: European goods re-exported to Russia: the EU is where they come from (a re-export is a transit)
    (
        "Белоруссия согласилась бороться с реэкспортом европейских товаров в Россию.",
        [("transit", None, "EU", "RU")],
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


# the owner in the genitive of what money goes into is the destination, and each item of an enumeration after
# it its own (CAT0104); a growth figure of an economy is no trade fact
GENITIVE_OWNERS: list[tuple[str, list[Roles]]] = [
    (
        "В 2016 году Азиатский банк развития (АБР) больше всего вкладывал в инвестиционные проекты Индии, Китая и "
        "Азербайджана.",
        [
            ("investment", 1.0, None, "IN"),
            ("investment", 1.0, None, "CN"),
            ("investment", 1.0, None, "AZ"),
        ],
    ),
    ("Китай инвестировал в экономику Казахстана $2 млрд.", [("investment", 2e9, "CN", "KZ")]),
    ("Рост в экономике Китая замедлился до 6,5%.", []),
]


@pytest.mark.parametrize(("text", "expected"), GENITIVE_OWNERS)
def test_genitive_owner_is_destination(text: str, expected: list[Roles]) -> None:
    assert _roles(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_eu_adjective(text: str, expected: list[Roles]) -> None:
    assert _roles(text) == expected
