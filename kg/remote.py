"""A remote SPARQL 1.1 endpoint as a kg store: query it, replace article graphs in it, push a store.

`Endpoint` speaks the SPARQL 1.1 Protocol through SPARQLWrapper. Whole calls run under a
deadline (SPARQLWrapper's own timeout covers one socket read only), 5xx answers and connection
errors are retried with exponential back-off, and a 4xx answer becomes one readable
`kg.errors.EndpointError`. Credentials come from the environment, never from the command line:
``KG_SPARQL_TOKEN`` (sent as ``Authorization: Bearer``), or ``KG_SPARQL_USER`` and
``KG_SPARQL_PASSWORD`` (HTTP basic).

kg's queries read the default graph as the union of the article graphs: serve Oxigraph with
``--union-default-graph`` (``kg serve`` does), or configure another server so.
"""

from __future__ import annotations

import ast
import http
import http.client
import io
import math
import os
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from kg.errors import EndpointError, QueryError
from kg.namespace import PREFIXES

__all__ = ["ENV_PASSWORD", "ENV_TOKEN", "ENV_USER", "Endpoint", "inline_values", "query_form", "with_prologue"]

ENV_USER = "KG_SPARQL_USER"
ENV_PASSWORD = "KG_SPARQL_PASSWORD"
ENV_TOKEN = "KG_SPARQL_TOKEN"

# --- binding parameters without initBindings ---------------------------------------------------
#
# SPARQLWrapper sends text, so a remote query gets its parameters as a VALUES block put at the
# start of the query's top-level WHERE group: ``{ VALUES (?firm) { (<iri>) } ...``. That is
# safe because nothing the caller gives is pasted as text:
#  * variable names must match `_VARNAME` (letters, digits, underscore), so they stay names;
#  * every value is an rdflib term serialised by rdflib's own ``n3()``, which escapes quotes,
#    backslashes and line ends, and the result must then match, as a whole (``fullmatch``), the
#    grammar of exactly one SPARQL IRIREF or one literal token (`_IRIREF`, `_LITERAL`). A value
#    like ``x" } DROP ALL #`` comes out as ``"x\" } DROP ALL #"``: its quote is escaped, so the
#    brace and the comment sign stay inside the string; a term that would serialise to anything
#    else (an IRI with a space or ``>``, a blank node, a variable) is refused with ValueError;
#  * the block goes in front of the query's own patterns, after locating the WHERE brace with a
#    scanner that skips comments, strings and IRIs, so the caller's text is not re-interpreted.
# A VALUES block at the top of the group binds the variable for every pattern and FILTER of that
# group, which is what initBindings does on the local stores for the shipped queries.

_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_ECHAR = r"\\[tbnrf\"'\\]"
_LITERAL = re.compile(
    rf'(?:"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""|"(?:[^"\\\n\r]|{_ECHAR})*")'
    rf"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^{_IRIREF.pattern})?"
)
_NAME = re.compile(r"[A-Za-z_][\w.-]*(?::[\w.%-]*)?|:[\w.%-]*|[0-9][\w.]*")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Yield (position, token) for braces and bare words, skipping comments, strings, IRIs, variables."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
        elif c in "?$":
            m = _VARNAME.match(text, i + 1)
            i = m.end() if m else i + 1
        elif c in "{}":
            yield i, c
            i += 1
        elif m := _NAME.match(text, i):
            yield i, m.group(0)
            i = m.end()
        else:
            i += 1


def query_form(text: str) -> str:
    """Return the form of a SPARQL query: SELECT, ASK, CONSTRUCT or DESCRIBE.

    Raises:
        QueryError: if the text is none of the four (an update, or not SPARQL).

    Example:
        >>> query_form("# SELECT in a comment\\nPREFIX ex: <http://ex/> ASK { ?s ?p ?o }")
        'ASK'
    """
    for _, token in _tokens(text):
        if token.upper() in _FORMS:
            return token.upper()
        if token.upper() not in ("PREFIX", "BASE") and ":" not in token:
            break
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def _where_brace(text: str) -> int:
    """Index just after the opening brace of the query's top-level WHERE group."""
    depth, after_where, first = 0, False, -1
    for pos, token in _tokens(text):
        if token == "{":
            if depth == 0:
                if after_where:
                    return pos + 1
                if first < 0:
                    first = pos + 1
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token.upper() == "WHERE":
            after_where = True
    if first < 0:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return first


def _n3(term: Identifier) -> str | None:
    try:
        return term.n3()
    except Exception:  # noqa: BLE001 - rdflib raises a bare Exception for an IRI it cannot write
        return None


def _serialise(term: Identifier) -> str:
    """One SPARQL token for a term, from rdflib's ``n3()``, checked against the grammar."""
    if isinstance(term, URIRef):
        text = _n3(term)
        if text and _IRIREF.fullmatch(text) and re.match(r"<[A-Za-z][A-Za-z0-9+.-]*:", text):
            return text
        raise ValueError(f"not an absolute IRI: {str(term)!r}")
    if isinstance(term, Literal):
        if re.search(r"\\[uU]", str(term)):
            # Some parsers (rdflib's among them) decode \u escapes before reading strings, even
            # after an escaped backslash: the value would change (though stay one literal).
            raise ValueError(f"cannot bind the literal {str(term)!r} exactly: it holds a \\u sequence")
        # A raw tab is valid in a SPARQL string, but pyparsing (rdflib) expands it to spaces.
        text = (_n3(term) or "").replace("\t", "\\t")
        if _LITERAL.fullmatch(text):
            return text
        raise ValueError(f"cannot bind the literal {str(term)!r} safely")
    raise ValueError(f"cannot bind {term!r}: only IRIs and literals can be parameter values")


def inline_values(text: str, bindings: dict[str, Identifier]) -> str:
    """Bind variables by a VALUES block at the start of the top-level WHERE group.

    The way to pass parameters to an endpoint that takes query text only; see the comment
    above this function in the source for why no value can escape its term.

    Raises:
        ValueError: for a variable name that is not a plain SPARQL name, or a term that is not
            an absolute IRI or a literal.
        QueryError: if the query has no WHERE group.

    Example:
        >>> print(inline_values("SELECT ?firm WHERE { ?firm ?p ?o }", {"firm": Literal('x" } DROP ALL #')}))
        SELECT ?firm WHERE { VALUES (?firm) { ("x\\" } DROP ALL #") }  ?firm ?p ?o }
    """
    if not bindings:
        return text
    for name in bindings:
        if not _VARNAME.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_serialise(term) for term in bindings.values())
    at = _where_brace(text)
    return f"{text[:at]} VALUES ({names}) {{ ({values}) }} {text[at:]}"


def with_prologue(text: str) -> str:
    """Put kg's ``PREFIX`` lines before a query, leaving out the prefixes it declares itself.

    Example:
        >>> print(with_prologue("PREFIX cek: <urn:x#> SELECT * {}").splitlines()[0])
        PREFIX res: <https://w3id.org/cekg/resource/>
    """
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*|):", text)}
    lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
    return lines + text


# --- the endpoint ------------------------------------------------------------------------------


def _default_update_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.path.endswith("/query"):
        return urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return url


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) endpoint URL: {url!r}")
    if parts.path in ("", "/"):  # oxigraph serve answers queries at /query
        return urlunsplit(parts._replace(path="/query"))
    return url


def _body_of(err: BaseException) -> bytes:
    """The response body an HTTP error carried (SPARQLWrapper keeps it only in its message)."""
    if isinstance(err, urllib.error.HTTPError):
        try:
            return err.read() or b""
        except (OSError, http.client.HTTPException):
            return b""
    message = str(err)
    if "Response:\n" in message:
        try:
            value = ast.literal_eval(message.split("Response:\n", 1)[1].strip())
            return value if isinstance(value, bytes) else str(value).encode()
        except (ValueError, SyntaxError):
            return b""
    return b""


def _status_of(err: BaseException) -> int | None:
    from SPARQLWrapper.SPARQLExceptions import (
        EndPointInternalError,
        EndPointNotFound,
        QueryBadFormed,
        Unauthorized,
        URITooLong,
    )

    if isinstance(err, urllib.error.HTTPError):
        return err.code
    codes = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}
    for cls, code in codes.items():
        if isinstance(err, cls):
            return code
    return None


def _one_line(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace")
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class _DeadlineError(Exception):
    pass


class Endpoint:
    """A SPARQL 1.1 endpoint, used like a kg store.

    Args:
        url: the query URL (``http://127.0.0.1:7878/query`` for ``oxigraph serve``; a bare
            ``http://host:port`` means its ``/query``).
        update_url: the update URL; by default the query URL with ``/query`` changed to
            ``/update``, or the query URL itself.
        timeout: seconds one request may take in all (connecting, waiting, reading).
        retries: how many times to retry a request after a 5xx answer or a connection error.
        backoff: seconds before the first retry; doubled before each next one.

    Raises:
        ValueError: for a URL that is not http(s).
        EndpointError: if ``KG_SPARQL_USER`` is set without ``KG_SPARQL_PASSWORD``.

    Example:
        >>> ep = Endpoint("http://127.0.0.1:7878")
        >>> ep.url, ep.update_url
        ('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update')
    """

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        timeout: float = 30,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ValueError(f"need timeout > 0, retries >= 0, backoff >= 0; got {timeout}, {retries}, {backoff}")
        self.url = _normalise(url)
        self.update_url = _normalise(update_url) if update_url else _default_update_url(self.url)
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self._token = os.environ.get(ENV_TOKEN) or None
        self._user = os.environ.get(ENV_USER) or None
        self._password = os.environ.get(ENV_PASSWORD) or None
        if self._user and not self._password and not self._token:
            raise EndpointError(f"{ENV_USER} is set but {ENV_PASSWORD} is not")

    def __repr__(self) -> str:
        auth = "bearer" if self._token else "basic" if self._user else "none"
        return f"Endpoint({self.url!r}, update_url={self.update_url!r}, auth={auth})"

    # -- public API --

    def query(self, text: str, /, **bindings: Any) -> Result:
        """Run a SPARQL query, binding `bindings` by `inline_values`; return an rdflib `Result`.

        kg's prefixes are declared for it (see `with_prologue`). Python values bind as plain
        literals; pass rdflib terms for IRIs and typed values (`kg.query.run` does that for
        named queries).

        Raises:
            EndpointError: when the endpoint refuses, fails, times out or cannot be reached.
            QueryError: for text that is not a SPARQL query.
        """
        from kg.query import to_term

        terms = {name: to_term(value) for name, value in bindings.items() if value is not None}
        try:
            sent = with_prologue(inline_values(text, terms))
        except ValueError as err:
            raise QueryError(str(err)) from None
        form = query_form(sent)
        body = self._call(sent, form)
        if form in ("SELECT", "ASK"):
            try:
                return Result.parse(io.BytesIO(body), format="json")
            except Exception as err:  # noqa: BLE001 - any parser failure is the server's answer
                raise EndpointError(f"answered with no SPARQL JSON results: {_one_line(body)}", url=self.url) from err
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="turtle")
        except Exception as err:  # noqa: BLE001
            raise EndpointError(f"answered with no Turtle: {_one_line(body)}", url=self.url) from err
        result = Result(form)
        result.graph = graph
        return result

    def update(self, text: str) -> None:
        """Send one SPARQL Update (POST, ``application/sparql-update``).

        Raises:
            EndpointError: when the endpoint refuses, fails, times out or cannot be reached.
        """
        self._call(text, "UPDATE")

    def replace(self, graph: Graph) -> None:
        """Replace the named graph ``graph.identifier`` on the endpoint, in one request.

        The request is `kg.store.replace_update`: drop the graph, insert its triples. A server
        that applies an update atomically (Oxigraph does) never shows half an article, and
        sending it again changes nothing, so retrying it is safe.
        """
        from kg.store import replace_update

        self.update(replace_update(graph))

    def push(self, ds: Graph, *, batch_size: int = 50, on_batch: Callable[[int], None] | None = None) -> int:
        """Upload every article graph of a local store, `batch_size` graphs per request.

        Each graph is replaced whole, so pushing twice gives the same remote store; graphs the
        endpoint holds and `ds` lacks are left alone.

        Args:
            ds: the local store (see `kg.store.open_store`).
            batch_size: article graphs per update request.
            on_batch: called with the number of graphs after each request (progress bars).

        Returns:
            The number of article graphs pushed.
        """
        from kg.store import article_graphs, replace_update

        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        names = article_graphs(ds)  # type: ignore[arg-type]
        for start in range(0, len(names), batch_size):
            chunk = names[start : start + batch_size]
            # a Graph view on the store: ds.graph(name) would try to create the graph, which a
            # read-only store refuses
            text = " ;\n".join(replace_update(Graph(store=ds.store, identifier=name)) for name in chunk)
            self.update(text)
            if on_batch:
                on_batch(len(chunk))
        return len(names)

    # -- HTTP --

    def _wrapper(self, text: str, form: str) -> Any:
        from SPARQLWrapper import BASIC, JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper

        from kg import __version__

        sw = SPARQLWrapper(self.url, updateEndpoint=self.update_url, agent=f"kg/{__version__}")
        sw.setTimeout(max(1, math.ceil(self.timeout)))  # per socket operation; _call bounds the whole
        sw.setOnlyConneg(True)
        sw.setMethod(POST)
        sw.setQuery(text)
        if form == "UPDATE":
            sw.setRequestMethod(POSTDIRECTLY)
            if not sw.isSparqlUpdateRequest():
                raise QueryError("not a SPARQL update")
        else:
            sw.queryType = form  # our own reading of the form, not SPARQLWrapper's regex
            sw.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
        if self._token:
            sw.addCustomHttpHeader("Authorization", f"Bearer {self._token}")
        elif self._user:
            sw.setHTTPAuth(BASIC)
            sw.setCredentials(self._user, self._password)
        return sw

    def _once(self, text: str, form: str) -> bytes:
        """One request under the deadline; the HTTP runs in a daemon thread we can walk away from."""
        box: dict[str, Any] = {}

        def send() -> None:
            try:
                response = self._wrapper(text, form).query().response
                try:
                    box["body"] = response.read()
                finally:
                    response.close()
            except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
                box["error"] = err

        worker = threading.Thread(target=send, name="kg-sparql", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise _DeadlineError()
        if "error" in box:
            raise box["error"]
        return box["body"]

    def _call(self, text: str, form: str) -> bytes:
        url = self.update_url if form == "UPDATE" else self.url
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                return self._once(text, form)
            except (QueryError, EndpointError):
                raise
            except (_DeadlineError, TimeoutError) as err:
                raise EndpointError(f"did not answer within {self.timeout:g} s", url=url) from err
            except Exception as err:  # noqa: BLE001 - sorted into retryable and final below
                status = _status_of(err)
                if status is None and isinstance(err, urllib.error.URLError) and isinstance(err.reason, TimeoutError):
                    raise EndpointError(f"did not answer within {self.timeout:g} s", url=url) from err
                if status is not None and status < 500:
                    raise self._client_error(url, status, _body_of(err)) from err
                if status is None and not isinstance(err, (OSError, http.client.HTTPException)):
                    raise
                if attempt + 1 < attempts:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                tries = f"after {attempts} attempt{'s' * (attempts != 1)}"
                if status is not None:
                    phrase = _phrase(status)
                    detail = _one_line(_body_of(err))
                    raise EndpointError(
                        f"answered {status} {phrase} {tries}" + (f": {detail}" if detail else ""),
                        url=url,
                        status=status,
                    ) from err
                reason = getattr(err, "reason", None) or err
                raise EndpointError(f"cannot be reached {tries}: {reason}", url=url) from err
        raise AssertionError("unreachable")  # pragma: no cover

    def _client_error(self, url: str, status: int, body: bytes) -> EndpointError:
        detail = _one_line(body)
        message = f"answered {status} {_phrase(status)}" + (f": {detail}" if detail else "")
        if status in (401, 403):
            if self._token or self._user:
                message += f" (check {ENV_TOKEN if self._token else ENV_USER + '/' + ENV_PASSWORD})"
            else:
                message += f" (set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN})"
        elif status == 404:
            message += " (check the URL; oxigraph serve answers at /query and /update)"
        return EndpointError(message, url=url, status=status)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "error"
