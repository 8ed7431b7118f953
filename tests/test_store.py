"""The store: named graph per article, atomic replace, stable export, reopening, locking."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import Dataset, Literal

from kg.errors import StoreError, StoreLockedError
from kg.model import Article, Extraction
from kg.namespace import CEK
from kg.rdf import article_iri, to_graph
from kg.store import article_graphs, close_store, export, open_store, replace, replace_update, stats


def test_store_replace_is_idempotent(small_dataset, extraction):
    before = export(small_dataset)
    replace(small_dataset, to_graph(extraction))
    assert export(small_dataset) == before


def test_store_replace_drops_old_triples(extraction):
    ds = open_store()
    replace(ds, to_graph(extraction))
    smaller = Extraction(extraction.article)
    replace(ds, to_graph(smaller))
    assert not list(ds.subjects(CEK.firm, None))
    assert article_graphs(ds) == [article_iri("news/acme.txt")]


def test_store_one_graph_per_article(extraction):
    ds = open_store()
    replace(ds, to_graph(extraction))
    replace(ds, to_graph(Extraction(Article("other.txt", "Other", "Text."))))
    names = {str(g.identifier) for g in ds.contexts()}
    assert {str(article_iri("news/acme.txt")), str(article_iri("other.txt"))} <= names


def test_store_reopens_from_disk(tmp_path, extraction):
    ds = open_store(tmp_path / "s")
    replace(ds, to_graph(extraction))
    first = export(ds)
    close_store(ds)
    again = open_store(tmp_path / "s")
    assert export(again) == first
    assert stats(again)["events"] == 5
    close_store(again)


def test_store_second_writer_is_refused(tmp_path):
    ds = open_store(tmp_path / "s")
    try:
        code = (
            "import sys; from kg.store import open_store; from kg.errors import StoreLockedError\n"
            f"try:\n    open_store({str(tmp_path / 's')!r})\nexcept StoreLockedError as e:\n    print(e); sys.exit(3)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 3, proc.stderr
        assert "in use" in proc.stdout
    finally:
        close_store(ds)


def test_store_locked_in_same_process(tmp_path):
    ds = open_store(tmp_path / "s")
    with pytest.raises(StoreLockedError, match="in use"):
        open_store(tmp_path / "s")
    close_store(ds)


def test_store_refuses_a_non_store_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        open_store(tmp_path)


def test_store_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(tmp_path / "f")


def test_store_read_only_sees_data(tmp_path, extraction):
    ds = open_store(tmp_path / "s")
    replace(ds, to_graph(extraction))
    close_store(ds)
    ro = open_store(tmp_path / "s", read_only=True)
    assert stats(ro)["articles"] == 1
    close_store(ro)


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld"])
def test_store_export_round_trip(small_dataset, fmt):
    data = export(small_dataset, fmt)
    back = Dataset()
    back.parse(data=data.decode("utf-8"), format={"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt])
    assert len(back) == len(export(small_dataset, "nquads").splitlines())


def test_store_export_turtle_is_union(small_dataset):
    from rdflib import Graph

    g = Graph().parse(data=export(small_dataset, "turtle").decode(), format="turtle")
    assert len(g) == len(small_dataset)


def test_store_export_nquads_sorted(small_dataset):
    lines = export(small_dataset).splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_store_export_unknown_format(small_dataset):
    with pytest.raises(ValueError, match="unknown format 'rdfxml'; expected one of: nquads"):
        export(small_dataset, "rdfxml")


def test_store_export_to_file(tmp_path, small_dataset):
    export(small_dataset, "nquads", tmp_path / "out.nq")
    assert (tmp_path / "out.nq").read_bytes() == export(small_dataset)


def test_store_hostile_literal_stays_a_literal():
    hostile = 'x" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c'
    ds = open_store()
    g = to_graph(Extraction(Article("h.txt", hostile, "Body.")))
    replace(ds, g)
    titles = [str(o) for o in ds.objects(None, None) if isinstance(o, Literal) and "DROP" in str(o)]
    assert titles == [hostile]
    assert "DROP ALL" in replace_update(g)  # inside a quoted literal...
    assert len(article_graphs(ds)) == 1  # ...and nothing was dropped or injected


def test_store_memory_backend(extraction):
    ds = open_store("memory")
    replace(ds, to_graph(extraction))
    replace(ds, to_graph(extraction))
    assert stats(ds)["events"] == 5
    assert export(ds) == export(_oxi(extraction))


def _oxi(extraction):
    ds = open_store()
    replace(ds, to_graph(extraction))
    return ds


def test_store_stats_counts(small_dataset):
    s = stats(small_dataset)
    assert s["articles"] == 1 and s["firms"] == 3 and s["places"] == 3 and s["products"] == 1
    assert s["events_by_type"] == {
        "MarketEntry": 1,
        "ProductLaunch": 1,
        "Lawsuit": 1,
        "DataCenterMove": 1,
        "Acquisition": 1,
    }


# --- export safety, locking (issue #8) -----------------------------------------------------------

#: Text that tries to break out of a literal in one format or another.
HOSTILE_LITERALS = [
    'quote " inside',
    "back\\slash and \\u0041 and \\n (escapes written out)",
    "new\nline\r\nand\rreturn",
    'triple """ quotes ending in a quote"',
    '"""',
    "single ''' quotes '",
    "<tag> & > < &amp;",
    "control \x00 \x01 \x07 \x08 \x0b \x0c \x1b \x7f \x85",
    "json } ] { [ , : #comment",
    "line\u2028separator\u2029paragraph",
    '"@id": "https://evil.example/", "@context": {}',
    "> . <urn:x> <urn:y> <urn:z> . #",
    '" ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> "c" } #',
    "@prefix evil: <https://evil.example/> .",
    "tab\there, bidi \u202e reversed, bom \ufeff, emoji \U0001f600",
    "ends with backslash \\",
]


def _hostile_extraction() -> Extraction:
    from kg.model import Entity, Event, EventType, Kind, Status

    joined = " | ".join(HOSTILE_LITERALS)
    article = Article("hostile/a b#c?d.txt", joined, "Body.", url='https://example.org/a?b="c"&d=<e>', source=joined)
    ents = tuple(
        Entity(f"firm/h{i}", Kind.FIRM, text, frozenset({text + " alias", "x" + text}))
        for i, text in enumerate(HOSTILE_LITERALS)
    )
    events = tuple(
        Event(
            EventType.ACQUISITION,
            (("acquirer", f"firm/h{i}"), ("value", text)),
            Status.RUMOURED,
            None,
            (text,),
            0.5,
            text,
        )
        for i, text in enumerate(HOSTILE_LITERALS)
    )
    return Extraction(article, entities=ents, events=events)


@pytest.mark.parametrize("backend", [None, "memory"])
@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld", "turtle", "nt"])
def test_store_export_hostile_literals_round_trip(backend, fmt):
    from rdflib import Graph

    ds = open_store(backend)
    replace(ds, to_graph(_hostile_extraction()))
    expected = Dataset()
    expected.parse(data=export(ds, "nquads").decode("utf-8"), format="nquads")
    data = export(ds, fmt)
    parser = {"nquads": "nquads", "trig": "trig", "jsonld": "json-ld", "turtle": "turtle", "nt": "nt"}[fmt]
    if fmt in ("turtle", "nt"):
        back = Graph().parse(data=data.decode("utf-8"), format=parser)
        assert set(back) == {q[:3] for q in expected.quads()}
    else:
        back = Dataset()
        back.parse(data=data.decode("utf-8"), format=parser)
        assert set(back.quads()) == set(expected.quads())
    triples = list(back) if fmt in ("turtle", "nt") else [q[:3] for q in back.quads()]
    literals = {str(o) for _, _, o in triples if isinstance(o, Literal)}
    assert set(HOSTILE_LITERALS) <= literals  # every string came back whole, as one literal
    assert not [t for t in triples if any("evil" in str(x) for x in t[:2])]


def test_store_replace_update_escapes_line_breaks_of_every_kind():
    from rdflib import Graph, URIRef

    g = Graph(identifier=URIRef("urn:g"))
    for i, text in enumerate(HOSTILE_LITERALS):
        g.add((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(text)))
    update = replace_update(g)
    assert len(update.split("\n")) == len(HOSTILE_LITERALS) + 3  # one line per triple: no raw line break
    ds = open_store()
    replace(ds, g)
    assert {str(o) for o in ds.objects()} == set(HOSTILE_LITERALS)


def _listing(path):
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) for p in sorted(path.iterdir())}


@pytest.fixture
def held_store(tmp_path, extraction):
    """A store on disk holding one article, held open for writing by another process."""
    path = tmp_path / "s"
    ds = open_store(path)
    replace(ds, to_graph(extraction))
    close_store(ds)
    code = f"import sys, time; from kg.store import open_store; ds = open_store({str(path)!r}); print('ready', flush=True); sys.stdin.read()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    yield path
    proc.communicate("", timeout=60)


def test_store_locked_elsewhere_refused_without_touching(held_store):
    before = _listing(held_store)
    with pytest.raises(StoreLockedError, match="is in use by another process"):
        open_store(held_store)
    assert _listing(held_store) == before  # RocksDB never opened it: no LOG rotated


def test_store_locked_elsewhere_read_only_reads_a_copy(held_store):
    before = _listing(held_store)
    ro = open_store(held_store, read_only=True)
    assert stats(ro)["articles"] == 1
    copies = list(held_store.parent.glob(".s.snapshot-*"))
    assert len(copies) == 1
    close_store(ro)
    assert not copies[0].exists()
    assert _listing(held_store) == before


def test_store_locked_here_refused_without_touching(tmp_path):
    ds = open_store(tmp_path / "s")
    before = _listing(tmp_path / "s")
    with pytest.raises(StoreLockedError):
        open_store(tmp_path / "s")
    assert _listing(tmp_path / "s") == before
    close_store(ds)
    close_store(open_store(tmp_path / "s"))  # released: it opens again
