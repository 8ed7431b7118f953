"""The SPARQL client: safe VALUES binding, deadlines, retries, one-line errors, auth from the environment.

Servers that are down, slow or failing are tiny `http.server`s on 127.0.0.1 started by `stub`;
the real `oxigraph serve` is in test_server.py.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery

from kg.errors import EndpointError, QueryError
from kg.query import run
from kg.rdf import to_graph
from kg.remote import Endpoint, inline_values, query_form, with_prologue
from kg.server import free_port
from kg.store import open_store, replace

HOSTILE = [
    'x" } DROP ALL #',
    "x' } DROP ALL #",
    'x"""} ; DROP ALL #',
    'ends with a quote"',
    "line\nbreak } DROP ALL",
    "\\",
    "tab\tand\rreturn",
]
ASK_TRUE = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head": {}, "boolean": true}')
SELECT_ONE = (
    200,
    {"Content-Type": "application/sparql-results+json"},
    json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}).encode(),
)


@contextlib.contextmanager
def stub(*answers, delay: float = 0.0):
    """A SPARQL endpoint on 127.0.0.1 that gives `answers` in turn (the last one repeats).

    Each answer is (status, headers, body). Yields (url, requests) where requests collects
    (method, path, headers, body) of every request received.
    """
    requests: list[tuple[str, str, dict[str, str], bytes]] = []
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append(("POST", self.path, dict(self.headers), body))
            if delay:
                release.wait(delay)
            status, headers, payload = answers[min(len(requests), len(answers)) - 1]
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", requests
    finally:
        release.set()
        server.shutdown()
        server.server_close()


# --- VALUES binding ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_remote_inline_values_keeps_hostile_literal_whole(value):
    """Evaluated by rdflib's own engine, the bound query returns the value itself, as one literal."""
    text = inline_values("SELECT ?x WHERE { }", {"x": Literal(value)})
    rows = list(Graph().query(text))
    assert [str(r[0]) for r in rows] == [value]


@pytest.mark.parametrize("value", HOSTILE)
def test_remote_inline_values_hostile_in_a_named_query(value):
    from kg.namespace import PREFIXES
    from kg.query import get_query

    text = inline_values(get_query("lawsuits-by-subject").text, {"text": Literal(value)})
    prepareQuery(text, initNs={p: str(ns) for p, ns in PREFIXES.items()})  # still one query, still parses


@pytest.mark.parametrize(
    ("bindings", "message"),
    [
        ({"x": Literal("\\u0022 } DROP ALL #")}, "exactly: it holds a \\\\u sequence"),
        ({"x } DROP ALL #": Literal("a")}, "not a SPARQL variable name"),
        ({"x": URIRef("http://ex/a> } DROP ALL #")}, "not an absolute IRI"),
        ({"x": URIRef("relative")}, "not an absolute IRI"),
        ({"x": BNode("b")}, "only IRIs and literals"),
        ({"x": Variable("y")}, "only IRIs and literals"),
        # rdflib's own n3() writes this one as '"a"^^<http://ex/t> } DROP ALL #>': the grammar check stops it
        ({"x": Literal("a", datatype=URIRef("http://ex/t> } DROP ALL #"))}, "cannot bind the literal"),
    ],
)
def test_remote_inline_values_refuses(bindings, message):
    with pytest.raises(ValueError, match=message):
        inline_values("SELECT ?x WHERE { }", bindings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES (?x) { (1) } ?x ?p ?o }"),
        ("SELECT ?x { ?x ?p ?o }", "SELECT ?x { VALUES (?x) { (1) } ?x ?p ?o }"),
        (
            "# WHERE { in a comment\nSELECT ?x WHERE { ?x ?p '{' }",
            "# WHERE { in a comment\nSELECT ?x WHERE { VALUES (?x) { (1) } ?x ?p '{' }",
        ),
        (
            "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
            "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (1) } ?x ?p ?o }",
        ),
        (
            'SELECT ?x ("{" AS ?i) (<http://ex/where> AS ?j) WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }',
            'SELECT ?x ("{" AS ?i) (<http://ex/where> AS ?j) WHERE { VALUES (?x) { (1) } { SELECT ?x WHERE { ?x ?p ?o } } }',
        ),
        ("SELECT ?where WHERE{?where ?p ?o}", "SELECT ?where WHERE{ VALUES (?x) { (1) } ?where ?p ?o}"),
    ],
)
def test_remote_inline_values_position(text, expected):
    got = inline_values(text, {"x": Literal(1)})
    assert " ".join(got.split()).replace('"1"^^<http://www.w3.org/2001/XMLSchema#integer>', "1") == " ".join(
        expected.split()
    )


def test_remote_inline_values_needs_where():
    with pytest.raises(QueryError, match="no WHERE group"):
        inline_values("DESCRIBE <http://ex/a>", {"x": Literal(1)})


def test_remote_query_form():
    assert query_form("PREFIX a: <http://ex/>\nBASE <http://ex/>\n# ASK\nselect * {}") == "SELECT"
    assert query_form("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    with pytest.raises(QueryError, match="not a SPARQL query"):
        query_form("DROP ALL")


def test_remote_with_prologue_adds_only_missing_prefixes():
    text = with_prologue("PREFIX cek: <urn:mine#>\nSELECT * {}")
    assert "PREFIX res: <https://w3id.org/cekg/resource/>" in text
    assert text.count("PREFIX cek:") == 1


# --- the endpoint object ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query_url", "update_url"),
    [
        ("http://127.0.0.1:7878", "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update"),
        ("http://h/ds/query", "http://h/ds/query", "http://h/ds/update"),
        ("https://h/sparql", "https://h/sparql", "https://h/sparql"),
    ],
)
def test_remote_endpoint_urls(url, query_url, update_url):
    ep = Endpoint(url)
    assert (ep.url, ep.update_url) == (query_url, update_url)


@pytest.mark.parametrize("url", ["ftp://h/q", "127.0.0.1:7878", "file:///etc/passwd"])
def test_remote_endpoint_rejects_url(url):
    with pytest.raises(ValueError, match="not an http"):
        Endpoint(url)


def test_remote_endpoint_user_without_password(monkeypatch):
    monkeypatch.setenv("KG_SPARQL_USER", "ann")
    monkeypatch.delenv("KG_SPARQL_PASSWORD", raising=False)
    monkeypatch.delenv("KG_SPARQL_TOKEN", raising=False)
    with pytest.raises(EndpointError, match="KG_SPARQL_USER is set but KG_SPARQL_PASSWORD is not"):
        Endpoint("http://127.0.0.1:1/query")


def test_remote_endpoint_repr_hides_secrets(monkeypatch):
    monkeypatch.setenv("KG_SPARQL_TOKEN", "s3cret")
    assert "s3cret" not in repr(Endpoint("http://127.0.0.1:1/query"))


# --- HTTP: what goes over the wire ------------------------------------------------------------


@pytest.fixture
def no_credentials(monkeypatch):
    for name in ("KG_SPARQL_USER", "KG_SPARQL_PASSWORD", "KG_SPARQL_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_remote_query_request(no_credentials):
    with stub(SELECT_ONE) as (url, requests):
        rows = list(Endpoint(url).query("SELECT ?n WHERE { ?s ?p ?n }", n="x"))
    assert [str(r[0]) for r in rows] == ["1"]
    method, path, headers, body = requests[0]
    assert (method, path) == ("POST", "/query")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in headers["Accept"]
    assert headers["User-Agent"].startswith("kg/")
    assert "Authorization" not in headers
    assert b"VALUES" in body and b"PREFIX+cek" in body


def test_remote_bearer_token_from_env(no_credentials, monkeypatch):
    monkeypatch.setenv("KG_SPARQL_TOKEN", "t0ken")
    with stub(ASK_TRUE) as (url, requests):
        assert Endpoint(url).query("ASK { }").askAnswer is True
    assert requests[0][2]["Authorization"] == "Bearer t0ken"


def test_remote_basic_auth_from_env(no_credentials, monkeypatch):
    monkeypatch.setenv("KG_SPARQL_USER", "ann")
    monkeypatch.setenv("KG_SPARQL_PASSWORD", "pw:1")
    with stub(ASK_TRUE) as (url, requests):
        Endpoint(url).query("ASK { }")
    assert requests[0][2]["Authorization"] == "Basic " + base64.b64encode(b"ann:pw:1").decode()


def test_remote_update_request(no_credentials):
    with stub((204, {}, b"")) as (url, requests):
        Endpoint(url).update("DROP SILENT GRAPH <http://ex/g>")
    method, path, headers, body = requests[0]
    assert (method, path, headers["Content-Type"]) == ("POST", "/update?", "application/sparql-update")
    assert body == b"DROP SILENT GRAPH <http://ex/g>"


def test_remote_push_batches(no_credentials, query_extractions):
    ds = open_store()
    for x in query_extractions:
        replace(ds, to_graph(x))
    done: list[int] = []
    with stub((204, {}, b"")) as (url, requests):
        assert Endpoint(url).push(ds, batch_size=2, on_batch=done.append) == 5
    assert done == [2, 2, 1] and len(requests) == 3
    assert [r[3].count(b"DROP SILENT GRAPH") for r in requests] == [2, 2, 1]
    assert [r[3].count(b"INSERT DATA") for r in requests] == [2, 2, 1]


# --- HTTP: failures ---------------------------------------------------------------------------


def test_remote_retries_5xx_then_succeeds(no_credentials):
    with stub((500, {}, b"busy"), (503, {}, b"busy"), ASK_TRUE) as (url, requests):
        assert Endpoint(url, retries=3, backoff=0.01).query("ASK { }").askAnswer is True
    assert len(requests) == 3


def test_remote_gives_up_after_retries_on_500(no_credentials):
    with stub((500, {}, b"Internal error: disk full\nmore")) as (url, requests), pytest.raises(EndpointError) as err:
        Endpoint(url, retries=2, backoff=0.01).query("ASK { }")
    assert len(requests) == 3
    assert str(err.value) == f"{url} answered 500 Internal Server Error after 3 attempts: Internal error: disk full"
    assert err.value.status == 500


def test_remote_update_retried_on_503(no_credentials):
    with stub((503, {}, b""), (204, {}, b"")) as (url, requests):
        Endpoint(url, backoff=0.01).update("DROP SILENT GRAPH <http://ex/g>")
    assert len(requests) == 2


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (
            400,
            b"Parser error at 3:14: expected '}'\ncontext",
            "answered 400 Bad Request: Parser error at 3:14: expected '}'",
        ),
        (401, b"", "answered 401 Unauthorized (set KG_SPARQL_USER and KG_SPARQL_PASSWORD, or KG_SPARQL_TOKEN)"),
        (403, b"forbidden", "answered 403 Forbidden: forbidden (set KG_SPARQL_USER"),
        (404, b"no such dataset", "answered 404 Not Found: no such dataset (check the URL;"),
        (405, b"", "answered 405 Method Not Allowed"),
    ],
)
def test_remote_4xx_is_one_line_and_not_retried(no_credentials, status, body, words):
    with stub((status, {}, body)) as (url, requests), pytest.raises(EndpointError) as err:
        Endpoint(url, backoff=0.01).query("ASK { }")
    assert len(requests) == 1
    assert words in str(err.value) and "\n" not in str(err.value)
    assert err.value.status == status


def test_remote_server_down(no_credentials):
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"cannot be reached after 3 attempts: .*[Cc]onnection refused"):
        Endpoint(url, retries=2, backoff=0.05).query("ASK { }")
    assert 0.15 <= time.monotonic() - started < 3  # backed off 0.05 + 0.1 s


def test_remote_slow_server_times_out(no_credentials):
    with stub(ASK_TRUE, delay=5) as (url, requests):
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"did not answer within 0.4 s"):
            Endpoint(url, timeout=0.4, retries=3).query("ASK { }")
        elapsed = time.monotonic() - started
    assert elapsed < 1.5 and len(requests) == 1  # a timeout is final: no retry


def test_remote_not_sparql_json(no_credentials):
    html = (200, {"Content-Type": "text/html"}, b"<html>hello</html>")
    with stub(html) as (url, _), pytest.raises(EndpointError, match="no SPARQL JSON results: <html>hello</html>"):
        Endpoint(url).query("SELECT * WHERE { }")


def test_remote_run_resolves_names_remotely(no_credentials):
    """`run` on an endpoint resolves a firm name with a bound query, then runs the named query."""
    iri = "https://w3id.org/cekg/resource/firm/xiaomi"
    resolved = {
        "head": {"vars": ["class", "key", "entity", "how"]},
        "results": {
            "bindings": [{"entity": {"type": "uri", "value": iri}, "how": {"type": "literal", "value": "label"}}]
        },
    }
    empty = {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    json_ct = {"Content-Type": "application/sparql-results+json"}
    with stub((200, json_ct, json.dumps(resolved).encode()), (200, json_ct, json.dumps(empty).encode())) as (
        url,
        requests,
    ):
        assert list(run(Endpoint(url), "firm-timeline", firm='Xiaomi" } DROP ALL #')) == []
    sent = [parse_qs(r[3].decode())["query"][0] for r in requests]
    assert 'VALUES (?name ?class) { ("Xiaomi\\" } DROP ALL #" <https://w3id.org/cekg/ontology#Firm>) }' in sent[0]
    assert f"VALUES (?firm) {{ (<{iri}>) }}" in sent[1]  # the name went as a literal, the IRI came back
