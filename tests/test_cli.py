"""The command line: thin over the library, clear one-line errors, honest exit codes."""

from __future__ import annotations

import json

import pytest

import kg.extract
from kg.cli import cli


@pytest.fixture
def fake_cli(monkeypatch, fake_extractor):
    """Make `kg ingest` use the model-free extractor."""
    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: fake_extractor)


@pytest.fixture
def store(tmp_path, runner, articles_dir, fake_cli):
    """A store folder ingested from the hand-written articles."""
    path = tmp_path / "store"
    result = runner.invoke(cli, ["ingest", str(articles_dir), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_cli_ingest_summary(runner, tmp_path, articles_dir, fake_cli):
    result = runner.invoke(cli, ["ingest", str(articles_dir), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert "3 articles" in result.output and "2 skipped" in result.output
    assert "skipped broken.txt: binary file" in result.output
    assert "skipped empty.txt: empty file" in result.output


def test_cli_ingest_strict_exit_code(runner, tmp_path, articles_dir, fake_cli):
    result = runner.invoke(cli, ["ingest", str(articles_dir), "--store", str(tmp_path / "s"), "--strict"])
    assert result.exit_code == 2
    assert "3 articles" in result.output


def test_cli_ingest_missing_folder(runner, tmp_path):
    result = runner.invoke(cli, ["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_cli_export_twice_identical(runner, store, tmp_path, articles_dir):
    out1, out2 = tmp_path / "1.nq", tmp_path / "2.nq"
    assert runner.invoke(cli, ["export", "--store", str(store), "--output", str(out1)]).exit_code == 0
    runner.invoke(cli, ["ingest", str(articles_dir), "--store", str(store)])
    assert runner.invoke(cli, ["export", "--store", str(store), "-o", str(out2)]).exit_code == 0
    assert out1.read_bytes() == out2.read_bytes() and out1.stat().st_size > 0


@pytest.mark.parametrize("fmt", ["trig", "turtle", "jsonld", "nt"])
def test_cli_export_formats(runner, store, fmt):
    result = runner.invoke(cli, ["export", "--store", str(store), "--format", fmt])
    assert result.exit_code == 0 and "firm/acme" in result.output


def test_cli_export_no_store(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no store at" in result.output and "kg ingest" in result.output


def test_cli_stats(runner, store):
    result = runner.invoke(cli, ["stats", "--store", str(store), "--format", "json"])
    figures = json.loads(result.output)
    assert figures["articles"] == 3 and figures["events_by_type"]["Lawsuit"] == 3


def test_cli_query_expression_formats(runner, store):
    q = "SELECT ?name WHERE { ?f a cek:Firm ; rdfs:label ?name } ORDER BY ?name"
    table = runner.invoke(cli, ["query", "--store", str(store), "-e", q])
    assert table.exit_code == 0 and "Acme" in table.output and "(3 rows)" in table.output
    as_json = json.loads(runner.invoke(cli, ["query", "--store", str(store), "-e", q, "--format", "json"]).output)
    assert [r["name"] for r in as_json] == ["Acme", "Globex", "Umbrella"]
    as_csv = runner.invoke(cli, ["query", "--store", str(store), "-e", q, "--format", "csv"]).output
    assert as_csv.splitlines() == ["name", "Acme", "Globex", "Umbrella"]


def test_cli_query_file(runner, store, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a a cek:Article }")
    result = runner.invoke(cli, ["query", str(f), "--store", str(store), "--format", "csv"])
    assert result.output.splitlines() == ["n", "3"]


def test_cli_query_named_with_param(runner, store):
    result = runner.invoke(
        cli,
        [
            "query",
            "lawsuits-by-firm",
            "--store",
            str(store),
            "--param",
            "firm=https://w3id.org/cekg/resource/firm/acme",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r["defendantName"] for r in json.loads(result.output)] == ["Acme"]


def test_cli_query_missing_param(runner, store):
    result = runner.invoke(cli, ["query", "lawsuits-by-firm", "--store", str(store)])
    assert result.exit_code == 1 and "needs parameter 'firm'" in result.output


def test_cli_query_bad_sparql_one_line(runner, store):
    result = runner.invoke(cli, ["query", "--store", str(store), "-e", "SELEKT nothing"])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_cli_query_unknown_name_lists_choices(runner, store):
    result = runner.invoke(cli, ["query", "no-such-query", "--store", str(store)])
    assert result.exit_code == 1 and "unknown query 'no-such-query'" in result.output and "lawsuits" in result.output


def test_cli_query_needs_one_source(runner, store):
    assert runner.invoke(cli, ["query", "--store", str(store)]).exit_code == 2


def test_cli_queries_lists(runner):
    result = runner.invoke(cli, ["queries"])
    assert "market-entries" in result.output and "Lawsuits" in result.output


def test_cli_every_command_has_help(runner):
    for name, command in cli.commands.items():
        assert command.help, f"kg {name} has no help text"
        assert runner.invoke(cli, [name, "--help"]).exit_code == 0


def test_cli_validate_conforming_store(runner, store):
    result = runner.invoke(cli, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Conforms" in result.output


def test_cli_validate_broken_store(runner, tmp_path):
    from rdflib import Graph, Literal, URIRef

    from kg.namespace import CEK
    from kg.store import close_store, open_store, replace

    path = tmp_path / "broken"
    ds = open_store(path)
    g = Graph(identifier=URIRef("https://w3id.org/cekg/resource/article/x"))
    ev = URIRef("https://w3id.org/cekg/resource/event/1")
    g.add((ev, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), CEK.Lawsuit))
    g.add((ev, CEK.confidence, Literal(1.7)))
    replace(ds, g)
    close_store(ds)
    result = runner.invoke(cli, ["validate", "--store", str(path)])
    assert result.exit_code == 1
    assert "defendant" in result.output.lower()
    as_json = runner.invoke(cli, ["validate", "--store", str(path), "--format", "json"])
    assert '"conforms": false' in as_json.output
