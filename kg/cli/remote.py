"""``kg push`` and ``kg serve``: a store on a remote SPARQL endpoint, and a store served over SPARQL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.cli._base import cli, open_existing, store_option

__all__ = ["close_sink", "open_sink", "push", "serve"]


def open_sink(store: Path | None, endpoint: str | None, *, timeout: float = 30.0) -> Any:
    """Open where ``kg ingest`` writes: the local store at `store`, or the endpoint at `endpoint`.

    Raises:
        click.UsageError: unless exactly one of the two is given.
    """
    if bool(store) == bool(endpoint):
        raise click.UsageError("give either --store DIR or --endpoint URL")
    if endpoint:
        from kg.remote import Endpoint

        return Endpoint(endpoint, timeout=timeout)
    from kg.store import open_store

    return open_store(store)


def close_sink(sink: Any) -> None:
    """Close what `open_sink` opened (an endpoint needs nothing)."""
    from rdflib import Dataset

    from kg.store import close_store

    if isinstance(sink, Dataset):
        close_store(sink)


@cli.command()
@store_option()
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="URL of the SPARQL 1.1 endpoint to upload to (e.g. http://127.0.0.1:7878/query). "
    "Credentials come from KG_SPARQL_TOKEN, or KG_SPARQL_USER and KG_SPARQL_PASSWORD.",
)
@click.option(
    "--update-url", metavar="URL", default=None, help="The endpoint's update URL, if not --endpoint's /query → /update."
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=50, show_default=True, help="Article graphs per request."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds one request may take in all.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Retries of a request after a 5xx answer or a connection error (with back-off).",
)
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
def push(
    store: Path,
    endpoint: str,
    update_url: str | None,
    batch_size: int,
    timeout: float,
    retries: int,
    progress: bool | None,
) -> None:
    """Upload the store's article graphs to a SPARQL 1.1 endpoint.

    Each article graph replaces its namesake on the endpoint (SPARQL Update: DROP + INSERT DATA),
    so pushing again changes nothing. Graphs the endpoint holds and the store lacks stay.
    """
    from tqdm import tqdm

    from kg.remote import Endpoint
    from kg.store import article_graphs, close_store

    ep = Endpoint(endpoint, update_url=update_url, timeout=timeout, retries=retries)
    ds = open_existing(store)
    try:
        total = len(article_graphs(ds))
        show = sys.stderr.isatty() if progress is None else progress
        with tqdm(total=total, unit="article", disable=not show, file=sys.stderr, dynamic_ncols=True) as bar:
            pushed = ep.push(ds, batch_size=batch_size, on_batch=bar.update)
    finally:
        close_store(ds)
    click.echo(f"pushed {pushed} article graph{'s' * (pushed != 1)} to {ep.update_url}")


@cli.command()
@store_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option("--writable", is_flag=True, help="Accept SPARQL updates (kg push, kg ingest --endpoint) too.")
@click.option(
    "--query-timeout", type=click.IntRange(min=1), default=None, help="Seconds the server gives one query at most."
)
def serve(store: Path, host: str, port: int, writable: bool, query_timeout: int | None) -> None:
    """Serve the store over SPARQL with oxigraph serve, until Ctrl-C.

    Read-only by default, and bound to 127.0.0.1 unless --host says otherwise. Queries go to
    http://HOST:PORT/query (updates, with --writable, to /update); the default graph is the
    union of the article graphs, as kg's named queries expect.
    """
    from kg.server import LOOPBACK, Server

    if host not in LOOPBACK:
        click.echo(
            f"warning: serving on {host}: whoever can reach it can query"
            + (" and change" if writable else "")
            + " the store (oxigraph serve has no authentication)",
            err=True,
        )
    server = Server(store, host=host, port=port, read_only=not writable, timeout_s=query_timeout)
    server.start()
    mode = "read-write" if writable else "read-only"
    click.echo(
        f"serving {store} {mode} at {server.query_url}" + (f" (updates: {server.update_url})" if writable else "")
    )
    click.echo("press Ctrl-C to stop", err=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
