"""Every input a user has: HTML, RSS/Atom, JSON Lines, CSV, folders with globs, standard input, URLs."""

from __future__ import annotations

import io
import json
import time
from datetime import date
from pathlib import Path

import pytest

from kg.cli import cli
from kg.errors import LoadError, LoadWarning
from kg.loaders import LoadOptions, discover, load, reader_for
from kg.loaders.base import Fields, parse_date, sniff
from kg.loaders.dump import is_metadata, read_csv, read_jsonl
from kg.loaders.feed import read_feed
from kg.loaders.html import html_to_text, parse_html
from kg.loaders.url import USER_AGENT, fetch
from kg.store import close_store, export, open_store


@pytest.fixture
def site(data_dir) -> Path:
    """A folder holding one input of each kind (hand-written; see tests/data/inputs/site)."""
    return data_dir / "inputs" / "site"


def _load(source, **kw):
    errors: list[LoadError] = []
    warnings: list[LoadWarning] = []
    articles = list(load(source, on_error=errors.append, on_warning=warnings.append, **kw))
    return {a.id: a for a in articles}, errors, warnings


# --- a folder of every kind -----------------------------------------------------------------------


def test_loaders_inputs_folder_ids(site):
    articles, errors, _ = _load(site)
    assert sorted(articles) == [
        "dump.csv#c1",
        "dump.csv#c2",
        "dump.jsonl#r1",
        "dump.jsonl#r2",
        "headerless.csv#1",
        "headerless.csv#2",
        "news/acme-brazil.html",
        "plain.txt",
        "updates.atom#urn:uuid:hooli-1",
        "updates.atom#urn:uuid:hooli-2",
        "wire.rss#wire-1001",
        "wire.rss#wire-1002",
    ]
    assert sorted(e.path for e in errors) == [
        "dump.csv#c3",
        "dump.csv#c4",
        "dump.jsonl#4",
        "dump.jsonl#5",
        "dump.jsonl#r1",
        "dump.jsonl#r4",
        "wire.rss#https://wire.example.org/news/empty",
    ]


def test_loaders_inputs_sidecar_is_metadata_not_a_dump(site):
    articles, errors, _ = _load(site)
    assert not any(i.startswith("index.jsonl") for i in articles)
    assert not any(e.path.startswith("index.jsonl") for e in errors)
    plain = articles["plain.txt"]
    assert (plain.published, plain.url, plain.source) == (
        date(2014, 11, 20),
        "https://example.org/plain",
        "Example Wire",
    )


def test_loaders_inputs_index_jsonl_with_text_is_a_dump(tmp_path):
    (tmp_path / "index.jsonl").write_text('{"file": "a.txt", "text": "Acme bought Widget.", "id": "k1"}\n')
    articles, errors, _ = _load(tmp_path)
    assert list(articles) == ["index.jsonl#k1"] and not errors


def test_loaders_inputs_metadata_named_directly_is_reported(site):
    articles, errors, _ = _load(site / "index.jsonl")
    assert not articles
    assert "metadata, not a dump" in errors[0].reason


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"file": "a.txt", "date": "2015-01-01"}, True),
        ({"file": "a.txt", "body": "x"}, False),
        ({"id": "x", "date": "2015-01-01"}, False),
        (["file"], False),
    ],
)
def test_loaders_inputs_is_metadata(record, expected):
    assert is_metadata(record) is expected


def test_loaders_inputs_include_exclude_recursive(site):
    assert [i for _, i in discover(site, include=("*.html",))] == ["news/acme-brazil.html"]
    assert [i for _, i in discover(site, include=("news/*",))] == ["news/acme-brazil.html"]
    ids = sorted(i for _, i in discover(site, exclude=("*.csv", "*.jsonl")))
    assert ids == ["news/acme-brazil.html", "plain.txt", "updates.atom", "wire.rss"]
    assert "README.md" not in [i for _, i in discover(site)]


def test_loaders_inputs_reader_table():
    assert reader_for("x.HTM").__name__ == "read_html"
    assert reader_for("x.ndjson").__name__ == "read_jsonl"
    assert reader_for("x.tsv").__name__ == "read_csv"
    assert reader_for("x.atom").__name__ == "read_feed"
    with pytest.raises(ValueError, match="unknown format 'pdf'; expected one of: text, html"):
        reader_for("x", "pdf")


# --- HTML ---------------------------------------------------------------------------------------


def test_loaders_inputs_html_metadata_and_main_text(site):
    (a,) = load(site / "news" / "acme-brazil.html")
    assert a.id == "acme-brazil.html"
    assert a.title == "Acme to enter Brazil"
    assert a.published == date(2015, 3, 4)  # the date as written, in its own time zone
    assert a.url == "https://wire.example.org/news/acme-brazil"
    assert a.source == "Springfield Business Wire"
    assert a.text.startswith("Acme Inc. said on Tuesday")
    assert "\n\nRival Globex entered" in a.text  # paragraphs a blank line apart
    for junk in ("Tracking pixel", "injected", "alert", "Home", "Copyright", "color"):
        assert junk not in a.text


def test_loaders_inputs_html_relative_dates_resolve_against_published(site):
    dates = pytest.importorskip("kg.extract.dates")
    (a,) = load(site / "news" / "acme-brazil.html")
    assert dates.resolve_date("yesterday", a.published) == "2015-03-03"


def test_loaders_inputs_html_without_main_text_falls_back():
    page = b"<html><head><title>Short</title></head><body><div>Acme opened.</div></body></html>"
    a, warning = parse_html(page, "short.html")
    assert a.text == "Acme opened." and a.title == "Short"
    assert warning is None or "whole visible text" in warning.reason


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (b"<html><head><script>var a = 1;</script><style>p{}</style></head><body></body></html>", "no text"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_loaders_inputs_html_bad(page, reason):
    with pytest.raises(LoadError, match=reason):
        parse_html(page, "x.html")


def test_loaders_inputs_html_to_text():
    assert html_to_text("<p>a<style>x</style></p><ul><li>b</li><li>c &lt;d&gt;</li></ul>") == "a\n\nb\n\nc <d>"
    assert html_to_text("plain & simple") == "plain & simple"


# --- feeds --------------------------------------------------------------------------------------


def test_loaders_inputs_rss_entries(site):
    articles, errors, _ = _load(site / "wire.rss")
    a = articles["wire.rss#wire-1001"]
    assert a.title == "Globex agrees to buy Initech"
    assert (
        a.text
        == "Globex Corporation has agreed to buy Initech for $2.1 billion.\n\nThe deal is expected to close in June."
    )
    assert (a.published, a.url, a.source) == (
        date(2015, 3, 2),
        "https://wire.example.org/news/globex-initech",
        "Springfield Business Wire",
    )
    assert articles["wire.rss#wire-1002"].published == date(2015, 3, 3)  # as written, not moved to UTC
    assert [e.reason for e in errors] == ["entry has no content or summary"]


def test_loaders_inputs_atom_content_over_summary(site):
    articles, _, _ = _load(site / "updates.atom")
    a = articles["updates.atom#urn:uuid:hooli-1"]
    assert a.text == "Hooli launched the HooliPhone in India on Monday.\n\nIt will sell through Flipkart."
    assert a.published == date(2016, 5, 9) and a.url == "https://hooli.example.com/news/hooliphone-india"
    assert articles["updates.atom#urn:uuid:hooli-2"].published == date(2016, 5, 10)  # updated, for want of published


def test_loaders_inputs_feed_ids_fall_back_to_link_then_index():
    rss = b"""<rss version="2.0"><channel><title>W</title>
    <item><title>A</title><link>https://ex.org/a</link><description>Text a.</description></item>
    <item><title>B</title><description>Text b.</description></item>
    <item><guid>g</guid><title>C</title><description>Text c.</description></item>
    <item><guid>g</guid><title>D</title><description>Text d.</description></item>
    </channel></rss>"""
    items = list(read_feed(io.BytesIO(rss), "f.rss"))
    assert [getattr(i, "id", None) or i.path for i in items] == [
        "f.rss#https://ex.org/a",
        "f.rss#2",
        "f.rss#g",
        "f.rss#g",
    ]
    assert "duplicate entry id" in items[-1].reason


def test_loaders_inputs_truncated_feed_keeps_entries(site):
    data = (site / "wire.rss").read_bytes()
    cut = data[: data.index(b'<guid isPermaLink="false">wire-1002')]
    items = list(read_feed(io.BytesIO(cut), "cut.rss"))
    warnings = [i for i in items if isinstance(i, LoadWarning)]
    articles = [i for i in items if not isinstance(i, Exception)]
    assert [a.id for a in articles][0] == "cut.rss#wire-1001"
    assert "malformed or truncated feed" in warnings[0].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>', "no entries"),
        (b"   ", "empty"),
    ],
)
def test_loaders_inputs_feed_bad(data, reason):
    with pytest.raises(LoadError, match=reason):
        list(read_feed(io.BytesIO(data), "x.xml"))


def _billion_laughs(levels: int = 10) -> bytes:
    ents = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    ents += [f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, levels)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(ents) + "]>\n"
        '<rss version="2.0"><channel><title>Bomb</title><item><title>x</title>'
        f"<description>&lol{levels - 1};</description></item></channel></rss>"
    ).encode()


def test_loaders_inputs_feed_xml_bomb_refused_fast():
    start = time.perf_counter()
    with pytest.raises(LoadError, match="XML bomb"):
        list(read_feed(io.BytesIO(_billion_laughs()), "bomb.rss"))
    assert time.perf_counter() - start < 1.0


def test_loaders_inputs_feedparser_alone_survives_a_bomb():
    """The pre-check is belt and braces: feedparser itself does not expand the entities."""
    import resource

    import feedparser

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    parsed = feedparser.parse(io.BytesIO(_billion_laughs()))
    assert time.perf_counter() - start < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KB: under 200 MB more
    assert all(len(e.get("summary", "")) < 10_000 for e in parsed.entries)


def test_loaders_inputs_feed_external_entity_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><description>&x;</description></item></channel></rss>'
    with pytest.raises(LoadError, match="declares XML entities"):
        list(read_feed(io.BytesIO(xxe), "xxe.rss"))


# --- dumps --------------------------------------------------------------------------------------


def test_loaders_inputs_jsonl_defaults(site):
    articles, errors, _ = _load(site / "dump.jsonl")
    r1, r2 = articles["dump.jsonl#r1"], articles["dump.jsonl#r2"]
    assert (r1.title, r1.published, r1.url) == ("Vandelay enters Canada", date(2017, 6, 1), "https://example.org/r1")
    assert r2.text == "Soylent recalled its bars on Friday.\n\nThe recall covers Europe."
    assert r2.published == date(2017, 6, 1)  # epoch seconds
    reasons = {e.path: e.reason for e in errors}
    assert reasons["dump.jsonl#4"].startswith("line 4: not JSON")
    assert reasons["dump.jsonl#5"] == "line 5: a JSON list, not an object"
    assert (
        "no text field (looked for text, body" in reasons["dump.jsonl#r4"]
        and "--text-field" in reasons["dump.jsonl#r4"]
    )
    assert reasons["dump.jsonl#r1"] == "duplicate id (line 1 has it too); line 7 passed over"


def test_loaders_inputs_jsonl_fields_given():
    dump = b'{"key": "k1", "head": "Acme news", "story": "Acme opened.", "when": "2019-01-02", "src": "https://x"}\n'
    opts = LoadOptions(fields=Fields(id="key", title="head", text="story", date="when", url="src"))
    (a,) = read_jsonl(io.BytesIO(dump), "d.jsonl", opts)
    assert (a.id, a.title, a.text, a.published, a.url) == (
        "d.jsonl#k1",
        "Acme news",
        "Acme opened.",
        date(2019, 1, 2),
        "https://x",
    )
    (err,) = read_jsonl(io.BytesIO(dump), "d.jsonl", LoadOptions(fields=Fields(text="body")))
    assert "no field 'body' (check --text-field)" in err.reason


def test_loaders_inputs_jsonl_ids_without_id_field_are_line_numbers():
    dump = b'{"text": "One."}\n\n{"text": "Two."}\n'
    assert [a.id for a in read_jsonl(io.BytesIO(dump), "d.jsonl")] == ["d.jsonl#1", "d.jsonl#3"]


def test_loaders_inputs_jsonl_long_record_skipped_without_holding_it():
    dump = b'{"text": "' + b"x" * 5000 + b'"}\n{"text": "short"}\n'
    items = list(read_jsonl(io.BytesIO(dump), "d.jsonl", LoadOptions(max_bytes=1000)))
    assert "too large" in items[0].reason and items[1].text == "short"


def test_loaders_inputs_jsonl_lone_surrogate_cleaned():
    (a,) = read_jsonl(io.BytesIO(b'{"text": "bad \\ud800 half"}\n'), "d.jsonl")
    assert a.text == "bad \ufffd half"


def test_loaders_inputs_csv_header(site):
    articles, errors, _ = _load(site / "dump.csv")
    c1, c2 = articles["dump.csv#c1"], articles["dump.csv#c2"]
    assert (c1.title, c1.published, c1.url) == (
        "Tyrell opens lab in Singapore",
        date(2018, 2, 14),
        "https://example.org/c1",
    )
    assert c2.text == "Cyberdyne Systems was sued in California\nby a former customer." and c2.url is None
    assert {e.path: e.reason for e in errors} == {
        "dump.csv#c3": "row 3: no text (the row has 2 of 5 columns)",
        "dump.csv#c4": "row 4: the text column is empty",
    }


def test_loaders_inputs_csv_headerless_ag_news_layout(site):
    articles, errors, _ = _load(site / "headerless.csv")
    assert articles["headerless.csv#1"].title == "Wonka to enter Japan"
    assert articles["headerless.csv#2"].text == "Initech launched TPS Suite, a reporting tool, on Wednesday."
    assert not errors


def test_loaders_inputs_csv_columns_by_number(site):
    opts = LoadOptions(fields=Fields(id="1", title="3", text="2"))
    items = list(read_csv((site / "headerless.csv").open("rb"), "h.csv", opts))
    assert [(a.id, a.title) for a in items][0] == (
        "h.csv#3",
        "Wonka Industries will enter Japan next spring, the company said.",
    )


@pytest.mark.parametrize(
    ("data", "fields", "reason"),
    [
        (b"a,b\n1,2\n", Fields(text="body"), "no column 'body' (the file has no header row; check --text-field)"),
        (b"id,title\nx,y\n", Fields(), "no text column (columns: id, title; looked for text"),
        (b"id,title\nx,y\n", Fields(text="story"), "no column 'story' (columns: id, title; check --text-field)"),
        (b"\n\n", Fields(), "empty file"),
    ],
)
def test_loaders_inputs_csv_bad_layout(data, fields, reason):
    with pytest.raises(LoadError) as err:
        list(read_csv(io.BytesIO(data), "d.csv", LoadOptions(fields=fields)))
    assert reason in err.value.reason


def test_loaders_inputs_tsv():
    (a,) = read_csv(io.BytesIO(b"title\ttext\nT\tAcme opened.\n"), "d.tsv")
    assert (a.id, a.title, a.text) == ("d.tsv#1", "T", "Acme opened.")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-03-04", date(2015, 3, 4)),
        ("2015-03-04T23:30:00-05:00", date(2015, 3, 4)),
        ("2016/01/10", date(2016, 1, 10)),
        ("Tue, 10 Jun 2003 04:00:00 GMT", date(2003, 6, 10)),
        (1496311200, date(2017, 6, 1)),
        (1496311200000, date(2017, 6, 1)),
        ("2015-02-30", None),
        ("soon", None),
        (None, None),
        (True, None),
    ],
)
def test_loaders_inputs_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "feed"),
        (b"  <!doctype html><html>", "html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        (b'{"id": 1, "text": "x"}\n{"id": 2}', "jsonl"),
        (b"{not json", "text"),
        (b"Acme buys Widget\n\nBody.", "text"),
    ],
)
def test_loaders_inputs_sniff(head, fmt):
    assert sniff(head) == fmt


# --- standard input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        (b"Acme buys Widget\n\nAcme bought Widget on Monday.", ["stdin"]),
        (b'{"text": "One."}\n{"id": "x", "text": "Two."}\n', ["stdin#1", "stdin#x"]),
        (
            b'<rss version="2.0"><channel><item><guid>g1</guid><title>T</title><description>D.</description></item></channel></rss>',
            ["stdin#g1"],
        ),
        (b"<html><head><title>Page</title></head><body><p>Acme opened a plant.</p></body></html>", ["stdin"]),
    ],
)
def test_loaders_inputs_stdin_sniffed(monkeypatch, data, ids):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert [a.id for a in load("-")] == ids


def test_loaders_inputs_stdin_format_forced(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"title,text\nT,Acme opened.\n")))
    assert [a.id for a in load("-", options=LoadOptions(format="csv"))] == ["stdin#1"]


def test_loaders_inputs_cli_stdin(runner, tmp_path, fake_ingest_cli):
    result = runner.invoke(
        cli, ["ingest", "-", "--store", str(tmp_path / "s")], input=b"Acme buys Widget\n\nAcme bought Widget."
    )
    assert result.exit_code == 0, result.output
    assert "1 article" in result.output
    ds = open_store(tmp_path / "s", read_only=True)
    assert b'"stdin"' in export(ds)
    close_store(ds)


# --- URLs ---------------------------------------------------------------------------------------


def test_loaders_inputs_url_html_and_user_agent(http_server, site):
    page = (site / "news" / "acme-brazil.html").read_bytes()
    base = http_server({"/story": (200, "text/html; charset=utf-8", page)})
    (a,) = load(base + "/story")
    assert a.id == base + "/story"
    assert a.title == "Acme to enter Brazil" and a.url == "https://wire.example.org/news/acme-brazil"
    assert http_server.requests[0][1]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("kg/") and USER_AGENT.endswith("(+https://w3id.org/cekg)")


def test_loaders_inputs_url_dispatch_by_content_type(http_server, site):
    base = http_server(
        {
            "/feed": (200, "application/rss+xml", (site / "wire.rss").read_bytes()),
            "/plain": (200, "text/plain; charset=cp1252", "Café news\n\nThe café opened.".encode("cp1252")),
            "/data": (200, "application/x-ndjson", b'{"id": "q", "text": "Acme opened."}\n'),
            "/unlabelled": (200, "application/octet-stream", (site / "updates.atom").read_bytes()),
        }
    )
    assert [a.id for a in load(base + "/feed")] == [f"{base}/feed#wire-1001", f"{base}/feed#wire-1002"]
    (plain,) = load(base + "/plain")
    assert plain.title == "Café news" and plain.url == base + "/plain"
    assert [a.id for a in load(base + "/data")] == [f"{base}/data#q"]
    assert len(list(load(base + "/unlabelled"))) == 2  # sniffed


def test_loaders_inputs_url_errors(http_server):
    def slow(handler):
        time.sleep(3)
        handler.send_response(200)
        handler.end_headers()

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"x" * 65536)
        except OSError:
            pass

    def redirect(target):
        def answer(handler):
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.end_headers()

        return answer

    base = http_server(
        {
            "/slow": slow,
            "/endless": endless,
            "/redirect": redirect("file:///etc/passwd"),
            "/ftp": redirect("ftp://127.0.0.1/x"),
        }
    )
    cases = {
        "/missing": "HTTP 404",
        "/slow": "timed out after 0.5 s (raise --fetch-timeout)",
        "/endless": "too large (more than 1.0 MB; raise --max-size)",
        "/redirect": "is not allowed",
        "/ftp": "redirect to a non-http URL 'ftp://127.0.0.1/x' refused",
    }
    for path, reason in cases.items():
        with pytest.raises(LoadError, match=reason.replace("(", r"\(").replace(")", r"\)")):
            fetch(base + path, timeout=0.5, max_bytes=1_000_000)


def test_loaders_inputs_url_announced_too_large(http_server):
    base = http_server({"/big": (200, "text/plain", b"x" * 2000)})
    with pytest.raises(LoadError, match="announced"):
        fetch(base + "/big", max_bytes=1000)


def test_loaders_inputs_url_unreachable_is_reported():
    errors: list[LoadError] = []
    assert list(load("http://127.0.0.1:9/nothing", on_error=errors.append)) == []
    assert "cannot fetch" in errors[0].reason


def test_loaders_inputs_cli_mixed_sources(runner, tmp_path, http_server, site, fake_ingest_cli):
    base = http_server({"/feed.xml": (200, "text/xml", (site / "updates.atom").read_bytes())})
    store = tmp_path / "s"
    args = ["ingest", str(site / "plain.txt"), base + "/feed.xml", str(site / "news"), "--store", str(store)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("4 articles")
    ds = open_store(store, read_only=True)
    nq = export(ds).decode()
    close_store(ds)
    for article_id in ("plain.txt", "acme-brazil.html", f"{base}/feed.xml#urn:uuid:hooli-1"):
        assert f"<http://purl.org/dc/terms/identifier> {json.dumps(article_id)}" in nq


def test_loaders_inputs_cli_field_options(runner, tmp_path, fake_ingest_cli):
    dump = tmp_path / "in" / "d.jsonl"
    dump.parent.mkdir()
    dump.write_text(
        json.dumps({"key": "a", "head": "Acme sues Globex", "story": "Acme sued Globex.", "when": "2019-05-06"}) + "\n"
    )
    store = tmp_path / "s"
    fields = ["--id-field", "key", "--title-field", "head", "--text-field", "story", "--date-field", "when"]
    result = runner.invoke(cli, ["ingest", str(dump.parent), "--store", str(store), *fields])
    assert result.exit_code == 0 and "1 article" in result.output, result.output
    ds = open_store(store, read_only=True)
    nq = export(ds).decode()
    close_store(ds)
    assert '"d.jsonl#a"' in nq and '"2019-05-06"^^<http://www.w3.org/2001/XMLSchema#date>' in nq


def test_loaders_inputs_cli_bad_source(runner, tmp_path):
    result = runner.invoke(cli, ["ingest", "ftp://example.org/x", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "http:// or https:// only" in result.output
    result = runner.invoke(cli, ["ingest", "-", "-", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "only once" in result.output
