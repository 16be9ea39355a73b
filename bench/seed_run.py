"""Fixed-cost benchmark: `newsfacts run seeds` (fresh warehouse) vs a trivial one-task Prefect flow.

DESIGN.md's target: the two-seed run takes at most 1.5x a trivial flow. Both run as fresh processes with the same
PREFECT_HOME (warmed by a first, untimed run of each).

    .venv/bin/python bench/seed_run.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TRIVIAL = (
    "from prefect import flow, task\n"
    "@task\ndef one() -> int:\n    return 1\n"
    "@flow(name='trivial')\ndef trivial() -> int:\n    return one()\n"
    "trivial()\n"
)


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "seed_run.json"))
    args = ap.parse_args()
    env = {
        **os.environ,
        "PREFECT_HOME": os.environ.get("PREFECT_HOME", str(REPO / ".prefect-test")),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    trivial = [sys.executable, "-c", TRIVIAL]

    def seeds() -> list[str]:
        return [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            "seeds",
            "--warehouse",
            tempfile.mkdtemp(prefix="nf-bench-") + "/wh",
        ]

    timed(trivial, env)
    timed(seeds(), env)
    t_triv, t_seed = [], []
    for _ in range(args.repeat):
        t_triv.append(timed(trivial, env))
        t_seed.append(timed(seeds(), env))
    res = {
        "cores": os.cpu_count(),
        "repeat": args.repeat,
        "trivial_median_s": statistics.median(t_triv),
        "seeds_median_s": statistics.median(t_seed),
        "trivial_s": t_triv,
        "seeds_s": t_seed,
    }
    res["ratio"] = res["seeds_median_s"] / res["trivial_median_s"]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2))
    print(
        f"trivial flow median {res['trivial_median_s']:.1f} s, newsfacts run seeds median "
        f"{res['seeds_median_s']:.1f} s, ratio {res['ratio']:.2f} (target <= 1.5) over {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
