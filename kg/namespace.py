"""The kg vocabulary as a typed namespace, and the prefixes kg binds."""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["CEK", "PREFIXES", "RES", "SCHEMA", "bind"]


class CEK(DefinedNamespace):
    """The company-event vocabulary, ``https://w3id.org/cekg/ontology#``.

    Every term here is declared in ``ontology/cek.ttl`` and the reverse (a test checks both
    directions); a misspelt term fails at once:

    Example:
        >>> CEK.MarketEntry
        rdflib.term.URIRef('https://w3id.org/cekg/ontology#MarketEntry')
        >>> CEK.Aquisition
        Traceback (most recent call last):
        ...
        AttributeError: term 'Aquisition' not in namespace 'https://w3id.org/cekg/ontology#'
    """

    _NS = Namespace("https://w3id.org/cekg/ontology#")
    _fail = True

    # classes
    Article: URIRef
    Firm: URIRef
    Person: URIRef
    Product: URIRef
    Place: URIRef
    Country: URIRef
    Region: URIRef
    City: URIRef
    Event: URIRef
    MarketEntry: URIRef
    ProductLaunch: URIRef
    Lawsuit: URIRef
    DataCenterMove: URIRef
    Acquisition: URIRef
    Mention: URIRef
    EventStatus: URIRef

    # article and provenance
    mentions: URIRef
    evidence: URIRef
    confidence: URIRef
    status: URIRef
    date: URIRef
    rule: URIRef

    # event roles
    firm: URIRef
    market: URIRef
    product: URIRef
    plaintiff: URIRef
    defendant: URIRef
    jurisdiction: URIRef
    subject: URIRef
    fromPlace: URIRef
    toPlace: URIRef
    provider: URIRef
    acquirer: URIRef
    target: URIRef
    value: URIRef

    # entities
    countryCode: URIRef

    # mentions: where in an article a name stands
    denotedBy: URIRef
    inArticle: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    anchorOf: URIRef
    sentenceText: URIRef

    # status individuals
    planned: URIRef
    announced: URIRef
    completed: URIRef
    rumoured: URIRef
    failed: URIRef


RES = Namespace("https://w3id.org/cekg/resource/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes kg binds on every graph it writes, and prepends to queries.
PREFIXES: dict[str, Namespace | str] = {
    "cek": CEK._NS,
    "res": RES,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "schema": SCHEMA,
    "org": ORG,
    "time": TIME,
}


G = TypeVar("G", bound=Graph)


def bind(graph: G) -> G:
    """Bind kg's prefixes on `graph` and return it.

    Example:
        >>> g = bind(Graph())
        >>> dict(g.namespaces())["cek"]
        rdflib.term.URIRef('https://w3id.org/cekg/ontology#')
    """
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, URIRef(str(ns)), override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """Return ``PREFIX`` lines for every kg prefix, to put before a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
