"""Fetch a URL for the readers: a timeout, a size cap, a clear user agent, http(s) only."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from kg.errors import LoadError
from kg.loaders.base import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT

__all__ = ["USER_AGENT", "Fetched", "fetch", "format_of", "is_url"]

try:
    _VERSION = version("kg")
except PackageNotFoundError:  # pragma: no cover - a bare checkout
    _VERSION = "0.0.0"

#: Sent with every request, so that site owners can tell who is asking.
USER_AGENT = f"kg/{_VERSION} (+https://w3id.org/cekg)"

#: Content type -> reader format; others are guessed from the URL's suffix, then the content.
CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/jsonlines": "jsonl",
    "text/csv": "csv",
    "text/plain": "text",
}
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a URL answered: the body, its content type and charset, and the final URL."""

    data: bytes
    content_type: str
    charset: str | None
    url: str


def is_url(source: object) -> bool:
    """Tell whether `source` is an http(s) URL kg may fetch.

    Example:
        >>> is_url("https://example.org/a.html"), is_url("file:///etc/passwd"), is_url("news/a.txt")
        (True, False, False)
    """
    return (
        isinstance(source, str) and source.lower().startswith(("http://", "https://")) and bool(urlsplit(source).netloc)
    )


def format_of(content_type: str) -> str | None:
    """Map a content type to a reader format, or None when it says nothing useful.

    Example:
        >>> format_of("application/rss+xml; charset=utf-8"), format_of("application/octet-stream")
        ('feed', None)
    """
    return CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only, never to ftp: or file:."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_url(newurl):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-http URL {newurl!r} refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Fetched:
    """Download `url`, giving up after `timeout` seconds in all or beyond `max_bytes`.

    The body is read in chunks and the download stops as soon as it passes the cap; a
    ``Content-Length`` over the cap is refused before reading.

    Raises:
        LoadError: for a URL that is not http(s), an HTTP error status, a network error, a
            timeout, or a body over the cap; the message says which.

    Example:
        >>> fetch("ftp://example.org/x")
        Traceback (most recent call last):
        kg.errors.LoadError: ftp://example.org/x: not an http(s) URL
    """
    if not is_url(url):
        raise LoadError("not an http(s) URL", path=url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise LoadError(
                    f"too large ({int(length) / 1e6:.1f} MB announced > {max_bytes / 1e6:.1f} MB; raise --max-size)",
                    path=url,
                )
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunk = response.read1(_CHUNK)  # what has arrived, so the deadline holds
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise LoadError(f"too large (more than {max_bytes / 1e6:.1f} MB; raise --max-size)", path=url)
                chunks.append(chunk)
            return Fetched(
                b"".join(chunks), headers.get_content_type(), headers.get_content_charset(), response.geturl()
            )
    except urllib.error.HTTPError as err:
        raise LoadError(f"HTTP {err.code} {err.reason}", path=url) from err
    except TimeoutError as err:
        raise LoadError(f"timed out after {timeout:g} s (raise --fetch-timeout)", path=url) from err
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise LoadError(f"timed out after {timeout:g} s (raise --fetch-timeout)", path=url) from err
        raise LoadError(f"cannot fetch: {reason}", path=url) from err
    except (OSError, ValueError) as err:  # connection reset, bad status line, invalid URL...
        raise LoadError(f"cannot fetch: {type(err).__name__}: {err}", path=url) from err
