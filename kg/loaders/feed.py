"""Read RSS and Atom feeds (feedparser): each entry an article, with its date and link."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from kg.errors import LoadError, LoadWarning
from kg.loaders.base import Item, LoadOptions, make_article, parse_date, read_capped
from kg.loaders.html import html_to_text

__all__ = ["check_entities", "entry_id", "read_feed"]

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.I)  # a DTD with an internal subset
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_MAX_ID = 200


def check_entities(data: bytes, name: str = "") -> None:
    """Refuse a feed whose DTD declares entities: the shape of XML bombs and external entities.

    No bomb would go off anyway (feedparser drops entity declarations before expat parses, and
    expat caps entity amplification: a billion-laughs feed parses in milliseconds, measured),
    but refusing early says why the feed is unusable instead of keeping entries full of ``&lol9;``.

    Raises:
        LoadError: if the document declares an entity.

    Example:
        >>> check_entities(b'<?xml version="1.0"?><rss><channel/></rss>')
        >>> check_entities(b'<!DOCTYPE r [<!ENTITY a "aaaa">]><rss/>', "bomb.xml")
        Traceback (most recent call last):
        kg.errors.LoadError: bomb.xml: the feed declares XML entities (<!ENTITY>); refused as a possible XML bomb
    """
    head = data
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    if _DOCTYPE.search(head) and _ENTITY.search(head):
        raise LoadError("the feed declares XML entities (<!ENTITY>); refused as a possible XML bomb", path=name)


def entry_id(entry: Any, index: int) -> str:
    """Return a stable id for a feed entry: its id (guid), else its link, else its 1-based index.

    Very long ids are shortened to a hash, so that article IRIs stay reasonable.

    Example:
        >>> entry_id({"id": " urn:x:1 "}, 3), entry_id({}, 3)
        ('urn:x:1', '3')
    """
    raw = entry.get("id") or entry.get("link") or ""
    value = " ".join(str(raw).split())
    if not value:
        return str(index)
    if len(value) > _MAX_ID:
        return "sha1-" + hashlib.sha1(value.encode("utf-8", "replace")).hexdigest()
    return value


def _entry_text(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        value, kind = best["value"], best.get("type", "")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    return html_to_text(value) if "html" in kind or "<" in value else value


def _entry_date(entry: Any) -> date | None:
    for key in ("published", "updated", "created"):
        found = parse_date(entry.get(key))
        if found:
            return found
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                continue
    return None


def _benign(exc: object) -> bool:
    """feedparser flags encoding mismatches too; those feeds are read whole."""
    return type(exc).__name__ in ("CharacterEncodingOverride", "NonXMLContentType")


def read_feed(stream: IO[bytes], name: str, options: LoadOptions | None = None) -> Iterator[Item]:
    """Read an RSS or Atom feed: one article per entry, id ``<name>#<entry id>``.

    The text is the entry's content, else its summary, as plain text; the date is the entry's
    own, as written; the URL is its link. A malformed or truncated feed gives the entries read
    before the fault, and a warning.

    Raises:
        LoadError: if the input is too large, declares XML entities, or is no feed at all.

    Example:
        >>> import io
        >>> rss = b'''<rss version="2.0"><channel><title>Wire</title><item><guid>a1</guid>
        ... <title>Acme buys Widget</title><link>https://ex.org/a1</link>
        ... <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><description>Acme bought Widget.</description>
        ... </item></channel></rss>'''
        >>> [(a.id, a.published, a.url) for a in read_feed(io.BytesIO(rss), "wire.rss")]
        [('wire.rss#a1', datetime.date(2003, 6, 10), 'https://ex.org/a1')]
    """
    import feedparser

    options = options or LoadOptions()
    data = read_capped(stream, options.max_bytes, name)
    if not data.strip():
        raise LoadError("empty file", path=name)
    check_entities(data, name)
    # A stream, never bytes or str: feedparser treats those as a file name or URL to open.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        if problem is not None and not _benign(problem):
            raise LoadError(f"not a readable RSS or Atom feed ({_describe(problem)})", path=name)
        if not parsed.get("version"):
            raise LoadError("not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root)", path=name)
        raise LoadError("the feed has no entries", path=name)
    if problem is not None and not _benign(problem):
        yield LoadWarning(
            f"malformed or truncated feed ({_describe(problem)}); kept the {len(entries)} entries read", path=name
        )
    source = " ".join(str((parsed.get("feed") or {}).get("title") or "").split()) or None
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        article_id = f"{name}#{entry_id(entry, index)}"
        if article_id in seen:
            yield LoadError(
                f"duplicate entry id (entry {seen[article_id]} has it too); entry {index} passed over", path=article_id
            )
            continue
        seen[article_id] = index
        title = str(entry.get("title") or "")
        if "html" in (entry.get("title_detail") or {}).get("type", ""):
            title = html_to_text(title)
        try:
            yield make_article(
                article_id,
                title,
                _entry_text(entry),
                published=_entry_date(entry),
                url=str(entry.get("link") or "") or None,
                source=source,
            )
        except LoadError:
            yield LoadError("entry has no content or summary", path=article_id)


def _describe(exc: object) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
