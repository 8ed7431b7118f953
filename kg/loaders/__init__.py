"""Turn files and folders into `Article` records; a bad file is reported, never fatal."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from kg.errors import LoadError
from kg.loaders.text import DEFAULT_MAX_BYTES, read_text
from kg.model import Article

__all__ = ["READERS", "SIDECAR", "Reader", "discover", "load"]

log = logging.getLogger(__name__)

#: A reader turns one file into articles: (path, article id, encoding=, max_bytes=) -> list.
Reader = Callable[..., list[Article]]

#: File suffix -> reader. Files with other suffixes are not articles and are passed over.
READERS: dict[str, Reader] = {".txt": read_text, ".text": read_text}

#: A per-folder metadata file (JSON Lines with a "file" key) giving date, url, title, source.
SIDECAR = "index.jsonl"


def discover(
    folder: Path, *, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Iterator[tuple[Path, str]]:
    """Yield (path, article id) for every article file under `folder`, in sorted order.

    The id is the path relative to `folder` with ``/`` separators. Hidden files and folders,
    files without a known reader and sidecar files are passed over; symlinked folders are not
    followed twice.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); (d / "a").mkdir()
        >>> _ = (d / "a" / "x.txt").write_text("T\\n\\nB"); _ = (d / "README.md").write_text("#")
        >>> [i for _, i in discover(d)]
        ['a/x.txt']
    """
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop or a folder linked twice
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name == SIDECAR:
                continue
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if Path(name).suffix.lower() not in READERS:
                continue
            if include and not any(fnmatch(rel, g) for g in include):
                continue
            if exclude and any(fnmatch(rel, g) for g in exclude):
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
        if isinstance(rec, dict) and isinstance(rec.get("file"), str):
            meta[rec["file"]] = rec
    return meta


def _with_meta(article: Article, rec: dict[str, object]) -> Article:
    changes: dict[str, object] = {}
    raw = rec.get("date")
    if isinstance(raw, str) and article.published is None:
        try:
            changes["published"] = date.fromisoformat(raw[:10])
        except ValueError:
            pass
    for key in ("url", "source"):
        if isinstance(rec.get(key), str) and getattr(article, key) is None:
            changes[key] = rec[key]
    return dataclasses.replace(article, **changes) if changes else article  # type: ignore[arg-type]


def load(
    source: str | Path,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    on_error: Callable[[LoadError], None] | None = None,
) -> Iterator[Article]:
    """Yield the articles in a file or under a folder.

    Args:
        source: a file or a folder (walked recursively).
        encoding: force an encoding instead of UTF-8 with a cp1252/latin-1 fallback.
        max_bytes: skip files larger than this.
        include: glob patterns on the relative path; only matching files are read.
        exclude: glob patterns on the relative path; matching files are passed over.
        on_error: called with a `LoadError` for each file that cannot be read; by default the
            error is logged as a warning. Either way the walk goes on.

    Raises:
        FileNotFoundError: if `source` does not exist.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "ok.txt").write_text("Title\\n\\nBody."); _ = (d / "bad.txt").write_bytes(b"")
        >>> errors = []
        >>> [a.id for a in load(d, on_error=errors.append)], [e.reason for e in errors]
        (['ok.txt'], ['empty file'])
    """
    report = on_error or (lambda err: log.warning("skipped %s", err))
    root = Path(source)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {str(root)!r}")
    if root.is_file():
        files = [(root, root.name)]
        folder = root.parent
    else:
        files = discover(root, include=include, exclude=exclude)
        folder = root
    sidecars: dict[Path, dict[str, dict[str, object]]] = {}
    for path, article_id in files:
        reader = READERS.get(path.suffix.lower(), read_text)
        try:
            articles = reader(path, article_id, encoding=encoding, max_bytes=max_bytes)
        except LoadError as err:
            report(err)
            continue
        except (OSError, ValueError) as err:  # a reader's unforeseen failure stays one file's
            report(LoadError(f"cannot read: {err}", path=article_id))
            continue
        parent = path.parent
        if parent not in sidecars:
            sidecars[parent] = _sidecar(parent) if parent != folder or root.is_dir() else {}
        rec = sidecars[parent].get(path.name)
        for article in articles:
            yield _with_meta(article, rec) if rec else article
