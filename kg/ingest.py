"""Ingest: load articles, extract, map to RDF, write each article's graph into a store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset

from kg.errors import LoadError
from kg.loaders import load
from kg.loaders.text import DEFAULT_MAX_BYTES
from kg.model import Article, Extraction
from kg.rdf import to_graph
from kg.store import replace

if TYPE_CHECKING:
    from kg.extract import Extractor

__all__ = ["IngestReport", "ingest", "ingest_articles"]


@dataclass
class IngestReport:
    """What an ingest did: counts, and every input it skipped with the reason."""

    articles: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    skipped: list[LoadError] = field(default_factory=list)

    def summary(self) -> str:
        """One paragraph for people.

        Example:
            >>> r = IngestReport(articles=2)
            >>> r.events["Lawsuit"] += 1
            >>> print(r.summary())
            2 articles, 0 entities, 1 event (Lawsuit 1), 0 skipped
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
        return text

    def add(self, extraction: Extraction) -> None:
        """Count one written extraction."""
        self.articles += 1
        self.entities.update(e.kind.value for e in extraction.entities)
        self.events.update(e.type.value for e in extraction.events)


def ingest_articles(
    articles: Iterable[Article],
    ds: Dataset,
    *,
    extractor: Extractor | Callable[[Iterable[Article]], Iterator[Extraction]] | None = None,
    report: IngestReport | None = None,
    on_article: Callable[[Extraction], None] | None = None,
) -> IngestReport:
    """Extract each article and replace its named graph in `ds`.

    Args:
        articles: the articles.
        ds: the store (see `kg.store.open_store`).
        extractor: an `Extractor` (its ``pipe`` is used) or any function from articles to
            extractions; by default kg's rule-based extractor.
        report: a report to add to; a new one by default.
        on_article: called after each article is written (progress bars hook in here).

    Returns:
        The report.
    """
    report = report or IngestReport()
    if extractor is None:
        from kg.extract import get_extractor

        extractor = get_extractor("rules")
    pipe = extractor.pipe if hasattr(extractor, "pipe") else extractor
    # A Dataset is written through kg.store.replace; any other sink (a remote endpoint) brings
    # its own atomic ``replace(graph)``.
    write = (lambda g: replace(ds, g)) if isinstance(ds, Dataset) else ds.replace
    for extraction in pipe(articles):
        write(to_graph(extraction))
        report.add(extraction)
        if on_article:
            on_article(extraction)
    return report


def ingest(
    source: str | Path,
    ds: Dataset,
    *,
    extractor: Extractor | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    on_article: Callable[[Extraction], None] | None = None,
    on_error: Callable[[LoadError], None] | None = None,
) -> IngestReport:
    """Ingest every article under `source` (a file or folder) into `ds`.

    A file that cannot be read is recorded in ``report.skipped`` and the rest goes on.

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

    def skipped(err: LoadError) -> None:
        report.skipped.append(err)
        if on_error:
            on_error(err)

    articles = load(source, encoding=encoding, max_bytes=max_bytes, include=include, exclude=exclude, on_error=skipped)
    return ingest_articles(articles, ds, extractor=extractor, report=report, on_article=on_article)
