"""Shared parts of the ``kg`` command: the group, store options, output formatting."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError, StoreError

__all__ = ["STORE_HELP", "cli", "format_rows", "open_existing", "store_option"]

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


def store_option(required: bool = True) -> Any:
    """The ``--store DIR`` option every command that reads or writes a store takes."""
    return click.option(
        "--store", "store", type=click.Path(file_okay=False, path_type=Path), required=required, help=STORE_HELP
    )


def open_existing(store: Path, *, read_only: bool = True) -> Any:
    """Open a store that must already exist (read-only by default, so a running ingest is no obstacle)."""
    from kg.store import open_store

    if not store.is_dir():
        raise StoreError(f"no store at {str(store)!r}; create one with 'kg ingest FOLDER --store {store}'")
    return open_store(store, read_only=read_only)


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
