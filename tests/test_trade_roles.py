"""Reporter and partner as CONVENTIONS.md codes them (``../shared/gold/trade/CONVENTIONS.md``), read from the
words around each country: real sentences of the trade development set (``../shared/gold/trade/articles``; the
article is named at each case), some trimmed to the clause, with the (indicator, reporter, partner) of every fact
they make; negatives keep the roles the older rules gave."""

from __future__ import annotations

import pytest

from newsfacts.extract.amounts import extract_amounts
from newsfacts.extract.dates import extract_dates
from newsfacts.extract.trade import extract_trade_facts

Parties = tuple[str, str | None, str | None]


def _parties(text: str) -> list[Parties]:
    """(indicator, reporter, partner) of each fact of ``text``."""
    dates = [d for d in extract_dates(text, None) if d.kind == "point"]
    return [
        (f.indicator, f.reporter_iso2, f.partner_iso2)
        for f in extract_trade_facts(text, extract_amounts(text), dates)
    ]


# the words right at a country: the body that buys or borrows, the side a sanction closes, a source, a country
# replaced
ROLE_WORDS: list[tuple[str, list[Parties]]] = [
    # CAT0124: a buyer's ministry after "для" is where the goods go
    (
        "Киев подписал контракт на поставку 49 «Оплотов» для Минобороны Таиланда за $250 млн.",
        [("supply", "UA", "TH"), ("supply", "UA", "TH")],
    ),
    # CAT0200: a loan to a country's government (dative) goes to that country
    (
        "В 2017 году Казахстан предоставил государственный кредит правительству Грузии на сумму 25 миллионов "
        "долларов.",
        [("investment", "KZ", "GE")],
    ),
    # CAT0117: "в страны Европейского союза" is the destination, the EU
    (
        "«За период с 1 сентября 2014 года по август 2016-го в условиях свободной торговли с ЕС экспорт в страны "
        "Европейского союза уменьшился на $41 млн, — говорится в блоге Додона.",
        [("export", None, "EU")],
    ),
    # CAT0115: the country of an embargo is the importer that bans the flow, not the goods' origin
    (
        "В частности, из-за российского эмбарго экспорт персиков и нектаринов сократился на $171 млн по "
        "сравнению с 2014/15 отчётным годом.",
        [("export", None, "RU")],
    ),
    # CAT0115 (with a figure): ... and so is the country of counter-sanctions, also after "из-за"
    (
        "Объёмы экспорта косточковых плодов из стран ЕС сократились на $171 млн из-за российских контрсанкций.",
        [("export", "EU", "RU")],
    ),
    # CAT0107: the country replaced is no party
    (
        "В ближайшие пять лет Китай может стать крупнейшим мировым импортёром вместо США.",
        [("import", "CN", None)],
    ),
    # CAT0136: the country of a source in parentheses is no party
    (
        "Только по официальным данным, экспорт вооружения, амуниции и военной техники из Белоруссии с 1999 по "
        "2006 год составил около $1 млрд, что сделало страну 11-м по величине экспортёром оружия в мире (данные "
        "конгресса США).",
        [("export", "BY", None), ("export", "BY", None)],
    ),
    # CAT0124: the owner of a decision is no party; the seller comes from the sentence before
    (
        "Киев пытался убедить Исламабад купить танки «Оплот», но в итоге даже не был допущен к тендеру. Не "
        "исключено, что на решение Пакистана повлиял срыв контракта на поставку 49 «Оплотов» для Минобороны "
        "Таиланда за $250 млн.",
        [("supply", "UA", "TH"), ("supply", "UA", "TH")],
    ),
    # CAT0106: a trigger word that makes no fact ("поставляемой") leaves its countries to the fact before it
    (
        "Сокращение экспорта вызвано тем, что объём российской нефти, поставляемой на белорусские НПЗ, резко "
        "снизился.",
        [("export", "RU", "BY")],
    ),
    # negatives: the owner of the trigger itself is its reporter
    ("Экспорт Пакистана вырос на 5%.", [("export", "PK", None)]),
    # ... an adjective of the goods is still their origin; a source outside parentheses may be the reporter
    ("Экспорт российской нефти в Китай вырос на 5%.", [("export", "RU", "CN")]),
    ("По данным ФТС России, экспорт пшеницы вырос на 5%.", [("export", "RU", None)]),
    # ... and "для" before a plain country still gives the destination
    ("Россия поставила для Индии 40 танков.", [("supply", "RU", "IN")]),
]


@pytest.mark.parametrize(("text", "expected"), ROLE_WORDS)
def test_role_words(text: str, expected: list[Parties]) -> None:
    assert _parties(text) == expected


# enumerations: a list of reporters is joined; a country written right at its own figure takes the place of the
# one it parallels (the subject it follows, else the partner)
ENUMERATIONS: list[tuple[str, list[Parties]]] = [
    # CAT0143: re-exports from four origins
    (
        "Белорусский Минсельхозпрод согласился сотрудничать с Россией и способствовать пресечению реэкспорта "
        "санкционных фруктов и овощей из стран Евросоюза, Канады, Австралии и США.",
        [("transit", "EU;CA;AU;US", "RU"), ("transit", "EU;CA;AU;US", "RU")]  # re-export is transit,
    ),
    # CAT0094: a harvest in two producers (the repeated preposition and "странах" do not break the list)
    (
        "Снижение производства кукурузы ожидается в силу ожидаемого уменьшения урожая в Канаде и в странах ЕС.",
        [("production", "CA;EU", None), ("production", "CA;EU", None)],
    ),
    # CAT0115: each country of "X — figure" after a subject's figure is that figure's subject
    (
        "Европейские санкции и российские контрсанкции привели к потере 400 тыс. рабочих мест в ЕС. Германия в "
        "2015 году потеряла €6 млрд, Франция — €1,6 млрд, Польша — €1,3 млрд.",
        [("other", "DE", "RU"), ("other", "FR", "RU"), ("other", "PL", "RU")],
    ),
    # negatives: destinations of their own figures stay partners (RT, Russian agricultural exports) ...
    (
        "Так, прирост экспорта в Алжир составил рекордные 245%, в Иран — 63%, в Египет — 13%.",
        [("export", None, "DZ"), ("export", None, "IR"), ("export", None, "EG")],
    ),
    # ... and the buyers' shares of an import are not one reporter (CAT0099)
    (
        "Больше всего закупок российского продовольствия в 2016 году приходилось на Китай (10,1% от общего "
        "объёма экспорта), Турцию (9,2%), а также Египет, Южную Корею и Казахстан (7,9%, 7,8% и 7,1% "
        "соответственно).",
        None,  # checked below: no fact joins the buyers as reporters
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENUMERATIONS)
def test_enumerations(text: str, expected: list[Parties] | None) -> None:
    got = _parties(text)
    if expected is None:
        assert got and not any(r and ";" in r for _, r, _ in got)
    else:
        assert got == expected


# the context: a fact with a reporter of its own takes the partner of the same role from the fact before it
CONTEXT: list[tuple[str, list[Parties]]] = [
    # CAT0115: a second importer of the same goods from the same origin
    (
        "В 2016/17 отчётном году Белоруссия закупила у ЕС 99,2 тыс. тонн нектаринов. Для сравнения: Швейцария, "
        "которая занимает по этому показателю второе место, импортировала лишь 29,8 тыс. тонн.",
        [("import", "BY", "EU"), ("import", "CH", "EU")],
    ),
    # CAT0149: the two countries of the sentence before ("между лидерами двух стран", a pair) are the deal's
    (
        "Как сообщили накануне переговоров между лидерами двух стран российские СМИ, представители России и "
        "Саудовской Аравии уже обсудили покупку Эр-Риядом зенитно-ракетных систем С-400. Сообщалась и вероятная "
        "сумма сделки — $3 млрд.",
        [("supply", "RU", "SA")],
    ),
    # CAT0127: an importer named in its own sentence takes the other country of the sentence before as partner
    (
        "27 февраля 1998 года президенты РФ и Украины Борис Ельцин и Леонид Кучма договорились о принятии этого "
        "самолёта на вооружение двух стран. В 2002 году в Москве заявили о желании купить 160 машин.",
        [("import", "RU", "UA")],
    ),
    # CAT0075 (the second sentence added): a fact far from any party takes the reporter last named in a fact's
    # own sentence (Belarus), not the article's most frequent one (Russia)
    (
        "Рост экспорта за этот период у России наибольший среди всех стран ЕАЭС — 33,7%. Экспорт российского "
        "зерна вырос на 10%. Так, одна только Белоруссия за первое полугодие 2017 года нарастила экспорт на 23%. "
        "При этом в Белоруссии эксперты ЕАБР констатировали активное замедление инфляционных процессов в первом "
        "полугодии. Прогноз по инфляции на конец текущего года пересмотрен с 8,6% до 8%. Дальнейшее проведение "
        "сбалансированной денежно-кредитной политики будет сдерживать инфляцию и в будущем. Ожидаемые результаты "
        "расписаны по секторам. Планируется, что реализация госпрограммы позволит к 2020 году увеличить экспорт на "
        "70%.",
        [("export", "RU", None), ("export", "RU", None), ("export", "BY", None), ("export", "BY", None)],
    ),
    # CAT0051: the slot the sentence before leaves empty (the seller) comes from the one before it
    (
        "Впрочем, американский БЛА «Предейтор» XP (Predator XP), являющийся упрощенным экспортным вариантом "
        "используемого американскими военными многоцелевого БЛА MQ-1, оружия лишен. Данные системы уже "
        "продавались в ОАЭ. Соответствующий контракт на поставку неназванного количества БЛА общей стоимостью "
        "порядка 197 млн долл. был подписан в 2013 году.",
        [("supply", "US", "AE")],
    ),
    # negative: a sentence before with one country only gives no partner of its own invention
    (
        "Президент России посетил выставку. В 2002 году в Москве заявили о желании купить 160 машин.",
        [("import", "RU", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CONTEXT)
def test_roles_from_context(text: str, expected: list[Parties]) -> None:
    assert _parties(text) == expected
