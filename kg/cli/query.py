"""``kg query`` and ``kg queries``: run named or ad-hoc SPARQL on a store or a remote endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli._base import cli, format_rows, open_existing, store_option

__all__ = ["endpoint_options", "list_named_queries", "query"]

ENDPOINT_HELP = (
    "URL of a SPARQL 1.1 endpoint to use instead of --store (e.g. http://127.0.0.1:7878/query). "
    "Credentials come from KG_SPARQL_TOKEN, or KG_SPARQL_USER and KG_SPARQL_PASSWORD."
)


def endpoint_options(func: Any) -> Any:
    """The ``--endpoint URL`` and ``--timeout SECONDS`` options of commands that can go remote."""
    func = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="Seconds one request to --endpoint may take in all.",
    )(func)
    return click.option("--endpoint", metavar="URL", default=None, help=ENDPOINT_HELP)(func)


@cli.command()
@click.argument("query", required=False)
@store_option(required=False)
@endpoint_options
@click.option("-e", "--expression", default=None, help="SPARQL text to run instead of a named query or file.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable); firms, places and products may be given by name.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "markdown"]),
    default="table",
    show_default=True,
    help="Output format: an aligned table for people, or csv, json, markdown.",
)
def query(
    query: str | None,
    store: Path | None,
    endpoint: str | None,
    timeout: float,
    expression: str | None,
    params: tuple[str, ...],
    fmt: str,
) -> None:
    """Run QUERY (a named query, or a .rq file) or -e SPARQL on the store or an endpoint.

    Parameters are bound as RDF terms, never pasted into the query text. See `kg queries`.
    """
    from kg.errors import QueryError
    from kg.query import get_query, parse_query_file, rows_of, run
    from kg.store import close_store

    if bool(query) == bool(expression):
        raise click.UsageError("give either a QUERY (name or .rq file) or -e SPARQL")
    if bool(store) == bool(endpoint):
        raise click.UsageError("give either --store DIR or --endpoint URL")
    bindings: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        bindings[name.strip()] = value
    if expression:
        target: Any = expression
    elif query and query.endswith(".rq"):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"no query file {query!r}")
        try:
            target = parse_query_file(path)  # a file with a header takes --param like a named query
        except QueryError:
            target = path.read_text(encoding="utf-8")
    else:
        target = get_query(str(query))
    if endpoint:
        from kg.remote import Endpoint

        source: Any = Endpoint(endpoint, timeout=timeout)
    else:
        assert store is not None
        source = open_existing(store)
    try:
        result = run(source, target, **bindings)
        if result.type == "ASK":
            click.echo("true" if result.askAnswer else "false")
            return
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            click.echo((result.serialize(format="turtle") or b"").decode("utf-8"))
            return
        names = [str(v) for v in result.vars or []]
        rows = [list(row) for row in rows_of(result)]
    finally:
        if not endpoint:
            close_store(source)
    click.echo(format_rows(names, rows, fmt))


@cli.command(name="queries")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
def list_named_queries(fmt: str) -> None:
    """List the named queries, what they answer and their parameters."""
    from kg.query import list_queries

    def params(q: Any) -> str:
        return ", ".join(p.name + f" ({p.kind})" + (f" = {p.default}" if p.default else "") for p in q.params)

    queries = list_queries()
    if fmt == "table":
        for q in queries:
            click.echo(f"{q.name:<30} {q.title}" + (f"  [{params(q)}]" if q.params else ""))
        return
    rows = [[q.name, q.title, params(q), q.description] for q in queries]
    click.echo(format_rows(["name", "title", "parameters", "description"], rows, fmt))
