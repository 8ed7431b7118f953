"""The mapping Extraction -> RDF: contract terms, stable IRIs, no blank nodes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.model import Article, Event, EventType, Extraction
from kg.namespace import CEK, RES
from kg.rdf import article_iri, date_literal, entity_iri, event_iri, to_graph

EXPECTED = Path(__file__).parent / "data" / "expected"


def test_rdf_graph_named_for_article(extraction):
    g = to_graph(extraction)
    assert g.identifier == article_iri("news/acme.txt")
    assert (g.identifier, DCTERMS.identifier, Literal("news/acme.txt")) in g


def test_rdf_no_blank_nodes(extraction):
    g = to_graph(extraction)
    assert not any(isinstance(t, BNode) for triple in g for t in triple)


def test_rdf_matches_expected_turtle(extraction):
    expected = Graph().parse(EXPECTED / "acme.ttl", format="turtle")
    got = to_graph(extraction)
    iso_got, iso_exp = to_isomorphic(got), to_isomorphic(expected)
    if iso_got != iso_exp:
        _, only_got, only_exp = graph_diff(iso_got, iso_exp)
        pytest.fail(
            "graph differs from expected\n+ "
            + only_got.serialize(format="nt")
            + "\n- "
            + only_exp.serialize(format="nt")
        )


def test_rdf_contract_terms(extraction):
    g = to_graph(extraction)
    art = article_iri("news/acme.txt")
    acme = entity_iri("firm/acme")
    assert (art, CEK.mentions, acme) in g
    assert (acme, RDFS.label, Literal("Acme")) in g
    assert (acme, SKOS.altLabel, Literal("Acme Inc.")) in g
    events = set(g.subjects(PROV.wasDerivedFrom, art))
    assert len(events) == 5
    for ev in events:
        assert (ev, RDF.type, CEK.Event) in g
        assert g.value(ev, CEK.evidence) is not None
        assert 0 <= g.value(ev, CEK.confidence).toPython() <= 1
    suit = next(g.subjects(RDF.type, CEK.Lawsuit))
    assert g.value(suit, CEK.plaintiff) == entity_iri("firm/borealis")
    assert g.value(suit, CEK.subject) == Literal("patent")
    assert g.value(suit, CEK.status) == CEK.announced
    assert g.value(suit, CEK.date) == Literal("2015-06-01", datatype=XSD.date)


def test_rdf_countries_are_also_places(extraction):
    g = to_graph(extraction)
    br = entity_iri("place/br")
    assert {CEK.Country, CEK.Place} <= set(g.objects(br, RDF.type))
    assert g.value(br, CEK.countryCode) == Literal("BR")


def test_rdf_mentions_have_offsets(extraction):
    g = to_graph(extraction)
    acme = entity_iri("firm/acme")
    (m,) = g.objects(acme, CEK.denotedBy)
    begin, end = g.value(m, CEK.beginIndex).toPython(), g.value(m, CEK.endIndex).toPython()
    assert extraction.article.full_text[begin:end] == "Acme Inc."
    assert g.value(m, CEK.sentenceText) == Literal("Acme Inc. will enter Brazil next year.")


def test_rdf_same_input_same_iris(extraction):
    assert set(to_graph(extraction)) == set(to_graph(extraction))


@pytest.mark.parametrize(
    ("value", "datatype"),
    [("2015-01-15", XSD.date), ("2015-01", XSD.gYearMonth), ("2015", XSD.gYear)],
)
def test_rdf_date_precision(value, datatype):
    assert date_literal(value).datatype == datatype


@pytest.mark.parametrize("value", ["15/01/2015", "2015-1", "last year", ""])
def test_rdf_bad_date_rejected(value):
    with pytest.raises(ValueError, match="bad event date"):
        date_literal(value)


def test_rdf_unknown_entity_in_event_rejected(article):
    ev = Event(EventType.LAWSUIT, (("defendant", "firm/ghost"),))
    with pytest.raises(ValueError, match="firm/ghost"):
        to_graph(Extraction(article, events=(ev,)))


def test_rdf_event_iri_depends_on_roles_not_order():
    a = Event(EventType.LAWSUIT, (("defendant", "firm/a"), ("plaintiff", "firm/b")))
    b = Event(EventType.LAWSUIT, (("plaintiff", "firm/b"), ("defendant", "firm/a")))
    c = Event(EventType.LAWSUIT, (("defendant", "firm/b"),))
    assert event_iri("x", a) == event_iri("x", b) != event_iri("x", c)
    assert str(event_iri("x", a)).startswith(str(RES))


def test_rdf_article_iri_escapes_unsafe_characters():
    iri = article_iri('dir/a b<"x">.txt')
    assert " " not in iri and "<" not in iri and '"' not in iri
    assert isinstance(iri, URIRef)


def test_rdf_optional_article_fields():
    g = to_graph(Extraction(Article("x.txt", "", "Body.")))
    assert g.value(article_iri("x.txt"), DCTERMS.title) is None


def test_rdf_same_roles_at_different_dates_are_two_events() -> None:
    roles = (("firm", "firm/acme"),)
    first = Event(EventType.DATA_CENTER_MOVE, roles, date="2014")
    second = Event(EventType.DATA_CENTER_MOVE, roles, date="2021-12-07")
    assert event_iri("x.txt", first) != event_iri("x.txt", second)
    assert event_iri("x.txt", first) == event_iri("x.txt", Event(EventType.DATA_CENTER_MOVE, roles, date="2014"))
