"""Turn an `Extraction` into RDF: one named graph per article, IRIs minted from stable keys."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.model import LITERAL_ROLES, ROLES, Article, Entity, Event, Extraction, Kind, Mention
from kg.namespace import CEK, RES, SCHEMA, bind

__all__ = [
    "article_iri",
    "date_literal",
    "entity_iri",
    "event_iri",
    "mention_iri",
    "to_graph",
]

# Superclasses materialised beside the precise class, so `?x a cek:Place` finds countries
# without inference.
_SUPER = {
    Kind.COUNTRY: CEK.Place,
    Kind.REGION: CEK.Place,
    Kind.CITY: CEK.Place,
}
_SAFE = "-._~/"


def article_iri(article_id: str) -> URIRef:
    """Mint the IRI of an article (and of its named graph) from its id.

    Example:
        >>> str(article_iri("seed/Xiaomi story.txt"))
        'https://w3id.org/cekg/resource/article/seed/Xiaomi%20story.txt'
    """
    if not article_id:
        raise ValueError("an article id must not be empty")
    return RES["article/" + quote(article_id, safe=_SAFE)]


def entity_iri(key: str) -> URIRef:
    """Mint the IRI of an entity from its key (``firm/xiaomi``).

    Example:
        >>> str(entity_iri("firm/xiaomi"))
        'https://w3id.org/cekg/resource/firm/xiaomi'
    """
    if "/" not in key:
        raise ValueError(f"entity key {key!r} must look like 'kind/slug'")
    return RES[quote(key, safe=_SAFE)]


def mention_iri(article_id: str, mention: Mention) -> URIRef:
    """Mint the IRI of a mention: its article and character span."""
    return RES[f"mention/{quote(article_id, safe=_SAFE)}/{mention.start}-{mention.end}"]


def event_iri(article_id: str, event: Event) -> URIRef:
    """Mint the IRI of an event from its article, type, sorted roles and date (two events with
    the same parties at different dates, such as a firm's two cloud regions, are two nodes).

    Example:
        >>> from kg.model import EventType
        >>> e = Event(EventType.LAWSUIT, (("defendant", "firm/a"),))
        >>> event_iri("x.txt", e) == event_iri("x.txt", e)
        True
    """
    roles = "|".join(f"{r}={v}" for r, v in sorted(set(event.roles)))
    when = f"\n{event.date}" if event.date else ""
    digest = hashlib.sha1(f"{article_id}\n{event.type}\n{roles}{when}".encode()).hexdigest()[:16]
    return RES[f"event/{digest}"]


def date_literal(value: str) -> Literal:
    """Type a date string as ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` by its precision.

    Raises:
        ValueError: if `value` is none of ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``.

    Example:
        >>> date_literal("2015-01").datatype == XSD.gYearMonth
        True
    """
    parts = value.split("-")
    if not all(p.isdigit() for p in parts) or [len(p) for p in parts] not in ([4, 2, 2], [4, 2], [4]):
        raise ValueError(f"bad event date {value!r}; expected YYYY-MM-DD, YYYY-MM or YYYY")
    datatype = {3: XSD.date, 2: XSD.gYearMonth, 1: XSD.gYear}[len(parts)]
    return Literal(value, datatype=datatype)


def _add_article(g: Graph, node: URIRef, article: Article) -> None:
    g.add((node, RDF.type, CEK.Article))
    g.add((node, DCTERMS.identifier, Literal(article.id)))
    if article.title:
        g.add((node, DCTERMS.title, Literal(article.title)))
    if article.published:
        g.add((node, SCHEMA.datePublished, Literal(article.published.isoformat(), datatype=XSD.date)))
    if article.url:
        g.add((node, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
    if article.source:
        g.add((node, DCTERMS.source, Literal(article.source)))


def _add_entity(g: Graph, article_node: URIRef, entity: Entity) -> URIRef:
    node = entity_iri(entity.key)
    g.add((node, RDF.type, CEK[entity.kind.value]))
    if entity.kind in _SUPER:
        g.add((node, RDF.type, _SUPER[entity.kind]))
    g.add((node, RDFS.label, Literal(entity.name)))
    for alias in sorted(entity.aliases - {entity.name}):
        g.add((node, SKOS.altLabel, Literal(alias)))
    if entity.code:
        g.add((node, CEK.countryCode, Literal(entity.code)))
    for link in entity.links:
        g.add((node, SCHEMA.sameAs, URIRef(link)))
    g.add((article_node, CEK.mentions, node))
    return node


def _add_mentions(g: Graph, extraction: Extraction, article_node: URIRef) -> None:
    article = extraction.article
    for m in extraction.mentions:
        if not m.entity:
            continue
        node = mention_iri(article.id, m)
        g.add((entity_iri(m.entity), CEK.denotedBy, node))
        g.add((node, RDF.type, CEK.Mention))
        g.add((node, CEK.inArticle, article_node))
        g.add((node, CEK.beginIndex, Literal(m.start)))
        g.add((node, CEK.endIndex, Literal(m.end)))
        g.add((node, CEK.anchorOf, Literal(m.text)))
        sentence = extraction.sentence_text(m.sentence)
        if sentence:
            g.add((node, CEK.sentenceText, Literal(sentence)))


def _add_event(g: Graph, article: Article, article_node: URIRef, event: Event, known: set[str]) -> None:
    node = event_iri(article.id, event)
    g.add((node, RDF.type, CEK[event.type.value]))
    g.add((node, RDF.type, CEK.Event))
    g.add((node, PROV.wasDerivedFrom, article_node))
    for sentence in event.evidence:
        g.add((node, CEK.evidence, Literal(sentence)))
    g.add((node, CEK.confidence, Literal(Decimal(str(round(event.confidence, 3))), datatype=XSD.decimal)))
    if event.status:
        g.add((node, CEK.status, CEK[event.status.value]))
    if event.date:
        g.add((node, CEK.date, date_literal(event.date)))
    if event.rule:
        g.add((node, CEK.rule, Literal(event.rule)))
    props = ROLES[event.type]
    for role, value in event.roles:
        prop = CEK[props[role]]
        if role in LITERAL_ROLES:
            g.add((node, prop, Literal(value)))
        elif value in known:
            g.add((node, prop, entity_iri(value)))
        else:
            raise ValueError(f"event role {role}={value!r} names no entity of article {article.id!r}")


def to_graph(extraction: Extraction) -> Graph:
    """Map one extraction to an RDF graph named with its article's IRI.

    Args:
        extraction: what an extractor read from one article.

    Returns:
        A new `rdflib.Graph` whose identifier is the article IRI; no blank nodes.

    Raises:
        ValueError: if an event names an entity key the extraction does not hold.

    Example:
        >>> from kg.model import Article, Extraction
        >>> g = to_graph(Extraction(Article("a.txt", "Title", "Body.")))
        >>> g.identifier
        rdflib.term.URIRef('https://w3id.org/cekg/resource/article/a.txt')
        >>> len(g)
        3
    """
    article = extraction.article
    node = article_iri(article.id)
    g = bind(Graph(identifier=node))
    _add_article(g, node, article)
    known = set()
    for entity in extraction.entities:
        _add_entity(g, node, entity)
        known.add(entity.key)
    _add_mentions(g, extraction, node)
    for event in extraction.events:
        _add_event(g, article, node, event, known)
    return g
