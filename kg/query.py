"""Named SPARQL queries from ``queries/`` and running them with bound parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from kg.errors import QueryError
from kg.namespace import PREFIXES
from kg.resources import queries_dir

__all__ = ["NamedQuery", "Param", "get_query", "list_queries", "run", "to_term"]

_HEADER = re.compile(r"^#\s*(title|returns|param|description)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(
    r"^\??(?P<name>\w+)\s*(?:\((?P<kind>[^)]*)\))?\s*(?:=\s*(?P<default>\S+))?\s*(?:[-—:]\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a named query: a SPARQL variable the caller may bind."""

    name: str
    kind: str = "literal"
    default: str | None = None
    doc: str = ""


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A query file: its name (the file stem), header fields and text."""

    name: str
    title: str
    description: str
    returns: str
    params: tuple[Param, ...]
    text: str
    path: Path


def parse_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its header comment.

    The header is the leading ``#`` lines: ``# title: ...``, ``# description: ...``,
    ``# returns: ...`` and one ``# param: name (iri|literal|firm) = default - doc`` per parameter.

    Raises:
        QueryError: if the file has no ``# title:`` line.
    """
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {"title": "", "description": "", "returns": ""}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QueryError(f"{path.name}: cannot read parameter line {value!r}")
            params.append(
                Param(pm["name"], (pm["kind"] or "literal").strip(), pm["default"], (pm["doc"] or "").strip())
            )
        else:
            fields[key] = (fields[key] + " " + value).strip()
    if not fields["title"]:
        raise QueryError(f"{path.name}: the header has no '# title:' line")
    return NamedQuery(path.stem, fields["title"], fields["description"], fields["returns"], tuple(params), text, path)


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Return the named queries shipped with kg (or in `folder`), sorted by name.

    Example:
        >>> any(q.name == "market-entries" for q in list_queries())
        True
    """
    folder = folder or queries_dir()
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def get_query(name: str, folder: Path | None = None) -> NamedQuery:
    """Return one named query.

    Raises:
        QueryError: if no query has that name; the message lists the names there are.
    """
    queries = {q.name: q for q in list_queries(folder)}
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; expected one of: {', '.join(sorted(queries))}")
    return queries[name]


def to_term(value: object, kind: str = "literal") -> Identifier:
    """Turn a Python value into the RDF term a parameter binds to.

    Strings become plain literals (never query text); ``kind="iri"`` makes an IRI.

    Example:
        >>> to_term('x" } DROP ALL #')
        rdflib.term.Literal('x" } DROP ALL #')
        >>> to_term("https://w3id.org/cekg/resource/firm/acme", "iri")
        rdflib.term.URIRef('https://w3id.org/cekg/resource/firm/acme')
    """
    if isinstance(value, Identifier):
        return value
    if kind == "iri":
        text = str(value)
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
            raise ValueError(f"not an IRI: {text!r}")
        return URIRef(text)
    return Literal(value)


def run(ds: Dataset, query: str | NamedQuery, **bindings: object) -> Result:
    """Run a named query or SPARQL text on `ds`, binding parameters as RDF terms.

    Values are passed as ``initBindings`` (Oxigraph substitutions), never formatted into the
    query string. Parameters of a named query that are not given take their default; one
    without a default must be given. Oxigraph substitutes a variable only where it stands in
    a pattern and in the projection, so shipped queries use each parameter in a triple pattern
    and project it.

    Args:
        ds: the store.
        query: a named query's name, a `NamedQuery`, or SPARQL text.
        **bindings: variable name -> value (an rdflib term, or a Python value).

    Raises:
        QueryError: for an unknown name, an unknown parameter, or a query that does not parse.

    Example:
        >>> from kg.store import open_store
        >>> list(run(open_store(), "SELECT (1 AS ?one) WHERE {}"))[0][0].toPython()
        1
    """
    nq: NamedQuery | None
    if isinstance(query, NamedQuery):
        nq = query
    elif re.match(r"^[\w-]+$", query.strip()):
        nq = get_query(query.strip())
    else:
        nq = None
    text = nq.text if nq else query
    terms: dict[str, Identifier] = {}
    if nq:
        known = {p.name: p for p in nq.params}
        for name in bindings:
            if name not in known:
                raise QueryError(
                    f"query {nq.name!r} has no parameter {name!r}; expected one of: {', '.join(known) or 'none'}"
                )
        for p in nq.params:
            value = bindings.get(p.name, p.default)
            if value is None:
                raise QueryError(f"query {nq.name!r} needs parameter {p.name!r} ({p.doc or p.kind})")
            terms[p.name] = to_term(value, "iri" if p.kind in ("iri", "firm", "place") else "literal")
    else:
        terms = {k: to_term(v) for k, v in bindings.items() if v is not None}
    try:
        return ds.query(text, initNs={p: str(ns) for p, ns in PREFIXES.items()}, initBindings=terms)
    except (SyntaxError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err
    except Exception as err:  # pyparsing's ParseException when rdflib parses
        if type(err).__name__ in ("ParseException", "ParseSyntaxException"):
            raise QueryError(f"query does not parse: {err}") from err
        raise
