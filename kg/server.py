"""Serve a kg store over SPARQL with ``oxigraph serve`` (the server the ``oxigraph`` package ships).

The server reads the store folder itself, so no Python sits between a client and the data.
It binds 127.0.0.1 unless told otherwise, is read-only unless told otherwise, and answers
kg's queries because the default graph is the union of the article graphs
(``--union-default-graph``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from kg.errors import StoreError

__all__ = ["LOOPBACK", "Server", "free_port", "oxigraph_binary", "serve_command"]

#: Hosts that only this machine can reach.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def oxigraph_binary() -> str:
    """Return the path of the ``oxigraph`` server program (beside this Python, or on PATH).

    Raises:
        StoreError: if it is not installed.

    Example:
        >>> Path(oxigraph_binary()).name
        'oxigraph'
    """
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file():
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError("the oxigraph server is not installed; run: pip install oxigraph")


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on `host` that nothing listens on right now.

    Example:
        >>> 0 < free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve_command(
    location: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    read_only: bool = True,
    timeout_s: int | None = None,
) -> list[str]:
    """Return the ``oxigraph serve`` command line for a store folder.

    Example:
        >>> serve_command("graph", port=8000)[1:]
        ['serve-read-only', '--location', 'graph', '--bind', '127.0.0.1:8000', '--union-default-graph']
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    cmd = [oxigraph_binary(), "serve-read-only" if read_only else "serve", "--location", str(location)]
    cmd += ["--bind", bind, "--union-default-graph"]
    if timeout_s:
        cmd += ["--timeout-s", str(int(timeout_s))]
    return cmd


class Server:
    """An ``oxigraph serve`` process over a store folder; a context manager.

    Args:
        location: the store folder (made by ``kg ingest``). Read-only serving needs it to exist.
        host: the address to bind; 127.0.0.1 by default.
        port: the port; a free one when None.
        read_only: serve with ``serve-read-only`` (no updates), the default.
        timeout_s: the server's own limit on one query, in seconds.
        log: where the server's messages go; by default a temporary file, quoted when the
            server fails to start.

    Example:
        >>> server = Server("graph", port=8000)          # start() or ``with server:`` runs it
        >>> server.query_url, server.update_url
        ('http://127.0.0.1:8000/query', 'http://127.0.0.1:8000/update')
    """

    def __init__(
        self,
        location: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        read_only: bool = True,
        timeout_s: int | None = None,
        log: IO[Any] | None = None,
    ) -> None:
        self.location = Path(location)
        self.host = host
        self.port = port or free_port(host)
        self.read_only = read_only
        self.timeout_s = timeout_s
        self._log = log
        self._own_log: IO[bytes] | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return self.base_url + "/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint (refused when read-only)."""
        return self.base_url + "/update"

    def start(self, wait: float = 15.0) -> Server:
        """Start the server and wait until it answers a query.

        Raises:
            StoreError: if the store is missing (read-only), or the server stops or does not
                answer within `wait` seconds; the message quotes the server's last words.
        """
        if self.read_only and not (self.location / "CURRENT").is_file():
            raise StoreError(f"no store at {str(self.location)!r}; create one with 'kg ingest FOLDER --store DIR'")
        try:  # else the readiness probe below would reach whoever holds the port
            with socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET) as s:
                s.bind((self.host, self.port))
        except OSError as err:
            raise StoreError(f"cannot listen on {self.base_url}: {err.strerror or err}") from None
        cmd = serve_command(
            self.location, host=self.host, port=self.port, read_only=self.read_only, timeout_s=self.timeout_s
        )
        if self._log is None:
            self._own_log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs
        out = self._log if self._log is not None else self._own_log
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        deadline = time.monotonic() + wait
        probe = self.query_url + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(probe, timeout=1) as response:  # noqa: S310 - our own server
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        words = self._last_words()
        self.stop()
        raise StoreError(f"oxigraph serve did not start on {self.base_url}" + (f": {words}" if words else ""))

    def _last_words(self) -> str:
        if self._own_log is None:
            return ""
        self._own_log.seek(0)
        text = self._own_log.read().decode("utf-8", "replace").split("Stack backtrace:")[0]
        lines = [s.strip() for s in text.splitlines() if s.strip()]
        errors = [s.removeprefix("Error: ") for s in lines if s.startswith("Error")]
        return errors[0] if errors else lines[-1] if lines else ""

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        if self.process is None:
            raise RuntimeError("the server was not started")
        return self.process.wait()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after `timeout` seconds). Safe to call twice."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._own_log is not None:
            self._own_log.close()
            self._own_log = None

    def __enter__(self) -> Server:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
