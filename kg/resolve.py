"""One firm across many articles is one node: the store's firms, consulted as each article is written.

An extractor reads one article at a time, so it keys a firm by the name that article gives it:
"Halvard Textiles Inc." in one article is ``firm/halvard-textiles``, plain "Halvard" in the
next is ``firm/halvard``. `FirmIndex` holds the names (``rdfs:label`` and ``skos:altLabel``)
and links (``schema:sameAs``) of the firms already stored, and `FirmIndex.resolve` gives a new
article's firm the key of the stored firm it names:

- one of its names (folded, legal suffixes dropped) is a name of exactly one stored firm; or
- it shares a Wikipedia or Wikidata link with exactly one stored firm; or
- its name, without trailing business words ("Textiles", "Motors", "Bank"), is exactly one
  stored firm's name, or the other way round ("Halvard" and "Halvard Textiles").

The stored firm's label becomes the article's label for it, and the article's own names become
``skos:altLabel``s, so the node gathers every alias. A firm keeps its own key when a stored
firm has that key already, when its names point to several stored firms (ambiguous), or when
another firm of the same article would take the same key (the article tells them apart).

Only the direction "new article joins a stored firm" is taken: two firms already stored under
different keys are never merged (that would rewrite other articles' graphs), so which key a firm
ends up with depends on the order its articles arrive in, but with either order its names meet
in one node. Writers that share a store through ``--endpoint`` each read the index when they
start, so two of them can still mint two nodes for one firm at the same moment.

Example:
    >>> from kg.model import Article, Entity, Extraction, Kind
    >>> index = FirmIndex()
    >>> first = Extraction(Article("a", "", ""), entities=(
    ...     Entity("firm/halvard-textiles", Kind.FIRM, "Halvard Textiles"),))
    >>> index.add(first)
    >>> later = Extraction(Article("b", "", ""), entities=(Entity("firm/halvard", Kind.FIRM, "Halvard"),))
    >>> [(e.key, e.name, sorted(e.aliases)) for e in index.resolve(later).entities]
    [('firm/halvard-textiles', 'Halvard Textiles', ['Halvard'])]
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from rdflib.namespace import RDFS

from kg.extract.entities import FIRM_NAME_TAILS
from kg.extract.firms import fold_firm_name
from kg.extract.gazetteer import demonym_country, lookup_place
from kg.model import Entity, Extraction, Kind
from kg.namespace import RES, SCHEMA

__all__ = ["FirmIndex", "firm_names", "rekey"]

#: Trailing words that say what a firm does rather than which firm it is ("Halvard Textiles").
BUSINESS_WORDS = FIRM_NAME_TAILS | frozenset(
    {
        "airline", "automotive", "aerospace", "bank", "biotech", "broadcasting", "games",
        "healthcare", "insurance", "logistics", "mining", "motor", "pharma", "publishing",
        "resources", "retail", "studios", "textiles",
    }
)  # fmt: skip

#: The names, links and labels of every firm in a store, each with the graphs that say it
#: (`kg.query.run` declares kg's prefixes).
INDEX_QUERY = """
SELECT ?firm ?p ?value (COUNT(?g) AS ?n) WHERE {
  GRAPH ?g {
    ?firm a cek:Firm ; ?p ?value .
    VALUES ?p { rdfs:label skos:altLabel schema:sameAs }
  }
}
GROUP BY ?firm ?p ?value
"""


def firm_names(entity: Entity) -> tuple[frozenset[str], frozenset[str]]:
    """Return the folded names of a firm, and its short names without trailing business words.

    A short name is kept only when what is left is one word or more that is neither a place
    nor a nationality ("China Mobile" gives none) and has at least three letters.

    Example:
        >>> full, short = firm_names(Entity("firm/x", Kind.FIRM, "Halvard Textiles Inc.", frozenset({"HTX"})))
        >>> sorted(full), sorted(short)
        (['halvard textiles', 'htx'], ['halvard'])
        >>> firm_names(Entity("firm/china-mobile", Kind.FIRM, "China Mobile"))[1]
        frozenset()
    """
    return _name_forms((entity.name, *entity.aliases))


def _name_forms(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    full = frozenset(filter(None, map(fold_firm_name, names)))
    short: set[str] = set()
    for name in full:
        words = name.split()
        while len(words) > 1 and words[-1] in BUSINESS_WORDS:
            words = words[:-1]
        head = " ".join(words)
        if (
            head != name
            and len(head.replace(" ", "")) >= 3
            and lookup_place(head) is None
            and demonym_country(head) is None
        ):
            short.add(head)
    return full, frozenset(short - full)


def rekey(extraction: Extraction, joined: dict[str, Entity]) -> Extraction:
    """Return `extraction` with each entity whose key is in `joined` replaced by the entity it
    maps to, and its mentions and event roles pointing to that entity's key."""
    if not joined:
        return extraction
    keys = {old: new.key for old, new in joined.items()}
    entities = tuple(joined.get(e.key, e) for e in extraction.entities)
    mentions = tuple(
        dataclasses.replace(m, entity=keys[m.entity]) if m.entity in keys else m for m in extraction.mentions
    )
    events = tuple(
        dataclasses.replace(ev, roles=tuple((r, keys.get(v, v)) for r, v in ev.roles))
        if any(v in keys for _, v in ev.roles)
        else ev
        for ev in extraction.events
    )
    return dataclasses.replace(extraction, entities=entities, mentions=mentions, events=events)


class FirmIndex:
    """The names and links of the firms in a store, to give a new article's firms their keys.

    Build it with `from_store` (or empty), `resolve` each extraction before it is written and
    `add` it after; see the module's docstring for the rules.
    """

    def __init__(self) -> None:
        self._full: defaultdict[str, set[str]] = defaultdict(set)  # folded name -> keys
        self._short: defaultdict[str, set[str]] = defaultdict(set)  # short name -> keys
        self._links: defaultdict[str, set[str]] = defaultdict(set)  # link -> keys
        self._key_links: defaultdict[str, set[str]] = defaultdict(set)  # key -> links
        self._labels: dict[str, Counter[str]] = {}  # key -> its labels, by how many articles use them
        #: How many firms `resolve` has given the key of a stored firm.
        self.joined = 0

    def __len__(self) -> int:
        return len(self._labels)

    def __contains__(self, key: object) -> bool:
        return key in self._labels

    def __repr__(self) -> str:
        return f"<FirmIndex of {len(self):,} firms>"

    @classmethod
    def from_store(cls, target: Any) -> FirmIndex:
        """Read the firms of a store (see `kg.store.open_store`) or a `kg.remote.Endpoint`."""
        from kg.query import rows_of, run

        index = cls()
        prefix = str(RES)
        names: defaultdict[str, set[str]] = defaultdict(set)
        for firm, p, value, n in rows_of(run(target, INDEX_QUERY)):
            if not str(firm).startswith(prefix):
                continue
            key = unquote(str(firm)[len(prefix) :])
            if p == SCHEMA.sameAs:
                index._add_link(key, str(value))
            else:
                names[key].add(str(value))
                if p == RDFS.label:
                    index._labels.setdefault(key, Counter())[str(value)] += int(n)
        for key, values in names.items():
            index._labels.setdefault(key, Counter())
            index._add_names(key, values)
        return index

    def _add_names(self, key: str, names: Iterable[str]) -> None:
        full, short = _name_forms(names)
        for name in full:
            self._full[name].add(key)
        for name in short:
            self._short[name].add(key)

    def _add_link(self, key: str, link: str) -> None:
        self._links[link].add(key)
        self._key_links[key].add(link)

    def add(self, extraction: Extraction) -> None:
        """Take the firms of an article that is being written into the index."""
        for e in extraction.entities:
            if e.kind is not Kind.FIRM:
                continue
            self._labels.setdefault(e.key, Counter())[e.name] += 1
            self._add_names(e.key, (e.name, *e.aliases))
            for link in e.links:
                self._add_link(e.key, link)

    def label(self, key: str) -> str | None:
        """The label most articles give the stored firm `key` (the longest of a tie)."""
        labels = self._labels.get(key)
        if not labels:
            return None
        return max(labels, key=lambda name: (labels[name], len(name), name))

    def match(self, entity: Entity) -> str | None:
        """The key of the one stored firm `entity` names, or None (none, or several).

        A link is the strongest cue, then a shared name, then a short name. Two firms with
        different links are never one; a short name joins two firms only when both or neither
        are known to the gazetteer ("Kingfisher Airlines" is not the listed Kingfisher plc).
        """
        if entity.kind is not Kind.FIRM or entity.key in self._labels:
            return None
        full, short = firm_names(entity)
        links = set(entity.links)

        def agrees(key: str, weak: bool) -> bool:
            theirs = self._key_links.get(key, set())
            if links and theirs:
                return bool(links & theirs)
            return not (weak and (links or theirs))

        for found, weak in (
            (_keys(self._links, links), False),
            (_keys(self._full, full), False),
            (_keys(self._short, full) | _keys(self._full, short), True),
        ):
            if len(found) > 1:
                return None  # ambiguous: a stronger cue named several firms
            if found:
                key = next(iter(found))
                return key if agrees(key, weak) else None
        return None

    def resolve(self, extraction: Extraction) -> Extraction:
        """Return `extraction` with its firms keyed as the stored firms they name (if any)."""
        own = {e.key for e in extraction.entities}
        targets: defaultdict[str, list[Entity]] = defaultdict(list)
        for e in extraction.entities:
            key = self.match(e)
            if key is not None:
                targets[key].append(e)
        joined: dict[str, Entity] = {}
        for key, found in targets.items():
            if len(found) > 1 or key in own:
                continue  # the article names two firms here, or names the stored one itself
            e = found[0]
            name = self.label(key) or e.name
            joined[e.key] = dataclasses.replace(e, key=key, name=name, aliases=(e.aliases | {e.name}) - {name})
        self.joined += len(joined)
        return rekey(extraction, joined)


def _keys(table: dict[str, set[str]], names: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for name in names:
        found |= table.get(name, set())
    return found
