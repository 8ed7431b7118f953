"""Every shared fixture of the test suite."""

from __future__ import annotations

from datetime import date
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


# --- graphs to analyse and draw (kg.analyze, kg.viz) ---

#: Markup an article might carry; views must show it as text, never run it.
HOSTILE_TITLE = "<script>alert(1)</script> Evil Corp sues Acme <img src=x onerror=alert(1)>"
HOSTILE_TEXT = "Evil Corp sued Acme. </script><script>alert(2)</script> <img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_extraction() -> Extraction:
    """An article whose title, names, evidence and URL carry HTML and script."""
    article = Article(id="news/hostile.txt", title=HOSTILE_TITLE, text=HOSTILE_TEXT, url="javascript:alert(4)")
    ents = (
        Entity(
            "firm/evil", Kind.FIRM, '<b onmouseover="alert(3)">Evil Corp</b>', frozenset({"<script>alert(5)</script>"})
        ),
        Entity("firm/acme", Kind.FIRM, "Acme"),
    )
    lawsuit = Event(
        EventType.LAWSUIT,
        (("plaintiff", "firm/evil"), ("defendant", "firm/acme")),
        Status.ANNOUNCED,
        "2020-01-02",
        (HOSTILE_TEXT,),
        0.9,
        "test",
    )
    return Extraction(article, entities=ents, events=(lawsuit,))


@pytest.fixture
def network_extractions(extraction: Extraction) -> list[Extraction]:
    """Three articles: the hand-built one, Globex buying Initech (2017), Umbrella alone entering France."""
    globex = Article(
        id="news/globex.txt",
        title="Globex buys Initech",
        text="Globex agreed to buy Initech for $1 billion.",
        published=date(2017, 3, 1),
        url="https://example.org/globex",
    )
    buy = Event(
        EventType.ACQUISITION,
        (("acquirer", "firm/globex"), ("target", "firm/initech")),
        Status.COMPLETED,
        "2017-03",
        ("Globex agreed to buy Initech for $1 billion.",),
        0.9,
        "test",
    )
    umbrella = Article(
        id="news/umbrella.txt",
        title="Umbrella enters France",
        text="Umbrella will enter France.",
        published=date(2018, 1, 5),
    )
    entry = Event(
        EventType.MARKET_ENTRY,
        (("firm", "firm/umbrella"), ("market", "place/fr")),
        Status.PLANNED,
        None,
        ("Umbrella will enter France.",),
        0.7,
        "test",
    )
    return [
        extraction,
        Extraction(
            globex,
            entities=(
                Entity("firm/globex", Kind.FIRM, "Globex"),
                Entity("firm/initech", Kind.FIRM, "Initech", frozenset({"Initech Corp"})),
            ),
            events=(buy,),
        ),
        Extraction(
            umbrella,
            entities=(Entity("firm/umbrella", Kind.FIRM, "Umbrella"), Entity("place/fr", Kind.COUNTRY, "France")),
            events=(entry,),
        ),
    ]


@pytest.fixture
def network_dataset(network_extractions):
    """An in-memory Oxigraph store holding the three `network_extractions` articles."""
    from kg.rdf import to_graph

    ds = open_store()
    for ex in network_extractions:
        replace(ds, to_graph(ex))
    return ds


@pytest.fixture
def network_store(tmp_path, network_extractions, hostile_extraction) -> Path:
    """An on-disk store folder holding `network_extractions` and the hostile article."""
    from kg.rdf import to_graph
    from kg.store import close_store

    path = tmp_path / "store"
    ds = open_store(path)
    for ex in (*network_extractions, hostile_extraction):
        replace(ds, to_graph(ex))
    close_store(ds)
    return path


# --- the query fixture world (issue #5): five articles, ten firms, every event type ----------------


def _world_article(aid: str, title: str, text: str, published, url, ents, events, mentions=()) -> Extraction:
    from datetime import date

    article = Article(aid, title, text, date.fromisoformat(published) if published else None, url)
    spans = []
    for name, kind, key in mentions:  # the first occurrences of `name` in the full text, in order
        start = article.full_text.find(name, spans[-1].end if spans and spans[-1].text == name else 0)
        spans.append(Mention(name, kind, start, start + len(name), key, 0))
    return Extraction(article, tuple(spans), tuple(ents), tuple(events))


def _world() -> tuple[Extraction, ...]:
    firm, product, country, region, city = Kind.FIRM, Kind.PRODUCT, Kind.COUNTRY, Kind.REGION, Kind.CITY
    entry, launch, suit, move, buy = (
        EventType.MARKET_ENTRY,
        EventType.PRODUCT_LAUNCH,
        EventType.LAWSUIT,
        EventType.DATA_CENTER_MOVE,
        EventType.ACQUISITION,
    )
    india = Entity("place/in", country, "India", code="IN")
    china = Entity("place/cn", country, "China", code="CN")
    xiaomi = Entity(
        "firm/xiaomi",
        firm,
        "Xiaomi",
        frozenset({"Xiaomi Inc.", "Xiaomi Corp"}),
        ("https://www.wikidata.org/wiki/Q1636958",),
    )
    flipkart = Entity("firm/flipkart", firm, "Flipkart")
    a_text = (
        "Xiaomi launched the Mi 3 in India on Tuesday, selling it through Flipkart. "
        "The Beijing firm said India is its largest market outside China."
    )
    a_s0 = "Xiaomi launched the Mi 3 in India on Tuesday, selling it through Flipkart."
    a = _world_article(
        "news/xiaomi-india.txt",
        "Xiaomi enters India with the Mi 3",
        a_text,
        "2014-07-15",
        "https://example.org/xiaomi-india",
        [xiaomi, flipkart, Entity("product/mi-3", product, "Mi 3"), india, china],
        [
            Event(
                entry,
                (("firm", "firm/xiaomi"), ("market", "place/in"), ("product", "product/mi-3")),
                Status.COMPLETED,
                "2014-07",
                (a_s0,),
                0.9,
                "market-entry/launch-in",
            ),
            Event(
                launch,
                (("firm", "firm/xiaomi"), ("product", "product/mi-3"), ("market", "place/in")),
                Status.ANNOUNCED,
                "2014-07-15",
                (a_s0,),
                0.8,
                "product-launch/launched",
            ),
        ],
        [("Xiaomi", firm, "firm/xiaomi"), ("Xiaomi", firm, "firm/xiaomi"), ("Flipkart", firm, "firm/flipkart")],
    )
    b_s0 = "Ericsson has sued Xiaomi Inc. in the Delhi High Court over eight patents."
    b_s1 = "The court barred Xiaomi from selling phones in India."
    b = _world_article(
        "news/ericsson-sues-xiaomi.txt",
        "Ericsson sues Xiaomi in India",
        f"{b_s0} {b_s1}",
        "2014-12-11",
        None,
        [
            Entity("firm/ericsson", firm, "Ericsson"),
            Entity("firm/xiaomi", firm, "Xiaomi Inc.", frozenset({"Xiaomi"})),
            india,
        ],
        [
            Event(
                suit,
                (
                    ("plaintiff", "firm/ericsson"),
                    ("defendant", "firm/xiaomi"),
                    ("jurisdiction", "place/in"),
                    ("subject", "patent infringement"),
                ),
                Status.ANNOUNCED,
                "2014-12",
                (b_s0, b_s1),
                0.85,
                "lawsuit/sued",
            )
        ],
    )
    c_s0 = (
        "Xiaomi will move its international users' data from China to Amazon Web Services data centres "
        "in Singapore and Oregon."
    )
    c = _world_article(
        "news/xiaomi-cloud.txt",
        "Xiaomi moves user data to Amazon",
        c_s0 + " Flipkart buyers will be served from Singapore.",
        "2014-10-23",
        "https://example.org/xiaomi-cloud",
        [
            xiaomi,
            Entity("firm/amazon", firm, "Amazon", frozenset({"Amazon Web Services", "AWS"})),
            flipkart,
            china,
            Entity("place/sg", country, "Singapore", code="SG"),
            Entity("place/oregon", region, "Oregon"),
        ],
        [
            Event(
                move,
                (
                    ("firm", "firm/xiaomi"),
                    ("from", "place/cn"),
                    ("to", "place/sg"),
                    ("to", "place/oregon"),
                    ("provider", "firm/amazon"),
                ),
                Status.PLANNED,
                "2014-10",
                (c_s0,),
                0.7,
                "dc-move/move-data",
            )
        ],
        [("Xiaomi", firm, "firm/xiaomi")],
    )
    d_text = (
        "Globex agreed to buy Initech for $2 billion. Globex also plans to enter Brazil next year. "
        "Qualcomm sued Apple in Munich over modem patents. Initech launched TPS Suite."
    )
    d = _world_article(
        "tech/globex-buys-initech.txt",
        "Globex buys Initech",
        d_text,
        "2015-03-02",
        None,
        [
            Entity("firm/globex", firm, "Globex"),
            Entity("firm/initech", firm, "Initech"),
            Entity("firm/qualcomm", firm, "Qualcomm"),
            Entity("firm/apple", firm, "Apple", frozenset({"Apple Inc."})),
            Entity("place/br", country, "Brazil", code="BR"),
            Entity("place/munich", city, "Munich"),
            Entity("product/tps-suite", product, "TPS Suite"),
        ],
        [
            Event(
                buy,
                (("acquirer", "firm/globex"), ("target", "firm/initech"), ("value", "$2 billion")),
                Status.COMPLETED,
                "2015-03-02",
                ("Globex agreed to buy Initech for $2 billion.",),
                0.95,
                "acquisition/buy",
            ),
            Event(
                entry,
                (("firm", "firm/globex"), ("market", "place/br")),
                Status.PLANNED,
                "2016",
                ("Globex also plans to enter Brazil next year.",),
                0.6,
                "market-entry/enter",
            ),
            Event(
                suit,
                (
                    ("plaintiff", "firm/qualcomm"),
                    ("defendant", "firm/apple"),
                    ("jurisdiction", "place/munich"),
                    ("subject", "modem patents"),
                ),
                Status.RUMOURED,
                None,
                ("Qualcomm sued Apple in Munich over modem patents.",),
                0.5,
                "lawsuit/sued",
            ),
            Event(
                launch,
                (("firm", "firm/initech"), ("product", "product/tps-suite")),
                Status.ANNOUNCED,
                "2015-03",
                ("Initech launched TPS Suite.",),
                0.65,
                "product-launch/launched",
            ),
        ],
    )
    e = _world_article(
        "news/oppo-india.txt",
        "Oppo to enter India",
        "Oppo will enter India in 2015, while Acme Corp and Acme Ltd watch. "
        "Apple Corps, the Beatles' label, was not involved.",
        None,
        None,
        [
            Entity("firm/oppo", firm, "Oppo"),
            Entity("firm/acme-corp", firm, "Acme Corp", frozenset({"Acme"})),
            Entity("firm/acme-ltd", firm, "Acme Ltd", frozenset({"Acme"})),
            Entity("firm/apple-corps", firm, "Apple Corps", frozenset({"Apple"})),
            india,
        ],
        [
            Event(
                entry,
                (("firm", "firm/oppo"), ("market", "place/in")),
                Status.ANNOUNCED,
                "2015",
                ("Oppo will enter India in 2015, while Acme Corp and Acme Ltd watch.",),
                0.75,
                "market-entry/enter",
            )
        ],
    )
    return (a, b, c, d, e)


@pytest.fixture(scope="session")
def query_extractions() -> tuple[Extraction, ...]:
    """Five hand-made articles for the named queries: Xiaomi (in three of them, named "Xiaomi"
    and "Xiaomi Inc."), Ericsson, Amazon/AWS, Flipkart, Globex, Initech, Qualcomm, Apple, Oppo,
    two firms aliased "Acme", and one event of every type (two market entries into India)."""
    return _world()


@pytest.fixture(scope="session", params=["oxigraph", "memory"])
def query_store(request, query_extractions):
    """The query world in an in-memory Oxigraph store, then in rdflib's memory store."""
    from kg.rdf import to_graph

    ds = open_store(None if request.param == "oxigraph" else "memory")
    for x in query_extractions:
        replace(ds, to_graph(x))
    return ds


class QueryCases:
    """The expected rows of every shipped query (tests/data/queries/expected.json) on the query
    world, and the helpers to compare a result with them."""

    def __init__(self, extractions: tuple[Extraction, ...]) -> None:
        import json

        from kg.rdf import event_iri

        self.expected = {
            k: v for k, v in json.loads((DATA / "queries" / "expected.json").read_text()).items() if k[0] != "_"
        }
        self.events = {
            f"{letter}{i}": str(event_iri(x.article.id, e))
            for letter, x in zip("ABCDE", extractions, strict=True)
            for i, e in enumerate(x.events)
        }
        self._short = {iri: short for short, iri in self.events.items()}

    def params(self, name: str) -> dict[str, str]:
        """The parameters the expectations were written for (event placeholders as IRIs)."""
        return {k: self.events.get(v, v) for k, v in self.expected[name]["params"].items()}

    def rows(self, result) -> list[list[str | None]]:
        """A result's rows as the expectations write them."""
        from kg.namespace import RES

        def cell(v):
            if v is None:
                return None
            return self._short.get(str(v), str(v).replace(str(RES), "res:"))

        return [[cell(v) for v in row] for row in result]


@pytest.fixture(scope="session")
def query_cases(query_extractions) -> QueryCases:
    """Expected rows per shipped query, with the helpers to compare."""
    return QueryCases(query_extractions)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """A writable `oxigraph serve` on 127.0.0.1, a free port and an empty temporary store."""
    from kg.server import Server

    with Server(tmp_path_factory.mktemp("oxigraph"), read_only=False) as server:
        yield server


# --- inputs, hostile files, crash safety (issue #8) ------------------------------------------------


@pytest.fixture
def fake_ingest_cli(monkeypatch, fake_extractor):
    """Make `kg ingest` (run in this process) use the model-free extractor."""
    import kg.extract

    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: fake_extractor, raising=False)
    return fake_extractor


@pytest.fixture
def http_server(monkeypatch):
    """Serve pages from 127.0.0.1 in a thread: ``serve(routes) -> base URL``.

    `routes` maps a path to ``(status, content type, body bytes)``, or to a function of the
    request handler that answers itself. Every request's headers are kept in ``serve.requests``.
    """
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    servers = []

    def serve(routes):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server hook name
                serve.requests.append((self.path, dict(self.headers)))
                route = routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if callable(route):
                    route(self)
                    return
                status, ctype, body = route
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    serve.requests = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


#: A `kg` entry point for subprocesses: it registers a model-free extractor, "slowfake", that
#: names a firm per capitalised word, one lawsuit per pair, and sleeps KG_TEST_DELAY seconds
#: per article (printing "extracting N" first), then runs the real command line.
KG_SCRIPT = """
import os, sys, time
import kg.extract
from kg.model import Entity, Event, EventType, Extraction, Kind, Status

class SlowFake:
    def pipe(self, articles):
        delay = float(os.environ.get("KG_TEST_DELAY", "0"))
        for i, a in enumerate(articles, 1):
            print(f"extracting {i}", flush=True)
            if delay:
                time.sleep(delay)
            words = dict.fromkeys(w.strip(".,;:") for w in a.full_text.split())
            names = [w for w in words if w[:1].isupper() and w.isalpha()][:30]
            ents = tuple(Entity("firm/" + n.lower(), Kind.FIRM, n) for n in names)
            events = tuple(
                Event(EventType.LAWSUIT, (("plaintiff", "firm/" + x.lower()), ("defendant", "firm/" + y.lower())),
                      Status.ANNOUNCED, None, (a.title,), 0.5, "slowfake")
                for x, y in zip(names, names[1:])
            )
            yield Extraction(a, entities=ents, events=events)

    def __call__(self, article):
        return next(self.pipe([article]))

if hasattr(kg.extract, "register_extractor"):
    kg.extract.register_extractor("slowfake", lambda **kw: SlowFake())
else:  # the registry is not there yet: stand in for it
    kg.extract.get_extractor = lambda name="rules", **kw: SlowFake()

from kg.cli import main
sys.argv[0] = "kg"
main()
"""


@pytest.fixture(scope="session")
def kg_command(tmp_path_factory):
    """The argv prefix that runs `kg` in a subprocess with the "slowfake" extractor available."""
    import sys

    script = tmp_path_factory.mktemp("bin") / "kg_slowfake.py"
    script.write_text(KG_SCRIPT, encoding="utf-8")
    return [sys.executable, str(script)]


def write_articles(folder: Path, n: int) -> Path:
    """Generate `n` small plain-text articles (each naming a few firms) under `folder`, in subfolders."""
    firms = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka"]
    for i in range(n):
        sub = folder / f"batch{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        a, b, c = firms[i % 10], firms[(i * 3 + 1) % 10], firms[(i * 7 + 2) % 10]
        body = (
            f"{a} sued {b} in Delaware on Monday over patents, article {i}. "
            f"{c} Holdings said it would enter Brazil. Analysts at Firm{i} and Bank{i % 17} were surprised.\n\n"
            + " ".join(f"Word{j} filler text." for j in range(i % 7 + 3))
        )
        (sub / f"article-{i:04d}.txt").write_text(f"{a} sues {b} ({i})\n\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def generated_articles(tmp_path_factory) -> Path:
    """A folder of 300 generated articles in six subfolders ``batch00``..``batch05`` (see `write_articles`)."""
    return write_articles(tmp_path_factory.mktemp("generated"), 300)


@pytest.fixture(scope="session")
def reference_ingest(tmp_path_factory, kg_command, generated_articles):
    """An uninterrupted ``kg ingest`` of `generated_articles` with "slowfake": (store folder, its N-Quads export)."""
    import subprocess

    store = tmp_path_factory.mktemp("reference") / "store"
    ingest = [*kg_command, "ingest", str(generated_articles), "--store", str(store), "--extractor", "slowfake"]
    done = subprocess.run([*ingest, "--no-progress"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = store.parent / "reference.nq"
    done = subprocess.run(
        [*kg_command, "export", "--store", str(store), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return store, out.read_bytes()


# --- parallel, sharded and distributed ingest (issue #9) ------------------------------------------
#
# Worker processes (``spawn``, Dask) rebuild an extractor by importing its class, so the test
# doubles they use live here, at module level: workers import this file as ``conftest`` (pytest
# puts tests/ on sys.path, and spawned processes inherit it). One registered only in the test
# process, or a lambda, would not reach them.


class FlakyExtractor(FakeExtractor):
    """Like `FakeExtractor`, but fails on every article whose title holds "BOOM"."""

    def pipe(self, articles):
        for a in articles:
            if "BOOM" in a.title:
                raise RuntimeError(f"cannot read {a.id}")
            yield from super().pipe([a])


class SlowExtractor(FakeExtractor):
    """Like `FakeExtractor`, but sleeps KG_TEST_DELAY seconds (default 0.05) per article."""

    def pipe(self, articles):
        import os
        import time

        delay = float(os.environ.get("KG_TEST_DELAY", "0.05"))
        for a in articles:
            time.sleep(delay)
            yield from super().pipe([a])


@pytest.fixture
def export_of():
    """``export_of(ingest_kwargs...)``: ingest into a new in-memory store and return its N-Quads export."""
    from kg.ingest import ingest
    from kg.store import export

    def run(source, **kwargs):
        ds = open_store()
        report = ingest(source, ds, **kwargs)
        return report, export(ds)

    return run
