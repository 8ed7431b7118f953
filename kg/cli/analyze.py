"""``kg analyze``, ``kg path``, ``kg viz``: the store as a network, measured and drawn."""

# ruff: noqa: N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kg.cli._base import cli, format_rows, open_existing, store_option

__all__ = ["analyze", "path", "viz"]

GRAPHS = ("firms", "markets", "events")
_METRICS = ("pagerank", "degree", "betweenness")


def _graph_option(default: str) -> Any:
    return click.option(
        "--graph",
        "graph",
        type=click.Choice(GRAPHS),
        default=default,
        show_default=True,
        help="firms: firms linked by lawsuits, acquisitions, providers, co-mentions; "
        "markets: firms and the markets they enter; events: events and their participants.",
    )


def _types(value: str | None) -> list[str] | None:
    return [t.strip() for t in value.split(",") if t.strip()] if value else None


def _project(store: Path, graph: str, **kw: Any) -> Any:
    """Open the store, build one projection, close the store; bad options become usage errors."""
    from kg import analyze
    from kg.store import close_store

    build = {"firms": analyze.firm_network, "markets": analyze.firm_market_graph, "events": analyze.event_graph}
    ds = open_existing(store)
    try:
        return build[graph](ds, **kw)
    except ValueError as err:
        raise click.UsageError(str(err)) from err
    finally:
        close_store(ds)


@cli.command()
@store_option()
@_graph_option("firms")
@click.option("--metric", type=click.Choice(_METRICS), default="pagerank", show_default=True, help="Rank by this.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Rows to show (0: all).")
@click.option("--seed", type=int, default=0, show_default=True, help="Louvain seed, so communities repeat.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def analyze(store: Path, graph: str, metric: str, top: int, seed: int, fmt: str) -> None:
    """Rank the nodes of a network by centrality, with their Louvain community.

    A table ends with the network's size, components and communities.
    """
    from kg.analyze import communities, rank, summary

    G = _project(store, graph)
    frame = rank(G, metric, top=top or None, seed=seed)
    names = ["rank", "name", "type", metric, "links", "community", "component", "iri"]
    rows = [
        [i, r["name"], r["type"], round(float(r[metric]), 6), r["links"], r["community"], r["component"], r["node"]]
        for i, r in enumerate(frame.to_dict("records"), 1)
    ]
    if fmt == "table":
        click.echo(format_rows(names[:-1], [r[:-1] for r in rows], "table"))
        s = summary(G)
        n_comm = len(communities(G, seed=seed)) if len(G) else 0
        click.echo(
            f"{G.graph.get('name', graph)}: {s['nodes']} nodes, {s['edges']} edges, {s['components']} components "
            f"(largest {s['largest_component']}), {n_comm} communities (Louvain, seed {seed})"
        )
    else:
        click.echo(format_rows(names, rows, fmt))


@cli.command()
@click.argument("firm_a")
@click.argument("firm_b")
@store_option()
@click.option(
    "--comentions/--no-comentions",
    default=True,
    show_default=True,
    help="Also follow links between firms named in the same article, not only events.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def path(firm_a: str, firm_b: str, store: Path, comentions: bool, fmt: str) -> None:
    """Show how FIRM_A reaches FIRM_B in the firm network, with the evidence for each hop.

    Firms are named by label, alias (any case), key (firm/acme) or IRI.
    """
    import networkx as nx

    from kg.analyze import find_node, shortest_path

    G = _project(store, "firms", comentions=comentions)
    a, b = find_node(G, firm_a, type="Firm"), find_node(G, firm_b, type="Firm")
    try:
        hops = shortest_path(G, a, b)
    except nx.NetworkXNoPath as err:
        la, lb = G.nodes[a]["label"], G.nodes[b]["label"]
        raise click.ClickException(f"no path between {la} and {lb} in the firm network") from err
    if fmt == "json":
        click.echo(json.dumps(hops, indent=2, ensure_ascii=False))
        return
    start, end = G.nodes[a]["label"], G.nodes[b]["label"]
    click.echo(f"{start} → {end}: {len(hops)} hop{'s' * (len(hops) != 1)}")
    for i, hop in enumerate(hops, 1):
        click.echo(f"{i}. {hop['source_label']} — {hop['target_label']}")
        for rel in hop["relations"]:
            if rel["type"] == "CoMention":
                url = f" <{rel['article_url']}>" if rel.get("article_url") else ""
                click.echo(f"   named together in: {rel.get('article_title') or rel.get('article', '')}{url}")
                continue
            labels = {hop["source"]: hop["source_label"], hop["target"]: hop["target_label"]}
            who = f"{labels.get(rel['source'], '?')} → {labels.get(rel['target'], '?')}"
            facts = ", ".join(x for x in (rel.get("status"), rel.get("date")) if x)
            click.echo(f"   {rel['type']} ({rel['role']}: {who})" + (f" [{facts}]" if facts else ""))
            if rel.get("evidence"):
                click.echo(f"     evidence: {' '.join(rel['evidence'].split())}")
            source = rel.get("article_title") or rel.get("article", "")
            if source:
                click.echo(f"     source: {source}" + (f" <{rel['article_url']}>" if rel.get("article_url") else ""))


@cli.command()
@store_option()
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="HTML file to write."
)
@_graph_option("events")
@click.option("--focus", default=None, help="Show only the neighbourhood of this firm (name, alias, key or IRI).")
@click.option(
    "--hops", type=click.IntRange(min=0), default=2, show_default=True, help="Neighbourhood radius, in edges."
)
@click.option("--types", default=None, help="Comma-separated classes to keep, e.g. Firm,Lawsuit,Acquisition.")
@click.option("--since", default=None, metavar="YYYY[-MM[-DD]]", help="Keep events on or after this date.")
@click.option("--until", default=None, metavar="YYYY[-MM[-DD]]", help="Keep events on or before this date.")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Keep at most this many nodes, the most central; the page and this command say what was left out.",
)
@click.option("--size-by", type=click.Choice(_METRICS), default="pagerank", show_default=True, help="Node size.")
@click.option("--title", default=None, help="Page title (default: the graph's name).")
def viz(
    store: Path,
    output: Path,
    graph: str,
    focus: str | None,
    hops: int,
    types: str | None,
    since: str | None,
    until: str | None,
    max_nodes: int,
    size_by: str,
    title: str | None,
) -> None:
    """Draw a network as one interactive HTML page that works offline.

    Colour and shape show the class (see the legend), size the centrality; hover for the
    evidence and source of an event, click for details.
    """
    from kg.analyze import ego, find_node
    from kg.viz import write_html

    if not output.parent.is_dir():
        raise click.BadParameter(f"folder {str(output.parent)!r} does not exist", param_hint="--output")

    G = _project(store, graph, since=since, until=until, types=_types(types))
    keep: tuple[Any, ...] = ()
    if focus:
        node = find_node(G, focus, type="Firm")
        G = ego(G, node, hops)
        keep = (node,)
    name = title or (G.graph.get("name", graph) + (f" around {G.nodes[keep[0]]['label']}" if keep else ""))
    view = write_html(G, output, title=name, max_nodes=max_nodes, size_by=size_by, keep=keep)
    click.echo(f"wrote {output}: {view['nodes']} nodes, {view['edges']} edges")
    if view["omitted_nodes"]:
        by_type = ", ".join(f"{t} {n}" for t, n in view["omitted_by_type"].items())
        click.echo(
            f"left out {view['omitted_nodes']} of {view['total_nodes']} nodes ({by_type}) and "
            f"{view['omitted_edges']} edges, keeping the most central by {size_by}; "
            "raise --max-nodes or narrow with --focus, --types, --since",
            err=True,
        )
