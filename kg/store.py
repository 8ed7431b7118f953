"""Where the quads live: open a store, replace one article's graph atomically, export."""

from __future__ import annotations

import errno
import functools
import io
import logging
import os
import shutil
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import StoreError, StoreLockedError
from kg.model import EventType
from kg.namespace import CEK, bind

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

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

log = logging.getLogger(__name__)

#: Export format name -> rdflib serializer name.
EXPORT_FORMATS = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}


def open_store(location: str | Path | None = None, *, read_only: bool = False) -> Dataset:
    """Open (creating if need be) a store and return it as an rdflib `Dataset`.

    Queries on the Dataset see the union of all article graphs.

    Args:
        location: a folder for an embedded on-disk Oxigraph store, ``None`` for an in-memory
            Oxigraph store, or ``"memory"`` for rdflib's own in-memory store (small work only).
        read_only: open an on-disk store read-only, so that another process may hold it. While
            another process writes the store, it is read from a private copy taken at opening
            (its table files hard-linked, its logs copied; consistent, as of that moment), which
            `close_store` removes: RocksDB leaves a plain read-only open beside a writer undefined.

    Returns:
        A `Dataset` with ``default_union=True`` and kg's prefixes bound.

    Raises:
        StoreLockedError: if another process holds the on-disk store for writing (checked with
            a lock probe before RocksDB touches the folder), or, read-only, if that process kept
            changing it while a copy was taken.
        StoreError: if `location` exists but is not an Oxigraph store.

    Example:
        >>> ds = open_store()
        >>> len(ds)
        0
    """
    if location == "memory":
        return bind(Dataset(default_union=True))
    cleanup = None
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
        # Probe the lock before RocksDB opens anything: a refused open would still rotate the
        # writer's LOG file, and a read-only open beside a writer is undefined behaviour.
        in_use = (path / "CURRENT").exists() and (_held_here(path) or _held_elsewhere(path))
        if in_use and not read_only:
            raise StoreLockedError(
                f"store {str(path)!r} is in use by another process; wait for it to finish or open it read-only"
            )
        try:
            if in_use:
                inner, cleanup = _open_snapshot(path)
            else:
                inner = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise StoreLockedError(
                    f"store {str(path)!r} is in use by another process; wait for it to finish or open it read-only"
                ) from err
            raise StoreError(f"cannot open store {str(path)!r}: {err}") from err
    ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    bind(ds)
    if cleanup is not None:
        ds.store._kg_cleanup = weakref.finalize(ds, cleanup)  # type: ignore[attr-defined]
    elif location is not None and not read_only:
        _WRITERS[_key(Path(location))] = weakref.ref(ds)
    return ds


#: On-disk stores this process holds for writing: resolved path -> the Dataset.
_WRITERS: dict[str, weakref.ref[Dataset]] = {}
#: Attempts at a consistent copy of a store another process is writing.
SNAPSHOT_ATTEMPTS = 5


def _key(path: Path) -> str:
    return str(path.resolve())


def _held_here(path: Path) -> bool:
    """Whether this process holds the store open for writing (through `open_store`)."""
    ref = _WRITERS.get(_key(path))
    ds = ref() if ref is not None else None
    return ds is not None and getattr(ds.store, "_store", None) is not None


def _held_elsewhere(path: Path) -> bool:
    """Whether another process holds the store's RocksDB lock (an fcntl lock on its LOCK file).

    The probe takes a shared lock and drops it at once, and writes nothing. It must not run
    while this process holds the store itself: closing any descriptor of the LOCK file would
    release RocksDB's own lock (POSIX record-lock semantics), hence `_held_here` first.
    """
    if fcntl is None:  # pragma: no cover - not POSIX: RocksDB's own refusal is the only check
        return False
    try:
        fd = os.open(path / "LOCK", os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as err:
            return err.errno in (errno.EACCES, errno.EAGAIN)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _manifest_state(path: Path) -> tuple[bytes, int]:
    current = (path / "CURRENT").read_bytes()
    return current, (path / current.decode("ascii", "replace").strip()).stat().st_size


def _copy_store_files(src: Path, dst: Path) -> bool:
    """Copy a RocksDB folder that may be being written; True if the copy is consistent.

    Table files (``*.sst``, immutable once written) are hard-linked, or copied across file
    systems; the manifest, write-ahead logs and options are copied. The copy is a consistent
    point in time if the manifest did not change meanwhile: RocksDB deletes a table or a log
    only after recording that in the manifest, and a log copied mid-write ends in a torn
    record that recovery drops, with the transactions before it whole.
    """
    try:
        before = _manifest_state(src)
    except OSError:
        return False
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        name = entry.name
        if name == "LOCK" or name.startswith("LOG") or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if name.endswith((".sst", ".blob")):
                try:
                    os.link(entry.path, dst / name)
                except OSError as err:
                    if err.errno == errno.ENOENT:
                        raise
                    shutil.copyfile(entry.path, dst / name)  # another file system
            else:
                shutil.copyfile(entry.path, dst / name)
        except FileNotFoundError:
            continue  # deleted meanwhile: then the manifest changed too, and the check fails
    try:
        return _manifest_state(src) == before
    except OSError:
        return False


def _open_snapshot(path: Path) -> tuple[ox.Store, Callable[[], None]]:
    """Open a private, consistent copy of a store another process is writing, read-only."""
    for attempt in range(SNAPSHOT_ATTEMPTS):
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.snapshot-", dir=path.parent))
        except OSError:
            tmp = Path(tempfile.mkdtemp(prefix="kg-snapshot-"))
        try:
            if _copy_store_files(path, tmp):
                store = ox.Store.read_only(str(tmp))
                log.info("store %s is being written by another process; reading a copy taken now", path)
                return store, functools.partial(shutil.rmtree, tmp, ignore_errors=True)
        except (OSError, RuntimeError) as err:  # a torn copy: RocksDB refuses it; try again
            log.debug("snapshot attempt %d of %s failed: %s", attempt + 1, path, err)
        shutil.rmtree(tmp, ignore_errors=True)
        time.sleep(0.05 * (attempt + 1))
    raise StoreLockedError(
        f"store {str(path)!r} is in use by another process, which changed it during {SNAPSHOT_ATTEMPTS} attempts"
        " to read a consistent copy; try again, or wait for it to finish"
    )


def close_store(ds: Dataset) -> None:
    """Flush and release a store opened by `open_store` (no-op for in-memory stores).

    A read-only store opened beside a writer also drops its private copy.

    Example:
        >>> ds = open_store()
        >>> close_store(ds)
    """
    inner = oxigraph_of(ds)
    if inner is not None:
        try:
            inner.flush()
        except (OSError, RuntimeError):  # a read-only store cannot flush
            pass
        ds.store._store = None  # type: ignore[attr-defined]  # drops the RocksDB lock
    for key, ref in list(_WRITERS.items()):
        if ref() is ds or ref() is None:
            del _WRITERS[key]
    cleanup = getattr(ds.store, "_kg_cleanup", None)
    if cleanup is not None:
        cleanup()


def is_oxigraph(ds: Dataset) -> bool:
    """Tell whether `ds` is backed by Oxigraph."""
    return isinstance(ds.store, OxigraphStore)


def oxigraph_of(ds: Dataset) -> ox.Store | None:
    """Return the `pyoxigraph.Store` beneath `ds`, or None for another backend."""
    if isinstance(ds.store, OxigraphStore):
        return ds.store._inner
    return None


def _ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Turn an rdflib term into the pyoxigraph term whose `str` is its N-Triples form.

    Raises:
        ValueError: for an invalid IRI, or a term of another kind.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


class NamedTriples(Protocol):
    """What `replace_update` reads of a graph: its name and its triples (an rdflib `Graph`,
    or `kg.rdf.ArticleTriples`)."""

    @property
    def identifier(self) -> Any: ...

    def __iter__(self) -> Iterator[tuple[Any, Any, Any]]: ...


def replace_update(graph: NamedTriples) -> str:
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
    name = str(_ox(graph.identifier))
    # pyoxigraph writes each term as N-Triples with every control character escaped, so no
    # line holds a raw line break (rdflib's N-Triples writer leaves U+2028, VT, FF... raw).
    lines = "\n".join(sorted({f"{_ox(s)} {_ox(p)} {_ox(o)} ." for s, p, o in graph}))
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
        # Through the N-Quads copy, as for trig: plain literals stay plain (Oxigraph hands out
        # "x"^^xsd:string, which rdflib would write out and read back as another term).
        union = bind(Graph())
        for s, p, o, _ in _named_only(ds).quads((None, None, None, None)):
            union.add((s, p, o))
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
    for cls, n in ds.query(q, initNs={"cek": CEK._NS}):  # type: ignore[misc]  # a SELECT's rows
        by_class[str(cls).rsplit("#", 1)[-1]] = int(n)
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
