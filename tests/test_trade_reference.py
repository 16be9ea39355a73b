"""The time an undated article's own text gives (``newsfacts.extract.trade.reference``, issue 12): a weekday with
a day and month fixes the year among the years the article mentions, and its trade facts' relative periods
("в прошлом году") resolve on it; no anchor, conflicting anchors, or an anchor before a period the article
reports done leave them null. Real sentences of the trade development set (``../shared/gold/trade``, cited by
id), recombined into short articles; the ``dates`` mentions themselves keep ``year_known=False``."""

from __future__ import annotations

from datetime import date

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.trade import extract_trade_facts
from newsfacts.extract.trade.reference import reference_date, with_reference

# CAT0099
Q1 = (
    "По итогам I квартала 2017 года экспорт российских несырьевых товаров и услуг увеличился на 19% в сравнении "
    "с аналогичным периодом 2016 года. "
)
WED = "Такие данные обнародовали в среду, 24 мая, представители Российского экспортного центра (РЭЦ). "
LAST_YEAR = "Больше всего в прошлом году увеличился экспорт пшеницы, кукурузы, подсолнечного масла и сахара."
# CAT0106: a teaser of another story, and the period the article reports
THU = "В четверг, 29 сентября, в Пекине президент Белоруссии Александр Лукашенко провёл переговоры с Си Цзиньпином. "
JAN_FEB = (
    "Согласно статистическим данным, в январе-феврале 2017 года российские компании поставили в Белоруссию "
    "2,6 млн тонн нефти. "
)
# CAT0102
TUE = (
    "Во вторник, 19 сентября, Украина впервые за три года вышла на внешний долговый рынок с выпуском "
    "рекордных 15-летних международных облигаций. "
)

BONDS = "В 2017 году Украина разместила облигации на $3 млрд. "


def _points(text: str) -> list:  # type: ignore[type-arg]
    return [d for d in extract_dates(text, None) if d.kind == "point"]


REFERENCES: list[tuple[str, date | None]] = [
    # the weekday fixes the year: 24 May is a Wednesday in 2017, not in 2016 (the other year mentioned)
    (Q1 + WED + LAST_YEAR, date(2017, 5, 24)),
    (WED + Q1 + LAST_YEAR, date(2017, 5, 24)),
    # no anchor: the reported quarter alone only bounds the time, it dates nothing
    (Q1 + LAST_YEAR, None),
    (LAST_YEAR, None),
    # a weekday date no mentioned year fits (24 May 2016 is a Tuesday): nothing
    ("В 2016 году экспорт вырос на 5%. " + WED + LAST_YEAR, None),
    # conflicting anchors: 24 May fits 2017, 29 September 2016
    (WED + THU + "В 2016 году экспорт вырос на 5%, в 2017 году ожидается рост. " + LAST_YEAR, None),
    # a weekday date before a period the article reports done is a past event's, not the article's
    (THU + JAN_FEB + "Экспорт нефтепродуктов в 2016 году сократился.", None),
    # a weekday date before a year the article tells done conflicts ("в 2018 году ... выросла")
    (
        TUE + "В 2017 году Украина разместила облигации. В 2018 году экономика Узбекистана выросла на 5,3%.",
        None,
    ),
    (TUE + BONDS, date(2017, 9, 19)),
    # a later year as a target or plan leaves the weekday date standing; named otherwise, it conflicts
    (TUE + BONDS + "Госдолг Украины к 2020 году должен сократиться до 60% ВВП.", date(2017, 9, 19)),
    (TUE + BONDS + "В 2018 году объём выпуска — $2 млрд.", None),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCES)
def test_reference_date(text: str, expected: date | None) -> None:
    assert reference_date(text, _points(text)) == expected


def _periods(text: str) -> list[tuple[str, str | None, str | None]]:
    """The distinct (indicator, period start, end) of the facts of the last sentence (one per commodity)."""
    return sorted(
        {
            (
                f.indicator,
                f.period_start.isoformat() if f.period_start else None,
                f.period_end.isoformat() if f.period_end else None,
            )
            for f in extract_trade_facts(text, extract_amounts(text), _points(text))
            if f.start_char >= text.index(LAST_YEAR[:20])
        },
        key=str,
    )


PERIODS: list[tuple[str, list[tuple[str, str | None, str | None]]]] = [
    # CAT0099: "в прошлом году" in an article the weekday dates to 2017 is 2016
    (Q1 + WED + LAST_YEAR, [("export", "2016-01-01", "2016-12-31")]),
    # no anchor, or conflicting ones: the convention holds, the period stays null
    (Q1 + LAST_YEAR, [("export", None, None)]),
    (
        WED + THU + "В 2016 году экспорт вырос на 5%, в 2017 году ожидается рост. " + LAST_YEAR,
        [("export", None, None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PERIODS)
def test_relative_period_on_reference(text: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    assert _periods(text) == expected


@pytest.mark.parametrize(
    ("text", "unresolved"),
    [
        # the reference fixes the year, not the day of writing: "Сегодня" stays unresolved, "в прошлом году" not
        (TUE + "В 2017 году Украина разместила облигации. Сегодня в прошлом году", ["Сегодня"]),
    ],
)
def test_reference_leaves_days_and_dates_table(text: str, unresolved: list[str]) -> None:
    dates = _points(text)
    again = with_reference(text, dates)
    assert [d.text for d in again if d.start_date is None] == unresolved
    assert any(
        d.start_date is None and "прошлом" in d.text for d in dates
    )  # the dates mentions stay as they were


# CAT0108: a future regime's year ("с 1 января 2017 года ... будет обходиться") is no year for the past events
# after it; the article (no publication date, no weekday) leaves them yearless
REGIME = (
    "Как сообщает ТАСС со ссылкой на источник в одном из нефтетранспортных предприятий Белоруссии, с 1 января "
    "2017 года транзит российской нефти через белорусскую территорию будет обходиться на 20,5% дороже. "
)
OCTOBER = (
    "Повышенные тарифы предполагалось ввести с 11 октября, но накануне, 10 октября, ответственный за переговоры "
    "по энергоносителям вице-премьер Белоруссии Владимир Семашко сообщил, что решение о повышении тарифов на "
    "транзит российской нефти отменено. "
)
RESTORE = (
    "Но при этом, по его словам, российская сторона обязалась восстановить объёмы поставок нефти из РФ "
    "белорусской стороне, а Белоруссия — в полном объёме погасить задолженность по платежам за российский газ."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REGIME + OCTOBER + RESTORE, {None}),
        # a past year before the yearless date still gives it its year
        ("В 2016 году Минск начал платить за газ меньше. " + OCTOBER + RESTORE, {"2016-10-10"}),
    ],
)
def test_past_yearless_date_takes_no_future_year(text: str, expected: set[str | None]) -> None:
    facts = extract_trade_facts(text, extract_amounts(text), _points(text))
    got = {
        f.period_start.isoformat() if f.period_start else None
        for f in facts
        if f.start_char >= text.index(RESTORE[:20])
    }
    assert got == expected
