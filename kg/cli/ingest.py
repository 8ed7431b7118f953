"""``kg ingest``: read articles into a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli._base import cli, store_option
from kg.errors import KgError

__all__ = ["ingest"]


@cli.command()
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@store_option()
@click.option("--encoding", default=None, help="Force an input encoding (default: UTF-8, then cp1252/latin-1).")
@click.option(
    "--max-size", "max_mb", type=float, default=10.0, show_default=True, help="Skip files larger than this many MB."
)
@click.option("--include", multiple=True, help="Only read files whose relative path matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Pass over files whose relative path matches this glob (repeatable).")
@click.option("--strict", is_flag=True, help="Exit with code 2 when any file was skipped.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option(
    "--extractor", "extractor_name", default="rules", show_default=True, help="Extractor to use, by registered name."
)
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
