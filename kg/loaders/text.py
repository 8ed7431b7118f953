"""Read plain-text articles: a title line, a blank line, then the body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from kg.errors import LoadError
from kg.loaders.base import DEFAULT_MAX_BYTES, Item, LoadOptions, clean_text, decode, make_article, read_capped
from kg.model import Article

__all__ = ["DEFAULT_MAX_BYTES", "decode", "parse_text", "read_text"]


def parse_text(text: str, article_id: str, **meta: object) -> Article:
    """Split a plain-text article into title and body.

    The first non-blank line is the title and the rest the body; a text of one line is both
    (a very long title is cut at a word).

    Raises:
        LoadError: if the text holds nothing but white space.

    Example:
        >>> a = parse_text("Acme buys Widgets\\n\\nAcme said on Monday...", "x.txt")
        >>> a.title, a.text
        ('Acme buys Widgets', 'Acme said on Monday...')
    """
    text = clean_text(text).strip()
    if not text:
        raise LoadError("empty file (only white space)", path=article_id)
    head, sep, body = text.partition("\n")
    body = body.strip()
    if not sep or not body:
        body = text
    return make_article(article_id, head, body, **meta)  # type: ignore[arg-type]


def read_text(stream: IO[bytes], name: str, options: LoadOptions | None = None) -> Iterator[Item]:
    """Read one plain-text input as one article.

    Args:
        stream: the bytes.
        name: the article id.
        options: encoding and size limit.

    Raises:
        LoadError: if the input is empty, binary, undecodable or too large.

    Example:
        >>> import io
        >>> [a.title for a in read_text(io.BytesIO(b"Title\\n\\nBody."), "a.txt")]
        ['Title']
    """
    options = options or LoadOptions()
    data = read_capped(stream, options.max_bytes, name)
    if not data.strip():
        raise LoadError("empty file", path=name)
    yield parse_text(decode(data, encoding=options.encoding, name=name), name)
