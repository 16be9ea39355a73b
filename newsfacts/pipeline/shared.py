"""The process's shared extractors and validator (loaded once), the run's versions and clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from newsfacts import __version__
from newsfacts.extract.bundle import ExtractorSet
from newsfacts.quality import Validator

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
