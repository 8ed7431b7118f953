"""Ingest on a Dask cluster: one task per shard of the inputs, each writing to a SPARQL endpoint.

Dask schedules; kg brings no scheduler of its own. `ingest_dask` splits the inputs into stable
shards (see `kg.parallel.shard_of`) and maps one task over them with ``dask.bag``. Each task
reads the inputs, keeps the articles of its shard, extracts them in its worker process (the
model loads once per process: `kg.parallel.shared_extractor`) and posts their graphs to the
endpoint, `batch_size` articles per SPARQL Update (`kg.remote.Endpoint`). It is what
``kg ingest --shard I/N --endpoint URL`` does on N machines, with Dask placing the shards.

Every worker must reach the inputs at the same path (a shared or copied folder, or URLs), and
the endpoint. Rewriting an article's graph is idempotent, so a task Dask retries after a lost
worker changes nothing it had written.

Example (a cluster on this machine; on several machines, ``Client("tcp://scheduler:8786")``):

    from dask.distributed import Client, LocalCluster
    from kg.distributed import ingest_dask

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        report = ingest_dask("corpus/", "http://127.0.0.1:7878", client=client)
    print(report.summary())
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import LoadError, LoadWarning
from kg.ingest import DEFAULT_BATCH_SIZE, DEFAULT_MAX_CHARS, DEFAULT_MAX_ENTITIES, IngestReport
from kg.loaders.base import LoadOptions

__all__ = ["ingest_dask", "ingest_shard"]


def ingest_shard(
    index: int,
    *,
    count: int,
    sources: list[str],
    endpoint: str,
    extractor: Any = "rules",
    extractor_kwargs: dict[str, Any] | None = None,
    options: LoadOptions | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    timeout: float = 60.0,
    resolve_firms: bool = True,
) -> dict[str, Any]:
    """Ingest shard `index` of `count` of `sources` into `endpoint`; return the report as plain data.

    One task of `ingest_dask`, and usable on any engine that can call a function on each of
    ``range(count)``. The extractor is a registered name or a ``package.module:factory`` path
    built once per process, or an extractor object.

    Example:
        >>> ingest_shard(0, count=2, sources=[], endpoint="http://127.0.0.1:9")["articles"]
        0
    """
    from kg.ingest import ingest
    from kg.parallel import shared_extractor
    from kg.remote import Endpoint

    report = ingest(
        sources,
        Endpoint(endpoint, timeout=timeout),  # type: ignore[arg-type]  # any sink with replace(graph)
        extractor=shared_extractor(extractor, **(extractor_kwargs or {})),
        options=options,
        max_chars=max_chars,
        max_entities=max_entities,
        workers=1,
        batch_size=batch_size,
        write_batch=batch_size,
        shard=(index, count),
        resolve_firms=resolve_firms,
    )
    return {
        "articles": report.articles,
        "entities": dict(report.entities),
        "events": dict(report.events),
        "skipped": [(e.path, e.reason) for e in report.skipped],
        "warnings": [(w.path, w.reason) for w in report.warnings],
        "truncated": list(report.truncated),
        "capped": list(report.capped),
        "joined": report.joined,
    }


def _merge(parts: Iterable[dict[str, Any]]) -> IngestReport:
    report = IngestReport()
    skipped, warnings = [], []
    for part in parts:
        report.articles += part["articles"]
        report.entities.update(part["entities"])
        report.events.update(part["events"])
        skipped += part["skipped"]
        warnings += part["warnings"]
        report.truncated += part["truncated"]
        report.capped += part["capped"]
        report.joined += part.get("joined", 0)
    report.skipped = [LoadError(reason, path=path) for path, reason in sorted(skipped)]
    report.warnings = [LoadWarning(reason, path=path) for path, reason in sorted(warnings)]
    report.truncated.sort()
    report.capped.sort()
    return report


def ingest_dask(
    source: str | Path | Iterable[str | Path],
    endpoint: str,
    *,
    client: Any = None,
    scheduler: str | None = None,
    npartitions: int | None = None,
    extractor: Any = "rules",
    extractor_kwargs: dict[str, Any] | None = None,
    options: LoadOptions | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    timeout: float = 60.0,
    retries: int = 1,
    resolve_firms: bool = True,
) -> IngestReport:
    """Ingest `source` into the SPARQL endpoint at `endpoint`, one Dask task per shard.

    Args:
        source: files, folders or URLs, as for `kg.ingest.ingest`; every worker must reach them
            at these paths.
        endpoint: the endpoint's URL (``http://host:7878`` for ``oxigraph serve``).
        client: a ``dask.distributed.Client``; by default one connected to `scheduler`, else
            Dask's current default (a running client, or its local process pool).
        scheduler: a scheduler address (``tcp://host:8786``) to connect to when no `client`.
        npartitions: the number of shards (tasks); by default twice the cluster's threads.
        extractor: a registered name or ``package.module:factory``, built once per worker
            process, or an extractor object (sent with every task).
        extractor_kwargs: keywords for building the extractor (e.g. ``aliases``).
        options: how to read inputs (see `kg.loaders.LoadOptions`).
        max_chars: see `kg.ingest.ingest_articles`.
        max_entities: see `kg.ingest.ingest_articles`.
        batch_size: articles per extractor batch and per update request.
        timeout: seconds one update request may take.
        retries: times Dask retries a failed task (on a distributed client).
        resolve_firms: see `kg.ingest.ingest_articles`; each task reads the endpoint's firms
            when it starts, so tasks running at the same time do not see each other's.

    Returns:
        The report of all shards together (skips and warnings sorted by path).

    Raises:
        FileNotFoundError: if a source is neither a URL nor an existing path here.
        ValueError: for an endpoint URL that is not http(s), or fewer than 1 partition.

    Example:
        >>> ingest_dask([], "http://127.0.0.1:9", npartitions=1).articles   # doctest: +SKIP
        0
    """
    import dask.bag as db

    from kg.remote import Endpoint

    Endpoint(endpoint)  # check the URL here, not in every task
    sources = [str(s) for s in ([source] if isinstance(source, str | Path) else source)]
    for s in sources:
        if not (s.lower().startswith(("http://", "https://")) or Path(s).exists()):
            raise FileNotFoundError(f"no such file or folder: {s!r}")
    own = None
    if client is None and scheduler:
        from dask.distributed import Client

        client = own = Client(scheduler)
    try:
        count = npartitions or _default_partitions(client)
        if count < 1:
            raise ValueError(f"npartitions must be at least 1, got {count!r}")
        task = functools.partial(
            ingest_shard,
            count=count,
            sources=sources,
            endpoint=endpoint,
            extractor=extractor,
            extractor_kwargs=extractor_kwargs,
            options=options,
            max_chars=max_chars,
            max_entities=max_entities,
            batch_size=batch_size,
            timeout=timeout,
            resolve_firms=resolve_firms,
        )
        bag = db.from_sequence(range(count), npartitions=count).map(task)
        parts = client.compute(bag, retries=retries).result() if client is not None else bag.compute()
    finally:
        if own is not None:
            own.close()
    return _merge(parts)


def _default_partitions(client: Any) -> int:
    if client is not None:
        return max(1, 2 * sum(client.nthreads().values()))
    from kg.parallel import cpu_count

    return 2 * cpu_count()
