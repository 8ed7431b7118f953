"""What every reader shares: load options, capped reads, text cleaning, dates, decoding."""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import IO

from kg.errors import LoadError, LoadWarning
from kg.model import Article

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_TITLE",
    "Fields",
    "Item",
    "LoadOptions",
    "Reader",
    "clean_text",
    "decode",
    "decode_line",
    "lines_capped",
    "make_article",
    "parse_date",
    "read_capped",
    "sniff",
]

#: Inputs (files, records, downloads) larger than this are skipped unless the caller raises it.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Seconds a URL may take to answer and download.
DEFAULT_TIMEOUT = 30.0
#: Titles longer than this (a one-line file has no separate title) are cut at a word.
MAX_TITLE = 300

#: What a reader yields: articles, and errors or warnings about the records it could not read whole.
Item = Article | LoadError | LoadWarning
#: A reader: (binary stream, name, options) -> articles, LoadErrors and LoadWarnings. It raises
#: `LoadError` when the whole input is unusable.
Reader = Callable[[IO[bytes], str, "LoadOptions"], Iterator[Item]]

_FALLBACKS = ("utf-8", "cp1252", "latin-1")


@dataclass(frozen=True, slots=True)
class Fields:
    """Which field (JSON key or CSV column) of a dump record holds what.

    ``None`` means: the first of a few usual names (see `kg.loaders.dump.CANDIDATES`). A CSV
    column may also be given by its 1-based number, as ``"3"``.

    Example:
        >>> Fields(text="body").text
        'body'
    """

    id: str | None = None
    title: str | None = None
    text: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read inputs.

    Args:
        encoding: force an encoding instead of UTF-8 with a per-line cp1252/latin-1 fallback.
        max_bytes: skip a file, a dump record or a download larger than this.
        fields: the fields of dump records.
        timeout: seconds a URL may take, from connecting to the last byte.
        format: force a reader (``text``, ``html``, ``feed``, ``jsonl``, ``csv``) for standard
            input, URLs and files named directly; ``None`` guesses from the suffix, the
            content type or the content.
        include: glob patterns on a folder's relative paths; only matching files are read.
        exclude: glob patterns on a folder's relative paths; matching files are passed over.

    Example:
        >>> LoadOptions(max_bytes=1024).timeout
        30.0
    """

    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    fields: Fields = field(default_factory=Fields)
    timeout: float = DEFAULT_TIMEOUT
    format: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _file_size(stream: IO[bytes]) -> int | None:
    """The size of a stream that is a regular file, else None."""
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def read_capped(stream: IO[bytes], max_bytes: int, name: str = "", size: int | None = None) -> bytes:
    """Read a whole stream, refusing to hold more than `max_bytes` in memory.

    Args:
        stream: a binary stream.
        max_bytes: the limit.
        name: the input's name, for messages.
        size: the input's size when known (a file's), to refuse it before reading.

    Raises:
        LoadError: if the stream holds more than `max_bytes`.

    Example:
        >>> import io
        >>> read_capped(io.BytesIO(b"abc"), 10)
        b'abc'
        >>> read_capped(io.BytesIO(b"x" * 2_000_000), 1_048_576, "big.txt")
        Traceback (most recent call last):
        kg.errors.LoadError: big.txt: too large (more than 1.0 MB; raise --max-size)
    """
    if size is None:
        size = _file_size(stream)
    if size is not None and size > max_bytes:
        raise LoadError(f"too large ({_mb(size)} > {_mb(max_bytes)} limit; raise --max-size)", path=name)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LoadError(f"too large (more than {_mb(max_bytes)}; raise --max-size)", path=name)
    return data


def decode(data: bytes, *, encoding: str | None = None, name: str = "") -> str:
    """Decode text bytes: UTF-8 (a BOM dropped), else line by line UTF-8, cp1252 or latin-1.

    Decoding line by line keeps both halves of a file that mixes encodings readable. A UTF-16
    byte order mark selects UTF-16.

    Args:
        data: the raw bytes.
        encoding: force one encoding instead of guessing.
        name: the input's name, for messages.

    Raises:
        LoadError: for binary data (NUL bytes), or bytes the forced encoding cannot decode.

    Example:
        >>> decode("café".encode("cp1252"))
        'café'
        >>> decode("naïve\\n".encode() + "café".encode("cp1252"))
        'naïve\\ncafé'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not encoding:
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise LoadError(f"not UTF-16 despite its byte order mark: {err.reason}", path=name) from err
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (NUL bytes), not text", path=name)
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError as err:
            raise LoadError(f"unknown encoding {encoding!r} (try utf-8, cp1252 or latin-1)", path=name) from err
        except UnicodeDecodeError as err:
            raise LoadError(
                f"cannot decode as {encoding}: byte {err.object[err.start]:#04x} at offset {err.start}"
                " (try --encoding latin-1)",
                path=name,
            ) from err
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def decode_line(line: bytes, *, encoding: str | None = None, name: str = "") -> str:
    """Decode one line of a dump: UTF-8, else cp1252, else latin-1 (or the forced encoding).

    Raises:
        LoadError: for NUL bytes, or bytes the forced encoding cannot decode.

    Example:
        >>> decode_line("café;".encode("cp1252"))
        'café;'
    """
    if b"\x00" in line:
        raise LoadError("binary data (NUL bytes), not text", path=name)
    if encoding:
        return decode(line, encoding=encoding, name=name)
    return _decode_line(line)


def _decode_line(line: bytes) -> str:
    for enc in _FALLBACKS:
        try:
            return line.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


# C0 and C1 control characters other than tab, line feed and carriage return; non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Make text safe to store: no control characters, no lone surrogates, one kind of newline.

    Form feeds, vertical tabs, NEL and U+2028 become line breaks, U+2029 a paragraph break;
    a lone surrogate (from a JSON ``\\ud800`` escape) becomes U+FFFD; other control characters
    and stray byte order marks go.

    Example:
        >>> clean_text("a\\r\\nb\\x00c\\u2029d\\ud800")
        'a\\nbc\\n\\nd\\ufffd'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate({0x0B: "\n", 0x0C: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n\n", 0xFEFF: None})
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def _short_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= MAX_TITLE:
        return title
    cut = title[:MAX_TITLE].rsplit(" ", 1)[0] or title[:MAX_TITLE]
    return cut.rstrip(" ,;:") + "…"


def make_article(
    article_id: str,
    title: str | None,
    text: str | None,
    *,
    published: date | None = None,
    url: str | None = None,
    source: str | None = None,
) -> Article:
    """Build an `Article` from read values: text cleaned, title on one line and short.

    Without a title, the text's first line is the title.

    Raises:
        LoadError: if the text holds nothing but white space.

    Example:
        >>> a = make_article("x#1", "  Acme \\n buys  Widget ", "Body.\\x00")
        >>> a.title, a.text
        ('Acme buys Widget', 'Body.')
    """
    body = clean_text(text or "").strip()
    if not body:
        raise LoadError("no text (empty or only white space)", path=article_id)
    head = clean_text(title or "").strip() or body.split("\n", 1)[0]
    url = " ".join(clean_text(url).split()) if url else None
    source = " ".join(clean_text(source).split()) if source else None
    return Article(article_id, _short_title(head), body, published, url or None, source or None)


_ISO = re.compile(r"((?:1[89]|2\d)\d\d)[-/.](\d\d?)[-/.](\d\d?)")


def parse_date(value: object) -> date | None:
    """Read a publication date from a string (ISO 8601, RFC 2822, ``YYYY/MM/DD``) or epoch seconds.

    The date is the one written, in its own time zone; anything unreadable gives None.

    Example:
        >>> parse_date("2016-01-10 20:43:09"), parse_date("Tue, 10 Jun 2003 23:30:00 -0500")
        (datetime.date(2016, 1, 10), datetime.date(2003, 6, 10))
        >>> parse_date("next week") is None
        True
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds, as JavaScript writes
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    m = _ISO.search(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def sniff(head: bytes) -> str:
    """Guess an input's format from its first bytes: feed, html, jsonl or text.

    Example:
        >>> sniff(b'<?xml version="1.0"?><rss version="2.0">'), sniff(b"<!DOCTYPE html><p>")
        ('feed', 'html')
        >>> sniff(b'{"text": "x"}\\n'), sniff(b"Title\\n\\nBody")
        ('jsonl', 'text')
    """
    text = head[:65536].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    start = text[:4096]
    if start.startswith("<"):
        if re.search(r"<(rss|feed|rdf:rdf)[\s>]", start) and "<html" not in start:
            return "feed"
        if re.search(r"<(!doctype html|html|head|body|article|p|div)[\s>]", start):
            return "html"
        if start.startswith("<?xml"):
            return "feed"
    if start.startswith("{"):
        first = text.split("\n", 1)[0].strip()
        if first.endswith("}"):
            return "jsonl"
    return "text"


def lines_capped(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, line) of a stream; a line over `max_bytes` comes as (number, None).

    The over-long line is skipped without being held in memory.

    Example:
        >>> import io
        >>> list(lines_capped(io.BytesIO(b"a\\n" + b"b" * 10 + b"\\nc"), 5))
        [(1, b'a\\n'), (2, None), (3, b'c')]
    """
    number = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # drain the rest of the long line
                line = stream.readline(1024 * 1024)
            yield number, None
            continue
        yield number, line
