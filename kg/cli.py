"""The ``kg`` command: a thin click layer over the library."""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError

__all__ = ["cli", "main"]

STORE_HELP = "Folder of the embedded Oxigraph store (created if missing)."


class KgGroup(click.Group):
    """Turn any `KgError` into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as err:
            raise click.ClickException(str(err)) from err


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
@click.option("-v", "--verbose", is_flag=True, help="Log what kg does.")
def cli(verbose: bool) -> None:
    """kg: a knowledge graph of company events read from news articles."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _store_option(required: bool = True) -> Any:
    return click.option("--store", "store", type=click.Path(file_okay=False, path_type=Path), required=required, help=STORE_HELP)


@cli.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@_store_option()
@click.option("--encoding", default=None, help="Force an input encoding (default: UTF-8, then cp1252/latin-1).")
@click.option("--max-size", "max_mb", type=float, default=10.0, show_default=True, help="Skip files larger than this many MB.")
@click.option("--include", multiple=True, help="Only read files whose relative path matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Pass over files whose relative path matches this glob (repeatable).")
@click.option("--strict", is_flag=True, help="Exit with code 2 when any file was skipped.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option("--extractor", "extractor_name", default="rules", show_default=True, help="Extractor to use, by registered name.")
def ingest(
    source: Path,
    store: Path,
    encoding: str | None,
    max_mb: float,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    strict: bool,
    progress: bool | None,
    extractor_name: str,
) -> None:
    """Read every article under SOURCE (a file or folder) into the store.

    Each article becomes one named graph, replaced whole when ingested again.
    """
    from tqdm import tqdm

    from kg.extract import get_extractor
    from kg.ingest import ingest as run_ingest
    from kg.loaders import discover
    from kg.store import close_store, open_store

    extractor = get_extractor(extractor_name)
    ds = open_store(store)
    try:
        total = 1 if source.is_file() else sum(1 for _ in discover(source, include=include, exclude=exclude))
        show = sys.stderr.isatty() if progress is None else progress
        bar = tqdm(total=total, unit="article", disable=not show, file=sys.stderr, dynamic_ncols=True)

        def skipped(err: KgError) -> None:
            bar.update(1)
            tqdm.write(f"skipped {err}", file=sys.stderr)

        report = run_ingest(
            source,
            ds,
            extractor=extractor,
            encoding=encoding,
            max_bytes=int(max_mb * 1024 * 1024),
            include=include,
            exclude=exclude,
            on_article=lambda _: bar.update(1),
            on_error=skipped,
        )
        bar.close()
    finally:
        close_store(ds)
    click.echo(report.summary())
    if strict and report.skipped:
        sys.exit(2)


@cli.command()
@_store_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nquads", "trig", "turtle", "jsonld", "nt"]),
    default="nquads",
    show_default=True,
    help="RDF format (turtle and nt merge all article graphs).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write (default: standard output).")
def export(store: Path, fmt: str, output: Path | None) -> None:
    """Write the whole store in an RDF format (N-Quads sorted, byte-stable)."""
    from kg.store import close_store, export as run_export, open_store

    ds = _open_existing(store)
    try:
        if output is None:
            data = run_export(ds, fmt)
            sys.stdout.buffer.write(data or b"")
        else:
            run_export(ds, fmt, output)
    finally:
        close_store(ds)


def _open_existing(store: Path, *, read_only: bool = True) -> Any:
    from kg.errors import StoreError
    from kg.store import open_store

    if not store.is_dir():
        raise StoreError(f"no store at {str(store)!r}; create one with 'kg ingest FOLDER --store {store}'")
    return open_store(store, read_only=read_only)


@cli.command()
@_store_option()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(store: Path, fmt: str) -> None:
    """Count articles, entities and events in the store."""
    from kg.store import close_store, stats as run_stats

    ds = _open_existing(store)
    try:
        figures = run_stats(ds)
    finally:
        close_store(ds)
    if fmt == "json":
        click.echo(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        if isinstance(value, dict):
            for sub, n in value.items():
                click.echo(f"  {sub:<16}{n:>10}")
        else:
            click.echo(f"{key:<18}{value:>10}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def format_rows(names: list[str], rows: list[list[Any]], fmt: str) -> str:
    """Render query rows as an aligned table, CSV, JSON or Markdown."""
    cells = [[_cell(v) for v in row] for row in rows]
    if fmt == "json":
        return json.dumps([dict(zip(names, r, strict=True)) for r in cells], indent=2, ensure_ascii=False)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(cells)
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":
        esc = [[c.replace("|", "\\|").replace("\n", " ") for c in r] for r in cells]
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join(r) + " |" for r in esc]
        return "\n".join(lines)
    flat = [[" ".join(c.split()) for c in r] for r in cells]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in flat])) for i, n in enumerate(names)]

    def clip(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(clip(c, w).ljust(w) for c, w in zip(r, widths, strict=True)) for r in flat]
    lines.append(f"({len(rows)} row{'s' * (len(rows) != 1)})")
    return "\n".join(lines)


@cli.command()
@click.argument("query", required=False)
@_store_option()
@click.option("-e", "--expression", default=None, help="SPARQL text to run instead of a named query or file.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table", show_default=True)
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
    ds = _open_existing(store)
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


@cli.command()
@_store_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(store: Path, fmt: str) -> None:
    """Check the store against the SHACL shapes; exit 1 on violations."""
    from kg.store import close_store
    from kg.validate import report_text, validate as run_validate

    ds = _open_existing(store)
    try:
        report = run_validate(ds)
    finally:
        close_store(ds)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"conforms": report.conforms, "violations": [v.__dict__ if hasattr(v, "__dict__") else _asdict(v) for v in report.violations]},
                indent=2,
            )
        )
    else:
        click.echo(report_text(report))
    if not report.conforms:
        sys.exit(1)


def _asdict(obj: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(obj)


@cli.command(name="queries")
def list_named_queries() -> None:
    """List the named queries and their parameters."""
    from kg.query import list_queries

    for q in list_queries():
        params = ", ".join(f"{p.name}" + (f"={p.default}" if p.default else "") for p in q.params)
        click.echo(f"{q.name:<24} {q.title}" + (f"  [{params}]" if params else ""))


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()
