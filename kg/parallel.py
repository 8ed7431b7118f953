"""Extraction in worker processes, stable shards of a corpus, and a pure article → N-Quads function.

`run_parallel` extracts a stream of articles in N worker processes and yields the outcomes in
input order. The workers are started with the ``spawn`` method, never ``fork``: the writing
process holds an Oxigraph (RocksDB) store, whose threads and locks a forked child would inherit
half-way. Each worker builds the extractor once (it arrives pickled; kg's own loads its spaCy
model when the worker starts) and runs its ``pipe`` over batches of articles. At most
``in_flight`` batches are out at a time, so memory stays flat however long the stream; writing
stays in the one process that holds the store. The first batch is extracted in the calling
process, as it is read, so a short input starts no process at all.

An extractor can be sent to workers if it pickles and its class can be imported in a fresh
interpreter: kg's `Extractor`, or a class or factory in any importable module, named on the
command line as ``package.module:factory``. One defined in the script being run
(``__main__``), a lambda, or one registered with `kg.extract.register_extractor` only in the
parent process cannot; `unshippable` says why, and ingest then extracts in its own process.

Programs that call `kg.ingest` with ``workers > 1`` must guard their entry point with
``if __name__ == "__main__":``, as for any use of ``multiprocessing`` with ``spawn``.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import types
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any

from kg.ingest import DEFAULT_BATCH_SIZE, DEFAULT_MAX_ENTITIES, Outcome, extract_outcomes
from kg.model import Article

__all__ = [
    "check_shard",
    "cpu_count",
    "extract_to_nquads",
    "parse_shard",
    "resolve_extractor",
    "run_parallel",
    "shard_of",
    "shared_extractor",
    "unshippable",
]

log = logging.getLogger(__name__)


def cpu_count() -> int:
    """Return the number of CPUs this process may run on (the default number of workers).

    Example:
        >>> cpu_count() >= 1
        True
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


# --- shards -------------------------------------------------------------------------------------


def shard_of(key: str, count: int) -> int:
    """Return which of `count` shards `key` (an article id) belongs to.

    The first 8 bytes of the SHA-1 of the key's UTF-8, as a big-endian integer, modulo `count`:
    the same on every machine, process and Python version (``hash()`` is salted per process).

    Raises:
        ValueError: if `count` is below 1.

    Example:
        >>> shard_of("tech/001.txt", 4), shard_of("tech/001.txt", 1)
        (3, 0)
    """
    if count < 1:
        raise ValueError(f"the shard count must be at least 1, got {count!r}")
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % count


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    """Return `shard` as ``(index, count)`` if ``0 <= index < count``.

    Raises:
        ValueError: otherwise, naming the valid indexes.

    Example:
        >>> check_shard((2, 3))
        (2, 3)
        >>> check_shard((3, 3))
        Traceback (most recent call last):
        ...
        ValueError: shard 3/3 does not exist: with 3 shards the index is 0, 1 or 2
    """
    index, count = shard
    if count < 1:
        raise ValueError(f"shard {index}/{count} does not exist: the count must be at least 1")
    if not 0 <= index < count:
        choices = ", ".join(map(str, range(count - 1))) + f" or {count - 1}" if count > 1 else "0"
        raise ValueError(f"shard {index}/{count} does not exist: with {count} shards the index is {choices}")
    return index, count


def parse_shard(text: str) -> tuple[int, int]:
    """Read ``I/N`` (shard I of N, counting from 0) as ``(I, N)``.

    Raises:
        ValueError: for text that is not ``I/N`` with ``0 <= I < N``.

    Example:
        >>> parse_shard("0/4")
        (0, 4)
        >>> parse_shard("1-4")
        Traceback (most recent call last):
        ...
        ValueError: expected I/N (shard I of N, counting from 0, e.g. 0/4), got '1-4'
    """
    index, slash, count = text.strip().partition("/")
    if not slash or not index.strip().isdigit() or not count.strip().isdigit():
        raise ValueError(f"expected I/N (shard I of N, counting from 0, e.g. 0/4), got {text!r}")
    return check_shard((int(index), int(count)))


# --- extractors that travel ---------------------------------------------------------------------


def resolve_extractor(spec: Any = "rules", **kwargs: Any) -> Any:
    """Build an extractor from a registered name or a ``package.module:factory`` path.

    A name goes to `kg.extract.get_extractor`; a path is imported and called with `kwargs`
    (a class or a function returning an extractor); anything else is returned as it is.

    Raises:
        ValueError: for an unknown name, a module that cannot be imported or a missing factory.

    Example:
        >>> resolve_extractor("kg.extract.pipeline:Extractor")
        Extractor(model='en_core_web_sm', loaded=False)
        >>> resolve_extractor("kg.nowhere:Factory")
        Traceback (most recent call last):
        ...
        ValueError: cannot import the extractor module 'kg.nowhere': No module named 'kg.nowhere'
    """
    if not isinstance(spec, str):
        return spec
    if ":" not in spec:
        import kg.extract

        return kg.extract.get_extractor(spec, **kwargs)
    module_name, _, attr = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as err:
        raise ValueError(f"cannot import the extractor module {module_name!r}: {err}") from None
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no {attr!r} (expected package.module:factory)") from None
    if not callable(target):
        raise ValueError(f"{spec!r} is not a class or a function that makes an extractor")
    return target(**kwargs)


def unshippable(extractor: Any) -> str | None:
    """Say why `extractor` cannot be sent to a worker process, or return None if it can.

    Example:
        >>> unshippable(resolve_extractor("rules")) is None
        True
        >>> unshippable(lambda articles: iter(()))
        'cannot be pickled (a lambda or a function defined inside another)'
    """
    plain = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
    owner = extractor if isinstance(extractor, plain) else type(extractor)
    module = getattr(owner, "__module__", None)
    qualname = getattr(owner, "__qualname__", "")
    if "<lambda>" in qualname or "<locals>" in qualname:
        return "cannot be pickled (a lambda or a function defined inside another)"
    if module == "__main__":
        return "is defined in the script being run (__main__), which worker processes do not import"
    try:
        pickle.dumps(extractor)
    except Exception as err:  # noqa: BLE001 - any failure means: not this way
        return f"cannot be pickled ({type(err).__name__}: {err})"
    return None


#: Extractors built in this process from a name or a path (see `shared_extractor`).
_CACHE: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}


def shared_extractor(spec: Any = "rules", **kwargs: Any) -> Any:
    """Return this process's extractor for a name or a ``package.module:factory`` path, built once.

    Distributed engines send the name with every task; the model still loads once per process.
    An extractor object (not a string) is returned as it is.

    Example:
        >>> shared_extractor("rules") is shared_extractor("rules")
        True
    """
    if not isinstance(spec, str):
        return spec
    key = (spec, tuple(sorted(kwargs.items())))
    if key not in _CACHE:
        _CACHE[key] = resolve_extractor(spec, **kwargs)
    return _CACHE[key]


def extract_to_nquads(
    article: Article, extractor: Any = "rules", *, max_entities: int | None = DEFAULT_MAX_ENTITIES
) -> str:
    """Extract one article and return its named graph as sorted N-Quads: a pure function.

    The graph is what ``kg ingest`` stores for the article, so mapping this over a corpus on any
    engine and loading the lines gives the store ``kg ingest`` would build. The extractor
    (a name, a ``package.module:factory`` path or an extractor) is built once per process.

    Raises:
        ValueError: if the article cannot be extracted or stored; the message says why.

    Example:
        >>> from kg.model import Extraction
        >>> from kg.namespace import RES
        >>> class Nothing:
        ...     def pipe(self, articles):
        ...         return (Extraction(a) for a in articles)
        >>> lines = extract_to_nquads(Article("a.txt", "T", "Body."), Nothing()).splitlines()
        >>> print(lines[1].replace(str(RES), "res:"))
        <res:article/a.txt> <http://purl.org/dc/terms/title> "T" <res:article/a.txt> .
    """
    import pyoxigraph as ox

    outcomes = list(extract_outcomes([article], shared_extractor(extractor), max_entities=max_entities, prepare=True))
    if not outcomes:
        raise ValueError(f"{article.id}: the extractor gave nothing back")
    outcome = outcomes[0]
    if not outcome.ok:
        raise ValueError(f"{article.id}: {outcome.error}")
    store = ox.Store()
    store.update(outcome.update)
    lines = sorted(set((store.dump(format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8").splitlines()))
    return "".join(line + "\n" for line in lines if line)


# --- the worker processes -----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _exit_with_parent() -> None:
    """End this worker when the process that started it ends, even by SIGKILL."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="kg-exit-with-parent", daemon=True).start()


def _init_worker(payload: bytes, max_entities: int | None, batch_size: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _exit_with_parent()
    extractor = pickle.loads(payload)
    list(extract_outcomes([], extractor))  # kg's extractor loads its model on first use: now
    _WORKER.update(extractor=extractor, max_entities=max_entities, batch_size=batch_size)


def _ready() -> None:
    """A task that does nothing: submitting one starts a worker."""


def _work(chunk: list[Article]) -> list[Outcome]:
    return list(
        extract_outcomes(
            chunk,
            _WORKER["extractor"],
            max_entities=_WORKER["max_entities"],
            batch_size=_WORKER["batch_size"],
            prepare=True,
        )
    )


def _stop(pool: ProcessPoolExecutor, *, clean: bool) -> None:
    if clean:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:  # tasks already running would otherwise finish first
        process.terminate()
    for process in processes:
        process.join(timeout=10)


def _result(future: Future[list[Outcome]]) -> list[Outcome]:
    try:
        return future.result()
    except BrokenProcessPool as err:
        raise RuntimeError(
            f"an extraction worker process failed or died ({err}); if it was killed for memory,"
            " try fewer --workers or a smaller --batch-size"
        ) from err


def run_parallel(
    articles: Iterable[Article],
    extractor: Any,
    *,
    workers: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    in_flight: int | None = None,
    head: int | None = None,
    start_method: str = "spawn",
) -> Iterator[Outcome]:
    """Extract `articles` in `workers` processes; yield their outcomes in input order.

    The first `head` articles (by default `batch_size`) are extracted in this process, as they
    are read, as with one worker: an input that short never starts a process. Once the stream
    proves longer, the workers start (each loads the model while this process finishes the
    head) and take the rest in tasks of `batch_size` articles; at most `in_flight` tasks (by
    default two per worker) are out at once, so the stream is never read far ahead and memory
    stays flat. With ``head=0`` (for an input known to be long) the workers start at once and
    this process extracts nothing, so it never loads a model. Each outcome carries the SPARQL
    Update that stores it (`kg.ingest.Outcome`).

    Args:
        articles: the articles (read lazily).
        extractor: an extractor that `unshippable` accepts.
        workers: the number of worker processes.
        batch_size: articles per task (and per ``pipe`` batch).
        max_entities: see `kg.ingest.limit_entities`.
        in_flight: tasks out at once.
        head: articles extracted in this process before any worker starts; 0: none.
        start_method: ``spawn`` or ``forkserver`` (``fork`` is refused).

    Raises:
        ValueError: for counts below 1, ``fork``, or an extractor that cannot be sent.
        RuntimeError: if a worker process dies.

    Example:
        >>> arts = (Article(f"a{i}.txt", "T", "Acme sued Globex.") for i in range(1000))
        >>> outcomes = run_parallel(arts, resolve_extractor("rules"), workers=2)   # doctest: +SKIP
        >>> next(outcomes).article_id                                              # doctest: +SKIP
        'a0.txt'
    """
    if workers < 1 or batch_size < 1 or (head is not None and head < 0):
        raise ValueError(f"workers and batch_size must be at least 1, got {workers} and {batch_size}")
    if start_method not in ("spawn", "forkserver"):
        raise ValueError(f"unsupported start method {start_method!r}; expected spawn or forkserver")
    reason = unshippable(extractor)
    if reason:
        raise ValueError(f"the extractor {reason}")
    payload = pickle.dumps(extractor)  # now, before this process loads its model into it
    source = iter(articles)
    later: list[Article] = []
    pools: list[ProcessPoolExecutor] = []

    def first() -> Iterator[Article]:
        for _ in range(batch_size if head is None else head):
            try:
                yield next(source)
            except StopIteration:
                return
        try:
            later.append(next(source))
        except StopIteration:
            return
        if workers > 1:  # a long input: start the workers now, while this process finishes the head
            pools.append(_start_pool(payload, workers, max_entities, batch_size, start_method))

    clean = False
    try:
        if head == 0:  # a long input: no extraction here, and no model loaded here
            for article in source:
                later.append(article)
                if workers > 1:
                    pools.append(_start_pool(payload, workers, max_entities, batch_size, start_method))
                break
        else:
            yield from extract_outcomes(
                first(), extractor, max_entities=max_entities, batch_size=batch_size, prepare=True
            )
        if not pools:
            if later:
                yield from extract_outcomes(
                    chain(later, source), extractor, max_entities=max_entities, batch_size=batch_size, prepare=True
                )
            clean = True
            return
        window = in_flight or 2 * workers
        pending: deque[Future[list[Outcome]]] = deque()
        for chunk in _chunks(chain(later, source), batch_size):
            pending.append(pools[0].submit(_work, chunk))
            if len(pending) >= window:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
        clean = True
    finally:
        for pool in pools:
            _stop(pool, clean=clean)


def _start_pool(
    payload: bytes, workers: int, max_entities: int | None, batch_size: int, start_method: str
) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(start_method),
        initializer=_init_worker,
        initargs=(payload, max_entities, batch_size),
    )
    for _ in range(workers):  # start every worker now (one starts per task waiting), each loading its model
        pool.submit(_ready)
    log.info("extracting in %d worker processes, %d articles per task", workers, batch_size)
    return pool


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
