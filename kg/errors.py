"""The errors kg reports to users; caller mistakes stay builtins (ValueError, TypeError...)."""

from __future__ import annotations

__all__ = ["KgError", "LoadError", "QueryError", "StoreError", "StoreLockedError"]


class KgError(Exception):
    """Base of the conditions the CLI reports to a user as one line, without a traceback."""


class LoadError(KgError):
    """One input could not be read as an article; the walk reports it and goes on.

    Example:
        >>> str(LoadError("empty file", path="x.txt"))
        'x.txt: empty file'
    """

    def __init__(self, reason: str, *, path: str = "") -> None:
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)


class StoreError(KgError):
    """A store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store for writing."""


class QueryError(KgError):
    """A query is unknown, malformed, or misses a parameter."""
