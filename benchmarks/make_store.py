"""Generate a synthetic kg store of a given size, for query and analysis benchmarks.

    python benchmarks/make_store.py --triples 1000000 --store /tmp/kg-1m [--nquads /tmp/kg-1m.nq]

The graph has the shape ingest writes (articles, firms, places, products, persons, mentions and
events of the five types with evidence, status, date and confidence), built from hand-made
`Extraction` records through `kg.rdf.to_graph`, so every query sees realistic data. Firm
popularity follows a Zipf-like law, as in news. The same seed gives the same store.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention, Status
from kg.rdf import to_graph

COUNTRIES = [
    ("us", "United States", "US"),
    ("cn", "China", "CN"),
    ("in", "India", "IN"),
    ("de", "Germany", "DE"),
    ("jp", "Japan", "JP"),
    ("br", "Brazil", "BR"),
    ("gb", "United Kingdom", "GB"),
    ("fr", "France", "FR"),
    ("sg", "Singapore", "SG"),
    ("ie", "Ireland", "IE"),
    ("kr", "South Korea", "KR"),
    ("ca", "Canada", "CA"),
]
SUBJECTS = ["patent", "antitrust", "privacy", "contract", "fraud", "copyright"]
STATUSES = list(Status)


def _firm(i: int) -> Entity:
    name = f"Firm {i:05d}"
    return Entity(f"firm/firm-{i:05d}", Kind.FIRM, name, frozenset({name, f"{name} Inc."}))


def extractions(n_articles: int, n_firms: int, seed: int = 0) -> Iterator[Extraction]:
    """Yield `n_articles` synthetic extractions over `n_firms` firms."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(n_firms)]
    places = [Entity(f"place/{k}", Kind.COUNTRY, n, code=c) for k, n, c in COUNTRIES]
    for a in range(n_articles):
        firms = {f.key: f for f in (_firm(i) for i in rng.choices(range(n_firms), weights, k=4))}
        fs = list(firms.values())
        pl = rng.sample(places, 3)
        product = Entity(f"product/product-{a % 997}", Kind.PRODUCT, f"Product {a % 997}")
        person = Entity(f"person/person-{a % 1499}", Kind.PERSON, f"Person {a % 1499}")
        sentences = [f"{fs[0].name} did something in {pl[0].name} on day {a}.", f"{fs[-1].name} said more."]
        text = " ".join(sentences)
        article = Article(f"synthetic/{a:07d}.txt", f"Synthetic article {a}", text)
        year = 2004 + a % 20
        events = []
        kinds = rng.sample(list(EventType), 2)
        for kind in kinds:
            ev_date = f"{year}-{1 + a % 12:02d}" if rng.random() < 0.7 else None
            if kind is EventType.MARKET_ENTRY:
                roles = (("firm", fs[0].key), ("market", pl[0].key), ("product", product.key))
            elif kind is EventType.PRODUCT_LAUNCH:
                roles = (("firm", fs[0].key), ("product", product.key), ("market", pl[1].key))
            elif kind is EventType.LAWSUIT:
                roles = (
                    ("plaintiff", fs[-1].key),
                    ("defendant", fs[0].key),
                    ("jurisdiction", pl[1].key),
                    ("subject", rng.choice(SUBJECTS)),
                )
            elif kind is EventType.DATA_CENTER_MOVE:
                roles = (("firm", fs[0].key), ("from", pl[0].key), ("to", pl[2].key), ("provider", fs[-1].key))
            else:
                roles = (("acquirer", fs[0].key), ("target", fs[-1].key), ("value", f"${rng.randint(1, 90)}bn"))
            events.append(
                Event(kind, roles, rng.choice(STATUSES), ev_date, (sentences[0],), round(rng.random(), 2), "synthetic")
            )
        full = article.full_text
        start = full.index(fs[0].name)
        mentions = (Mention(fs[0].name, Kind.FIRM, start, start + len(fs[0].name), fs[0].key, 1),)
        yield Extraction(
            article,
            mentions,
            tuple(fs) + tuple(pl) + (product, person),
            tuple(events),
            ((0, len(article.title)), (len(article.title) + 2, len(full))),
        )


def build(store_path: Path | None, triples: int, seed: int = 0, nquads: Path | None = None) -> int:
    """Write about `triples` triples into an Oxigraph store at `store_path`; return the count."""
    per_article = 68  # measured: the synthetic articles average about this many quads
    n_articles = max(1, triples // per_article)
    n_firms = max(10, n_articles // 8)
    store = ox.Store(str(store_path)) if store_path else None
    out = nquads.open("wb") if nquads else None
    batch: list[ox.Quad] = []
    total = 0
    for extraction in extractions(n_articles, n_firms, seed):
        g = to_graph(extraction)
        data = g.serialize(format="nt", encoding="utf-8")
        name = ox.NamedNode(str(g.identifier))
        for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            batch.append(ox.Quad(t.subject, t.predicate, t.object, name))
        if out:
            out.write(data.replace(b" .\n", f" <{g.identifier}> .\n".encode()))
        if len(batch) > 200_000:
            total += len(batch)
            if store is not None:
                store.bulk_extend(batch)
            batch = []
    total += len(batch)
    if store is not None:
        store.bulk_extend(batch)
        store.optimize()
        store.flush()
    if out:
        out.close()
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--store", type=Path, default=None, help="Oxigraph folder to create")
    ap.add_argument("--nquads", type=Path, default=None, help="also write the quads here")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.store and args.store.exists() and any(args.store.iterdir()):
        sys.exit(f"{args.store} is not empty; pick a new folder")
    t0 = time.perf_counter()
    n = build(args.store, args.triples, args.seed, args.nquads)
    print(f"{n:,} quads in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
