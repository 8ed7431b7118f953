"""kg.viz: styled attributes first, one offline HTML page last; hostile text stays text."""

# ruff: noqa: N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import copy
import html
import json
import re
from html.parser import HTMLParser

import networkx as nx
import pytest

from kg import viz
from kg.analyze import event_graph, firm_network
from kg.cli import cli
from kg.rdf import to_graph
from kg.store import open_store, replace
from kg.viz import STYLES, inline_html, prepare, render, show_inline, to_html, write_html

R = "https://w3id.org/cekg/resource/"
S1 = "Acme was sued in Germany by Borealis over patents."
MARKUP = ("<script", "<img", "<b ")


class _Tags(HTMLParser):
    """Collect every start tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


def _payload(page: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no data element"
    return json.loads(match.group(1))


@pytest.fixture
def events(small_dataset) -> nx.Graph:
    return event_graph(small_dataset)


@pytest.fixture
def hostile_dataset(network_dataset, hostile_extraction):
    replace(network_dataset, to_graph(hostile_extraction))
    return network_dataset


# --------------------------------------------------------------------------- graph -> attributes


def test_viz_prepare_styles_entities(events):
    H = prepare(events)
    acme = H.nodes[R + "firm/acme"]
    assert (acme["label"], acme["group"], acme["shape"], acme["color"]) == ("Acme", "Firm", "dot", STYLES["Firm"][0])
    assert acme["tooltip"] == [("", "Acme"), ("type", "Firm"), ("also known as", "Acme Inc.")]
    assert acme["title"] == "Acme\ntype: Firm\nalso known as: Acme Inc."
    assert H.nodes[R + "place/br"]["shape"] == "triangle" and H.nodes[R + "product/picker"]["shape"] == "square"


def test_viz_prepare_event_tooltip_has_evidence_status_date_and_source(events):
    H = prepare(events)
    lawsuit = next(d for _, d in H.nodes(data=True) if d["group"] == "Lawsuit")
    fields = dict(lawsuit["tooltip"][1:])
    assert fields["type"] == "Lawsuit" and fields["status"] == "announced" and fields["date"] == "2015-06-01"
    assert fields["evidence"] == S1 and fields["source"] == "Acme to enter Brazil"
    assert lawsuit["url"] == "https://example.org/acme"
    assert (lawsuit["color"], lawsuit["shape"]) == STYLES["Lawsuit"]


def test_viz_prepare_edge_labels_are_roles(events):
    H = prepare(events)
    labels = {H.nodes[x]["label"]: d["label"] for u, x, d in H.edges(data=True) if H.nodes[u]["group"] == "Lawsuit"}
    labels |= {H.nodes[u]["label"]: d["label"] for u, x, d in H.edges(data=True) if H.nodes[x]["group"] == "Lawsuit"}
    assert {k: v for k, v in labels.items() if not k.startswith("Lawsuit")} == {
        "Acme": "defendant",
        "Borealis": "plaintiff",
        "Germany": "jurisdiction",
    }


def test_viz_prepare_firm_network_edges(network_dataset):
    H = prepare(firm_network(network_dataset))
    edge = H.edges[R + "firm/acme", R + "firm/borealis"]
    assert edge["label"] == "plaintiff→defendant" and edge["color"] == STYLES["Lawsuit"][0]
    assert edge["tooltip"][0] == ("", "Lawsuit plaintiff→defendant") and ("evidence", S1) in edge["tooltip"]
    assert edge["width"] > 1 and not edge["dashes"]


def test_viz_prepare_sizes_by_centrality():
    G = nx.star_graph(5)
    for metric in ("pagerank", "degree", "betweenness"):
        H = prepare(G, size_by=metric)
        assert H.nodes[0]["size"] > H.nodes[1]["size"] == H.nodes[5]["size"]


def test_viz_prepare_does_not_change_its_input(events):
    before = copy.deepcopy(nx.node_link_data(events, edges="links"))
    prepare(events, max_nodes=4)
    render(events)
    assert nx.node_link_data(events, edges="links") == before


def test_viz_max_nodes_keeps_the_most_central_and_says_what_it_left_out():
    G = nx.Graph()
    G.add_edges_from(("hub", f"leaf{i}") for i in range(10))
    G.add_edge("leaf0", "zfar")
    nx.set_node_attributes(G, "Firm", "type")
    G.nodes["zfar"]["type"] = "Lawsuit"
    H = prepare(G, max_nodes=3, size_by="degree")
    assert "hub" in H and "leaf0" in H and len(H) == 3
    view = H.graph["view"]
    assert (view["omitted_nodes"], view["total_nodes"], view["omitted_by_type"]) == (9, 12, {"Firm": 8, "Lawsuit": 1})
    page = to_html(H)
    assert "Showing the 3 most central nodes of 12 (by degree); left out 9 nodes (Firm 8, Lawsuit 1)" in page


def test_viz_max_nodes_keeps_the_focus():
    G = nx.star_graph(10)
    H = prepare(G, max_nodes=2, keep=(7,))
    assert set(H) == {0, 7}


def test_viz_bad_arguments():
    with pytest.raises(ValueError, match="max_nodes must be 1 or more, got 0"):
        prepare(nx.path_graph(2), max_nodes=0)
    with pytest.raises(ValueError, match="unknown metric 'size'"):
        prepare(nx.path_graph(2), size_by="size")
    with pytest.raises(ValueError, match="styled by kg.viz.prepare"):
        to_html(nx.path_graph(2))


# --------------------------------------------------------------------------- attributes -> HTML


def test_viz_page_is_self_contained(events):
    page = render(events, title="Events")
    tags = _parse(page)
    assert [t for t, a in tags.tags if t == "link"] == []
    assert [a["src"] for t, a in tags.tags if t in ("script", "img", "iframe") and a.get("src")] == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert not re.search(r"cdnjs|jsdelivr|unpkg|bootstrap", page, re.I)
    assert "sourceMappingURL" not in page
    assert len(tags.scripts) == 3 and len(tags.scripts[1]) > 400_000  # data, vis-network inlined, the page's own
    assert "vis-network" in page.split("<script")[0] or "vis-tooltip" in page  # the stylesheet is inlined too


def test_viz_page_carries_the_data(events):
    data = _payload(render(events))
    assert len(data["nodes"]) == events.number_of_nodes() and len(data["edges"]) == events.number_of_edges()
    lawsuit = next(n for n in data["nodes"] if n["group"] == "Lawsuit")
    assert ["evidence", S1] in lawsuit["tooltip"] and lawsuit["url"] == "https://example.org/acme"
    assert data["options"]["layout"]["randomSeed"] == 0


def test_viz_legend_lists_the_classes_present(events):
    page = render(events)
    legend = page[page.index('<div id="kg-legend">') : page.index('<div id="kg-panel"')]
    groups = re.findall(r'data-group="([^"]+)"', legend)
    assert groups == ["Firm", "Product", "Country", "City", "MarketEntry", "ProductLaunch", "Lawsuit",
                      "DataCenterMove", "Acquisition"]  # fmt: skip
    assert STYLES["Lawsuit"][0] in legend and ' Firm <span class="kg-count">3</span>' in legend


def test_viz_hostile_text_is_escaped_everywhere(hostile_dataset):
    for G in (event_graph(hostile_dataset), firm_network(hostile_dataset)):
        page = render(G, title='<script>alert("title")</script>')
        tags = _parse(page)
        assert [t for t, _ in tags.tags if t in ("img", "b")] == []
        assert [t for t, _ in tags.tags].count("script") == 3
        assert all(not k.startswith("on") for _, attrs in tags.tags for k in attrs)
        body = page.replace(tags.scripts[1], "")  # vis-network's own code aside
        for raw in MARKUP:
            assert raw not in body.replace('<script id="kg-data"', "").replace("<script>", ""), raw
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in page
        assert "javascript:" not in _payload(page)["nodes"][0].get("url", "")
    data = _payload(render(event_graph(hostile_dataset)))
    evil = next(n for n in data["nodes"] if n["iri"] == R + "firm/evil")
    assert evil["label"] == '<b onmouseover="alert(3)">Evil Corp</b>'  # shown as text, intact
    lawsuit = next(n for n in data["nodes"] if n["group"] == "Lawsuit" and "alert" in json.dumps(n))
    assert dict(lawsuit["tooltip"][1:])["source"].startswith("<script>alert(1)</script>")
    assert lawsuit["url"] == ""  # javascript: is never a link


def test_viz_json_cannot_close_its_script_element():
    G = nx.Graph()
    G.add_node("x", label="</script><script>alert(1)</script>\u2028&amp;", type="Firm")
    page = render(G)
    data_element = page[page.index('<script id="kg-data"') : page.index("</script>")]
    assert "alert" in data_element and "<" not in data_element[1:] and "&" not in data_element
    assert _payload(page)["nodes"][0]["label"] == "</script><script>alert(1)</script>\u2028&amp;"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>", "//evil.example/x", "ftp://x/y"])
def test_viz_only_http_links(url):
    G = nx.Graph()
    G.add_node("e", label="E", type="Lawsuit", article_url=url)
    assert prepare(G).nodes["e"]["url"] == ""


def test_viz_write_html_is_utf8(tmp_path):
    G = nx.Graph()
    G.add_node("sg", label="Société Générale — 株式会社", type="Firm")
    view = write_html(G, tmp_path / "g.html", title="Ünïcode")
    text = (tmp_path / "g.html").read_text(encoding="utf-8")
    assert (
        "Société Générale — 株式会社" in text and "<title>Ünïcode</title>" in text and '<meta charset="utf-8">' in text
    )
    assert view["nodes"] == 1 and not (tmp_path / "g.html.part").exists()


def test_viz_render_is_repeatable(events):
    assert render(events) == render(events)


def test_viz_big_graph_lays_out_briefly():
    G = nx.barabasi_albert_graph(600, 2, seed=1)
    data = _payload(render(G))
    assert data["big"] is True
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 150
    assert data["options"]["edges"]["smooth"] is False


# --------------------------------------------------------------------------- notebooks


def test_viz_show_inline_is_an_iframe_holding_the_page(events):
    view = show_inline(events, height="420px")
    snippet = view._repr_html_()
    assert snippet.startswith('<div class="kg-view"><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "height: 420px" in snippet and "<script" not in snippet  # every tag of the page is escaped in srcdoc
    srcdoc = re.search(r'srcdoc="([^"]*)"', snippet).group(1)
    assert html.unescape(srcdoc) == render(events)
    with pytest.raises(ValueError, match="bad height '1px; background: red'"):
        inline_html(events, height="1px; background: red")


def test_viz_inline_view_without_ipython():
    view = viz.InlineView(inline_html(nx.path_graph(2)))
    assert view._repr_html_().startswith('<div class="kg-view">')


def test_viz_renders_inline_in_jupyter(small_dataset, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import networkx as nx\n"
            "from kg.viz import show_inline\n"
            "G = nx.Graph()\n"
            "G.add_edge('acme', 'lawsuit', role='defendant', type='Lawsuit')\n"
            "nx.set_node_attributes(G, {'acme': {'label': 'Acme', 'type': 'Firm'},"
            " 'lawsuit': {'label': 'Lawsuit', 'type': 'Lawsuit'}})\n"
            "show_inline(G, height='300px')"
        )
    ]
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    (output,) = nb.cells[0].outputs
    assert output["output_type"] == "execute_result"
    snippet = output["data"]["text/html"]
    assert snippet.startswith('<div class="kg-view"><iframe srcdoc="') and "vis.Network" in snippet


# --------------------------------------------------------------------------- the command


def test_cli_viz_writes_the_page(runner, network_store, tmp_path):
    out = tmp_path / "graph.html"
    result = runner.invoke(cli, ["viz", "--store", str(network_store), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}: 19 nodes, 19 edges\n"
    page = out.read_text(encoding="utf-8")
    assert "<title>event graph</title>" in page and len(_payload(page)["nodes"]) == 19


def test_cli_viz_focus_types_and_period(runner, network_store, tmp_path):
    out = tmp_path / "acme.html"
    args = ["viz", "--store", str(network_store), "-o", str(out), "--focus", "acme inc.", "--hops", "1"]
    result = runner.invoke(cli, [*args, "--types", "Firm,Lawsuit"])
    assert result.exit_code == 0, result.output
    labels = sorted(n["label"] for n in _payload(out.read_text(encoding="utf-8"))["nodes"])
    assert labels == ["Acme", "Lawsuit 2015-06-01", "Lawsuit 2020-01-02"]
    assert "<title>event graph around Acme</title>" in out.read_text(encoding="utf-8")
    result = runner.invoke(cli, [*args, "--since", "2016", "--until", "2016-12"])
    groups = sorted(n["group"] for n in _payload(out.read_text(encoding="utf-8"))["nodes"])
    assert result.exit_code == 0 and groups == ["Firm", "MarketEntry"]


def test_cli_viz_firm_network(runner, network_store, tmp_path):
    out = tmp_path / "firms.html"
    result = runner.invoke(cli, ["viz", "--store", str(network_store), "-o", str(out), "--graph", "firms"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: 6 nodes, 5 edges")
    assert 'class="kg-legend-edge"' in out.read_text(encoding="utf-8")


def test_cli_viz_reports_what_it_left_out(runner, network_store, tmp_path):
    out = tmp_path / "g.html"
    result = runner.invoke(cli, ["viz", "--store", str(network_store), "-o", str(out), "--max-nodes", "5"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and "left out 14 of 19 nodes (" in result.stderr
    assert "raise --max-nodes" in result.stderr
    assert "Showing the 5 most central nodes of 19 (by pagerank); left out 14 nodes" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--focus", "Hooli"], 1, "Error: no firm named 'Hooli' in the store"),
        (["-o", "/nonexistent/dir/g.html"], 2, "folder '/nonexistent/dir' does not exist"),
        (["--types", "Firm,Lawsuits"], 2, "Error: unknown type 'Lawsuits'; expected one of: Firm, Person"),
        (["--since", "June 2016"], 2, "Error: bad date 'June 2016'; expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_cli_viz_bad_options(runner, network_store, tmp_path, extra, code, message):
    result = runner.invoke(cli, ["viz", "--store", str(network_store), "-o", str(tmp_path / "g.html"), *extra])
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "g.html").exists()


def test_viz_on_an_empty_store(tmp_path):
    page = render(event_graph(open_store()))
    assert _payload(page)["nodes"] == [] and "0 nodes, 0 edges" in page
