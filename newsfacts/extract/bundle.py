"""All extractors together: :class:`ExtractorSet` loads the heavy models once and applies every extractor."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from newsfacts.extract import amounts as amounts_mod
from newsfacts.extract import dates as dates_mod
from newsfacts.extract import language as language_mod
from newsfacts.extract import trade as trade_mod
from newsfacts.extract.data import fingerprint
from newsfacts.extract.types import AmountMention, DateMention, EntityMention, TopicAssignment, TradeFact

if TYPE_CHECKING:
    from newsfacts.extract.entities import EntityExtractor
    from newsfacts.extract.topics import TopicTagger


@dataclass
class ArticleFacts:
    language: str = language_mod.RUSSIAN  # the article's language; only Russian articles have facts
    dates: list[DateMention] = field(default_factory=list)
    amounts: list[AmountMention] = field(default_factory=list)
    trade: list[TradeFact] = field(default_factory=list)
    topics: list[TopicAssignment] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)


T = TypeVar("T")

# The stages timed by ExtractorSet.extract (CPU seconds of the calling thread), as reported by a run.
EXTRACT_STAGES = ("language", "dates", "amounts_trade", "topics", "ner")


def _timed(stage: str, timings: dict[str, float] | None, work: Callable[[], T]) -> T:
    if timings is None:
        return work()
    t0 = time.thread_time()
    out = work()
    timings[stage] = timings.get(stage, 0.0) + time.thread_time() - t0
    return out


class ExtractorSet:
    """Every extractor, with its models loaded once; ``ner=False`` skips named entities (rules only).
    The extractors are Russian: an article detected in another language gets its language and no facts."""

    def __init__(self, ner: bool = True) -> None:
        from newsfacts.extract import topics as topics_mod

        self.ner = ner
        self._entities: EntityExtractor | None = None
        self._topics: TopicTagger = topics_mod.TopicTagger()
        self._language = language_mod.LanguageDetector()
        self.versions: dict[str, str] = {
            "language": language_mod.VERSION,
            "dates": dates_mod.VERSION,
            "amounts": amounts_mod.VERSION,
            "trade": trade_mod.VERSION,
            "topics": topics_mod.VERSION,
        }
        if ner:
            from newsfacts.extract import entities as entities_mod

            self.versions["entities"] = entities_mod.VERSION
        # the data files as loaded by this process's extractors (hashed once, not per batch)
        self.lexicons = fingerprint()

    @property
    def entities(self) -> EntityExtractor:
        if self._entities is None:
            from newsfacts.extract.entities import EntityExtractor

            self._entities = EntityExtractor()
        return self._entities

    def version_string(self) -> str:
        """Every extractor's version plus a fingerprint of the lexicon/taxonomy files: editing a data file
        (a new topic, a term, a commodity) re-extracts the articles on the next run, like a version bump."""
        parts = [f"{k}={v}" for k, v in sorted(self.versions.items())]
        return ",".join([*parts, f"lexicons={self.lexicons}"])

    def extract(
        self, title: str | None, text: str, published: date | None, timings: dict[str, float] | None = None
    ) -> ArticleFacts:
        """Every extractor over one article; with ``timings``, adds each stage's CPU seconds (this thread's
        CPU time, so other threads and processes do not inflate it) under the names of EXTRACT_STAGES.
        An article not in Russian gets only its language: the extractors would read it as if it were Russian."""
        language = _timed("language", timings, lambda: self._language.detect(text, title))
        if language != language_mod.RUSSIAN:
            return ArticleFacts(language=language)
        dates = _timed("dates", timings, lambda: dates_mod.extract_dates(text, published))
        points = [d for d in dates if d.kind == "point"]

        def amounts_and_trade() -> tuple[list[AmountMention], list[TradeFact]]:
            amounts = amounts_mod.extract_amounts(text)
            return amounts, trade_mod.extract_trade_facts(text, amounts, points)

        amounts, trade = _timed("amounts_trade", timings, amounts_and_trade)
        topics = _timed("topics", timings, lambda: self._topics.tag(title, text))
        entities = _timed("ner", timings, lambda: self.entities.extract(text)) if self.ner else []
        return ArticleFacts(language, dates, amounts, trade, topics, entities)
