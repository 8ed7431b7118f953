"""``kg ingest``: read articles into a store."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
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


def _input_ids(sources: tuple[Any, ...], options: Any) -> Iterator[str | None]:
    """Per local input file, its article id when it holds one article; None for an input whose
    number of articles is not known before reading it (dumps, feeds, URLs, standard input)."""
    from kg.loaders import READERS, discover
    from kg.loaders.dump import read_csv, read_jsonl
    from kg.loaders.feed import read_feed

    many = (read_csv, read_jsonl, read_feed)
    for source in sources:
        if not isinstance(source, Path):
            yield None
            continue
        files: Iterable[tuple[Path, str]] = (
            [(source, source.name)]
            if source.is_file()
            else discover(source, include=options.include, exclude=options.exclude, on_error=lambda e: None)
        )
        for path, name in files:
            yield None if READERS.get(path.suffix.lower()) in many else name


def _in_shard(article_id: str, shard: tuple[int, int] | None) -> bool:
    from kg.parallel import shard_of

    return shard is None or shard_of(article_id, shard[1]) == shard[0]


def _total(sources: tuple[Any, ...], options: Any, shard: tuple[int, int] | None = None) -> int | None:
    """The number of articles to expect, when every input is one file holding one article."""
    total = 0
    for article_id in _input_ids(sources, options):
        if article_id is None:
            return None
        total += _in_shard(article_id, shard)
    return total


def _at_least(sources: tuple[Any, ...], options: Any, shard: tuple[int, int] | None, n: int) -> bool:
    """Whether the local inputs hold at least `n` files of one article each (a walk that stops there).

    Dumps, feeds, URLs and standard input count as none: their size is not known before reading.
    """
    found = 0
    for article_id in _input_ids(sources, options):
        if article_id is not None and _in_shard(article_id, shard):
            found += 1
            if found >= n:
                return True
    return False


def _shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from kg.parallel import parse_shard

    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


def _workers_help() -> str:
    from kg.parallel import cpu_count

    return (
        f"Extract in this many processes [default: the number of CPUs, here {cpu_count()}]; 1 extracts in"
        " this process. Writing stays in one process."
    )


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
@click.option("--workers", type=click.IntRange(min=1), default=None, help=_workers_help())
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Articles per spaCy batch and per task sent to a worker; with several workers, per store transaction too.",
)
@click.option(
    "--shard",
    metavar="I/N",
    callback=_shard_option,
    default=None,
    help="Ingest only shard I of N (counting from 0): the articles whose id hashes to I, so N runs"
    " (N machines writing to one --endpoint) share the inputs with no overlap.",
)
@click.option(
    "--dask",
    "dask_scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), one task per shard; needs"
    " --endpoint, and the inputs at the same path on every worker.",
)
@click.option(
    "--extractor",
    "extractor_name",
    default="rules",
    show_default=True,
    help="Extractor to use: a registered name, or package.module:factory.",
)
@click.option(
    "--resolve-firms/--no-resolve-firms",
    default=True,
    show_default=True,
    help='Give a firm the node of the stored firm it names ("Halvard" after "Halvard Textiles Inc."), so'
    " one firm across articles is one node; off, each article keys firms by its own names.",
)
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV file of your own entities and aliases (columns kind,name,alias[,key,link]).",
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
    workers: int | None,
    batch_size: int,
    shard: tuple[int, int] | None,
    dask_scheduler: str | None,
    extractor_name: str,
    resolve_firms: bool,
    aliases: Path | None,
) -> None:
    """Read every article in SOURCE... into the store.

    A SOURCE is a file, a folder (walked recursively), an http(s) URL, or - for standard
    input. Plain text, HTML, RSS/Atom feeds and JSON Lines/CSV dumps are read; each article
    becomes one named graph, written atomically and replaced whole when ingested again. Bad
    inputs are listed with the reason and passed over.

    Extraction runs in --workers processes; articles stream through them and are written in
    input order, in one transaction per batch, so memory stays flat however large the input.
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
    if dask_scheduler:
        if store or not endpoint:
            raise click.UsageError("--dask writes to a SPARQL endpoint: give --endpoint URL, not --store")
        if shard or workers:
            raise click.UsageError(
                "--dask makes its own shards and runs on the cluster's workers: leave out --shard and --workers"
            )
        from kg.distributed import ingest_dask

        report = ingest_dask(
            [str(s) if isinstance(s, Path) else s for s in sources],
            endpoint,
            scheduler=dask_scheduler,
            extractor=extractor_name,
            extractor_kwargs={"aliases": aliases} if aliases else None,
            options=options,
            max_chars=max_chars,
            max_entities=max_entities,
            batch_size=batch_size,
            resolve_firms=resolve_firms,
        )
        for err in report.skipped:
            click.echo(f"skipped {err}", err=True)
        for warning in report.warnings:
            click.echo(f"warning {warning}", err=True)
        click.echo(report.summary())
        if strict and report.skipped:
            sys.exit(2)
        return
    ds = open_sink(store, endpoint)  # first: a store in use fails at once, before any model loads
    try:
        from kg.parallel import cpu_count, resolve_extractor, unshippable

        try:
            extractor = resolve_extractor(extractor_name, **({"aliases": aliases} if aliases else {}))
        except ValueError as err:  # an unknown name: the message lists the known ones
            raise click.BadParameter(str(err), param_hint="--extractor") from err
        n_workers = workers or cpu_count()
        reason = unshippable(extractor) if n_workers > 1 else None
        if reason:  # an extractor known only to this process (a test double, a script's own)
            if workers:
                click.echo(
                    f"warning: extracting in this process, not in {workers} workers: the extractor {reason}", err=True
                )
            n_workers = 1
        # an input known to be long goes to the workers at once (this process then loads no model);
        # otherwise the first batch is extracted here as it is read, and a short input starts no worker
        long_input = n_workers > 1 and _at_least(sources, options, shard, n_workers * batch_size)
        show = sys.stderr.isatty() if progress is None else progress
        total = _total(sources, options, shard) if show else None
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
            workers=n_workers,
            batch_size=batch_size,
            head=0 if long_input else None,
            shard=shard,
            resolve_firms=resolve_firms,
        )
        bar.close()
    finally:
        close_sink(ds)
    click.echo(report.summary())
    if strict and report.skipped:
        sys.exit(2)
