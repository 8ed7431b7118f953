"""Users' own entities and aliases, read from a CSV file: `read_aliases` gives a `Lexicon`.

The file has a header row naming its columns; ``kind``, ``name`` and ``alias`` are required,
``key`` and ``link`` optional. Each row adds one alias (or none: an empty cell) to the entity
named by its kind and name; rows of one entity may repeat its kind and name as often as needed::

    kind,name,alias,link
    firm,International Business Machines,IBM,https://www.wikidata.org/wiki/Q37156
    firm,International Business Machines,Big Blue,
    product,Quill Notes,Quill,

Every listed name and alias is then found in articles even where the statistical model misses
it (an EntityRuler made from the file), and every one of them resolves to the one entity key.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.extract.entities import entity_key, normalise_name
from kg.extract.gazetteer import fold, lookup_place
from kg.model import Kind

__all__ = ["KINDS", "AliasFileError", "Lexicon", "UserEntity", "parse_aliases", "read_aliases"]

#: The kinds a file may name, and the kind each becomes.
KINDS: dict[str, Kind] = {"firm": Kind.FIRM, "product": Kind.PRODUCT, "person": Kind.PERSON, "place": Kind.PLACE}
#: The spaCy entity label a user entity of each kind is tagged with.
LABELS: dict[Kind, str] = {Kind.FIRM: "ORG", Kind.PRODUCT: "PRODUCT", Kind.PERSON: "PERSON"}
REQUIRED_COLUMNS = ("kind", "name", "alias")
OPTIONAL_COLUMNS = ("key", "link")
_KEY = re.compile(r"[a-z]+/[a-z0-9][a-z0-9._~-]*")


class AliasFileError(KgError):
    """An aliases file kg cannot use; the message names the file and line.

    Example:
        >>> str(AliasFileError("unknown kind 'x'", path="a.csv", line=3))
        "a.csv line 3: unknown kind 'x'"
    """

    def __init__(self, reason: str, *, path: str = "", line: int = 0) -> None:
        self.reason, self.path, self.line = reason, path, line
        where = f"{path} line {line}" if line else path
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True, slots=True)
class UserEntity:
    """One entity a user listed: its key, kind, preferred name, aliases and links."""

    key: str
    kind: Kind
    name: str
    aliases: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    code: str | None = None

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


def _norm(surface: str) -> str:
    return fold(normalise_name(surface))


@dataclass(frozen=True)
class Lexicon:
    """The entities of an aliases file, looked up by any of their surface forms.

    Example:
        >>> lex = parse_aliases("kind,name,alias\\nfirm,Big Blue Machines Corp,BBM\\n")
        >>> lex.lookup("BBM").key, lex.lookup("big blue machines").name
        ('firm/big-blue-machines', 'Big Blue Machines Corp')
        >>> lex.lookup("nothing") is None
        True
    """

    entities: tuple[UserEntity, ...] = ()
    _index: dict[str, UserEntity] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for e in self.entities:
            for s in e.surfaces:
                self._index.setdefault(_norm(s), e)

    def __len__(self) -> int:
        return len(self.entities)

    def lookup(self, surface: str) -> UserEntity | None:
        """Return the entity `surface` names (case, a leading "the" and legal suffixes ignored)."""
        return self._index.get(_norm(surface))

    def patterns(self) -> list[dict[str, str]]:
        """Phrase patterns for a spaCy EntityRuler (matched on lowercase text), id = entity key."""
        out = []
        for e in self.entities:
            label = LABELS.get(e.kind, "GPE")
            for s in dict.fromkeys(e.surfaces):
                out.append({"label": label, "pattern": s, "id": e.key})
        return out


def parse_aliases(text: str, path: str = "") -> Lexicon:
    """Read an aliases file's text (CSV with a header) into a `Lexicon`.

    Args:
        text: the file's content.
        path: the file's name, for messages.

    Raises:
        AliasFileError: on a missing column, an unknown kind, an empty name, a bad key or
            link, or an alias claimed by two entities; the message names the line.

    Example:
        >>> parse_aliases("kind,name,alias\\nfirma,X,\\n", "a.csv")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kg.extract.aliases.AliasFileError: a.csv line 2: unknown kind 'firma'; expected one of: firm, ...
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise AliasFileError("empty file; expected a header row 'kind,name,alias'", path=path)
    header = [c.strip().lower() for c in rows[header_at]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        raise AliasFileError(
            f"the header must name the columns {', '.join(REQUIRED_COLUMNS)} (optional: "
            f"{', '.join(OPTIONAL_COLUMNS)}); got {', '.join(header) or 'nothing'}",
            path=path,
            line=header_at + 1,
        )
    col = {c: header.index(c) for c in header}
    order: list[tuple[Kind, str]] = []
    data: dict[tuple[Kind, str], dict] = {}
    owner: dict[str, tuple[tuple[Kind, str], int]] = {}  # normalised surface -> (key, line)
    for n, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(header):
            raise AliasFileError(f"{len(row)} cells, but the header names {len(header)} columns", path=path, line=n)

        def cell(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        kind_text, name, alias = cell("kind").lower(), cell("name"), cell("alias")
        if kind_text not in KINDS:
            raise AliasFileError(
                f"unknown kind {kind_text!r}; expected one of: {', '.join(sorted(KINDS))}", path=path, line=n
            )
        if not name:
            raise AliasFileError("empty name", path=path, line=n)
        kind = KINDS[kind_text]
        ident = (kind, _norm(name))
        if ident not in data:
            place = lookup_place(name) if kind is Kind.PLACE else None
            data[ident] = {
                "name": name,
                "kind": place.kind if place else kind,
                "key": place.key if place else entity_key(kind, name),
                "aliases": [],
                "links": [place.link] if place and place.link else [],
                "code": place.code if place else None,
            }
            order.append(ident)
        entry = data[ident]
        key, link = cell("key"), cell("link")
        if key:
            if not _KEY.fullmatch(key):
                raise AliasFileError(
                    f"key {key!r} must look like 'firm/acme' (lowercase, no spaces)", path=path, line=n
                )
            prefix = entry["key"].split("/")[0]
            if not key.startswith(prefix + "/"):
                raise AliasFileError(
                    f"key {key!r} of a {kind_text} must start with {prefix + '/'!r}", path=path, line=n
                )
            entry["key"] = key
        if link:
            if not re.match(r"https?://\S+$", link):
                raise AliasFileError(f"link {link!r} is not an http(s) URL", path=path, line=n)
            if link not in entry["links"]:
                entry["links"].append(link)
        if alias and _norm(alias) != ident[1] and alias not in entry["aliases"]:
            entry["aliases"].append(alias)
        for surface in (name, alias):
            if not surface:
                continue
            norm = _norm(surface)
            prev = owner.get(norm)
            if prev is not None and prev[0] != ident:
                other = data[prev[0]]
                raise AliasFileError(
                    f"{surface!r} already names {other['kind'].value.lower()} {other['name']!r} (line {prev[1]})",
                    path=path,
                    line=n,
                )
            owner.setdefault(norm, (ident, n))
    entities = tuple(
        UserEntity(
            key=d["key"],
            kind=d["kind"],
            name=d["name"],
            aliases=tuple(d["aliases"]),
            links=tuple(d["links"]),
            code=d["code"],
        )
        for d in (data[i] for i in order)
    )
    seen: dict[str, str] = {}
    for e in entities:
        if e.key in seen and seen[e.key] != e.name:
            raise AliasFileError(f"{e.name!r} and {seen[e.key]!r} have the same key {e.key!r}", path=path)
        seen[e.key] = e.name
    return Lexicon(entities)


def read_aliases(path: str | Path) -> Lexicon:
    """Read an aliases file (see the module docstring) into a `Lexicon`.

    Raises:
        AliasFileError: if the file cannot be read or is not valid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AliasFileError("no such file", path=str(p)) from None
    except UnicodeDecodeError as err:
        raise AliasFileError(f"not UTF-8 ({err.reason} at byte {err.start})", path=str(p)) from None
    except OSError as err:
        raise AliasFileError(err.strerror or str(err), path=str(p)) from None
    return parse_aliases(text, str(p))
