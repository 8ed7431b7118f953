"""kg.validate: the SHACL shapes accept the graph kg writes and name what is wrong."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Status
from kg.namespace import CEK, RES
from kg.resources import ontology_path
from kg.validate import ValidationReport, Violation, report_text, validate

DATA = Path(__file__).parent / "data" / "ontology"
DCT = str(DCTERMS)


def fixture_graph(name: str) -> Graph:
    """Parse one Turtle file of tests/data/ontology."""
    return Graph().parse(DATA / name, format="turtle")


def test_validate_valid_fixture_conforms():
    report = validate(fixture_graph("valid.ttl"))
    assert report.conforms, report_text(report)
    assert report.violations == ()
    assert bool(report)
    assert report_text(report) == "Conforms: no violations."


@pytest.mark.parametrize(
    ("name", "focus", "path"),
    [
        ("broken-lawsuit-no-defendant.ttl", "event/lawsuit", CEK.defendant),
        ("broken-confidence.ttl", "event/lawsuit", CEK.confidence),
        ("broken-status.ttl", "event/market-entry", CEK.status),
        ("broken-date.ttl", "event/market-entry", CEK.date),
        ("broken-article-no-identifier.ttl", "article/seed-x", DCTERMS.identifier),
        ("broken-target-class.ttl", "event/acquisition", CEK.target),
        ("broken-country-code.ttl", "place/us", CEK.countryCode),
        ("broken-mention-span.ttl", "mention/seed-x/0-6", CEK.beginIndex),
    ],
)
def test_validate_broken_fixture_names_the_rule(name, focus, path):
    report = validate(fixture_graph(name))
    assert not report.conforms
    assert [(v.focus, v.path) for v in report.violations] == [(str(RES[focus]), str(path))]
    (violation,) = report.violations
    assert violation.severity == "Violation"
    assert violation.shape.startswith("https://w3id.org/cekg/shapes#")
    assert violation.message and "Validation" not in violation.message


def test_validate_class_checks_follow_subclasses():
    # res:place/us is only typed cek:Country; cek:market asks for a cek:Place.
    graph = fixture_graph("valid.ttl")
    assert (RES["place/us"], RDF.type, CEK.Place) not in graph
    assert validate(graph).conforms


def test_validate_dataset_is_checked_as_a_union():
    graph = fixture_graph("valid.ttl")
    ds = Dataset()
    events = ds.graph(URIRef("urn:test:events"))
    rest = ds.graph(URIRef("urn:test:rest"))
    for s, p, o in graph:
        (events if str(s).startswith(str(RES["event/"])) else rest).add((s, p, o))
    assert validate(ds).conforms  # events find their article and entities in the other graph
    events.remove((RES["event/lawsuit"], CEK.defendant, None))
    report = validate(ds)
    assert [v.path for v in report.violations] == [str(CEK.defendant)]


def test_validate_leaves_its_input_unchanged():
    graph = fixture_graph("broken-confidence.ttl")
    before = set(graph)
    validate(graph)
    assert set(graph) == before


def test_validate_accepts_a_shapes_path(tmp_path):
    shapes = tmp_path / "only-articles.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix cek: <https://w3id.org/cekg/ontology#> .\n"
        "<urn:test:Shape> a sh:NodeShape ; sh:targetClass cek:Article ;\n"
        "  sh:property [ sh:path cek:mentions ; sh:maxCount 1 ] .\n"
    )
    report = validate(fixture_graph("valid.ttl"), shapes=shapes)
    assert not report.conforms
    assert {v.path for v in report.violations} == {str(CEK.mentions)}
    assert report.violations[0].shape.startswith("_:")  # a blank-node property shape


def test_validate_missing_shapes_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no SHACL shapes file"):
        validate(Graph(), shapes=tmp_path / "nope.ttl")


def test_validate_empty_graph_conforms():
    assert validate(Graph()).conforms


def test_validate_report_text_groups_by_shape():
    graph = fixture_graph("broken-lawsuit-no-defendant.ttl")
    second = RES["event/lawsuit-2"]
    for p, o in graph.predicate_objects(RES["event/lawsuit"]):
        graph.add((second, p, o))
    graph.set((second, CEK.confidence, Literal(Decimal("1.4"))))
    report = validate(graph)
    text = report_text(report)
    assert text.splitlines() == [
        "Does not conform: 3 violations.",
        "cekshape:Event-confidence: An event needs exactly one cek:confidence, an xsd:decimal from 0 to 1",
        '  - res:event/lawsuit-2 (cek:confidence = "1.4"^^xsd:decimal)',
        "cekshape:Lawsuit-defendant: A Lawsuit needs a cek:defendant: a firm, person or place (a government)",
        "  - res:event/lawsuit",
        "  - res:event/lawsuit-2",
    ]


def test_validate_report_text_counts_warnings_apart():
    warning = Violation("https://w3id.org/cekg/resource/firm/x", None, "Odd name", "Warning", "urn:s")
    text = report_text(ValidationReport(True, (warning,), ""))
    assert text.splitlines() == ["Conforms: 1 warning.", "urn:s [warning]: Odd name", "  - res:firm/x"]


def test_validate_records_are_frozen():
    v = Violation("f", None, "m", "Violation", "s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.message = "other"  # type: ignore[misc]
    assert hash(v) == hash(Violation("f", None, "m", "Violation", "s"))


def test_validate_uses_the_shipped_shapes():
    assert ontology_path("shapes.ttl").is_file()
    graph = Graph()
    graph.add((RES["event/x"], RDF.type, CEK.Acquisition))
    graph.add((RES["event/x"], PROV.wasDerivedFrom, RES["article/missing"]))
    paths = {v.path for v in validate(graph).violations}
    assert {str(CEK.acquirer), str(CEK.target), str(CEK.evidence), str(CEK.confidence)} <= paths
    assert str(PROV.wasDerivedFrom) in paths  # the article is not a cek:Article here


def test_validate_accepts_what_to_graph_writes():
    from kg.rdf import to_graph

    article = Article("seed/x.txt", "Xiaomi to open US store", "Xiaomi plans a US store.")
    extraction = Extraction(
        article,
        entities=(
            Entity("firm/xiaomi", Kind.FIRM, "Xiaomi", frozenset({"Xiaomi Inc."})),
            Entity("place/us", Kind.COUNTRY, "United States", frozenset({"US"}), code="US"),
            Entity("firm/zte", Kind.FIRM, "ZTE"),
        ),
        events=(
            Event(
                EventType.MARKET_ENTRY,
                (("firm", "firm/xiaomi"), ("market", "place/us")),
                Status.PLANNED,
                "2015-01",
                ("Xiaomi plans a US store.",),
                0.8,
                "market_entry.verb",
            ),
            Event(
                EventType.ACQUISITION,
                (("acquirer", "firm/xiaomi"), ("target", "firm/zte"), ("value", "$45bn")),
                evidence=("Xiaomi may buy ZTE.",),
            ),
        ),
    )
    report = validate(to_graph(extraction))
    assert report.conforms, report_text(report)
