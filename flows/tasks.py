"""The tasks of ``articles-pipeline``, each a thin call into the ``newsfacts`` library, and :class:`Extraction`,
which hands a chunk's batches to where the run's :class:`~newsfacts.parallel.WorkerPolicy` says they extract.

Tasks work on batches of articles (hundreds), never one task per article.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from newsfacts import pipeline as nf
from newsfacts.parallel import ExtractPool, WorkerPolicy, extract, without_raw
from newsfacts.quality import prune_data_docs, write_data_docs
from newsfacts.storage import AnyWarehouse, StagingArea, filesystem_for, is_url


@task(name="read-chunk", cache_policy=NO_CACHE)
def read_chunk(reader: nf.ChunkReader) -> nf.Chunk | None:
    """Read, decode, clean and identify the next chunk of inputs (streamed: one chunk in memory)."""
    return reader.next_chunk()


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(batch: list[nf.Planned], ner: bool, run_id: str, pool_id: str | None = None) -> nf.Frames:
    """Run every extractor over one batch of articles: in a worker process of the run's pool when
    ``pool_id`` is given, else in the process running the task (a Dask worker loads its models once)."""
    return extract(batch, ner, run_id, pool_id)


@task(name="validate-chunk", cache_policy=NO_CACHE)
def validate_chunk(
    frames: nf.Frames, sources: list[dict[str, object]], run_id: str
) -> tuple[nf.Frames, list[dict[str, object]], nf.ValidationOutcome]:
    """Great Expectations suites for every table of a chunk; rejected rows go to quarantine."""
    return nf.validate_frames(frames, sources, nf.shared_validator(), run_id)


@task(name="stage-chunk", cache_policy=NO_CACHE)
def stage_chunk(staged: StagingArea, frames: nf.Frames) -> None:
    """Stream a chunk's validated rows to the run's staging area (invisible until the publish)."""
    nf.stage_frames(staged, frames)


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs(outcome: nf.ValidationOutcome, warehouse: str, run_id: str) -> str | None:
    """Great Expectations Data Docs (HTML) of this run's validations, under <warehouse>/_data_docs/<run_id>/
    (uploaded there when the warehouse is in an object store)."""
    try:
        if not is_url(warehouse):
            folder = Path(warehouse.removeprefix("file://")).resolve() / "_data_docs"
            index = write_data_docs(outcome.tables, folder / run_id, run_id)
            prune_data_docs(folder)  # keep the newest runs' docs only
            return str(index)
        with tempfile.TemporaryDirectory() as tmp:
            write_data_docs(outcome.tables, Path(tmp) / run_id, run_id)
            url = f"{warehouse.rstrip('/')}/_data_docs/{run_id}"
            fs, path = filesystem_for(url)  # S3 settings: the standard AWS environment
            fs.put(f"{tmp}/{run_id}/", path, recursive=True)
        return f"{warehouse.rstrip('/')}/_data_docs/{run_id}/index.html"
    except Exception as exc:  # the docs are a report: never fail a run over them
        get_run_logger().warning("could not write Data Docs: %s", exc)
        return None


@task(name="publish", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def publish(
    warehouse: AnyWarehouse,
    staged: StagingArea,
    article_ids: set[str],
    sources: list[dict[str, object]],
    quarantine: list[dict[str, object]],
    run_id: str,
    drop_article_ids: set[str] | None = None,
) -> dict[str, int]:
    """Publish every table atomically: the staged rows, sources and quarantine, in one swap (and the rows of
    lost articles a repair could not rebuild removed)."""
    return nf.publish_staged(warehouse, staged, article_ids, sources, quarantine, run_id, drop_article_ids)


def runs_elsewhere() -> bool:
    """Whether the flow's task runner runs tasks in other processes (Dask): they extract there, no pool."""
    from prefect.task_runners import ThreadPoolTaskRunner

    ctx = get_run_context()
    runner = getattr(ctx, "task_runner", None)
    return runner is not None and not isinstance(runner, ThreadPoolTaskRunner)


class Extraction:
    """Where a run's batches extract: in the flow's process, in the run's pool of worker processes (started
    once the run has enough articles, closed with ``held``), or on the Dask workers."""

    def __init__(
        self, policy: WorkerPolicy, ner: bool, batch_size: int, run_id: str, held: contextlib.ExitStack
    ) -> None:
        self.policy, self.ner, self.batch_size, self.run_id, self.held = policy, ner, batch_size, run_id, held
        self.pool: ExtractPool | None = None

    def start_pool_for(self, n_articles: int | None) -> None:
        """Start the run's worker pool if the run has (or will likely have) enough articles for one."""
        if self.pool is None and self.policy.wants_pool(n_articles):
            get_run_logger().info("extracting in %d worker processes", self.policy.workers)
            self.pool = self.held.enter_context(ExtractPool(self.policy.workers, self.ner))

    def submit(self, articles: list[nf.Planned], n_before: int) -> list[Any]:
        """Start extracting a chunk's articles (the run has extracted ``n_before``); returns its batches' futures
        (or, in the flow's process, their frames: extracted now, in order)."""
        self.start_pool_for(n_before + len(articles))
        size = self.batch_size
        batches = [articles[i : i + size] for i in range(0, len(articles), size)]
        if self.pool is None and not self.policy.elsewhere:
            return [extract_batch(b, self.ner, self.run_id) for b in batches]  # in this process, in order
        pool_id = self.pool.id if self.pool is not None else None
        sent = batches if self.pool is not None else [without_raw(b) for b in batches]  # Dask pickles
        return [extract_batch.submit(b, self.ner, self.run_id, pool_id) for b in sent]

    @property
    def workers(self) -> int:
        """The run summary's ``workers``."""
        return self.policy.reported_workers(self.pool is not None)


def collect(futures: list[Any]) -> nf.Frames:
    """A chunk's frames from its batches' futures (or frames)."""
    return nf.concat_frames([f.result() if hasattr(f, "result") else f for f in futures])
