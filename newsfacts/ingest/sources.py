"""Sources -> raw inputs: walk a folder (sorted, deterministic) or read one file; zip archives are read
member by member. Every file gives RawInputs or Rejections with a reason, never an exception.

Extensions: .txt/.text/.md -> txt; .html/.htm -> html; .json -> one input per object (a top-level array gives
one per item, ``#<i>`` 0-based); .jsonl/.ndjson/.jsonlines -> one input per line (``#L<n>`` 1-based), a
malformed line is rejected alone. ``max_bytes`` caps a whole file, or each line of a JSON-lines file (those
are streamed, so a big JSON-lines file is fine). Dot-files and dot-directories are not read: each is one
rejection ``skipped_hidden`` (a dot-folder one for all it holds, in an archive too); symlinks that
resolve outside the root are rejected unread; symlinked directories inside the root are not followed (their
files are reached by their real path).

Any file name is accepted: a name that is not valid UTF-8 (a cp1251 or Latin-1 name copied from Windows) is read
by its bytes and named in ``source_uri`` with each undecodable byte shown as ``\\xHH`` (see
:func:`readable_name`; :func:`original_name` gives the name back).

A root with a protocol (``s3://bucket/prefix``, ``memory://…``, any fsspec URL) is walked through fsspec with the
same rules, streaming: one listing per folder level, each object opened only when its turn comes, the size
cap checked on the listed size before any byte is read. Its ``source_uri``s are full URLs
(``s3://bucket/prefix/a.txt``, ``s3://bucket/prefix/x.zip/inner.txt``, ``…/e.jsonl#L2``). ``file://`` URLs are
local paths and take the local walker. S3 settings come from the standard AWS environment (see
:func:`newsfacts.storage.objects.filesystem_for`).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from newsfacts.ingest.decode import decode
from newsfacts.ingest.model import DecodeError, RawInput, Rejection

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

KINDS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".zip": "zip",
}
_CHUNK = 1 << 20
_REMOTE_BLOCK = 4 << 20  # read-ahead of a remote object: bounds the memory one open object takes
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class _Member:
    uri: str
    size: int
    open: Callable[[], AbstractContextManager[IO[bytes]]]
    in_archive: bool = False


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


def readable_name(name: str) -> str:
    """A file name as a printable, reversible string: ``os.fsdecode``'s surrogate escapes (the bytes of a name
    that are not UTF-8) become ``\\xHH`` (any other lone surrogate ``\\uHHHH``), and a backslash that could be
    read as the start of such an escape is doubled. A valid UTF-8 name without backslashes is unchanged."""
    if "\\" not in name and not any(_is_surrogate(ch) for ch in name):
        return name
    out: list[str] = []
    for i, ch in enumerate(name):
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif _is_surrogate(ch):
            out.append(f"\\u{ord(ch):04x}")
        elif ch == "\\" and i + 1 < len(name) and (name[i + 1] in "\\xu" or _is_surrogate(name[i + 1])):
            out.append("\\\\")
        else:
            out.append(ch)
    return "".join(out)


_ESCAPE = re.compile(r"\\(?:\\|x([0-9a-f]{2})|u([0-9a-f]{4}))")


def original_name(readable: str) -> str:
    """The inverse of :func:`readable_name` (``os.fsencode`` of it gives the name's bytes)."""

    def one(m: re.Match[str]) -> str:
        if m[1]:
            return chr(0xDC00 + int(m[1], 16))
        return chr(int(m[2], 16)) if m[2] else "\\"

    return _ESCAPE.sub(one, readable)


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _read_capped(member: _Member, max_bytes: int) -> bytes | Rejection:
    if member.size == 0:
        return Rejection(member.uri, "read", "empty", "the file is empty (0 bytes)", None)
    if member.size > max_bytes:
        return Rejection(
            member.uri,
            "read",
            "oversize",
            f"the file has {member.size:,} bytes, over the cap of {max_bytes:,}; not read",
            None,
        )
    with member.open() as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        return Rejection(
            member.uri,
            "read",
            "oversize",
            f"the file grew past the cap of {max_bytes:,} bytes while being read",
            None,
        )
    if not raw:
        return Rejection(member.uri, "read", "empty", "the file is empty (0 bytes)", None)
    return raw


def _json_loads(raw: bytes) -> object:
    """json.loads on bytes, falling back to the decode ladder for cp1251/koi8-r JSON."""
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        return json.loads(decode(raw).text)


def _check_json(uri: str, raw: bytes, where: str) -> RawInput | Rejection:
    sha = _sha(raw)
    try:
        obj = _json_loads(raw)
    except json.JSONDecodeError as exc:
        return Rejection(
            uri, "parse", "malformed_json", f"{where}: invalid JSON at column {exc.colno}: {exc.msg}", sha
        )
    except DecodeError as exc:
        return Rejection(uri, "decode", exc.reason, f"{where}: {exc.detail}", sha)
    except RecursionError:
        return Rejection(uri, "parse", "malformed_json", f"{where}: JSON nested too deeply", sha)
    if not isinstance(obj, dict):
        return Rejection(
            uri, "parse", "not_an_object", f"{where}: a JSON {type(obj).__name__}, not an object", sha
        )
    return RawInput(uri, raw, sha, "json")


def _iter_json_lines(member: _Member, max_bytes: int) -> Iterator[RawInput | Rejection]:
    if member.size == 0:
        yield Rejection(member.uri, "read", "empty", "the file is empty (0 bytes)", None)
        return
    with member.open() as fh:
        n = 0
        while True:
            line = fh.readline(max_bytes + 1)
            if not line:
                break
            n += 1
            uri = f"{member.uri}#L{n}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                skipped = len(line)
                while (more := fh.readline(_CHUNK)) and not more.endswith(b"\n"):
                    skipped += len(more)
                skipped += len(more)
                yield Rejection(
                    uri,
                    "read",
                    "oversize",
                    f"line {n} has at least {skipped:,} bytes, over the cap of {max_bytes:,}",
                    None,
                )
                continue
            line = line.rstrip(b"\r\n")
            if n == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            yield _check_json(uri, line, f"line {n}")


def _iter_json_file(member: _Member, max_bytes: int) -> Iterator[RawInput | Rejection]:
    raw = _read_capped(member, max_bytes)
    if isinstance(raw, Rejection):
        yield raw
        return
    try:
        obj = _json_loads(raw)
    except DecodeError as exc:
        yield Rejection(member.uri, "decode", exc.reason, exc.detail, _sha(raw))
        return
    except (json.JSONDecodeError, RecursionError) as exc:
        lines = [ln for ln in raw.split(b"\n") if ln.strip()]
        if len(lines) > 1 and all(isinstance(_check_json("", ln, ""), RawInput) for ln in lines[:3]):
            yield from _iter_json_lines(member, max_bytes)  # JSON lines saved as .json
            return
        where = (
            f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
            if isinstance(exc, json.JSONDecodeError)
            else ("nested too deeply")
        )
        yield Rejection(member.uri, "parse", "malformed_json", f"invalid JSON at {where}", _sha(raw))
        return
    if isinstance(obj, dict):
        yield RawInput(member.uri, raw, _sha(raw), "json")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            uri = f"{member.uri}#{i}"
            if isinstance(item, dict):
                item_raw = json.dumps(item, ensure_ascii=False, sort_keys=True).encode("utf-8")
                yield RawInput(uri, item_raw, _sha(item_raw), "json")
            else:
                yield Rejection(
                    uri, "parse", "not_an_object", f"array item {i} is a JSON {type(item).__name__}", None
                )
    else:
        yield Rejection(
            member.uri, "parse", "not_an_object", f"a JSON {type(obj).__name__}, not an object", _sha(raw)
        )


def _hidden(uri: str, folder: bool) -> Rejection:
    """A dot-file or dot-folder: recorded, never read (``.git``, ``.DS_Store``, editors' ``.~lock`` files)."""
    what = (
        "a hidden folder (its name starts with '.'); nothing in it is read"
        if folder
        else ("a hidden file (its name starts with '.'); not read")
    )
    return Rejection(uri, "read", "skipped_hidden", what, None)


def _hidden_prefix(name: str) -> str | None:
    """The part of an archive member's path up to its first dot-name (``.git/x`` -> ``.git``), or None."""
    parts = name.split("/")
    for i, part in enumerate(parts):
        if part.startswith(".") and part != ".":
            return "/".join(parts[: i + 1])
    return None


def _escapes(name: str) -> bool:
    """Whether an archive member's name is absolute or climbs out of the archive with ``..``."""
    parts = name.replace("\\", "/").split("/")
    drive = len(parts[0]) == 2 and parts[0][1] == ":"  # "C:/x" or "C:\\x"
    return name.startswith(("/", "\\")) or drive or ".." in parts


ZIP_ERRORS = (  # what reading a damaged zip archive or member raises
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    RuntimeError,
    NotImplementedError,
    EOFError,
)


def _iter_zip(member: _Member, max_bytes: int) -> Iterator[RawInput | Rejection]:
    """The members of a zip archive one by one: a member that cannot be read (a bad CRC, corrupt compressed
    data, a damaged local header, encryption, an unknown compression method) is its own rejection
    (``corrupt_member``) and the archive's other members are still read; only an archive whose directory
    cannot be read at all is rejected whole (``bad_archive``)."""
    try:
        with member.open() as fh, zipfile.ZipFile(fh) as zf:
            reported: set[str] = set()
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                name = info.filename
                uri = f"{member.uri}/{readable_name(name)}"
                if _escapes(name):  # zip slip: "../x.txt", "/etc/x", "C:\\x"; never opened
                    yield Rejection(
                        uri,
                        "read",
                        "path_escape",
                        "an archive member whose path leaves the archive (absolute or with '..'); not read",
                        None,
                    )
                    continue
                if info.is_dir():
                    continue
                if (hidden := _hidden_prefix(name)) is not None:
                    if hidden not in reported:  # a hidden folder is one row, not one per member
                        reported.add(hidden)
                        yield _hidden(f"{member.uri}/{readable_name(hidden)}", folder=hidden != name)
                    continue
                inner = _Member(uri, info.file_size, partial(zf.open, info), in_archive=True)
                try:
                    yield from _iter_member(inner, max_bytes)
                except ZIP_ERRORS as exc:
                    yield Rejection(
                        uri,
                        "read",
                        "corrupt_member",
                        f"cannot read this member of the zip archive {member.uri}: {exc}; "
                        "the archive's other members are read",
                        None,
                    )
    except ZIP_ERRORS as exc:
        yield Rejection(member.uri, "read", "bad_archive", f"cannot read the zip archive: {exc}", None)


def _iter_member(member: _Member, max_bytes: int) -> Iterator[RawInput | Rejection]:
    kind = KINDS.get(_suffix(member.uri))
    try:
        if kind is None or (kind == "zip" and member.in_archive):
            yield Rejection(
                member.uri,
                "read",
                "unsupported_type",
                f"extension {_suffix(member.uri) or '(none)'!r} is not one of {', '.join(sorted(KINDS))}",
                None,
            )
        elif kind == "jsonl":
            yield from _iter_json_lines(member, max_bytes)
        elif kind == "json":
            yield from _iter_json_file(member, max_bytes)
        elif kind == "zip":
            yield from _iter_zip(member, max_bytes)
        else:
            raw = _read_capped(member, max_bytes)
            yield raw if isinstance(raw, Rejection) else RawInput(member.uri, raw, _sha(raw), kind)
    except OSError as exc:
        yield Rejection(
            member.uri, "read", "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}", None
        )


def _file_member(path: Path, uri: str) -> _Member:
    return _Member(uri, path.stat().st_size, lambda: path.open("rb"))


def _walk(directory: Path, root: Path, real_root: Path) -> Iterator[_Member | Rejection]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Rejection(
            readable_name(directory.relative_to(root).as_posix()) or ".",
            "read",
            "unreadable",
            f"cannot list the directory: {exc.strerror or exc}",
            None,
        )
        return
    for entry in entries:
        path = Path(entry.path)
        uri = readable_name(path.relative_to(root).as_posix())
        try:
            if entry.name.startswith("."):
                yield _hidden(uri, folder=entry.is_dir(follow_symlinks=False))
                continue
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    yield Rejection(
                        uri,
                        "read",
                        "path_escape",
                        "a symlink that resolves outside the source root; not read",
                        None,
                    )
                    continue
                if target.is_dir():
                    continue
                if not target.exists():
                    yield Rejection(uri, "read", "unreadable", "a broken symlink", None)
                    continue
            if entry.is_dir():
                yield from _walk(path, root, real_root)
            elif entry.is_file():
                yield _file_member(path, uri)
            else:
                yield Rejection(
                    uri, "read", "unsupported_type", "not a regular file (device, FIFO or socket)", None
                )
        except (OSError, RuntimeError) as exc:  # RuntimeError: symlink loop on older Pythons
            yield Rejection(uri, "read", "unreadable", f"{type(exc).__name__}: {exc}", None)


def _special_kind(path: Path) -> str | None:
    """What a path that exists but is no regular file or folder is ("a FIFO", "a socket", ...), or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a broken symlink" if path.is_symlink() else None
    kinds = [
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((name for test, name in kinds if test(mode)), "a special file")


def is_url(location: str | Path) -> bool:
    """Whether ``location`` is a URL with a protocol (``s3://…``, ``file://…``) rather than a plain path."""
    return isinstance(location, str) and bool(_URL.match(location))


class _RemoteReader(io.BufferedReader):
    """An fsspec file, buffered so that ``readline(limit)`` works (fsspec's own takes no limit), seeking like
    a local file: a seek before the start raises OSError, not ValueError (zipfile relies on it)."""

    def seek(self, pos: int, whence: int = 0) -> int:
        try:
            return super().seek(pos, whence)
        except ValueError as exc:
            if self.closed:
                raise
            raise OSError(errno.EINVAL, str(exc)) from exc


def _remote_member(fs: AbstractFileSystem, path: str, uri: str, size: int) -> _Member:
    def opener() -> AbstractContextManager[IO[bytes]]:
        return _RemoteReader(fs.open(path, "rb", block_size=_REMOTE_BLOCK))

    return _Member(uri, size, opener)


def _walk_remote(fs: AbstractFileSystem, directory: str, uri: str) -> Iterator[_Member | Rejection]:
    try:
        entries = fs.ls(directory, detail=True)
    except OSError as exc:
        yield Rejection(uri, "read", "unreadable", f"cannot list the folder: {exc}", None)
        return
    here = directory.rstrip("/")
    named = [(str(e["name"]).rstrip("/").rsplit("/", 1)[-1], e) for e in entries]
    for name, entry in sorted(named, key=lambda ne: ne[0]):
        path = str(entry["name"]).rstrip("/")
        if not name or path == here:  # a folder's own marker object
            continue
        child = f"{uri}/{name}"
        if name.startswith("."):
            yield _hidden(child, folder=entry.get("type") == "directory")
            continue
        if entry.get("type") == "directory":
            yield from _walk_remote(fs, path, child)
        elif entry.get("type") == "file":
            yield _remote_member(fs, path, child, int(entry.get("size") or 0))
        else:
            yield Rejection(child, "read", "unsupported_type", f"not a file ({entry.get('type')})", None)


def _remote_members(url: str) -> Iterator[_Member | Rejection]:
    from newsfacts.storage import filesystem_for

    uri = url.rstrip("/") or url
    try:
        fs, root = filesystem_for(url)
        info = fs.info(root)
    except FileNotFoundError:
        yield Rejection(
            uri, "read", "not_found", f"{url} is not a file or folder (no object or prefix)", None
        )
        return
    except (OSError, ValueError) as exc:
        yield Rejection(uri, "read", "unreadable", f"cannot read {url}: {type(exc).__name__}: {exc}", None)
        return
    if info.get("type") == "directory":
        yield from _walk_remote(fs, root, uri)
    else:
        yield _remote_member(fs, root, uri, int(info.get("size") or 0))


def iter_inputs(root: str | Path, max_bytes: int = 10_000_000) -> Iterator[RawInput | Rejection]:
    """Yield one RawInput per article found under ``root`` (a folder or a single file), or a Rejection.

    Args:
        root: a folder (walked recursively in sorted order) or a single file; or an fsspec URL of either
            (``s3://bucket/prefix``: a prefix is walked like a folder, inputs are named by full URL).
        max_bytes: the largest file (or JSON line) read; bigger ones are rejected as oversize unread.
    """
    if is_url(root) and not str(root).startswith("file://"):
        members: Iterator[_Member | Rejection] = _remote_members(str(root))
    else:
        if is_url(root):
            root = str(root).removeprefix("file://")
        root = Path(root)
        if root.is_dir():
            members = _walk(root, root, root.resolve())
        elif root.is_file():
            members = iter([_file_member(root, readable_name(root.name))])
        else:
            shown = readable_name(str(root))
            special = _special_kind(root)
            reason, detail = (
                ("not_found", f"{shown} does not exist (no such file or folder)")
                if special is None
                else ("unsupported_type", f"{shown} is {special}, not a regular file or folder; not read")
            )
            yield Rejection(readable_name(root.name) or shown, "read", reason, detail, None)
            return
    for member in members:
        if isinstance(member, Rejection):
            yield _printable(member)
        else:
            for item in _iter_member(member, max_bytes):
                yield _printable(item) if isinstance(item, Rejection) else item


def _printable(rejection: Rejection) -> Rejection:
    """A rejection whose detail (an OS error naming a non-UTF-8 path) can be written to Parquet."""
    if not any(_is_surrogate(ch) for ch in rejection.detail):
        return rejection
    return dataclasses.replace(rejection, detail=readable_name(rejection.detail))
