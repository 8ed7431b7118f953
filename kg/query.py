"""Named SPARQL queries from ``queries/`` and running them with parameters bound as RDF terms.

A parameter value is never pasted into query text as the caller wrote it. On Oxigraph (local)
and on a remote endpoint it goes in as a ``VALUES`` block at the top of the WHERE group, built
only from validated rdflib terms (`kg.remote.inline_values` says why that is safe); on rdflib's
memory store as ``initBindings``; a value a VALUES block cannot carry exactly falls back to
initBindings (Oxigraph *substitutions* through oxrdflib). Those mechanisms agree only under one
convention, which every shipped query follows and ``tests/test_queries_shipped.py`` and
``tests/test_server.py`` check on all three backends:

* every parameter is projected (Oxigraph's substitutions refuse a variable that is not);
* it is used in a triple pattern (of the top-level group, or of a ``GRAPH ?g`` block in it) or
  in a FILTER of the top-level group, never only inside OPTIONAL, a sub-select or BOUND (where
  the backends disagree: rdflib#1772, oxrdflib#8);
* "all" and "by firm" are separate queries: a parameter without a default is required.

Oxigraph's union default graph is a bag: an entity named in 5,000 articles has its type and
label 5,000 times, and a join of the two across the union gives 25 million rows. Shipped
queries therefore join an event with its parties' labels inside the event's own article graph
(``GRAPH ?g { ... }``: names as that article gives them), group per event, and count DISTINCT.

Speed (measured on a 1M-triple store, see ``benchmarks/RESULTS-queries.md``): on Oxigraph a
query costs about 5-10 µs per index lookup (one per pattern per row), so a list of 6,000 events
with eight columns takes a few hundred milliseconds whatever the query's shape. Where an
OPTIONAL of two patterns sits inside ``GRAPH ?g { }``, Oxigraph may evaluate it on its own for
every event in the store and hash-join it; written at the top level as ``OPTIONAL { GRAPH ?g
{ ... } }`` it is looked up per row instead (lawsuits-by-subject: 670 ms to 310 ms). kg reads
Oxigraph results itself rather than through oxrdflib, converting each distinct term once
(`_Terms`), which took about 40 % off list queries.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier

from kg.errors import QueryError
from kg.namespace import CEK, PREFIXES
from kg.resources import queries_dir
from kg.store import is_oxigraph, oxigraph_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ENTITY_KINDS",
    "KINDS",
    "NamedQuery",
    "Param",
    "bind_parameters",
    "get_query",
    "list_queries",
    "parse_query_file",
    "query_df",
    "resolve_entity",
    "rows_of",
    "run",
    "to_term",
]

#: Parameter kinds whose values may be names, resolved to IRIs of this class.
ENTITY_KINDS: dict[str, URIRef] = {"firm": CEK.Firm, "place": CEK.Place, "product": CEK.Product}
#: Every parameter kind a query header may declare.
KINDS = (*ENTITY_KINDS, "iri", "literal", "int", "date")

_HEADER = re.compile(r"^#\s*(title|returns|param|description)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(
    r"^\??(?P<name>\w+)\s*(?:\((?P<kind>[^)]*)\))?\s*(?:=\s*(?P<default>\S+))?\s*(?:[-—:]\s*(?P<doc>.*))?$"
)
# An absolute IRI as SPARQL's IRIREF allows it: a scheme, then no space, <, >, ", {, }, |, ^, `, \.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z][\w-]*):(?P<local>[^\s/][^\x00-\x20<>\"{}|^`\\]*)$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# Names to IRIs: the label wins over an alias; LCASE on both sides makes the match
# case-insensitive. ?key and ?class are bound, projected, and used at the top level. Each
# article graph repeats the type and labels of the entities it names, and Oxigraph's union
# default graph keeps the repeats, so an entity's type and labels are joined within one graph
# (GRAPH ?g): joined across the union, a firm named in 5,000 articles gives 25 million rows.
_RESOLVE = """
SELECT DISTINCT ?class ?key ?entity ?how WHERE {
  { GRAPH ?g { ?entity rdfs:label ?name . ?entity a ?class } BIND("label" AS ?how) }
  UNION
  { GRAPH ?g { ?entity skos:altLabel ?name . ?entity a ?class } BIND("alias" AS ?how) }
  FILTER (LCASE(STR(?name)) = ?key)
}
"""
# The same, for a name as written: an index lookup (0.001 s at a million triples, where the LCASE
# scan above reads every label: 1.5 s). The GRAPH block inside each branch lets Oxigraph start
# from the bound name.
_RESOLVE_EXACT = """
SELECT DISTINCT ?class ?name ?entity ?how WHERE {
  { GRAPH ?g { ?entity rdfs:label ?name . ?entity a ?class } BIND("label" AS ?how) }
  UNION
  { GRAPH ?g { ?entity skos:altLabel ?name . ?entity a ?class } BIND("alias" AS ?how) }
}
"""
_LABELS = "SELECT DISTINCT ?class ?name WHERE { GRAPH ?g { ?entity a ?class ; rdfs:label|skos:altLabel ?name } }"
_LABEL_OF = "SELECT ?entity (MIN(STR(?l)) AS ?label) WHERE { ?entity rdfs:label ?l } GROUP BY ?entity"


class Queryable(Protocol):
    """Anything `run` can ask besides an rdflib graph: a remote endpoint (`kg.remote.Endpoint`)."""

    def query(self, text: str, /, **bindings: Any) -> Result: ...


Target = Graph | Queryable


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a named query: a SPARQL variable the caller may bind.

    `kind` is one of `KINDS`; `default` is text, converted like a caller's value.
    """

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
    ``# returns: ...`` and one ``# param: name (kind) = default - doc`` per parameter, where
    kind is one of `KINDS` (``literal`` when left out).

    Raises:
        QueryError: if the file has no ``# title:`` line, or a parameter line is malformed.

    Example:
        >>> q = parse_query_file(queries_dir() / "market-entries-by-firm.rq")
        >>> q.title, [(p.name, p.kind, p.default) for p in q.params]
        ('Market entries of a firm', [('firm', 'firm', None)])
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
            kind = (pm["kind"] or "literal").strip()
            if kind not in KINDS:
                raise QueryError(
                    f"{path.name}: parameter {pm['name']!r} has kind {kind!r}; expected one of: {', '.join(KINDS)}"
                )
            params.append(Param(pm["name"], kind, pm["default"], (pm["doc"] or "").strip()))
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

    Example:
        >>> get_query("lawsuits").title
        'Lawsuits'
    """
    queries = {q.name: q for q in list_queries(folder)}
    if name not in queries:
        raise QueryError(f"unknown query {name!r}; expected one of: {', '.join(sorted(queries))}")
    return queries[name]


def _expand(text: str) -> URIRef | None:
    """An IRI written in full, or as a CURIE with one of kg's prefixes (``res:firm/acme``)."""
    m = _CURIE.match(text)
    if m and m["prefix"] in PREFIXES:
        return URIRef(str(PREFIXES[m["prefix"]]) + m["local"])
    if _IRI.match(text) and (text.startswith(("http://", "https://", "urn:")) or "/" in text.split(":", 1)[1][:2]):
        return URIRef(text)
    return None


def to_term(value: object, kind: str = "literal") -> Identifier:
    """Turn a Python value into the RDF term a parameter binds to.

    Strings become plain literals (never query text). ``kind="iri"`` makes an IRI (a CURIE
    with one of kg's prefixes is expanded), ``"int"`` an ``xsd:integer``, ``"date"`` an
    ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` by precision. Names of firms, places
    and products need a store to resolve: see `resolve_entity`.

    Raises:
        ValueError: if the value does not fit the kind; the message names it.

    Example:
        >>> to_term('x" } DROP ALL #')
        rdflib.term.Literal('x" } DROP ALL #')
        >>> to_term("res:firm/acme", "iri")
        rdflib.term.URIRef('https://w3id.org/cekg/resource/firm/acme')
        >>> to_term("2015-06", "date").datatype
        rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYearMonth')
        >>> to_term("ten", "int")
        Traceback (most recent call last):
        ...
        ValueError: 'ten' is not an integer
    """
    if isinstance(value, Identifier):
        return value
    if kind in ("iri", *ENTITY_KINDS):
        iri = _expand(str(value))
        if iri is None:
            raise ValueError(f"not an IRI: {str(value)!r} (write it in full, or as res:kind/slug)")
        return iri
    if kind == "int":
        try:
            return Literal(int(str(value).strip()))
        except ValueError:
            raise ValueError(f"{str(value)!r} is not an integer") from None
    if kind == "date":
        from kg.rdf import date_literal

        text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
        if not _DATE.match(text):
            raise ValueError(f"{text!r} is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY")
        return date_literal(text)
    if kind != "literal":
        raise ValueError(f"unknown parameter kind {kind!r}; expected one of: {', '.join(KINDS)}")
    return Literal(value)


def _select(target: Target, text: str, bindings: dict[str, Identifier]) -> Result:
    """Run query text with bound terms on a local store or a remote endpoint.

    On Oxigraph the terms go in as a VALUES block (`kg.remote.inline_values`, built from
    validated rdflib terms only): Oxigraph applies ``substitutions`` (what oxrdflib makes of
    initBindings) after evaluating the whole query, and a VALUES block before it. Measured at a
    million triples: 1.1 s against 0.002 s for one label lookup. A value VALUES cannot carry
    exactly falls back to substitutions. rdflib's own store keeps initBindings.
    """
    if isinstance(target, Graph):
        if bindings and is_oxigraph(target):  # type: ignore[arg-type]
            from kg.remote import inline_values

            try:
                text, bindings = inline_values(text, bindings), {}
            except (ValueError, QueryError):
                pass
        initns = {p: str(ns) for p, ns in PREFIXES.items()}
        if not bindings and isinstance(target, Dataset) and target.default_union and is_oxigraph(target):
            return _oxigraph_query(target, text, initns)
        return target.query(text, initNs=initns, initBindings=bindings)
    return target.query(text, **bindings)


class _Terms:
    """pyoxigraph terms to rdflib terms, as oxrdflib converts them, each distinct term once.

    oxrdflib builds an rdflib term per cell; a result of 6,000 rows repeats its firms, places,
    statuses and dates, and `rdflib.Literal` costs microseconds a piece, so converting through
    a cache made results about five times cheaper to read (measured at a million triples).
    """

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[object, Any] = {}

    def __call__(self, term: Any) -> Any:
        if term is None:
            return None
        try:
            return self._cache[term]
        except KeyError:
            pass
        if isinstance(term, ox.NamedNode):
            out: Any = URIRef(term.value)
        elif isinstance(term, ox.Literal):
            if term.language:
                out = Literal(term.value, lang=term.language)
            else:
                out = Literal(term.value, datatype=self(term.datatype))
        elif isinstance(term, ox.BlankNode):
            out = BNode(term.value)
        elif isinstance(term, ox.Triple):
            out = (self(term.subject), self(term.predicate), self(term.object))
        else:
            raise ValueError(f"unexpected Oxigraph term: {term!r}")
        self._cache[term] = out
        return out


class _SelectResult(Result):
    """A SELECT result read from pyoxigraph lazily, rows built without rdflib's per-row cost."""

    def __init__(self, solutions: ox.QuerySolutions) -> None:
        super().__init__("SELECT")
        self.vars = [Variable(v.value) for v in solutions.variables]
        term = _Terms()
        names = self.vars
        self.bindings = (dict(zip(names, map(term, s), strict=True)) for s in solutions)

    def __iter__(self) -> Iterator[Any]:
        names = self.vars or []
        labels = {str(v): i for i, v in enumerate(names)}
        for b in self.bindings:
            if b:  # as rdflib: no row for an empty binding
                row = tuple.__new__(ResultRow, [b.get(v) for v in names])
                row.labels = labels
                yield row


def _oxigraph_query(ds: Dataset, text: str, initns: dict[str, str]) -> Result:
    """Run query text on the pyoxigraph store beneath `ds` (its union default graph), as oxrdflib does.

    The same call and the same rdflib terms as ``ds.query`` through oxrdflib, without its
    per-cell conversion cost (see `_Terms`): a SELECT's rows are converted as they are read.
    """
    inner = oxigraph_of(ds)
    assert inner is not None
    prefixes = {str(p): str(ns) for p, ns in ds.store.namespaces()}
    prefixes.update(initns)
    result = inner.query(text, use_default_graph_as_union=True, prefixes=prefixes)
    if isinstance(result, ox.QuerySolutions):
        return _SelectResult(result)
    if isinstance(result, ox.QueryBoolean):
        out = Result("ASK")
        out.askAnswer = bool(result)
        return out
    term = _Terms()
    out = Result("CONSTRUCT")
    out.graph = Graph()
    out.graph += (term(t) for t in result)
    return out


def rows_of(result: Result) -> list[tuple[Any, ...]]:
    """Return the rows of a SELECT result as tuples of rdflib terms (unbound cells None).

    Example:
        >>> from kg.store import open_store
        >>> rows_of(run(open_store(), "SELECT ?a ?b WHERE { BIND(1 AS ?a) }"))
        [(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), None)]
    """
    return [tuple(cast(ResultRow, row)) for row in result]


def resolve_entity(target: Target, value: object, kind: str = "firm") -> URIRef:
    """Resolve a firm, place or product name to its IRI through its labels and aliases.

    A name as written (case included) is looked up first, through the store's index; only
    when nothing has it does the match ignore case, which reads every label (about 1.5 s at a
    million triples). An entity whose ``rdfs:label`` matches wins over ones matched by a
    ``skos:altLabel``; an IRI (or ``res:`` CURIE) is taken as it is.

    Args:
        target: a store (rdflib graph or `Dataset`) or a remote `kg.remote.Endpoint`.
        value: the name, or an IRI.
        kind: ``firm``, ``place`` or ``product``.

    Raises:
        QueryError: if no entity has that name (the message suggests near names), or several
            do (the message lists them).

    Example:
        >>> from kg.model import Article, Entity, Extraction, Kind
        >>> from kg.rdf import to_graph
        >>> from kg.store import open_store, replace
        >>> ds = open_store()
        >>> e = Entity("firm/xiaomi", Kind.FIRM, "Xiaomi", frozenset({"Xiaomi Inc."}))
        >>> replace(ds, to_graph(Extraction(Article("a.txt", "T", "B."), entities=(e,))))
        >>> resolve_entity(ds, "xiaomi inc.")
        rdflib.term.URIRef('https://w3id.org/cekg/resource/firm/xiaomi')
        >>> resolve_entity(ds, "Xiaomee")
        Traceback (most recent call last):
        ...
        kg.errors.QueryError: no firm named 'Xiaomee' (by label or alias); did you mean: Xiaomi?
    """
    if kind not in ENTITY_KINDS:
        raise ValueError(f"cannot resolve names of kind {kind!r}; expected one of: {', '.join(ENTITY_KINDS)}")
    if isinstance(value, URIRef):
        return value
    text = str(value).strip()
    iri = _expand(text)
    if iri is not None:
        return iri
    cls = ENTITY_KINDS[kind]
    found: set[URIRef] = set()
    for query, key in ((_RESOLVE_EXACT, {"name": Literal(text)}), (_RESOLVE, {"key": Literal(text.lower())})):
        by_how: dict[str, set[URIRef]] = {"label": set(), "alias": set()}
        for row in rows_of(_select(target, query, {**key, "class": cls})):
            by_how[str(row[3])].add(URIRef(str(row[2])))
        found = by_how["label"] or by_how["alias"]
        if found:
            break
    if len(found) == 1:
        return next(iter(found))
    if not found:
        names = sorted({str(r[1]) for r in rows_of(_select(target, _LABELS, {"class": cls}))})
        near = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(near)}?" if near else ""
        raise QueryError(f"no {kind} named {text!r} (by label or alias){hint}")
    labels = {e: [str(r[1]) for r in rows_of(_select(target, _LABEL_OF, {"entity": e}))] for e in sorted(found)}
    listed = ", ".join(f"{(labels[e] or ['?'])[0]} <{e}>" for e in sorted(found))
    raise QueryError(f"{kind} name {text!r} is ambiguous; it names {listed}; pass one IRI instead")


def bind_parameters(target: Target, query: NamedQuery, bindings: dict[str, object]) -> dict[str, Identifier]:
    """Check `bindings` against a named query's parameters and turn them into RDF terms.

    Parameters not given take their default; a parameter without a default must be given.
    Firm, place and product names are resolved to IRIs on `target` (see `resolve_entity`).

    Raises:
        QueryError: for an unknown or missing parameter, or a value that does not fit its kind.

    Example:
        >>> from kg.store import open_store
        >>> bind_parameters(open_store(), get_query("firms-by-events"), {})
        {'minEvents': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}
    """
    known = {p.name: p for p in query.params}
    for name in bindings:
        if name not in known:
            raise QueryError(
                f"query {query.name!r} has no parameter {name!r}; expected one of: {', '.join(known) or 'none'}"
            )
    terms: dict[str, Identifier] = {}
    for p in query.params:
        value = bindings.get(p.name)
        if value is None:
            value = p.default
        if value is None:
            raise QueryError(f"query {query.name!r} needs parameter {p.name!r} ({p.doc or p.kind})")
        try:
            if p.kind in ENTITY_KINDS:
                terms[p.name] = resolve_entity(target, value, p.kind)
            else:
                terms[p.name] = to_term(value, p.kind)
        except ValueError as err:
            raise QueryError(f"parameter {p.name!r} of query {query.name!r}: {err}") from None
    return terms


def _as_named(query: str | NamedQuery) -> NamedQuery | None:
    if isinstance(query, NamedQuery):
        return query
    if re.match(r"^[\w-]+$", query.strip()):
        return get_query(query.strip())
    return None


def run(target: Target, query: str | NamedQuery, /, **bindings: object) -> Result:
    """Run a named query or SPARQL text on a store or a remote endpoint.

    Values are bound as RDF terms, never formatted into the query string: on Oxigraph and
    remotely as a ``VALUES`` block of validated terms (see `kg.remote.inline_values`), on rdflib's
    memory store as ``initBindings``. A named query's parameters are checked and converted by
    `bind_parameters`; for SPARQL text every value binds as a plain literal unless it is an
    rdflib term already.

    Args:
        target: the store (see `kg.store.open_store`) or a `kg.remote.Endpoint`.
        query: a named query's name, a `NamedQuery`, or SPARQL text.
        **bindings: variable name -> value (an rdflib term, or a Python value).

    Returns:
        An rdflib `Result`: iterate it for rows; ``.vars`` names the columns.

    Raises:
        QueryError: for an unknown name or parameter, a bad value, or a query that does not
            parse or cannot take a binding.

    Example:
        >>> from kg.store import open_store
        >>> list(run(open_store(), "SELECT (1 AS ?one) WHERE {}"))[0][0].toPython()
        1
    """
    nq = _as_named(query)
    if nq is not None:
        text = nq.text
        terms = bind_parameters(target, nq, bindings)
    else:
        text = str(query)
        try:
            terms = {k: to_term(v) for k, v in bindings.items() if v is not None}
        except ValueError as err:
            raise QueryError(str(err)) from None
    try:
        return _select(target, text, terms)
    except (SyntaxError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err
    except RuntimeError as err:  # Oxigraph: a bound variable that is not projected
        if "projection" in str(err):
            raise QueryError(f"{err}: a bound parameter must be in the SELECT clause") from err
        raise
    except Exception as err:  # pyparsing's ParseException when rdflib parses
        if type(err).__name__ in ("ParseException", "ParseSyntaxException"):
            raise QueryError(f"query does not parse: {err}") from err
        raise


def _py(term: object) -> object:
    """A cell for a DataFrame: numbers and booleans as Python values, other terms as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal):
            return float(value)
    return str(term)


def query_df(target: Target, query: str | NamedQuery, /, **bindings: object) -> pd.DataFrame:
    """Run a query like `run` and return its rows as a pandas DataFrame.

    Columns are the query's variables; numbers become Python numbers, IRIs, dates and text
    become strings, and unbound cells are missing values (``df[col].isna()``).

    Raises:
        QueryError: as `run`; also for a query that gives no rows of bindings (ASK, CONSTRUCT).

    Example:
        >>> from kg.store import open_store
        >>> query_df(open_store(), "SELECT (1 AS ?one) ('a' AS ?two) WHERE {}")
           one two
        0    1   a
    """
    import pandas as pd

    result = run(target, query, **bindings)
    if result.type != "SELECT":
        raise QueryError(f"query_df needs a SELECT query, got {result.type}")
    names = [str(v) for v in result.vars or []]
    rows = [[_py(cell) for cell in row] for row in rows_of(result)]
    return pd.DataFrame(rows, columns=names)
