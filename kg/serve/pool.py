"""The worker side of ``kg serve``: processes that each hold the store and answer queries.

Each query runs in a worker process of a small pool (:mod:`pebble`): after ``timeout`` seconds
the server stops waiting, answers 503, and the worker is killed and replaced, so a runaway query
stops using the CPU and cannot pile up (a Python thread cannot be stopped, and the engine has no
cancellation). The time limit counts from the request's arrival, so a queue behind busy workers
is bounded too.
"""

from __future__ import annotations

import contextlib
import signal
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import KgError, QueryError, StoreError, UnsafeQuery
from kg.formats import media_type, negotiate, render
from kg.graph import KnowledgeGraph
from kg.query import run
from kg.serve.page import answer_html
from kg.sparql.check import check

if TYPE_CHECKING:
    from pebble import ProcessPool

    from kg.store import Store

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2


@dataclass
class Reply:
    """What a worker sends back: a status, a media type and a body."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str) -> Reply:
    """A plain-text reply (errors, refusals)."""
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


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
        # A worker answers many queries: the build parsed into memory answers the heavy ones
        # 2-10x faster than its on-disk copy at 1M triples (benchmarks/DESIGN-store.md).
        _STORE = KnowledgeGraph.open(store=spec, note=_NOTES.append, in_memory=True).store
    except KgError as exc:
        _OPEN_ERROR = str(exc)


def ping() -> tuple[str | None, list[str]]:
    """The store's opening error (None when it opened) and its notes."""
    return _OPEN_ERROR, list(_NOTES)


def execute(sparql: str, fmt: str | None, max_rows: int | None, accept: str | None = None) -> Reply:
    """Check a query, run it on this worker's store and render the answer: in ``fmt`` (a
    format's name or media type, as the ``format`` parameter gives it; ``html`` for the page)
    when it fits the query, else as ``accept`` (the Accept header) prefers.

    Everything that reads the query's text happens here, in the worker, under the pool's time
    limit: the server's event loop never parses a query."""
    if _STORE is None:
        return text_reply(503, f"the store could not be opened: {_OPEN_ERROR}")
    try:
        checked = check(sparql)
        if fmt != "html":
            fmt = negotiate(checked.kind, accept, fmt)
        answer = run(_STORE, sparql, limit=max_rows)
    except UnsafeQuery as exc:
        return text_reply(
            400,
            f"{exc.message}\n"
            "This endpoint is read-only: it answers SELECT, ASK, CONSTRUCT and DESCRIBE.",
        )
    except QueryError as exc:
        return text_reply(400, str(exc))
    except StoreError as exc:
        return text_reply(502, str(exc))
    except KgError as exc:
        return text_reply(400, str(exc))
    headers: dict[str, str] = {}
    if answer.truncated and max_rows is not None:
        headers["X-SPARQL-MaxRows"] = str(max_rows)
    if fmt == "html":
        body = answer_html(answer, truncated=max_rows if headers else None)
        return Reply(200, "text/html; charset=utf-8", body.encode(), headers)
    return Reply(200, media_type(fmt), render(answer, fmt).encode(), headers)


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
                ["kg.serve.pool", "kg.query", "kg.formats", "kg.store", "rdflib"]
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

    async def run(self, sparql: str, fmt: str | None, accept: str | None = None) -> Reply:
        """The checked, rendered answer (see :func:`execute`), or a 503 when the time limit
        passes first."""
        import asyncio
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            raise RuntimeError("the pool is not started")
        future = self._pool.schedule(execute, args=(sparql, fmt, self.max_rows, accept))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            future.cancel()  # a running query's worker is killed, a queued one dropped
            return text_reply(
                503,
                f"the query ran past the time limit of {self.timeout:g} s and was stopped",
            )
        except BrokenProcessPool as exc:
            return text_reply(503, f"the query stopped its worker ({exc}); try again")
        except Exception as exc:  # a crashed worker, or a bug: say so, keep serving
            from pebble import ProcessExpired

            if isinstance(exc, ProcessExpired):
                return text_reply(503, f"the query stopped its worker ({exc}); try again")
            raise

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            with contextlib.suppress(TimeoutError):
                self._pool.join(timeout=10)
            self._pool = None
