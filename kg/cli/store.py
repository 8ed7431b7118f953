"""``kg export``, ``kg stats``, ``kg validate``: read a store."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from kg.cli._base import cli, open_existing, store_option

__all__ = ["export", "stats", "validate"]


@cli.command()
@store_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nquads", "trig", "turtle", "jsonld", "nt"]),
    default="nquads",
    show_default=True,
    help="RDF format (turtle and nt merge all article graphs).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
def export(store: Path, fmt: str, output: Path | None) -> None:
    """Write the whole store in an RDF format (N-Quads sorted, byte-stable)."""
    from kg.store import close_store
    from kg.store import export as run_export

    ds = open_existing(store)
    try:
        if output is None:
            data = run_export(ds, fmt)
            sys.stdout.buffer.write(data or b"")
        else:
            run_export(ds, fmt, output)
    finally:
        close_store(ds)


@cli.command()
@store_option()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(store: Path, fmt: str) -> None:
    """Count articles, entities and events in the store."""
    from kg.store import close_store
    from kg.store import stats as run_stats

    ds = open_existing(store)
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


@cli.command()
@store_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(store: Path, fmt: str) -> None:
    """Check the store against the SHACL shapes; exit 1 on violations."""
    from kg.store import close_store
    from kg.validate import report_text
    from kg.validate import validate as run_validate

    ds = open_existing(store)
    try:
        report = run_validate(ds)
    finally:
        close_store(ds)
    if fmt == "json":
        payload = {"conforms": report.conforms, "violations": [asdict(v) for v in report.violations]}
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(report_text(report))
    if not report.conforms:
        sys.exit(1)


@cli.command()
def samples() -> None:
    """Print the folder of the sample articles shipped with kg (for the quickstart)."""
    from kg.resources import samples_dir

    click.echo(str(samples_dir()))
