"""Every shared fixture of the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention, Status
from kg.store import open_store, replace

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def data_dir() -> Path:
    """The folder of hand-written test data."""
    return DATA


@pytest.fixture
def articles_dir() -> Path:
    """Hand-written articles (and two bad files: empty.txt, broken.txt)."""
    return DATA / "articles"


@pytest.fixture
def shared_dir() -> Path:
    """The team's shared folder (corpora, gold); tests using it skip where it is absent."""
    if not (SHARED / "corpus" / "seed").is_dir():
        pytest.skip("../shared/corpus is not present on this machine")
    return SHARED


@pytest.fixture
def seed_dir(shared_dir: Path) -> Path:
    """The seed article's folder."""
    return shared_dir / "corpus" / "seed"


@pytest.fixture
def article() -> Article:
    """A short hand-written article."""
    title = "Acme to enter Brazil"
    text = "Acme Inc. will enter Brazil next year. Acme was sued in Germany by Borealis over patents."
    return Article(id="news/acme.txt", title=title, text=text, url="https://example.org/acme")


def _mention(article: Article, text: str, kind: Kind, key: str, sentence: int = 0) -> Mention:
    start = article.full_text.index(text)
    return Mention(text, kind, start, start + len(text), key, sentence)


@pytest.fixture
def extraction(article: Article) -> Extraction:
    """A hand-built extraction with one event of each of the five types."""
    ents = (
        Entity("firm/acme", Kind.FIRM, "Acme", frozenset({"Acme", "Acme Inc."})),
        Entity("firm/borealis", Kind.FIRM, "Borealis"),
        Entity("firm/globex", Kind.FIRM, "Globex"),
        Entity("product/picker", Kind.PRODUCT, "Picker"),
        Entity("place/br", Kind.COUNTRY, "Brazil", code="BR", links=("https://sws.geonames.org/3469034/",)),
        Entity("place/de", Kind.COUNTRY, "Germany", code="DE"),
        Entity("place/sao-paulo", Kind.CITY, "Sao Paulo"),
    )
    s0 = "Acme Inc. will enter Brazil next year."
    s1 = "Acme was sued in Germany by Borealis over patents."
    events = (
        Event(
            EventType.MARKET_ENTRY,
            (("firm", "firm/acme"), ("market", "place/br")),
            Status.PLANNED,
            "2016",
            (s0,),
            0.8,
            "test",
        ),
        Event(
            EventType.PRODUCT_LAUNCH,
            (("firm", "firm/acme"), ("product", "product/picker")),
            Status.ANNOUNCED,
            None,
            (s0,),
            0.6,
            "test",
        ),
        Event(
            EventType.LAWSUIT,
            (
                ("defendant", "firm/acme"),
                ("plaintiff", "firm/borealis"),
                ("jurisdiction", "place/de"),
                ("subject", "patent"),
            ),
            Status.ANNOUNCED,
            "2015-06-01",
            (s1,),
            0.7,
            "test",
        ),
        Event(
            EventType.DATA_CENTER_MOVE,
            (("firm", "firm/acme"), ("from", "place/de"), ("to", "place/sao-paulo"), ("provider", "firm/globex")),
            Status.COMPLETED,
            "2015-05",
            (s0,),
            0.5,
            "test",
        ),
        Event(
            EventType.ACQUISITION,
            (("acquirer", "firm/globex"), ("target", "firm/borealis"), ("value", "$2 billion")),
            Status.RUMOURED,
            None,
            (s1,),
            0.4,
            "test",
        ),
    )
    title_len = len(article.title) + 2
    mentions = (
        _mention(article, "Acme Inc.", Kind.FIRM, "firm/acme", 1),
        _mention(article, "Brazil", Kind.COUNTRY, "place/br"),
        _mention(article, "Borealis", Kind.FIRM, "firm/borealis", 2),
    )
    sentences = (
        (0, len(article.title)),
        (title_len, title_len + len(s0)),
        (title_len + len(s0) + 1, len(article.full_text)),
    )
    return Extraction(article, mentions, ents, events, sentences)


@pytest.fixture
def small_dataset(extraction: Extraction):
    """An in-memory Oxigraph store holding the hand-built extraction."""
    from kg.rdf import to_graph

    ds = open_store()
    replace(ds, to_graph(extraction))
    return ds


class FakeExtractor:
    """Extracts from each article one Firm named by its title's first word; no spaCy."""

    def pipe(self, articles):
        for a in articles:
            word = (a.title.split() or ["Nobody"])[0].strip(".,")
            key = "firm/" + word.lower()
            yield Extraction(
                a,
                entities=(Entity(key, Kind.FIRM, word),),
                events=(
                    Event(EventType.LAWSUIT, (("defendant", key),), Status.ANNOUNCED, None, (a.title,), 0.5, "fake"),
                ),
            )

    def __call__(self, article):
        return next(self.pipe([article]))


@pytest.fixture
def fake_extractor() -> FakeExtractor:
    """A deterministic extractor that needs no model."""
    return FakeExtractor()


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner."""
    return CliRunner()
