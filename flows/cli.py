"""The ``newsfacts`` command.

The application layer: the command lives with the flows it starts. ``newsfacts run`` executes the Prefect
flow ``articles-pipeline`` in Prefect's embedded (ephemeral) mode unless ``PREFECT_API_URL`` points at a
server. Prefect is imported only inside the commands that need it (``run``, ``serve``): the others start fast,
and the ``newsfacts`` library never imports Prefect.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from datetime import date
from pathlib import Path
from typing import TextIO

from flows.signals import (
    RECEIVED,
    SERVE_RESEND_S,
    STOP_SIGNALS,
    Stopped,
    _bound_runner_stop,
    _end_started_processes,
    _stopped_by_signals,
)

QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    # a fresh machine's first ephemeral server start takes ~35 s here; Prefect's default timeout is 20 s
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "OPENBLAS_NUM_THREADS": "1",
    "PREFECT_UI_ENABLED": "false",
}


def _prepare_env(verbose: bool) -> None:
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    level = "INFO" if verbose else "WARNING"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", level)
    if not verbose:
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # a temporary Dask cluster's workers
        logging.getLogger("great_expectations").setLevel(logging.ERROR)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def cmd_run(args: argparse.Namespace) -> int:
    if "://" not in args.source and not Path(args.source).exists():
        print(f"newsfacts: source {args.source!r} does not exist", file=sys.stderr)
        return 2
    for option, value in (("source", args.source), ("--warehouse", args.warehouse)):
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):  # os.fsdecode's escapes of non-UTF-8 bytes
            from newsfacts.ingest.sources import readable_name

            print(
                f"newsfacts: the {option} path {readable_name(value)} is not valid UTF-8 (\\xHH: a byte that is"
                " not): a flow parameter cannot carry it; give a path with a UTF-8 name (a symlink will do)."
                " File names inside a source may be anything.",
                file=sys.stderr,
            )
            return 2
    if "://" not in args.warehouse:
        from newsfacts.storage import folder_problem

        if (problem := folder_problem(args.warehouse)) is not None:
            print(f"newsfacts: {problem}", file=sys.stderr)
            return 2
    if args.dask_address and args.task_runner != "dask":
        print("newsfacts: --dask-address needs --task-runner dask", file=sys.stderr)
        return 2
    _prepare_env(args.verbose)
    before = _table_links(args.warehouse)
    with _stopped_by_signals():
        try:
            return _run(args)
        except Stopped as stop:
            for signum in STOP_SIGNALS:  # the clean-up is bounded: a second signal must not cut it short
                signal.signal(signum, signal.SIG_IGN)
            _end_started_processes()
            name = signal.Signals(stop.signum).name
            print(f"newsfacts: stopped by {name}: {_what_a_stop_left(args.warehouse, before)}", file=sys.stderr)
            return 128 + stop.signum


def _run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    from flows.pipeline import PROGRESS_LISTENERS, articles_pipeline, start_api_server  # Prefect loads here
    from newsfacts.pipeline import warm_up

    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.no_progress else None
    if bar is not None:
        PROGRESS_LISTENERS.append(bar.update)

    # Models and GX load in a thread while Prefect's embedded server starts in its subprocess. Started any
    # earlier, the thread would hold the GIL while Prefect imports and spawns the server, delaying both.
    # Worker processes (or Dask workers) will run NER when the run's policy says so: this process need not load it.
    from newsfacts.parallel import WorkerPolicy
    from newsfacts.pipeline import estimate_inputs

    ner = not args.no_ner
    policy = WorkerPolicy.for_run(args.workers, ner, args.batch_size, elsewhere=args.task_runner != "local")
    load_ner = policy.extracts_here(estimate_inputs(args.source))
    start_api_server(while_starting=lambda: warm_up(ner=ner, load_ner=load_ner))

    flow_ = articles_pipeline
    if args.task_runner != "local":
        from flows.runners import task_runner_for

        try:
            runner = task_runner_for(args.task_runner, args.dask_address, args.workers)
        except ValueError as exc:
            print(f"newsfacts: {exc}", file=sys.stderr)
            return 2
        flow_ = articles_pipeline.with_options(task_runner=runner)
    state = flow_(
        source=args.source,
        warehouse=args.warehouse,
        reprocess=args.reprocess,
        ner=not args.no_ner,
        batch_size=args.batch_size,
        chunk_size=args.chunk_size,
        workers=args.workers,
        max_input_mb=args.max_input_mb,
        lock_wait_seconds=args.wait,
        published_from=args.published_from,
        published_to=args.published_to,
        return_state=True,
    )
    if bar is not None:
        bar.close()
        PROGRESS_LISTENERS.remove(bar.update)
    elapsed = time.perf_counter() - t0
    if not state.is_completed():
        try:
            state.result()
        except Exception as exc:  # the flow's own error: say it plainly
            print(f"newsfacts: run failed: {exc}", file=sys.stderr)
        else:
            print(f"newsfacts: run ended {state.type.value}: {state.message}", file=sys.stderr)
        return 1
    summary = state.result()
    if args.json:
        print(json.dumps({**summary, "total_elapsed_s": round(elapsed, 2)}, ensure_ascii=False))
    else:
        print(format_summary(summary, elapsed))
    return 0


def _table_links(warehouse: str) -> dict[str, str]:
    """What each table of a local warehouse points to now (its current generation), to tell what a stop left."""
    from newsfacts.tables import TABLES

    root = Path(warehouse)
    if "://" in warehouse or not root.is_dir():
        return {}
    return {name: os.readlink(root / name) for name in TABLES if (root / name).is_symlink()}


def _what_a_stop_left(warehouse: str, before: dict[str, str]) -> str:
    """One sentence on the warehouse a stopped run leaves, from what is on disk (a local warehouse)."""
    from newsfacts.storage.local import JOURNAL, STAGING

    if "://" in warehouse:
        return "the run is abandoned; nothing of it is visible unless it had reached its publish"
    root = Path(warehouse)
    if (root / JOURNAL).is_dir() and any((root / JOURNAL).glob("*.json")):
        return f"its publish to {root} was under way and is journaled: the next run over it completes it"
    after = _table_links(warehouse)
    changed = sorted(name for name, gen in before.items() if after.get(name) != gen)
    staging = root / STAGING
    left = staging.is_dir() and any(staging.iterdir())
    where = f"; its staged rows are left in {staging} for the next run to remove" if left else ""
    if changed:
        return f"it had already published to {root} (tables {', '.join(changed)} changed){where}"
    return f"nothing published: {root} holds what it held before the run{where or ', and nothing staged is left'}"


class ProgressBar:
    """A one-line progress bar on a terminal (redrawn in place)."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width, self.shown = stream, width, False

    def update(self, percent: float, what: str) -> None:
        filled = int(self.width * max(0.0, min(percent, 100.0)) / 100)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r\x1b[K[{bar}] {percent:5.1f}%  {what[:70]}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def format_summary(s: dict, elapsed: float) -> str:
    from newsfacts.pipeline import without_facts_line

    rows = ", ".join(f"{t} {n}" for t, n in sorted(s["rows_written"].items()))
    return "\n".join(
        [
            f"newsfacts run {s['run_id']} -> {s['warehouse']}",
            f"  inputs {s['n_inputs']}: new {s['n_new']}, skipped {s['n_skipped']}, duplicates {s['n_duplicates']}, "
            f"quarantined {s['n_quarantined']}"
            + (f", left out by the date filter {s['n_filtered']}" if s.get("n_filtered") else ""),
            f"  rows written: {rows or 'none'}",
            f"  articles without any topic evidence (no topic row): {s.get('n_without_topics', 0)}",
            f"  {without_facts_line(s.get('not_russian_by_language') or {})}",
            f"  validation: {'passed' if s['validation_success'] else 'FAILED'}"
            f" ({s['validation_rejected_rows']} rows rejected to quarantine)"
            + (f"; Data Docs {s['data_docs']}" if s.get("data_docs") else ""),
            f"  elapsed: {elapsed:.1f} s (flow {s['elapsed_s']:.1f} s)",
            *_stage_line(s),
        ]
    )


def _stage_line(s: dict) -> list[str]:
    stages = s.get("stage_seconds") or {}
    if not stages:
        return []
    where = "Dask workers" if s.get("workers") == 0 else f"{s.get('workers', 1)} worker process(es)"
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    return [f"  extraction in {where}; CPU seconds by stage: {cpu}"]


def cmd_suites(args: argparse.Namespace) -> int:
    from newsfacts.quality import write_suites

    for path in write_suites(Path(args.out)):
        print(path)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from newsfacts.views import query

    try:
        columns, rows = query(args.warehouse, args.sql)
    except FileNotFoundError as exc:
        print(_damage_line(args.warehouse) or f"newsfacts: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # duckdb's errors (syntax, unknown column) are the user's to read
        print(_damage_line(args.warehouse) or f"newsfacts: query failed: {exc}", file=sys.stderr)
        return 1
    print(format_rows(columns, rows, args.format, args.max_rows))
    return 0


def _damage_line(warehouse: str) -> str | None:
    """One line naming the damaged table and file of ``warehouse`` and the command that repairs it, or None
    when the warehouse verifies (the error was something else)."""
    from newsfacts.storage import open_warehouse
    from newsfacts.storage.integrity import REPAIR_HINT

    try:
        found = open_warehouse(warehouse).verify()
    except Exception:  # not a warehouse at all: the original error says more
        return None
    if found.ok:
        return None
    more = f" (and {len(found.damages) - 1} more damaged parts)" if len(found.damages) > 1 else ""
    return (
        f"newsfacts: the warehouse is damaged: {found.damages[0].line()}{more}; repair it with "
        f"`{REPAIR_HINT.format(warehouse=warehouse)}`"
    )


def cmd_repair(args: argparse.Namespace) -> int:
    """Rebuild a damaged warehouse: every part is checked byte by byte, the lost articles whose inputs SOURCE
    holds are re-extracted, the rows of the others are dropped, and what could not be rebuilt is listed."""
    if "://" not in args.source and not Path(args.source).exists():
        print(f"newsfacts: source {args.source!r} does not exist", file=sys.stderr)
        return 2
    _prepare_env(args.verbose)
    from newsfacts.storage import is_url, open_warehouse

    if is_url(args.warehouse):
        found = open_warehouse(args.warehouse).verify()
        if found.ok:
            print(f"newsfacts repair: {args.warehouse} verifies: nothing to repair")
            return 0
        print(
            f"newsfacts repair: {found.report()}: an object-store (Delta) warehouse is not repaired by newsfacts "
            "yet; restore the table to an earlier Delta version (DeltaTable.restore) or rebuild the warehouse",
            file=sys.stderr,
        )
        return 1
    from flows.pipeline import articles_pipeline  # Prefect loads here

    state = articles_pipeline(
        source=args.source, warehouse=args.warehouse, ner=not args.no_ner, repair=True, return_state=True
    )
    if not state.is_completed():
        try:
            state.result()
        except Exception as exc:
            print(f"newsfacts: repair failed: {exc}", file=sys.stderr)
        else:
            print(f"newsfacts: repair ended {state.type.value}: {state.message}", file=sys.stderr)
        return 1
    summary = state.result()
    print(f"newsfacts repair: {summary.get('integrity') or f'{args.warehouse} verifies: nothing to repair'}")
    return 0


def format_rows(columns: list[str], rows: list[tuple], fmt: str, max_rows: int = 0) -> str:
    """Rows as an aligned text table, CSV or JSON lines."""
    if fmt == "json":
        return "\n".join(
            json.dumps(dict(zip(columns, r, strict=True)), ensure_ascii=False, default=str) for r in rows
        )
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    shown = rows[:max_rows] if max_rows else rows
    cells = [[("" if v is None else str(v)).replace("\n", " ") for v in r] for r in shown]
    widths = [min(60, max([len(c), *(len(r[i]) for r in cells)])) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v[:w].ljust(w) for v, w in zip(vals, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    more = f" (showing {len(shown)})" if len(shown) < len(rows) else ""
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})")
    return "\n".join(out)


def cmd_report(args: argparse.Namespace) -> int:
    from newsfacts.report import write_report
    from newsfacts.storage import is_url

    out = args.out or ("report.html" if is_url(args.warehouse) else str(Path(args.warehouse) / "report.html"))
    try:
        path = write_report(args.warehouse, out)
    except FileNotFoundError as exc:
        print(f"newsfacts: {exc}", file=sys.stderr)
        return 2
    print(path.resolve())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    for key, value in QUIET_ENV.items():
        if key != "PREFECT_UI_ENABLED":
            os.environ.setdefault(key, value)
    if not os.environ.get("PREFECT_API_URL"):
        print(
            "newsfacts: serve needs a Prefect server: start one with `prefect server start`, then\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api",
            file=sys.stderr,
        )
        return 2
    from flows.deployments import serve  # Prefect loads here, not with newsfacts

    # Prefect's runner takes SIGTERM over once it starts (it stops, then exits 0); SIGINT raises Stopped, a
    # KeyboardInterrupt, which Prefect's serve ends on too
    _bound_runner_stop()
    with _stopped_by_signals(resend_after=SERVE_RESEND_S):
        try:
            serve(
                cron=args.cron,
                timezone=args.timezone,
                source=args.source,
                warehouse=args.warehouse,
                ner=not args.no_ner,
            )
        except Stopped:
            pass  # a signal before Prefect's serve caught one
        except SystemExit as exc:  # Prefect's runner on SIGTERM, after it has stopped
            if exc.code not in (0, None):
                raise
            RECEIVED.append(signal.SIGTERM)
    if RECEIVED:
        print(f"newsfacts: serve stopped by {signal.Signals(RECEIVED[-1]).name}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsfacts", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the articles-pipeline flow over SOURCE into the warehouse")
    r.add_argument(
        "source", nargs="?", default="seeds", help="folder or file of raw articles (default: seeds)"
    )
    r.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    r.add_argument(
        "--reprocess",
        action="store_true",
        help="re-extract articles the warehouse already holds; retry inputs it quarantined",
    )
    r.add_argument("--no-ner", action="store_true", help="skip named entities (rules-only, faster)")
    r.add_argument(
        "--batch-size", type=_positive, default=100, help="articles per extraction task (default: 100)"
    )
    r.add_argument(
        "--chunk-size",
        type=_positive,
        default=500,
        help="inputs read, validated and staged together; bounds memory (default: 500)",
    )
    r.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="extraction worker processes with the local task runner (default: the number of cores)",
    )
    r.add_argument(
        "--task-runner",
        choices=["local", "dask"],
        default="local",
        help="where batch tasks run: local (threads + worker processes) or dask (default: local)",
    )
    r.add_argument(
        "--dask-address",
        default=None,
        metavar="tcp://HOST:PORT",
        help="Dask scheduler for --task-runner dask (default: a temporary local cluster of --workers processes)",
    )
    r.add_argument("--max-input-mb", type=float, default=10.0, help="quarantine inputs larger than this")
    r.add_argument(
        "--wait",
        type=float,
        default=0.0,
        help="seconds to wait if another run is writing the warehouse (default: exit at once)",
    )
    r.add_argument(
        "--published-from",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="only articles published on or after this date (undated articles are left out)",
    )
    r.add_argument(
        "--published-to",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="only articles published on or before this date",
    )
    r.add_argument("--no-progress", action="store_true", help="no progress bar (shown on a terminal)")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("-v", "--verbose", action="store_true", help="show Prefect and pipeline logs")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser(
        "suites", help="write the Great Expectations suites generated from the table contracts"
    )
    s.add_argument("--out", default="expectations", help="folder (default: expectations)")
    s.set_defaults(func=cmd_suites)
    qp = sub.add_parser(
        "query", help="run SQL against the warehouse's DuckDB views (one per table, plus joins)"
    )
    qp.add_argument("sql", help='DuckDB SQL, e.g. "select * from trade_facts_enriched"')
    qp.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    qp.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    qp.add_argument("--max-rows", type=int, default=100, help="rows shown in table format (0: all)")
    qp.set_defaults(func=cmd_query)
    rp = sub.add_parser("report", help="write a self-contained HTML report of the warehouse")
    rp.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    rp.add_argument(
        "--out",
        default=None,
        help="HTML file (default: WAREHOUSE/report.html; ./report.html for an s3:// one)",
    )
    rp.set_defaults(func=cmd_report)
    rr = sub.add_parser(
        "repair",
        help="rebuild a damaged warehouse: re-extract lost articles from SOURCE, drop and list what it cannot",
    )
    rr.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    rr.add_argument(
        "--source", required=True, help="folder or file of the raw articles the warehouse was built from"
    )
    rr.add_argument("--no-ner", action="store_true", help="re-extract without named entities")
    rr.add_argument("-v", "--verbose", action="store_true", help="show Prefect and pipeline logs")
    rr.set_defaults(func=cmd_repair)
    sv = sub.add_parser(
        "serve",
        help="register and serve the scheduled and ad-hoc deployments against PREFECT_API_URL",
    )
    sv.add_argument(
        "--cron",
        default=os.environ.get("NEWSFACTS_CRON", "0 * * * *"),
        help="schedule of the scheduled deployment (default: $NEWSFACTS_CRON or hourly, '0 * * * *')",
    )
    sv.add_argument(
        "--timezone", default=os.environ.get("NEWSFACTS_TIMEZONE", "UTC"), help="timezone of the cron"
    )
    sv.add_argument("--source", default="seeds", help="default source of both deployments (default: seeds)")
    sv.add_argument("--warehouse", default="warehouse", help="default warehouse (default: warehouse)")
    sv.add_argument("--no-ner", action="store_true", help="default to rules-only runs (no NER)")
    sv.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
