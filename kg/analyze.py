"""Project the store into networkx graphs, and measure them: centrality, communities, paths.

Three projections read the store (an rdflib `Dataset`, queried on its union graph) and return
plain `networkx.Graph` objects; every other function takes a graph and returns a dict, a list
or a `pandas.DataFrame`, and never changes its input.

Nodes are IRIs as strings. Every node has ``label``, ``type`` (the most precise class, e.g.
``Country``, ``Lawsuit``), ``kind`` (``"entity"`` or ``"event"``) and ``aliases``; events also
carry ``status``, ``date``, ``confidence``, ``evidence`` and their source ``article``,
``article_title`` and ``article_url``. Every edge carries ``type``, ``role``, ``evidence``,
``article`` and a ``weight``.

Example:
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> centrality(G, "degree")
    {'a': 0.5, 'b': 1.0, 'c': 0.5}
"""

# ruff: noqa: N803, N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.errors import KgError
from kg.model import EventType, Kind
from kg.namespace import CEK, PREFIXES, SCHEMA

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ENTITY_TYPES",
    "EVENT_TYPES",
    "METRICS",
    "AmbiguousEntityError",
    "UnknownEntityError",
    "centrality",
    "communities",
    "components",
    "ego",
    "event_graph",
    "find_node",
    "firm_market_graph",
    "firm_network",
    "rank",
    "resolve",
    "shortest_path",
    "summary",
    "timeline",
]

#: Entity classes a node may have, most precise first (a Country is also a Place).
ENTITY_TYPES: tuple[str, ...] = ("Firm", "Person", "Product", "Country", "City", "Region", "Place")
#: Event classes: the generic ``Event`` and the contract's five types.
EVENT_TYPES: tuple[str, ...] = ("Event", *(t.value for t in EventType))
#: The centrality measures `centrality` knows.
METRICS: tuple[str, ...] = ("pagerank", "degree", "betweenness")

#: Pairs of roles that link two firms in the firm network: (event type, from-role, to-role).
FIRM_LINKS: tuple[tuple[str, str, str], ...] = (
    ("Lawsuit", "plaintiff", "defendant"),
    ("Acquisition", "acquirer", "target"),
    ("DataCenterMove", "firm", "provider"),
)
_MARKET_EVENTS = ("MarketEntry", "ProductLaunch")
_PLACES = {Kind.PLACE.value, Kind.COUNTRY.value, Kind.CITY.value, Kind.REGION.value}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CEK = str(CEK._NS)


class UnknownEntityError(KgError, nx.NodeNotFound):
    """A name given by a user matches no node (a `KgError`, and networkx's `NodeNotFound`)."""


class AmbiguousEntityError(KgError, LookupError):
    """A name given by a user matches several entities equally well."""


# --------------------------------------------------------------------------- reading the store


@dataclass
class _Snapshot:
    """What the projections need from the store, read with a few whole-store queries."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    articles: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


def _local(iri: Any) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _select(ds: Dataset, text: str) -> Iterable[Any]:
    return ds.query(text, initNs={p: str(ns) for p, ns in PREFIXES.items()})


def _read(ds: Dataset) -> _Snapshot:
    snap = _Snapshot()
    articles = snap.articles
    q_articles = """SELECT ?a ?p ?o WHERE { ?a a cek:Article ; ?p ?o .
        VALUES ?p { dcterms:title schema:url schema:datePublished dcterms:identifier } }"""
    names = {DCTERMS.title: "title", SCHEMA.url: "url", SCHEMA.datePublished: "published", DCTERMS.identifier: "id"}
    for a, p, o in _select(ds, q_articles):
        articles[str(a)].setdefault(names[p], str(o))

    labels: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    classes: dict[str, set[str]] = defaultdict(set)
    q_entities = """SELECT ?x ?p ?o WHERE { ?x a ?c . VALUES ?c { cek:Firm cek:Person cek:Product cek:Place }
        ?x ?p ?o . VALUES ?p { rdf:type rdfs:label skos:altLabel } }"""
    for x, p, o in _select(ds, q_entities):
        if p == RDF.type:
            classes[str(x)].add(_local(o))
        elif p == RDFS.label:
            labels[str(x)].add(str(o))
        elif p == SKOS.altLabel:
            aliases[str(x)].add(str(o))
    for x, cls in classes.items():
        kind = next((t for t in ENTITY_TYPES if t in cls), "Place")
        names_seen = sorted(labels[x]) or [x.rsplit("/", 1)[-1]]
        snap.entities[x] = {
            "label": names_seen[0],
            "type": kind,
            "kind": "entity",
            "aliases": sorted((aliases[x] | set(names_seen[1:])) - {names_seen[0]}),
        }

    evidence: dict[str, list[str]] = defaultdict(list)
    for e, p, o in _select(ds, "SELECT ?e ?p ?o WHERE { ?e a cek:Event ; ?p ?o }"):
        e, local = str(e), _local(p)
        ev = snap.events.setdefault(e, {"kind": "event", "type": "Event", "label": "Event"})
        if p == RDF.type:
            if o != CEK.Event and str(o).startswith(_CEK):
                ev["type"] = min(_local(o), ev["type"]) if ev["type"] != "Event" else _local(o)
        elif p == PROV.wasDerivedFrom:
            ev["article"] = str(o)
        elif p == CEK.evidence:
            evidence[e].append(str(o))
        elif p == CEK.status:
            ev["status"] = _local(o)
        elif p in (CEK.date, CEK.confidence, CEK.subject, CEK.value):
            ev[local] = float(o) if p == CEK.confidence else str(o)
        elif str(p).startswith(_CEK) and isinstance(o, URIRef) and p != CEK.rule:
            snap.roles[e].append((local, str(o)))
    for e, ev in snap.events.items():
        art = articles.get(ev.get("article", ""), {})
        ev["evidence"] = " ".join(sorted(evidence[e]))
        ev["article_title"] = art.get("title", "")
        ev["article_url"] = art.get("url", "")
        ev["published"] = art.get("published", "")
        ev["label"] = ev["type"] + (f" {ev['date']}" if ev.get("date") else "")
        snap.roles[e].sort()

    for a, f in _select(ds, "SELECT DISTINCT ?a ?f WHERE { ?a a cek:Article ; cek:mentions ?f . ?f a cek:Firm }"):
        snap.mentions[str(a)].add(str(f))
    return snap


def _bounds(value: str, *, end: bool) -> str:
    if not _DATE.match(value):
        raise ValueError(f"bad date {value!r}; expected YYYY, YYYY-MM or YYYY-MM-DD")
    pad = "-12-31" if end else "-01-01"
    return value + pad[len(value) - 4 :] if len(value) < 10 else value


def _period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Turn ``YYYY[-MM[-DD]]`` bounds into the first and last day they cover."""
    return (_bounds(since, end=False) if since else None, _bounds(until, end=True) if until else None)


def _in_period(when: str | None, lo: str | None, hi: str | None) -> bool:
    """Tell whether a (possibly partial) date overlaps the period [lo, hi]; undated fails any period."""
    if lo is None and hi is None:
        return True
    if not when or not _DATE.match(when):
        return False
    return not (lo and _bounds(when, end=True) < lo) and not (hi and _bounds(when, end=False) > hi)


def _split_types(types: Iterable[str] | None) -> tuple[set[str], set[str]]:
    """Split class names into (entity classes, event classes), checking each."""
    if types is None:
        return set(), set()
    known = {t.lower(): t for t in (*ENTITY_TYPES, *EVENT_TYPES)}
    chosen = set()
    for name in types:
        if name.strip().lower() not in known:
            raise ValueError(f"unknown type {name!r}; expected one of: {', '.join((*ENTITY_TYPES, *EVENT_TYPES))}")
        chosen.add(known[name.strip().lower()])
    return chosen & set(ENTITY_TYPES), chosen & set(EVENT_TYPES)


def _events(snap: _Snapshot, since: str | None, until: str | None, event_types: set[str]) -> list[str]:
    lo, hi = _period(since, until)
    keep = []
    for e, ev in sorted(snap.events.items()):
        if event_types and "Event" not in event_types and ev["type"] not in event_types:
            continue
        if _in_period(ev.get("date") or ev.get("published"), lo, hi):
            keep.append(e)
    return keep


def _relation(ev: dict[str, Any], event: str, role: str, source: str, target: str) -> dict[str, Any]:
    return {
        "event": event,
        "type": ev["type"],
        "role": role,
        "source": source,
        "target": target,
        "status": ev.get("status", ""),
        "date": ev.get("date", ""),
        "evidence": ev.get("evidence", ""),
        "article": ev.get("article", ""),
        "article_title": ev.get("article_title", ""),
        "article_url": ev.get("article_url", ""),
    }


def _link(G: nx.Graph, u: str, v: str, rel: dict[str, Any]) -> None:
    """Add one relation to the edge u-v, keeping the first event's fields on the edge itself."""
    if G.has_edge(u, v):
        data = G.edges[u, v]
        data["relations"].append(rel)
        data["weight"] += 1
        if data["type"] == "CoMention" and rel["type"] != "CoMention":
            data.update({k: rel[k] for k in ("type", "role", "evidence", "article")})
    else:
        G.add_edge(u, v, weight=1, relations=[rel], **{k: rel[k] for k in ("type", "role", "evidence", "article")})


# --------------------------------------------------------------------------- projections


def firm_network(
    ds: Dataset,
    *,
    since: str | None = None,
    until: str | None = None,
    types: Iterable[str] | None = None,
    comentions: bool = True,
) -> nx.Graph:
    """Project the store onto firms linked by lawsuits, acquisitions, providers and co-mentions.

    Every firm in the store is a node, linked or not. Each edge collects its ``relations`` (one
    dict per event, with ``source`` and ``target`` giving the direction, e.g. plaintiff to
    defendant); its ``weight`` counts them, one per event and one per article naming both firms.

    Args:
        ds: the store.
        since: keep events dated (or published) on or after this ``YYYY[-MM[-DD]]``.
        until: keep events dated on or before this.
        types: event types to keep (``Lawsuit``...); None keeps all. Naming types leaves out
            co-mentions unless ``Event`` (every type) is among them.
        comentions: also link firms named in the same article (type ``CoMention``).

    Returns:
        An undirected `networkx.Graph` whose nodes are firm IRIs.

    Raises:
        ValueError: for a bad date or an unknown type.

    Example:
        >>> from kg.store import open_store
        >>> firm_network(open_store()).number_of_nodes()
        0
    """
    snap = _read(ds)
    _, event_types = _split_types(types)
    G = nx.Graph(name="firm network")
    G.add_nodes_from((x, data) for x, data in sorted(snap.entities.items()) if data["type"] == "Firm")
    for e in _events(snap, since, until, event_types):
        ev, roles = snap.events[e], snap.roles[e]
        for etype, from_role, to_role in FIRM_LINKS:
            if ev["type"] != etype:
                continue
            for r1, a in roles:
                for r2, b in roles:
                    if r1 == from_role and r2 == to_role and a != b and a in G and b in G:
                        _link(G, a, b, _relation(ev, e, f"{from_role}→{to_role}", a, b))
    if comentions and (not event_types or "Event" in event_types):
        lo, hi = _period(since, until)
        for article, firms in sorted(snap.mentions.items()):
            art = snap.articles.get(article, {})
            if not _in_period(art.get("published"), lo, hi):
                continue
            for a, b in combinations(sorted(f for f in firms if f in G), 2):
                rel = {
                    "event": "",
                    "type": "CoMention",
                    "role": "co-mention",
                    "source": a,
                    "target": b,
                    "status": "",
                    "date": "",
                    "evidence": "",
                    "article": article,
                    "article_title": art.get("title", ""),
                    "article_url": art.get("url", ""),
                }
                _link(G, a, b, rel)
    return G


def firm_market_graph(
    ds: Dataset, *, since: str | None = None, until: str | None = None, types: Iterable[str] | None = None
) -> nx.Graph:
    """Project the store onto the bipartite graph of firms and the markets they enter or launch in.

    Firms have ``bipartite=0``, places ``bipartite=1``; edges come from market entries and
    product launches that name both a firm and a market, and carry their ``relations``.

    Args:
        ds: the store.
        since: keep events dated (or published) on or after this ``YYYY[-MM[-DD]]``.
        until: keep events dated on or before this.
        types: ``MarketEntry`` or ``ProductLaunch`` to keep only one; None keeps both.

    Raises:
        ValueError: for a bad date or an unknown type.

    Example:
        >>> from kg.store import open_store
        >>> firm_market_graph(open_store()).number_of_edges()
        0
    """
    snap = _read(ds)
    _, event_types = _split_types(types)
    G = nx.Graph(name="firm-market graph")
    for e in _events(snap, since, until, event_types):
        ev, roles = snap.events[e], snap.roles[e]
        if ev["type"] not in _MARKET_EVENTS:
            continue
        firms = [x for r, x in roles if r == "firm" and snap.entities.get(x, {}).get("type") == "Firm"]
        markets = [x for r, x in roles if r == "market" and x in snap.entities]
        for f in firms:
            for m in markets:
                G.add_node(f, bipartite=0, **snap.entities[f])
                G.add_node(m, bipartite=1, **snap.entities[m])
                _link(G, f, m, _relation(ev, e, "firm→market", f, m))
    return G


def event_graph(
    ds: Dataset, *, since: str | None = None, until: str | None = None, types: Iterable[str] | None = None
) -> nx.Graph:
    """Project the store onto events and the entities that take part in them.

    An edge joins an event to each participant; its ``role`` is the role property's name
    (``plaintiff``, ``market``...; several joined by ", ").

    Args:
        ds: the store.
        since: keep events dated (or, undated, published) on or after ``YYYY[-MM[-DD]]``;
            events with neither date are left out when a period is given.
        until: keep events dated on or before this.
        types: class names to keep, entity and event classes mixed (``Firm,Lawsuit``). Entity
            classes limit the participants (``Place`` keeps its subclasses), event classes
            limit the events; a side with no class named is kept whole.

    Raises:
        ValueError: for a bad date or an unknown type.

    Example:
        >>> from kg.store import open_store
        >>> event_graph(open_store(), types=["Lawsuit"]).number_of_nodes()
        0
        >>> event_graph(open_store(), types=["Lawsuits"])
        Traceback (most recent call last):
        ...
        ValueError: unknown type 'Lawsuits'; expected one of: Firm, Person, ...
    """
    snap = _read(ds)
    entity_types, event_types = _split_types(types)
    if "Place" in entity_types:
        entity_types |= _PLACES
    G = nx.Graph(name="event graph")
    for e in _events(snap, since, until, event_types):
        ev = snap.events[e]
        G.add_node(e, **ev)
        for role, x in snap.roles[e]:
            ent = snap.entities.get(x)
            if ent is None or (entity_types and ent["type"] not in entity_types):
                continue
            if G.has_edge(e, x):
                G.edges[e, x]["role"] += f", {role}"
                continue
            G.add_node(x, **ent)
            G.add_edge(
                e, x, type=ev["type"], role=role, evidence=ev["evidence"], article=ev.get("article", ""), weight=1
            )
    return G


# --------------------------------------------------------------------------- measures


def centrality(
    G: nx.Graph, metric: str = "pagerank", *, weight: str | None = "weight", k: int | None = None, seed: int = 0
) -> dict[Any, float]:
    """Score every node by a centrality measure.

    Args:
        G: any graph.
        metric: ``pagerank``, ``degree`` or ``betweenness``.
        weight: the edge attribute PageRank reads (degree and betweenness count hops).
        k: for betweenness, estimate from `k` sampled sources (faster on big graphs).
        seed: the sampling seed for `k`.

    Returns:
        ``{node: score}``.

    Raises:
        ValueError: for an unknown metric.

    Example:
        >>> G = nx.star_graph(3)
        >>> round(centrality(G, "betweenness")[0], 2), centrality(G, "betweenness")[1]
        (1.0, 0.0)
        >>> centrality(G, "closeness")
        Traceback (most recent call last):
        ...
        ValueError: unknown metric 'closeness'; expected one of: pagerank, degree, betweenness
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}")
    if len(G) == 0:
        return {}
    if metric == "degree":
        return nx.degree_centrality(G)
    if metric == "betweenness":
        return nx.betweenness_centrality(G, k=min(k, len(G)) if k else None, seed=seed)
    return nx.pagerank(G, weight=weight)


def communities(G: nx.Graph, *, seed: int = 0, weight: str | None = "weight") -> list[set[Any]]:
    """Find communities with Louvain; the same seed gives the same communities.

    Args:
        G: an undirected graph.
        seed: Louvain's random seed.
        weight: the edge attribute to weigh links by (None: every link counts 1).

    Returns:
        Sets of nodes, largest first (ties broken by their smallest node).

    Example:
        >>> G = nx.barbell_graph(4, 0)
        >>> [sorted(c) for c in communities(G)]
        [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    found = nx.community.louvain_communities(G, weight=weight, seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(map(str, c))))


def components(G: nx.Graph) -> list[set[Any]]:
    """Return the connected components, largest first.

    Example:
        >>> components(nx.Graph([(1, 2), (3, 4), (4, 5)]))
        [{3, 4, 5}, {1, 2}]
    """
    return sorted(nx.connected_components(G), key=lambda c: (-len(c), min(map(str, c))))


def summary(G: nx.Graph) -> dict[str, Any]:
    """Count a graph's nodes, edges and components, and its nodes by type.

    Example:
        >>> summary(nx.Graph([(1, 2)]))
        {'nodes': 2, 'edges': 1, 'components': 1, 'largest_component': 2, 'by_type': {}}
    """
    comps = components(G)
    by_type: dict[str, int] = defaultdict(int)
    for _, t in G.nodes(data="type"):
        if t:
            by_type[t] += 1
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "components": len(comps),
        "largest_component": len(comps[0]) if comps else 0,
        "by_type": dict(sorted(by_type.items())),
    }


def rank(G: nx.Graph, metric: str = "pagerank", *, top: int | None = 20, seed: int = 0) -> pd.DataFrame:
    """Rank nodes by a centrality, with their degree, Louvain community and component.

    Returns:
        A `pandas.DataFrame` with columns ``node``, ``name``, ``type``, `metric`, ``links`` (the
        node's degree), ``community`` and ``component`` (numbered from 1, largest first), best
        first.

    Example:
        >>> G = nx.Graph([("a", "b"), ("b", "c")])
        >>> rank(G, "degree", top=1)[["node", "degree", "links", "community"]].to_dict("records")
        [{'node': 'b', 'degree': 1.0, 'links': 2, 'community': 1}]
    """
    import pandas as pd

    scores = centrality(G, metric, seed=seed)
    community = {n: i for i, c in enumerate(communities(G, seed=seed), 1) for n in c}
    component = {n: i for i, c in enumerate(components(G), 1) for n in c}
    rows = [
        {
            "node": n,
            "name": G.nodes[n].get("label", str(n)),
            "type": G.nodes[n].get("type", ""),
            metric: scores[n],
            "links": G.degree(n),
            "community": community.get(n, 0),
            "component": component.get(n, 0),
        }
        for n in G
    ]
    columns = ["node", "name", "type", metric, "links", "community", "component"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values([metric, "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return frame.head(top) if top is not None else frame


# --------------------------------------------------------------------------- firms by name


def _match(name: str, candidates: Iterable[tuple[str, str, list[str]]], what: str) -> str:
    """Pick the node whose IRI, key, label or alias is `name` (case-insensitive)."""
    wanted = name.strip().casefold()
    exact: list[tuple[int, str, str]] = []
    names: list[str] = []
    for node, label, aliases in candidates:
        names.append(label)
        if wanted in (node.casefold(), node.split("/resource/", 1)[-1].casefold()):
            return node
        if label.casefold() == wanted:
            exact.append((0, node, label))
        elif wanted in (a.casefold() for a in aliases):
            exact.append((1, node, label))
    best = [m for m in exact if m[0] == min((m[0] for m in exact), default=0)]
    if len(best) == 1:
        return best[0][1]
    if best:
        listed = ", ".join(f"{label} <{node}>" for _, node, label in sorted(best)[:5])
        raise AmbiguousEntityError(f"{what} {name!r} is ambiguous: it names {listed}; give the IRI instead")
    close = difflib.get_close_matches(name, sorted(set(names)), n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UnknownEntityError(f"no {what} named {name!r} in the store{hint}")


def find_node(G: nx.Graph, name: str, *, type: str | None = None) -> str:
    """Find the node a user means by `name`: its IRI, key (``firm/acme``), label or an alias.

    Labels win over aliases; matching ignores case.

    Args:
        G: a graph from one of the projections.
        name: what the user typed.
        type: only consider nodes of this type (``Firm``).

    Raises:
        UnknownEntityError: if nothing matches (with near misses as suggestions).
        AmbiguousEntityError: if several nodes match equally well.

    Example:
        >>> G = nx.Graph()
        >>> G.add_node("https://w3id.org/cekg/resource/firm/acme", label="Acme", aliases=["Acme Inc."])
        >>> find_node(G, "acme inc.")
        'https://w3id.org/cekg/resource/firm/acme'
        >>> find_node(G, "Acne")
        Traceback (most recent call last):
        ...
        kg.analyze.UnknownEntityError: no node named 'Acne' in the store; did you mean: Acme?
    """
    candidates = (
        (str(n), d.get("label", str(n)), d.get("aliases", []))
        for n, d in G.nodes(data=True)
        if type is None or d.get("type") == type
    )
    return _match(name, candidates, (type or "node").lower())


def resolve(ds: Dataset, name: str, *, type: str = "Firm") -> str:
    """Find the IRI of the entity of class `type` a user means by `name` (see `find_node`).

    Example:
        >>> from kg.store import open_store
        >>> resolve(open_store(), "Acme")
        Traceback (most recent call last):
        ...
        kg.analyze.UnknownEntityError: no firm named 'Acme' in the store
    """
    if type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type!r}; expected one of: {', '.join(ENTITY_TYPES)}")
    labels: dict[str, tuple[str, list[str]]] = {}
    # the class is bound as a term; Oxigraph wants a bound variable in a pattern and in the projection
    q = "SELECT ?cls ?x ?p ?l WHERE { ?x a ?cls ; ?p ?l . VALUES ?p { rdfs:label skos:altLabel } }"
    rows = ds.query(q, initNs={p: str(ns) for p, ns in PREFIXES.items()}, initBindings={"cls": CEK[type]})
    for _, x, p, label in rows:  # type: ignore[misc]
        main, alts = labels.setdefault(str(x), ("", []))
        if p == RDFS.label and (not main or str(label) < main):
            labels[str(x)] = (str(label), alts)
        else:
            alts.append(str(label))
    return _match(name, ((x, m or x, a) for x, (m, a) in sorted(labels.items())), type.lower())


# --------------------------------------------------------------------------- paths, egos, timelines


def shortest_path(G: nx.Graph, source: str, target: str, *, weight: str | None = None) -> list[dict[str, Any]]:
    """Find a shortest path between two nodes and return its hops with their evidence.

    Args:
        G: a projection (its edges carry ``relations`` or ``type``/``role``/``evidence``).
        source: a node of `G` (use `find_node` for a name).
        target: another node.
        weight: an edge attribute to minimise instead of the number of hops.

    Returns:
        One dict per hop: ``source``, ``target`` and their ``source_label``/``target_label``,
        and ``relations`` (every event or co-mention behind the edge, events first).

    Raises:
        networkx.NodeNotFound: if either node is not in `G`.
        networkx.NetworkXNoPath: if they are not connected.

    Example:
        >>> G = nx.Graph()
        >>> G.add_edge("a", "b", type="Lawsuit", role="plaintiff→defendant", evidence="A sued B.", article="x")
        >>> G.add_edge("b", "c", type="Acquisition", role="acquirer→target", evidence="B buys C.", article="y")
        >>> [(h["source"], h["target"], h["relations"][0]["evidence"]) for h in shortest_path(G, "a", "c")]
        [('a', 'b', 'A sued B.'), ('b', 'c', 'B buys C.')]
    """
    nodes = nx.shortest_path(G, source, target, weight=weight)
    hops = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        data = G.edges[u, v]
        rels = data.get("relations") or [{k: data.get(k, "") for k in ("type", "role", "evidence", "article")}]
        rels = sorted(rels, key=lambda r: (r.get("type") == "CoMention", r.get("date") or "9999", r.get("event", "")))
        hops.append(
            {
                "source": u,
                "target": v,
                "source_label": G.nodes[u].get("label", str(u)),
                "target_label": G.nodes[v].get("label", str(v)),
                "relations": rels,
            }
        )
    return hops


def ego(G: nx.Graph, node: Any, hops: int = 1) -> nx.Graph:
    """Return the subgraph of nodes within `hops` edges of `node` (a new graph).

    Raises:
        networkx.NodeNotFound: if `node` is not in `G`.
        ValueError: if `hops` is negative.

    Example:
        >>> sorted(ego(nx.path_graph(5), 0, 2))
        [0, 1, 2]
    """
    if hops < 0:
        raise ValueError(f"hops must be 0 or more, got {hops!r}")
    if node not in G:
        raise nx.NodeNotFound(f"node {node!r} is not in the graph")
    return nx.ego_graph(G, node, radius=hops).copy()


_TIMELINE = """
SELECT ?firm ?event ?type ?role ?date ?status ?evidence ?article ?title ?url ?published WHERE {
  ?event ?roleProp ?firm ;
         a cek:Event, ?typeClass .
  FILTER (?typeClass != cek:Event && STRSTARTS(STR(?roleProp), STR(cek:)) && ?roleProp != cek:status)
  BIND(STRAFTER(STR(?typeClass), "#") AS ?type)
  BIND(STRAFTER(STR(?roleProp), "#") AS ?role)
  OPTIONAL { ?event cek:date ?date }
  OPTIONAL { ?event cek:status ?s . BIND(STRAFTER(STR(?s), "#") AS ?status) }
  OPTIONAL { ?event cek:evidence ?evidence }
  OPTIONAL { ?event prov:wasDerivedFrom ?article .
             OPTIONAL { ?article dcterms:title ?title } OPTIONAL { ?article schema:url ?url }
             OPTIONAL { ?article schema:datePublished ?published } }
}"""


def timeline(ds: Dataset, firm: str) -> list[dict[str, Any]]:
    """List every event a firm takes part in, oldest first (undated events last).

    Args:
        ds: the store.
        firm: the firm's IRI, key, name or alias (see `resolve`).

    Returns:
        One dict per event: ``date``, ``type``, ``role`` (the firm's roles, joined), ``status``,
        ``evidence``, ``event``, ``article``, ``title``, ``url`` and ``published``.

    Raises:
        UnknownEntityError: if no firm has that name.

    Example:
        >>> from kg.store import open_store
        >>> timeline(open_store(), "https://w3id.org/cekg/resource/firm/acme")
        []
    """
    iri = firm if firm.startswith(("http://", "https://")) else resolve(ds, firm)
    rows: dict[str, dict[str, Any]] = {}
    result = ds.query(_TIMELINE, initNs={p: str(ns) for p, ns in PREFIXES.items()}, initBindings={"firm": URIRef(iri)})
    for binding in result.bindings:
        r = {str(k): str(v) for k, v in binding.items() if v is not None}
        row = rows.setdefault(
            r["event"],
            {"role": set(), "evidence": set(), "event": r["event"], "type": r["type"]}
            | {k: r.get(k, "") for k in ("date", "status", "article", "title", "url", "published")},
        )
        row["role"].add(r["role"])
        if r.get("evidence"):
            row["evidence"].add(r["evidence"])
    out = []
    for row in rows.values():
        row["role"] = ", ".join(sorted(row["role"]))
        row["evidence"] = " ".join(sorted(row["evidence"]))
        out.append(row)
    return sorted(
        out, key=lambda r: (not (r["date"] or r["published"]), r["date"] or r["published"], r["type"], r["event"])
    )
