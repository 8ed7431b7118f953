"""Why the graph says what it says: the evidence of an event, the mentions and events of a firm.

`explain(ds, "firm/xiaomi")` resolves an event IRI, an entity IRI, a key or a name (through
``rdfs:label`` and ``skos:altLabel``, values bound as parameters) and returns a plain-text
report: for an event, its evidence with the mentions highlighted, the article, the rule that
fired and the confidence; for a firm (or any entity), its aliases and links, each article that
mentions it with the sentence of each mention highlighted by its offsets, and its events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.errors import QueryError
from kg.namespace import CEK, PREFIXES, RES

__all__ = ["BOLD", "explain", "highlight", "resolve"]

#: ANSI start and end of bold text.
BOLD = ("\x1b[1m", "\x1b[0m")
#: Plain-text marks of a highlighted span.
BRACKETS = ("[[", "]]")

_PREFIX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_TYPES = _PREFIX + "SELECT ?x ?type WHERE { ?x a ?type }"
_BY_LABEL = _PREFIX + "SELECT DISTINCT ?x ?name WHERE { ?x rdfs:label ?name }"
_BY_ALIAS = _PREFIX + "SELECT DISTINCT ?x ?name WHERE { ?x skos:altLabel ?name }"
_ALL_NAMES = _PREFIX + "SELECT DISTINCT ?x ?name WHERE { ?x rdfs:label|skos:altLabel ?name }"
_EVENT = (
    _PREFIX
    + """SELECT ?ev ?art ?rule ?conf ?status ?date ?id ?title ?url WHERE {
  ?ev prov:wasDerivedFrom ?art .
  OPTIONAL { ?ev cek:rule ?rule } OPTIONAL { ?ev cek:confidence ?conf }
  OPTIONAL { ?ev cek:status ?status } OPTIONAL { ?ev cek:date ?date }
  OPTIONAL { ?art dcterms:identifier ?id } OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art schema:url ?url }
}"""
)
_EVIDENCE = _PREFIX + "SELECT ?ev ?text WHERE { ?ev cek:evidence ?text }"
_PROPS = _PREFIX + "SELECT ?ev ?p ?o ?label WHERE { ?ev ?p ?o OPTIONAL { ?o rdfs:label ?label } }"
_ENTITY = (
    _PREFIX
    + """SELECT ?x ?p ?o WHERE { ?x ?p ?o
  FILTER (?p IN (rdfs:label, skos:altLabel, schema:sameAs, cek:countryCode)) }"""
)
_MENTIONS = (
    _PREFIX
    + """SELECT ?x ?m ?art ?b ?e ?anchor ?sent ?id ?title ?url WHERE {
  ?x cek:denotedBy ?m . ?m cek:inArticle ?art ; cek:beginIndex ?b ; cek:endIndex ?e ; cek:anchorOf ?anchor .
  OPTIONAL { ?m cek:sentenceText ?sent }
  OPTIONAL { ?art dcterms:identifier ?id } OPTIONAL { ?art dcterms:title ?title }
  OPTIONAL { ?art schema:url ?url }
}"""
)
_ARTICLE_MENTIONS = (
    _PREFIX
    + """SELECT ?art ?x ?b ?e ?anchor ?sent WHERE {
  ?m cek:inArticle ?art ; cek:beginIndex ?b ; cek:endIndex ?e ; cek:anchorOf ?anchor ; cek:sentenceText ?sent .
  ?x cek:denotedBy ?m .
}"""
)
_EVENTS_OF = _PREFIX + """SELECT ?x ?ev ?p WHERE { ?ev ?p ?x . ?ev a cek:Event }"""
_ROLE_PROPS = {
    CEK.firm: "firm",
    CEK.market: "market",
    CEK.product: "product",
    CEK.plaintiff: "plaintiff",
    CEK.defendant: "defendant",
    CEK.jurisdiction: "jurisdiction",
    CEK.subject: "subject",
    CEK.fromPlace: "from",
    CEK.toPlace: "to",
    CEK.provider: "provider",
    CEK.acquirer: "acquirer",
    CEK.target: "target",
    CEK.value: "value",
}


def _rows(ds: Graph, query: str, **bindings: Any) -> list[tuple[Any, ...]]:
    """Run SELECT `query` with `bindings` bound as RDF terms (each bound variable is both in a
    triple pattern and in the projection, which Oxigraph's binding needs)."""
    return [tuple(row) for row in ds.query(query, initBindings=bindings)]  # type: ignore[arg-type]


def highlight(text: str, spans: list[tuple[int, int]], ansi: bool = False) -> str:
    """Mark each (start, end) span of `text`: ANSI bold, or ``[[...]]`` brackets.

    Example:
        >>> highlight("Acme sued Borealis.", [(10, 18), (0, 4)])
        '[[Acme]] sued [[Borealis]].'
        >>> highlight("Acme", [(0, 4)], ansi=True) == BOLD[0] + "Acme" + BOLD[1]
        True
    """
    start_mark, end_mark = BOLD if ansi else BRACKETS
    out, pos = [], 0
    for s, e in sorted(set(spans)):
        if s < pos or e > len(text) or s >= e:
            continue
        out += [text[pos:s], start_mark, text[s:e], end_mark]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def resolve(ds: Graph, value: str) -> URIRef:
    """Find the node `value` names: an IRI, a key (``firm/xiaomi``, ``res:event/...``) or a name.

    A name is looked up as ``rdfs:label``, then as ``skos:altLabel`` (exact, then ignoring
    case); labels win over aliases, firms over other kinds.

    Raises:
        QueryError: if nothing has that name, or several things do (the message lists them).

    Example:
        >>> from kg.model import Article, Entity, Extraction, Kind
        >>> from kg.rdf import to_graph
        >>> from kg.store import open_store, replace
        >>> ds = open_store()
        >>> e = Entity("firm/acme", Kind.FIRM, "Acme", frozenset({"Acme Corp."}))
        >>> replace(ds, to_graph(Extraction(Article("a.txt", "T", "B."), entities=(e,))))
        >>> str(resolve(ds, "acme corp.")), str(resolve(ds, "firm/acme"))[-9:]
        ('https://w3id.org/cekg/resource/firm/acme', 'firm/acme')
    """
    text = value.strip()
    if not text:
        raise QueryError("nothing to explain: give an event or entity IRI, a key or a name")
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    key = text[4:] if text.startswith("res:") else text
    if "/" in key and " " not in key:
        node = RES[key]
        if _rows(ds, _TYPES, x=node):
            return node
    firms = {r[0] for r in _rows(ds, _TYPES, type=CEK.Firm)}
    for query in (_BY_LABEL, _BY_ALIAS):
        found: set[URIRef] = set()
        for variant in dict.fromkeys((text, text.title(), text.upper(), text.lower())):
            found |= {r[0] for r in _rows(ds, query, name=Literal(variant))}
        if found:
            break
    if not found:  # any case: compare in Python, never paste the value into the query
        folded = text.casefold()
        found = {r[0] for r in _rows(ds, _ALL_NAMES) if str(r[1]).casefold() == folded}
    if len(found) > 1 and found & firms:
        found &= firms
    if len(found) == 1:
        return next(iter(found))
    if not found:
        raise QueryError(f"nothing named {text!r} (by label or alias, any case), and no such key or IRI")
    raise QueryError(f"{text!r} names several things: {', '.join(sorted(str(f) for f in found))}")


def _sentence_spans(rows: list[tuple[Any, ...]]) -> dict[tuple[str, URIRef], list[tuple[int, int, URIRef]]]:
    """Group mentions (entity, begin, end, anchor, sentence) by sentence, with their spans in it.

    The sentence's own offset in the article is not stored; it is the start that places the
    most of its mentions' anchors at their offsets.
    """
    groups: dict[str, list[tuple[URIRef, int, int, str]]] = defaultdict(list)
    for x, b, e, anchor, sent in rows:
        if sent is not None:  # offsets into the stripped sentence, as evidence is stored
            lead = len(str(sent)) - len(str(sent).lstrip())
            groups[str(sent).strip()].append((x, int(b) - lead, int(e) - lead, str(anchor)))
    out: dict[tuple[str, URIRef], list[tuple[int, int, URIRef]]] = {}
    for sent, ms in groups.items():
        cands = []
        for _, b, _, anchor in ms:
            found, i = [], sent.find(anchor)
            while i >= 0:
                found.append(b - i)
                i = sent.find(anchor, i + 1)
            cands.append(found)
        votes = Counter(s for c in cands for s in set(c))
        for (x, b, e, _anchor), c in zip(ms, cands, strict=True):
            if not c:
                continue
            start = max(c, key=lambda s: (votes[s], -abs(s - c[0])))
            out.setdefault((sent, x), []).append((b - start, e - start, x))
    return out


@dataclass
class _Article:
    id: str
    title: str = ""
    url: str = ""
    lines: list[str] = field(default_factory=list)


def _article_line(a: _Article) -> str:
    return f"{a.id}" + (f" — {a.title}" if a.title else "") + (f" <{a.url}>" if a.url else "")


def _explain_event(ds: Graph, node: URIRef, ansi: bool) -> str:
    rows = _rows(ds, _EVENT, ev=node)
    if not rows:
        raise QueryError(f"{node} is an event without an article")
    _, art, rule, conf, status, date, ident, title, url = rows[0]
    types = sorted(str(t).rsplit("#", 1)[-1] for (_, t) in _rows(ds, _TYPES, x=node) if t != CEK.Event)
    roles: list[tuple[str, str, URIRef | None]] = []
    for _, p, o, label in _rows(ds, _PROPS, ev=node):
        if p in _ROLE_PROPS:
            entity = o if isinstance(o, URIRef) else None
            roles.append((_ROLE_PROPS[p], str(label if label is not None else o), entity))
    roles.sort()
    role_entities = {e for _, _, e in roles if e is not None}
    spans = _sentence_spans([r[1:] for r in _rows(ds, _ARTICLE_MENTIONS, art=art)])
    lines = [f"{' '.join(types) or 'Event'} {node}"]
    for role, label, _ in roles:
        lines.append(f"  {role}: {label}")
    if status is not None:
        lines.append(f"  status: {str(status).rsplit('#', 1)[-1]}")
    if date is not None:
        lines.append(f"  date: {date}")
    lines.append(f"  rule: {rule or '(not recorded)'}   confidence: {conf if conf is not None else '?'}")
    lines.append(f"  article: {_article_line(_Article(str(ident or art), str(title or ''), str(url or '')))}")
    lines.append("  evidence:")
    for _, text in sorted(_rows(ds, _EVIDENCE, ev=node), key=lambda r: str(r[1])):
        sent = str(text).strip()
        marks = [(s, e) for (t, x), sp in spans.items() if t == sent and x in role_entities for s, e, _ in sp]
        if not marks:  # a sentence that no mention points at: mark the role names where they occur
            for _, label, entity in roles:
                i = sent.find(label)
                if i >= 0 and label and entity is not None:
                    marks.append((i, i + len(label)))
        lines.append("    " + highlight(sent, marks, ansi))
    return "\n".join(lines)


def _explain_entity(ds: Graph, node: URIRef, types: list[str], ansi: bool) -> str:
    label, aliases, links, code = "", [], [], ""
    for _, p, o in _rows(ds, _ENTITY, x=node):
        name = str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name == "label":
            label = label or str(o)
        elif name == "altLabel":
            aliases.append(str(o))
        elif name == "sameAs":
            links.append(str(o))
        elif name == "countryCode":
            code = str(o)
    lines = [f"{' '.join(types)} {label or node} <{node}>"]
    if aliases:
        lines.append(f"  aliases: {', '.join(sorted(set(aliases) - {label}))}")
    if links:
        lines.append(f"  links: {', '.join(sorted(links))}")
    if code:
        lines.append(f"  code: {code}")
    articles: dict[URIRef, _Article] = {}
    mention_rows = _rows(ds, _MENTIONS, x=node)
    for _, _, art, _, _, _, _, ident, title, url in mention_rows:
        articles.setdefault(art, _Article(str(ident or art), str(title or ""), str(url or "")))
    for art, a in sorted(articles.items(), key=lambda kv: kv[1].id):
        spans = _sentence_spans([r[1:] for r in _rows(ds, _ARTICLE_MENTIONS, art=art)])
        n = sum(1 for r in mention_rows if r[2] == art)
        lines.append(f"  mentioned in {_article_line(a)} ({n} mention{'s' if n != 1 else ''})")
        sentences = sorted({(str(r[6]).strip(), int(r[3])) for r in mention_rows if r[2] == art and r[6] is not None})
        seen: set[str] = set()
        for sent, _ in sorted(sentences, key=lambda s: s[1]):
            if sent in seen:
                continue
            seen.add(sent)
            marks = [(s, e) for s, e, _ in spans.get((sent, node), [])]
            lines.append("    " + highlight(sent, marks, ansi))
    events = _rows(ds, _EVENTS_OF, x=node)
    if events:
        lines.append("  events:")
        for _, ev, p in sorted(events, key=lambda r: str(r[1])):
            evrows = _rows(ds, _EVENT, ev=ev)
            evtypes = sorted(str(t).rsplit("#", 1)[-1] for (_, t) in _rows(ds, _TYPES, x=ev) if t != CEK.Event)
            role = _ROLE_PROPS.get(p, str(p).rsplit("#", 1)[-1])
            where = str(evrows[0][6] or evrows[0][1]) if evrows else ""
            conf = evrows[0][3] if evrows else None
            lines.append(f"    {' '.join(evtypes)} as {role} ({where}; confidence {conf}) {ev}")
    return "\n".join(lines)


def explain(ds: Graph, what: str, *, ansi: bool = False) -> str:
    """Explain an event or an entity of the store as text.

    Args:
        ds: the store (a `Dataset` whose default graph is the union).
        what: an event or entity IRI, a key (``firm/xiaomi``) or a name.
        ansi: highlight with ANSI bold (for a terminal) instead of ``[[...]]``.

    Raises:
        QueryError: if `what` names nothing, or several things.

    Example:
        >>> from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention
        >>> from kg.rdf import to_graph
        >>> from kg.store import open_store, replace
        >>> art = Article("a.txt", "", "Acme sued Borealis.")
        >>> ents = (Entity("firm/acme", Kind.FIRM, "Acme"), Entity("firm/borealis", Kind.FIRM, "Borealis"))
        >>> ms = (Mention("Acme", Kind.FIRM, 0, 4, "firm/acme", 0),
        ...       Mention("Borealis", Kind.FIRM, 10, 18, "firm/borealis", 0))
        >>> ev = Event(EventType.LAWSUIT, (("plaintiff", "firm/acme"), ("defendant", "firm/borealis")),
        ...            evidence=("Acme sued Borealis.",), confidence=0.8, rule="lawsuit.sue")
        >>> ds = open_store()
        >>> replace(ds, to_graph(Extraction(art, ms, ents, (ev,), ((0, 19),))))
        >>> print(explain(ds, "Borealis"))  # doctest: +ELLIPSIS
        Firm Borealis <https://w3id.org/cekg/resource/firm/borealis>
          mentioned in a.txt (1 mention)
            Acme sued [[Borealis]].
          events:
            Lawsuit as defendant (a.txt; confidence 0.8) https://w3id.org/cekg/resource/event/...
    """
    node = resolve(ds, what)
    types = sorted({str(t).rsplit("#", 1)[-1] for (_, t) in _rows(ds, _TYPES, x=node) if str(t).startswith(str(CEK))})
    if not types:
        raise QueryError(f"{node} is not in the store")
    if "Event" in types:
        return _explain_event(ds, node, ansi)
    return _explain_entity(ds, node, [t for t in types if t != "Place"] or types, ansi)
