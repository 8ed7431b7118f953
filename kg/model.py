"""The records that cross module lines: Article, Mention, Entity, Event, Extraction."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

__all__ = [
    "ROLES",
    "Article",
    "Entity",
    "Event",
    "EventType",
    "Extraction",
    "Kind",
    "Mention",
    "Status",
]


class Kind(StrEnum):
    """What an entity is; values are the ontology's class local names."""

    FIRM = "Firm"
    PERSON = "Person"
    PRODUCT = "Product"
    PLACE = "Place"
    COUNTRY = "Country"
    REGION = "Region"
    CITY = "City"

    @property
    def is_place(self) -> bool:
        """True for Place and its subclasses.

        Example:
            >>> Kind.CITY.is_place, Kind.FIRM.is_place
            (True, False)
        """
        return self in (Kind.PLACE, Kind.COUNTRY, Kind.REGION, Kind.CITY)


class EventType(StrEnum):
    """The event classes of the contract; values are the ontology's local names."""

    MARKET_ENTRY = "MarketEntry"
    PRODUCT_LAUNCH = "ProductLaunch"
    LAWSUIT = "Lawsuit"
    DATA_CENTER_MOVE = "DataCenterMove"
    ACQUISITION = "Acquisition"


class Status(StrEnum):
    """An event's status; values are the local names of the `cek:` individuals."""

    PLANNED = "planned"
    ANNOUNCED = "announced"
    COMPLETED = "completed"
    RUMOURED = "rumoured"
    FAILED = "failed"


#: The roles each event type may carry, mapped to the `cek:` property that holds them.
#: Roles whose value is an entity key; "subject" and "value" hold plain text.
ROLES: dict[EventType, dict[str, str]] = {
    EventType.MARKET_ENTRY: {"firm": "firm", "market": "market", "product": "product"},
    EventType.PRODUCT_LAUNCH: {"firm": "firm", "product": "product", "market": "market"},
    EventType.LAWSUIT: {
        "plaintiff": "plaintiff",
        "defendant": "defendant",
        "jurisdiction": "jurisdiction",
        "subject": "subject",
    },
    EventType.DATA_CENTER_MOVE: {
        "firm": "firm",
        "from": "fromPlace",
        "to": "toPlace",
        "provider": "provider",
    },
    EventType.ACQUISITION: {"acquirer": "acquirer", "target": "target", "value": "value"},
}

#: Roles whose values are literals rather than entity keys.
LITERAL_ROLES = frozenset({"subject", "value"})


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as a loader read it.

    Example:
        >>> a = Article(id="seed/x.txt", title="T", text="Body.")
        >>> a.id, a.published
        ('seed/x.txt', None)
    """

    id: str
    title: str
    text: str
    published: date | None = None
    url: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("an Article needs a non-empty id")

    @property
    def full_text(self) -> str:
        """The title and the body as one text, in which mention offsets count."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class Mention:
    """A character span of `Article.full_text` naming an entity.

    `start`/`end` are character offsets; `sentence` is the index of the sentence it sits in.
    """

    text: str
    kind: Kind
    start: int
    end: int
    entity: str = ""
    sentence: int = -1


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved entity: `key` is what its IRI is minted from (e.g. ``firm/xiaomi``)."""

    key: str
    kind: Kind
    name: str
    aliases: frozenset[str] = field(default_factory=frozenset)
    links: tuple[str, ...] = ()
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world happening stated in an article.

    `roles` pairs a role name (see `ROLES`) with an entity key, or with text for the literal
    roles ``subject`` and ``value``; a role may appear several times.
    """

    type: EventType
    roles: tuple[tuple[str, str], ...]
    status: Status | None = None
    date: str | None = None
    evidence: tuple[str, ...] = ()
    confidence: float = 0.5
    rule: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must lie in 0..1, got {self.confidence!r}")
        allowed = ROLES[EventType(self.type)]
        for role, _ in self.roles:
            if role not in allowed:
                raise ValueError(f"unknown role {role!r} for {self.type}; expected one of: {', '.join(allowed)}")

    def role(self, name: str) -> tuple[str, ...]:
        """Return every value of one role, in order.

        Example:
            >>> e = Event(EventType.LAWSUIT, (("defendant", "firm/a"), ("plaintiff", "firm/b")))
            >>> e.role("defendant")
            ('firm/a',)
        """
        return tuple(v for r, v in self.roles if r == name)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor read from one article.

    `sentences` holds the (start, end) character offsets of each sentence of
    `article.full_text`, so a mention's `sentence` index can be turned back into text.
    """

    article: Article
    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()

    def sentence_text(self, index: int) -> str:
        """Return the text of sentence `index` (see `Mention.sentence`), or "" if unknown."""
        if 0 <= index < len(self.sentences):
            start, end = self.sentences[index]
            return self.article.full_text[start:end]
        return ""

    def to_json(self) -> str:
        """Serialise to JSON (dates as ISO strings, sets as sorted lists)."""

        def default(o: Any) -> Any:
            if isinstance(o, date):
                return o.isoformat()
            if isinstance(o, frozenset):
                return sorted(o)
            raise TypeError(f"cannot serialise {type(o).__name__}")

        return json.dumps(asdict(self), default=default, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Extraction:
        """Rebuild an Extraction written by `to_json`."""
        d = json.loads(text)
        a = d["article"]
        article = Article(
            id=a["id"],
            title=a["title"],
            text=a["text"],
            published=date.fromisoformat(a["published"]) if a["published"] else None,
            url=a["url"],
            source=a["source"],
        )
        return cls(
            article=article,
            mentions=tuple(
                Mention(m["text"], Kind(m["kind"]), m["start"], m["end"], m["entity"], m["sentence"])
                for m in d["mentions"]
            ),
            entities=tuple(
                Entity(
                    e["key"],
                    Kind(e["kind"]),
                    e["name"],
                    frozenset(e["aliases"]),
                    tuple(e["links"]),
                    e["code"],
                )
                for e in d["entities"]
            ),
            events=tuple(
                Event(
                    EventType(v["type"]),
                    tuple((r, x) for r, x in v["roles"]),
                    Status(v["status"]) if v["status"] else None,
                    v["date"],
                    tuple(v["evidence"]),
                    v["confidence"],
                    v["rule"],
                )
                for v in d["events"]
            ),
            sentences=tuple((s, e) for s, e in d.get("sentences", ())),
        )
