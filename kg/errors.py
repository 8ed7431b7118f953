"""The errors kg reports to users; caller mistakes stay builtins (ValueError, TypeError...)."""

from __future__ import annotations

__all__ = ["EndpointError", "KgError", "LoadError", "LoadWarning", "QueryError", "StoreError", "StoreLockedError"]


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


class EndpointError(KgError):
    """A remote SPARQL endpoint refused a request, failed, timed out or could not be reached.

    Example:
        >>> err = EndpointError("answered 400 Bad Request: parse error", url="http://127.0.0.1:7878/query", status=400)
        >>> str(err), err.status
        ('http://127.0.0.1:7878/query answered 400 Bad Request: parse error', 400)
    """

    def __init__(self, reason: str, *, url: str = "", status: int | None = None) -> None:
        self.reason = reason
        self.url = url
        self.status = status
        super().__init__(f"{url} {reason}" if url else reason)


class LoadWarning(KgError):  # noqa: N818 - a warning, not an error
    """An input was read, but not whole: cut at a limit, or partly malformed; kg kept what it got.

    Example:
        >>> str(LoadWarning("truncated to 200,000 characters (raise --max-chars)", path="big.txt"))
        'big.txt: truncated to 200,000 characters (raise --max-chars)'
    """

    def __init__(self, reason: str, *, path: str = "") -> None:
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)
