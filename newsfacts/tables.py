"""The warehouse's table contracts: one Arrow schema and column documentation per table.

This module is the single source of truth for the warehouse layout. The Parquet schemas
(`warehouse.py`), the Great Expectations suites (`quality.py`, `expectations/*.json`) and the analyst
dictionary (`warehouse/README.md`, `warehouse/_dictionary/`) are all generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from newsfacts.extract.language import CANDIDATES as LANGUAGES
from newsfacts.value_ranges import ANY_VALUE_RANGE as ANY_VALUE_RANGE  # the plausible values, re-exported
from newsfacts.value_ranges import UNIT_KINDS as UNIT_KINDS
from newsfacts.value_ranges import VALUE_RANGES as VALUE_RANGES

GRANULARITIES = ("day", "week", "month", "quarter", "half", "year", "part_of_year", "decade", "century")
# a trade period may also span years ("с 1 сентября 2014 года по август 2016-го", "до 2014 года"): CONVENTIONS.md
TRADE_GRANULARITIES = (*GRANULARITIES, "multi_year")
PUBLISHED_DATE_SOURCES = ("header", "metadata", "text", "unknown")
ENTITY_TYPES = ("PER", "ORG", "LOC")
ENTITY_FORMS = ("name", "adjective")
ENTITY_FORM_DOC = "name, or adjective: a place named by its adjective (казахстанский -> Казахстан, KZ)."
VALUE_KINDS = ("absolute", "change_pct", "share_pct", "ratio", "rank")
TRADE_VALUE_KINDS = (*VALUE_KINDS, "none")
QUALIFIERS = ("exact", "approx", "more_than", "less_than", "up_to", "at_least")
DIRECTIONS = ("increase", "decrease", "none")
TRADE_INDICATORS = (
    "turnover",
    "export",
    "import",
    "supply",
    "transit",
    "investment",
    "production",
    "capacity",
    "price",
    "other",
)
ROLES_FROM = ("sentence", "context")
TENSES = ("past", "future", "unknown")
ANCHORS = ("publication", "none")
QUARANTINE_STAGES = ("read", "decode", "parse", "clean", "extract", "validate")


ISO2_REGEX = r"^[A-Z]{2}$"
ISO2_LIST_REGEX = r"^[A-Z]{2}(;[A-Z]{2})*$"  # several countries of one role, joined by ";" (trade facts)
SHA256_REGEX = r"^[0-9a-f]{64}$"
UTC_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None  # closed vocabulary
    regex: str | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique per row
    row_id: str  # the column quarantine rows cite for a rejected row
    ordered_pairs: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (low, high): low <= high
    ranged_by_unit: tuple[str, ...] = ()  # value columns held to VALUE_RANGES by the row's `unit` column
    # (a range's value_low needs no check of its own: it is at most value_high, and at least ANY_VALUE_RANGE's)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.type, nullable=c.nullable, metadata={"doc": c.doc}) for c in self.columns],
            metadata={"grain": self.grain, "doc": self.doc},
        )

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, typ: pa.DataType, doc: str, nullable: bool = True, **kw: object) -> Column:
    return Column(name, typ, doc, nullable, **kw)  # type: ignore[arg-type]


def _value(name: str, doc: str) -> Column:
    """A numeric value column held to ANY_VALUE_RANGE (a plain GX range; the per-kind ones: ``ranged_by_unit``)."""
    return _c(name, pa.float64(), doc, min_value=ANY_VALUE_RANGE[0], max_value=ANY_VALUE_RANGE[1])


def _article_id() -> Column:
    return _c(
        "article_id",
        pa.string(),
        "Stable id of the article (from the raw input's bytes); joins every table.",
        nullable=False,
        regex=r"^[0-9a-f]{16}$",
    )


def _offsets() -> tuple[Column, ...]:
    return (
        _c(
            "start_char",
            pa.int32(),
            "Start offset (0-based, characters) of the span in articles.text.",
            nullable=False,
            min_value=0,
        ),
        _c(
            "end_char",
            pa.int32(),
            "End offset (exclusive) of the span in articles.text.",
            nullable=False,
            min_value=1,
        ),
        _c(
            "sentence",
            pa.string(),
            "The sentence of articles.text the span lies in: the evidence.",
            nullable=False,
        ),
        _c(
            "extractor_version",
            pa.string(),
            "Version of the extractor that produced the row.",
            nullable=False,
        ),
    )


ARTICLES = Table(
    name="articles",
    grain="one row per distinct article (the same cleaned text arriving from several sources is one row)",
    doc="Cleaned articles with their publication date and provenance.",
    key=("article_id",),
    row_id="article_id",
    columns=(
        _article_id(),
        _c(
            "text_sha256",
            pa.string(),
            "sha256 of the normalised cleaned text; finds one article from several sources.",
            nullable=False,
            regex=SHA256_REGEX,
        ),
        _c(
            "source_uri",
            pa.string(),
            "Where the first input of this article came from (path relative to the "
            "source root, '#L<n>' for a JSON line).",
            nullable=False,
        ),
        _c(
            "source_sha256", pa.string(), "sha256 of the raw input bytes.", nullable=False, regex=SHA256_REGEX
        ),
        _c(
            "title",
            pa.string(),
            "Headline: from the header/metadata, or lifted out of the body by the cleaner.",
        ),
        _c("text", pa.string(), "The cleaned body text; every *_char offset points into it.", nullable=False),
        _c(
            "language",
            pa.string(),
            "ISO 639-1 code of the article's language, detected from its text (py3langid; the majority of its "
            "letters). Only 'ru' articles have facts; the others are kept with none.",
            nullable=False,
            allowed=LANGUAGES,
        ),
        _c(
            "published_date",
            pa.date32(),
            "Publication date; null when no header, metadata or dateline gives it "
            "(never the file time or today).",
        ),
        _c(
            "published_date_source",
            pa.string(),
            "Where published_date came from.",
            nullable=False,
            allowed=PUBLISHED_DATE_SOURCES,
        ),
        _c("url", pa.string(), "Original URL if the input named one."),
        _c("encoding", pa.string(), "Encoding the raw bytes were decoded from.", nullable=False),
        _c("repairs", pa.string(), "What cleaning changed, '; '-separated (e.g. joined_hyphenation:4)."),
        _c("n_chars", pa.int32(), "Length of text in characters.", nullable=False, min_value=1),
        _c("ingested_at", UTC_TS, "When the row was written (UTC).", nullable=False),
        _c("run_id", pa.string(), "The run that wrote the row (runs.run_id).", nullable=False),
        _c("pipeline_version", pa.string(), "newsfacts version that wrote the row.", nullable=False),
        _c(
            "extractor_versions",
            pa.string(),
            "Versions of all extractors applied to the article; a change re-extracts it.",
            nullable=False,
        ),
        _c(
            "story_id",
            pa.string(),
            "The article's story: near-duplicate copies of one text (new headline, reworded sentence, tagline) "
            "share it; the article_id of the story's first article (newsfacts/stories.py: MinHash of 5-word "
            "shingles, estimated Jaccard >= 0.5). Never changes once written.",
            nullable=False,
            regex=r"^[0-9a-f]{16}$",
        ),
        _c(
            "story_signature",
            pa.binary(),
            "MinHash signature of the cleaned text, 512 bytes: 128 little-endian uint32 values, scheme "
            "minhash-affine32-p128-s17-w5-stories-1 (newsfacts.stories.SIGNATURE_SCHEME); all 0xFF: no token.",
            nullable=False,
        ),
    ),
)

SOURCES = Table(
    name="sources",
    grain="one row per input that produced an article (duplicates included)",
    doc="Provenance: every input that carried an article; inputs = sources + quarantine(read..clean).",
    key=("source_uri", "source_sha256"),
    row_id="source_uri",
    columns=(
        _article_id(),
        _c("source_uri", pa.string(), "Input location relative to the source root.", nullable=False),
        _c(
            "source_sha256", pa.string(), "sha256 of the raw input bytes.", nullable=False, regex=SHA256_REGEX
        ),
        _c(
            "is_primary",
            pa.bool_(),
            "True for the input whose bytes gave the article its id.",
            nullable=False,
        ),
        _c("run_id", pa.string(), "The run that recorded the input.", nullable=False),
        _c("ingested_at", UTC_TS, "When the input was recorded (UTC).", nullable=False),
    ),
)

DATE_MENTIONS = Table(
    name="date_mentions",
    grain="one row per date expression in an article",
    doc="Date expressions normalised to an inclusive interval with its grain.",
    key=("mention_id",),
    row_id="mention_id",
    ordered_pairs=(("start_char", "end_char"), ("start_date", "end_date")),
    columns=(
        _c("mention_id", pa.string(), "Row id: article_id + span.", nullable=False),
        _article_id(),
        _c("text", pa.string(), "The date expression as written.", nullable=False),
        *_offsets()[:3],
        _c("start_date", pa.date32(), "First day of the interval; null when the year is unknown."),
        _c("end_date", pa.date32(), "Last day of the interval (inclusive); null when the year is unknown."),
        _c("granularity", pa.string(), "Grain of the interval.", nullable=False, allowed=GRANULARITIES),
        _c(
            "year_known",
            pa.bool_(),
            "False when the text (and publication date) do not give the year.",
            nullable=False,
        ),
        _c(
            "is_relative",
            pa.bool_(),
            "True for expressions resolved against the publication date.",
            nullable=False,
        ),
        _c(
            "anchor",
            pa.string(),
            "What a relative expression was resolved against.",
            nullable=False,
            allowed=ANCHORS,
        ),
        _c(
            "tense",
            pa.string(),
            "Whether the date refers to the past or a planned/expected future.",
            nullable=False,
            allowed=TENSES,
        ),
        _c("year", pa.int16(), "Year as given or resolved; null when unknown.", min_value=1, max_value=2999),
        _c(
            "month",
            pa.int8(),
            "Month the text gives, also when the year is unknown.",
            min_value=1,
            max_value=12,
        ),
        _c(
            "day",
            pa.int8(),
            "Day of month the text gives, also when the year is unknown.",
            min_value=1,
            max_value=31,
        ),
        _c(
            "kind",
            pa.string(),
            'point (a date or interval on the calendar), duration ("два года"), frequency ("в год", '
            '"ежегодно") or reference (an unresolved back-reference: "в том же году"). Only points have '
            "start_date/end_date: timeline queries should filter kind = 'point'. A person's age is not a date "
            "mention.",
            nullable=False,
            allowed=("point", "duration", "frequency", "reference"),
        ),
        _c(
            "duration_days",
            pa.float64(),
            'Approximate length in days of a duration ("два года" -> 730.5); null for other kinds and vague '
            'durations ("несколько лет").',
            min_value=0,
        ),
        _offsets()[3],
    ),
)

AMOUNTS = Table(
    name="amounts",
    grain="one row per money, quantity, percentage or multiplier expression",
    doc="Numbers with their unit (GDELT's Amounts, plus units, percentages, multipliers and ranges).",
    key=("amount_id",),
    row_id="amount_id",
    ordered_pairs=(("start_char", "end_char"), ("value_low", "value_high")),
    ranged_by_unit=("value", "value_high"),
    columns=(
        _c("amount_id", pa.string(), "Row id: article_id + span.", nullable=False),
        _article_id(),
        _c("text", pa.string(), "The amount expression as written.", nullable=False),
        *_offsets()[:3],
        _value(
            "value",
            "The number in base units (1,2 млрд -> 1200000000); for ranges the midpoint. Within its unit"
            " kind's plausible range (tables.VALUE_RANGES: money ±1e18, mass ±1e13, volume ±1e15, percent"
            " ±1e9, ratio 0..1e9; others ±1e18).",
        ),
        _value("value_low", "Lower bound of a range (at least -1e18, at most value_high)."),
        _value("value_high", "Upper bound of a range (held to the same range)."),
        _c(
            "unit",
            pa.string(),
            "ISO 4217 code for money; t, bbl, m3, km, TEU, percent, pp, times, rank; "
            "null for bare counts. Never mixed within one row.",
        ),
        _c("value_kind", pa.string(), "What the number measures.", nullable=False, allowed=VALUE_KINDS),
        _c(
            "qualifier",
            pa.string(),
            "exact, approx (около), more_than (более), less_than (менее), up_to (до), at_least (не менее).",
            nullable=False,
            allowed=QUALIFIERS,
        ),
        _offsets()[3],
    ),
)

TRADE_FACTS = Table(
    name="trade_facts",
    grain="one row per quantitative or directional trade statement",
    doc="Trade statements: indicator, partners, commodity (HS), value, period and direction, with evidence.",
    key=("fact_id",),
    row_id="fact_id",
    ordered_pairs=(("start_char", "end_char"), ("period_start", "period_end")),
    ranged_by_unit=("value",),
    columns=(
        _c(
            "fact_id",
            pa.string(),
            "Row id: article_id + span + indicator + commodity (+ amount, + partner).",
            nullable=False,
        ),
        _article_id(),
        _c("amount_id", pa.string(), "The amounts row this fact quotes, if any."),
        _c(
            "indicator",
            pa.string(),
            "turnover / export / import / supply / transit / investment / production / capacity (what a pipeline,"
            " port or line can carry) / price (prices, tariffs, duties) / other (trade balance, losses, seizures)."
            " Meaning of every field: gold/trade/CONVENTIONS.md.",
            nullable=False,
            allowed=TRADE_INDICATORS,
        ),
        _c(
            "reporter_iso2",
            pa.string(),
            "Exporter or reporting country (ISO 3166-1 alpha-2; several joined by ';'; EU for the EU).",
            regex=ISO2_LIST_REGEX,
        ),
        _c(
            "partner_iso2",
            pa.string(),
            "Importer or partner country (ISO 3166-1 alpha-2; several joined by ';').",
            regex=ISO2_LIST_REGEX,
        ),
        _c("transit_iso2", pa.string(), "Transit country (через …).", regex=ISO2_LIST_REGEX),
        _c(
            "route",
            pa.string(),
            "Named trade/transport route the statement is about (Middle Corridor, North–South, Baku–Tbilisi–Kars"
            " …; lexicon newsfacts/extract/data/routes_ru.yaml); null when none is named.",
        ),
        _c("commodity", pa.string(), "Commodity in English (wheat, crude oil …)."),
        _c("hs_code", pa.string(), "Harmonized System heading of the commodity.", regex=r"^[0-9]{2,6}$"),
        _value(
            "value",
            "The figure; null for directional statements without a number. Within its unit kind's plausible"
            " range, as amounts.value.",
        ),
        _c("unit", pa.string(), "USD/EUR/RUB/KZT/AZN/…, t, bbl, m3, percent, times, rank."),
        _c(
            "per_unit",
            pa.string(),
            "What a price or rate is per: 1000 m3, m3, t, bbl, oz, kWh, unit, year; null otherwise.",
        ),
        _c(
            "value_kind",
            pa.string(),
            "absolute / change_pct / share_pct / ratio / rank / none.",
            nullable=False,
            allowed=TRADE_VALUE_KINDS,
        ),
        _c(
            "qualifier",
            pa.string(),
            "exact / approx / more_than / less_than / up_to / at_least.",
            allowed=QUALIFIERS,
        ),
        _c("direction", pa.string(), "increase / decrease / none.", nullable=False, allowed=DIRECTIONS),
        _c(
            "comparison",
            pa.string(),
            "The base of a change in short English (same period last year, previous year, previous period).",
        ),
        _c(
            "period_start",
            pa.date32(),
            "First day of the period the figure covers; null when not stated or the year is unknown.",
        ),
        _c("period_end", pa.date32(), "Last day of that period (inclusive)."),
        _c("period_granularity", pa.string(), "Grain of the period.", allowed=TRADE_GRANULARITIES),
        _c(
            "roles_from",
            pa.string(),
            "Where reporter/partner were read: sentence (the fact's own sentence) or context (the statement"
            " before it, or the article's main reporter, when its sentence names no party); null: no parties.",
            allowed=ROLES_FROM,
        ),
        _c("text", pa.string(), "The statement's words: its trigger and its figure.", nullable=False),
        *_offsets(),
    ),
)

TOPICS = Table(
    name="topics",
    grain="one row per (article, topic)",
    doc="IPTC Media Topics and regional domain topics per article, scored and ranked, with evidence.",
    key=("article_id", "topic_code"),
    row_id="topic_row_id",
    columns=(
        _c("topic_row_id", pa.string(), "Row id: article_id + topic_code.", nullable=False),
        _article_id(),
        _c(
            "topic_code",
            pa.string(),
            "IPTC Media Topic qcode (medtop:…) or a domain topic code (nf:…).",
            nullable=False,
        ),
        _c("topic_label", pa.string(), "English label of the topic.", nullable=False),
        _c("iptc_code", pa.string(), "The IPTC concept: the code itself, or the domain topic's IPTC parent."),
        _c("iptc_level1", pa.string(), "IPTC level-1 ancestor, for coarse grouping."),
        _c("score", pa.float64(), "Weighted, length-normalised evidence score.", nullable=False, min_value=0),
        _c(
            "rank",
            pa.int16(),
            "1 = the article's strongest topic, always an IPTC level-1 subject; the article's level-1 subjects "
            "rank first (by score), its narrower topics after them (by score).",
            nullable=False,
            min_value=1,
        ),
        _c("evidence", pa.string(), "Matched terms with counts (term×n; …).", nullable=False),
        _c("extractor_version", pa.string(), "Version of the topic tagger.", nullable=False),
    ),
)

ENTITIES = Table(
    name="entities",
    grain="one row per entity mention",
    doc="Persons, organisations and places (natasha NER and gazetteers) with a canonical name per entity and article.",
    key=("mention_id",),
    row_id="mention_id",
    ordered_pairs=(("start_char", "end_char"),),
    columns=(
        _c("mention_id", pa.string(), "Row id: article_id + span.", nullable=False),
        _article_id(),
        _c("type", pa.string(), "PER, ORG or LOC.", nullable=False, allowed=ENTITY_TYPES),
        _c("text", pa.string(), "The mention as written.", nullable=False),
        _c(
            "normal",
            pa.string(),
            "Canonical name shared by all mentions of one entity in the article (Ф.Шафиев -> Фарид Шафиев).",
            nullable=False,
        ),
        _c("country_iso2", pa.string(), "ISO 3166-1 alpha-2 of a country or a place's.", regex=ISO2_REGEX),
        _c("form", pa.string(), ENTITY_FORM_DOC, nullable=False, allowed=ENTITY_FORMS),
        *_offsets(),
    ),
)

QUARANTINE = Table(
    name="quarantine",
    grain="one row per rejected input or rejected row",
    doc="Everything the pipeline refused, with the reason: nothing is silently dropped.",
    key=("quarantine_id",),
    row_id="quarantine_id",
    columns=(
        _c("quarantine_id", pa.string(), "Row id: source/table + stage + reason + key.", nullable=False),
        _c(
            "source_uri",
            pa.string(),
            "The input (or, for a rejected row, its article's source).",
            nullable=False,
        ),
        _c("stage", pa.string(), "Where it was rejected.", nullable=False, allowed=QUARANTINE_STAGES),
        _c(
            "reason",
            pa.string(),
            "Short machine-readable reason (empty, binary, undecodable, oversize, "
            "malformed_json, path_escape, no_text, or the failed expectation).",
            nullable=False,
        ),
        _c("detail", pa.string(), "A human explanation.", nullable=False),
        _c(
            "raw_sha256",
            pa.string(),
            "sha256 of the rejected input's bytes, when it was read.",
            regex=SHA256_REGEX,
        ),
        _c("table_name", pa.string(), "For rejected rows: the table the row was meant for."),
        _c("row_key", pa.string(), "For rejected rows: the row's id in that table."),
        _c("article_id", pa.string(), "For rejected rows: the article the row belongs to."),
        _c("run_id", pa.string(), "The run that rejected it.", nullable=False),
        _c("at", UTC_TS, "When (UTC).", nullable=False),
    ),
)

RUNS = Table(
    name="runs",
    grain="one row per flow run",
    doc="Run log: what each run read, wrote, skipped and rejected, and whether validation passed.",
    key=("run_id",),
    row_id="run_id",
    ordered_pairs=(("started_at", "finished_at"),),
    columns=(
        _c("run_id", pa.string(), "Run id (the Prefect flow run id when run by Prefect).", nullable=False),
        _c("started_at", UTC_TS, "Start (UTC).", nullable=False),
        _c("finished_at", UTC_TS, "End (UTC).", nullable=False),
        _c("source", pa.string(), "The SOURCE the run read.", nullable=False),
        _c("n_inputs", pa.int32(), "Inputs seen (files, JSON lines).", nullable=False, min_value=0),
        _c("n_new", pa.int32(), "Articles written (new or re-extracted).", nullable=False, min_value=0),
        _c(
            "n_skipped",
            pa.int32(),
            "Inputs already in the warehouse with current extractors.",
            nullable=False,
            min_value=0,
        ),
        _c(
            "n_duplicates",
            pa.int32(),
            "Inputs whose text was already an article (recorded in sources).",
            nullable=False,
            min_value=0,
        ),
        _c("n_quarantined", pa.int32(), "Quarantine rows written by the run.", nullable=False, min_value=0),
        _c("rows_written", pa.string(), "Rows written per table, as JSON.", nullable=False),
        _c("validation_success", pa.bool_(), "Whether every table-level expectation passed.", nullable=False),
        _c("status", pa.string(), "completed / failed.", nullable=False, allowed=("completed", "failed")),
        _c("message", pa.string(), "Why the run failed, if it did."),
        _c("reprocess", pa.bool_(), "Whether the run re-extracted articles already present.", nullable=False),
        _c("pipeline_version", pa.string(), "newsfacts version.", nullable=False),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (ARTICLES, SOURCES, DATE_MENTIONS, AMOUNTS, TRADE_FACTS, TOPICS, ENTITIES, QUARANTINE, RUNS)
}
FACT_TABLES = ("date_mentions", "amounts", "trade_facts", "topics", "entities")
