"""Where the quads live: open a store, replace one article's graph atomically, export."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg.errors import StoreError, StoreLockedError
from kg.model import EventType
from kg.namespace import CEK, bind

__all__ = [
    "EXPORT_FORMATS",
    "article_graphs",
    "close_store",
    "export",
    "is_oxigraph",
    "open_store",
    "oxigraph_of",
    "replace",
    "stats",
]

#: Export format name -> rdflib serializer name.
EXPORT_FORMATS = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}


def open_store(location: str | Path | None = None, *, read_only: bool = False) -> Dataset:
    """Open (creating if need be) a store and return it as an rdflib `Dataset`.

    Queries on the Dataset see the union of all article graphs.

    Args:
        location: a folder for an embedded on-disk Oxigraph store, ``None`` for an in-memory
            Oxigraph store, or ``"memory"`` for rdflib's own in-memory store (small work only).
        read_only: open an on-disk store read-only, so that another process may hold it.

    Returns:
        A `Dataset` with ``default_union=True`` and kg's prefixes bound.

    Raises:
        StoreLockedError: if another process holds the on-disk store for writing.
        StoreError: if `location` exists but is not an Oxigraph store.

    Example:
        >>> ds = open_store()
        >>> len(ds)
        0
    """
    if location == "memory":
        return bind(Dataset(default_union=True))
    if location is None:
        inner = ox.Store()
    else:
        path = Path(location)
        if path.exists() and not path.is_dir():
            raise StoreError(f"store location {str(path)!r} is a file, not a folder")
        if read_only and not path.exists():
            raise StoreError(f"no store at {str(path)!r}")
        if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").exists():
            raise StoreError(f"{str(path)!r} is not an Oxigraph store (no CURRENT file); pick an empty folder")
        try:
            inner = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreLockedError(
                    f"store {str(path)!r} is in use by another process; wait for it to finish or open it read-only"
                ) from err
            raise StoreError(f"cannot open store {str(path)!r}: {err}") from err
    ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    return bind(ds)


def close_store(ds: Dataset) -> None:
    """Flush and release a store opened by `open_store` (no-op for in-memory stores)."""
    inner = oxigraph_of(ds)
    if inner is not None:
        try:
            inner.flush()
        except (OSError, RuntimeError):  # a read-only store cannot flush
            pass
        ds.store._store = None  # type: ignore[attr-defined]  # drops the RocksDB lock


def is_oxigraph(ds: Dataset) -> bool:
    """Tell whether `ds` is backed by Oxigraph."""
    return isinstance(ds.store, OxigraphStore)


def oxigraph_of(ds: Dataset) -> ox.Store | None:
    """Return the `pyoxigraph.Store` beneath `ds`, or None for another backend."""
    if isinstance(ds.store, OxigraphStore):
        return ds.store._inner
    return None


def replace_update(graph: Graph) -> str:
    """Return one SPARQL Update that drops `graph`'s named graph and inserts its triples.

    Values go in as N-Triples terms serialised by the RDF library, never formatted by hand, so
    no literal can break out of its quotes.

    Example:
        >>> from rdflib import Literal
        >>> g = Graph(identifier=URIRef("http://ex/g"))
        >>> _ = g.add((URIRef("http://ex/s"), URIRef("http://ex/p"), Literal('x" } DROP ALL #')))
        >>> print(replace_update(g))
        DROP SILENT GRAPH <http://ex/g> ;
        INSERT DATA { GRAPH <http://ex/g> {
        <http://ex/s> <http://ex/p> "x\\" } DROP ALL #" .
        } }
    """
    if not isinstance(graph.identifier, URIRef):
        raise ValueError(f"an article graph needs an IRI as identifier, got {graph.identifier!r}")
    name = graph.identifier.n3()
    body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = "\n".join(sorted(line for line in body.splitlines() if line.strip()))
    return f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{lines}\n}} }}"


def replace(ds: Dataset, graph: Graph) -> None:
    """Replace the named graph ``graph.identifier`` in `ds` with `graph`, atomically.

    On Oxigraph the drop and the insert run as one SPARQL Update, which Oxigraph applies in one
    transaction: a reader or a crash never sees half an article.

    Example:
        >>> from kg.rdf import to_graph
        >>> from kg.model import Article, Extraction
        >>> ds = open_store()
        >>> g = to_graph(Extraction(Article("a.txt", "T", "Body.")))
        >>> replace(ds, g); replace(ds, g)
        >>> len(ds)
        3
    """
    inner = oxigraph_of(ds)
    if inner is not None:
        inner.update(replace_update(graph))
        return
    ds.remove_graph(graph.identifier)
    target = ds.graph(graph.identifier)
    for triple in graph:
        target.add(triple)


def article_graphs(ds: Dataset) -> list[URIRef]:
    """Return the names of the article graphs in `ds`, sorted."""
    names = {URIRef(str(s)) for s in ds.subjects(RDF.type, CEK.Article)}
    return sorted(names)


def _sorted_nquads(ds: Dataset) -> bytes:
    inner = oxigraph_of(ds)
    if inner is not None:
        raw = inner.dump(format=ox.RdfFormat.N_QUADS)
        data = raw if isinstance(raw, bytes) else b""
    else:
        data = ds.serialize(format="nquads", encoding="utf-8")
    lines = sorted({line for line in data.splitlines() if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def export(ds: Dataset, fmt: str = "nquads", out: str | Path | IO[bytes] | None = None) -> bytes | None:
    """Serialise the whole store.

    N-Quads come out sorted and deduplicated, so the same graph always gives the same bytes;
    ``turtle`` gives the union of all graphs (graph names are lost), ``trig`` and ``jsonld`` keep
    them.

    Args:
        ds: the store.
        fmt: one of `EXPORT_FORMATS`.
        out: a path or binary file to write to; when None the bytes are returned.

    Raises:
        ValueError: for an unknown format.

    Example:
        >>> ds = open_store()
        >>> export(ds, "nquads")
        b''
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of: {', '.join(EXPORT_FORMATS)}")
    if fmt == "nquads":
        data = _sorted_nquads(ds)
    elif fmt in ("turtle", "nt"):
        union = bind(Graph())
        for triple in ds.triples((None, None, None)):
            union.add(triple)
        data = union.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")
    else:
        data = _named_only(ds).serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")
    if out is None:
        return data
    if isinstance(out, (str, Path)):
        tmp = Path(f"{out}.part")
        tmp.write_bytes(data)
        os.replace(tmp, out)
    else:
        out.write(data)
    return None


def _named_only(ds: Dataset) -> Dataset:
    """Copy the article graphs into an in-memory Dataset rdflib can serialise with graph names."""
    copy = bind(Dataset())
    buf = io.BytesIO(_sorted_nquads(ds))
    copy.parse(buf, format="nquads")
    return copy


def stats(ds: Dataset) -> dict[str, object]:
    """Count what the store holds: triples, articles, entities by class, events by type.

    Example:
        >>> stats(open_store())["triples"]
        0
    """
    q = """
    SELECT ?cls (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?cls . FILTER(STRSTARTS(STR(?cls), STR(cek:))) }
    GROUP BY ?cls
    """
    by_class: Counter[str] = Counter()
    for row in ds.query(q, initNs={"cek": CEK._NS}):
        by_class[str(row[0]).rsplit("#", 1)[-1]] = int(row[1])
    events = {t.value: by_class.get(t.value, 0) for t in EventType}
    return {
        "triples": len(ds),
        "articles": by_class.get("Article", 0),
        "firms": by_class.get("Firm", 0),
        "products": by_class.get("Product", 0),
        "places": by_class.get("Place", 0),
        "persons": by_class.get("Person", 0),
        "events": by_class.get("Event", 0),
        "events_by_type": events,
    }
