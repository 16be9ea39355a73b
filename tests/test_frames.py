"""Rows built from the extractors' value objects: ids users join on stay unique on real sentences."""

from __future__ import annotations

import pytest

from newsfacts.extract.bundle import ExtractorSet
from newsfacts.pipeline.frames import trade_fact_ids


@pytest.fixture(scope="module")
def extractors() -> ExtractorSet:
    return ExtractorSet(ner=False)


@pytest.mark.parametrize(
    "sentence",
    [
        # RT, Central Asia subset: several counted figures under one trigger and one commodity, no amount to link
        "До 2021 года турецкая армия должна получить 58 разведывательных БПЛА (30 оперативных и 28 тактических), "
        "35 танков Altay, одну передвижную систему радиоэлектронной борьбы (РЭБ), радары для береговой охраны.",
        # the seed's turnover sentence: one fact per figure
        "Товарооборот между Казахстаном и Азербайджаном в 2023 году вырос на 20% и составил 500 млн долларов.",
    ],
)
def test_trade_fact_ids_are_unique_within_an_article(extractors: ExtractorSet, sentence: str) -> None:
    trade = extractors.extract(None, sentence, None).trade
    assert trade, "the sentence states trade figures"
    ids = trade_fact_ids("a1", trade)
    assert len(set(ids)) == len(ids) == len(trade)
    assert all(i.startswith("a1:t:") for i in ids)


def test_a_fact_alone_keeps_its_plain_id(extractors: ExtractorSet) -> None:
    trade = extractors.extract(
        None, "Экспорт пшеницы из Казахстана в Китай составил 1,2 млн тонн.", None
    ).trade
    assert len(trade) == 1
    (fact_id,) = trade_fact_ids("a1", trade)
    assert ":n" not in fact_id.rsplit(":", 1)[-1] and fact_id.startswith(f"a1:t:{trade[0].start_char}-")
