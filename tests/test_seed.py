"""End to end on the seed article with the real model: the contract, checked with SPARQL."""

from __future__ import annotations

import pytest

from kg.cli import cli
from kg.store import close_store, open_store

pytestmark = pytest.mark.slow

PREFIXES = """
PREFIX cek: <https://w3id.org/cekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, request):
    from pathlib import Path

    from click.testing import CliRunner

    seed = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
    if not seed.is_dir():
        pytest.skip("../shared/corpus/seed is not present on this machine")
    path = tmp_path_factory.mktemp("seed") / "store"
    result = CliRunner().invoke(cli, ["ingest", str(seed), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _ask(path, body: str) -> bool:
    ds = open_store(path, read_only=True)
    try:
        return bool(ds.query(PREFIXES + "ASK { " + body + " }").askAnswer)
    finally:
        close_store(ds)


def _names(var: str, node: str) -> str:
    return f"{node} rdfs:label|skos:altLabel ?{var} . "


def test_seed_article_identifier(seed_store):
    assert _ask(seed_store, '?a a cek:Article ; dcterms:identifier "000_2de776c5166852a6.txt" ; dcterms:title ?t')


def test_seed_planned_us_market_entry(seed_store):
    assert _ask(
        seed_store,
        "?e a cek:MarketEntry ; cek:status cek:planned ; cek:firm ?f ; cek:market ?m ; prov:wasDerivedFrom ?a ; cek:evidence ?s ."
        + _names("fn", "?f")
        + _names("mn", "?m")
        + 'FILTER(LCASE(STR(?fn)) = "xiaomi" && STR(?mn) IN ("US", "United States", "U.S."))',
    )


def test_seed_data_center_move(seed_store):
    assert _ask(
        seed_store,
        "?e a cek:DataCenterMove ; cek:firm ?f ; cek:fromPlace ?from ; cek:toPlace ?sg, ?us ; cek:provider ?p ."
        + _names("fn", "?f")
        + _names("from_n", "?from")
        + _names("sg_n", "?sg")
        + _names("us_n", "?us")
        + _names("pn", "?p")
        + 'FILTER(STR(?fn) = "Xiaomi" && STR(?from_n) = "China" && STR(?sg_n) = "Singapore" '
        + '&& STR(?us_n) IN ("US", "United States") && STRSTARTS(STR(?pn), "Amazon"))',
    )


def test_seed_patent_lawsuit(seed_store):
    assert _ask(
        seed_store,
        "?e a cek:Lawsuit ; cek:defendant ?d ; cek:plaintiff ?p ; cek:jurisdiction ?j ; cek:subject ?s ."
        + _names("dn", "?d")
        + _names("pn", "?p")
        + _names("jn", "?j")
        + 'FILTER(STR(?dn) = "Xiaomi" && STR(?pn) = "Ericsson" && STR(?jn) = "India" && CONTAINS(LCASE(?s), "patent"))',
    )


def test_seed_firms_typed_right(seed_store):
    for name in ("Xiaomi", "Ericsson", "Qualcomm"):
        assert _ask(seed_store, f'?f a cek:Firm ; rdfs:label|skos:altLabel "{name}" .'), name
        assert not _ask(seed_store, f'?f a cek:Person ; rdfs:label|skos:altLabel "{name}" .'), name


def test_seed_no_phone_launch(seed_store):
    """The title says phones are off the cards: no event may make phones a product."""
    assert not _ask(
        seed_store, '?e a cek:ProductLaunch ; cek:product ?p . ?p rdfs:label ?n . FILTER(CONTAINS(LCASE(?n), "phone"))'
    )


def test_seed_every_event_has_contract_fields(seed_store):
    assert not _ask(
        seed_store,
        "?e a cek:Event . FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?a ; cek:evidence ?s ; cek:confidence ?c }",
    )


def test_seed_reingest_is_byte_identical(seed_store, tmp_path):
    from pathlib import Path

    from click.testing import CliRunner

    runner = CliRunner()
    first, second = tmp_path / "1.nq", tmp_path / "2.nq"
    assert runner.invoke(cli, ["export", "--store", str(seed_store), "-o", str(first)]).exit_code == 0
    seed = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
    assert runner.invoke(cli, ["ingest", str(seed), "--store", str(seed_store)]).exit_code == 0
    assert runner.invoke(cli, ["export", "--store", str(seed_store), "-o", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_seed_graph_conforms_to_shapes(seed_store, runner):
    result = runner.invoke(cli, ["validate", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
