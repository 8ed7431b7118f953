"""``kg query`` and ``kg queries``: run named or ad-hoc SPARQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli._base import cli, format_rows, open_existing, store_option

__all__ = ["list_named_queries", "query"]


@cli.command()
@click.argument("query", required=False)
@store_option()
@click.option("-e", "--expression", default=None, help="SPARQL text to run instead of a named query or file.")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table", show_default=True
)
def query(query: str | None, store: Path, expression: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run QUERY (a named query, or a .rq file) or -e SPARQL on the store.

    Parameters are bound as RDF terms, never pasted into the query text.
    """
    from kg.errors import QueryError
    from kg.query import get_query, parse_query_file, run
    from kg.store import close_store

    if bool(query) == bool(expression):
        raise click.UsageError("give either a QUERY (name or .rq file) or -e SPARQL")
    bindings: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
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
    ds = open_existing(store)
    try:
        result = run(ds, target, **bindings)
        if result.type == "ASK":
            click.echo("true" if result.askAnswer else "false")
            return
        if result.type == "CONSTRUCT":
            click.echo(result.serialize(format="turtle").decode("utf-8"))
            return
        names = [str(v) for v in result.vars or []]
        rows = [[row[i] for i in range(len(names))] for row in result]
    finally:
        close_store(ds)
    click.echo(format_rows(names, rows, fmt))


@cli.command(name="queries")
def list_named_queries() -> None:
    """List the named queries and their parameters."""
    from kg.query import list_queries

    for q in list_queries():
        params = ", ".join(f"{p.name}" + (f"={p.default}" if p.default else "") for p in q.params)
        click.echo(f"{q.name:<24} {q.title}" + (f"  [{params}]" if params else ""))
