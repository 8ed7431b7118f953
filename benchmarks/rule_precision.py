"""Precision of each event rule on a gold file, and the confidence it earns.

Run from the project root::

    .venv/bin/python benchmarks/rule_precision.py ../shared/eval/dev.jsonl ../shared/corpus

The gold's articles are ingested into a temporary store and exported (as ``kg eval`` does);
each predicted event is matched to the gold the way the scorer matches it (the scorer,
``../shared/eval/score.py``, is imported for its readers and matching rules). An event that
matches a required gold event is a hit; one that matches only an optional gold event is left
out; any other is a miss. The table gives, per rule (``cek:rule``): hits / events, and the
smoothed precision ``(hits + 1) / (events + 2)`` that `kg.extract.events.CONFIDENCE` holds, so
that a rule seldom seen stays near 0.5.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _scorer(path: Path):
    spec = importlib.util.spec_from_file_location("kg_gold_scorer", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rule_counts(gold: Path, export: Path, scorer: Path) -> tuple[Counter, Counter]:
    """(hits, events) per rule: an event is a hit when it matches a required gold event."""
    from rdflib import URIRef

    from kg.namespace import CEK

    sc = _scorer(scorer)
    reader = sc.Reader(sc.load_graph(export))
    arts = reader.articles()
    hits: Counter = Counter()
    events: Counter = Counter()
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        art = arts.get(item["doc"]) or sc.find_by_suffix(arts, item["doc"])
        if art is None:
            continue
        pred = reader.events(art)
        used: dict[int, bool] = {}  # prediction index -> matched a required gold event
        for ev in sorted(item["events"], key=lambda e: bool(e.get("optional"))):
            roles = {sc.GOLD_ROLE_ALIASES.get(k, k): v for k, v in ev.items()}
            need = {r: sc.as_entities(roles.get(r)) for r in sc.REQUIRED[ev["type"]] if roles.get(r)}
            for i, p in enumerate(pred):
                if i not in used and p["type"] == ev["type"] and all(sc.touches(p["roles"][r], need[r]) for r in need):
                    used[i] = not ev.get("optional")
                    break
        for i, p in enumerate(pred):
            rule = str(reader.g.value(URIRef(p["node"]), CEK.rule) or "?")
            if used.get(i) is False:
                continue  # matched an optional gold event: neither hit nor miss
            events[rule] += 1
            hits[rule] += bool(used.get(i))
    return hits, events


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("corpus", type=Path, help="the corpus root the gold's docs are relative to")
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    args = ap.parse_args()
    if not args.scorer.is_file():
        raise SystemExit(f"no scorer at {args.scorer}; name one with --scorer")

    from kg.cli.eval import gold_docs
    from kg.extract import get_extractor
    from kg.ingest import ingest
    from kg.store import close_store, export, open_store

    with tempfile.TemporaryDirectory(prefix="kg-rules-") as tmp:
        work = Path(tmp)
        for doc in gold_docs(args.gold):
            dest = work / "in" / doc
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes((args.corpus / doc).read_bytes())
        ds = open_store(work / "store")
        try:
            ingest(work / "in", ds, extractor=get_extractor("rules"))
            export(ds, "nquads", work / "graph.nq")
        finally:
            close_store(ds)
        hits, events = rule_counts(args.gold, work / "graph.nq", args.scorer)

    from kg.extract.events import CONFIDENCE

    print("| rule | hits / events | measured confidence | in CONFIDENCE |")
    print("|---|---:|---:|---:|")
    for rule in sorted(set(CONFIDENCE) | set(events)):
        h, n = hits[rule], events[rule]
        print(f"| {rule} | {h}/{n} | {(h + 1) / (n + 2):.2f} | {CONFIDENCE.get(rule, float('nan')):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
