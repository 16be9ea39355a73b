"""The first-letter lookahead of the organisation regexes (``entity_rules._first_letters``) changes their
speed, not their matches: the same spans and groups as the regexes without it, on real sentences."""

from __future__ import annotations

import re

import pytest

from newsfacts.extract.entity_rules import _first_letters, _rules

SENTENCES = [
    # (sentence, the organisation texts the names and acronyms regexes find; () for none)
    ("Законопроект внесён в Милли Меджлис Азербайджана.", ("Милли Меджлис",)),
    ("Депутаты Верховной Рады приняли закон.", ("Верховной Рады",)),
    ("Об этом сообщили в Генеральной прокуратуре Казахстана.", ("Генеральной прокуратуре",)),
    ("Представитель МИДа РК заявил о визите.", ("МИДа",)),
    ("В докладе ЮНЕСКО говорится о наследии.", ("ЮНЕСКО",)),
    ("Контракт подписали с ExxonMobil и Chevron.", ("ExxonMobil", "Chevron")),
    ("Погода в Москве была тёплой, дожди прошли.", ()),
    ("Мидии и юнесковцы - не организации.", ()),
]


def _without_prefilter(rx: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(re.sub(r"^\(\?=\[[^\]]*\]\)", "", rx.pattern))


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES)
def test_prefilter_keeps_matches(sentence: str, expected: tuple[str, ...]) -> None:
    rules = _rules()
    found: list[str] = []
    for rx in (rules.names, rules.acronyms):
        assert rx.pattern.startswith("(?=[")
        plain = _without_prefilter(rx)
        got = [(m.span(), m.lastgroup) for m in rx.finditer(sentence)]
        assert got == [(m.span(), m.lastgroup) for m in plain.finditer(sentence)]
        found += [sentence[s:e] for (s, e), _ in got]
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        (["Милли", "Мажилис", "Сенат"], "(?=[МС])"),
        (["DP World", "ЕврАзЭС"], "(?=[DЕ])"),
        (["Сенат", ""], ""),  # an alternative that can begin anywhere: no lookahead
        ([], ""),
    ],
)
def test_first_letters(starts: list[str], expected: str) -> None:
    assert _first_letters(starts) == expected
