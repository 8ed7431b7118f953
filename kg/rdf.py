"""Turn an `Extraction` into RDF: one named graph per article, IRIs minted from stable keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.model import LITERAL_ROLES, ROLES, Article, Entity, Event, Extraction, Kind, Mention
from kg.namespace import CEK, RES, SCHEMA, bind

__all__ = [
    "ArticleTriples",
    "article_iri",
    "article_triples",
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


def _mention_prefix(article_id: str) -> str:
    return f"{RES}mention/{quote(article_id, safe=_SAFE)}/"


def mention_iri(article_id: str, mention: Mention) -> URIRef:
    """Mint the IRI of a mention: its article and character span."""
    return URIRef(f"{_mention_prefix(article_id)}{mention.start}-{mention.end}")


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


# Terms used for every article, made once (a `DefinedNamespace` look-up is slow).
_A = RDF.type
_ARTICLE = CEK.Article
_MENTION = CEK.Mention
_EVENT = CEK.Event
_IDENTIFIER = DCTERMS.identifier
_TITLE = DCTERMS.title
_SOURCE = DCTERMS.source
_PUBLISHED = SCHEMA.datePublished
_URL = SCHEMA.url
_LABEL = RDFS.label
_ALT_LABEL = SKOS.altLabel
_COUNTRY_CODE = CEK.countryCode
_SAME_AS = SCHEMA.sameAs
_MENTIONS = CEK.mentions
_DENOTED_BY = CEK.denotedBy
_IN_ARTICLE = CEK.inArticle
_BEGIN = CEK.beginIndex
_END = CEK.endIndex
_ANCHOR = CEK.anchorOf
_SENTENCE = CEK.sentenceText
_DERIVED = PROV.wasDerivedFrom
_EVIDENCE = CEK.evidence
_CONFIDENCE = CEK.confidence
_STATUS = CEK.status
_DATE = CEK.date
_RULE = CEK.rule
_CLASS = {kind: CEK[kind.value] for kind in Kind}
_EVENT_CLASS = {t: CEK[t.value] for t in ROLES}
_ROLE_PROPS = {t: {role: CEK[prop] for role, prop in props.items()} for t, props in ROLES.items()}


class ArticleTriples:
    """The triples of one article's graph, in order, without an rdflib `Graph`'s indexes.

    It has what `kg.store.replace_update` reads (``identifier`` and iteration over the triples),
    at a fraction of the cost of filling a `Graph`; `to_graph` makes the `Graph` from it.

    Example:
        >>> from kg.model import Article, Extraction
        >>> t = article_triples(Extraction(Article("a.txt", "Title", "Body.")))
        >>> len(t), t.identifier == article_iri("a.txt")
        (3, True)
    """

    __slots__ = ("identifier", "triples")

    def __init__(self, identifier: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        self.identifier = identifier
        self.triples = list(dict.fromkeys(triples))  # each triple once, the first time it comes

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)


def _article(node: URIRef, article: Article) -> Iterator[tuple[Node, Node, Node]]:
    yield node, _A, _ARTICLE
    yield node, _IDENTIFIER, Literal(article.id)
    if article.title:
        yield node, _TITLE, Literal(article.title)
    if article.published:
        yield node, _PUBLISHED, Literal(article.published.isoformat(), datatype=XSD.date)
    if article.url:
        yield node, _URL, Literal(article.url, datatype=XSD.anyURI)
    if article.source:
        yield node, _SOURCE, Literal(article.source)


def _entity(article_node: URIRef, entity: Entity) -> Iterator[tuple[Node, Node, Node]]:
    node = entity_iri(entity.key)
    yield node, _A, _CLASS[entity.kind]
    if entity.kind in _SUPER:
        yield node, _A, _SUPER[entity.kind]
    yield node, _LABEL, Literal(entity.name)
    for alias in sorted(entity.aliases - {entity.name}):
        yield node, _ALT_LABEL, Literal(alias)
    if entity.code:
        yield node, _COUNTRY_CODE, Literal(entity.code)
    for link in entity.links:
        yield node, _SAME_AS, URIRef(link)
    yield article_node, _MENTIONS, node


def _mentions(extraction: Extraction, article_node: URIRef) -> Iterator[tuple[Node, Node, Node]]:
    prefix = _mention_prefix(extraction.article.id)  # `mention_iri`'s, quoted once per article
    entities: dict[str, URIRef] = {}
    numbers: dict[int, Literal] = {}
    sentences: dict[int, Literal | None] = {}
    for m in extraction.mentions:
        if not m.entity:
            continue
        node = URIRef(f"{prefix}{m.start}-{m.end}")
        entity = entities.get(m.entity)
        if entity is None:
            entity = entities[m.entity] = entity_iri(m.entity)
        begin = numbers.get(m.start)
        if begin is None:
            begin = numbers[m.start] = Literal(m.start)
        end = numbers.get(m.end)
        if end is None:
            end = numbers[m.end] = Literal(m.end)
        yield entity, _DENOTED_BY, node
        yield node, _A, _MENTION
        yield node, _IN_ARTICLE, article_node
        yield node, _BEGIN, begin
        yield node, _END, end
        yield node, _ANCHOR, Literal(m.text)
        if m.sentence not in sentences:
            text = extraction.sentence_text(m.sentence)
            sentences[m.sentence] = Literal(text) if text else None
        sentence = sentences[m.sentence]
        if sentence is not None:
            yield node, _SENTENCE, sentence


def _event(article: Article, article_node: URIRef, event: Event, known: set[str]) -> Iterator[tuple[Node, Node, Node]]:
    node = event_iri(article.id, event)
    yield node, _A, _EVENT_CLASS[event.type]
    yield node, _A, _EVENT
    yield node, _DERIVED, article_node
    for sentence in event.evidence:
        yield node, _EVIDENCE, Literal(sentence)
    yield node, _CONFIDENCE, Literal(Decimal(str(round(event.confidence, 3))), datatype=XSD.decimal)
    if event.status:
        yield node, _STATUS, CEK[event.status.value]
    if event.date:
        yield node, _DATE, date_literal(event.date)
    if event.rule:
        yield node, _RULE, Literal(event.rule)
    props = _ROLE_PROPS[event.type]
    for role, value in event.roles:
        prop = props[role]
        if role in LITERAL_ROLES:
            yield node, prop, Literal(value)
        elif value in known:
            yield node, prop, entity_iri(value)
        else:
            raise ValueError(f"event role {role}={value!r} names no entity of article {article.id!r}")


def article_triples(extraction: Extraction) -> ArticleTriples:
    """The triples of one extraction's graph, named with its article's IRI: `to_graph` without
    the `Graph` (what ingest hands to `kg.store.replace_update`).

    Raises:
        ValueError: if an event names an entity key the extraction does not hold.
    """
    article = extraction.article
    node = article_iri(article.id)
    known = {entity.key for entity in extraction.entities}
    parts: list[Iterable[tuple[Node, Node, Node]]] = [_article(node, article)]
    parts += [_entity(node, entity) for entity in extraction.entities]
    parts.append(_mentions(extraction, node))
    parts += [_event(article, node, event, known) for event in extraction.events]
    return ArticleTriples(node, chain.from_iterable(parts))


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
    triples = article_triples(extraction)
    g = bind(Graph(identifier=triples.identifier))
    g.addN((s, p, o, g) for s, p, o in triples)
    return g
