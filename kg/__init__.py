"""kg: a knowledge graph of company events read from news articles.

Example:
    >>> import kg
    >>> ds = kg.open_store()             # in memory; give a folder for a store on disk
    >>> kg.stats(ds)["articles"]
    0
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kg.errors import KgError, LoadError, QueryError, StoreError, StoreLockedError
from kg.ingest import IngestReport, ingest, ingest_articles
from kg.loaders import load
from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention, Status
from kg.namespace import CEK, RES
from kg.query import list_queries, query_df, run
from kg.rdf import to_graph
from kg.resources import samples_dir
from kg.store import close_store, export, open_store, replace, stats

try:
    __version__ = version("kg")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = [
    "CEK",
    "RES",
    "Article",
    "Entity",
    "Event",
    "EventType",
    "Extraction",
    "IngestReport",
    "KgError",
    "Kind",
    "LoadError",
    "Mention",
    "QueryError",
    "Status",
    "StoreError",
    "StoreLockedError",
    "__version__",
    "close_store",
    "export",
    "ingest",
    "ingest_articles",
    "list_queries",
    "load",
    "open_store",
    "query_df",
    "replace",
    "run",
    "samples_dir",
    "stats",
    "to_graph",
]
