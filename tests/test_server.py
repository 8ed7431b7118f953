"""Against a real `oxigraph serve` on 127.0.0.1: push, query through SPARQLWrapper, compare with local answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

import kg.extract
from kg.cli import cli
from kg.errors import EndpointError, StoreError
from kg.query import parse_query_file, run
from kg.rdf import to_graph
from kg.remote import Endpoint
from kg.resources import queries_dir
from kg.server import Server, free_port
from kg.store import close_store, open_store, replace

pytestmark = pytest.mark.server

SHIPPED = sorted(queries_dir().glob("*.rq"))
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def world_store(query_extractions):
    """The query world in an in-memory Oxigraph store."""
    ds = open_store()
    for x in query_extractions:
        replace(ds, to_graph(x))
    return ds


@pytest.fixture(scope="module")
def endpoint(oxigraph_server, world_store):
    """An endpoint on the real server, holding the query world."""
    ep = Endpoint(oxigraph_server.query_url, timeout=10)
    ep.push(world_store, batch_size=2)
    return ep


def _count(ep: Endpoint, query: str) -> int:
    return int(next(iter(ep.query(query)))[0])


def test_server_push_is_idempotent(endpoint, world_store):
    local_quads = sum(1 for _ in world_store.quads((None, None, None, None)))
    assert (_count(endpoint, QUADS), _count(endpoint, GRAPHS)) == (local_quads, 5)
    assert endpoint.push(world_store, batch_size=3) == 5
    assert (_count(endpoint, QUADS), _count(endpoint, GRAPHS)) == (local_quads, 5)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_server_query_same_as_local(path, endpoint, world_store, query_cases):
    q = parse_query_file(path)
    params = query_cases.params(q.name)
    remote = run(endpoint, q, **params)
    local = run(world_store, q, **params)
    assert [str(v) for v in remote.vars] == [str(v) for v in local.vars]
    assert query_cases.rows(remote) == query_cases.rows(local) == query_cases.expected[q.name]["rows"]


@pytest.mark.parametrize("value", ['x" } DROP ALL #', "x' } ; DROP ALL #", 'a\n"""} DROP ALL', "tab\there"])
def test_server_hostile_values_stay_literals(endpoint, value):
    before = _count(endpoint, QUADS)
    assert list(run(endpoint, "lawsuits-by-subject", text=value)) == []
    assert [str(r[0]) for r in endpoint.query("SELECT ?x WHERE { }", x=value)] == [value]
    with pytest.raises(Exception, match="no firm named"):
        run(endpoint, "firm-timeline", firm=value)
    assert _count(endpoint, QUADS) == before


def test_server_query_errors_are_one_line(endpoint):
    with pytest.raises(EndpointError, match=r"answered 400 Bad Request: .+") as err:
        endpoint.query("SELECT * WHERE { ?s ?p }")
    assert "\n" not in str(err.value)


def test_server_replace_one_article(oxigraph_server, query_extractions):
    """`Endpoint.replace` (what `kg ingest --endpoint` calls) swaps one graph whole."""
    from dataclasses import replace as with_fields

    ep = Endpoint(oxigraph_server.query_url)
    x = query_extractions[4]
    ep.replace(to_graph(x))
    ep.replace(to_graph(with_fields(x, events=())))
    ask = "ASK { ?e cek:firm <https://w3id.org/cekg/resource/firm/oppo> }"
    assert ep.query(ask).askAnswer is False
    ep.replace(to_graph(x))
    assert ep.query(ask).askAnswer is True


def test_server_read_only_refuses_updates(tmp_path, world_store):
    store = tmp_path / "ro"
    ds = open_store(store)
    for g in world_store.graphs():
        if len(g):
            replace(ds, g)
    close_store(ds)
    with Server(store) as server:
        ep = Endpoint(server.query_url, retries=0)
        assert _count(ep, GRAPHS) == 5
        with pytest.raises(EndpointError) as err:
            ep.update("DROP ALL")
        assert err.value.status is not None and 400 <= err.value.status < 500
        assert _count(ep, GRAPHS) == 5


def test_server_read_only_needs_a_store(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Server(tmp_path / "none").start()


def test_server_port_in_use(oxigraph_server, tmp_path):
    with pytest.raises(StoreError, match=f"cannot listen on http://127.0.0.1:{oxigraph_server.port}: .*in use"):
        Server(tmp_path / "other", port=oxigraph_server.port, read_only=False).start(wait=5)


def test_server_failure_quotes_oxigraph(oxigraph_server):
    """A second writer on the same store folder: oxigraph refuses, and its words reach the message."""
    with pytest.raises(StoreError, match=r"oxigraph serve did not start on http://127.0.0.1:\d+: .*lock"):
        Server(oxigraph_server.location, read_only=False).start(wait=5)


# --- the commands -----------------------------------------------------------------------------


@pytest.fixture
def store_dir(tmp_path, world_store):
    path = tmp_path / "store"
    ds = open_store(path)
    for g in world_store.graphs():
        if len(g):
            replace(ds, g)
    close_store(ds)
    return path


def test_cli_push_then_query_endpoint(runner, store_dir, tmp_path):
    with Server(tmp_path / "remote", read_only=False) as server:
        args = ["push", "--store", str(store_dir), "--endpoint", server.base_url, "--batch-size", "2", "--no-progress"]
        pushed = runner.invoke(cli, args)
        assert pushed.exit_code == 0, pushed.output
        assert pushed.output.strip() == f"pushed 5 article graphs to {server.update_url}"
        args = ["query", "market-entries-by-firm", "-p", "firm=Xiaomi", "--endpoint", server.query_url]
        remote = runner.invoke(cli, [*args, "--format", "json"])
        local = runner.invoke(
            cli, ["query", "market-entries-by-firm", "-p", "firm=Xiaomi", "--store", str(store_dir), "--format", "json"]
        )
        assert remote.exit_code == 0, remote.output
        assert json.loads(remote.output) == json.loads(local.output) != []


def test_cli_ingest_to_endpoint(runner, tmp_path, articles_dir, fake_extractor, monkeypatch):
    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: fake_extractor, raising=False)
    with Server(tmp_path / "remote", read_only=False) as server:
        args = ["ingest", str(articles_dir), "--endpoint", server.query_url, "--no-progress"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "3 articles" in result.output
        ep = Endpoint(server.query_url)
        assert _count(ep, GRAPHS) == 3
        assert runner.invoke(cli, args).exit_code == 0  # again: the same graphs, replaced
        assert _count(ep, GRAPHS) == 3
    assert not (tmp_path / "store").exists()


def test_cli_ingest_needs_store_or_endpoint(runner, articles_dir):
    result = runner.invoke(cli, ["ingest", str(articles_dir)])
    assert result.exit_code == 2 and "either --store DIR or --endpoint URL" in result.output


def test_cli_push_unreachable_endpoint_one_line(runner, store_dir):
    url = f"http://127.0.0.1:{free_port()}/query"
    args = ["push", "--store", str(store_dir), "--endpoint", url, "--retries", "1", "--no-progress"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert (
        result.output.startswith("Error: http://127.0.0.1:") and "cannot be reached after 2 attempts" in result.output
    )
    assert result.output.count("\n") == 1


def test_cli_serve_read_only_until_interrupted(store_dir):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        line = proc.stdout.readline().decode()
        assert line.strip() == f"serving {store_dir} read-only at http://127.0.0.1:{port}/query"
        ep = Endpoint(f"http://127.0.0.1:{port}", retries=0)
        assert [str(r[0]) for r in run(ep, "places-most-entered")] == ["India", "Brazil"]
        with pytest.raises(EndpointError):
            ep.update("DROP ALL")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the oxigraph child went with it
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=0.5)
        except OSError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("oxigraph serve still answers after kg serve was interrupted")


def test_cli_serve_missing_store(runner, tmp_path):
    result = runner.invoke(cli, ["serve", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "no store at" in result.output
