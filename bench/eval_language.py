"""Language labels of two versions of ``newsfacts/extract/language.py`` compared, and their CPU per article.

Reads every article of ../shared/corpus/news (the pipeline's reader and parser), the NEREL and RuRED texts, and
the samples of tests/test_language.py; labels each with the detector of this checkout and with the one of a git
revision (default ``main``), prints the disagreements, and the CPU (median of ``--repeats``) of each over the news.

    .venv/bin/python bench/eval_language.py --against main --repeats 3
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus_sample import NEWS, _parse  # noqa: E402

from newsfacts.extract import language as current  # noqa: E402
from newsfacts.extract.text import sentences  # noqa: E402
from newsfacts.ingest import RawInput, iter_inputs  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"


def _module_at(revision: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:newsfacts/extract/language.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "language_at_revision.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("language_at_revision", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts() -> list[tuple[str, str | None, str]]:
    out: list[tuple[str, str | None, str]] = []
    for item in iter_inputs(NEWS):
        article = _parse(item) if isinstance(item, RawInput) else None
        if article is not None:
            out.append(("news", article.title, article.text))
    for path in sorted([*SHARED.glob("nerel/*/*.txt"), *SHARED.glob("rured/*.txt")]):
        out.append((path.parent.name, None, path.read_text(encoding="utf-8")))
    sys.path.insert(0, str(ROOT / "tests"))
    import test_language as tl

    for name in dir(tl):
        value = getattr(tl, name)
        if isinstance(value, list):
            for row in value:
                if isinstance(row, tuple) and len(row) == 2 and isinstance(row[1], str):
                    out.append(("tests", None, row[1]))
                elif isinstance(row, tuple) and len(row) == 2 and isinstance(row[1], list):
                    out.append(("tests", None, "\n".join(row[1])))
    return out


def _cpu(detector: object, texts: list[tuple[str, str | None, str]]) -> float:
    sentences.cache_clear()
    start = time.process_time()
    for _, title, text in texts:
        detector.detect(text, title)  # type: ignore[attr-defined]
    return (time.process_time() - start) / len(texts) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", default="main")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    texts = _texts()
    old, new = _module_at(args.against).LanguageDetector(), current.LanguageDetector()
    kinds: Counter[str] = Counter(k for k, _, _ in texts)
    diffs = []
    labels: Counter[str] = Counter()
    for kind, title, text in texts:
        a, b = old.detect(text, title), new.detect(text, title)
        labels[b] += 1
        if a != b:
            diffs.append((kind, a, b, (title or text)[:80]))
    print(f"texts {dict(kinds)}; labels {dict(labels)}; disagreements {len(diffs)}")
    for d in diffs:
        print("  ", d)
    news = [t for t in texts if t[0] == "news"]
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.repeats):
        times["old"].append(_cpu(old, news))
        times["new"].append(_cpu(new, news))
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.3f} ms/article  runs {[round(v, 3) for v in values]}"
        )


if __name__ == "__main__":
    main()
