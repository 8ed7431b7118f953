"""Read plain-text articles: a title line, a blank line, then the body."""

from __future__ import annotations

from pathlib import Path

from kg.errors import LoadError
from kg.model import Article

__all__ = ["DEFAULT_MAX_BYTES", "decode", "parse_text", "read_text"]

#: Files larger than this are skipped unless the caller raises the limit.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_FALLBACKS = ("utf-8", "cp1252", "latin-1")


def decode(data: bytes, *, encoding: str | None = None, name: str = "") -> str:
    """Decode article bytes: UTF-8 (a BOM is dropped), else cp1252, else latin-1.

    Args:
        data: the raw bytes.
        encoding: force one encoding instead of guessing.
        name: the input's name, for messages.

    Raises:
        LoadError: for binary data (NUL bytes), or bytes the forced encoding cannot decode.

    Example:
        >>> decode("café".encode("cp1252"))
        'café'
    """
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (NUL bytes), not text", path=name)
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as err:
            raise LoadError(f"cannot decode as {encoding}: {err}", path=name) from err
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in _FALLBACKS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def parse_text(text: str, article_id: str, **meta: object) -> Article:
    """Split a plain-text article into title and body.

    The first non-blank line is the title when a blank line follows it; otherwise the whole
    text is the body and the title is its first line.

    Raises:
        LoadError: if the text holds nothing but white space.

    Example:
        >>> a = parse_text("Acme buys Widgets\\n\\nAcme said on Monday...", "x.txt")
        >>> a.title, a.text
        ('Acme buys Widgets', 'Acme said on Monday...')
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise LoadError("empty file (only white space)", path=article_id)
    head, sep, body = text.partition("\n")
    title = " ".join(head.split())
    body = body.strip()
    if not sep or not body:
        body = text
    return Article(id=article_id, title=title, text=body, **meta)  # type: ignore[arg-type]


def read_text(
    path: Path, article_id: str, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[Article]:
    """Read one plain-text file as one article.

    Raises:
        LoadError: if the file is unreadable, empty, binary, undecodable or too large.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit; raise --max-size)",
                path=article_id,
            )
        data = path.read_bytes()
    except OSError as err:
        raise LoadError(f"cannot read: {err.strerror or err}", path=article_id) from err
    if not data.strip():
        raise LoadError("empty file", path=article_id)
    return [parse_text(decode(data, encoding=encoding, name=article_id), article_id)]
