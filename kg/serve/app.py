"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over any store, and a query page.

Routes:

- ``/sparql``: the SPARQL 1.1 Protocol. ``GET`` with ``?query=``, ``POST`` with a URL-encoded
  form or an ``application/sparql-query`` body. SELECT and ASK answer JSON, XML, CSV or TSV,
  CONSTRUCT and DESCRIBE Turtle, N-Triples or JSON-LD, chosen by the ``Accept`` header (or a
  ``format`` parameter). Without a query it answers the SPARQL 1.1 Service Description.
- ``/``: a page with a plain HTML form (no script, no CDN: it works offline) that shows the
  answer as a table, and lists the query library as examples.

Safe by default. It binds 127.0.0.1 unless told otherwise. It is read-only: the checks of
:func:`kg.sparql.check.check` refuse UPDATE, LOAD and SERVICE with 400 and a message before any
engine runs the text; a malformed query answers 400 with the parser's message. The event loop
never parses a query: the checks run in the worker, under its time limit. A client has
:data:`HEADER_TIMEOUT` seconds for a request's line and headers and :data:`BODY_TIMEOUT` for
its body (:func:`guarded_h11`), so slow and idle connections are dropped instead of holding
places others need. Each query runs
in a worker process of a small pool (:mod:`pebble`): after ``timeout`` seconds the server stops
waiting, answers 503, and the worker is killed and replaced, so a runaway query stops using
the CPU and cannot pile up (a Python thread cannot be stopped, and Oxigraph has no
cancellation). The time limit counts from the request's arrival, so a queue behind busy
workers is bounded too. A SELECT answers at most ``max_rows`` rows (the header
``X-SPARQL-MaxRows`` says when it was cut). The query logic is :func:`kg.query.run`.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from kg.errors import UsageError
from kg.formats import FORMATS, SERVED, negotiate
from kg.serve.page import CSP, page_html
from kg.serve.pool import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    QueryPool,
    Reply,
    text_reply,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

DEFAULT_PORT = 8000
MAX_QUERY_BYTES = 1 << 20
#: Seconds a client has to send a request's line and headers, then its body: a slow or idle
#: client is dropped, and holds no place that others need (:class:`GuardedH11`).
HEADER_TIMEOUT = 5.0
BODY_TIMEOUT = 10.0
#: Connections served at once; past that a request is answered 503 at once.
MAX_CONNECTIONS = 1000
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _parameters(request: Request) -> list[tuple[str, str]]:
    """The protocol parameters of a request: the query string, plus a form or a query body."""
    params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method != "POST":
        return params
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    too_large = _Refused(413, f"the request is larger than {MAX_QUERY_BYTES} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_QUERY_BYTES:
        raise too_large
    body = await _read_body(request, too_large)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(400, f"the request body is not UTF-8: {exc}") from exc
    if media == "application/x-www-form-urlencoded":
        return params + parse_qsl(text, keep_blank_values=True)
    if media == "application/sparql-query":
        return [*params, ("query", text)]
    if media == "application/sparql-update":
        return [*params, ("update", text)]
    raise _Refused(
        415,
        "POST a query as application/x-www-form-urlencoded (query=...) or "
        f"application/sparql-query, not {media or 'no content type'}",
    )


async def _read_body(request: Request, too_large: _Refused) -> bytes:
    """The body, read within :data:`BODY_TIMEOUT` seconds (408 after), at most
    :data:`MAX_QUERY_BYTES` (413)."""
    import asyncio

    from starlette.requests import ClientDisconnect

    parts: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async for part in request.stream():
                size += len(part)
                if size > MAX_QUERY_BYTES:
                    raise too_large
                parts.append(part)
    except TimeoutError as exc:
        raise _Refused(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s") from exc
    except ClientDisconnect as exc:
        raise _Refused(400, "the client closed the connection before the body ended") from exc
    return b"".join(parts)


def _one_query(params: list[tuple[str, str]]) -> str | None:
    names = [name for name, _ in params]
    if "update" in names:
        raise _Refused(400, "SPARQL UPDATE is refused: this endpoint is read-only")
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri"):
        if name in names:
            raise _Refused(
                400,
                f"{name} is not supported: the default graph is the merge of every source's "
                "graph; use GRAPH <source> { ... } in the query",
            )
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise _Refused(400, "give one query parameter, not several")
    if len(queries[0] if queries else "") > MAX_QUERY_BYTES:
        raise _Refused(413, f"the query is longer than {MAX_QUERY_BYTES} bytes")
    return queries[0] if queries else None


def _reply(reply: Reply) -> Response:
    from starlette.responses import Response

    return Response(
        reply.body,
        status_code=reply.status,
        media_type=reply.media_type,
        headers={**_SECURITY_HEADERS, **reply.headers},
    )


def _plain(status: int, message: str) -> Response:
    return _reply(text_reply(status, message))


def create_app(pool: QueryPool) -> Starlette:
    """The ASGI application over a started :class:`QueryPool` (stopped at shutdown)."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def sparql(request: Request) -> Response:
        try:
            params = await _parameters(request)
            query = _one_query(params)
        except _Refused as exc:
            return _plain(exc.status, exc.message)
        if query is None:
            if request.method == "GET" and not params:
                return service_description(request, pool)
            return _plain(400, "no query: give the query parameter")
        fmt = dict(params).get("format")
        return _reply(await pool.run(query, fmt, request.headers.get("accept")))

    async def page(request: Request) -> Response:
        params = parse_qsl(request.url.query, keep_blank_values=True)
        try:
            query = _one_query(params)
        except _Refused as exc:
            return _page(
                page_html(None, error=exc.message, timeout=pool.timeout, max_rows=pool.max_rows),
                exc.status,
            )
        fmt = dict(params).get("format") or "html"
        if query is None or not query.strip():
            return _page(page_html(None, timeout=pool.timeout, max_rows=pool.max_rows), 200)
        if fmt != "html":
            return _reply(await pool.run(query, fmt))
        reply = await pool.run(query, "html")
        if reply.status != 200:
            message = reply.body.decode("utf-8", "replace")
            return _page(
                page_html(query, error=message, timeout=pool.timeout, max_rows=pool.max_rows),
                reply.status,
            )
        body = reply.body.decode("utf-8")
        return _page(
            page_html(query, answer_fragment=body, timeout=pool.timeout, max_rows=pool.max_rows),
            200,
            reply.headers,
        )

    def _page(text: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
        return HTMLResponse(
            text,
            status_code=status,
            headers={**_SECURITY_HEADERS, "Content-Security-Policy": CSP, **(headers or {})},
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.stop()

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/sparql", sparql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )


def serve(
    store: str | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    workers: int = DEFAULT_WORKERS,
    note: Any = None,
) -> None:
    """Serve the store until SIGINT or SIGTERM."""
    import uvicorn

    if timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    sock = listen(host, port)
    pool = QueryPool(store, workers=workers, timeout=timeout, max_rows=max_rows)
    try:
        for text in pool.start():
            if note:
                note(text)
        config = uvicorn.Config(
            create_app(pool),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            http=guarded_h11(),
            limit_concurrency=MAX_CONNECTIONS,
            timeout_graceful_shutdown=int(timeout) + 2,
            server_header=False,
        )
        server = _server_class()(config)
        if note:
            bound_host, bound_port = sock.getsockname()[:2]
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            note(
                f"serving {pool.spec or 'memory'} at http://{shown}:{bound_port}/ "
                "(SPARQL endpoint: /sparql); Ctrl-C stops"
            )
        server.run(sockets=[sock])
    finally:
        pool.stop()
        sock.close()


def guarded_h11(header_timeout: float = HEADER_TIMEOUT) -> type:
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's line and headers.

    uvicorn closes a connection idle between requests (``timeout_keep_alive``) but waits
    forever for headers that never end, and each such connection counts against
    ``limit_concurrency``: 300 clients sending one header line every few seconds kept every
    other client at 503. Here a connection whose request line and headers are not complete
    within ``header_timeout`` seconds of its opening (or of the previous answer) is closed.
    The body has its own deadline in the application (:data:`BODY_TIMEOUT`, 408). Written
    here because neither uvicorn nor h11 has such a deadline, and this small subclass passes
    the test with 300 slow connections without a second server dependency.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11(H11Protocol):
        _deadline: Any = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            if self.conn.their_state is not h11.IDLE:
                self._disarm()  # the request's line and headers are complete

        def on_response_complete(self) -> None:
            self._arm()  # the next request on this connection has its own deadline
            super().on_response_complete()

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(header_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return GuardedH11


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """Stops gracefully on SIGINT and SIGTERM, then returns (exit status 0) instead of
        raising the signal again as uvicorn does."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in original.items():
                    signal.signal(sig, handler)

    return Server


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port), or a clear error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="Is another server using the port? Choose another with --port.",
        ) from exc
    sock.set_inheritable(False)
    return sock


def service_description(request: Request, pool: QueryPool) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, as Turtle (or N-Triples or
    JSON-LD when asked)."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    endpoint = URIRef(str(request.url.replace(query="", fragment="")))
    g = Graph()
    g.bind("sd", sd)
    g.bind("format", formats)
    g.add((endpoint, RDF.type, sd.Service))
    g.add((endpoint, sd.endpoint, endpoint))
    g.add((endpoint, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((endpoint, sd.feature, sd.UnionDefaultGraph))
    for name in _W3C_FORMAT_NAMES.values():
        g.add((endpoint, sd.resultFormat, formats[name]))
    dataset = BNode()
    g.add((endpoint, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default = BNode()
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    g.add((endpoint, DCTERMS.title, Literal("container-kg")))
    limits = f"Read-only. A query stops after {pool.timeout:g} s"
    if pool.max_rows is not None:
        limits += f"; an answer holds at most {pool.max_rows} rows"
    g.add(
        (
            endpoint,
            RDFS.comment,
            Literal(
                f"{limits}. The default graph is the merge of the named graphs, one per source. "
                "UPDATE, LOAD and SERVICE are refused."
            ),
        )
    )
    fmt = negotiate("CONSTRUCT", request.headers.get("accept"))
    names = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
    from starlette.responses import Response

    media = FORMATS[fmt].media_type
    return Response(
        g.serialize(format=names[fmt]),
        media_type=media + ("; charset=utf-8" if fmt == "ttl" else ""),
        headers=_SECURITY_HEADERS,
    )


#: The W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint serves.
_W3C_FORMAT_NAMES = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
}
assert set(_W3C_FORMAT_NAMES) == {f for kind in SERVED.values() for f in kind}
