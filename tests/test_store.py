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
