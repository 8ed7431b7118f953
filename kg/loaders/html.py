"""Read HTML pages: the main text, title, date and URL from the page's metadata (trafilatura)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import IO

from kg.errors import LoadError, LoadWarning
from kg.loaders.base import Item, LoadOptions, decode, make_article, parse_date, read_capped
from kg.model import Article

__all__ = ["html_to_text", "parse_html", "read_html"]

# trafilatura logs every page it cannot read at ERROR; kg reports those pages itself.
for _name in ("trafilatura", "htmldate", "courlan"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.CRITICAL)

_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "table", "tr", "ul"),
    }
)
_DROP = "//script|//style|//noscript|//template|//iframe|//object|//svg"


def html_to_text(markup: str) -> str:
    """Turn an HTML fragment (a feed entry's content) into plain text, paragraphs kept apart.

    Scripts, styles and other non-text elements go; entities are decoded.

    Example:
        >>> html_to_text("<p>Acme &amp; Co.<script>alert(1)</script></p><p>Second<br>line</p>")
        'Acme & Co.\\n\\nSecond\\nline'
    """
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", markup).strip()
    for bad in root.xpath(_DROP):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):  # comments, processing instructions
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCKS:
            el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _extract(data: bytes | str, url: str | None) -> dict[str, object] | None:
    import trafilatura

    doc = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return None
    fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)  # type: ignore[call-overload]
    return {k: fields.get(k) for k in ("title", "text", "date", "url", "sitename")}


def _visible_text(markup: str) -> str:
    body = re.search(r"<body[^>]*>(.*)</body>", markup, re.S | re.I)
    return html_to_text(body.group(1) if body else markup)


def parse_html(
    data: bytes, name: str, *, url: str | None = None, encoding: str | None = None
) -> tuple[Article, LoadWarning | None]:
    """Read one HTML page as an article, with a warning when it had to fall back.

    Title, publication date and URL (the canonical link) come from the page's metadata; the
    text is trafilatura's main-text extraction, without menus, scripts or comments. A page where
    trafilatura finds no main text gives its whole visible text, with a warning.

    Args:
        data: the page's bytes.
        name: the article id.
        url: where the page came from (used when it names no canonical URL).
        encoding: force an encoding instead of the page's own declaration.

    Raises:
        LoadError: for binary data, or a page with no text at all.

    Example:
        >>> page = b'''<html><head><title>Acme enters Brazil</title>
        ... <meta property="article:published_time" content="2015-03-04"></head>
        ... <body><article><p>Acme Inc. said on Tuesday it would open stores in Brazil.</p></article></body></html>'''
        >>> a, _ = parse_html(page, "acme.html", url="https://news.example.org/acme")
        >>> a.title, a.published, a.url
        ('Acme enters Brazil', datetime.date(2015, 3, 4), 'https://news.example.org/acme')
    """
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("binary file (NUL bytes), not HTML", path=name)
    if not data.strip():
        raise LoadError("empty file", path=name)
    markup: bytes | str = decode(data, encoding=encoding, name=name) if encoding else data
    try:
        meta = _extract(markup, url)
    except Exception as err:  # noqa: BLE001 - a parser failure stays this page's problem
        raise LoadError(f"cannot parse HTML: {type(err).__name__}: {err}", path=name) from err
    warning = None
    text = str(meta.get("text") or "") if meta else ""
    if not text.strip():
        as_text = markup if isinstance(markup, str) else decode(data, name=name)
        text = _visible_text(as_text)
        if not text.strip():
            raise LoadError("no text in the HTML page (only markup, scripts or styles)", path=name)
        warning = LoadWarning("no main text found; kept the page's whole visible text", path=name)
    else:  # trafilatura puts each block on a line; kg's texts keep paragraphs a blank line apart
        text = re.sub(r"\n\s*", "\n\n", text.strip())
    meta = meta or {}
    title = str(meta.get("title") or "")
    if title and text.startswith(title):  # the headline repeated as the text's first line
        text = text[len(title) :].lstrip()
    article = make_article(
        name,
        title,
        text or title,
        published=parse_date(meta.get("date")),
        url=str(meta.get("url") or url or "") or None,
        source=str(meta.get("sitename") or "") or None,
    )
    return article, warning


def read_html(stream: IO[bytes], name: str, options: LoadOptions | None = None) -> Iterator[Item]:
    """Read one HTML page as one article (see `parse_html`).

    Raises:
        LoadError: if the page is too large, binary or has no text.

    Example:
        >>> import io
        >>> page = b"<html><head><title>T</title></head><body><p>Acme opened a plant.</p></body></html>"
        >>> [a.text for a in read_html(io.BytesIO(page), "a.html") if not isinstance(a, Exception)]
        ['Acme opened a plant.']
    """
    options = options or LoadOptions()
    data = read_capped(stream, options.max_bytes, name)
    url = name if name.startswith(("http://", "https://")) else None  # a page fetched by kg.loaders.url
    article, warning = parse_html(data, name, url=url, encoding=options.encoding)
    if warning:
        yield warning
    yield article
