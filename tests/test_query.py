"""Running named queries: parameters as RDF terms, names resolved to IRIs, hostile values, DataFrames, CLI."""

from __future__ import annotations

import json

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import kg
from kg.cli import cli
from kg.errors import QueryError
from kg.namespace import RES
from kg.query import bind_parameters, get_query, list_queries, parse_query_file, query_df, resolve_entity, run, to_term
from kg.rdf import to_graph
from kg.store import close_store, open_store, replace

HOSTILE = [
    'x" } DROP ALL #',
    "x' } DROP ALL #",
    'x"""} ; DROP ALL #',
    "line\nbreak } DROP ALL",
    "\\u0022 } DROP ALL #",
    "back\\slash\\",
    "<https://w3id.org/cekg/resource/firm/xiaomi>",
]


@pytest.fixture
def store_dir(tmp_path, query_extractions):
    """The query world in an Oxigraph store on disk, closed so the CLI can open it."""
    path = tmp_path / "store"
    ds = open_store(path)
    for x in query_extractions:
        replace(ds, to_graph(x))
    close_store(ds)
    return path


# --- values to terms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "term"),
    [
        ("Xiaomi", "literal", Literal("Xiaomi")),
        ("https://w3id.org/cekg/resource/firm/xiaomi", "iri", RES["firm/xiaomi"]),
        ("res:firm/xiaomi", "iri", RES["firm/xiaomi"]),
        ("urn:isbn:123", "iri", URIRef("urn:isbn:123")),
        (" 3 ", "int", Literal(3)),
        ("2015", "date", Literal("2015", datatype=XSD.gYear)),
        ("2015-06", "date", Literal("2015-06", datatype=XSD.gYearMonth)),
        ("2015-06-01", "date", Literal("2015-06-01", datatype=XSD.date)),
    ],
)
def test_query_to_term_kinds(value, kind, term):
    assert to_term(value, kind) == term


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        ("three", "int", "'three' is not an integer"),
        ("1 June 2015", "date", "'1 June 2015' is not a date"),
        ("http://x/a b", "iri", "not an IRI"),
        ("http://x/a>b", "iri", "not an IRI"),
        ("Xiaomi", "iri", "not an IRI"),
        ("x", "float", "unknown parameter kind 'float'"),
    ],
)
def test_query_to_term_rejects(value, kind, message):
    with pytest.raises(ValueError, match=message):
        to_term(value, kind)


# --- names to IRIs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "iri"),
    [
        ("Xiaomi", "firm", "firm/xiaomi"),
        ("XIAOMI CORP", "firm", "firm/xiaomi"),  # an alias, any case
        ("xiaomi inc.", "firm", "firm/xiaomi"),  # the label one article gave it
        ("AWS", "firm", "firm/amazon"),
        ("Apple", "firm", "firm/apple"),  # Apple's label wins over Apple Corps' alias
        ("apple corps", "firm", "firm/apple-corps"),
        ("india", "place", "place/in"),
        ("Oregon", "place", "place/oregon"),
        ("mi 3", "product", "product/mi-3"),
        ("res:firm/nobody", "firm", "firm/nobody"),  # an IRI is taken as it is
    ],
)
def test_query_resolve_entity(query_store, name, kind, iri):
    assert resolve_entity(query_store, name, kind) == RES[iri]


def test_query_resolve_entity_ambiguous_lists_candidates(query_store):
    with pytest.raises(QueryError) as err:
        resolve_entity(query_store, "acme", "firm")
    message = str(err.value)
    assert "firm name 'acme' is ambiguous" in message
    assert "Acme Corp <https://w3id.org/cekg/resource/firm/acme-corp>" in message
    assert "Acme Ltd <https://w3id.org/cekg/resource/firm/acme-ltd>" in message


def test_query_resolve_entity_not_found_suggests(query_store):
    with pytest.raises(QueryError, match=r"no firm named 'Xiaomee' \(by label or alias\); did you mean: Xiaomi"):
        resolve_entity(query_store, "Xiaomee", "firm")


def test_query_resolve_entity_checks_the_class(query_store):
    with pytest.raises(QueryError, match="no place named 'Xiaomi'"):
        resolve_entity(query_store, "Xiaomi", "place")


@pytest.mark.parametrize("value", HOSTILE)
def test_query_resolve_entity_hostile_name_is_just_a_name(query_store, value):
    before = len(query_store)
    with pytest.raises(QueryError, match="no firm named"):
        resolve_entity(query_store, value, "firm")
    assert len(query_store) == before


# --- parameters -------------------------------------------------------------------------------


def test_query_bind_parameters_resolves_and_defaults(query_store):
    assert bind_parameters(query_store, get_query("market-entries-by-firm"), {"firm": "AWS"}) == {
        "firm": RES["firm/amazon"]
    }
    assert bind_parameters(query_store, get_query("firms-by-events"), {}) == {"minEvents": Literal(1)}


def test_query_unknown_parameter_lists_the_known(query_store):
    with pytest.raises(QueryError, match="query 'lawsuits-by-firm' has no parameter 'company'; expected one of: firm"):
        run(query_store, "lawsuits-by-firm", company="Xiaomi")


def test_query_bad_value_names_parameter_and_value(query_store):
    with pytest.raises(QueryError, match="parameter 'minEvents' of query 'firms-by-events': 'many' is not an integer"):
        run(query_store, "firms-by-events", minEvents="many")


def test_query_parameter_named_like_an_argument(query_store):
    """`text` and `query` are parameter names too; run()'s own arguments are positional-only."""
    rows = list(run(query_store, "lawsuits-by-subject", text="modem"))
    assert [str(r[0]) for r in rows] == ["modem patents"]


@pytest.mark.parametrize("value", HOSTILE)
def test_query_hostile_parameter_stays_a_literal(query_store, value):
    """A value that would end the string and the query in formatted text matches nothing and drops nothing."""
    before = len(query_store)
    assert list(run(query_store, "lawsuits-by-subject", text=value)) == []
    assert len(query_store) == before
    assert len(list(run(query_store, "lawsuits"))) == 2


@pytest.mark.parametrize("value", HOSTILE)
def test_query_hostile_value_round_trips(query_store, value):
    rows = list(run(query_store, "SELECT ?x WHERE { }", x=value))
    assert [str(r[0]) for r in rows] == [value]


def test_query_unprojected_binding_works_through_values(query_store):
    """Oxigraph gets parameters as a VALUES block, rdflib's store as initBindings: both bind here."""
    q = "SELECT ?name WHERE { ?firm rdfs:label ?name }"
    assert [str(r[0]) for r in run(query_store, q, firm=RES["firm/oppo"])] == ["Oppo"]


def test_query_unprojected_binding_without_values_is_a_clear_error():
    """A value VALUES cannot carry exactly goes to Oxigraph's substitutions, which need the projection."""
    with pytest.raises(QueryError, match="must be in the SELECT clause"):
        run(open_store(), "SELECT ?name WHERE { ?x <http://ex/p> ?name }", x="\\u0022")


def test_query_bad_sparql_is_a_query_error(query_store):
    with pytest.raises(QueryError):
        run(query_store, "SELEKT * WHERE { }")


# --- query files ------------------------------------------------------------------------------


def test_query_list_has_fifteen_or_more():
    assert len(list_queries()) >= 15


def test_query_parse_file_needs_title(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# description: no title\nSELECT * WHERE { }\n")
    with pytest.raises(QueryError, match="q.rq: the header has no '# title:' line"):
        parse_query_file(f)


def test_query_parse_file_checks_kind(tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("# title: T\n# param: firm (company) - a firm\nSELECT ?firm WHERE { ?firm ?p ?o }\n")
    with pytest.raises(QueryError, match="parameter 'firm' has kind 'company'; expected one of: firm, place"):
        parse_query_file(f)


def test_query_unknown_name_lists_choices():
    with pytest.raises(QueryError, match="unknown query 'nope'; expected one of: acquisitions"):
        get_query("nope")


# --- DataFrames -------------------------------------------------------------------------------


def test_query_df(query_store):
    df = kg.query_df(query_store, "firms-by-events", minEvents=2)
    assert list(df.columns) == ["firmName", "events", "articles", "firm", "minEvents"]
    assert df["firmName"].tolist() == ["Xiaomi", "Globex", "Initech"]
    assert df["events"].tolist() == [4, 2, 2] and str(df["events"].dtype) == "int64"
    assert df["firm"].iloc[0] == "https://w3id.org/cekg/resource/firm/xiaomi"


def test_query_df_unbound_is_none(query_store):
    df = query_df(query_store, "lawsuits")
    assert df.loc[df["plaintiffName"] == "Qualcomm", "date"].isna().tolist() == [True]


def test_query_df_needs_select(query_store):
    with pytest.raises(QueryError, match="query_df needs a SELECT query, got ASK"):
        query_df(query_store, "ASK { ?s ?p ?o }")


# --- the command line -------------------------------------------------------------------------


def test_cli_queries_lists_every_query_with_params(runner):
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(list_queries())
    assert any(line.startswith("market-entries-by-firm") and "[firm (firm)]" in line for line in lines)
    assert any("[minEvents (int) = 1]" in line for line in lines)


def test_cli_queries_markdown(runner):
    result = runner.invoke(cli, ["queries", "--format", "markdown"])
    assert result.output.splitlines()[0] == "| name | title | parameters | description |"
    assert "| lawsuits-by-subject | Lawsuits about a subject | text (literal) |" in result.output


def test_cli_query_param_by_name(runner, store_dir):
    args = ["query", "market-entries-by-firm", "--param", "firm=Xiaomi Corp", "--store", str(store_dir)]
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["firmName"], r["marketName"], r["productName"]) for r in rows] == [("Xiaomi", "India", "Mi 3")]


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_cli_query_formats(runner, store_dir, fmt):
    result = runner.invoke(cli, ["query", "places-most-entered", "--store", str(store_dir), "--format", fmt])
    assert result.exit_code == 0
    first = {"table": "placeName", "csv": "placeName,entries,firms,place", "markdown": "| placeName | entries |"}
    assert result.output.startswith(first[fmt])
    assert "India" in result.output


def test_cli_query_hostile_param(runner, store_dir):
    args = ["query", "lawsuits-by-subject", "-p", 'text=x" } DROP ALL #', "--store", str(store_dir), "--format", "csv"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "subject,plaintiffName,defendantName,jurisdictionName,status,date,article,event,text"
    ]
    after = runner.invoke(cli, ["query", "lawsuits", "--store", str(store_dir), "--format", "csv"])
    assert len(after.output.splitlines()) == 3


def test_cli_query_ambiguous_name_one_line(runner, store_dir):
    result = runner.invoke(cli, ["query", "firm-profile", "-p", "firm=Acme", "--store", str(store_dir)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "ambiguous" in result.output and "Traceback" not in result.output


def test_cli_query_store_or_endpoint(runner, store_dir):
    both = runner.invoke(cli, ["query", "lawsuits", "--store", str(store_dir), "--endpoint", "http://127.0.0.1:9/q"])
    assert both.exit_code == 2 and "either --store DIR or --endpoint URL" in both.output
    neither = runner.invoke(cli, ["query", "lawsuits"])
    assert neither.exit_code == 2


# --- reading Oxigraph results directly (kg.query._oxigraph_query) ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o",
        'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a"@en UNDEF) (1.5 <urn:x>) ("2015"^^xsd:gYear "b") } }',
        "SELECT * WHERE { OPTIONAL { ?s cek:nothing ?o } }",
    ],
)
def test_query_direct_oxigraph_results_equal_oxrdflib(text, query_extractions):
    """kg reads SELECT results from pyoxigraph itself: the same rows, terms and term types as oxrdflib gives."""
    ds = open_store()
    for x in query_extractions:
        replace(ds, to_graph(x))
    prefixes = {p: str(ns) for p, ns in kg.namespace.PREFIXES.items()}
    ours, theirs = run(ds, text), ds.query(text, initNs=prefixes)
    assert type(ours).__name__ == "_SelectResult"  # the direct path was taken
    assert ours.vars == theirs.vars
    mine, other = [tuple(r) for r in ours], [tuple(r) for r in theirs]
    assert mine == other and len(mine) > 0
    assert [[type(c) for c in r] for r in mine] == [[type(c) for c in r] for r in other]
    assert [[getattr(c, "datatype", None) for c in r] for r in mine] == [
        [getattr(c, "datatype", None) for c in r] for r in other
    ]
    assert len(run(ds, text)) == len(other) and list(run(ds, text).bindings) == list(
        ds.query(text, initNs=prefixes).bindings
    )
    row = next(iter(run(ds, text)))
    name = str(ours.vars[0])
    assert row[name] == row[0] == getattr(row, name) and row.asdict() == next(iter(theirs)).asdict()


def test_query_direct_oxigraph_ask_and_construct():
    ds = open_store()
    assert run(ds, "ASK { }").askAnswer is True
    g = run(ds, "CONSTRUCT { <urn:a> <urn:b> 'c' } WHERE { }").graph
    assert list(g) == [(URIRef("urn:a"), URIRef("urn:b"), Literal("c", datatype=XSD.string))]
