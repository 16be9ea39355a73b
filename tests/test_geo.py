"""Country and place lookup (newsfacts.extract.geo) on real phrasing from the seeds and the corpora."""

from __future__ import annotations

import pytest

from newsfacts.extract.geo import city_iso2, country_iso2, country_name, find_countries, place_iso2


@pytest.mark.parametrize(
    ("phrase", "iso2"),
    [
        ("Азербайджаном", "AZ"),
        ("Казахстана", "KZ"),
        ("в Армению", "AM"),
        ("казахстанского", "KZ"),
        ("казахский", "KZ"),
        ("азербайджанский", "AZ"),
        ("армянской", "AM"),
        ("турецкий", "TR"),
        ("российских", "RU"),
        ("китайского", "CN"),
        ("Республики Казахстан", "KZ"),
        ("Азербайджанской Республики", "AZ"),
        ("РФ", "RU"),
        ("США", "US"),
        ("КНР", "CN"),
        ("Туркменистан", "TM"),
        ("Туркмении", "TM"),
        ("Киргизии", "KG"),
        ("Кыргызстаном", "KG"),
        ("Беларуси", "BY"),
        ("Белоруссией", "BY"),
        ("Соединённых Штатов Америки", "US"),
        ("Южной Кореи", "KR"),
        ("Объединенных Арабских Эмиратов", "AE"),
        ("Саудовской Аравии", "SA"),
        ("Грузии", "GE"),
        ("Ирану", "IR"),
        ("Афганистане", "AF"),
        ("Монголией", "MN"),
        ("узбекских", "UZ"),
        ("таджикской", "TJ"),
        ("германских", "DE"),
    ],
)
def test_country_iso2(phrase: str, iso2: str) -> None:
    assert country_iso2(phrase) == iso2


@pytest.mark.parametrize(
    "phrase",
    [
        "мир",
        "Мир",
        "РК",
        "того",
        "Того",
        "экспертного совета",
        "Южного Кавказа",
        "Каспий",
        "Казахстан и Россия",
        "",
    ],
)
def test_country_iso2_negative(phrase: str) -> None:
    assert country_iso2(phrase) is None


def test_rk_only_in_entity_context() -> None:
    assert country_iso2("РК") is None
    assert country_iso2("РК", ambiguous=True) == "KZ"
    assert place_iso2("РК") == "KZ"


@pytest.mark.parametrize(
    ("phrase", "iso2"),
    [
        ("Баку", "AZ"),
        ("в Астане", "KZ"),
        ("Нур-Султана", "KZ"),
        ("Алматы", "KZ"),
        ("Ереване", "AM"),
        ("Ташкента", "UZ"),
        ("Бишкеке", "KG"),
        ("Душанбе", "TJ"),
        ("Ашхабаде", "TM"),
        ("Тбилиси", "GE"),
        ("Москвы", "RU"),
        ("Анкаре", "TR"),
        ("Стамбуле", "TR"),
        ("Пекином", "CN"),
        ("Тегеране", "IR"),
        ("Актау", "KZ"),
        ("Осло", "NO"),  # Norway: YAML must not read the key as false
    ],
)
def test_city_iso2(phrase: str, iso2: str) -> None:
    assert city_iso2(phrase) == iso2
    assert place_iso2(phrase) == iso2


@pytest.mark.parametrize(
    ("phrase", "iso2"),
    [
        ("Азербайджаном", "AZ"),
        ("Западный Казахстан", "KZ"),
        ("Мангистауская область", None),
        ("Европа", None),
    ],
)
def test_place_iso2(phrase: str, iso2: str | None) -> None:
    assert place_iso2(phrase) == iso2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "в первой половине текущего года объем торговли между Азербайджаном и Казахстаном "
            "более чем в 6 раз превысил прошлогодний показатель",
            [("Азербайджаном", "AZ"), ("Казахстаном", "KZ")],
        ),
        (
            "Состоялось первое заседание азербайджано-казахстанского экспертного совета",
            [("азербайджано", "AZ"), ("казахстанского", "KZ")],
        ),
        (
            "Посол Республики Казахстан в Азербайджанской Республике встретился с армянской делегацией",
            [("Республики Казахстан", "KZ"), ("Азербайджанской Республике", "AZ"), ("армянской", "AM")],
        ),
        ("Товарооборот РФ и КНР вырос, а США ввели пошлины", [("РФ", "RU"), ("КНР", "CN"), ("США", "US")]),
        ("Мир стал сложнее, сказал министр иностранных дел РК", []),
    ],
)
def test_find_countries(text: str, expected: list[tuple[str, str]]) -> None:
    hits = find_countries(text)
    assert [(text[s:e], iso2) for s, e, iso2 in hits] == expected


def test_country_name() -> None:
    assert country_name("az") == "Азербайджан"
    assert country_name("KZ") == "Казахстан"
    assert country_name("XX") is None
