"""Ingest: load articles, extract, map to RDF, write each article's graph into a store."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rdflib import Dataset, Graph

from kg.errors import LoadError, LoadWarning
from kg.loaders import load
from kg.loaders.base import LoadOptions
from kg.model import LITERAL_ROLES, Article, Extraction
from kg.rdf import article_triples, to_graph
from kg.store import oxigraph_of, replace, replace_update

if TYPE_CHECKING:
    from kg.extract import Extractor
    from kg.resolve import FirmIndex

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_ENTITIES",
    "IngestReport",
    "Outcome",
    "extract_outcomes",
    "ingest",
    "ingest_articles",
    "limit_entities",
    "truncate_text",
]

log = logging.getLogger(__name__)

#: Longer article texts are cut at a paragraph boundary (spaCy refuses texts over 1,000,000).
DEFAULT_MAX_CHARS = 200_000
#: At most this many entities are kept per article, the first mentioned first.
DEFAULT_MAX_ENTITIES = 500
#: Articles per extractor batch (spaCy's ``nlp.pipe``), per task sent to a worker process, and
#: per store transaction when extracting in worker processes.
DEFAULT_BATCH_SIZE = 32
#: Errors that mean one article's data cannot be stored (not that the store failed).
_DATA_ERRORS = (ValueError, TypeError, UnicodeError, SyntaxError)
#: An on-disk store is flushed after this many bytes of updates. Oxigraph keeps what it writes in
#: RocksDB memtables until a flush; measured here, its memory grows by about 6.7 bytes per byte of
#: update text without one (1.3 GB after 24,000 articles), and stays flat (140 MB) with one every
#: 10 MB or so, at no measurable cost in speed.
FLUSH_BYTES = 16 * 2**20

T = TypeVar("T")


@dataclass
class IngestReport:
    """What an ingest did: counts, every input it skipped with the reason, and warnings."""

    articles: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    skipped: list[LoadError] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)
    #: Firms given the key of a firm other articles stored (see `kg.resolve.FirmIndex`).
    joined: int = 0

    def summary(self) -> str:
        """One paragraph for people; truncations and warnings are named only when there are some.

        Example:
            >>> r = IngestReport(articles=2)
            >>> r.events["Lawsuit"] += 1
            >>> print(r.summary())
            2 articles, 0 entities, 1 event (Lawsuit 1), 0 skipped
            >>> r.truncated.append("big.txt")
            >>> print(r.summary())
            2 articles, 0 entities, 1 event (Lawsuit 1), 0 skipped, 1 truncated (--max-chars)
        """
        ents = sum(self.entities.values())
        evs = sum(self.events.values())
        by_type = ", ".join(f"{k} {v}" for k, v in sorted(self.events.items()))
        text = (
            f"{self.articles} article{'s' * (self.articles != 1)}, {ents} entit{'ies' if ents != 1 else 'y'}"
            + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.entities.items()))})" if ents else "")
            + f", {evs} event{'s' * (evs != 1)}"
            + (f" ({by_type})" if evs else "")
            + f", {len(self.skipped)} skipped"
        )
        if self.joined:
            text += f", {self.joined} firm{'s' * (self.joined != 1)} joined to stored ones"
        if self.truncated:
            text += f", {len(self.truncated)} truncated (--max-chars)"
        if self.capped:
            text += f", {len(self.capped)} over the entity limit (--max-entities)"
        other = len(self.warnings) - len(self.truncated) - len(self.capped)
        if other > 0:
            text += f", {other} other warning{'s' * (other != 1)}"
        return text

    def add(self, extraction: Extraction) -> None:
        """Count one written extraction."""
        self.articles += 1
        self.entities.update(e.kind.value for e in extraction.entities)
        self.events.update(e.type.value for e in extraction.events)


def truncate_text(article: Article, max_chars: int) -> Article:
    """Cut an article's text to at most `max_chars` characters, at a paragraph boundary.

    The cut falls at the last paragraph break before the limit, else the last line break,
    sentence end or space (whichever keeps at least half the limit), else at the limit.

    Raises:
        ValueError: if `max_chars` is not positive.

    Example:
        >>> a = Article("x", "T", "First paragraph.\\n\\nSecond paragraph, rather longer.")
        >>> truncate_text(a, 30).text
        'First paragraph.'
        >>> truncate_text(a, 1000) is a
        True
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars!r}")
    text = article.text
    if len(text) <= max_chars:
        return article
    head = text[:max_chars]
    for sep in ("\n\n", "\n", ". ", " "):
        cut = head.rfind(sep)
        if cut >= max_chars // 2:
            head = head[: cut + (1 if sep == ". " else 0)]
            break
    return dataclasses.replace(article, text=head.rstrip())


def limit_entities(extraction: Extraction, max_entities: int) -> Extraction:
    """Keep the first `max_entities` entities by first mention, and what still refers to them.

    Entities never mentioned come after the mentioned ones, in their given order. Mentions of
    dropped entities go, and so does every event with a role naming a dropped entity.

    Raises:
        ValueError: if `max_entities` is negative.

    Example:
        >>> from kg.model import Entity, Event, EventType, Kind, Mention
        >>> a = Article("x", "T", "Acme sued Borealis.")
        >>> ents = (Entity("firm/borealis", Kind.FIRM, "Borealis"), Entity("firm/acme", Kind.FIRM, "Acme"))
        >>> ms = (Mention("Acme", Kind.FIRM, 3, 7, "firm/acme"),
        ...       Mention("Borealis", Kind.FIRM, 13, 21, "firm/borealis"))
        >>> ev = Event(EventType.LAWSUIT, (("plaintiff", "firm/acme"), ("defendant", "firm/borealis")))
        >>> small = limit_entities(Extraction(a, ms, ents, (ev,)), 1)
        >>> [e.key for e in small.entities], len(small.mentions), small.events
        (['firm/acme'], 1, ())
    """
    if max_entities < 0:
        raise ValueError(f"max_entities must not be negative, got {max_entities!r}")
    if len(extraction.entities) <= max_entities:
        return extraction
    first: dict[str, int] = {}
    for m in sorted(extraction.mentions, key=lambda m: (m.start, m.end)):
        first.setdefault(m.entity, m.start)
    order = sorted(
        range(len(extraction.entities)),
        key=lambda i: (extraction.entities[i].key not in first, first.get(extraction.entities[i].key, 0), i),
    )
    keep = {extraction.entities[i].key for i in order[:max_entities]}
    entities = tuple(e for e in extraction.entities if e.key in keep)
    mentions = tuple(m for m in extraction.mentions if not m.entity or m.entity in keep)
    events = tuple(
        ev for ev in extraction.events if all(role in LITERAL_ROLES or value in keep for role, value in ev.roles)
    )
    return dataclasses.replace(extraction, entities=entities, mentions=mentions, events=events)


def _extractions(
    extractor: Any,
    articles: Iterable[Article],
    on_fail: Callable[[Article, BaseException], None],
    batch_size: int | None = None,
) -> Iterator[Extraction]:
    """Run the extractor's batch ``pipe``; if it fails, retry the batch one article at a time.

    An article the extractor cannot read is reported through `on_fail` and the rest goes on.
    `batch_size` goes to a ``pipe`` that takes one (kg's `Extractor` hands it to spaCy).
    """
    pipe = extractor.pipe if hasattr(extractor, "pipe") else extractor
    if batch_size is not None and hasattr(extractor, "pipe") and _takes(extractor.pipe, "batch_size"):
        pipe = functools.partial(extractor.pipe, batch_size=batch_size)
    single = extractor if hasattr(extractor, "pipe") and callable(extractor) else (lambda a: next(iter(pipe([a]))))
    source = iter(articles)
    pending: deque[Article] = deque()

    def feed() -> Iterator[Article]:
        for article in source:
            pending.append(article)
            yield article

    while True:
        try:
            for extraction in pipe(feed()):
                while pending and pending[0].id != extraction.article.id:
                    pending.popleft()  # an extractor that skipped one: nothing to write for it
                if pending:
                    pending.popleft()
                yield extraction
            return
        except Exception as err:
            if not pending:  # it failed before taking any article: the extractor itself is broken
                raise
            log.debug("extractor batch failed; retrying one by one", exc_info=True)
            batch_error = err
        retry = list(pending)
        pending.clear()
        for article in retry:
            try:
                result = single(article)
            except Exception as err:  # noqa: BLE001 - one article's failure stays its own
                on_fail(article, err)
                continue
            if result is None:
                on_fail(article, batch_error)
                continue
            yield result


def _takes(fn: Callable[..., Any], name: str) -> bool:
    """Tell whether `fn` accepts the keyword argument `name`."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of `size` items, the last one shorter (``itertools.batched`` is Python 3.12)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _cannot_store(err: BaseException) -> str:
    return f"cannot store: {type(err).__name__}: {err}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One article after extraction, ready to be written, or the reason it cannot be.

    Attributes:
        article_id: the article's id.
        extraction: what the extractor read (cut to the entity limit), or None if it failed.
        update: the SPARQL Update that replaces the article's graph (see
            `kg.store.replace_update`), when made already; the writer makes it otherwise.
        found: how many entities the extractor found, before the entity limit.
        error: why the article cannot be stored ("extraction failed: ...", "cannot store: ...").

    Example:
        >>> Outcome("a", error="extraction failed: ValueError: bad").ok
        False
    """

    article_id: str
    extraction: Extraction | None = None
    update: str = ""
    found: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the article can be written."""
        return self.extraction is not None and not self.error


def _update_text(extraction: Extraction) -> str:
    """Return the SPARQL Update that replaces the article's graph.

    It is ``replace_update(to_graph(extraction))``, made from `kg.rdf.article_triples` without
    the rdflib `Graph`, whose indexes cost four times what writing the update does.
    """
    return replace_update(article_triples(extraction))


def _prepared(outcome: Outcome) -> Outcome:
    """Make the outcome's SPARQL Update now (in a worker process, so the writer need not)."""
    if outcome.extraction is None or outcome.error or outcome.update:
        return outcome
    try:
        return dataclasses.replace(outcome, update=_update_text(outcome.extraction))
    except _DATA_ERRORS as err:
        return dataclasses.replace(outcome, error=_cannot_store(err))


def extract_outcomes(
    articles: Iterable[Article],
    extractor: Any,
    *,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    batch_size: int | None = None,
    prepare: bool = False,
) -> Iterator[Outcome]:
    """Extract each article and yield its `Outcome`, in order: articles in, graphs to write out.

    The extractor's ``pipe`` runs over the stream (in batches of `batch_size`, if it takes that
    argument). An article it cannot read gives an outcome with the error, and the rest goes on.
    Extractions over `max_entities` entities are cut down (see `limit_entities`). With `prepare`,
    each outcome carries the SPARQL Update that stores it, so the writer only has to run it.

    Raises:
        Exception: whatever the extractor raises before taking any article (a broken extractor).

    Example:
        >>> none = lambda arts: (Extraction(a) for a in arts)   # an extractor that finds nothing
        >>> [o] = extract_outcomes([Article("a.txt", "T", "Body.")], none, prepare=True)
        >>> o.ok, o.update.splitlines()[0]
        (True, 'DROP SILENT GRAPH <https://w3id.org/cekg/resource/article/a.txt> ;')
    """
    failed: deque[Outcome] = deque()

    def on_fail(article: Article, err: BaseException) -> None:
        failed.append(Outcome(article.id, error=f"extraction failed: {type(err).__name__}: {err}"))

    for extraction in _extractions(extractor, articles, on_fail, batch_size):
        while failed:
            yield failed.popleft()
        found = len(extraction.entities)
        if max_entities is not None and found > max_entities:
            extraction = limit_entities(extraction, max_entities)
        outcome = Outcome(extraction.article.id, extraction, found=found)
        yield _prepared(outcome) if prepare else outcome
    while failed:
        yield failed.popleft()


class _Writer:
    """Write outcomes into a store or sink; several articles in one transaction where it can.

    An Oxigraph store and a `kg.remote.Endpoint` take SPARQL Update: a batch of articles goes
    as one update (each article's DROP and INSERT, in order), which Oxigraph applies in one
    transaction. Other sinks get each article's graph through their ``replace(graph)``.
    """

    def __init__(self, ds: Any) -> None:
        self._update: Callable[[str], Any] | None = None
        self._replace: Callable[[Graph], Any] | None = None
        self._flush: Callable[[], Any] | None = None
        self._unflushed = 0
        if isinstance(ds, Dataset):
            inner = oxigraph_of(ds)
            if inner is not None:
                self._update = inner.update
                self._flush = inner.flush  # memory: see FLUSH_BYTES
            else:
                self._replace = functools.partial(replace, ds)
        elif _is_endpoint(ds):
            self._update = ds.update
        else:
            self._replace = ds.replace

    def write(self, outcomes: list[Outcome]) -> list[str]:
        """Write each outcome's graph; return, for each, why it could not be written ("" if it was)."""
        errors = [""] * len(outcomes)
        if self._update is None:
            assert self._replace is not None
            for i, outcome in enumerate(outcomes):
                try:
                    self._replace(to_graph(outcome.extraction))  # type: ignore[arg-type]
                except _DATA_ERRORS as err:
                    errors[i] = _cannot_store(err)
            return errors
        texts: list[tuple[int, str]] = []
        for i, outcome in enumerate(outcomes):
            try:
                texts.append((i, outcome.update or _update_text(outcome.extraction)))  # type: ignore[arg-type]
            except _DATA_ERRORS as err:
                errors[i] = _cannot_store(err)
        self._unflushed += sum(len(text) for _, text in texts)
        written = False
        if len(texts) > 1:
            try:
                self._update(" ;\n".join(text for _, text in texts))
                written = True
            except _DATA_ERRORS:  # one article's data: the transaction wrote nothing; find which
                log.debug("a batched write failed; writing its articles one at a time", exc_info=True)
        for i, text in [] if written else texts:
            try:
                self._update(text)
            except _DATA_ERRORS as err:
                errors[i] = _cannot_store(err)
        if self._flush is not None and self._unflushed >= FLUSH_BYTES:
            self._flush()
            self._unflushed = 0
        return errors


def _is_endpoint(sink: Any) -> bool:
    from kg.remote import Endpoint

    return isinstance(sink, Endpoint)


def ingest_articles(
    articles: Iterable[Article],
    ds: Dataset,
    *,
    extractor: Extractor | Callable[[Iterable[Article]], Iterator[Extraction]] | None = None,
    report: IngestReport | None = None,
    on_article: Callable[[Extraction], None] | None = None,
    on_error: Callable[[LoadError], None] | None = None,
    on_warning: Callable[[LoadWarning], None] | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    write_batch: int | None = None,
    head: int | None = None,
    resolve_firms: bool = True,
) -> IngestReport:
    """Extract each article and replace its named graph in `ds`.

    Each article's graph is written atomically (see `kg.store.replace`), alone or together
    with the next ones in one transaction, so a crash leaves whole articles or none. An article
    the extractor or the store cannot take is recorded in ``report.skipped`` and the rest goes
    on. Articles are read, extracted and written as a stream, so memory does not grow with the
    input.

    Args:
        articles: the articles.
        ds: the store (see `kg.store.open_store`), or any sink with an atomic ``replace(graph)``.
        extractor: an `Extractor` (its ``pipe`` is used) or any function from articles to
            extractions; by default kg's rule-based extractor.
        report: a report to add to; a new one by default.
        on_article: called after each article is written (progress bars hook in here).
        on_error: called with each article skipped here.
        on_warning: called with each article truncated or cut to the entity limit.
        max_chars: cut longer texts at a paragraph boundary (see `truncate_text`); None: no limit.
        max_entities: keep this many entities per article (see `limit_entities`); None: no limit.
        workers: extract in this many worker processes (see `kg.parallel.run_parallel`); 1
            extracts in this process. The extractor is sent to the workers by pickle, so it must
            be importable there (not defined in ``__main__``, not a lambda); otherwise it runs
            here, with a warning. Writing stays in this process, in input order.
        batch_size: articles per extractor batch, and per task sent to a worker.
        write_batch: articles per store transaction; by default 1 with one worker (each article
            is stored as soon as it is extracted) and `batch_size` with several.
        head: with several workers, the articles extracted in this process, as they are read,
            before any worker starts (by default `batch_size`, so a short input starts none);
            0 for an input known to be long (see `kg.parallel.run_parallel`).
        resolve_firms: give each firm the key of the stored firm it names, if there is one, so
            one firm across many articles is one node (see `kg.resolve.FirmIndex`; the count
            is ``report.joined``). The index is read from `ds` when it is a store or an
            endpoint; other sinks are written as extracted.

    Returns:
        The report.

    Raises:
        ValueError: for a limit, a worker count or a batch size below 1.

    Example:
        >>> from kg.store import open_store
        >>> none = lambda arts: (Extraction(a) for a in arts)   # an extractor that finds nothing
        >>> arts = [Article("a", "T", "Para one.\\n\\nPara two.")]
        >>> r = ingest_articles(arts, open_store(), extractor=none, max_chars=12)
        >>> r.articles, r.truncated
        (1, ['a'])
    """
    for name, limit in (("max_chars", max_chars), ("max_entities", max_entities)):
        if limit is not None and limit < 1:
            raise ValueError(f"{name} must be at least 1 (or None for no limit), got {limit!r}")
    for name, count in (("workers", workers), ("batch_size", batch_size), ("write_batch", write_batch or 1)):
        if count < 1:
            raise ValueError(f"{name} must be at least 1, got {count!r}")
    report = report or IngestReport()
    if extractor is None:
        from kg.extract import get_extractor

        extractor = get_extractor("rules")

    def warn(warning: LoadWarning) -> None:
        report.warnings.append(warning)
        if on_warning:
            on_warning(warning)

    def skip(error: LoadError) -> None:
        report.skipped.append(error)
        if on_error:
            on_error(error)

    def limited(stream: Iterable[Article]) -> Iterator[Article]:
        for article in stream:
            if max_chars is not None and len(article.text) > max_chars:
                cut = truncate_text(article, max_chars)
                report.truncated.append(article.id)
                warn(
                    LoadWarning(
                        f"truncated from {len(article.text):,} to {len(cut.text):,} characters at a paragraph"
                        f" boundary (limit {max_chars:,}; raise --max-chars)",
                        path=article.id,
                    )
                )
                article = cut
            yield article

    writer = _Writer(ds)
    firms: FirmIndex | None = None  # read from the store when the first article is written

    def joined(outcome: Outcome) -> Outcome:
        """The outcome with its firms keyed as the stored ones they name (see `FirmIndex`)."""
        nonlocal firms
        if firms is None:
            from kg.resolve import FirmIndex  # imports spaCy, which a custom extractor may not need

            firms = FirmIndex.from_store(ds)
        assert outcome.extraction is not None
        before = firms.joined
        extraction = firms.resolve(outcome.extraction)
        firms.add(extraction)  # before it is written: the next articles of the batch see it
        if extraction is outcome.extraction:
            return outcome
        report.joined += firms.joined - before
        return dataclasses.replace(outcome, extraction=extraction, update="")  # the writer remakes it

    resolving = resolve_firms and (isinstance(ds, Dataset) or _is_endpoint(ds))

    def store(batch: list[Outcome]) -> None:
        ready = []
        for outcome in batch:
            extraction = outcome.extraction
            if extraction is None:
                skip(LoadError(outcome.error, path=outcome.article_id))
                continue
            if outcome.found > len(extraction.entities):
                report.capped.append(outcome.article_id)
                warn(
                    LoadWarning(
                        f"kept the first {max_entities:,} of {outcome.found:,} entities (raise --max-entities)",
                        path=outcome.article_id,
                    )
                )
            if outcome.error:  # this article's data, not the store
                skip(LoadError(outcome.error, path=outcome.article_id))
                continue
            ready.append(joined(outcome) if resolving else outcome)
        for outcome, error in zip(ready, writer.write(ready), strict=True):
            if error:
                skip(LoadError(error, path=outcome.article_id))
                continue
            assert outcome.extraction is not None
            report.add(outcome.extraction)
            if on_article:
                on_article(outcome.extraction)

    if workers > 1:
        from kg.parallel import unshippable

        reason = unshippable(extractor)
        if reason:
            log.warning("extracting in this process, not in %d workers: the extractor %s", workers, reason)
            workers = 1
    outcomes: Iterator[Outcome]
    if workers > 1:
        from kg.parallel import run_parallel

        outcomes = run_parallel(
            limited(articles), extractor, workers=workers, batch_size=batch_size, max_entities=max_entities, head=head
        )
    else:
        outcomes = extract_outcomes(limited(articles), extractor, max_entities=max_entities, batch_size=batch_size)
    try:
        for batch in _batched(outcomes, write_batch or (batch_size if workers > 1 else 1)):
            store(batch)
    finally:
        outcomes.close()  # type: ignore[attr-defined]  # stops worker processes at once on an error
    return report


def ingest(
    source: str | Path | Iterable[str | Path],
    ds: Dataset,
    *,
    extractor: Extractor | None = None,
    options: LoadOptions | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    max_chars: int | None = DEFAULT_MAX_CHARS,
    max_entities: int | None = DEFAULT_MAX_ENTITIES,
    on_article: Callable[[Extraction], None] | None = None,
    on_error: Callable[[LoadError], None] | None = None,
    on_warning: Callable[[LoadWarning], None] | None = None,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    write_batch: int | None = None,
    head: int | None = None,
    shard: tuple[int, int] | None = None,
    resolve_firms: bool = True,
) -> IngestReport:
    """Ingest every article in `source` (files, folders, URLs, ``"-"``) into `ds`.

    An input that cannot be read is recorded in ``report.skipped`` and the rest goes on; one
    read only in part (a truncated feed, a text over `max_chars`) in ``report.warnings``.

    Args:
        source: one source or several; see `kg.loaders.load`.
        ds: the store.
        extractor: see `ingest_articles`.
        options: how to read inputs (fields of dumps, timeout, format); the keywords
            `encoding`, `max_bytes`, `include`, `exclude` override it.
        encoding: force an input encoding.
        max_bytes: skip files, records and downloads larger than this (default 10 MB).
        include: glob patterns on a folder's relative paths; only matching files are read.
        exclude: glob patterns on a folder's relative paths; matching files are passed over.
        max_chars: see `ingest_articles`.
        max_entities: see `ingest_articles`.
        on_article: called after each article is written.
        on_error: called with each input or article skipped.
        on_warning: called with each warning.
        workers: see `ingest_articles`.
        batch_size: see `ingest_articles`.
        write_batch: see `ingest_articles`.
        head: see `ingest_articles`.
        shard: ``(i, n)``: only the articles, skips and warnings whose id (path) falls in
            shard `i` of `n` (see `kg.parallel.shard_of`), so that `n` runs, one for each `i`
            in ``0..n-1``, share the inputs with no overlap and no coordinator.
        resolve_firms: see `ingest_articles`.

    Raises:
        FileNotFoundError: if a source is neither ``"-"``, a URL nor an existing path.
        ValueError: for a shard outside ``0 <= i < n``.

    Example:
        >>> import tempfile
        >>> from kg.store import open_store
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("T\\n\\nNothing here.")
        >>> _ = (d / "b.txt").write_bytes(b"\\x00\\x01")
        >>> none = lambda arts: (Extraction(a) for a in arts)   # an extractor that finds nothing
        >>> r = ingest(d, open_store(), extractor=none)
        >>> r.articles, [e.path for e in r.skipped]
        (1, ['b.txt'])
    """
    report = IngestReport()
    sources = [source] if isinstance(source, str | Path) else list(source)
    for s in sources:
        if not (s == "-" or str(s).lower().startswith(("http://", "https://")) or Path(s).exists()):
            raise FileNotFoundError(f"no such file or folder: {str(s)!r}")
    mine: Callable[[str], bool] = lambda key: True  # noqa: E731
    if shard is not None:
        from kg.parallel import check_shard, shard_of

        index, count = check_shard(shard)
        mine = lambda key: shard_of(key, count) == index  # noqa: E731

    def skipped(err: LoadError) -> None:
        if not mine(err.path):
            return
        report.skipped.append(err)
        if on_error:
            on_error(err)

    def warned(w: LoadWarning) -> None:
        if not mine(w.path):
            return
        report.warnings.append(w)
        if on_warning:
            on_warning(w)

    def articles() -> Iterator[Article]:
        for s in sources:
            for article in load(
                s,
                options=options,
                encoding=encoding,
                max_bytes=max_bytes,
                include=include or None,
                exclude=exclude or None,
                on_error=skipped,
                on_warning=warned,
            ):
                if mine(article.id):
                    yield article

    return ingest_articles(
        articles(),
        ds,
        extractor=extractor,
        report=report,
        on_article=on_article,
        on_error=on_error,
        on_warning=on_warning,
        max_chars=max_chars,
        max_entities=max_entities,
        workers=workers,
        batch_size=batch_size,
        write_batch=write_batch,
        head=head,
        resolve_firms=resolve_firms,
    )
