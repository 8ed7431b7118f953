"""The ontology files: cek.ttl matches kg.namespace.CEK, alignments and shapes stay honest."""

from __future__ import annotations

from functools import cache

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg.model import ROLES, EventType, Kind, Status
from kg.namespace import CEK
from kg.resources import ontology_path

NS = str(CEK._NS)
SH = "http://www.w3.org/ns/shacl#"
TERMS = sorted(CEK.__annotations__)
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}


@cache
def load(name: str) -> Graph:
    """Parse one ontology file once per test session."""
    return Graph().parse(ontology_path(name), format="turtle")


def cek_iris(graph: Graph) -> set[URIRef]:
    """Every IRI in the cek: namespace used anywhere in `graph`."""
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}


def declared(graph: Graph) -> set[URIRef]:
    """The cek: IRIs typed as an OWL class, property or named individual in `graph`."""
    return {s for s, o in graph.subject_objects(RDF.type) if o in DECLARATIONS and str(s).startswith(NS)}


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "en"]


@pytest.mark.parametrize("name", ["cek.ttl", "alignments.ttl", "shapes.ttl"])
def test_ontology_file_parses(name):
    assert len(load(name)) > 0


@pytest.mark.parametrize("term", TERMS)
def test_ontology_declares_every_cek_term(term):
    types = set(load("cek.ttl").objects(CEK[term], RDF.type))
    assert types & DECLARATIONS, f"cek:{term} is in kg.namespace.CEK but not declared in cek.ttl"


def test_ontology_declares_nothing_outside_cek():
    known = {CEK[t] for t in TERMS}
    graph = load("cek.ttl")
    assert declared(graph) - known == set()
    assert cek_iris(graph) - known == set(), "cek.ttl uses cek: terms missing from kg.namespace.CEK"


@pytest.mark.parametrize("term", TERMS)
def test_ontology_term_has_label_and_comment(term):
    graph = load("cek.ttl")
    assert len(english(graph, CEK[term], RDFS.label)) == 1, f"cek:{term} needs one rdfs:label@en"
    assert english(graph, CEK[term], RDFS.comment), f"cek:{term} needs an rdfs:comment@en"


@pytest.mark.parametrize("term", [t for t in TERMS if set(load("cek.ttl").objects(CEK[t], RDF.type)) & PROPERTY_TYPES])
def test_ontology_property_has_domain_and_range(term):
    graph = load("cek.ttl")
    assert graph.value(CEK[term], RDFS.domain) is not None, f"cek:{term} has no rdfs:domain"
    assert graph.value(CEK[term], RDFS.range) is not None, f"cek:{term} has no rdfs:range"


def test_ontology_header_names_title_version_and_licence():
    graph = load("cek.ttl")
    (onto,) = graph.subjects(RDF.type, OWL.Ontology)
    assert str(onto) == "https://w3id.org/cekg/ontology"
    assert graph.value(onto, OWL.versionInfo) == Literal("0.1.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.rights):
        assert graph.value(onto, prop) is not None, f"the ontology header lacks {prop}"


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("Country", "Place"),
        ("Region", "Place"),
        ("City", "Place"),
        ("MarketEntry", "Event"),
        ("ProductLaunch", "Event"),
        ("Lawsuit", "Event"),
        ("DataCenterMove", "Event"),
        ("Acquisition", "Event"),
    ],
)
def test_ontology_class_tree(sub, sup):
    assert (CEK[sub], RDFS.subClassOf, CEK[sup]) in load("cek.ttl")


def test_ontology_status_is_a_closed_enumeration():
    graph = load("cek.ttl")
    statuses = {CEK[s.value] for s in Status}
    assert set(graph.subjects(RDF.type, CEK.EventStatus)) == statuses
    (enumeration,) = graph.objects(CEK.EventStatus, OWL.equivalentClass)
    assert set(Collection(graph, graph.value(enumeration, OWL.oneOf))) == statuses


def test_ontology_matches_model_enums():
    graph = load("cek.ttl")
    for kind in Kind:
        assert (CEK[kind.value], RDF.type, OWL.Class) in graph
    for event_type in EventType:
        assert (CEK[event_type.value], RDFS.subClassOf, CEK.Event) in graph
    for roles in ROLES.values():
        for prop in roles.values():
            assert set(graph.objects(CEK[prop], RDF.type)) & PROPERTY_TYPES, f"cek:{prop}"


def test_ontology_union_ranges_list_every_party():
    graph = load("cek.ttl")

    def union(term: URIRef, axis: URIRef) -> set[URIRef]:
        return set(Collection(graph, graph.value(graph.value(term, axis), OWL.unionOf)))

    parties = {CEK.Firm, CEK.Person, CEK.Place}
    assert union(CEK.plaintiff, RDFS.range) == parties
    assert union(CEK.defendant, RDFS.range) == parties
    assert union(CEK.mentions, RDFS.range) == parties | {CEK.Product}
    assert union(CEK.firm, RDFS.domain) == {CEK.MarketEntry, CEK.ProductLaunch, CEK.DataCenterMove}


def test_ontology_alignments_reference_only_declared_terms():
    assert cek_iris(load("alignments.ttl")) - declared(load("cek.ttl")) == set()


def test_ontology_alignments_are_links_not_copies():
    graph = load("alignments.ttl")
    links = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, RDFS.seeAlso}
    for s, p, o in graph:
        if str(s).startswith(NS):
            assert p in links, f"alignments.ttl states {p} of {s}; declare terms in cek.ttl"
            assert not str(o).startswith(NS), f"alignments.ttl relates two cek: terms: {s} {o}"


@pytest.mark.parametrize(
    ("term", "outside"),
    [
        ("Firm", "https://schema.org/Organization"),
        ("Firm", "http://www.w3.org/ns/org#FormalOrganization"),
        ("Article", "https://schema.org/NewsArticle"),
        ("Article", "http://www.w3.org/ns/prov#Entity"),
        ("Event", "https://schema.org/Event"),
        ("Country", "https://schema.org/Country"),
    ],
)
def test_ontology_alignments_link_classes(term, outside):
    assert (CEK[term], RDFS.subClassOf, URIRef(outside)) in load("alignments.ttl")


def test_ontology_alignments_keep_events_out_of_prov_activity():
    # prov:Activity is disjoint with prov:Entity, the domain of prov:wasDerivedFrom.
    assert (CEK.Event, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Activity")) not in load("alignments.ttl")


def test_ontology_shapes_reference_only_declared_terms():
    assert cek_iris(load("shapes.ttl")) - declared(load("cek.ttl")) == set()


def test_ontology_shapes_are_named_and_explained():
    graph = load("shapes.ttl")
    node_shapes = set(graph.subjects(RDF.type, URIRef(SH + "NodeShape")))
    property_shapes = set(graph.subjects(RDF.type, URIRef(SH + "PropertyShape")))
    assert node_shapes and property_shapes
    for shape in node_shapes | property_shapes:
        assert isinstance(shape, URIRef), "shapes have IRIs, so reports can name them"
    for shape in node_shapes:
        assert english(graph, shape, RDFS.label), f"{shape} needs an rdfs:label"
    for shape in property_shapes:
        assert english(graph, shape, URIRef(SH + "name")), f"{shape} needs an sh:name"
        assert english(graph, shape, URIRef(SH + "message")), f"{shape} needs an sh:message"
        assert (None, URIRef(SH + "property"), shape) in graph, f"{shape} is used by no node shape"


@pytest.mark.parametrize(
    ("event_type", "required"),
    [
        ("MarketEntry", {"firm", "market"}),
        ("ProductLaunch", {"firm", "product"}),
        ("Lawsuit", {"defendant"}),
        ("DataCenterMove", {"firm"}),
        ("Acquisition", {"acquirer", "target"}),
    ],
)
def test_ontology_shapes_require_the_roles_of_events_md(event_type, required):
    graph = load("shapes.ttl")
    sh = {n: URIRef(SH + n) for n in ("targetClass", "property", "path", "minCount")}
    (shape,) = graph.subjects(sh["targetClass"], CEK[event_type])
    found = set()
    for prop in graph.objects(shape, sh["property"]):
        if graph.value(prop, sh["minCount"]) is not None:
            found.add(str(graph.value(prop, sh["path"])).removeprefix(NS))
    assert found == required
