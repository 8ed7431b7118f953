"""Ingest: load articles, extract, map to RDF, write each article's graph into a store."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset

from kg.errors import LoadError, LoadWarning
from kg.loaders import load
from kg.loaders.base import LoadOptions
from kg.model import LITERAL_ROLES, Article, Extraction
from kg.rdf import to_graph
from kg.store import replace

if TYPE_CHECKING:
    from kg.extract import Extractor

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_ENTITIES",
    "IngestReport",
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
    extractor: Any, articles: Iterable[Article], on_fail: Callable[[Article, BaseException], None]
) -> Iterator[Extraction]:
    """Run the extractor's batch ``pipe``; if it fails, retry the batch one article at a time.

    An article the extractor cannot read is reported through `on_fail` and the rest goes on.
    """
    pipe = extractor.pipe if hasattr(extractor, "pipe") else extractor
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
) -> IngestReport:
    """Extract each article and replace its named graph in `ds`, one article at a time.

    Each article's graph is written in one atomic step (see `kg.store.replace`), so a crash
    leaves whole articles or none. An article the extractor or the store cannot take is
    recorded in ``report.skipped`` and the rest goes on.

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

    Returns:
        The report.

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

    def failed(article: Article, err: BaseException) -> None:
        skip(LoadError(f"extraction failed: {type(err).__name__}: {err}", path=article.id))

    # A Dataset is written through kg.store.replace; any other sink (a remote endpoint) brings
    # its own atomic ``replace(graph)``.
    write = (lambda g: replace(ds, g)) if isinstance(ds, Dataset) else ds.replace
    for extraction in _extractions(extractor, limited(articles), failed):
        if max_entities is not None and len(extraction.entities) > max_entities:
            total = len(extraction.entities)
            extraction = limit_entities(extraction, max_entities)
            report.capped.append(extraction.article.id)
            warn(
                LoadWarning(
                    f"kept the first {max_entities:,} of {total:,} entities (raise --max-entities)",
                    path=extraction.article.id,
                )
            )
        try:
            graph = to_graph(extraction)
            write(graph)
        except (ValueError, TypeError, UnicodeError, SyntaxError) as err:  # this article's data, not the store
            skip(LoadError(f"cannot store: {type(err).__name__}: {err}", path=extraction.article.id))
            continue
        report.add(extraction)
        if on_article:
            on_article(extraction)
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

    Raises:
        FileNotFoundError: if a source is neither ``"-"``, a URL nor an existing path.

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

    def skipped(err: LoadError) -> None:
        report.skipped.append(err)
        if on_error:
            on_error(err)

    def warned(w: LoadWarning) -> None:
        report.warnings.append(w)
        if on_warning:
            on_warning(w)

    def articles() -> Iterator[Article]:
        for s in sources:
            yield from load(
                s,
                options=options,
                encoding=encoding,
                max_bytes=max_bytes,
                include=include or None,
                exclude=exclude or None,
                on_error=skipped,
                on_warning=warned,
            )

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
    )
