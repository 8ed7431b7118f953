"""kg.analyze: projections of the store into networkx, measures on them, and the analyze/path commands."""

# ruff: noqa: N803, N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import copy
import json

import networkx as nx
import pytest

from kg import analyze
from kg.analyze import (
    AmbiguousEntityError,
    UnknownEntityError,
    centrality,
    communities,
    components,
    ego,
    event_graph,
    find_node,
    firm_market_graph,
    firm_network,
    rank,
    resolve,
    shortest_path,
    timeline,
)
from kg.cli import cli
from kg.errors import KgError
from kg.rdf import to_graph
from kg.store import open_store, replace

R = "https://w3id.org/cekg/resource/"
ACME, BOREALIS, GLOBEX, INITECH, UMBRELLA = (
    R + f"firm/{k}" for k in ("acme", "borealis", "globex", "initech", "umbrella")
)
S0 = "Acme Inc. will enter Brazil next year."
S1 = "Acme was sued in Germany by Borealis over patents."


@pytest.fixture
def firms(network_dataset) -> nx.Graph:
    return firm_network(network_dataset)


def _events_by_type(G: nx.Graph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        if d["kind"] == "event":
            out.setdefault(d["type"], []).append(n)
    return out


# --------------------------------------------------------------------------- projections


def test_analyze_firm_network_has_every_firm(firms):
    assert set(firms) == {ACME, BOREALIS, GLOBEX, INITECH, UMBRELLA}
    assert firms.nodes[ACME] == {"label": "Acme", "type": "Firm", "kind": "entity", "aliases": ["Acme Inc."]}
    assert firms.degree(UMBRELLA) == 0


def test_analyze_firm_network_edge_carries_evidence(firms):
    edge = firms.edges[ACME, BOREALIS]
    assert (edge["type"], edge["role"], edge["evidence"]) == ("Lawsuit", "plaintiff→defendant", S1)
    assert edge["article"] == R + "article/news/acme.txt"
    lawsuit = next(r for r in edge["relations"] if r["type"] == "Lawsuit")
    assert (lawsuit["source"], lawsuit["target"]) == (BOREALIS, ACME)  # the direction survives
    assert lawsuit["article_title"] == "Acme to enter Brazil" and lawsuit["article_url"] == "https://example.org/acme"
    assert lawsuit["status"] == "announced" and lawsuit["date"] == "2015-06-01"


def test_analyze_firm_network_weights_count_events_and_comentions(network_dataset, firms):
    assert firms.edges[ACME, GLOBEX]["weight"] == 2  # the provider relation, and one shared article
    assert [r["type"] for r in firms.edges[ACME, GLOBEX]["relations"]] == ["DataCenterMove", "CoMention"]
    assert firms.edges[GLOBEX, INITECH]["weight"] == 2
    bare = firm_network(network_dataset, comentions=False)
    assert bare.edges[ACME, GLOBEX]["weight"] == 1
    assert {d["type"] for *_, d in bare.edges(data=True)} == {"Lawsuit", "Acquisition", "DataCenterMove"}


def test_analyze_firm_network_types_and_period(network_dataset):
    G = firm_network(network_dataset, types=["Acquisition"])
    assert sorted((G.nodes[u]["label"], G.nodes[v]["label"]) for u, v in G.edges) == [
        ("Borealis", "Globex"),
        ("Globex", "Initech"),
    ]
    later = firm_network(network_dataset, since="2017")
    assert list(later.edges) == [(GLOBEX, INITECH)]  # the 2017 deal and its article's co-mention


def test_analyze_firm_market_graph_is_bipartite(network_dataset):
    G = firm_market_graph(network_dataset)
    assert nx.is_bipartite(G)
    assert {G.nodes[n]["label"]: d for n, d in G.nodes(data="bipartite")} == {
        "Acme": 0,
        "Brazil": 1,
        "Umbrella": 0,
        "France": 1,
    }
    assert G.edges[ACME, R + "place/br"]["evidence"] == S0


def test_analyze_event_graph_roles_and_attributes(small_dataset):
    G = event_graph(small_dataset)
    by_type = _events_by_type(G)
    assert sorted(by_type) == ["Acquisition", "DataCenterMove", "Lawsuit", "MarketEntry", "ProductLaunch"]
    (lawsuit,) = by_type["Lawsuit"]
    roles = {G.nodes[x]["label"]: d["role"] for _, x, d in G.edges(lawsuit, data=True)}
    assert roles == {"Acme": "defendant", "Borealis": "plaintiff", "Germany": "jurisdiction"}
    ev = G.nodes[lawsuit]
    assert (ev["status"], ev["date"], ev["evidence"], ev["subject"]) == ("announced", "2015-06-01", S1, "patent")
    assert (ev["article_title"], ev["article_url"]) == ("Acme to enter Brazil", "https://example.org/acme")
    assert G.nodes[R + "place/sao-paulo"]["type"] == "City"


@pytest.mark.parametrize(
    ("types", "events", "entity_types"),
    [
        (["Lawsuit"], ["Lawsuit"], {"Firm", "Country"}),
        (["Firm", "Lawsuit"], ["Lawsuit"], {"Firm"}),
        (["firm"], ["Acquisition", "DataCenterMove", "Lawsuit", "MarketEntry", "ProductLaunch"], {"Firm"}),
        (["Place", "DataCenterMove"], ["DataCenterMove"], {"Country", "City"}),
    ],
)
def test_analyze_event_graph_types(small_dataset, types, events, entity_types):
    G = event_graph(small_dataset, types=types)
    assert sorted(_events_by_type(G)) == events
    assert {d["type"] for _, d in G.nodes(data=True) if d["kind"] == "entity"} == entity_types


@pytest.mark.parametrize(
    ("since", "until", "events"),
    [
        ("2016", None, ["Acquisition", "MarketEntry"]),  # the 2017 deal; Umbrella's undated entry is published 2018
        (None, "2015-05", ["DataCenterMove"]),
        ("2015-06", "2015-06", ["Lawsuit"]),
        ("2015", "2015", ["DataCenterMove", "Lawsuit"]),
        ("2018-01-05", None, ["MarketEntry"]),
    ],
)
def test_analyze_event_graph_period(network_dataset, since, until, events):
    G = event_graph(network_dataset, since=since, until=until)
    assert sorted(_events_by_type(G)) == events


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "2015/06"}, "bad date '2015/06'; expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"types": ["Lawsuits"]}, "unknown type 'Lawsuits'; expected one of: Firm, Person"),
    ],
)
def test_analyze_bad_arguments_name_the_value(small_dataset, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        event_graph(small_dataset, **kwargs)


def test_analyze_projections_on_an_empty_store():
    ds = open_store()
    assert len(firm_network(ds)) == len(firm_market_graph(ds)) == len(event_graph(ds)) == 0


def test_analyze_reingest_changes_nothing(network_dataset, network_extractions):
    before = nx.to_dict_of_dicts(firm_network(network_dataset))
    replace(network_dataset, to_graph(network_extractions[0]))
    assert nx.to_dict_of_dicts(firm_network(network_dataset)) == before


# --------------------------------------------------------------------------- measures


@pytest.mark.parametrize("metric", ["pagerank", "degree", "betweenness"])
def test_analyze_centrality_scores_every_node(firms, metric):
    scores = centrality(firms, metric)
    assert set(scores) == set(firms)
    assert max(scores, key=scores.get) in (GLOBEX, ACME, BOREALIS)
    assert scores[UMBRELLA] == min(scores.values())


def test_analyze_pagerank_sums_to_one(firms):
    assert sum(centrality(firms, "pagerank").values()) == pytest.approx(1.0)


def test_analyze_centrality_unknown_metric():
    with pytest.raises(ValueError, match="unknown metric 'eigen'; expected one of: pagerank, degree, betweenness"):
        centrality(nx.path_graph(3), "eigen")


def test_analyze_communities_repeat_with_a_seed():
    G = nx.connected_caveman_graph(6, 5)
    first = communities(G, seed=7)
    assert all(communities(G, seed=7) == first for _ in range(3))
    assert len(first) == 6 and sum(map(len, first)) == len(G)


def test_analyze_components_largest_first(firms):
    assert components(firms) == [{ACME, BOREALIS, GLOBEX, INITECH}, {UMBRELLA}]


def test_analyze_rank_dataframe(firms):
    frame = rank(firms, "degree", top=3)
    assert list(frame.columns) == ["node", "name", "type", "degree", "links", "community", "component"]
    assert len(frame) == 3 and frame["degree"].is_monotonic_decreasing
    assert frame.iloc[0]["name"] == "Globex" and frame.iloc[0]["links"] == 3
    assert len(rank(firms, top=None)) == 5


def test_analyze_functions_do_not_change_their_input(firms):
    before = copy.deepcopy(nx.node_link_data(firms, edges="links"))
    centrality(firms, "betweenness")
    communities(firms)
    rank(firms)
    shortest_path(firms, BOREALIS, INITECH)
    ego(firms, ACME, 1)
    assert nx.node_link_data(firms, edges="links") == before


# --------------------------------------------------------------------------- paths, names, egos, timelines


def test_analyze_shortest_path_gives_the_evidence_of_each_hop(firms):
    hops = shortest_path(firms, BOREALIS, INITECH)
    assert [(h["source_label"], h["target_label"]) for h in hops] == [("Borealis", "Globex"), ("Globex", "Initech")]
    first, second = (h["relations"][0] for h in hops)
    assert (first["type"], first["role"], first["source"], first["target"]) == (
        "Acquisition",
        "acquirer→target",
        GLOBEX,
        BOREALIS,
    )
    assert first["evidence"] == S1
    assert second["evidence"] == "Globex agreed to buy Initech for $1 billion."
    assert second["article_title"] == "Globex buys Initech" and second["date"] == "2017-03"
    assert hops[0]["relations"][-1]["type"] == "CoMention"  # events come before co-mentions


def test_analyze_shortest_path_errors(firms):
    with pytest.raises(nx.NetworkXNoPath):
        shortest_path(firms, ACME, UMBRELLA)
    with pytest.raises(nx.NodeNotFound):
        shortest_path(firms, ACME, R + "firm/nobody")


@pytest.mark.parametrize(
    ("name", "node"),
    [("Acme", ACME), ("acme inc.", ACME), ("INITECH CORP", INITECH), ("firm/globex", GLOBEX), (BOREALIS, BOREALIS)],
)
def test_analyze_find_node_by_name(firms, name, node):
    assert find_node(firms, name) == node


def test_analyze_find_node_unknown_names_it_and_suggests(firms):
    with pytest.raises(UnknownEntityError, match=r"no firm named 'Globx' in the store; did you mean: Globex\?") as err:
        find_node(firms, "Globx", type="Firm")
    assert isinstance(err.value, KgError) and isinstance(err.value, nx.NodeNotFound)


def test_analyze_find_node_ambiguous():
    G = nx.Graph()
    G.add_node(R + "firm/apple-inc", label="Apple", type="Firm")
    G.add_node(R + "firm/apple-records", label="Apple", type="Firm")
    with pytest.raises(AmbiguousEntityError, match="'apple' is ambiguous: it names Apple <.*apple-inc>, Apple <"):
        find_node(G, "apple")


@pytest.mark.parametrize("backend", [None, "memory"])
def test_analyze_resolve_and_timeline_on_each_store(network_extractions, backend):
    ds = open_store(backend)
    for ex in network_extractions:
        replace(ds, to_graph(ex))
    assert resolve(ds, "acme INC.") == ACME
    rows = timeline(ds, "Acme")
    assert [(r["date"], r["type"], r["role"]) for r in rows] == [
        ("2015-05", "DataCenterMove", "firm"),
        ("2015-06-01", "Lawsuit", "defendant"),
        ("2016", "MarketEntry", "firm"),
        ("", "ProductLaunch", "firm"),
    ]
    assert rows[1]["evidence"] == S1 and rows[1]["title"] == "Acme to enter Brazil"
    assert [r["type"] for r in timeline(ds, GLOBEX)] == ["DataCenterMove", "Acquisition", "Acquisition"]
    with pytest.raises(UnknownEntityError, match="no firm named 'Hooli'"):
        timeline(ds, "Hooli")


def test_analyze_ego(firms):
    assert set(ego(firms, INITECH, 1)) == {INITECH, GLOBEX}
    assert set(ego(firms, INITECH, 2)) == {INITECH, GLOBEX, ACME, BOREALIS}
    with pytest.raises(ValueError, match="hops must be 0 or more, got -1"):
        ego(firms, INITECH, -1)


def test_analyze_module_exports():
    assert all(hasattr(analyze, name) for name in analyze.__all__)


# --------------------------------------------------------------------------- the commands


def test_cli_analyze_table(runner, network_store):
    result = runner.invoke(cli, ["analyze", "--store", str(network_store), "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["rank", "name", "type", "pagerank", "links", "community", "component"]
    assert lines[2].split()[:3] == ["1", "Acme", "Firm"]
    assert "(3 rows)" in result.output
    assert "firm network: 6 nodes, 5 edges, 2 components" in lines[-1] and "communities (Louvain, seed 0)" in lines[-1]


def test_cli_analyze_json_and_csv(runner, network_store):
    result = runner.invoke(cli, ["analyze", "--store", str(network_store), "--metric", "degree", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["name"] == "Acme" and rows[0]["iri"] == ACME and float(rows[0]["degree"]) > 0
    csv = runner.invoke(cli, ["analyze", "--store", str(network_store), "--graph", "events", "--format", "csv"])
    assert csv.exit_code == 0 and csv.output.startswith("rank,name,type,pagerank,links,community,component,iri\n")


def test_cli_analyze_missing_store(runner, tmp_path):
    result = runner.invoke(cli, ["analyze", "--store", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no store at" in result.output


def test_cli_path_text(runner, network_store):
    result = runner.invoke(cli, ["path", "borealis", "Initech Corp", "--store", str(network_store)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "Borealis → Initech: 2 hops",
        "1. Borealis — Globex",
        "   Acquisition (acquirer→target: Globex → Borealis) [rumoured]",
    ]
    assert f"     evidence: {S1}" in result.output
    assert "     source: Globex buys Initech <https://example.org/globex>" in result.output


def test_cli_path_events_only(runner, network_store):
    args = ["path", "Acme", "Initech", "--store", str(network_store)]
    both = runner.invoke(cli, args)
    assert (
        both.exit_code == 0 and "   named together in: Acme to enter Brazil <https://example.org/acme>" in both.output
    )
    events = runner.invoke(cli, [*args, "--no-comentions"])
    assert events.exit_code == 0, events.output
    assert events.output.startswith("Acme → Initech: 2 hops\n1. Acme — Globex\n   DataCenterMove (firm→provider")
    assert "named together" not in events.output


def test_cli_path_json(runner, network_store):
    result = runner.invoke(cli, ["path", "Acme", "Globex", "--store", str(network_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    (hop,) = json.loads(result.output)
    assert hop["relations"][0]["type"] == "DataCenterMove"


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("Acme", "Umbrella", "Error: no path between Acme and Umbrella in the firm network"),
        ("Acme", "Hooli", "Error: no firm named 'Hooli' in the store"),
    ],
)
def test_cli_path_errors_are_one_line(runner, network_store, a, b, message):
    result = runner.invoke(cli, ["path", a, b, "--store", str(network_store)])
    assert result.exit_code == 1
    assert result.output.strip() == message
