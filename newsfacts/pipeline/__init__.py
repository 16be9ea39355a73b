"""The pipeline's steps as plain functions; the Prefect flow (``flows/``) only orchestrates them.

read inputs -> skip what the warehouse holds -> parse (decode, header, clean) -> identify (ids, duplicates)
-> extract in batches -> frames -> validate -> quarantine rejected rows -> publish.

One module per job: :mod:`.reading` (sources -> raw inputs, skipping what the warehouse holds),
:mod:`.planning` (parse, identify, filter: the chunks a run extracts), :mod:`.frames` (every table's rows,
straight from the extractors' value objects), :mod:`.validation` (the suites of :mod:`newsfacts.quality`,
quarantine rows), :mod:`.publishing` (the table changes of a run), :mod:`.stories` (the run's story index and
each chunk's ``story_id``) and :mod:`.shared` (the process's models, versions and clock). Their public names
are importable from here.
"""

from newsfacts.pipeline.frames import (
    Frames,
    articles_not_in_russian,
    articles_without_topics,
    concat_frames,
    extract_frames,
    table_frame,
    with_stories,
    without_facts_line,
)
from newsfacts.pipeline.planning import (
    Chunk,
    ChunkReader,
    Identifier,
    Plan,
    Planned,
    filter_by_published,
    forget_articles,
    parse_and_identify,
)
from newsfacts.pipeline.publishing import (
    Healing,
    RunCounts,
    append_run,
    publish,
    publish_staged,
    run_row,
    stage_frames,
)
from newsfacts.pipeline.reading import (
    INPUT_STAGES,
    InputBatch,
    KnownState,
    estimate_inputs,
    iter_input_batches,
    known_state,
    likely_new_inputs,
    read_inputs,
    versions_cover,
)
from newsfacts.pipeline.shared import (
    INGEST_VERSION,
    PIPELINE_VERSION,
    article_id_for,
    now_utc,
    shared_extractors,
    shared_validator,
    versions_of,
    warm_up,
)
from newsfacts.pipeline.validation import (
    ValidationOutcome,
    input_quarantine_rows,
    quarantine_id,
    validate_frames,
)

__all__ = [
    "Chunk",
    "ChunkReader",
    "Frames",
    "Healing",
    "INGEST_VERSION",
    "INPUT_STAGES",
    "Identifier",
    "InputBatch",
    "KnownState",
    "PIPELINE_VERSION",
    "Plan",
    "Planned",
    "RunCounts",
    "ValidationOutcome",
    "append_run",
    "article_id_for",
    "articles_not_in_russian",
    "articles_without_topics",
    "concat_frames",
    "estimate_inputs",
    "extract_frames",
    "filter_by_published",
    "forget_articles",
    "input_quarantine_rows",
    "iter_input_batches",
    "known_state",
    "likely_new_inputs",
    "now_utc",
    "parse_and_identify",
    "publish",
    "publish_staged",
    "quarantine_id",
    "read_inputs",
    "run_row",
    "shared_extractors",
    "shared_validator",
    "stage_frames",
    "table_frame",
    "validate_frames",
    "with_stories",
    "versions_cover",
    "versions_of",
    "warm_up",
    "without_facts_line",
]
