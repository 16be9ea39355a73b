"""Every data file the library ships (lexicons, gazetteers, taxonomies) and the one loader that reads them.

Files are read through ``importlib.resources``, so an installed wheel reads its own copies. Each loader is cached:
a file is parsed once per process. ``package`` names another data package (``newsfacts.ingest.data``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

PACKAGE = "newsfacts.extract.data"


def data_file(name: str, package: str = PACKAGE) -> Traversable:
    """The shipped file ``name`` of ``package`` (a clear error if it is missing)."""
    path = files(package).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"newsfacts data file {name!r} is missing from {package} (a broken install?)")
    return path


@cache
def read_text(name: str, package: str = PACKAGE) -> str:
    return data_file(name, package).read_text(encoding="utf-8")


@cache
def load_yaml(name: str, package: str = PACKAGE) -> Any:
    """The parsed YAML document ``name`` (an empty file reads as ``{}``). Callers must not mutate it."""
    doc = yaml.safe_load(read_text(name, package))
    return {} if doc is None else doc


@cache
def load_lines(name: str, package: str = PACKAGE) -> tuple[str, ...]:
    """The non-blank lines of ``name`` that are not '#' comments, stripped."""
    lines = (line.strip() for line in read_text(name, package).splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def fingerprint(folder: Traversable | None = None) -> str:
    """A short hash of every data file (name and bytes) under ``folder`` (default: this package), Python files
    and caches left out: part of the extractor version."""
    digest = hashlib.sha256()
    stack: list[tuple[str, Traversable]] = [("", folder if folder is not None else files(PACKAGE))]
    entries: list[tuple[str, Traversable]] = []
    while stack:
        prefix, folder = stack.pop()
        for child in folder.iterdir():
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    stack.append((rel + "/", child))
            elif not child.name.endswith((".py", ".pyc")):
                entries.append((rel, child))
    for rel, child in sorted(entries, key=lambda e: e[0]):
        digest.update(rel.encode("utf-8") + b"\0" + child.read_bytes())
    return digest.hexdigest()[:10]
