"""Duckling's Russian time cases (the development half in ../shared/corpus/peer_tests; Duckling is BSD-licensed,
(c) Facebook) as a table with the reading newsfacts gives on Duckling's reference day, Tuesday 2013-02-12.

Each row is Duckling's interval or one of the two news readings ``../shared/tools/duckling_dates.py`` accepts beside
it: a year-less date read as the last such date before publication (Duckling reads it forward; "# news reading"),
or a day interval with an inclusive end.
"""

from __future__ import annotations

import importlib.util
from datetime import date

import pytest

from newsfacts.extract.dates import extract_dates
from tests.conftest import shared_path

REFERENCE = date(2013, 2, 12)
D = date

# (expression, start, end, granularity)
DUCKLING_DEV = [
    ('сегодня', D(2013, 2, 12), D(2013, 2, 12), 'day'),
    ('позавчера', D(2013, 2, 10), D(2013, 2, 10), 'day'),
    ('18 февраля', D(2013, 2, 18), D(2013, 2, 18), 'day'),
    ('18-го февраля', D(2013, 2, 18), D(2013, 2, 18), 'day'),
    ('восемнадцатого февраля', D(2013, 2, 18), D(2013, 2, 18), 'day'),
    ('первое марта', D(2013, 3, 1), D(2013, 3, 1), 'day'),
    ('3 марта 2015', D(2015, 3, 3), D(2015, 3, 3), 'day'),
    ('3 мар. 2015', D(2015, 3, 3), D(2015, 3, 3), 'day'),
    ('третье марта 2015', D(2015, 3, 3), D(2015, 3, 3), 'day'),
    ('15 февраля', D(2013, 2, 15), D(2013, 2, 15), 'day'),
    ('15 Фев', D(2013, 2, 15), D(2013, 2, 15), 'day'),
    ('15.02', D(2013, 2, 15), D(2013, 2, 15), 'day'),
    ('пятнадцатого фев', D(2013, 2, 15), D(2013, 2, 15), 'day'),
    ('8 Авг', D(2012, 8, 8), D(2012, 8, 8), 'day'),  # news reading
    ('март', D(2013, 3, 1), D(2013, 3, 31), 'month'),
    ('Ноябрь 2014', D(2014, 11, 1), D(2014, 11, 30), 'month'),
    ('31.10.74', D(1974, 10, 31), D(1974, 10, 31), 'day'),
    ('31-ое октября 1974', D(1974, 10, 31), D(1974, 10, 31), 'day'),
    ('четырнадцатое апреля 2015', D(2015, 4, 14), D(2015, 4, 14), 'day'),
    ('13-е февраля', D(2013, 2, 13), D(2013, 2, 13), 'day'),
    ('двадцать четвертое фев', D(2013, 2, 24), D(2013, 2, 24), 'day'),
    ('двадцать четвертого февраля', D(2013, 2, 24), D(2013, 2, 24), 'day'),
    ('24-е февраля', D(2013, 2, 24), D(2013, 2, 24), 'day'),
    ('тридцать первое мая 2015', D(2015, 5, 31), D(2015, 5, 31), 'day'),
    ('этот месяц', D(2013, 2, 1), D(2013, 2, 28), 'month'),
    ('следующая неделя', D(2013, 2, 18), D(2013, 2, 24), 'week'),
    ('прошлый месяц', D(2013, 1, 1), D(2013, 1, 31), 'month'),
    ('позапрошлый месяц', D(2012, 12, 1), D(2012, 12, 31), 'month'),
    ('следующий месяц', D(2013, 3, 1), D(2013, 3, 31), 'month'),
    ('следующий год', D(2014, 1, 1), D(2014, 12, 31), 'year'),
    ('этот квартал', D(2013, 1, 1), D(2013, 3, 31), 'quarter'),
    ('в следующем квартале', D(2013, 4, 1), D(2013, 6, 30), 'quarter'),
    ('в третьем квартале', D(2012, 7, 1), D(2012, 9, 30), 'quarter'),  # news reading
    ('четвёртый квартал 2018', D(2018, 10, 1), D(2018, 12, 31), 'quarter'),
    ('через 3 года', D(2016, 2, 1), D(2016, 2, 29), 'month'),
    ('через 1 неделю', D(2013, 2, 19), D(2013, 2, 19), 'day'),
    ('1 неделю назад', D(2013, 2, 5), D(2013, 2, 5), 'day'),
    ('три недели назад', D(2013, 1, 22), D(2013, 1, 22), 'day'),
    ('два года назад', D(2011, 2, 1), D(2011, 2, 28), 'month'),
    ('лето', D(2012, 6, 1), D(2012, 8, 31), 'part_of_year'),  # news reading
    ('зима', D(2012, 12, 1), D(2013, 2, 28), 'part_of_year'),
    ('последние два дня', D(2013, 2, 10), D(2013, 2, 11), 'day'),
    ('следующие три дня', D(2013, 2, 13), D(2013, 2, 15), 'day'),
    ('последние две недели', D(2013, 1, 28), D(2013, 2, 10), 'week'),
    ('следующие три недели', D(2013, 2, 18), D(2013, 3, 10), 'week'),
    ('последние два месяца', D(2012, 12, 1), D(2013, 1, 31), 'month'),
    ('следующие три месяца', D(2013, 3, 1), D(2013, 5, 31), 'month'),
    ('последние два года', D(2011, 1, 1), D(2012, 12, 31), 'year'),
    ('следующие три года', D(2014, 1, 1), D(2016, 12, 31), 'year'),
    ('с 13 по 15 июля', D(2012, 7, 13), D(2012, 7, 15), 'day'),  # news reading
    ('8 авг - 12 авг', D(2012, 8, 8), D(2012, 8, 12), 'day'),  # news reading
    ('14. - 15.10.', D(2012, 10, 14), D(2012, 10, 15), 'day'),  # news reading
    ('14. - 15.10', D(2012, 10, 14), D(2012, 10, 15), 'day'),  # news reading
    ('14. - 15.10.2013', D(2013, 10, 14), D(2013, 10, 15), 'day'),
    ('14. - 15.10.18', D(2018, 10, 14), D(2018, 10, 15), 'day'),
    ('14./15.10.2018', D(2018, 10, 14), D(2018, 10, 15), 'day'),
    ('14.10. по 15.10.2018', D(2018, 10, 14), D(2018, 10, 15), 'day'),
    ('10.10.2013', D(2013, 10, 10), D(2013, 10, 10), 'day'),
]


def _mention(expression: str) -> tuple[date | None, date | None, str]:
    text = f"Отметка времени: {expression}."  # the article the scorer builds for each case
    lo = text.index(expression)
    hits = [m for m in extract_dates(text, REFERENCE) if m.start_char < lo + len(expression) and lo < m.end_char]
    assert len(hits) == 1, f"{expression!r}: {[m.text for m in hits]}"
    return hits[0].start_date, hits[0].end_date, hits[0].granularity


@pytest.mark.parametrize("expression, start, end, granularity", DUCKLING_DEV)
def test_duckling_dev_case(expression: str, start: date, end: date, granularity: str) -> None:
    assert _mention(expression) == (start, end, granularity)


@pytest.mark.slow
def test_duckling_dev_half_exact_floor() -> None:
    """The scorer's own cases and acceptance rule, in-process: at least 90% exact (the issue's goal)."""
    tool = shared_path("tools", "duckling_dates.py")
    shared_path("corpus", "peer_tests", "duckling_ru_dev.jsonl")
    spec = importlib.util.spec_from_file_location("duckling_dates", tool)
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    cases = scorer.cases()
    exact = 0
    for case in cases:
        text = f"Отметка времени: {case['text']}."
        lo, hi = text.index(case["text"]), text.index(case["text"]) + len(case["text"])
        want = scorer.expected_interval(case["expected"])
        found = [m for m in extract_dates(text, REFERENCE) if m.start_char < hi and lo < m.end_char]
        got = [(m.start_date, m.end_date) for m in found]
        exact += want in got or any(g in scorer.alternatives(case, want) for g in got)
    assert exact / len(cases) >= 0.90
