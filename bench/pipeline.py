"""End-to-end throughput of ``newsfacts run`` on the raw news corpus, against natasha alone on the same articles.

For each sample size (first N distinct articles of ../shared/corpus/news, see bench/corpus_sample.py; the corpus
is repeated, each copy made distinct, when N exceeds its 2,376 distinct articles) and each mode (with NER,
``--no-ner``), ``--repeat`` times:

- a cold run: the real CLI ``newsfacts run SAMPLE --warehouse FRESH --json [--no-ner] [--workers W]`` as a
  subprocess, with a warm PREFECT_HOME (one fixed folder, warmed by a throwaway run first). Wall time includes
  process start-up, imports, model loading and Prefect's embedded server start; the flow's own time
  (``elapsed_s``) and ``stage_seconds`` (CPU seconds per stage, summed over workers) come from the ``--json``
  summary when the CLI gives them. CPU time is the process tree's (getrusage(RUSAGE_CHILDREN) delta: the CLI
  and every descendant it waited for; the sum of the per-process CPU times polled with psutil is kept as a
  cross-check). Peak RSS is the largest sum of RSS over the CLI process and all its descendants (workers,
  Prefect's server), polled every ~50 ms.
- a no-change re-run: the same command again on the same warehouse (everything is skipped).

Then natasha alone (bench/natasha_alone.py, a subprocess: Segmenter + NewsNERTagger + DatesExtractor +
MoneyExtractor, one process, model loading not counted) over the same articles, one pass with checkpoints at
every size. Medians over the repeats are reported, with the goal checks, the machine and the git commit; all of
it also goes to bench/results/pipeline-<timestamp>.json. A fixed CPU loop timed before each block
(``machine_speed``) shows whether the machine's speed drifted during the benchmark (a shared VM can).

    .venv/bin/python bench/pipeline.py                                    # 100, 1000, 3000 x ner, no-ner x 3
    .venv/bin/python bench/pipeline.py --sizes 100,1000 --repeat 1 [--workers 2] [--no-natasha]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus_sample import NEWS, Sample, load_distinct, write_sample  # noqa: E402

RESULTS = ROOT / "bench" / "results"
NEWSFACTS = ROOT / ".venv" / "bin" / "newsfacts"
MODES = ("ner", "no-ner")
GOAL_RATIO_NATASHA = 4.0
GOAL_RATE = {"ner": 10.0, "no-ner": 200.0}  # articles/s end to end
GOAL_RERUN = 0.05  # re-run wall / cold wall
GOAL_RSS_GROWTH = 0.30  # peak RSS growth for a 10x bigger input
POLL_S = 0.05
# stage_seconds keys in pipeline order (others follow in the order the CLI gives them)
STAGE_ORDER: tuple[str, ...] = (
    *("read", "parse", "clean", "identify", "ner", "dates", "amounts_trade", "topics"),
    *("rows", "validate", "write"),
)
# the same environment the CLI sets for itself (it only fills in what is unset), plus a fixed PREFECT_HOME
BASE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "OPENBLAS_NUM_THREADS": "1",
}


# ------------------------------------------------------------------------------------------ measuring


@dataclass
class Measured:
    """One subprocess: wall and CPU time of its process tree, peak RSS of the tree, its output."""

    cmd: list[str]
    returncode: int
    wall_s: float
    cpu_s: float  # getrusage(RUSAGE_CHILDREN) delta: the process and all descendants it waited for
    cpu_polled_s: float  # sum over the tree's processes of their last polled user+system time
    peak_rss_mb: float  # largest sum of RSS over the tree
    peak_rss_main_mb: float  # largest RSS of the process itself
    peak_processes: int
    cpu_main_s: float  # polled user+system of the process itself (the rest: its descendants)
    cpu_by_process: dict[str, float]  # polled user+system per process of the tree ("pid name args")
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)

    def summary_json(self) -> dict[str, Any] | None:
        """The last stdout line that is a JSON object (``--json``)."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(obj, dict):
                    return obj
        return None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("stdout")
        d["stderr_tail"] = self.stderr[-2000:] if self.returncode else ""
        d.pop("stderr")
        return d


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path = ROOT, poll_s: float = POLL_S) -> Measured:
    """Run ``cmd``, polling its process tree's RSS and CPU time every ``poll_s`` seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seen: dict[tuple[int, float], float] = {}
    labels: dict[tuple[int, float], str] = {}
    peak = peak_main = 0
    peak_procs = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        try:
            root = psutil.Process(proc.pid)
            while proc.poll() is None:
                try:
                    tree = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    tree = []
                total = 0
                for p in tree:
                    try:
                        with p.oneshot():
                            rss = p.memory_info().rss
                            ct = p.cpu_times()
                            key = (p.pid, p.create_time())
                    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                        continue
                    total += rss
                    cpu_seen[key] = ct.user + ct.system
                    if key not in labels:
                        labels[key] = _label(p)
                    if p.pid == proc.pid:
                        peak_main = max(peak_main, rss)
                peak, peak_procs = max(peak, total), max(peak_procs, len(tree))
                time.sleep(poll_s)
        except BaseException:  # Ctrl-C: stop the run and every process it started, then re-raise
            _kill_tree(proc)
            raise
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(
        cmd=cmd,
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=cpu,
        cpu_polled_s=sum(cpu_seen.values()),
        peak_rss_mb=peak / 1e6,
        peak_rss_main_mb=peak_main / 1e6,
        peak_processes=peak_procs,
        cpu_main_s=sum(v for k, v in cpu_seen.items() if k[0] == proc.pid),
        cpu_by_process={f"{labels[k]}": round(v, 2) for k, v in sorted(cpu_seen.items())},
        stdout=stdout,
        stderr=stderr,
    )


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    try:
        family = [*psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    proc.kill()
    for child in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    proc.wait()
    psutil.wait_procs(family, timeout=5)


def _label(p: psutil.Process) -> str:
    """``pid name args`` of a process, short (e.g. Prefect's server: ``python -m uvicorn ...``)."""
    try:
        args = p.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        args = []
    shown = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(args[:6]))
    return f"{p.pid} {shown[:100]}"


def calibrate(label: str, marks: list[dict[str, Any]]) -> float:
    """CPU seconds of a fixed pure-Python loop, in this process: shows drift of the machine's speed (a shared VM
    here ran the same work up to 2x slower from one hour to the next, with nothing else running)."""
    times = []
    for _ in range(3):  # the fastest of three: a busy neighbour slows single runs
        c0, total = time.process_time(), 0
        for i in range(3_000_000):
            total += i * i
        times.append(time.process_time() - c0)
    cpu = min(times)
    marks.append(
        {"at": label, "loop_cpu_s": round(cpu, 3), "load_average": [round(x, 2) for x in os.getloadavg()]}
    )
    return cpu


# ------------------------------------------------------------------------------------------ the CLI runs


def newsfacts_cmd() -> list[str]:
    if NEWSFACTS.exists():
        return [str(NEWSFACTS)]
    return [sys.executable, "-m", "flows.cli"]


def cli_env(prefect_home: Path) -> dict[str, str]:
    env = {**os.environ, **BASE_ENV, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)  # always Prefect's embedded server, as a plain `newsfacts run`
    return env


def run_cmd(sample: Path, warehouse: Path, mode: str, workers: int | None) -> list[str]:
    cmd = [*newsfacts_cmd(), "run", str(sample), "--warehouse", str(warehouse), "--json"]
    if mode == "no-ner":
        cmd.append("--no-ner")
    if workers is not None:
        cmd += ["--workers", str(workers)]
    return cmd


def cli_supports(option: str) -> bool:
    help_text = subprocess.run(
        [*newsfacts_cmd(), "run", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    return option in help_text


def checked(m: Measured, what: str) -> dict[str, Any]:
    """The run's JSON summary; exits with the run's stderr when it failed."""
    summary = m.summary_json()
    if m.returncode != 0 or summary is None:
        tail = "\n".join(m.stderr.strip().splitlines()[-25:])
        raise SystemExit(f"{what} failed (exit {m.returncode}): {shlex.join(m.cmd)}\n{tail}")
    return summary


def _round(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def one_repeat(
    sample: Sample, mode: str, workers: int | None, env: dict[str, str], wh: Path
) -> dict[str, Any]:
    """A cold run on a fresh warehouse, then the no-change re-run on it."""
    cmd = run_cmd(sample.path, wh, mode, workers)
    cold = run_measured(cmd, env)
    cold_summary = checked(cold, f"cold run ({mode}, {sample.articles} articles)")
    rerun = run_measured(cmd, env)
    rerun_summary = checked(rerun, f"re-run ({mode}, {sample.articles} articles)")
    n = int(cold_summary.get("n_new") or 0)
    flow_s = cold_summary.get("elapsed_s")
    stages = cold_summary.get("stage_seconds")
    return {
        "command": shlex.join(cmd),
        "articles_extracted": n,
        "cold": {**cold.as_dict(), "summary": cold_summary},
        "rerun": {**rerun.as_dict(), "summary": rerun_summary},
        "articles_per_s": n / cold.wall_s,
        "articles_per_s_flow": n / flow_s if flow_s else None,
        "articles_per_cpu_s": n / cold.cpu_s if cold.cpu_s else None,
        "mb_per_s": sample.raw_bytes / 1e6 / cold.wall_s,
        "rerun_ratio": rerun.wall_s / cold.wall_s,
        "rerun_n_new": rerun_summary.get("n_new"),
        "stage_seconds": stages if isinstance(stages, dict) else None,
    }


def _median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def summarise(mode: str, sample: Sample, reps: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the repeats of one (mode, size)."""
    stage_keys: list[str] = []
    for r in reps:
        for k in r["stage_seconds"] or {}:
            if k not in stage_keys:
                stage_keys.append(k)
    stage_keys.sort(key=lambda k: STAGE_ORDER.index(k) if k in STAGE_ORDER else len(STAGE_ORDER))
    stages = {
        k: _median([(r["stage_seconds"] or {}).get(k) for r in reps if r["stage_seconds"]])
        for k in stage_keys
    }
    cold, rerun = _median([r["cold"]["wall_s"] for r in reps]), _median([r["rerun"]["wall_s"] for r in reps])
    n_ok = _median([r["articles_extracted"] for r in reps])
    marginal = n_ok / (cold - rerun) if cold and rerun and n_ok and cold > rerun else None
    return {
        "mode": mode,
        "articles": sample.articles,
        "repeats_in_sample": sample.repeats,
        "articles_extracted": n_ok,
        "workers": sorted({r["cold"]["summary"].get("workers") for r in reps}, key=str),
        "mean_text_kb": round(sample.mean_text_kb, 2),
        "mean_raw_kb": round(sample.mean_raw_kb, 2),
        "input_mb": round(sample.raw_bytes / 1e6, 3),
        "n_runs": len(reps),
        "cold_wall_s": cold,
        "cold_total_elapsed_s": _median([r["cold"]["summary"].get("total_elapsed_s") for r in reps]),
        "cold_flow_s": _median([r["cold"]["summary"].get("elapsed_s") for r in reps]),
        "articles_per_s": _median([r["articles_per_s"] for r in reps]),
        "articles_per_s_flow": _median([r["articles_per_s_flow"] for r in reps]),
        "articles_per_cpu_s": _median([r["articles_per_cpu_s"] for r in reps]),
        "mb_per_s": _median([r["mb_per_s"] for r in reps]),
        "cold_cpu_s": _median([r["cold"]["cpu_s"] for r in reps]),
        "cold_cpu_polled_s": _median([r["cold"]["cpu_polled_s"] for r in reps]),
        "cold_cpu_main_s": _median([r["cold"]["cpu_main_s"] for r in reps]),
        "peak_rss_mb": _median([r["cold"]["peak_rss_mb"] for r in reps]),
        "peak_rss_main_mb": _median([r["cold"]["peak_rss_main_mb"] for r in reps]),
        "peak_processes": max(r["cold"]["peak_processes"] for r in reps),
        "rerun_wall_s": rerun,
        "articles_per_s_marginal": marginal,
        "rerun_cpu_s": _median([r["rerun"]["cpu_s"] for r in reps]),
        "rerun_peak_rss_mb": _median([r["rerun"]["peak_rss_mb"] for r in reps]),
        "rerun_ratio": _median([r["rerun_ratio"] for r in reps]),
        "stage_seconds": stages or None,
        "runs_cold_wall_s": [round(r["cold"]["wall_s"], 2) for r in reps],
    }


# ------------------------------------------------------------------------------------------ natasha


def run_natasha(sample: Sample, sizes: list[int], limit: int | None) -> dict[str, Any]:
    """bench/natasha_alone.py over the sample's first ``limit`` (default: all) articles, one subprocess."""
    cmd = [sys.executable, str(ROOT / "bench" / "natasha_alone.py"), str(sample.path), "--json"]
    cmd += ["--checkpoints", ",".join(str(s) for s in sizes)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}  # as the pipeline sets for itself
    m = run_measured(cmd, env)
    result = checked(m, "natasha alone")
    return {
        "command": shlex.join(cmd),
        "wall_s": m.wall_s,
        "cpu_s": m.cpu_s,
        "peak_rss_mb": m.peak_rss_mb,
        **result,
    }


def natasha_at(natasha: dict[str, Any] | None, n: int) -> dict[str, Any] | None:
    if not natasha:
        return None
    return next((p for p in natasha["checkpoints"] if p["articles"] == n), None)


# ------------------------------------------------------------------------------------------ report


def machine() -> dict[str, Any]:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        affinity: int | None = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def git_info() -> dict[str, Any]:
    def git(*args: str) -> str:
        # --no-optional-locks: read only, never refreshes the index (others commit in this tree)
        out = subprocess.run(
            ["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return out.stdout.strip()

    modified = [ln[3:] for ln in git("status", "--porcelain", "--untracked-files=no").splitlines() if ln]
    return {"commit": git("rev-parse", "HEAD") or None, "modified_tracked_files": modified}


def _fmt(x: float | None, nd: int = 1) -> str:
    return "n/a" if x is None else f"{x:,.{nd}f}"


def print_table(
    rows: list[dict[str, Any]], natasha: dict[str, Any] | None, natasha_sample: Sample | None
) -> None:
    head = (
        f"{'mode':<7}{'wrk':>4}{'articles':>9}{'KB/art':>7}{'cold s':>8}{'art/s':>8}{'MB/s':>7}{'flow s':>8}"
        f"{'art/s flow':>11}{'art/s marg':>11}{'CPU s':>8}{'peak RSS MB':>12}{'re-run s':>9}{'re-run %':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        workers = ",".join("?" if w is None else str(w) for w in r["workers"])
        print(
            f"{r['mode']:<7}{workers:>4}{r['articles']:>9}{r['mean_text_kb']:>7.1f}{_fmt(r['cold_wall_s']):>8}"
            f"{_fmt(r['articles_per_s']):>8}{_fmt(r['mb_per_s'], 2):>7}{_fmt(r['cold_flow_s']):>8}"
            f"{_fmt(r['articles_per_s_flow']):>11}{_fmt(r['articles_per_s_marginal']):>11}{_fmt(r['cold_cpu_s']):>8}"
            f"{_fmt(r['peak_rss_mb'], 0):>12}{_fmt(r['rerun_wall_s']):>9}{_fmt(100 * r['rerun_ratio']):>9}"
        )
        stages = r["stage_seconds"]
        shown = ", ".join(f"{k} {v:.2f}" for k, v in stages.items()) if stages else "n/a (no stage_seconds)"
        print(f"{'':<11}stages (CPU s, summed over workers): {shown}")
        main_cpu, polled = r["cold_cpu_main_s"], r["cold_cpu_polled_s"]
        if main_cpu is not None and polled is not None:
            print(
                f"{'':<11}CPU s: CLI process {main_cpu:.1f}, its subprocesses (Prefect server, workers) "
                f"{polled - main_cpu:.1f}; re-run CPU {_fmt(r['rerun_cpu_s'])} s"
            )
    if natasha and natasha_sample:
        print()
        print(
            f"natasha alone (NER + DatesExtractor + MoneyExtractor, 1 process, loading {natasha['load_wall_s']} s "
            f"not counted; peak RSS {natasha['peak_rss_mb']:.0f} MB):"
        )
        for p in natasha["checkpoints"]:
            mb = _sample_mb_prefix(natasha_sample, p["articles"])
            print(
                f"{'natasha':<7}{1:>4}{p['articles']:>9}{'':>7}{p['wall_s']:>8.1f}{p['articles_per_s_wall']:>8.1f}"
                f"{mb / p['wall_s']:>7.2f}   CPU {p['cpu_s']:.1f} s = {p['articles_per_s_cpu']:.1f} articles/CPU-s"
            )


def _sample_mb_prefix(sample: Sample, n: int) -> float:
    with sample.path.open("rb") as fh:
        return sum(len(line) for _, line in zip(range(n), fh, strict=False)) / 1e6


def goal_checks(rows: list[dict[str, Any]], natasha: dict[str, Any] | None) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def add(goal: str, value: float | None, target: str, ok: bool | None, detail: str) -> None:
        checks.append({"goal": goal, "value": value, "target": target, "met": ok, "detail": detail})

    for r in rows:
        n, mode = r["articles"], r["mode"]
        rate = r["articles_per_s"]
        add(
            f"{mode} end-to-end articles/s, {n} articles",
            _round(rate, 2),
            f">= {GOAL_RATE[mode]:.0f}",
            None if rate is None else rate >= GOAL_RATE[mode],
            f"wall incl. start-up; flow only {_fmt(r['articles_per_s_flow'])}, marginal (cold - re-run) "
            f"{_fmt(r['articles_per_s_marginal'])} articles/s",
        )
        ratio = r["rerun_ratio"]
        add(
            f"{mode} no-change re-run / cold, {n} articles",
            _round(ratio, 4),
            f"<= {GOAL_RERUN:.0%}",
            None if ratio is None else ratio <= GOAL_RERUN,
            f"re-run {_fmt(r['rerun_wall_s'])} s vs cold {_fmt(r['cold_wall_s'])} s",
        )
        nat = natasha_at(natasha, n) if mode == "ner" else None
        if nat is not None and rate:
            x = rate / nat["articles_per_s_wall"]
            per_cpu = (r["articles_per_cpu_s"] or 0) / nat["articles_per_s_cpu"]
            add(
                f"ner end-to-end / natasha alone, {n} articles",
                round(x, 2),
                f">= {GOAL_RATIO_NATASHA:.0f}x",
                x >= GOAL_RATIO_NATASHA,
                f"ours {rate:.1f} vs natasha {nat['articles_per_s_wall']:.1f} articles/s (wall); per CPU-second "
                f"{r['articles_per_cpu_s'] or 0:.1f} vs {nat['articles_per_s_cpu']:.1f} = {per_cpu:.2f}x",
            )
    by = {(r["mode"], r["articles"]): r for r in rows}
    for (mode, n), r in sorted(by.items()):
        big = by.get((mode, 10 * n))
        if big and r["peak_rss_mb"] and big["peak_rss_mb"]:
            growth = big["peak_rss_mb"] / r["peak_rss_mb"] - 1
            add(
                f"{mode} peak RSS growth {n} -> {10 * n} articles",
                round(growth, 3),
                f"<= {GOAL_RSS_GROWTH:.0%}",
                growth <= GOAL_RSS_GROWTH,
                f"{r['peak_rss_mb']:.0f} -> {big['peak_rss_mb']:.0f} MB (sum over the process tree; processes "
                f"{r['peak_processes']} -> {big['peak_processes']}, workers {r['workers']} -> {big['workers']})",
            )
    return checks


def print_goals(checks: list[dict[str, Any]]) -> None:
    print("\ngoals:")
    for c in checks:
        mark = {True: "MET ", False: "MISS", None: "n/a "}[c["met"]]
        value = c["value"]
        shown = "n/a" if value is None else f"{value:.1%}" if "%" in c["target"] else f"{value:g}"
        print(f"  [{mark}] {c['goal']}: {shown} (target {c['target']}); {c['detail']}")


# ------------------------------------------------------------------------------------------ main


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes", type=_ints, default=[100, 1000, 3000], help="articles per sample (default 100,1000,3000)"
    )
    ap.add_argument("--modes", default="ner,no-ner", help="ner, no-ner or both (default: ner,no-ner)")
    ap.add_argument("--repeat", type=int, default=3, help="cold + re-run pairs per size and mode (default 3)")
    ap.add_argument(
        "--workers", type=int, default=None, help="pass --workers N to newsfacts run (default: not)"
    )
    ap.add_argument(
        "--natasha", action=argparse.BooleanOptionalAction, default=True, help="natasha reference"
    )
    ap.add_argument(
        "--natasha-limit", type=int, default=None, help="natasha on the first N articles only (default: all)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary samples and warehouses")
    ap.add_argument(
        "--out", type=Path, default=None, help="JSON file (default bench/results/pipeline-<time>.json)"
    )
    ap.add_argument(
        "--prefect-home",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsfacts-bench-prefect",
        help="PREFECT_HOME of the runs, reused across runs and invocations (default: %(default)s)",
    )
    ap.add_argument("--corpus", type=Path, default=NEWS, help=argparse.SUPPRESS)
    ap.add_argument(
        "--max-distinct", type=int, default=None, help=argparse.SUPPRESS
    )  # test aid: force repeats
    args = ap.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if bad := [m for m in modes if m not in MODES]:
        ap.error(f"unknown mode(s) {', '.join(bad)}: use ner, no-ner")
    sizes = sorted(set(args.sizes))
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        ap.error("--sizes and --repeat must be positive")
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}: benchmark skipped", file=sys.stderr)
        raise SystemExit(0)
    if args.workers is not None and not cli_supports("--workers"):
        raise SystemExit("newsfacts run has no --workers option in this checkout: run without --workers")

    started = datetime.now()
    out_path = args.out or RESULTS / f"pipeline-{started:%Y%m%d-%H%M%S}.json"
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    mach, git = machine(), git_info()
    print(
        f"machine: {mach['cpu_count']} cores ({mach['cpus_usable']} usable), {mach['cpu_model']}, "
        f"{mach['memory_gb']} GB; load average {mach['load_average_at_start']}"
    )
    print(
        f"git {git['commit']}"
        + (f" + {len(git['modified_tracked_files'])} modified files" if git["modified_tracked_files"] else "")
    )

    tmp = Path(tempfile.mkdtemp(prefix="nf-bench-pipeline-"))
    notes: list[str] = []
    speed: list[dict[str, Any]] = []
    calibrate("start", speed)
    try:
        t0 = time.perf_counter()
        distinct, stats = load_distinct(args.corpus, args.max_distinct)
        print(
            f"corpus {args.corpus}: {stats.inputs} inputs, {stats.duplicates} duplicates by text, {stats.rejected} "
            f"rejected -> {stats.distinct} distinct articles ({time.perf_counter() - t0:.1f} s to read)"
        )
        samples = {n: write_sample(distinct, n, tmp / "samples" / str(n)) for n in sizes}
        for n, s in samples.items():
            print(f"  sample {n}: {s.describe()}")
            if s.repeats:
                notes.append(
                    f"sample {n}: the corpus has {s.distinct_in_corpus} distinct articles; {s.repeats} articles "
                    "are repeated copies with a paragraph 'Повтор k.' appended (distinct for the pipeline)"
                )

        env = cli_env(args.prefect_home)
        args.prefect_home.mkdir(parents=True, exist_ok=True)
        warm_sample = write_sample(distinct, min(10, len(distinct)), tmp / "samples" / "warm-up")
        warm_mode = "ner" if "ner" in modes else "no-ner"
        print(f"warm-up run ({warm_mode}, 10 articles, PREFECT_HOME={args.prefect_home}) ...", flush=True)
        warm = run_measured(run_cmd(warm_sample.path, tmp / "wh-warm-up", warm_mode, args.workers), env)
        warm_summary = checked(warm, "warm-up run")
        has_stages = isinstance(warm_summary.get("stage_seconds"), dict)
        print(f"  {warm.wall_s:.1f} s; stage_seconds in the --json summary: {'yes' if has_stages else 'no'}")
        if not has_stages:
            notes.append("the CLI's --json summary has no stage_seconds: per-stage times are n/a")

        runs: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        for mode in modes:
            for n in sizes:
                calibrate(f"{mode} {n}", speed)
                reps = []
                for i in range(args.repeat):
                    wh = tmp / "wh" / f"{mode}-{n}-{i}"
                    print(f"{mode}, {n} articles, run {i + 1}/{args.repeat} ...", end=" ", flush=True)
                    rep = one_repeat(samples[n], mode, args.workers, env, wh)
                    print(
                        f"cold {rep['cold']['wall_s']:.1f} s ({rep['articles_per_s']:.1f} articles/s, CPU "
                        f"{rep['cold']['cpu_s']:.1f} s, peak RSS {rep['cold']['peak_rss_mb']:.0f} MB), "
                        f"re-run {rep['rerun']['wall_s']:.1f} s",
                        flush=True,
                    )
                    if rep["articles_extracted"] != n:
                        notes.append(
                            f"{mode}, {n} articles, run {i + 1}: {rep['articles_extracted']} articles extracted "
                            f"(summary: {json.dumps({k: rep['cold']['summary'].get(k) for k in _COUNTS})})"
                        )
                    if rep["rerun_n_new"]:
                        notes.append(
                            f"{mode}, {n} articles, run {i + 1}: the re-run extracted {rep['rerun_n_new']}"
                        )
                    runs.append({"mode": mode, "articles": n, "run": i + 1, **rep})
                    reps.append(rep)
                    if not args.keep:
                        shutil.rmtree(wh, ignore_errors=True)
                rows.append(summarise(mode, samples[n], reps))

        natasha = None
        biggest = samples[max(sizes)]
        if args.natasha:
            limit = args.natasha_limit
            print(
                f"natasha alone on {'the first ' + str(limit) if limit else 'all'} {biggest.articles} articles "
                "(one process) ...",
                flush=True,
            )
            calibrate("natasha", speed)
            natasha = run_natasha(biggest, sizes, limit)
            if limit:
                notes.append(f"natasha alone measured on the first {limit} articles only")

        calibrate("end", speed)
        loops = [m["loop_cpu_s"] for m in speed]
        drift = max(loops) / min(loops) - 1 if min(loops) > 0 else 0.0
        if drift > 0.15:
            notes.append(
                f"the machine's speed drifted by {drift:.0%} during the benchmark (fixed CPU loop "
                f"{min(loops):.2f}..{max(loops):.2f} s, see machine_speed): compare times across rows with care"
            )
        print()
        print(
            "medians of "
            f"{args.repeat} run(s); cold s = wall of the whole CLI process (start-up, imports, models, Prefect's "
            "server, flow); flow s = the flow alone (elapsed_s); art/s = articles extracted / cold s; art/s marg = "
            "articles / (cold s - re-run s); wrk = workers (from the summary); MB/s = raw JSON-lines input / "
            "cold s; CPU s = the process tree's CPU time; KB/art = cleaned text, UTF-8"
        )
        print()
        print_table(rows, natasha, biggest)
        checks = goal_checks(rows, natasha)
        print_goals(checks)
        load_end = [round(x, 2) for x in os.getloadavg()]
        print(f"\nload average at the end {load_end}; command: {command}")
        print(
            "machine speed (CPU s of a fixed loop): "
            + ", ".join(f"{m['at']} {m['loop_cpu_s']}" for m in speed)
        )
        for note in notes:
            print(f"note: {note}")
        result = {
            "benchmark": "pipeline",
            "started_at": started.isoformat(timespec="seconds"),
            "command": command,
            "cwd": os.getcwd(),
            "git": git,
            "machine": {**mach, "load_average_at_end": load_end},
            "settings": {
                "sizes": sizes,
                "modes": modes,
                "repeat": args.repeat,
                "workers": args.workers,
                "prefect_home": str(args.prefect_home),
                "natasha": args.natasha,
                "natasha_limit": args.natasha_limit,
                "poll_s": POLL_S,
            },
            "definitions": {
                "cold_wall_s": "wall time of the CLI subprocess: start-up, imports, model loading, Prefect's "
                "embedded server, the flow",
                "cold_flow_s": "the flow's own elapsed_s from the --json summary",
                "stage_seconds": "from the --json summary: CPU seconds (thread time) per stage, summed over the "
                "worker processes, so their sum can exceed the flow's wall time",
                "articles_per_s": "articles extracted (n_new) / cold_wall_s",
                "articles_per_s_flow": "articles extracted / cold_flow_s (no process start-up, no Prefect server)",
                "articles_per_s_marginal": "articles extracted / (cold_wall_s - rerun_wall_s): the per-article "
                "rate once the fixed cost of a run (what a no-change re-run costs) is taken out",
                "mb_per_s": "bytes of the JSON-lines input / 1e6 / cold_wall_s",
                "cpu_s": "getrusage(RUSAGE_CHILDREN) delta over the run: the CLI and the descendants it waited for",
                "peak_rss_mb": "largest sum of RSS over the CLI process and all its descendants, polled every 50 ms "
                "(pages shared between processes count once per process)",
                "rerun": "the same command again on the same warehouse (nothing new)",
                "natasha": "bench/natasha_alone.py: one process, Doc+segment+tag_ner (NewsNERTagger), "
                "DatesExtractor and MoneyExtractor over each text; model loading not counted",
            },
            "corpus": {"folder": str(args.corpus), **asdict(stats)},
            "samples": {str(n): s.as_dict() for n, s in samples.items()},
            "warm_up": {**warm.as_dict(), "summary": warm_summary},
            "summary": rows,
            "natasha": natasha,
            "machine_speed": speed,
            "goals": checks,
            "notes": notes,
            "runs": runs,
        }
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        print(f"\nwrote {out_path}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


_COUNTS = ("n_inputs", "n_new", "n_skipped", "n_duplicates", "n_quarantined", "validation_rejected_rows")


if __name__ == "__main__":
    main()
