"""Every shipped query: header, convention, parse, and the expected rows on both local stores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.namespace import PREFIXES
from kg.query import KINDS, parse_query_file, run
from kg.resources import queries_dir

SHIPPED = sorted(queries_dir().glob("*.rq"))
IDS = [p.stem for p in SHIPPED]
REQUIRED = {
    "market-entries",
    "market-entries-by-firm",
    "market-entries-by-market",
    "lawsuits",
    "lawsuits-by-jurisdiction",
    "lawsuits-by-subject",
    "data-center-moves",
    "data-center-moves-by-provider",
    "acquisitions",
    "firm-profile",
    "firm-timeline",
    "firms-by-events",
    "co-mentioned-firms",
    "products-per-firm",
    "articles-mentioning",
    "event-evidence",
    "places-most-entered",
}
# Terms a shipped query may use: the contract (DESIGN.md) and kg's extras (kg/rdf.py).
ALLOWED = {
    "cek": {
        "Article", "Firm", "Person", "Product", "Place", "Country", "Region", "City", "Event", "MarketEntry",
        "ProductLaunch", "Lawsuit", "DataCenterMove", "Acquisition", "mentions", "evidence", "confidence", "status",
        "date", "firm", "market", "product", "plaintiff", "defendant", "jurisdiction", "subject", "fromPlace",
        "toPlace", "provider", "acquirer", "target", "value", "Mention", "denotedBy", "inArticle", "rule",
        "countryCode", "planned", "announced", "completed", "rumoured", "failed",
    },
    "dcterms": {"identifier", "title", "source"},
    "schema": {"datePublished", "url", "sameAs"},
    "rdfs": {"label"},
    "skos": {"altLabel"},
    "prov": {"wasDerivedFrom"},
    "rdf": {"type"},
}  # fmt: skip


def _select_clause(text: str) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.split(r"\bWHERE\b", body, maxsplit=1)[0]


def test_shipped_queries_cover_the_issue():
    names = set(IDS)
    assert len(names) >= 15
    assert names >= REQUIRED, f"missing: {sorted(REQUIRED - names)}"


def test_every_shipped_query_has_expected_rows(query_cases):
    assert set(query_cases.expected) == set(IDS)


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_query_header(path: Path):
    q = parse_query_file(path)
    assert q.title and q.description and q.returns, f"{path.name}: title, description and returns are all needed"
    for p in q.params:
        assert p.kind in KINDS and p.doc, f"{path.name}: parameter {p.name} needs a kind and a description"


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_query_parameters_follow_the_convention(path: Path):
    """Each parameter is projected (Oxigraph binds nothing else) and used in the WHERE clause."""
    q = parse_query_file(path)
    select = _select_clause(q.text)
    for p in q.params:
        assert re.search(rf"\?{p.name}\b", select), f"{path.name}: ?{p.name} is not in the SELECT clause"
        where = q.text[len(select) :]
        assert re.search(rf"\?{p.name}\b", where), f"{path.name}: ?{p.name} is not used in the WHERE clause"


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_query_uses_only_the_contract_vocabulary(path: Path):
    text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
    for prefix, local in re.findall(r"\b([a-z]+):([A-Za-z]\w*)", text):
        assert prefix in ALLOWED and local in ALLOWED[prefix], f"{path.name}: {prefix}:{local} is not in the contract"


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_query_parses_with_rdflib(path: Path):
    prepareQuery(path.read_text(), initNs={p: str(ns) for p, ns in PREFIXES.items()})


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_query_expected_rows(path: Path, query_store, query_cases):
    """On Oxigraph and on rdflib's memory store alike (the `query_store` fixture runs both)."""
    case = query_cases.expected[path.stem]
    result = run(query_store, parse_query_file(path), **query_cases.params(path.stem))
    assert [str(v) for v in result.vars] == case["columns"]
    assert [c.strip() for c in parse_query_file(path).returns.split(",")] == case["columns"]
    assert query_cases.rows(result) == case["rows"]


WITH_REQUIRED = [p for p in SHIPPED if any(x.default is None for x in parse_query_file(p).params)]


@pytest.mark.parametrize("path", WITH_REQUIRED, ids=lambda p: p.stem)
def test_query_missing_required_parameter(path: Path, query_store):
    from kg.errors import QueryError

    q = parse_query_file(path)
    required = [p.name for p in q.params if p.default is None]
    with pytest.raises(QueryError, match=f"needs parameter '{required[0]}'"):
        run(query_store, q)
