"""The ``newsfacts`` command.

``newsfacts run`` executes the Prefect flow ``articles-pipeline`` in Prefect's embedded (ephemeral) mode unless
``PREFECT_API_URL`` points at a server. Prefect is imported only inside that command: the library stays
Prefect-free.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

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
        logging.getLogger("great_expectations").setLevel(logging.ERROR)


def cmd_run(args: argparse.Namespace) -> int:
    source = Path(args.source)
    if not source.exists():
        print(f"newsfacts: source {args.source!r} does not exist", file=sys.stderr)
        return 2
    _prepare_env(args.verbose)
    t0 = time.perf_counter()
    from flows.pipeline import articles_pipeline, start_api_server  # Prefect loads here, not with newsfacts
    from newsfacts.pipeline import warm_up

    # Models and GX load in a thread while Prefect's embedded server starts in its subprocess. Started any
    # earlier, the thread would hold the GIL while Prefect imports and spawns the server, delaying both.
    start_api_server(while_starting=lambda: warm_up(ner=not args.no_ner))

    state = articles_pipeline(
        source=str(source),
        warehouse=args.warehouse,
        reprocess=args.reprocess,
        ner=not args.no_ner,
        batch_size=args.batch_size,
        max_input_mb=args.max_input_mb,
        lock_wait_seconds=args.wait,
        return_state=True,
    )
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


def format_summary(s: dict, elapsed: float) -> str:
    rows = ", ".join(f"{t} {n}" for t, n in sorted(s["rows_written"].items()))
    return "\n".join(
        [
            f"newsfacts run {s['run_id']} -> {s['warehouse']}",
            f"  inputs {s['n_inputs']}: new {s['n_new']}, skipped {s['n_skipped']}, duplicates {s['n_duplicates']}, "
            f"quarantined {s['n_quarantined']}",
            f"  rows written: {rows or 'none'}",
            f"  validation: {'passed' if s['validation_success'] else 'FAILED'}"
            f" ({s['validation_rejected_rows']} rows rejected to quarantine)",
            f"  elapsed: {elapsed:.1f} s (flow {s['elapsed_s']:.1f} s)",
        ]
    )


def cmd_suites(args: argparse.Namespace) -> int:
    from newsfacts.quality import write_suites

    for path in write_suites(Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsfacts", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the articles-pipeline flow over SOURCE into the warehouse")
    r.add_argument(
        "source", nargs="?", default="seeds", help="folder or file of raw articles (default: seeds)"
    )
    r.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    r.add_argument("--reprocess", action="store_true", help="re-extract articles the warehouse already holds")
    r.add_argument("--no-ner", action="store_true", help="skip named entities (rules-only, faster)")
    r.add_argument("--batch-size", type=int, default=200, help="articles per extraction task (default: 200)")
    r.add_argument("--max-input-mb", type=float, default=10.0, help="quarantine inputs larger than this")
    r.add_argument(
        "--wait",
        type=float,
        default=0.0,
        help="seconds to wait if another run is writing the warehouse (default: exit at once)",
    )
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("-v", "--verbose", action="store_true", help="show Prefect and pipeline logs")
    r.set_defaults(func=cmd_run)
    s = sub.add_parser(
        "suites", help="write the Great Expectations suites generated from the table contracts"
    )
    s.add_argument("--out", default="expectations", help="folder (default: expectations)")
    s.set_defaults(func=cmd_suites)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
