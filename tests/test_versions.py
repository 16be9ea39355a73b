"""Editing a lexicon or the taxonomy changes the extractor version string, so the next run re-extracts."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsfacts.extract import data
from newsfacts.extract.data import fingerprint

DATA_DIR = Path(data.__file__).parent  # the shipped data files (newsfacts.extract.data), in the source tree


def test_editing_a_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    before = fingerprint(copy)
    assert before == fingerprint(DATA_DIR) == fingerprint()
    topics = copy / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# an analyst's new term\n", encoding="utf-8")
    assert fingerprint(copy) != before


def test_adding_a_data_file_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    before = fingerprint(copy)
    (copy / "extra_terms.yaml").write_text("terms: [пшеница]\n", encoding="utf-8")
    assert fingerprint(copy) != before
