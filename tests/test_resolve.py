"""One firm across many articles is one node (kg.resolve, and ingest through it)."""

from __future__ import annotations

import pytest

from kg.cli import cli
from kg.ingest import ingest_articles
from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention, Status
from kg.query import rows_of, run
from kg.resolve import FirmIndex, firm_names, rekey
from kg.store import close_store, open_store

FIRMS = """
SELECT DISTINCT ?firm ?label WHERE { GRAPH ?g { ?firm a cek:Firm ; rdfs:label ?label } } ORDER BY ?firm ?label
"""
NAMES = """
SELECT DISTINCT ?name WHERE { GRAPH ?g { ?firm a cek:Firm ; rdfs:label|skos:altLabel ?name } } ORDER BY ?name
"""


def _firm(key: str, name: str, *aliases: str, links: tuple[str, ...] = ()) -> Entity:
    return Entity(key, Kind.FIRM, name, frozenset(aliases), links)


def _extraction(article_id: str, *firms: Entity, sued: str | None = None) -> Extraction:
    """An article naming `firms` (one mention each, in order), where `sued` is a defendant."""
    text = " and ".join(f.name for f in firms) + "."
    mentions, at = [], 0
    for f in firms:
        mentions.append(Mention(f.name, Kind.FIRM, at, at + len(f.name), f.key, 0))
        at += len(f.name) + len(" and ")
    events = ()
    if sued:
        events = (Event(EventType.LAWSUIT, (("defendant", sued),), Status.ANNOUNCED, None, (text,), 0.5, "test"),)
    return Extraction(
        Article(article_id, "", text),
        mentions=tuple(mentions),
        entities=firms,
        events=events,
        sentences=((0, len(text)),),
    )


class Given:
    """An extractor that returns prepared extractions by article id."""

    def __init__(self, *extractions: Extraction) -> None:
        self.by_id = {x.article.id: x for x in extractions}

    def pipe(self, articles):
        for a in articles:
            yield self.by_id[a.id]


def _ingest(ds, *extractions: Extraction, **kw):
    return ingest_articles([x.article for x in extractions], ds, extractor=Given(*extractions), **kw)


def _firms(ds) -> list[tuple[str, str]]:
    return [(str(f).rsplit("/", 1)[1], str(label)) for f, label in rows_of(run(ds, FIRMS))]


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "full", "short"),
    [
        ("Halvard Textiles Inc.", {"halvard textiles"}, {"halvard"}),
        ("Halvard", {"halvard"}, set()),
        ("Nordwind Motor Holdings", {"nordwind motor"}, {"nordwind"}),  # Holdings is a legal suffix
        ("China Mobile", {"china mobile"}, set()),  # a place is left: no short name
        ("American Airlines", {"american airlines"}, set()),  # a nationality is left
        ("Zé Bank", {"ze bank"}, set()),  # two letters left are too few
    ],
)
def test_firm_names(name, full, short):
    assert firm_names(_firm("firm/x", name)) == (frozenset(full), frozenset(short))


def test_rekey_moves_mentions_and_event_roles():
    x = _extraction("a", _firm("firm/halvard", "Halvard"), _firm("firm/brennic", "Brennic"), sued="firm/halvard")
    y = rekey(x, {"firm/halvard": _firm("firm/halvard-textiles", "Halvard Textiles", "Halvard")})
    assert [e.key for e in y.entities] == ["firm/halvard-textiles", "firm/brennic"]
    assert [m.entity for m in y.mentions] == ["firm/halvard-textiles", "firm/brennic"]
    assert y.events[0].roles == (("defendant", "firm/halvard-textiles"),)
    assert rekey(x, {}) is x


# --- the index ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "new", "expected"),
    [
        # a shorter name of a stored firm, and the other way round
        (_firm("firm/halvard-textiles", "Halvard Textiles"), _firm("firm/halvard", "Halvard"), "firm/halvard-textiles"),
        (_firm("firm/halvard", "Halvard"), _firm("firm/halvard-textiles", "Halvard Textiles"), "firm/halvard"),
        # an alias one article gave the stored firm ("HP" in an article that also says Hewlett-Packard)
        (_firm("firm/hewlett-packard", "Hewlett-Packard", "HP"), _firm("firm/hp", "HP"), "firm/hewlett-packard"),
        (_firm("firm/hp", "HP"), _firm("firm/hewlett-packard", "Hewlett-Packard", "HP"), "firm/hp"),
        # one link
        (
            _firm("firm/toyota", "Toyota", links=("https://en.wikipedia.org/wiki/Toyota",)),
            _firm("firm/toyota-motor", "Toyota Motor", links=("https://en.wikipedia.org/wiki/Toyota",)),
            "firm/toyota",
        ),
        # a short name does not join a firm the gazetteer knows to one it does not
        (
            _firm("firm/kingfisher", "Kingfisher", links=("https://en.wikipedia.org/wiki/Kingfisher_plc",)),
            _firm("firm/kingfisher-airlines", "Kingfisher Airlines"),
            None,
        ),
        # one name, two links: two firms
        (
            _firm("firm/acme", "Acme", links=("https://en.wikipedia.org/wiki/Acme_A",)),
            _firm("firm/acme-b", "Acme", links=("https://en.wikipedia.org/wiki/Acme_B",)),
            None,
        ),
        # nothing in common
        (_firm("firm/halvard", "Halvard"), _firm("firm/brennic", "Brennic"), "firm/brennic"),
        # two short names do not meet: "Halvard Bank" and "Halvard Textiles" may be two firms
        (_firm("firm/halvard-bank", "Halvard Bank"), _firm("firm/halvard-textiles", "Halvard Textiles"), None),
    ],
)
def test_index_joins_a_firm_to_the_stored_one_it_names(stored, new, expected):
    index = FirmIndex()
    index.add(_extraction("old", stored))
    [got] = index.resolve(_extraction("new", new)).entities
    assert got.key == (expected or new.key)
    if got.key == stored.key:
        assert got.name == stored.name  # one label for the node
        assert new.name in got.aliases or new.name == stored.name
        assert index.joined == 1
    else:
        assert got == new
        assert index.joined == 0


def test_index_leaves_an_ambiguous_name_alone():
    index = FirmIndex()
    index.add(_extraction("a", _firm("firm/halvard-textiles", "Halvard Textiles")))
    index.add(_extraction("b", _firm("firm/halvard-bank", "Halvard Bank")))
    x = _extraction("c", _firm("firm/halvard", "Halvard"))
    assert index.resolve(x) is x


def test_index_keeps_the_articles_own_distinctions():
    """An article naming both "Halvard Bank" and "Halvard" means two firms."""
    index = FirmIndex()
    index.add(_extraction("a", _firm("firm/halvard", "Halvard")))
    x = _extraction("b", _firm("firm/halvard", "Halvard"), _firm("firm/halvard-bank", "Halvard Bank"))
    assert index.resolve(x) is x


def test_index_never_joins_other_kinds():
    index = FirmIndex()
    index.add(_extraction("a", _firm("firm/halvard", "Halvard")))
    person = Entity("person/halvard", Kind.PERSON, "Halvard")
    x = Extraction(Article("b", "", "Halvard."), entities=(person,))
    assert index.resolve(x) is x


# --- through ingest -----------------------------------------------------------------------------


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_ingest_one_node_for_one_firm_whichever_article_comes_first(order):
    a = _extraction("a.txt", _firm("firm/halvard-textiles", "Halvard Textiles", "Halvard Textiles Inc."))
    b = _extraction("b.txt", _firm("firm/halvard", "Halvard"), _firm("firm/brennic", "Brennic"), sued="firm/halvard")
    first, second = ((a, b)[i] for i in order)
    ds = open_store()
    r1 = _ingest(ds, first)
    r2 = _ingest(ds, second)
    assert (r1.joined, r2.joined) == (0, 1)
    assert "1 firm joined to stored ones" in r2.summary()
    firms = _firms(ds)
    assert len({k for k, _ in firms}) == 2  # Halvard and Brennic
    halvard = first.entities[0]
    assert {label for k, label in firms if k == halvard.key.split("/")[1]} == {halvard.name}  # one label
    names = {str(n) for (n,) in rows_of(run(ds, NAMES))}
    assert {"Halvard", "Halvard Textiles", "Halvard Textiles Inc.", "Brennic"} <= names
    defendant = rows_of(run(ds, "SELECT ?d WHERE { GRAPH ?g { ?e cek:defendant ?d } }"))
    assert [str(d).rsplit("/", 1)[1] for (d,) in defendant] == [halvard.key.split("/")[1]]


def test_ingest_within_one_batch_and_again():
    """Articles of one write batch see each other; ingesting again changes nothing."""
    a = _extraction("a.txt", _firm("firm/halvard-textiles", "Halvard Textiles"))
    b = _extraction("b.txt", _firm("firm/halvard", "Halvard"))
    ds = open_store()
    assert _ingest(ds, a, b, write_batch=2).joined == 1
    before = _firms(ds)
    assert _ingest(ds, a, b, write_batch=2).joined == 1  # b again: its own firm key is still not stored
    assert _firms(ds) == before == [("halvard-textiles", "Halvard Textiles")]


def test_ingest_reads_the_index_from_a_store_on_disk(tmp_path):
    wiki = "https://en.wikipedia.org/wiki/Toyota"
    ds = open_store(tmp_path / "s")
    _ingest(ds, _extraction("a.txt", _firm("firm/halvard-textiles", "Halvard Textiles", "Halvard Textiles Inc.")))
    _ingest(ds, _extraction("t.txt", _firm("firm/toyota", "Toyota", links=(wiki,))))
    close_store(ds)
    ds = open_store(tmp_path / "s")
    index = FirmIndex.from_store(ds)
    assert len(index) == 2 and index.label("firm/halvard-textiles") == "Halvard Textiles"
    assert _ingest(ds, _extraction("b.txt", _firm("firm/halvard", "Halvard"))).joined == 1
    assert _ingest(ds, _extraction("c.txt", _firm("firm/tmc", "TMC", links=(wiki,)))).joined == 1  # by its link
    assert [k for k, _ in _firms(ds)] == ["halvard-textiles", "toyota"]
    close_store(ds)


def test_ingest_without_resolution_keeps_each_articles_keys():
    ds = open_store()
    _ingest(ds, _extraction("a.txt", _firm("firm/halvard-textiles", "Halvard Textiles")))
    r = _ingest(ds, _extraction("b.txt", _firm("firm/halvard", "Halvard")), resolve_firms=False)
    assert r.joined == 0
    assert [k for k, _ in _firms(ds)] == ["halvard", "halvard-textiles"]


@pytest.mark.parametrize(("flag", "firms"), [([], 1), (["--no-resolve-firms"], 2)])
def test_cli_resolve_firms(tmp_path, runner, fake_ingest_cli, flag, firms):
    """The fake extractor names a firm by its title's first word: "Halvard", then "Halvard's"."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Halvard opens a store\n\nBody.")
    (tmp_path / "in" / "b.txt").write_text("Halvard's store\n\nBody.")
    store = tmp_path / "s"
    result = runner.invoke(cli, ["ingest", str(tmp_path / "in"), "--store", str(store), "--workers", "1", *flag])
    assert result.exit_code == 0, result.output
    assert ("1 firm joined to stored ones" in result.output) == (firms == 1)
    ds = open_store(store, read_only=True)
    assert len({k for k, _ in _firms(ds)}) == firms
    close_store(ds)


@pytest.mark.server
def test_ingest_reads_the_index_from_an_endpoint(oxigraph_server):
    from kg.remote import Endpoint

    ep = Endpoint(oxigraph_server.query_url, timeout=10)
    _ingest(ep, _extraction("ra.txt", _firm("firm/halvard-textiles", "Halvard Textiles")))
    assert _ingest(ep, _extraction("rb.txt", _firm("firm/halvard", "Halvard"))).joined == 1
    rows = rows_of(run(ep, "SELECT DISTINCT ?f WHERE { GRAPH ?g { ?f a cek:Firm } }"))
    assert [str(f).rsplit("/", 1)[1] for (f,) in rows] == ["halvard-textiles"]


@pytest.mark.slow
def test_model_one_firm_across_two_articles(tmp_path):
    """The issue's case, through the model: a firm by its full name, then by its short name."""
    from kg.extract import Extractor

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Halvard Textiles opens in Japan\n\n"
        "Halvard Textiles Inc., the Norwegian clothing maker, said on Monday it would open its first store "
        "in Tokyo next year.\n"
    )
    (folder / "b.txt").write_text(
        "Brennic sues Halvard\n\nBrennic Apparel has sued Halvard in a Delaware court, saying the Oslo firm "
        "copied its logo.\n"
    )
    from kg.ingest import ingest

    ds = open_store()
    report = ingest(folder, ds, extractor=Extractor())
    assert report.joined >= 1
    labels = dict(_firms(ds))
    assert "halvard" not in labels and labels.get("halvard-textiles") == "Halvard Textiles"
    names = {str(n) for (n,) in rows_of(run(ds, NAMES))}
    assert {"Halvard", "Halvard Textiles"} <= names
