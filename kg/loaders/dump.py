"""Read JSON Lines and CSV dumps: one article per record, read as a stream, bad records reported."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from kg.errors import LoadError
from kg.loaders.base import Fields, Item, LoadOptions, decode_line, lines_capped, make_article, parse_date

__all__ = ["CANDIDATES", "is_metadata", "read_csv", "read_jsonl"]

#: The usual names of each field, tried in order (case-insensitive) when no ``--*-field`` is given.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid", "_id", "article_id", "doc_id"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "article", "story", "description", "summary"),
    "date": ("date", "published", "published_at", "pubdate", "datepublished", "publication_date", "created_at"),
    "url": ("url", "link", "href", "source_url"),
}
_ROLES = ("id", "title", "text", "date", "url")
#: Consecutive unreadable records after which a dump is given up as not a dump at all.
MAX_BAD_RUN = 1000


def _explicit(fields: Fields, role: str) -> str | None:
    return getattr(fields, role)


def _pick(keys: dict[str, str], fields: Fields, role: str) -> str | None:
    """The record key playing `role`: the one given, else the first usual name present."""
    given = _explicit(fields, role)
    if given is not None:
        return keys.get(given.lower())
    return next((keys[c] for c in CANDIDATES[role] if c in keys), None)


def is_metadata(record: object, fields: Fields | None = None) -> bool:
    """Tell a metadata record (a folder's ``index.jsonl`` line) from a dump record.

    Metadata names a file (a ``"file"`` key) and holds no text field; kg reads such files as
    metadata for the files they name and never ingests them as articles.

    Example:
        >>> is_metadata({"file": "a.txt", "date": "2015-01-15"}), is_metadata({"file": "a.txt", "text": "Body"})
        (True, False)
    """
    if not isinstance(record, dict) or not isinstance(record.get("file"), str):
        return False
    keys = {str(k).lower(): str(k) for k in record}
    return _pick(keys, fields or Fields(), "text") is None


def _text_value(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)
    return None


def _looked_for(fields: Fields, role: str) -> str:
    given = _explicit(fields, role)
    if given is not None:
        return f"no field {given!r} (check --{role}-field)"
    return f"no {role} field (looked for {', '.join(CANDIDATES[role])}; set --{role}-field)"


class _Ids:
    """Hand out unique record ids; a repeated id is reported, not silently merged."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: dict[str, str] = {}

    def take(self, raw: Any, where: str, number: int) -> str | LoadError:
        value = " ".join(str(raw).split()) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
        article_id = f"{self.name}#{value or number}"
        if article_id in self.seen:
            return LoadError(f"duplicate id ({self.seen[article_id]} has it too); {where} passed over", path=article_id)
        self.seen[article_id] = where
        return article_id


def _record(name: str, ids: _Ids, record: dict[str, Any], fields: Fields, where: str, number: int) -> Item:
    keys = {str(k).lower(): str(k) for k in record}
    picked = {role: _pick(keys, fields, role) for role in _ROLES}
    article_id = ids.take(record.get(picked["id"]) if picked["id"] else None, where, number)
    if isinstance(article_id, LoadError):
        return article_id
    if picked["text"] is None:
        return LoadError(f"{where}: {_looked_for(fields, 'text')}; fields: {', '.join(sorted(keys))}", path=article_id)
    text = _text_value(record.get(picked["text"]))
    if text is None:
        return LoadError(f"{where}: field {picked['text']!r} holds no text", path=article_id)
    title = _text_value(record.get(picked["title"])) if picked["title"] else None
    url = _text_value(record.get(picked["url"])) if picked["url"] else None
    try:
        return make_article(
            article_id,
            title,
            text,
            published=parse_date(record.get(picked["date"])) if picked["date"] else None,
            url=url,
        )
    except LoadError:
        return LoadError(f"{where}: field {picked['text']!r} is empty", path=article_id)


def read_jsonl(stream: IO[bytes], name: str, options: LoadOptions | None = None) -> Iterator[Item]:
    """Read a JSON Lines dump: one article per line, id ``<name>#<id field or line number>``.

    A broken line, a record without text or over the size limit is reported and passed over.

    Raises:
        LoadError: if the file holds metadata (records naming a ``"file"``, without text)
            or nothing readable at all.

    Example:
        >>> import io
        >>> dump = (b'{"id": "a1", "title": "Acme buys Widget", "text": "Acme bought Widget.", "date": "2015-01-15"}'
        ...         b'\\n{oops\\n')
        >>> article, error = read_jsonl(io.BytesIO(dump), "d.jsonl")
        >>> article.id, article.published
        ('d.jsonl#a1', datetime.date(2015, 1, 15))
        >>> print(error)
        d.jsonl#2: line 2: not JSON (Expecting property name enclosed in double quotes, column 2)
    """
    options = options or LoadOptions()
    ids = _Ids(name)
    read = bad_run = 0
    for number, raw in lines_capped(stream, options.max_bytes):
        where = f"line {number}"
        if raw is None:
            yield LoadError(
                f"{where}: too large (more than {options.max_bytes:,} bytes; raise --max-size)", path=f"{name}#{number}"
            )
            continue
        if not raw.strip():
            continue
        try:
            line = decode_line(
                raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw,
                encoding=options.encoding,
                name=f"{name}#{number}",
            )
            record = json.loads(line)
        except LoadError as err:
            item: Item = LoadError(f"{where}: {err.reason}", path=f"{name}#{number}")
        except (json.JSONDecodeError, RecursionError) as err:
            reason = f"{err.msg}, column {err.colno}" if isinstance(err, json.JSONDecodeError) else "nested too deep"
            item = LoadError(f"{where}: not JSON ({reason})", path=f"{name}#{number}")
        else:
            if not isinstance(record, dict):
                item = LoadError(f"{where}: a JSON {type(record).__name__}, not an object", path=f"{name}#{number}")
            elif read == 0 and is_metadata(record, options.fields):
                raise LoadError(
                    'metadata, not a dump: its records name a "file" and hold no text (see index.jsonl)', path=name
                )
            else:
                item = _record(name, ids, record, options.fields, where, number)
        if isinstance(item, LoadError):
            bad_run += 1
            if bad_run > MAX_BAD_RUN and read == 0:
                raise LoadError(f"not a JSON Lines dump: the first {MAX_BAD_RUN} records are unreadable", path=name)
        else:
            read += 1
            bad_run = 0
        yield item


def _column(spec: str, header: list[str] | None) -> int | None:
    """The index of a column given by name (in `header`) or by 1-based number."""
    if spec.isdigit():
        return int(spec) - 1
    if header is None:
        return None
    lowered = [h.strip().lower() for h in header]
    return lowered.index(spec.lower()) if spec.lower() in lowered else None


def _layout(first: list[str], fields: Fields, name: str) -> tuple[bool, dict[str, int | None]]:
    """Decide whether `first` is a header row, and which column holds what."""
    lowered = [c.strip().lower() for c in first]
    names = {n for role in _ROLES for n in CANDIDATES[role]}
    names |= {g.lower() for role in _ROLES if (g := _explicit(fields, role)) and not g.isdigit()}
    has_header = any(c in names for c in lowered)
    columns: dict[str, int | None] = {}
    for role in _ROLES:
        given = _explicit(fields, role)
        if given is not None:
            index = _column(given, first if has_header else None)
            if index is None:
                where = f"columns: {', '.join(first)}" if has_header else "the file has no header row"
                raise LoadError(f"no column {given!r} ({where}; check --{role}-field)", path=name)
            columns[role] = index
        elif has_header:
            columns[role] = next((lowered.index(c) for c in CANDIDATES[role] if c in lowered), None)
        else:  # no header: the last column is the text, the one before it the title
            columns[role] = {"text": len(first) - 1, "title": len(first) - 2 if len(first) > 1 else None}.get(role)
    if columns["text"] is None:
        raise LoadError(
            f"no text column (columns: {', '.join(first)}; looked for {', '.join(CANDIDATES['text'])};"
            " set --text-field)",
            path=name,
        )
    return has_header, columns


def _decoded_lines(stream: IO[bytes], options: LoadOptions, name: str, errors: list[LoadError]) -> Iterable[str]:
    for number, raw in lines_capped(stream, options.max_bytes):
        if raw is None:
            errors.append(LoadError(f"line {number}: too large (raise --max-size)", path=f"{name}#line{number}"))
            yield "\n"
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield decode_line(raw, encoding=options.encoding, name=name)
        except LoadError as err:
            errors.append(LoadError(f"line {number}: {err.reason}", path=f"{name}#line{number}"))
            yield "\n"


def read_csv(stream: IO[bytes], name: str, options: LoadOptions | None = None) -> Iterator[Item]:
    """Read a CSV dump: one article per row, id ``<name>#<id column or row number>``.

    A first row naming a known field (or one given by ``--*-field``) is the header. Without
    one, the last column is the text and the one before it the title (the AG News layout);
    columns may also be picked by 1-based number, e.g. ``--text-field 3``.

    Raises:
        LoadError: if the file has no text column, or no rows.

    Example:
        >>> import io
        >>> rows = b'id,title,text\\nx1,Acme buys Widget,Acme bought Widget.\\nx2,No text\\n'
        >>> [str(x) for x in read_csv(io.BytesIO(rows), "d.csv")]  # doctest: +ELLIPSIS
        ["Article(id='d.csv#x1', title='Acme buys Widget', text='Acme bought Widget.', ...)",
         'd.csv#x2: row 2: no text (the row has 2 of 3 columns)']
    """
    options = options or LoadOptions()
    errors: list[LoadError] = []
    lines = _decoded_lines(stream, options, name, errors)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, options.max_bytes))
    try:
        reader = csv.reader(lines, dialect="excel-tab" if name.lower().endswith(".tsv") else "excel")
        first = next(reader, None)
        while first is not None and not any(c.strip() for c in first):
            first = next(reader, None)
        if first is None:
            raise LoadError("empty file (no rows)", path=name)
        has_header, columns = _layout(first, options.fields, name)
        ids = _Ids(name)
        pending = [] if has_header else [first]
        number = bad_run = 0
        while True:
            try:
                row = pending.pop() if pending else next(reader, None)
            except csv.Error as err:
                number += 1
                bad_run += 1
                yield LoadError(f"row {number}: not CSV ({err})", path=f"{name}#{number}")
                if bad_run > MAX_BAD_RUN:
                    raise LoadError(f"not a CSV dump: {MAX_BAD_RUN} unreadable rows in a row", path=name) from err
                continue
            yield from errors
            errors.clear()
            if row is None:
                return
            if not any(c.strip() for c in row):
                continue
            number += 1
            item = _row(name, ids, row, columns, number, len(first))
            bad_run = bad_run + 1 if isinstance(item, LoadError) else 0
            yield item
    finally:
        csv.field_size_limit(limit)


def _row(name: str, ids: _Ids, row: list[str], columns: dict[str, int | None], number: int, width: int) -> Item:
    def cell(role: str) -> str | None:
        index = columns[role]
        return row[index] if index is not None and index < len(row) else None

    where = f"row {number}"
    article_id = ids.take(cell("id"), where, number)
    if isinstance(article_id, LoadError):
        return article_id
    text = cell("text")
    if text is None:
        return LoadError(f"{where}: no text (the row has {len(row)} of {width} columns)", path=article_id)
    try:
        return make_article(article_id, cell("title"), text, published=parse_date(cell("date")), url=cell("url"))
    except LoadError:
        return LoadError(f"{where}: the text column is empty", path=article_id)
