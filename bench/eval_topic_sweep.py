"""Sweep one ranking setting of data/topics.yaml at a time and score each value on the NG section signal.

Tune on the development archive (ng_0) only; check the chosen values on the held-out archives afterwards
with ``bench/eval_topic_sections.py``. The section is only used for scoring (see that script).

Usage:
  .venv/bin/python bench/eval_topic_sweep.py title_boost=1.0,1.3,2.0 lead_weight=1.5,2,3
  .venv/bin/python bench/eval_topic_sweep.py --archive ng_1 parent_vote=0.5,1.0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.eval_topic_sections import archives, load, score  # noqa: E402
from newsfacts.extract.topics import TopicTagger  # noqa: E402

TAXONOMY = ROOT / "newsfacts" / "extract" / "data" / "topics.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--archive", default="ng_0")
    parser.add_argument("sweeps", nargs="+", help="setting=v1,v2,...")
    args = parser.parse_args()
    path = next(p for p in archives() if p.name.split(".")[0] == args.archive)
    articles = list(load(path))
    doc = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    for sweep in args.sweeps:
        key, values = sweep.split("=", 1)
        for value in values.split(","):
            trial = {**doc, "settings": {**doc["settings"], key: float(value)}}
            with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8") as tmp:
                yaml.safe_dump(trial, tmp, allow_unicode=True)
                tmp.flush()
                s = score(TopicTagger(tmp.name), iter(articles), args.archive)
            o = s.overall
            print(f"{key}={value}: rank-1 {o.rank1 / o.n:.3f} top-3 {o.top3 / o.n:.3f} no-topic {s.no_topic}")


if __name__ == "__main__":
    main()
