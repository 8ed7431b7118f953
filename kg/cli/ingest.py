"""``kg ingest``: read articles into a store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.cli._base import cli, store_option
from kg.errors import KgError

__all__ = ["ingest"]

_FIELD_HELP = "Dump field (JSON key, CSV column name or number) holding the {what} [default: {names}]."


class SourceType(click.ParamType):
    """A file, a folder, an http(s) URL, or ``-`` for standard input."""

    name = "source"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from kg.loaders.url import is_url

        if isinstance(value, Path):
            return value
        if value == "-" or is_url(value):
            return value
        if "://" in value:
            self.fail(f"{value!r} is not a URL kg can fetch (http:// or https:// only)", param, ctx)
        path = Path(value)
        if not path.exists():
            self.fail(f"Path {value!r} does not exist.", param, ctx)
        return path


def _field_option(role: str, what: str) -> Any:
    from kg.loaders.dump import CANDIDATES

    names = ", ".join(CANDIDATES[role][:4]) + (", ..." if len(CANDIDATES[role]) > 4 else "")
    return click.option(
        f"--{role}-field",
        f"{role}_field",
        metavar="NAME",
        default=None,
        help=_FIELD_HELP.format(what=what, names=names),
    )


def _total(sources: tuple[Any, ...], options: Any) -> int | None:
    """The number of articles to expect, when every input is one file holding one article."""
    from kg.loaders import READERS, discover
    from kg.loaders.dump import read_csv, read_jsonl
    from kg.loaders.feed import read_feed

    many = (read_csv, read_jsonl, read_feed)
    total = 0
    for source in sources:
        if not isinstance(source, Path):
            return None
        if source.is_file():
            if READERS.get(source.suffix.lower()) in many:
                return None
            total += 1
            continue
        for path, _ in discover(source, include=options.include, exclude=options.exclude, on_error=lambda e: None):
            if READERS[path.suffix.lower()] in many:
                return None
            total += 1
    return total


@cli.command()
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True, type=SourceType())
@store_option(required=False)
@click.option("--endpoint", metavar="URL", default=None, help="Write to this SPARQL 1.1 endpoint instead of --store.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "feed", "jsonl", "csv"]),
    default=None,
    help="Read standard input, URLs and files named directly as this (default: guess from suffix or content).",
)
@click.option("--encoding", default=None, help="Force an input encoding (default: UTF-8, then cp1252/latin-1).")
@click.option(
    "--max-size",
    "max_mb",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Skip files, dump records and downloads larger than this many MB.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=200_000,
    show_default=True,
    help="Cut longer article texts at a paragraph boundary (a warning, not a skip).",
)
@click.option(
    "--max-entities",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Keep at most this many entities per article, the first mentioned first.",
)
@click.option("--include", multiple=True, help="Only read files whose relative path matches this glob (repeatable).")
@click.option("--exclude", multiple=True, help="Pass over files whose relative path matches this glob (repeatable).")
@_field_option("id", "record id")
@_field_option("title", "title")
@_field_option("text", "article text")
@_field_option("date", "publication date")
@_field_option("url", "article URL")
@click.option(
    "--fetch-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds a URL may take to answer and download.",
)
@click.option("--strict", is_flag=True, help="Exit with code 2 when any input or record was skipped.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option(
    "--extractor", "extractor_name", default="rules", show_default=True, help="Extractor to use, by registered name."
)
def ingest(
    sources: tuple[Any, ...],
    store: Path | None,
    endpoint: str | None,
    fmt: str | None,
    encoding: str | None,
    max_mb: float,
    max_chars: int,
    max_entities: int,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    id_field: str | None,
    title_field: str | None,
    text_field: str | None,
    date_field: str | None,
    url_field: str | None,
    fetch_timeout: float,
    strict: bool,
    progress: bool | None,
    extractor_name: str,
) -> None:
    """Read every article in SOURCE... into the store.

    A SOURCE is a file, a folder (walked recursively), an http(s) URL, or - for standard
    input. Plain text, HTML, RSS/Atom feeds and JSON Lines/CSV dumps are read; each article
    becomes one named graph, written atomically and replaced whole when ingested again. Bad
    inputs are listed with the reason and passed over.
    """
    from tqdm import tqdm

    from kg.cli.remote import close_sink, open_sink
    from kg.ingest import ingest as run_ingest
    from kg.loaders import Fields, LoadOptions

    if sum(1 for s in sources if s == "-") > 1:
        raise click.BadParameter("standard input (-) can be read only once", param_hint="SOURCE")
    options = LoadOptions(
        encoding=encoding,
        max_bytes=int(max_mb * 1024 * 1024),
        fields=Fields(id=id_field, title=title_field, text=text_field, date=date_field, url=url_field),
        timeout=fetch_timeout,
        format=fmt,
        include=include,
        exclude=exclude,
    )
    ds = open_sink(store, endpoint)  # first: a store in use fails at once, before any model loads
    try:
        from kg.extract import get_extractor

        try:
            extractor = get_extractor(extractor_name)
        except ValueError as err:  # an unknown name: the message lists the known ones
            raise click.BadParameter(str(err), param_hint="--extractor") from err
        show = sys.stderr.isatty() if progress is None else progress
        total = _total(sources, options) if show else None
        bar = tqdm(total=total, unit="article", disable=not show, file=sys.stderr, dynamic_ncols=True)

        def skipped(err: KgError) -> None:
            if "#" not in getattr(err, "path", "#"):
                bar.update(1)
            tqdm.write(f"skipped {err}", file=sys.stderr)

        def warned(warning: KgError) -> None:
            tqdm.write(f"warning {warning}", file=sys.stderr)

        report = run_ingest(
            [str(s) if isinstance(s, Path) else s for s in sources],
            ds,
            extractor=extractor,
            options=options,
            max_chars=max_chars,
            max_entities=max_entities,
            on_article=lambda _: bar.update(1),
            on_error=skipped,
            on_warning=warned,
        )
        bar.close()
    finally:
        close_sink(ds)
    click.echo(report.summary())
    if strict and report.skipped:
        sys.exit(2)
