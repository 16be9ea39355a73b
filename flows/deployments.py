"""Deployments of the flow ``articles-pipeline``, served from this process (``newsfacts serve``).

Two deployments, registered against the Prefect server in ``PREFECT_API_URL``:

- ``newsfacts-scheduled``: runs on a cron schedule (hourly by default) over the default source;
- ``newsfacts-adhoc``: no schedule; start it from the UI ("Run" → "Custom run") or with
  ``prefect deployment run 'articles-pipeline/newsfacts-adhoc' --param source=…``.

Each deployment runs at most one flow run at a time (a deployment concurrency limit of 1; further runs wait in
the ``AwaitingConcurrencySlot`` state). Runs of both deployments (and ``newsfacts run``) on the same warehouse
are serialised by the warehouse lock: a run that cannot take it ends ``Cancelled`` with the state name
``WarehouseBusy`` (set ``lock_wait_seconds`` to wait instead).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCHEDULED = "newsfacts-scheduled"
ADHOC = "newsfacts-adhoc"
DEFAULT_CRON = "0 * * * *"


def build_deployments(
    cron: str = DEFAULT_CRON,
    timezone: str = "UTC",
    source: str = "seeds",
    warehouse: str = "warehouse",
    ner: bool = True,
) -> list[Any]:
    """The two runner deployments (not yet registered).

    Args:
        cron: Cron schedule of the scheduled deployment.
        timezone: Timezone the cron is read in.
        source: Default source folder or URL (folders are made absolute: runs start in other folders).
        warehouse: Default warehouse folder (made absolute).
        ner: Default for named-entity extraction.
    """
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.pipeline import articles_pipeline

    params: dict[str, Any] = {"source": _absolute(source), "warehouse": _absolute(warehouse), "ner": ner}
    one_at_a_time = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
    scheduled = articles_pipeline.to_deployment(
        name=SCHEDULED,
        schedule=Cron(cron, timezone=timezone),
        parameters={**params, "lock_wait_seconds": 600.0},
        concurrency_limit=one_at_a_time,
        description=f"Incremental run of newsfacts on a schedule ({cron}, {timezone}): picks up new articles.",
        tags=["newsfacts", "scheduled"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    adhoc = articles_pipeline.to_deployment(
        name=ADHOC,
        parameters=params,
        concurrency_limit=one_at_a_time,
        description="Ad-hoc run of newsfacts: choose the source, warehouse, date range and reprocessing.",
        tags=["newsfacts", "adhoc"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return [scheduled, adhoc]


def _absolute(location: str) -> str:
    if "://" in location:
        return location
    return str(Path(location).expanduser().resolve())


def serve(
    cron: str = DEFAULT_CRON,
    timezone: str = "UTC",
    source: str = "seeds",
    warehouse: str = "warehouse",
    ner: bool = True,
) -> None:
    """Register both deployments with the server in ``PREFECT_API_URL`` and run their flow runs until stopped.

    Args:
        cron: Cron schedule of the scheduled deployment.
        timezone: Timezone the cron is read in.
        source: Default source folder or URL.
        warehouse: Default warehouse folder.
        ner: Default for named-entity extraction.
    """
    from prefect import serve as prefect_serve

    prefect_serve(*build_deployments(cron, timezone, source, warehouse, ner))
