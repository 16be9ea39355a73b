"""The pipeline's steps as plain functions; the Prefect flow (``flows/``) only orchestrates them.

read inputs -> skip what the warehouse holds -> parse (decode, header, clean) -> identify (ids, duplicates)
-> extract in batches -> frames -> validate -> quarantine rejected rows -> publish.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa

from newsfacts import __version__
from newsfacts.extract.bundle import ArticleFacts, ExtractorSet
from newsfacts.extract.language import RUSSIAN
from newsfacts.extract.text import sentences
from newsfacts.ingest import CleanArticle, RawInput, Rejection, iter_inputs, parse_input, text_sha256
from newsfacts.ingest.sources import ZIP_ERRORS, readable_name
from newsfacts.quality import TableValidation, Validator, merge_validations
from newsfacts.storage import AnyWarehouse, StagingArea, TableChange
from newsfacts.tables import FACT_TABLES, TABLES

PIPELINE_VERSION = __version__
INGEST_VERSION = "ingest-1"

_SHARED_LOCK = threading.Lock()
_EXTRACTORS: dict[bool, ExtractorSet] = {}
_VALIDATORS: list[Validator] = []


def shared_extractors(ner: bool, load_ner: bool = True) -> ExtractorSet:
    """The process's extractors: models load once, then every batch and run reuses them (thread-safe).
    With ``load_ner=False`` the NER model is left to load on first use (when worker processes extract)."""
    with _SHARED_LOCK:
        if ner not in _EXTRACTORS:
            _EXTRACTORS[ner] = ExtractorSet(ner=ner)
        ex = _EXTRACTORS[ner]
    if ner and load_ner:
        with _SHARED_LOCK:
            ex.entities  # noqa: B018 - load the NER model now, not inside the first batch
    return ex


def shared_validator() -> Validator:
    """The process's Great Expectations validator (importing GX costs seconds: do it once)."""
    with _SHARED_LOCK:
        if not _VALIDATORS:
            _VALIDATORS.append(Validator())
        return _VALIDATORS[0]


def warm_up(ner: bool, load_ner: bool = True) -> threading.Thread:
    """Load models and Great Expectations in a background thread (e.g. while Prefect starts its server);
    ``load_ner=False`` when worker processes will run NER, not this one."""

    def work() -> None:
        shared_extractors(ner, load_ner)
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


def known_state(warehouse: AnyWarehouse) -> KnownState:
    arts = warehouse.read("articles", ["article_id", "text_sha256", "extractor_versions"]).to_pydict()
    srcs = warehouse.read("sources", ["article_id", "source_sha256"]).to_pydict()
    quar = warehouse.read("quarantine", ["source_uri", "raw_sha256", "stage"]).to_pydict()
    return KnownState(
        article_of_source=dict(zip(srcs["source_sha256"], srcs["article_id"], strict=True)),
        article_of_text=dict(zip(arts["text_sha256"], arts["article_id"], strict=True)),
        versions_of_article=dict(zip(arts["article_id"], arts["extractor_versions"], strict=True)),
        rejected={
            (str(u), str(h))
            for u, h, st in zip(quar["source_uri"], quar["raw_sha256"], quar["stage"], strict=True)
            if h is not None and st in INPUT_STAGES
        },
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


def iter_input_batches(
    source: str | Path, known: KnownState, versions: str, reprocess: bool, max_bytes: int, size: int
) -> Iterator[InputBatch]:
    """The inputs under ``source`` in batches of at most ``size`` (inputs plus rejections), streamed: only one
    batch is in memory. Inputs the warehouse holds with current extractors, and those it already quarantined
    (same path and bytes), are only counted, unless ``reprocess``. The last batch may be empty."""
    out = InputBatch()
    for item in iter_inputs(source, max_bytes=max_bytes):
        if isinstance(item, Rejection):
            out.rejections.append(item)
        elif not reprocess and _already_done(item, known, versions):
            out.skipped += 1
        else:
            out.inputs.append(item)
        if len(out.inputs) + len(out.rejections) >= size:
            yield out
            out = InputBatch()
    yield out


def _already_done(item: RawInput, known: KnownState, versions: str) -> bool:
    """The warehouse quarantined this input (same path and bytes) or holds it with current extractors."""
    if (item.source_uri, item.raw_sha256) in known.rejected:
        return True
    aid = known.article_of_source.get(item.raw_sha256)
    return aid is not None and versions_cover(known.versions_of_article.get(aid), versions)


def read_inputs(
    source: str | Path, known: KnownState, versions: str, reprocess: bool, max_bytes: int
) -> InputBatch:
    """Every input under ``source`` at once (see :func:`iter_input_batches` for the rules); small sources."""
    out = InputBatch()
    for batch in iter_input_batches(source, known, versions, reprocess, max_bytes, size=1 << 62):
        out.inputs += batch.inputs
        out.rejections += batch.rejections
        out.skipped += batch.skipped
    return out


def likely_new_inputs(expected: int | None, known: KnownState) -> int | None:
    """How many inputs a run will probably extract: the estimate of the source's inputs less what the
    warehouse holds or quarantined (None when the source cannot be estimated)."""
    if expected is None:
        return None
    return max(0, expected - len(known.article_of_source) - len(known.rejected))


def estimate_inputs(source: str | Path) -> int | None:
    """A quick estimate of the number of inputs under a local ``source`` (files, JSON lines, zip members),
    for progress reporting; None for a URL or when it cannot tell. Reads bytes, but decodes nothing."""
    path = Path(source)
    if "://" in str(source) or not path.exists():
        return None
    if path.is_file():
        files = [path]
    else:
        files = [
            p
            for p in sorted(path.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
    try:
        total = 0
        for f in files:
            with f.open("rb") as fh:
                total += _estimate_stream(f.name, fh)
        return total
    except (OSError, *ZIP_ERRORS):
        return None


def _estimate_stream(name: str, fh: IO[bytes]) -> int:
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".jsonlines"):
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) + 1
    if suffix == ".zip":
        n = 0
        with zipfile.ZipFile(fh) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                try:
                    with zf.open(info) as member:
                        n += _estimate_stream(info.filename, member)
                except ZIP_ERRORS:
                    n += 1  # a corrupt member: it is one quarantine row
        return n
    return 1


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


class Identifier:
    """Decides each parsed input's article across all the batches of a run: new, re-extracted, or a duplicate
    of another article's text (in the warehouse or earlier in the run). Keeps only ids and hashes."""

    def __init__(self, known: KnownState, run_id: str) -> None:
        self.known, self.run_id = known, run_id
        self.by_text = dict(known.article_of_text)
        self.scheduled: set[str] = set()

    def plan(self, inputs: Sequence[RawInput]) -> Plan:
        """Parse each input (in source order) and plan its article."""
        plan = Plan()
        known = self.known
        at = now_utc()
        for item in inputs:  # in source order (sorted paths, then line order): the first seen is primary
            parsed = parse_input(item)
            if isinstance(parsed, Rejection):
                plan.rejections.append(parsed)
                continue
            tsha = text_sha256(parsed.text)
            seen_aid = known.article_of_source.get(item.raw_sha256)  # this very input was ingested before
            aid = seen_aid or self.by_text.get(tsha) or article_id_for(item.raw_sha256)
            plan.sources.append(
                {
                    "article_id": aid,
                    "source_uri": item.source_uri,
                    "source_sha256": item.raw_sha256,
                    "is_primary": aid == article_id_for(item.raw_sha256),
                    "run_id": self.run_id,
                    "ingested_at": at,
                }
            )
            if aid in self.scheduled or (seen_aid is None and aid in known.versions_of_article):
                plan.duplicates += 1  # the same text as an article extracted earlier or in this run
                continue
            self.by_text[tsha] = aid
            self.scheduled.add(aid)
            plan.articles.append(Planned(aid, item, parsed))
        return plan


def parse_and_identify(inputs: Sequence[RawInput], known: KnownState, run_id: str) -> Plan:
    """Parse each input and decide its article: new, re-extracted, or a duplicate of another article's text."""
    return Identifier(known, run_id).plan(inputs)


@dataclass
class Chunk:
    """One chunk of a streamed run: the plan of its articles and what its inputs counted."""

    plan: Plan
    n_inputs: int = 0
    skipped: int = 0
    n_filtered: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds of "read" and "parse"


class ChunkReader:
    """Streams a source chunk by chunk: reads inputs, skips what the warehouse holds, parses, identifies and
    filters by publication date. Memory holds one chunk of inputs, plus ids and hashes of the run's articles.

    Args:
        source: Folder, file or fsspec URL of raw inputs.
        known: What the warehouse holds (:func:`known_state`).
        versions: The run's versions string (:func:`versions_of`).
        reprocess: Re-read inputs the warehouse holds or quarantined.
        max_bytes: Inputs larger than this are quarantined as oversize.
        chunk_size: Inputs (to extract, plus rejections) per chunk.
        run_id: The run's id, recorded on rows.
        published_from: Keep only articles published on or after this date.
        published_to: Keep only articles published on or before this date.
    """

    def __init__(
        self,
        source: str | Path,
        known: KnownState,
        versions: str,
        reprocess: bool,
        max_bytes: int,
        chunk_size: int,
        run_id: str,
        published_from: date | None = None,
        published_to: date | None = None,
    ) -> None:
        self._batches = iter_input_batches(source, known, versions, reprocess, max_bytes, chunk_size)
        self._identifier = Identifier(known, run_id)
        self._window = (published_from, published_to)
        self.done = False

    def next_chunk(self) -> Chunk | None:
        """The next chunk, or None when the source is exhausted."""
        if self.done:
            return None
        t0 = time.thread_time()
        batch = next(self._batches, None)
        t1 = time.thread_time()
        if batch is None:
            self.done = True
            return None
        plan = self._identifier.plan(batch.inputs)
        plan.rejections = [*batch.rejections, *plan.rejections]
        plan, n_filtered = filter_by_published(plan, *self._window)
        seconds = {"read": t1 - t0, "parse": time.thread_time() - t1}
        n_inputs = len(batch.inputs) + len(batch.rejections) + batch.skipped
        return Chunk(plan, n_inputs, batch.skipped, n_filtered, seconds)


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
        rows["articles"].append(_article_row(p, facts.language, versions, run_id, at))
        _fact_rows(p.article_id, art.text, facts, extractors.versions, rows)
        seconds["rows"] = seconds.get("rows", 0.0) + time.thread_time() - t0
    t0 = time.thread_time()
    tables = {name: _frame(name, r) for name, r in rows.items()}
    seconds["rows"] = seconds.get("rows", 0.0) + time.thread_time() - t0
    return Frames(tables, {p.article_id for p in batch}, seconds)


def _article_row(p: Planned, language: str, versions: str, run_id: str, at: datetime) -> dict[str, object]:
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
    }


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
    for t in facts.trade:
        rows["trade_facts"].append(
            {
                "fact_id": f"{aid}:t:{t.start_char}-{t.end_char}:{t.indicator}:{t.commodity or ''}"
                + (f":a{t.amount_index}" if t.amount_index is not None else "")
                + (f":p{t.partner_iso2}" if t.partner_iso2 else ""),
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

    def merge(self, other: ValidationOutcome) -> ValidationOutcome:
        """This outcome and a later chunk's, as one run's (see :func:`newsfacts.quality.merge_validations`)."""
        tables = dict(self.tables)
        for name, v in other.tables.items():
            tables[name] = merge_validations(tables[name], v) if name in tables else v
        return ValidationOutcome(
            self.success and other.success, tables, self.quarantine_rows + other.quarantine_rows
        )


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
    return Frames(tables, frames.article_ids - bad_articles, frames.seconds), kept_sources, outcome


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
    warehouse: AnyWarehouse,
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


def stage_frames(staged: StagingArea, frames: Frames) -> None:
    """Stream one chunk's validated rows of every table into the run's staging area (not yet visible)."""
    for name, df in frames.tables.items():
        if len(df):
            staged.append(name, pa.Table.from_pandas(df, schema=TABLES[name].schema, preserve_index=False))


def publish_staged(
    warehouse: AnyWarehouse,
    staged: StagingArea,
    article_ids: set[str],
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
) -> dict[str, int]:
    """Publish the staged rows with the sources and quarantine rows as one atomic publish; the rows of
    ``article_ids`` already in the warehouse are replaced. Returns rows added per table."""
    changes = {
        name: TableChange(TABLES[name].schema.empty_table(), article_ids)
        for name in ("articles", *FACT_TABLES)
    }
    changes["sources"] = TableChange(pa.Table.from_pylist(sources, schema=TABLES["sources"].schema))
    changes["quarantine"] = TableChange(
        pa.Table.from_pylist(quarantine, schema=TABLES["quarantine"].schema), article_ids
    )
    return warehouse.publish(changes, run_id, staged=staged)


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
        "source": readable_name(source),
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


def append_run(warehouse: AnyWarehouse, row: dict[str, object]) -> None:
    warehouse.publish(
        {"runs": TableChange(pa.Table.from_pylist([row], schema=TABLES["runs"].schema))}, str(row["run_id"])
    )
