"""``ContextTagger`` tags only the tokens of a mention's window its answer depends on (``_near``: the mention's
tokens and the tagger's receptive radius each side): the same hints as tagging the whole window, on real
sentences (NEREL dev, RT news) whose windows are longer than that."""

from __future__ import annotations

import re
from typing import Any

import pytest

from newsfacts.extract.entities import ContextTagger, _receptive_radius

SENTENCES = [
    # (sentence, mention, type): mentions whose case only the sentence tells
    ("Пост главы правительства Мали Кейта занимал с 1994 по 2000 годы.", "Кейта", "PER"),
    ("Как пишут СМИ, уже тогда Диарра имел президентские амбиции.", "Диарра", "PER"),
    ("На полпути к финишу Запата дозаправится.", "Запата", "PER"),
    ("В ночь на 19 апреля в Портапике и Энфилде произошла стрельба.", "Портапике", "LOC"),
    ("Глава «Металлоинвеста» Андрей Варичев умер от пневмонии.", "Металлоинвеста", "ORG"),
    ("Пять человек задержаны по делу об инциденте в армянском Гаваре.", "Гаваре", "LOC"),
    (
        "Временный премьер Мали с 1991 по 1992 годы Сумана Сакко (Soumana Sacko) тоже имеет шансы.",
        "Сумана Сакко (Soumana Sacko)",
        "PER",
    ),
    ("Как пишут СМИ, Диарра имел амбиции. Позже у Диарра не было шансов.", "Диарра", "PER"),
]


@pytest.fixture(scope="module")
def taggers() -> tuple[ContextTagger, ContextTagger]:
    cropped = ContextTagger()
    whole = ContextTagger()
    whole._reach = 10**6  # every token of the window
    return cropped, whole


@pytest.mark.parametrize(("sentence", "mention", "kind"), SENTENCES)
def test_same_hints_as_the_whole_window(
    taggers: tuple[ContextTagger, ContextTagger], sentence: str, mention: str, kind: str
) -> None:
    cropped, whole = taggers
    spans = [(kind, m.start(), m.end()) for m in re.finditer(re.escape(mention), sentence)]
    got = cropped.hints(sentence, spans)
    assert got == whole.hints(sentence, spans)
    assert got[0]  # the case was in doubt: the tagger answered


def test_crops_long_windows(taggers: tuple[ContextTagger, ContextTagger]) -> None:
    """The window of "Кейта" holds more than the radius after it ("занимал с 1994 по 2..."): cut."""
    from razdel import tokenize

    cropped, _whole = taggers
    window = " занимал с 1994 по 2000"
    tokens = list(tokenize("Мали Кейта" + window))
    near = cropped._near(tokens, 5, 10)
    assert [t.text for t in near] == ["Мали", "Кейта", "занимал", "с", "1994"]
    assert cropped._near(tokens, 100, 120) == tokens  # no token of the mention: all kept


def test_receptive_radius() -> None:
    from natasha import NewsEmbedding, NewsMorphTagger

    class _Conv:
        def __init__(self, kernel: int, padding: int) -> None:
            self.weight = type("W", (), {"shape": (8, 8, kernel)})()
            self.padding = padding

    def encoder(*convs: tuple[int, int]) -> Any:
        return type("E", (), {"layers": [type("L", (), {"conv": _Conv(*c)})() for c in convs]})()

    assert _receptive_radius(encoder((3, 1), (5, 2))) == 3
    with pytest.raises(ValueError):
        _receptive_radius(encoder((3, 0)))
    model = NewsMorphTagger(NewsEmbedding()).infer.model
    assert _receptive_radius(model.encoder) == sum(layer.conv.padding for layer in model.encoder.layers)
