"""Time kg.analyze and kg.viz on synthetic event graphs of 1,000 and 5,000 nodes.

Run from the project root::

    .venv/bin/python benchmarks/bench_viz.py                  # 1k and 5k nodes
    .venv/bin/python benchmarks/bench_viz.py --sizes 20000    # other sizes
    .venv/bin/python benchmarks/bench_viz.py --pyvis          # also pyvis's own Network, for comparison

The graphs look like `kg.analyze.event_graph`: events (40 %) join two or three entities (firms,
places, products), picked with a heavy tail, so a few firms are hubs. Every figure is the best of
`--repeat` runs, in seconds. Nothing here is a test: numbers vary by machine.
"""

# ruff: noqa: N803, N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analyze import centrality, communities
from kg.viz import DEFAULT_MAX_NODES, prepare, to_html, write_html

EVENT_TYPES = ("MarketEntry", "ProductLaunch", "Lawsuit", "DataCenterMove", "Acquisition")
ROLES = {
    "Firm": ("firm", "plaintiff", "defendant", "acquirer", "target"),
    "Country": ("market",),
    "Product": ("product",),
}


def synthetic_event_graph(n: int, seed: int = 0) -> nx.Graph:
    """Build an event graph of about `n` nodes, with the attributes `event_graph` sets."""
    rng = random.Random(seed)
    n_events = int(n * 0.4)
    kinds = [("Firm", int(n * 0.35)), ("Country", int(n * 0.15)), ("Product", n - n_events - int(n * 0.5))]
    G = nx.Graph(name="synthetic event graph")
    entities: dict[str, list[str]] = {}
    for kind, count in kinds:
        entities[kind] = [f"{kind.lower()}/{i}" for i in range(count)]
        for i, node in enumerate(entities[kind]):
            G.add_node(node, label=f"{kind} {i}", type=kind, kind="entity", aliases=[f"{kind} {i} Inc."])
    weights = {k: [1 / (i + 1) ** 0.8 for i in range(len(v))] for k, v in entities.items()}
    for e in range(n_events):
        etype = rng.choice(EVENT_TYPES)
        node = f"event/{e}"
        G.add_node(
            node,
            label=f"{etype} 20{rng.randint(10, 24)}",
            type=etype,
            kind="event",
            status="announced",
            date="2016-05",
            evidence=f"Firm {e} said on Tuesday it would do something notable; sentence {e} of the corpus.",
            article=f"article/{e}",
            article_title=f"Headline number {e}",
            article_url=f"https://example.org/news/{e}",
        )
        picks = ["Firm", "Firm"] + (["Country"] if rng.random() < 0.5 else ["Product"])
        for kind in picks[: rng.choice((2, 3))]:
            (other,) = rng.choices(entities[kind], weights=weights[kind])
            G.add_edge(node, other, role=rng.choice(ROLES[kind]), type=etype, weight=1, evidence="", article="")
    return G


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Run `fn` `repeat` times; return the best time and the last result."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def pyvis_page(G: nx.Graph) -> str:
    """Render with pyvis's own Network (from_nx mutates, so a copy), for comparison."""
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.from_nx(G.copy())
    return net.generate_html()


def measure(n: int, repeat: int, with_pyvis: bool) -> list[str]:
    """Time each step on one synthetic graph of `n` nodes; return the table row."""
    G = synthetic_event_graph(n)
    t_pr, _ = best(partial(centrality, G, "pagerank"), repeat)
    t_deg, _ = best(partial(centrality, G, "degree"), repeat)
    t_bt, _ = best(partial(centrality, G, "betweenness", k=300), 1)
    t_lv, _ = best(partial(communities, G, seed=0), repeat)
    t_prep, H = best(partial(prepare, G, max_nodes=None), repeat)
    t_html, page = best(partial(to_html, H), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        t_all, _ = best(partial(write_html, G, Path(tmp) / "all.html", max_nodes=None), 1)
        t_cap, view = best(partial(write_html, G, Path(tmp) / "cap.html"), 1)
    row = [f"{n:,}", f"{G.number_of_edges():,}"]
    row += [f"{t:.2f}" for t in (t_pr, t_deg, t_bt, t_lv, t_prep, t_html, t_all)]
    row += [f"{len(page.encode()) / 1e6:.1f}", f"{t_cap:.2f} ({view['nodes']:,})"]
    if with_pyvis:
        t_py, _ = best(partial(pyvis_page, G), 1)
        row.append(f"{t_py:.2f}")
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pyvis", action="store_true", help="also time pyvis.Network.from_nx + generate_html")
    args = parser.parse_args(argv)

    columns = ["nodes", "edges", "pagerank", "degree", "betw k=300", "louvain", "prepare", "to_html", "write all"]
    columns += ["MB", f"write capped at {DEFAULT_MAX_NODES:,}"] + (["pyvis Network"] if args.pyvis else [])
    rows = []
    for n in args.sizes:
        rows.append(measure(n, args.repeat, args.pyvis))
        print(f"done {n:,} nodes", file=sys.stderr)

    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for r in rows:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)))
    print(f"seconds, best of {args.repeat} (betweenness, write and pyvis: one run); write = prepare + to_html + file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
