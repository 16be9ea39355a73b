"""extract_amounts: tables of real Russian sentences (seeds, RuRED/NEREL phrasing) -> amounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.extract.amounts import VERSION, extract_amounts
from newsfacts.extract.numbers import normalise, parse_digits, parse_number

SHARED = Path(__file__).resolve().parents[2] / "shared"

# (sentence, expected text, value, unit, value_kind, qualifier)
CASES = [
    (
        "объем торговли между Азербайджаном и Казахстаном более чем в 6 раз превысил прошлогодний показатель",
        "более чем в 6 раз",
        6.0,
        "times",
        "ratio",
        "more_than",
    ),
    ("Товарооборот составил 1,2 млрд долларов", "1,2 млрд долларов", 1.2e9, "USD", "absolute", "exact"),
    ("бюджет в 300 млрд тенге", "300 млрд тенге", 3e11, "KZT", "absolute", "exact"),
    ("экспорт вырос на 15%", "15%", 15.0, "percent", "change_pct", "exact"),
    ("компании принадлежит 15% рынка", "15%", 15.0, "percent", "share_pct", "exact"),
    ("сделка на $1,5 млрд", "$1,5 млрд", 1.5e9, "USD", "absolute", "exact"),
    ("стоимостью £22 млн", "£22 млн", 22e6, "GBP", "absolute", "exact"),
    ("выделено 1 млн 200 тыс. рублей", "1 млн 200 тыс. рублей", 1.2e6, "RUB", "absolute", "exact"),
    ("добыто полтора миллиона тонн", "полтора миллиона тонн", 1.5e6, "t", "absolute", "exact"),
    ("до двух миллиардов кубометров газа", "до двух миллиардов кубометров", 2e9, "m3", "absolute", "up_to"),
    ("собрали около 17 миллионов тонн зерна", "около 17 миллионов тонн", 17e6, "t", "absolute", "approx"),
    ("экспортировали почти 19 миллионов тонн", "почти 19 миллионов тонн", 19e6, "t", "absolute", "less_than"),
    ("инфляция составит не менее 5%", "не менее 5%", 5.0, "percent", "absolute", "at_least"),
    ("кредит составит до 65,75 доллара", "до 65,75 доллара", 65.75, "USD", "absolute", "up_to"),
    ("цена может подняться до 65,75 доллара", "до 65,75 доллара", 65.75, "USD", "absolute", "exact"),
    ("инфляция снизилась до 5 процентов", "до 5 процентов", 5.0, "percent", "absolute", "exact"),
    ("население свыше 33,5 миллиона человек", "свыше 33,5 миллиона", 33.5e6, None, "absolute", "more_than"),
    ("порядка 3 тысяч километров", "порядка 3 тысяч километров", 3000.0, "km", "absolute", "approx"),
    ("продажи выросли вдвое", "вдвое", 2.0, "times", "ratio", "exact"),
    ("штраф в 3-кратном размере", "в 3-кратном размере", 3.0, "times", "ratio", "exact"),
    ("страна заняла первое место", "первое место", 1.0, "rank", "rank", "exact"),
    ("ставка снижена на 1,5 п.п. в июне", "1,5 п.п.", 1.5, "pp", "change_pct", "exact"),
    ("иск на 2 134 472,44 рубля", "2 134 472,44 рубля", 2134472.44, "RUB", "absolute", "exact"),
    ("124 451 рубль 50 копеек", "124 451 рубль 50 копеек", 124451.5, "RUB", "absolute", "exact"),
    ("стоимость 20.000 руб. за штуку", "20.000 руб. за штуку", 20000.0, "RUB", "absolute", "exact"),
    (
        "увеличилась на 3 миллиона 369,6 тысячи тонн",
        "3 миллиона 369,6 тысячи тонн",
        3369600.0,
        "t",
        "absolute",
        "exact",
    ),
    ("за тысячу кубометров", "тысячу кубометров", 1000.0, "m3", "absolute", "exact"),
    ("100 туркменских манатов", "100 туркменских манатов", 100.0, "TMT", "absolute", "exact"),
    ("зарплата 500 манатов", "500 манатов", 500.0, "AZN", "absolute", "exact"),
    ("20 тысяч сомов", "20 тысяч сомов", 20000.0, "KGS", "absolute", "exact"),
    ("300 тысяч сумов", "300 тысяч сумов", 300000.0, "UZS", "absolute", "exact"),
    ("3 лари", "3 лари", 3.0, "GEL", "absolute", "exact"),
    ("750 тысяч юаней", "750 тысяч юаней", 750000.0, "CNY", "absolute", "exact"),
    ("10 тысяч драмов", "10 тысяч драмов", 10000.0, "AMD", "absolute", "exact"),
    ("5 млн евро", "5 млн евро", 5e6, "EUR", "absolute", "exact"),
    ("1,6 млн TEU", "1,6 млн TEU", 1.6e6, "TEU", "absolute", "exact"),
    ("100 тыс. контейнеров", "100 тыс. контейнеров", 1e5, "TEU", "absolute", "exact"),
    ("80 млн баррелей нефти", "80 млн баррелей", 8e7, "bbl", "absolute", "exact"),
    ("в полтора раза", "в полтора раза", 1.5, "times", "ratio", "exact"),
    ("в два с половиной раза", "в два с половиной раза", 2.5, "times", "ratio", "exact"),
    ("3,04 млрд долларов США", "3,04 млрд долларов США", 3.04e9, "USD", "absolute", "exact"),
    ("100 млн гонконгских долларов", "100 млн гонконгских долларов", 1e8, "HKD", "absolute", "exact"),
    ("25-процентная пошлина", "25-процентная", 25.0, "percent", "absolute", "exact"),
    ("минус 3,6 пункта", "минус 3,6 пункта", -3.6, "points", "absolute", "exact"),
    # RuRED: a price's denominator belongs to the money expression; hryvnia plural; percent adjective
    (
        "снизило отпускные цены на этиловый спирт на 10 гривен за декалитр для поддержки производителей",
        "10 гривен за декалитр",
        10.0,
        "UAH",
        "absolute",
        "exact",
    ),
    (
        "официальный курс на 5 апреля — 25,99 гривны за доллар",
        "25,99 гривны за доллар",
        25.99,
        "UAH",
        "absolute",
        "exact",
    ),
    (
        "Ахметов вошел в состав акционеров компании с 25 процентным пакетом.",
        "25 процентным",
        25.0,
        "percent",
        "absolute",
        "exact",
    ),
    # "т. р." = тысяч рублей, not tonnes (known gap of amounts-1)
    ("рабочим платят 20 т. р. в месяц", "20 т. р.", 20000.0, "RUB", "absolute", "exact"),
]


@pytest.mark.parametrize(("sentence", "text", "value", "unit", "kind", "qualifier"), CASES)
def test_amount_table(
    sentence: str, text: str, value: float, unit: str | None, kind: str, qualifier: str
) -> None:
    found = extract_amounts(sentence)
    assert len(found) == 1, found
    a = found[0]
    assert a.text == text
    assert sentence[a.start_char : a.end_char] == a.text
    assert a.value == pytest.approx(value)
    assert (a.unit, a.value_kind, a.qualifier) == (unit, kind, qualifier)


# (sentence, text, low, high, unit)
RANGES = [
    ("от 5 до 7 млн тонн", "от 5 до 7 млн тонн", 5e6, 7e6, "t"),
    ("рост на 5–7% в год", "5–7%", 5.0, 7.0, "percent"),
    ("70-90 миллиардов кубометров", "70-90 миллиардов кубометров", 7e10, 9e10, "m3"),
    ("от 3 до 5 тысяч рублей", "от 3 до 5 тысяч рублей", 3000.0, 5000.0, "RUB"),
    (
        "себестоимость которой составляет 70-75 долларов за баррель.",
        "70-75 долларов за баррель",
        70.0,
        75.0,
        "USD",
    ),
]


@pytest.mark.parametrize(("sentence", "text", "low", "high", "unit"), RANGES)
def test_ranges(sentence: str, text: str, low: float, high: float, unit: str) -> None:
    (a,) = extract_amounts(sentence)
    assert (a.text, a.value_low, a.value_high, a.unit, a.value) == (text, low, high, unit, None)


def test_kopecks_are_hundredths_of_a_rouble() -> None:
    # RuRED: the level reached after a change verb is exact, not an upper bound
    a, b = extract_amounts(
        "Курс доллара взлетел до 55,8 рублей, что на 95 копеек выше показателей прошлого закрытия."
    )
    assert (a.text, a.value, a.unit, a.qualifier) == ("до 55,8 рублей", 55.8, "RUB", "exact")
    assert (b.text, b.value, b.unit) == ("95 копеек", 0.95, "RUB")


def test_from_to_gives_two_amounts_sharing_the_unit() -> None:
    a, b = extract_amounts("цена выросла с 3 до 12 долларов за баррель")
    assert (a.text, a.value, a.unit) == ("3", 3.0, "USD")
    assert (b.text, b.value, b.unit, b.qualifier) == ("до 12 долларов за баррель", 12.0, "USD", "exact")


NEGATIVE = [
    "в 2025 году Казахстан впервые стал основным поставщиком пшеницы",
    "19 августа в Нур-Султане состоялось первое заседание",
    "для участия в XII Саммите ОТГ",
    "звоните по телефону +7 727 123-45-67",
    "в период 44-дневной войны",
    "одна из стран региона",
    "в 2019-2020 годах",
    "и т.д. 5 раз подряд",
    "тысячи людей вышли на улицы",
]


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_not_amounts(sentence: str) -> None:
    assert extract_amounts(sentence) == []


@pytest.mark.parametrize(
    ("digits", "value"),
    [
        ("1,2", 1.2),
        ("1.2", 1.2),
        ("1 200", 1200.0),
        ("1\u00a0599\u00a0059,38", 1599059.38),
        ("20.000", 20000.0),
        ("1,599,059.38", 1599059.38),
        ("0,125", 0.125),
        ("1.200.000", 1200000.0),
    ],
)
def test_parse_digits(digits: str, value: float) -> None:
    assert parse_digits(digits) == pytest.approx(value)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("двух миллиардов", 2e9),
        ("сорок пять тысяч", 45000.0),
        ("три тысячи пятьсот", 3500.0),
        ("полмиллиона", 5e5),
        ("полутора триллионов", 1.5e12),
        ("двести тридцать", 230.0),
    ],
)
def test_number_words(words: str, value: float) -> None:
    num = parse_number(normalise(words), 0)
    assert num is not None and num.value == pytest.approx(value)


def test_offsets_and_order_on_seed() -> None:
    text = (Path(__file__).resolve().parents[1] / "seeds" / "002_a33c8814e50c2989.txt").read_text(
        encoding="utf-8"
    )
    found = extract_amounts(text)
    assert [a.text for a in found] == ["более чем в 6 раз"]
    assert VERSION == "amounts-5"


@pytest.mark.slow
def test_rured_precision_recall() -> None:
    corpus = SHARED / "corpus" / "rured"
    if not corpus.exists():
        pytest.skip(f"RuRED corpus not found at {corpus} (../shared is absent)")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.eval_amounts import evaluate, in_process

    r = evaluate("rured", in_process)
    assert r["precision"] >= 0.95  # type: ignore[operator]
    assert r["recall"] >= 0.90  # type: ignore[operator]
