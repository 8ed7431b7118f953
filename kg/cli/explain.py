"""``kg explain``: the evidence behind an event, or the mentions and events of a firm."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import eval as _eval  # noqa: F401  (registers ``kg eval``)
from kg.cli._base import cli, open_existing

__all__ = ["explain"]


@cli.command()
@click.argument("what", metavar="EVENT_OR_FIRM")
@click.option(
    "--store", "store", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder of the store."
)
@click.option("--color/--no-color", default=None, help="Highlight in bold (default: on a terminal), else [[...]].")
def explain(what: str, store: Path, color: bool | None) -> None:
    """Show why the graph holds EVENT_OR_FIRM.

    EVENT_OR_FIRM is an event or entity IRI, a key (firm/xiaomi) or a name (a label or alias,
    any case). An event shows its evidence with the mentions highlighted, its article, the rule
    that fired and its confidence; a firm shows its aliases, every sentence that mentions it
    (per article) and its events.
    """
    from kg.explain import explain as run_explain
    from kg.store import close_store

    ansi = sys.stdout.isatty() if color is None else color
    ds = open_existing(store)
    try:
        text = run_explain(ds, what, ansi=ansi)
    finally:
        close_store(ds)
    click.echo(text, color=ansi)
