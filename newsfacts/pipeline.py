"""The pipeline's steps as plain functions; the Prefect flow (``flows/``) only orchestrates them.

read inputs -> skip what the warehouse holds -> parse (decode, header, clean) -> identify (ids, duplicates)
-> extract in batches -> frames -> validate -> quarantine rejected rows -> publish.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from newsfacts import __version__
from newsfacts.extract.bundle import ArticleFacts, ExtractorSet
from newsfacts.extract.sentences import Sentences
from newsfacts.ingest import CleanArticle, RawInput, Rejection, iter_inputs, parse_input, text_sha256
from newsfacts.quality import TableValidation, Validator
from newsfacts.tables import FACT_TABLES, TABLES
from newsfacts.warehouse import TableChange, Warehouse

PIPELINE_VERSION = __version__
INGEST_VERSION = "ingest-1"

_SHARED_LOCK = threading.Lock()
_EXTRACTORS: dict[bool, ExtractorSet] = {}
_VALIDATORS: list[Validator] = []


def shared_extractors(ner: bool) -> ExtractorSet:
    """The process's extractors: models load once, then every batch and run reuses them (thread-safe)."""
    with _SHARED_LOCK:
        if ner not in _EXTRACTORS:
            ex = ExtractorSet(ner=ner)
            if ner:
                ex.entities  # noqa: B018 - load the NER model now, not inside the first batch
            _EXTRACTORS[ner] = ex
        return _EXTRACTORS[ner]


def shared_validator() -> Validator:
    """The process's Great Expectations validator (importing GX costs seconds: do it once)."""
    with _SHARED_LOCK:
        if not _VALIDATORS:
            _VALIDATORS.append(Validator())
        return _VALIDATORS[0]


def warm_up(ner: bool) -> threading.Thread:
    """Load models and Great Expectations in a background thread (e.g. while Prefect starts its server)."""

    def work() -> None:
        shared_extractors(ner)
        shared_validator()

    thread = threading.Thread(target=work, name="newsfacts-warm-up", daemon=True)
    thread.start()
    return thread


def versions_of(extractors: ExtractorSet) -> str:
    """The versions recorded on (and compared with) every article row: extractors, lexicons and ingest."""
    return extractors.version_string() + f",ingest={INGEST_VERSION}"


def article_id_for(raw_sha256: str) -> str:
    """An article's id: the first 16 hex digits of its primary input's raw sha256 (stable across versions)."""
    return raw_sha256[:16]


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------- reading
@dataclass
class InputBatch:
    inputs: list[RawInput] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: int = 0


@dataclass
class KnownState:
    """What the warehouse already holds, for skipping and for stable ids."""

    article_of_source: dict[str, str]  # source_sha256 -> article_id
    article_of_text: dict[str, str]  # text_sha256 -> article_id
    versions_of_article: dict[str, str]  # article_id -> extractor_versions
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (source_uri, raw_sha256) quarantined inputs


INPUT_STAGES = ("read", "decode", "parse", "clean")


def known_state(warehouse: Warehouse) -> KnownState:
    arts = warehouse.read("articles", ["article_id", "text_sha256", "extractor_versions"]).to_pydict()
    srcs = warehouse.read("sources", ["article_id", "source_sha256"]).to_pydict()
    quar = warehouse.read("quarantine", ["source_uri", "raw_sha256", "stage"]).to_pydict()
    return KnownState(
        article_of_source=dict(zip(srcs["source_sha256"], srcs["article_id"], strict=True)),
        article_of_text=dict(zip(arts["text_sha256"], arts["article_id"], strict=True)),
        versions_of_article=dict(zip(arts["article_id"], arts["extractor_versions"], strict=True)),
        rejected={(str(u), str(h)) for u, h, st in zip(quar["source_uri"], quar["raw_sha256"], quar["stage"],
                                                      strict=True) if h is not None and st in INPUT_STAGES},
    )


def versions_cover(recorded: str | None, current: str) -> bool:
    """Whether an article extracted with the ``recorded`` versions string is up to date for ``current``: every
    current extractor has the recorded version. An extractor the run does not use (entities under --no-ner)
    does not count, so a run without NER skips what a run with NER extracted instead of wiping its entities."""
    if recorded is None:
        return False
    rec = dict(part.split("=", 1) for part in recorded.split(",") if "=" in part)
    cur = [part.split("=", 1) for part in current.split(",") if "=" in part]
    return all(rec.get(k) == v for k, v in cur)


def read_inputs(
    source: str | Path, known: KnownState, versions: str, reprocess: bool, max_bytes: int
) -> InputBatch:
    """Every input under ``source``; those the warehouse holds with current extractors, and those it already
    quarantined (same path and bytes), are only counted, unless ``reprocess``."""
    out = InputBatch()
    for item in iter_inputs(source, max_bytes=max_bytes):
        if isinstance(item, Rejection):
            out.rejections.append(item)
            continue
        if not reprocess and (item.source_uri, item.raw_sha256) in known.rejected:
            out.skipped += 1
            continue
        aid = known.article_of_source.get(item.raw_sha256)
        if aid is not None and not reprocess and versions_cover(known.versions_of_article.get(aid), versions):
            out.skipped += 1
            continue
        out.inputs.append(item)
    return out


# ---------------------------------------------------------------------------------------------- identify
@dataclass
class Planned:
    article_id: str
    source: RawInput
    article: CleanArticle


@dataclass
class Plan:
    articles: list[Planned] = field(default_factory=list)
    sources: list[dict[str, object]] = field(default_factory=list)  # rows of the sources table
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: int = 0


def parse_and_identify(inputs: Sequence[RawInput], known: KnownState, run_id: str) -> Plan:
    """Parse each input and decide its article: new, re-extracted, or a duplicate of another article's text."""
    plan = Plan()
    by_text = dict(known.article_of_text)
    scheduled: dict[str, Planned] = {}
    at = now_utc()
    for item in sorted(inputs, key=lambda i: i.source_uri):
        parsed = parse_input(item)
        if isinstance(parsed, Rejection):
            plan.rejections.append(parsed)
            continue
        tsha = text_sha256(parsed.text)
        seen_aid = known.article_of_source.get(item.raw_sha256)  # this very input was ingested before
        aid = seen_aid or by_text.get(tsha) or article_id_for(item.raw_sha256)
        plan.sources.append(
            {
                "article_id": aid,
                "source_uri": item.source_uri,
                "source_sha256": item.raw_sha256,
                "is_primary": aid == article_id_for(item.raw_sha256),
                "run_id": run_id,
                "ingested_at": at,
            }
        )
        if aid in scheduled or (seen_aid is None and aid in known.versions_of_article):
            plan.duplicates += 1  # the same text as an article extracted earlier or in this run
            continue
        by_text[tsha] = aid
        scheduled[aid] = Planned(aid, item, parsed)
        plan.articles.append(scheduled[aid])
    return plan


def filter_by_published(
    plan: Plan, published_from: date | None = None, published_to: date | None = None
) -> tuple[Plan, int]:
    """Keep the articles published within [published_from, published_to] (inclusive; either bound optional).

    An article without a publication date is outside any range (unknown stays unknown). Filtered inputs are
    neither written nor quarantined: a later run without the filter picks them up. Returns the filtered plan
    and the number of articles left out.

    Args:
        plan: The plan from :func:`parse_and_identify`.
        published_from: First publication date to keep, or None for no lower bound.
        published_to: Last publication date to keep, or None for no upper bound.
    """
    if published_from is None and published_to is None:
        return plan, 0

    def inside(d: date | None) -> bool:
        if d is None:
            return False
        return (published_from is None or d >= published_from) and (published_to is None or d <= published_to)

    kept = [p for p in plan.articles if inside(p.article.published_date)]
    dropped = {p.article_id for p in plan.articles} - {p.article_id for p in kept}
    sources = [s for s in plan.sources if s["article_id"] not in dropped]
    out = Plan(kept, sources, plan.rejections, plan.duplicates)
    return out, len(dropped)


# ---------------------------------------------------------------------------------------------- extract
@dataclass
class Frames:
    """New rows per table (pandas, contract columns) and the articles they replace."""

    tables: dict[str, pd.DataFrame]
    article_ids: set[str]


def extract_frames(batch: Sequence[Planned], extractors: ExtractorSet, run_id: str) -> Frames:
    """Run every extractor on a batch of articles and build the rows of every table."""
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in ("articles", *FACT_TABLES)}
    versions = versions_of(extractors)
    at = now_utc()
    for p in batch:
        art = p.article
        facts = extractors.extract(art.title, art.text, art.published_date)
        rows["articles"].append(_article_row(p, versions, run_id, at))
        _fact_rows(p.article_id, art.text, facts, extractors.versions, rows)
    return Frames({name: _frame(name, r) for name, r in rows.items()}, {p.article_id for p in batch})


def _article_row(p: Planned, versions: str, run_id: str, at: datetime) -> dict[str, object]:
    art = p.article
    return {
        "article_id": p.article_id,
        "text_sha256": text_sha256(art.text),
        "source_uri": p.source.source_uri,
        "source_sha256": p.source.raw_sha256,
        "title": art.title,
        "text": art.text,
        "language": "ru",
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
    }


def _fact_rows(
    aid: str,
    text: str,
    facts: ArticleFacts,
    versions: dict[str, str],
    rows: dict[str, list[dict[str, object]]],
) -> None:
    sents = Sentences(text)

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
    for t in facts.trade:
        rows["trade_facts"].append(
            {
                "fact_id": f"{aid}:t:{t.start_char}-{t.end_char}:{t.indicator}:{t.commodity or ''}"
                + (f":a{t.amount_index}" if t.amount_index is not None else ""),
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
                **span(e.start_char, e.end_char),
                "extractor_version": versions.get("entities", ""),
            }
        )


def _frame(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
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
    return Frames(tables, set().union(*(p.article_ids for p in parts)) if parts else set())


# ---------------------------------------------------------------------------------------------- quarantine
def quarantine_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]


def input_quarantine_rows(rejections: Iterable[Rejection], run_id: str) -> list[dict[str, object]]:
    at = now_utc()
    return [
        {
            "quarantine_id": quarantine_id(r.source_uri, r.raw_sha256, r.stage, r.reason),
            "source_uri": r.source_uri,
            "stage": r.stage,
            "reason": r.reason,
            "detail": r.detail,
            "raw_sha256": r.raw_sha256,
            "table_name": None,
            "row_key": None,
            "article_id": None,
            "run_id": run_id,
            "at": at,
        }
        for r in rejections
    ]


# ---------------------------------------------------------------------------------------------- validate
@dataclass
class ValidationOutcome:
    success: bool
    tables: dict[str, TableValidation]
    quarantine_rows: list[dict[str, object]]

    @property
    def failures(self) -> list[str]:
        return [f"{t}: {f}" for t, v in self.tables.items() for f in v.failed_table_level]


def validate_frames(
    frames: Frames, sources: list[dict[str, object]], validator: Validator, run_id: str
) -> tuple[Frames, list[dict[str, object]], ValidationOutcome]:
    """Validate every table; drop rejected rows (an article row's rejection drops all its rows)."""
    results = {name: validator.validate(name, df) for name, df in frames.tables.items()}
    sources_df = _frame("sources", sources)
    results["sources"] = validator.validate("sources", sources_df)
    uri_of = {str(s["article_id"]): str(s["source_uri"]) for s in sources}
    at = now_utc()
    qrows: list[dict[str, object]] = []
    bad_rows: dict[str, set[str]] = {}
    bad_articles: set[str] = set()
    for name, res in results.items():
        for rej in res.rejections:
            bad_rows.setdefault(name, set()).add(rej.row_key)
            if name == "articles" and rej.article_id:
                bad_articles.add(rej.article_id)
            qrows.append(
                {
                    "quarantine_id": quarantine_id(name, rej.row_key, rej.expectation),
                    "source_uri": uri_of.get(rej.article_id or "", "?"),
                    "stage": "validate",
                    "reason": rej.expectation,
                    "detail": rej.detail,
                    "raw_sha256": None,
                    "table_name": name,
                    "row_key": rej.row_key,
                    "article_id": rej.article_id,
                    "run_id": run_id,
                    "at": at,
                }
            )
    tables = {}
    for name, df in frames.tables.items():
        keep = ~df[TABLES[name].row_id].astype(str).isin(bad_rows.get(name, set()))
        if bad_articles:
            keep &= ~df["article_id"].isin(bad_articles)
        tables[name] = df[keep].reset_index(drop=True)
    kept_sources = [
        s
        for s in sources
        if s["article_id"] not in bad_articles and str(s["source_uri"]) not in bad_rows.get("sources", set())
    ]
    outcome = ValidationOutcome(all(r.success for r in results.values()), results, qrows)
    return Frames(tables, frames.article_ids - bad_articles), kept_sources, outcome


# ---------------------------------------------------------------------------------------------- publish
@dataclass
class RunCounts:
    n_inputs: int = 0
    n_new: int = 0
    n_skipped: int = 0
    n_duplicates: int = 0
    n_quarantined: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)


def publish(
    warehouse: Warehouse,
    frames: Frames,
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Write all tables as one atomic publish; returns rows added per table."""
    changes: dict[str, TableChange] = {}
    replace = frames.article_ids
    for name, df in frames.tables.items():
        changes[name] = TableChange(
            pa.Table.from_pandas(df, schema=TABLES[name].schema, preserve_index=False), replace
        )
    changes["sources"] = TableChange(pa.Table.from_pylist(sources, schema=TABLES["sources"].schema))
    changes["quarantine"] = TableChange(
        pa.Table.from_pylist(quarantine, schema=TABLES["quarantine"].schema), replace
    )
    return warehouse.publish(changes, run_id)


def run_row(
    run_id: str,
    started_at: datetime,
    source: str,
    counts: RunCounts,
    validation_success: bool,
    status: str,
    message: str | None,
    reprocess: bool,
) -> dict[str, object]:
    return {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": now_utc(),
        "source": source,
        "n_inputs": counts.n_inputs,
        "n_new": counts.n_new,
        "n_skipped": counts.n_skipped,
        "n_duplicates": counts.n_duplicates,
        "n_quarantined": counts.n_quarantined,
        "rows_written": json.dumps(counts.rows_written, sort_keys=True),
        "validation_success": validation_success,
        "status": status,
        "message": message,
        "reprocess": reprocess,
        "pipeline_version": PIPELINE_VERSION,
    }


def append_run(warehouse: Warehouse, row: dict[str, object]) -> None:
    warehouse.publish(
        {"runs": TableChange(pa.Table.from_pylist([row], schema=TABLES["runs"].schema))}, str(row["run_id"])
    )
