"""Value objects returned by the extractors.

Every extractor is a pure function (or a class holding a loaded model) that takes the cleaned article text
and returns a list of these objects. Offsets are character offsets into that text (``text[start_char:end_char]
== obj.text``). The pipeline adds ``article_id``, ``sentence`` and ``extractor_version`` when it builds frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class EntityMention:
    type: str  # PER / ORG / LOC
    text: str
    start_char: int
    end_char: int
    normal: str  # canonical name shared by all mentions of one entity in the article
    country_iso2: str | None = None  # for countries and places whose country is known
    form: str = "name"  # name / adjective (a place named by its adjective: "казахстанский" -> Казахстан)


@dataclass(frozen=True)
class DateMention:
    text: str
    start_char: int
    end_char: int
    start_date: date | None  # inclusive; null when the year is unknown
    end_date: date | None  # inclusive; null when the year is unknown
    granularity: str  # day/week/month/quarter/half/year/part_of_year/decade/century
    year_known: bool
    is_relative: bool = False
    anchor: str = "none"  # publication / none
    tense: str = "unknown"  # past / future / unknown
    year: int | None = None  # the parts the text gives, also when the year is unknown
    month: int | None = None
    day: int | None = None
    kind: str = "point"  # point / duration / age / frequency / reference (non-points have no dates)
    duration_days: float | None = None  # approximate length of a duration ("два года" -> 730.5)


@dataclass(frozen=True)
class AmountMention:
    text: str
    start_char: int
    end_char: int
    value: float | None
    unit: str | None  # ISO 4217 code, t, bbl, m3, km, TEU, percent, pp, times, rank, or None for bare counts
    value_kind: str  # absolute / change_pct / share_pct / ratio / rank
    qualifier: str = "exact"  # exact / approx / more_than / less_than / up_to / at_least
    value_low: float | None = None
    value_high: float | None = None


@dataclass(frozen=True)
class TradeFact:
    indicator: str  # turnover/export/import/supply/transit/investment/production/capacity/price/other
    start_char: int  # the span of the statement (the trigger phrase or the amount it governs)
    end_char: int
    text: str
    reporter_iso2: str | None = None  # exporter / reporting country
    partner_iso2: str | None = None  # importer / partner country
    transit_iso2: str | None = None
    commodity: str | None = None
    hs_code: str | None = None
    value: float | None = None
    unit: str | None = None
    value_kind: str = "none"  # absolute / share_pct / change_pct / ratio / rank / none
    qualifier: str | None = None
    direction: str = "none"  # increase / decrease / none
    comparison: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_granularity: str | None = None
    amount_index: int | None = None  # index into the article's AmountMention list, if linked
    route: str | None = None  # named trade/transport route ("Middle Corridor"), data/routes_ru.yaml
    per_unit: str | None = None  # what a price or rate is per: "1000 m3", "t", "bbl", "oz", "year"
    roles_from: str | None = None  # sentence / context: where the reporter/partner were read (None: no roles)


@dataclass(frozen=True)
class TopicAssignment:
    topic_code: str  # IPTC Media Topic qcode (medtop:...) or a domain topic code
    topic_label: str
    score: float
    rank: int
    evidence: str  # matched terms with counts, e.g. "нефть×3; трубопровод×1"
    iptc_code: str | None = None  # nearest IPTC concept (== topic_code for IPTC topics)
    iptc_level1: str | None = None  # IPTC level-1 ancestor qcode
    evidence_terms: tuple[str, ...] = field(default_factory=tuple)
