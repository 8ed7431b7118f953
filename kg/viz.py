"""Draw a networkx graph as one self-contained, offline, interactive HTML page (vis-network).

Two steps, as displaCy splits "doc to data" from "data to HTML": `prepare` turns a graph into a
styled copy whose nodes and edges carry ``label``, ``group``, ``shape``, ``color``, ``size``,
``title`` and ``tooltip`` attributes (tests assert on those); `to_html` turns a styled graph
into a page. `render` does both, `write_html` writes the page, `show_inline` shows it in Jupyter.

The page has no outside reference at all: vis-network's script and stylesheet come from the
pyvis package's files and are inlined, so it works from ``file://`` with no network. pyvis's
own ``Network`` is not used: its template links Bootstrap from a CDN, it mutates the graph it
is given, and adding edges to it takes quadratic time (minutes for thousands of nodes).

Article text is untrusted. Data reaches the page as JSON inside a ``<script type=
"application/json">`` element with ``<``, ``>`` and ``&`` escaped, so it cannot close the tag;
the page's script builds tooltips with ``textContent``, never ``innerHTML``, and links only
``http(s)`` URLs; every other string is HTML-escaped.

Example:
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("a", label="<b>Acme</b>", type="Firm")
    >>> page = render(G)
    >>> "<b>Acme</b>" in page, "\\\\u003cb\\\\u003eAcme" in page
    (False, True)
"""

# ruff: noqa: N803, N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import html
import json
import math
import os
import re
from collections import Counter
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from kg.analyze import centrality

__all__ = [
    "DEFAULT_MAX_NODES",
    "STYLES",
    "InlineView",
    "inline_html",
    "prepare",
    "render",
    "show_inline",
    "to_html",
    "write_html",
]

#: How many nodes a view keeps, the most central first, unless told otherwise.
DEFAULT_MAX_NODES = 2000
#: Above this many nodes the page lays out with fewer iterations and then freezes the layout.
_BIG = 400
#: Class name -> (colour, vis-network shape). Shapes are ones whose size follows ``size``.
STYLES: dict[str, tuple[str, str]] = {
    "Firm": ("#4e79a7", "dot"),
    "Person": ("#b07aa1", "triangleDown"),
    "Product": ("#f28e2b", "square"),
    "Country": ("#59a14f", "triangle"),
    "City": ("#8cd17d", "triangle"),
    "Region": ("#3b7d3a", "triangle"),
    "Place": ("#b5bd68", "triangle"),
    "Event": ("#bab0ac", "diamond"),
    "MarketEntry": ("#edc948", "diamond"),
    "ProductLaunch": ("#ff9da7", "diamond"),
    "Lawsuit": ("#e15759", "diamond"),
    "DataCenterMove": ("#76b7b2", "diamond"),
    "Acquisition": ("#9c755f", "diamond"),
    "CoMention": ("#c7c7c7", "dot"),
}
_OTHER = ("#999999", "dot")
_FIELDS = (  # node attribute -> tooltip field name, in the order shown
    ("type", "type"),
    ("aliases", "also known as"),
    ("status", "status"),
    ("date", "date"),
    ("subject", "subject"),
    ("value", "value"),
    ("confidence", "confidence"),
    ("evidence", "evidence"),
    ("article_title", "source"),
    ("published", "published"),
)
_VIS = "templates/lib/vis-9.1.2/vis-network"
_SLOT = re.compile(r"\{\{([A-Z_]+)\}\}")
_LENGTH = re.compile(r"^\d+(\.\d+)?(px|vh|em|rem|%)$")


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """Read vis-network's script and stylesheet from the pyvis package, ready to inline."""
    base = files("pyvis")
    js = (base / f"{_VIS}.min.js").read_text(encoding="utf-8")
    css = (base / f"{_VIS}.css").read_text(encoding="utf-8")
    # split on "\n" only: str.splitlines would also cut at U+2028 and friends inside string literals
    js = "\n".join(line for line in js.split("\n") if not line.startswith("//# sourceMappingURL="))
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - a changed pyvis wheel
        raise RuntimeError("vis-network's files contain a closing tag and cannot be inlined")
    return js, css


def _safe_url(url: Any) -> str:
    """Return `url` if it is an http(s) URL a page may link to, else ""."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(map(str, value)))
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def _node_tooltip(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("", _text(data.get("label", "")))]
    rows += [(name, _text(data[key])) for key, name in _FIELDS if _text(data.get(key))]
    return rows


def _edge_tooltip(data: dict[str, Any]) -> list[tuple[str, str]]:
    relations = data.get("relations") or [data]
    rows: list[tuple[str, str]] = []
    for rel in relations[:5]:
        rows.append(("", " ".join(x for x in (_text(rel.get("type")), _text(rel.get("role"))) if x)))
        rows += [(name, _text(rel[key])) for key, name in _FIELDS[2:] if key != "type" and _text(rel.get(key))]
    if len(relations) > 5:
        rows.append(("", f"… and {len(relations) - 5} more"))
    return rows


def _edge_url(data: dict[str, Any]) -> str:
    for rel in data.get("relations") or [data]:
        if _safe_url(rel.get("article_url")):
            return _safe_url(rel.get("article_url"))
    return ""


def prepare(
    G: nx.Graph,
    *,
    size_by: str = "pagerank",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    keep: tuple[Any, ...] = (),
    seed: int = 0,
) -> nx.Graph:
    """Return a styled copy of `G`, cut to its `max_nodes` most central nodes; `G` is unchanged.

    Every node gets ``label``, ``group`` (its type), ``color``, ``shape``, ``size`` (by the
    `size_by` centrality), ``title`` (the tooltip as plain text), ``tooltip`` (the same as
    ``(field, value)`` pairs) and ``url`` (its article, when an http(s) link); every edge gets
    ``label`` (its role), ``color``, ``width``, ``dashes``, ``title`` and ``tooltip``. The graph
    attribute ``view`` says what was kept and what was left out.

    Args:
        G: a graph from `kg.analyze`, or any graph (missing attributes get defaults).
        size_by: ``pagerank``, ``degree`` or ``betweenness``.
        max_nodes: keep at most this many nodes, the most central by `size_by`; None keeps all.
        keep: nodes to keep whatever their rank (a focus firm).
        seed: for sampled betweenness on big graphs.

    Raises:
        ValueError: for an unknown `size_by` or a `max_nodes` below 1.

    Example:
        >>> G = nx.star_graph(4)
        >>> H = prepare(G, size_by="degree", max_nodes=3)
        >>> H.graph["view"]["omitted_nodes"], H.nodes[0]["size"] > H.nodes[1]["size"], len(G.nodes[0])
        (2, True, 0)
        >>> H.nodes[0]["title"]
        '0'
    """
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be 1 or more, got {max_nodes!r}")
    # sizes need no exact betweenness: above 1,000 nodes estimate it from a few hundred sources
    sample = None if size_by != "betweenness" or len(G) <= 1000 else (300 if len(G) <= 5000 else 100)
    scores = centrality(G, size_by, k=sample, seed=seed)
    kept = list(G)
    if max_nodes is not None and len(G) > max_nodes:
        forced = [n for n in keep if n in G]
        ranked = sorted(G, key=lambda n: (-scores[n], str(n)))
        chosen = set(forced)
        for n in ranked:
            if len(chosen) >= max(max_nodes, len(forced)):
                break
            chosen.add(n)
        kept = [n for n in G if n in chosen]
    H = G.subgraph(kept).copy() if len(kept) < len(G) else G.copy()
    left_out = [n for n in G if n not in H]
    H.graph["view"] = {
        "nodes": H.number_of_nodes(),
        "edges": H.number_of_edges(),
        "total_nodes": G.number_of_nodes(),
        "total_edges": G.number_of_edges(),
        "omitted_nodes": len(left_out),
        "omitted_edges": G.number_of_edges() - H.number_of_edges(),
        "omitted_by_type": dict(Counter(str(G.nodes[n].get("type") or "other") for n in left_out).most_common()),
        "size_by": size_by,
    }
    top = max((scores[n] for n in H), default=0.0) or 1.0
    for n, data in H.nodes(data=True):
        group = str(data.get("type") or "other")
        color, shape = STYLES.get(group, _OTHER)
        tip = _node_tooltip({"label": data.get("label", n), **data})
        data.update(
            label=_text(data.get("label", n)),
            group=group,
            color=color,
            shape=shape,
            size=round(8 + 32 * math.sqrt(max(scores[n], 0.0) / top), 1),
            tooltip=tip,
            title="\n".join(f"{k}: {v}" if k else v for k, v in tip),
            url=_safe_url(data.get("article_url")),
        )
    for _, _, data in H.edges(data=True):
        kind = str(data.get("type") or "")
        tip = _edge_tooltip(data)
        data.update(
            label="" if kind == "CoMention" else _text(data.get("role", "")),  # a co-mention is no role
            color=STYLES.get(kind, _OTHER)[0],
            width=round(1 + math.log(max(float(data.get("weight", 1) or 1), 1.0)), 2),
            dashes=kind == "CoMention",
            tooltip=tip,
            title="\n".join(f"{k}: {v}" if k else v for k, v in tip),
            url=_edge_url(data),
        )
    return H


def _json_for_script(value: Any) -> str:
    """Serialise `value` as JSON that is safe inside a ``<script>`` element.

    Example:
        >>> _json_for_script({"t": "</script><b>&"})
        '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


_SVG = {
    "dot": '<circle cx="7" cy="7" r="6"/>',
    "square": '<rect x="1.5" y="1.5" width="11" height="11"/>',
    "diamond": '<polygon points="7,0.5 13.5,7 7,13.5 0.5,7"/>',
    "triangle": '<polygon points="7,1 13.5,13 0.5,13"/>',
    "triangleDown": '<polygon points="0.5,1 13.5,1 7,13"/>',
}


def _legend(H: nx.Graph) -> str:
    counts = Counter(str(g) for _, g in H.nodes(data="group"))
    rows = []
    for group, n in sorted(
        counts.items(), key=lambda kv: (list(STYLES).index(kv[0]) if kv[0] in STYLES else 99, kv[0])
    ):
        color, shape = STYLES.get(group, _OTHER)
        svg = f'<svg width="14" height="14" fill="{color}">{_SVG.get(shape, _SVG["dot"])}</svg>'
        rows.append(
            f'<button type="button" class="kg-legend-item" data-group="{html.escape(group)}" '
            f'title="show or hide">{svg} {html.escape(group)} <span class="kg-count">{n:,}</span></button>'
        )
    edge_kinds = sorted({str(t) for _, _, t in H.edges(data="type") if t})
    for kind in edge_kinds if H.graph.get("name") == "firm network" else ():
        color = STYLES.get(kind, _OTHER)[0]
        dash = ' stroke-dasharray="3,2"' if kind == "CoMention" else ""
        line = f'<line x1="1" y1="7" x2="21" y2="7" stroke="{color}" stroke-width="3"{dash}/>'
        svg = f'<svg width="22" height="14">{line}</svg>'
        rows.append(f'<div class="kg-legend-edge">{svg} {html.escape(kind)}</div>')
    return "\n".join(rows)


def _notice(view: dict[str, Any]) -> str:
    """Say in words what a view left out ("" when it kept everything).

    Example:
        >>> _notice({"nodes": 2, "total_nodes": 5, "omitted_nodes": 3, "omitted_edges": 4,
        ...          "omitted_by_type": {"Firm": 2, "Lawsuit": 1}, "size_by": "pagerank"})
        'Showing the 2 most central nodes of 5 (by pagerank); left out 3 nodes (Firm 2, Lawsuit 1) and 4 edges.'
    """
    if not view.get("omitted_nodes"):
        return ""
    by_type = ", ".join(f"{t} {n:,}" for t, n in view["omitted_by_type"].items())
    return (
        f"Showing the {view['nodes']:,} most central nodes of {view['total_nodes']:,} (by {view['size_by']}); "
        f"left out {view['omitted_nodes']:,} nodes ({by_type}) and {view['omitted_edges']:,} edges."
    )


def _options(n: int, seed: int) -> dict[str, Any]:
    big = n > _BIG
    return {
        "autoResize": True,
        "layout": {"randomSeed": seed, "improvedLayout": n <= 150},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "navigationButtons": False},
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
        "edges": {
            "font": {"size": 10, "align": "middle", "color": "#555", "strokeWidth": 3},
            "smooth": False if big else {"type": "continuous"},
            "color": {"inherit": False},
        },
        "physics": {
            "solver": "barnesHut" if big else "forceAtlas2Based",
            # a coarser Barnes-Hut (theta) and longer steps: 5,000 nodes settle in a third less time
            "barnesHut": {"gravitationalConstant": -8000, "springLength": 120, "damping": 0.3, "theta": 0.9},
            "timestep": 0.8 if big else 0.5,
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 120 if big else 400, "updateInterval": 20, "fit": True},
        },
    }


def to_html(H: nx.Graph, *, title: str = "kg graph", seed: int = 0) -> str:
    """Write a styled graph (from `prepare`) as one self-contained HTML page.

    Args:
        H: a graph `prepare` returned.
        title: the page's title and heading (escaped).
        seed: vis-network's layout seed, so a page draws the same way each time.

    Raises:
        ValueError: if `H` was not styled by `prepare`.

    Example:
        >>> page = to_html(prepare(nx.path_graph(3)), title="A & B")
        >>> page.startswith("<!DOCTYPE html>"), "<title>A &amp; B</title>" in page, "http" in page.split("<script")[0]
        (True, True, False)
    """
    if "view" not in H.graph:
        raise ValueError("to_html needs a graph styled by kg.viz.prepare(G)")
    index = {n: i for i, n in enumerate(H)}
    nodes = [
        {k: d[k] for k in ("label", "group", "color", "shape", "size", "tooltip", "url")} | {"id": index[n]}
        for n, d in H.nodes(data=True)
    ]
    for node, n in zip(nodes, H, strict=True):
        node["iri"] = str(n)
    edges = [
        {k: d[k] for k in ("label", "color", "width", "dashes", "tooltip", "url")} | {"from": index[u], "to": index[v]}
        for u, v, d in H.edges(data=True)
    ]
    view = H.graph["view"]
    payload = {"nodes": nodes, "edges": edges, "options": _options(len(nodes), seed), "big": len(nodes) > _BIG}
    js, css = _assets()
    counts = f"{view['nodes']:,} nodes, {view['edges']:,} edges"
    notice = _notice(view)
    parts = {
        "TITLE": html.escape(title),
        "COUNTS": html.escape(counts),
        "NOTICE": f'<div id="kg-notice">{html.escape(notice)}</div>' if notice else "",
        "LEGEND": _legend(H),
        "VIS_CSS": css,
        "DATA": _json_for_script(payload),
        "APP_JS": _APP_JS,
        "VIS_JS": js,
    }
    # one pass: text put in by one placeholder is never searched for another
    return _SLOT.sub(lambda m: parts[m.group(1)], _PAGE)


def render(G: nx.Graph, *, title: str = "kg graph", seed: int = 0, **prepare_kw: Any) -> str:
    """Return the HTML page of `G`: `prepare` then `to_html` (keywords go to `prepare`).

    Example:
        >>> "vis.Network" in render(nx.path_graph(2))
        True
    """
    return to_html(prepare(G, seed=seed, **prepare_kw), title=title, seed=seed)


def write_html(G: nx.Graph, path: str | Path, *, title: str = "kg graph", seed: int = 0, **prepare_kw: Any) -> dict:
    """Write the page of `G` to `path` (UTF-8, written whole or not at all).

    Returns:
        What the view holds and left out: the ``view`` dict of `prepare`.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_html(nx.path_graph(3), Path(tmp) / "g.html", max_nodes=2)["omitted_nodes"]
        1
    """
    H = prepare(G, seed=seed, **prepare_kw)
    page = to_html(H, title=title, seed=seed)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return dict(H.graph["view"])


def inline_html(G: nx.Graph, *, height: str = "600px", title: str = "kg graph", **kw: Any) -> str:
    """Return an ``<iframe srcdoc>`` holding the page of `G`, for notebooks and other pages.

    The page runs in its own frame, so its scripts run where a notebook would not run scripts
    pasted into its output, and its styles do not leak.

    Raises:
        ValueError: if `height` is not a plain CSS length.

    Example:
        >>> inline_html(nx.path_graph(2)).startswith('<div class="kg-view"><iframe srcdoc="&lt;!DOCTYPE html&gt;')
        True
    """
    if not _LENGTH.match(height):
        raise ValueError(f"bad height {height!r}; expected a CSS length such as '600px', '80vh' or '100%'")
    page = render(G, title=title, **kw)
    return (
        f'<div class="kg-view"><iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(title)}" '
        f'style="width: 100%; height: {height}; border: 1px solid #ddd;"></iframe></div>'
    )


class InlineView:
    """An HTML snippet that Jupyter shows through `_repr_html_` (used when IPython is absent)."""

    def __init__(self, snippet: str) -> None:
        self.data = snippet

    def _repr_html_(self) -> str:
        return self.data


def show_inline(G: nx.Graph, *, height: str = "600px", **kw: Any) -> Any:
    """Show the view of `G` in a Jupyter notebook: put it last in a cell.

    Returns:
        An `IPython.display.HTML` object (an `InlineView` where IPython is not installed).

    Example:
        >>> view = show_inline(nx.path_graph(2), height="300px")
        >>> "height: 300px" in view._repr_html_()
        True
    """
    snippet = inline_html(G, height=height, **kw)
    try:
        from IPython.display import HTML
    except ImportError:  # pragma: no cover - IPython is a notebook extra
        return InlineView(snippet)
    return HTML(snippet)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>{{VIS_CSS}}</style>
<style>
  html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
  body { display: flex; flex-direction: column; }
  header { padding: 6px 12px; border-bottom: 1px solid #ddd; display: flex; gap: 12px; align-items: baseline;
           flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  #kg-counts { color: #666; }
  #kg-notice { flex-basis: 100%; color: #8a4b00; }
  #kg-search { margin-left: auto; padding: 2px 6px; }
  #kg-main { position: relative; flex: 1; min-height: 300px; }
  #kg-network { position: absolute; inset: 0; background: #fff; }
  #kg-legend { position: absolute; left: 8px; bottom: 8px; background: rgba(255,255,255,.92); border: 1px solid #ddd;
               border-radius: 4px; padding: 6px 8px; max-height: 60%; overflow: auto; z-index: 4; }
  #kg-legend h2 { font-size: 12px; margin: 0 0 4px; color: #555; text-transform: uppercase; }
  .kg-legend-item { display: flex; align-items: center; gap: 6px; border: 0; background: none; padding: 1px 2px;
                    font: inherit; cursor: pointer; width: 100%; text-align: left; }
  .kg-legend-item.off { opacity: .35; }
  .kg-legend-edge { display: flex; align-items: center; gap: 6px; padding: 1px 2px; }
  .kg-count { color: #888; margin-left: auto; padding-left: 8px; }
  #kg-panel { position: absolute; right: 8px; top: 8px; width: 340px; max-height: 80%; overflow: auto; z-index: 4;
              background: rgba(255,255,255,.96); border: 1px solid #ddd; border-radius: 4px; padding: 8px 10px;
              display: none; }
  #kg-panel .kg-close { float: right; border: 0; background: none; font-size: 16px; cursor: pointer; }
  #kg-status { position: absolute; left: 50%; top: 45%; transform: translate(-50%, -50%); z-index: 5;
               background: rgba(255,255,255,.9); padding: 8px 14px; border: 1px solid #ddd; border-radius: 4px; }
  div.vis-tooltip { white-space: normal; max-width: 420px; font: 13px/1.35 system-ui, sans-serif; }
  .kg-tip-head { font-weight: 600; margin-bottom: 2px; }
  .kg-tip-key { color: #666; }
  .kg-tip a, #kg-panel a { color: #1a5fb4; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>{{TITLE}}</h1>
  <span id="kg-counts">{{COUNTS}}</span>
  <input id="kg-search" type="search" placeholder="Find a node by name" aria-label="Find a node by name">
  {{NOTICE}}
</header>
<div id="kg-main">
  <div id="kg-network"></div>
  <div id="kg-status">Laying out the graph…</div>
  <div id="kg-legend"><h2>Legend</h2>
{{LEGEND}}
  </div>
  <div id="kg-panel" aria-live="polite"></div>
</div>
<script id="kg-data" type="application/json">{{DATA}}</script>
<script>{{VIS_JS}}</script>
<script>{{APP_JS}}</script>
</body>
</html>
"""

_APP_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var safeUrl = function (u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : ""; };

  function details(item, withIri) {
    var box = document.createElement("div");
    box.className = "kg-tip";
    item.tooltip.forEach(function (row, i) {
      var line = document.createElement("div");
      if (row[0]) {
        var key = document.createElement("span");
        key.className = "kg-tip-key";
        key.textContent = row[0] + ": ";
        line.appendChild(key);
      } else if (i === 0) {
        line.className = "kg-tip-head";
      }
      line.appendChild(document.createTextNode(row[1]));
      box.appendChild(line);
    });
    var url = safeUrl(item.url);
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.appendChild(link);
    }
    if (withIri && item.iri) {
      var iri = document.createElement("div");
      iri.className = "kg-tip-key";
      iri.textContent = item.iri;
      box.appendChild(iri);
    }
    return box;
  }

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, {title: details(n, false)});
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    return Object.assign({}, e, {id: i, title: details(e, false)});
  }));
  var container = document.getElementById("kg-network");
  var status = document.getElementById("kg-status");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  window.kgNetwork = network;
  window.kgReady = false;

  network.on("stabilizationProgress", function (p) {
    var done = Math.round(100 * p.iterations / p.total);
    status.textContent = "Laying out " + data.nodes.length + " nodes… " + done + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    status.style.display = "none";
    if (data.big) { network.setOptions({physics: false}); }
    network.once("afterDrawing", function () { window.kgReady = true; });
    network.redraw();
  });
  if (data.nodes.length === 0) { status.textContent = "Nothing to show: the graph is empty."; window.kgReady = true; }

  var panel = document.getElementById("kg-panel");
  function show(item) {
    panel.replaceChildren();
    if (!item) { panel.style.display = "none"; return; }
    var close = document.createElement("button");
    close.className = "kg-close";
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "close");
    close.onclick = function () { show(null); };
    panel.appendChild(close);
    panel.appendChild(details(item, true));
    panel.style.display = "block";
  }
  network.on("click", function (p) {
    if (p.nodes.length) { show(data.nodes[p.nodes[0]]); }
    else if (p.edges.length) { show(data.edges[p.edges[0]]); }
    else { show(null); }
  });

  document.querySelectorAll(".kg-legend-item").forEach(function (button) {
    button.addEventListener("click", function () {
      var group = button.getAttribute("data-group");
      var hide = !button.classList.contains("off");
      button.classList.toggle("off", hide);
      nodes.update(data.nodes.filter(function (n) { return n.group === group; })
                             .map(function (n) { return {id: n.id, hidden: hide}; }));
    });
  });

  document.getElementById("kg-search").addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    var text = ev.target.value.trim().toLowerCase();
    if (!text) { return; }
    var hit = data.nodes.find(function (n) { return n.label.toLowerCase() === text; }) ||
              data.nodes.find(function (n) { return n.label.toLowerCase().indexOf(text) >= 0; });
    if (hit) {
      network.selectNodes([hit.id]);
      network.focus(hit.id, {scale: 1.2, animation: false});
      show(hit);
    }
  });
})();
"""
