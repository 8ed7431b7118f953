"""Turn files, folders, URLs and standard input into `Article` records; bad input is reported, never fatal."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

from kg.errors import LoadError, LoadWarning
from kg.loaders.base import (
    DEFAULT_MAX_BYTES,
    Fields,
    Item,
    LoadOptions,
    Reader,
    parse_date,
    sniff,
)
from kg.loaders.dump import is_metadata, read_csv, read_jsonl
from kg.loaders.feed import read_feed
from kg.loaders.html import read_html
from kg.loaders.text import read_text
from kg.loaders.url import fetch, format_of, is_url
from kg.model import Article

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "READERS",
    "SIDECAR",
    "STDIN",
    "Fields",
    "LoadOptions",
    "Reader",
    "discover",
    "load",
    "reader_for",
]

log = logging.getLogger(__name__)

#: Reader by format name, for ``--format`` and for content sniffed or announced by a server.
FORMATS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "feed": read_feed,
    "jsonl": read_jsonl,
    "csv": read_csv,
}

#: File suffix -> reader. Files with other suffixes are not articles and are passed over.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_csv,
}

#: A per-folder metadata file: JSON Lines whose records name a "file" and give its date, url,
#: source. Told from a dump by content: records with "file" and no text field are metadata.
SIDECAR = "index.jsonl"

#: The source name that means standard input.
STDIN = "-"

Report = Callable[[LoadError], None]
Warn = Callable[[LoadWarning], None]


def reader_for(name: str, fmt: str | None = None) -> Reader | None:
    """Pick the reader for a forced format, else for a file name's suffix.

    Raises:
        ValueError: for an unknown format.

    Example:
        >>> reader_for("a.rss").__name__, reader_for("a.dat", "csv").__name__, reader_for("a.md")
        ('read_feed', 'read_csv', None)
    """
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
        return FORMATS[fmt]
    return READERS.get(Path(name).suffix.lower())


def _first_record(path: Path) -> object:
    """The first JSON object among a JSON Lines file's first lines, or None."""
    try:
        with path.open("rb") as f:
            for _ in range(50):
                line = f.readline(1024 * 1024)
                if not line:
                    break
                try:
                    record = json.loads(line.removeprefix(b"\xef\xbb\xbf"))
                except ValueError:
                    continue
                if isinstance(record, dict):
                    return record
    except OSError:
        pass
    return None


def _is_metadata_file(path: Path, fields: Fields | None) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson") and is_metadata(_first_record(path), fields)


def discover(
    folder: Path,
    *,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    fields: Fields | None = None,
    on_error: Report | None = None,
) -> Iterator[tuple[Path, str]]:
    """Yield (path, article id) for every input file under `folder`, in sorted order.

    The id is the path relative to `folder` with ``/`` separators. Hidden files and folders,
    files without a reader in `READERS` and metadata files (see `SIDECAR`) are passed over;
    symlinked folders are followed once, so a symlink loop ends. A folder that cannot be
    listed, or vanishes during the walk, is reported to `on_error` and the walk goes on.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); (d / "a").mkdir()
        >>> _ = (d / "a" / "x.txt").write_text("T\\n\\nB"); _ = (d / "README.md").write_text("#")
        >>> _ = (d / "index.jsonl").write_text('{"file": "a/x.txt", "date": "2015-01-15"}\\n')
        >>> [i for _, i in discover(d)]
        ['a/x.txt']
    """
    report = on_error or (lambda err: log.warning("skipped %s", err))

    def walk_error(err: OSError) -> None:
        where = Path(err.filename or folder)
        rel = where.relative_to(folder).as_posix() if where.is_relative_to(folder) else str(where)
        report(LoadError(f"cannot read folder: {err.strerror or err}", path=rel + "/"))

    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True, onerror=walk_error):
        try:
            st = os.stat(root)
        except OSError as err:  # vanished between listing and visiting
            walk_error(err)
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop or a folder linked twice
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in READERS:
                continue
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if include and not any(fnmatch(rel, g) for g in include):
                continue
            if exclude and any(fnmatch(rel, g) for g in exclude):
                continue
            if _is_metadata_file(path, fields):
                log.info("passed over %s: metadata (records name a file and hold no text)", rel)
                continue
            yield path, rel


def _sidecar(folder: Path) -> dict[str, dict[str, object]]:
    """Read a folder's index.jsonl into {file name: metadata}; a broken one is ignored."""
    meta: dict[str, dict[str, object]] = {}
    path = folder / SIDECAR
    if not path.is_file():
        return meta
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        log.warning("ignored %s: %s", path, err)
        return meta
    for line in lines:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if is_metadata(rec):
            meta[rec["file"]] = rec
    return meta


def _with_meta(article: Article, rec: dict[str, object]) -> Article:
    changes: dict[str, object] = {}
    if article.published is None and (published := parse_date(rec.get("date"))):
        changes["published"] = published
    for key in ("url", "source"):
        if isinstance(rec.get(key), str) and getattr(article, key) is None:
            changes[key] = rec[key]
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def _open_file(path: Path, name: str) -> IO[bytes]:
    """Open a regular file for reading, without blocking on a named pipe or device."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as err:
        reason = "a broken symbolic link" if path.is_symlink() else "vanished before it could be read"
        raise LoadError(reason, path=name) from err
    except OSError as err:
        raise LoadError(f"cannot read: {err.strerror or err}", path=name) from err
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise LoadError(f"not a regular file ({_kind(mode)})", path=name)
    return os.fdopen(fd, "rb")


def _guarded(items: Iterator[Item], name: str) -> Iterator[Item]:
    """Turn any failure of a reader into one LoadError for its input; the walk goes on."""
    try:
        yield from items
    except LoadError as err:
        yield err
    except OSError as err:
        yield LoadError(f"cannot read: {err.strerror or err}", path=name)
    except RecursionError:
        yield LoadError("cannot read: nested too deep", path=name)
    except Exception as err:  # noqa: BLE001 - one bad input must not end the walk
        log.debug("reader failed on %s", name, exc_info=True)
        yield LoadError(f"cannot read: {type(err).__name__}: {err}", path=name)


def _read_path(path: Path, name: str, reader: Reader, options: LoadOptions) -> Iterator[Item]:
    try:
        stream = _open_file(path, name)
    except LoadError as err:
        yield err
        return
    with stream:
        yield from _guarded(reader(stream, name, options), name)


class _Rejoined(io.RawIOBase):
    """A stream that gives back the bytes already read for sniffing, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        read1 = getattr(self._rest, "read1", self._rest.read)
        data = read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_stdin(options: LoadOptions) -> Iterator[Item]:
    stream = sys.stdin.buffer
    head = stream.read(64 * 1024)
    fmt = options.format or sniff(head)
    yield from _guarded(FORMATS[fmt](io.BufferedReader(_Rejoined(head, stream)), "stdin", options), "stdin")


def _read_url(url: str, options: LoadOptions) -> Iterator[Item]:
    try:
        got = fetch(url, timeout=options.timeout, max_bytes=options.max_bytes)
    except LoadError as err:
        yield err
        return
    path_reader = reader_for(url.split("?", 1)[0].split("#", 1)[0])
    fmt = options.format or next((k for k, v in FORMATS.items() if v is path_reader), None)
    fmt = fmt or format_of(got.content_type) or sniff(got.data)
    if fmt in ("text", "csv", "jsonl") and not options.encoding and got.charset:
        options = dataclasses.replace(options, encoding=got.charset)
    for item in _guarded(FORMATS[fmt](io.BytesIO(got.data), url, options), url):
        if isinstance(item, Article) and item.url is None:
            item = dataclasses.replace(item, url=got.url if item.id == url else None)
        yield item


def _items(root: Path, options: LoadOptions, report: Report) -> Iterator[Item]:
    if root.is_dir():
        sidecars: dict[Path, dict[str, dict[str, object]]] = {}
        found = discover(root, include=options.include, exclude=options.exclude, fields=options.fields, on_error=report)
        for path, name in found:
            reader = READERS[path.suffix.lower()]
            if path.parent not in sidecars:
                sidecars[path.parent] = _sidecar(path.parent)
            rec = sidecars[path.parent].get(path.name)
            for item in _read_path(path, name, reader, options):
                yield _with_meta(item, rec) if rec and isinstance(item, Article) and item.id == name else item
        return
    chosen = reader_for(root.name, options.format)
    if chosen is None:  # a file named directly: trust its content over its suffix
        try:
            with root.open("rb") as f:
                chosen = FORMATS[sniff(f.read(64 * 1024))]
        except OSError:
            chosen = read_text
    rec = _sidecar(root.parent).get(root.name) if root.name != SIDECAR else None
    for item in _read_path(root, root.name, chosen, options):
        yield _with_meta(item, rec) if rec and isinstance(item, Article) and item.id == root.name else item


def load(
    source: str | Path,
    *,
    options: LoadOptions | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    include: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] | None = None,
    on_error: Report | None = None,
    on_warning: Warn | None = None,
) -> Iterator[Article]:
    """Yield the articles in a file, a folder (walked recursively), a URL or standard input.

    A file under a folder has its path relative to the folder as id; a file named directly,
    its name; a URL, itself; standard input (``"-"``), ``stdin``. A dump or feed gives one
    article per record or entry, with ids ``<that>#<record id, entry id or number>``.

    Args:
        source: a file, a folder, an ``http(s)://`` URL, or ``"-"`` for standard input.
        options: how to read (see `LoadOptions`); the keywords below override it.
        encoding: force an encoding instead of UTF-8 with a cp1252/latin-1 fallback.
        max_bytes: skip files (records, downloads) larger than this (default 10 MB).
        include: glob patterns on the relative path; only matching files are read.
        exclude: glob patterns on the relative path; matching files are passed over.
        on_error: called with a `LoadError` for each input or record that cannot be read; by
            default the error is logged as a warning. Either way the walk goes on.
        on_warning: called with a `LoadWarning` for an input read only in part (by default
            logged).

    Raises:
        FileNotFoundError: if `source` is neither ``"-"``, a URL nor an existing path.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "ok.txt").write_text("Title\\n\\nBody."); _ = (d / "bad.txt").write_bytes(b"")
        >>> errors = []
        >>> [a.id for a in load(d, on_error=errors.append)], [e.reason for e in errors]
        (['ok.txt'], ['empty file'])
    """
    opts = options or LoadOptions()
    overrides = {"encoding": encoding, "max_bytes": max_bytes, "include": include, "exclude": exclude}
    opts = dataclasses.replace(opts, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    if opts.format is not None and opts.format not in FORMATS:
        raise ValueError(f"unknown format {opts.format!r}; expected one of: {', '.join(FORMATS)}")
    report = on_error or (lambda err: log.warning("skipped %s", err))
    warn = on_warning or (lambda w: log.warning("warning %s", w))
    if source == STDIN:
        items = _read_stdin(opts)
    elif is_url(source):
        items = _read_url(str(source), opts)
    else:
        root = Path(source)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {str(root)!r}")
        items = _items(root, opts, report)
    for item in items:
        if isinstance(item, Article):
            yield item
        elif isinstance(item, LoadWarning):
            warn(item)
        else:
            report(item)
