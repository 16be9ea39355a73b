"""Plausible values per unit kind, part of the table contracts (``newsfacts.tables`` re-exports them).

A number outside its kind's range is no figure a news text can mean ("999 999 999 999 999 999 трлн долларов" =
1e30 USD, "1e27 t", "1e23 %"). The GX suites reject such rows of amounts and trade_facts into quarantine
(expect_column_values_to_be_between on the rows of the kind's units); every value (any unit, or a bare count) is
also held to ANY_VALUE_RANGE.
"""

from __future__ import annotations

UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "money": (
        *("AMD", "AUD", "AZN", "BYN", "CAD", "CHF", "CNY", "EUR", "GBP", "GEL", "HKD", "INR", "IRR", "JPY"),
        *("KGS", "KZT", "RUB", "SGD", "TJS", "TMT", "TRY", "UAH", "USD", "UZS"),
    ),
    "mass": ("t", "kg", "g"),
    "volume": ("bbl", "m3", "dal", "l"),
    "percent": ("percent", "pp"),
    "ratio": ("times",),
}
VALUE_RANGES: dict[str, tuple[float, float]] = {
    "money": (-1e18, 1e18),  # a quadrillion dollars is 10,000 world GDPs; 1e18 rials is Iran's GDP tenfold
    "mass": (-1e13, 1e13),  # the world ships ~1e10 t a year
    "volume": (-1e15, 1e15),  # the world's proven gas reserves are ~2e14 m3
    "percent": (-1e9, 1e9),  # the worst hyperinflation a text quotes as a rate (Venezuela: ~1e6 %)
    "ratio": (0.0, 1e9),
}
ANY_VALUE_RANGE: tuple[float, float] = (-1e18, 1e18)
