"""Median latency of every named query on a store of a million triples, against rdflib in memory.

Run from the project root::

    .venv/bin/python benchmarks/make_store.py --triples 1000000 --store /tmp/kg-1m --nquads /tmp/kg-1m.nq
    .venv/bin/python benchmarks/bench_queries.py --store /tmp/kg-1m --nquads /tmp/kg-1m.nq
    .venv/bin/python benchmarks/bench_queries.py --store /tmp/kg-1m --no-rdflib      # Oxigraph only

Every ``queries/*.rq`` runs through `kg.query.run` (parameters bound as terms, rows turned into
rdflib terms, as ``kg query`` does) `--runs` times on the embedded Oxigraph store opened
read-only, and again on rdflib's in-memory ``Dataset`` loaded from the same quads. Required
parameters are filled from the synthetic store: a firm is its most mentioned firm
(``res:firm/firm-00000``), a place ``res:place/us``, an event one of that firm's, a date
"2020", a text "patent". Each rdflib run stops after `--limit` seconds (``signal.alarm``) and
counts as "> limit"; a query slower than `--slow` seconds on rdflib runs once only. Figures are
medians, in milliseconds. Nothing here is a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

FIRM = "https://w3id.org/cekg/resource/firm/firm-00000"
PLACE = "https://w3id.org/cekg/resource/place/us"
VALUES = {"date": "2020", "literal": "patent", "int": "1"}


class _TimeoutError(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _TimeoutError()


def parameters(ds: Any, query: Any) -> dict[str, Any]:
    """Values for a named query's parameters, taken from the synthetic store."""
    from rdflib import URIRef

    from kg.query import run

    out: dict[str, Any] = {}
    for p in query.params:
        if p.kind == "firm":
            out[p.name] = URIRef(FIRM)
        elif p.kind == "place":
            out[p.name] = URIRef(PLACE)
        elif p.kind == "iri":
            q = "SELECT ?e ?firm WHERE { ?e a cek:Event ; ?role ?firm } ORDER BY ?e LIMIT 1"
            out[p.name] = next(iter(run(ds, q, firm=URIRef(FIRM))))[0]
        elif p.kind in ("product", "person"):
            out[p.name] = URIRef(f"https://w3id.org/cekg/resource/{p.kind}/{p.kind}-0")
        else:
            out[p.name] = p.default if p.default is not None else VALUES.get(p.kind, "patent")
    return out


def timed(ds: Any, query: Any, bindings: dict[str, Any], runs: int, limit: int, slow: float) -> tuple[list[float], int]:
    """Run `query` up to `runs` times; return the times in seconds (inf on a time-out) and the row count."""
    from kg.query import run

    times: list[float] = []
    rows = -1
    for _ in range(runs):
        signal.alarm(limit)
        start = time.perf_counter()
        try:
            rows = len(list(run(ds, query, **bindings)))
            times.append(time.perf_counter() - start)
        except _TimeoutError:
            times.append(float("inf"))
        except Exception as err:  # noqa: BLE001 - the engine's failure is the figure
            print(f"{query.name} failed: {type(err).__name__}: {err}", file=sys.stderr)
            return [float("nan")], -2
        finally:
            signal.alarm(0)
        if times[-1] > slow:
            break
    return times, rows


def _raw_query(store: Any, text: str, terms: dict[str, Any]) -> int:
    """Run query text on pyoxigraph alone (kg's prefixes, the same bound terms); return the row count."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    from kg.namespace import PREFIXES

    def term(value: Any) -> Any:
        if isinstance(value, URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, Literal) and value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    subs = {ox.Variable(k): term(v) for k, v in terms.items()}
    solutions = store.query(text, prefixes=prefixes, substitutions=subs, use_default_graph_as_union=True)
    return sum(1 for _ in solutions)


def one_query(store_path: Path, name: str, runs: int, limit: float) -> dict[str, Any]:
    """Time one named query on the store, through kg and on pyoxigraph alone, in this process."""
    from kg.query import bind_parameters, get_query, run
    from kg.store import open_store, oxigraph_of

    ds = open_store(store_path, read_only=True)
    query = get_query(name)
    bindings = parameters(ds, query)
    list(run(ds, "SELECT (1 AS ?x) WHERE {}"))
    out: dict[str, Any] = {"kg": [], "raw": [], "rows": -1}
    spent = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        out["rows"] = len(list(run(ds, query, **bindings)))
        out["kg"].append(time.perf_counter() - start)
        start = time.perf_counter()
        _raw_query(oxigraph_of(ds), query.text, bind_parameters(ds, query, bindings))
        out["raw"].append(time.perf_counter() - start)
        spent += out["kg"][-1] + out["raw"][-1]
        if spent > limit:
            break
    return out


def oxigraph_times(store_path: Path, name: str, runs: int, limit: int) -> dict[str, Any]:
    """`one_query` in a child process, killed after `limit` seconds (Oxigraph cannot be interrupted)."""
    import json
    import subprocess

    cmd = [sys.executable, __file__, "--one", name, "--store", str(store_path), "--runs", str(runs)]
    cmd += ["--limit", str(limit)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"kg": [float("inf")], "raw": [float("inf")], "rows": -1}
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _ms(times: list[float], limit: int) -> str:
    m = statistics.median(times)
    if m != m:  # NaN
        return "error"
    if m == float("inf"):
        return f"> {limit} s"
    text = f"{m * 1000:,.1f}" if m < 10 else f"{m * 1000:,.0f}"
    return text + (" (1 run)" if len(times) == 1 else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("/tmp/kg-1m"), help="Oxigraph store folder")
    ap.add_argument("--nquads", type=Path, default=Path("/tmp/kg-1m.nq"), help="the same quads, for rdflib")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--limit", type=int, default=120, help="seconds an rdflib run may take")
    ap.add_argument("--slow", type=float, default=10.0, help="run slower rdflib queries once only")
    ap.add_argument("--no-rdflib", action="store_true", help="time the Oxigraph store only")
    ap.add_argument("--only", nargs="*", default=None, help="query names to run (default: all)")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        import json

        print(json.dumps(one_query(args.store, args.one, args.runs, args.limit)))
        return 0
    from rdflib import Dataset

    from kg.namespace import bind
    from kg.query import list_queries, run
    from kg.store import close_store, open_store

    if not (args.store / "CURRENT").exists():
        sys.exit(f"no store at {args.store}; make one with benchmarks/make_store.py (see --help)")
    signal.signal(signal.SIGALRM, _alarm)
    queries = [q for q in list_queries() if not args.only or q.name in args.only]
    ox = open_store(args.store, read_only=True)
    triples = len(ox)
    quads = int(next(iter(run(ox, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))[0])
    bindings = {q.name: parameters(ox, q) for q in queries}
    close_store(ox)
    results: dict[str, dict[str, Any]] = {}
    for q in queries:
        r = oxigraph_times(args.store, q.name, args.runs, args.limit)
        results[q.name] = {"ox": r["kg"], "raw": r["raw"], "rows": r["rows"]}
        print(
            f"oxigraph {q.name}: {_ms(r['kg'], args.limit)} ms through kg, {_ms(r['raw'], args.limit)} ms"
            f" pyoxigraph alone, {r['rows']} rows",
            file=sys.stderr,
            flush=True,
        )
    load_s = None
    if not args.no_rdflib:
        start = time.perf_counter()
        mem = bind(Dataset(default_union=True))
        mem.parse(str(args.nquads), format="nquads")
        load_s = time.perf_counter() - start
        print(f"rdflib loaded {len(mem):,} quads in {load_s:.0f} s", file=sys.stderr, flush=True)
        list(run(mem, "SELECT (1 AS ?x) WHERE {}"))
        for q in queries:
            times, rows = timed(mem, q, bindings[q.name], args.runs, args.limit, args.slow)
            results[q.name]["rdflib"] = times
            results[q.name]["rdflib_rows"] = rows
            print(f"rdflib {q.name}: {_ms(times, args.limit)} ms", file=sys.stderr, flush=True)
    from bench_ingest import machine  # this folder is on sys.path when a script in it runs

    print(machine())
    print(f"{quads:,} quads ({triples:,} distinct triples) in {args.store}; median of {args.runs} runs, milliseconds")
    if load_s is not None:
        print(f"rdflib in-memory Dataset: loading {args.nquads} took {load_s:.0f} s")
    print("| query | rows | Oxigraph through kg | pyoxigraph alone | rdflib (memory) | rdflib / Oxigraph |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ox_ms = statistics.median(r["ox"])
        rows = r["rows"] if r["rows"] >= 0 else r.get("rdflib_rows", -1)
        cells = [name, f"{rows:,}" if rows >= 0 else "?", _ms(r["ox"], args.limit), _ms(r["raw"], args.limit)]
        if "rdflib" in r:
            mem_ms = statistics.median(r["rdflib"])
            if mem_ms != mem_ms or ox_ms == float("inf"):  # an error, or no Oxigraph figure
                ratio = ""
            elif mem_ms == float("inf"):
                ratio = f"> {args.limit / ox_ms:,.0f}x"
            else:
                ratio = f"{mem_ms / ox_ms:,.0f}x"
            differ = r["rows"] >= 0 and r["rdflib_rows"] >= 0 and r["rdflib_rows"] != r["rows"]
            cells += [_ms(r["rdflib"], args.limit) + (f" ({r['rdflib_rows']} rows!)" if differ else ""), ratio]
        else:
            cells += ["", ""]
        print("| " + " | ".join(cells) + " |")
    medians = sorted(statistics.median(r["ox"]) for r in results.values())
    fast = sum(m < 0.1 for m in medians)
    print(
        f"Oxigraph through kg: median of the query medians {_ms([statistics.median(medians)] * 2, args.limit)} ms,"
        f" slowest {_ms([medians[-1]] * 2, args.limit)} ms; {fast} of {len(medians)} under 100 ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
