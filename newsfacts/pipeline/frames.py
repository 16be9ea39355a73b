"""Frames: every table's new rows, built straight from the extractors' value objects."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import pyarrow as pa

from newsfacts.extract.bundle import ArticleFacts, ExtractorSet
from newsfacts.extract.language import RUSSIAN
from newsfacts.extract.text import sentences
from newsfacts.extract.types import TradeFact
from newsfacts.ingest import text_sha256
from newsfacts.pipeline.planning import Planned
from newsfacts.pipeline.shared import PIPELINE_VERSION, now_utc, versions_of
from newsfacts.pipeline.stories import assign_stories
from newsfacts.stories import Signature, StoryIndex
from newsfacts.tables import FACT_TABLES, TABLES


@dataclass
class Frames:
    """New rows per table (pandas, contract columns) and the articles they replace."""

    tables: dict[str, pd.DataFrame]
    article_ids: set[str]
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per extraction stage


def extract_frames(batch: Sequence[Planned], extractors: ExtractorSet, run_id: str) -> Frames:
    """Run every extractor on a batch of articles and build the rows of every table."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in ("articles", *FACT_TABLES)}
    versions = versions_of(extractors)
    at = now_utc()
    seconds: dict[str, float] = {}
    for p in batch:
        art = p.article
        facts = extractors.extract(art.title, art.text, art.published_date, timings=seconds)
        t0 = time.thread_time()
        signature = Signature.of_text(art.text).to_bytes()  # the story signature, here in the workers
        t1 = time.thread_time()
        seconds["signature"] = seconds.get("signature", 0.0) + t1 - t0
        t0 = t1
        rows["articles"].append(_article_row(p, facts.language, versions, run_id, at, signature))
        _fact_rows(p.article_id, art.text, facts, extractors.versions, rows)
        seconds["rows"] = seconds.get("rows", 0.0) + time.thread_time() - t0
    t0 = time.thread_time()
    tables = {name: table_frame(name, r) for name, r in rows.items()}
    seconds["rows"] = seconds.get("rows", 0.0) + time.thread_time() - t0
    return Frames(tables, {p.article_id for p in batch}, seconds)


def with_stories(frames: Frames, index: StoryIndex) -> Frames:
    """A chunk's frames with each article's ``story_id`` from the run's story index (in the flow's process, chunk
    by chunk in order, after validation: a rejected article never joins the index); see
    :mod:`newsfacts.pipeline.stories`."""
    articles = frames.tables.get("articles")
    if articles is None or not len(articles):
        return frames
    t0 = time.thread_time()
    tables = {**frames.tables, "articles": assign_stories(articles, index)}
    seconds = {**frames.seconds, "stories": frames.seconds.get("stories", 0.0) + time.thread_time() - t0}
    return Frames(tables, frames.article_ids, seconds)


def _article_row(
    p: Planned, language: str, versions: str, run_id: str, at: datetime, signature: bytes
) -> dict[str, object]:
    art = p.article
    return {
        "article_id": p.article_id,
        "text_sha256": text_sha256(art.text),
        "source_uri": p.source.source_uri,
        "source_sha256": p.source.raw_sha256,
        "title": art.title,
        "text": art.text,
        "language": language,
        "published_date": art.published_date,
        "published_date_source": art.published_date_source,
        "url": art.url,
        "encoding": art.encoding,
        "repairs": "; ".join(art.repairs) or None,
        "n_chars": len(art.text),
        "ingested_at": at,
        "run_id": run_id,
        "pipeline_version": PIPELINE_VERSION,
        "extractor_versions": versions,
        "story_id": p.article_id,  # provisional (a story of its own): with_stories assigns it per chunk
        "story_signature": signature,
    }


def trade_fact_ids(aid: str, trade: Sequence[TradeFact]) -> list[str]:
    """Each trade fact's id: its span, indicator, commodity, linked amount and partner; a fact that shares all of
    them with an earlier one of its article (figures that are counts, not amounts: "58 БПЛА ..., 35 танков")
    gets ``:n2``, ``:n3``, ... in text order, so ids stay unique and stable for the same extraction."""
    seen: dict[str, int] = {}
    ids: list[str] = []
    for t in trade:
        base = (
            f"{aid}:t:{t.start_char}-{t.end_char}:{t.indicator}:{t.commodity or ''}"
            + (f":a{t.amount_index}" if t.amount_index is not None else "")
            + (f":p{t.partner_iso2}" if t.partner_iso2 else "")
        )
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}:n{seen[base]}")
    return ids


def _fact_rows(
    aid: str,
    text: str,
    facts: ArticleFacts,
    versions: dict[str, str],
    rows: dict[str, list[dict[str, object]]],
) -> None:
    sents = sentences(text)

    def span(start: int, end: int) -> dict[str, object]:
        return {
            "article_id": aid,
            "start_char": start,
            "end_char": end,
            "sentence": sents.covering(start, end),
        }

    for d in facts.dates:
        rows["date_mentions"].append(
            {
                "mention_id": f"{aid}:d:{d.start_char}-{d.end_char}",
                "text": d.text,
                **span(d.start_char, d.end_char),
                "start_date": d.start_date,
                "end_date": d.end_date,
                "granularity": d.granularity,
                "year_known": d.year_known,
                "is_relative": d.is_relative,
                "anchor": d.anchor,
                "tense": d.tense,
                "year": d.year,
                "month": d.month,
                "day": d.day,
                "kind": d.kind,
                "duration_days": d.duration_days,
                "extractor_version": versions["dates"],
            }
        )
    amount_ids = [f"{aid}:a:{a.start_char}-{a.end_char}" for a in facts.amounts]
    for a, amount_id in zip(facts.amounts, amount_ids, strict=True):
        rows["amounts"].append(
            {
                "amount_id": amount_id,
                "text": a.text,
                **span(a.start_char, a.end_char),
                "value": a.value,
                "value_low": a.value_low,
                "value_high": a.value_high,
                "unit": a.unit,
                "value_kind": a.value_kind,
                "qualifier": a.qualifier,
                "extractor_version": versions["amounts"],
            }
        )
    for t, fact_id in zip(facts.trade, trade_fact_ids(aid, facts.trade), strict=True):
        rows["trade_facts"].append(
            {
                "fact_id": fact_id,
                "amount_id": amount_ids[t.amount_index] if t.amount_index is not None else None,
                "indicator": t.indicator,
                "reporter_iso2": t.reporter_iso2,
                "partner_iso2": t.partner_iso2,
                "transit_iso2": t.transit_iso2,
                "route": t.route,
                "commodity": t.commodity,
                "hs_code": t.hs_code,
                "value": t.value,
                "unit": t.unit,
                "value_kind": t.value_kind,
                "qualifier": t.qualifier,
                "direction": t.direction,
                "comparison": t.comparison,
                "period_start": t.period_start,
                "period_end": t.period_end,
                "period_granularity": t.period_granularity,
                "per_unit": t.per_unit,
                "roles_from": t.roles_from,
                "text": t.text,
                **span(t.start_char, t.end_char),
                "extractor_version": versions["trade"],
            }
        )
    for tp in facts.topics:
        rows["topics"].append(
            {
                "topic_row_id": f"{aid}:{tp.topic_code}",
                "article_id": aid,
                "topic_code": tp.topic_code,
                "topic_label": tp.topic_label,
                "iptc_code": tp.iptc_code,
                "iptc_level1": tp.iptc_level1,
                "score": tp.score,
                "rank": tp.rank,
                "evidence": tp.evidence,
                "extractor_version": versions["topics"],
            }
        )
    for e in facts.entities:
        rows["entities"].append(
            {
                "mention_id": f"{aid}:e:{e.start_char}-{e.end_char}",
                "type": e.type,
                "text": e.text,
                "normal": e.normal,
                "country_iso2": e.country_iso2,
                "form": e.form,
                **span(e.start_char, e.end_char),
                "extractor_version": versions.get("entities", ""),
            }
        )


def table_frame(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    schema = TABLES[name].schema
    return pa.Table.from_pylist(rows, schema=schema).to_pandas() if rows else schema.empty_table().to_pandas()


def concat_frames(parts: Iterable[Frames]) -> Frames:
    parts = list(parts)
    tables = {
        name: pd.concat([p.tables[name] for p in parts], ignore_index=True)
        if parts
        else TABLES[name].schema.empty_table().to_pandas()
        for name in ("articles", *FACT_TABLES)
    }
    seconds: dict[str, float] = {}
    for p in parts:
        for k, v in p.seconds.items():
            seconds[k] = seconds.get(k, 0.0) + v
    return Frames(tables, set().union(*(p.article_ids for p in parts)) if parts else set(), seconds)


def articles_without_topics(frames: Frames) -> int:
    """How many of the frames' Russian articles have no topic row: their text holds no topic evidence at all.

    The tagger gives every article with any evidence at least one topic; the run summary counts the rest, so
    that an article is never silently left out of a topic chart. Articles in other languages are not tagged at
    all; :func:`articles_not_in_russian` counts them.
    """
    articles = frames.tables.get("articles")
    if articles is None or not len(articles):
        return 0
    if "language" in articles:
        articles = articles[articles["language"] == RUSSIAN]
    topics = frames.tables.get("topics")
    tagged = set(topics["article_id"]) if topics is not None and len(topics) else set()
    return int((~articles["article_id"].isin(tagged)).sum())


def articles_not_in_russian(frames: Frames) -> dict[str, int]:
    """The frames' articles in languages other than Russian, per language: kept with no facts at all."""
    articles = frames.tables.get("articles")
    if articles is None or not len(articles) or "language" not in articles:
        return {}
    counts = articles.loc[articles["language"] != RUSSIAN, "language"].value_counts()
    return {str(lang): int(n) for lang, n in sorted(counts.items())}


def without_facts_line(by_language: dict[str, int]) -> str:
    """The run summary's line on articles not in Russian: "3 articles in en, kk: kept without facts (en 2,
    kk 1)"; with none, says so."""
    total = sum(by_language.values())
    if not total:
        return "articles in languages other than Russian: none"
    langs = ", ".join(sorted(by_language))
    each = ", ".join(f"{lang} {n}" for lang, n in sorted(by_language.items()))
    noun = "article" if total == 1 else "articles"
    return f"{total} {noun} in {langs}: kept without facts ({each})"
