"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over any store, and a query page.

Routes:

- ``/sparql``: the SPARQL 1.1 Protocol. ``GET`` with ``?query=``, ``POST`` with a URL-encoded
  form or an ``application/sparql-query`` body. SELECT and ASK answer JSON, XML, CSV or TSV,
  CONSTRUCT and DESCRIBE Turtle, N-Triples or JSON-LD, chosen by the ``Accept`` header (or a
  ``format`` parameter). Without a query it answers the SPARQL 1.1 Service Description.
- ``/``: a page with a plain HTML form (no script, no CDN: it works offline) that shows the
  answer as a table, and lists the query library as examples.

Safe by default. It binds 127.0.0.1 unless told otherwise. It is read-only: the checks of
:func:`kg.query.check` refuse UPDATE, LOAD and SERVICE with 400 and a message before any
engine sees the text; a malformed query answers 400 with the parser's message. Each query runs
in a worker process of a small pool (:mod:`pebble`): after ``timeout`` seconds the server stops
waiting, answers 503, and the worker is killed and replaced, so a runaway query stops using
the CPU and cannot pile up (a Python thread cannot be stopped, and Oxigraph has no
cancellation). The time limit counts from the request's arrival, so a queue behind busy
workers is bounded too. A SELECT answers at most ``max_rows`` rows (the header
``X-SPARQL-MaxRows`` says when it was cut). The query logic is :func:`kg.query.run`.
"""

from __future__ import annotations

import contextlib
import html
import shlex
import signal
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from kg.errors import KgError, QueryError, StoreError, UnsafeQuery, UsageError

if TYPE_CHECKING:
    from pebble import ProcessPool
    from rdflib.term import Node
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from kg.query import LibraryQuery
    from kg.results import Answer
    from kg.store import Store

DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2
MAX_QUERY_BYTES = 1 << 20

#: Answer formats: media type of each, for SELECT/ASK and for CONSTRUCT/DESCRIBE.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
#: Other names clients use for the same formats.
_ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-json+ld": "jsonld",
    "text/plain": "nt",
    "application/json+ld": "jsonld",
}
_FORMAT_NAMES = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "ttl": "ttl",
    "turtle": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


@dataclass
class Reply:
    """What a worker sends back: a status, a media type and a body."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


# --- content negotiation -------------------------------------------------------------------


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The answer format for a query of ``kind`` (SELECT, ASK, CONSTRUCT or DESCRIBE): the
    ``format`` parameter when it names one that fits (a name such as ``csv`` or a media type:
    clients such as SPARQLWrapper send either), else the client's most preferred type that we
    serve, else JSON (SELECT, ASK) or Turtle (CONSTRUCT, DESCRIBE)."""
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    served = GRAPH_TYPES if graph else RESULT_TYPES
    by_type = {media: name for name, media in served.items()}
    by_type.update({m: n for m, n in _ALIASES.items() if n in served})
    if fmt:
        wanted = fmt.strip().lower()
        name = _FORMAT_NAMES.get(wanted) or by_type.get(wanted)
        if name in served:
            return name
    default = "ttl" if graph else "json"
    for media in _preferences(accept or ""):
        if media in by_type:
            return by_type[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for served_type, served_name in by_type.items():
                if served_type.startswith(media[:-1]):
                    return served_name
    return default


def _preferences(accept: str) -> list[str]:
    """The media types of an Accept header, most preferred first (q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, i, media.lower()))
    return [media for _, _, media in sorted(ranked)]


# --- the worker side (runs in the pool's processes) -----------------------------------------

_STORE: Store | None = None
_OPEN_ERROR: str | None = None
_NOTES: list[str] = []


def open_worker(spec: str | None) -> None:
    """Pool initializer: open the store once per worker. An error is kept and reported by
    every query instead of breaking the pool."""
    global _STORE, _OPEN_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    # A query runs inside Oxigraph, where a Python handler would wait for it to finish: the
    # default action makes the pool's SIGTERM stop a runaway query at once. A worker writes
    # nothing, so there is nothing to clean up.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        from kg.graph import KnowledgeGraph

        _STORE = KnowledgeGraph.load(store=spec, note=_NOTES.append).store
    except KgError as exc:
        _OPEN_ERROR = str(exc)


def ping() -> tuple[str | None, list[str]]:
    """The store's opening error (None when it opened) and its notes."""
    return _OPEN_ERROR, list(_NOTES)


def execute(sparql: str, fmt: str, max_rows: int | None) -> Reply:
    """Run a query on this worker's store and render the answer in ``fmt`` (a key of
    RESULT_TYPES or GRAPH_TYPES, or ``html`` for the page)."""
    from kg.query import run

    if _STORE is None:
        return _text(503, f"the store could not be opened: {_OPEN_ERROR}")
    try:
        answer = run(_STORE, sparql, limit=None if max_rows is None else max_rows + 1)
    except QueryError as exc:
        return _text(400, str(exc))
    except StoreError as exc:
        return _text(502, str(exc))
    except KgError as exc:
        return _text(400, str(exc))
    headers: dict[str, str] = {}
    if max_rows is not None:
        if answer.kind == "SELECT" and len(answer.rows) > max_rows:
            answer.rows = answer.rows[:max_rows]
            headers["X-SPARQL-MaxRows"] = str(max_rows)
        elif answer.kind == "CONSTRUCT" and len(answer.triples) > max_rows:
            answer.triples = answer.triples[:max_rows]
            headers["X-SPARQL-MaxRows"] = str(max_rows)
    if fmt == "html":
        body = answer_html(answer, truncated=max_rows if headers else None)
        return Reply(200, "text/html; charset=utf-8", body.encode(), headers)
    from kg.formats import render

    media = RESULT_TYPES.get(fmt) or GRAPH_TYPES[fmt]
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Reply(200, media + charset, render(answer, fmt).encode(), headers)


# --- the pool ------------------------------------------------------------------------------


class QueryPool:
    """Worker processes that each hold the store; a query that runs too long is stopped by
    killing its worker (pebble replaces it)."""

    def __init__(
        self,
        spec: str | None,
        *,
        workers: int = DEFAULT_WORKERS,
        timeout: float = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
    ) -> None:
        self.spec = spec
        self.workers = workers
        self.timeout = timeout
        self.max_rows = max_rows
        self._pool: ProcessPool | None = None

    def start(self, *, wait: float = 600.0) -> list[str]:
        """Start the workers and wait until each has opened the store; returns its notes.
        Raises :class:`StoreError` when the store cannot be opened."""
        import multiprocessing

        from pebble import ProcessPool

        # forkserver: workers fork from a clean single-threaded process with the modules
        # preloaded (fast replacement), never from this threaded server.
        context: Any
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(
                ["kg.serve", "kg.query", "kg.formats", "kg.store", "rdflib"]
            )
        else:  # pragma: no cover - Windows
            context = multiprocessing.get_context("spawn")
        self._pool = ProcessPool(
            max_workers=self.workers,
            initializer=open_worker,
            initargs=(self.spec,),
            context=context,
        )
        notes: list[str] = []
        for future in [self._pool.schedule(ping) for _ in range(self.workers)]:
            error, worker_notes = future.result(timeout=wait)
            if error:
                self.stop()
                raise StoreError(f"cannot serve: {error}")
            notes += [n for n in worker_notes if n not in notes]
        return notes

    async def run(self, sparql: str, fmt: str) -> Reply:
        """The rendered answer, or a 503 when the time limit passes first."""
        import asyncio
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            raise RuntimeError("the pool is not started")
        future = self._pool.schedule(execute, args=(sparql, fmt, self.max_rows))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            future.cancel()  # a running query's worker is killed, a queued one dropped
            return _text(
                503,
                f"the query ran past the time limit of {self.timeout:g} s and was stopped",
            )
        except BrokenProcessPool as exc:
            return _text(503, f"the query stopped its worker ({exc}); try again")
        except Exception as exc:  # a crashed worker, or a bug: say so, keep serving
            from pebble import ProcessExpired

            if isinstance(exc, ProcessExpired):
                return _text(503, f"the query stopped its worker ({exc}); try again")
            raise

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            with contextlib.suppress(TimeoutError):
                self._pool.join(timeout=10)
            self._pool = None


# --- the HTTP side -------------------------------------------------------------------------


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
    body = b""
    async for part in request.stream():
        body += part
        if len(body) > MAX_QUERY_BYTES:
            raise too_large
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


def _refusal(exc: KgError) -> str:
    """The message for a refused query; the CLI's hints about --update do not apply here."""
    if isinstance(exc, UnsafeQuery):
        return (
            f"{exc.message}\n"
            "This endpoint is read-only: it answers SELECT, ASK, CONSTRUCT and DESCRIBE."
        )
    return str(exc)


def _reply(reply: Reply) -> Response:
    from starlette.responses import Response

    return Response(
        reply.body,
        status_code=reply.status,
        media_type=reply.media_type,
        headers={**_SECURITY_HEADERS, **reply.headers},
    )


def _plain(status: int, message: str) -> Response:
    return _reply(_text(status, message))


async def _checked_format(query: str, request: Request, fmt: str | None) -> str:
    """Check the query (refusals answer 400) and negotiate its answer format."""
    from kg.query import check

    checked = check(query)
    return negotiate(checked.kind, request.headers.get("accept"), fmt)


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
        try:
            fmt = await _checked_format(query, request, dict(params).get("format"))
        except KgError as exc:
            return _plain(400, _refusal(exc))
        return _reply(await pool.run(query, fmt))

    async def page(request: Request) -> Response:
        params = parse_qsl(request.url.query, keep_blank_values=True)
        try:
            query = _one_query(params)
        except _Refused as exc:
            return _page(page_html(None, error=exc.message, pool=pool), exc.status)
        fmt = dict(params).get("format") or "html"
        if query is None or not query.strip():
            return _page(page_html(None, pool=pool), 200)
        try:
            from kg.query import check

            checked = check(query)
            if fmt != "html":
                chosen = negotiate(checked.kind, None, fmt)
                return _reply(await pool.run(query, chosen))
        except KgError as exc:
            return _page(page_html(query, error=_refusal(exc), pool=pool), 400)
        reply = await pool.run(query, "html")
        if reply.status != 200:
            message = reply.body.decode("utf-8", "replace")
            return _page(page_html(query, error=message, pool=pool), reply.status)
        body = reply.body.decode("utf-8")
        return _page(page_html(query, answer_fragment=body, pool=pool), 200, reply.headers)

    def _page(text: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
        return HTMLResponse(
            text,
            status_code=status,
            headers={**_SECURITY_HEADERS, "Content-Security-Policy": _PAGE_CSP, **(headers or {})},
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
            limit_concurrency=256,
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


# --- the service description and the page -------------------------------------------------


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
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
    ):
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

    return Response(
        g.serialize(format=names[fmt]),
        media_type=GRAPH_TYPES[fmt] + ("; charset=utf-8" if fmt == "ttl" else ""),
        headers=_SECURITY_HEADERS,
    )


def example_bindings(entry: LibraryQuery) -> list[dict[str, str]]:
    """The ``-p NAME VALUE`` pairs of each of a library query's ``# example:`` lines (one
    dictionary per line; an empty one for an example without parameters)."""
    found: list[dict[str, str]] = []
    for example in entry.examples:
        try:
            words = shlex.split(example)
        except ValueError:
            continue
        bindings: dict[str, str] = {}
        for i, word in enumerate(words[:-2]):
            if word in ("-p", "--param"):
                bindings.setdefault(words[i + 1].lstrip("?$"), words[i + 2])
        found.append(bindings)
    return found


def example_text(entry: LibraryQuery) -> str:
    """A library query ready to run: its header left out, and the values of its first
    example written into a VALUES block."""
    from kg.query import parse_binding
    from kg.remote import bind_values

    examples = example_bindings(entry)
    bindings: dict[str, Node] = {
        name: parse_binding(value) for name, value in (examples[0] if examples else {}).items()
    }
    text = "\n".join(line for line in entry.text.splitlines() if not line.startswith("#"))
    return bind_values(text.strip() + "\n", bindings)


def answer_html(answer: Answer, *, truncated: int | None = None) -> str:
    """An answer as an HTML fragment: a table of rows, true/false, or Turtle. Every piece of
    data is escaped; IRIs link to a DESCRIBE of themselves."""
    from rdflib import URIRef

    from kg.formats import cell, render_graph

    esc = html.escape
    if answer.kind == "ASK":
        return f'<p class="ask">{esc(str(bool(answer.boolean)).lower())}</p>'
    if answer.kind == "CONSTRUCT":
        note = _cut_note(truncated, "triples")
        return f"{note}<pre>{esc(render_graph(answer, 'ttl'))}</pre>"
    out = [_cut_note(truncated, "rows"), f"<p>{len(answer.rows)} rows</p>", "<table><thead><tr>"]
    out += [f"<th>?{esc(v)}</th>" for v in answer.vars]
    out.append("</tr></thead><tbody>")
    for row in answer.rows:
        out.append("<tr>")
        for term in row:
            if term is None:
                out.append("<td></td>")
            elif isinstance(term, URIRef):
                href = "/?" + urlencode({"query": f"DESCRIBE <{term}>"})
                out.append(
                    f'<td><a href="{esc(href)}" title="{esc(str(term))}">{esc(cell(term))}</a></td>'
                )
            else:
                out.append(f'<td title="{esc(term.n3())}">{esc(cell(term))}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cut_note(truncated: int | None, what: str) -> str:
    if truncated is None:
        return ""
    return f'<p class="note">The answer was cut to the first {truncated} {what}.</p>'


_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; padding: 0 1em; }
textarea { width: 100%; font: 13px/1.4 ui-monospace, monospace; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
pre { background: #f8f8f8; padding: .5em; overflow: auto; }
.error { color: #a00; white-space: pre-wrap; font-family: ui-monospace, monospace; }
.note { color: #850; }
dt { font-weight: bold; margin-top: .4em; }
"""

_FORMAT_CHOICES = (
    ("html", "table (this page)"),
    ("json", "SPARQL JSON"),
    ("xml", "SPARQL XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("ttl", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("nt", "N-Triples (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
)


def page_html(
    query: str | None,
    *,
    pool: QueryPool,
    answer_fragment: str | None = None,
    error: str | None = None,
) -> str:
    """The query page: the editor, the answer or the error, and the library's examples."""
    from kg.query import library

    esc = html.escape
    entries = list(library().values())
    text = query if query is not None else (example_text(entries[0]) if entries else "")
    options = "".join(f'<option value="{v}">{esc(label)}</option>' for v, label in _FORMAT_CHOICES)
    limits = f"Queries stop after {pool.timeout:g} s"
    if pool.max_rows is not None:
        limits += f" and answer at most {pool.max_rows} rows"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>container-kg SPARQL</title><style>{_STYLE}</style></head><body>",
        "<h1>container-kg SPARQL</h1>",
        "<p>Ask the knowledge graph in SPARQL 1.1. Known prefixes (eco, kg, schema, org, skos, "
        "prov, dcterms, rdf, rdfs, owl, xsd) need no declaration; the default graph is the "
        "merge of every source's named graph. "
        f'{esc(limits)}. The protocol endpoint is <a href="/sparql">/sparql</a> '
        "(its service description when called without a query).</p>",
        '<form method="get" action="/">',
        f'<textarea name="query" rows="14" spellcheck="false">{esc(text)}</textarea>',
        f'<p><label>Answer as <select name="format">{options}</select></label> ',
        '<button type="submit">Run</button></p></form>',
    ]
    if error is not None:
        parts.append(f'<h2>Error</h2><p class="error">{esc(error)}</p>')
    if answer_fragment is not None:
        parts += ["<h2>Answer</h2>", answer_fragment]
    parts.append("<h2>Examples: the query library</h2><dl>")
    for entry in entries:
        href = "/?" + urlencode({"query": example_text(entry)})
        parts.append(
            f'<dt><a href="{esc(href)}">{esc(entry.title)}</a> <code>{esc(entry.name)}</code></dt>'
            f"<dd>{esc(entry.description)}</dd>"
        )
    parts.append("</dl></body></html>")
    return "\n".join(parts)
