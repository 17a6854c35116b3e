"""Running queries: checks first, bindings as terms, a row cap that stops the engine.

A query is read-only: UPDATE runs only when the caller allows it, on a local store; ``SERVICE``
and ``LOAD`` are refused always (:mod:`kg.sparql.check`). Bindings (``-p NAME VALUE``, or
keywords in Python) reach the engine as terms through substitutions (SEP-0007), never pasted
into the text. ``limit`` caps the work, not only the output: the engine stops producing rows.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg.errors import QueryError, QueryTimeout, UsageError
from kg.labels import as_iri
from kg.labels import resolve as resolve_entity
from kg.sparql.bindings import binding_term
from kg.sparql.check import check, explain_syntax_error
from kg.sparql.library import LibraryQuery, example_bindings, resolve
from kg.store import Answer, Store

if TYPE_CHECKING:
    from rdflib.term import Node

T = TypeVar("T")


def run(
    store: Store,
    sparql: str,
    *,
    bindings: Mapping[str, Node | str] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
) -> Answer:
    """Check and run a query; ``bindings`` bind variables (strings are parsed as ``-p`` values,
    see :func:`~kg.sparql.bindings.binding_term`). ``limit`` keeps the first rows (or
    triples) and stops the engine there (``answer.truncated`` says whether there were more).

    An UPDATE runs only with ``allow_update`` and on a local store; its answer is one row: the
    quads it ``added`` and ``removed``.
    """
    if not sparql.strip():
        raise UsageError("the query is empty", hint="Give SPARQL text, a file or a library name.")
    checked = check(sparql, allow_update=allow_update)
    subs: dict[str, Node] = {}
    for name, value in (bindings or {}).items():
        key = name.lstrip("?$")
        subs[key] = (
            binding_term(value, prefixes=checked.declared, name=key)
            if isinstance(value, str)
            else value
        )
    if checked.kind == "UPDATE":
        if subs:
            raise UsageError(
                "bindings cannot be used with an UPDATE",
                hint="Write the values into the update itself.",
            )
        return update(store, sparql)
    return _with_syntax(
        sparql, lambda: store.query(sparql, substitutions=subs or None, limit=limit)
    )


def update(store: Store, sparql: str) -> Answer:
    """Run a SPARQL UPDATE on a local store, keeping the default graph the merge of the named
    graphs (:meth:`~kg.store.Store.update_named`). Returns one row: the named-graph quads
    ``added`` and ``removed``."""
    from rdflib import Literal

    check(sparql, allow_update=True)
    added, removed = _with_syntax(sparql, lambda: store.update_named(sparql), update=True)
    return Answer("UPDATE", vars=["added", "removed"], rows=[(Literal(added), Literal(removed))])


def _with_syntax(sparql: str, call: Callable[[], T], *, update: bool = False) -> T:
    try:
        return call()
    except QueryError as exc:
        if "error at " in exc.message:
            raise explain_syntax_error(sparql, exc.message, update=update) from exc
        raise


def entity_params(entry: LibraryQuery) -> set[str]:
    """The parameters of a library query that name an entity: those whose example values are
    IRIs (``-p acquirer kg:docker``)."""
    return {
        name
        for example in example_bindings(entry)
        for name, value in example.items()
        if value.startswith(("kg:", "<", "http://", "https://"))
    }


def resolve_name(store: Store, value: str) -> str:
    """``value`` as it is when it writes an IRI or a value (a prefixed name, an address, a
    date, a number, a quoted literal), else the IRI of the entity it names."""
    text = value.strip()
    if as_iri(text) is not None or _VALUE.fullmatch(text) or text.startswith(('"', "<")):
        return value
    return "<" + resolve_entity(store, text) + ">"


_VALUE = re.compile(r"[+-]?\d+(\.\d+)?|\d{4}(-\d{2}){0,2}|[A-Za-z][\w-]*:\S*")


def execute(
    store: Store,
    text_or_name: str | Path,
    *,
    bindings: Mapping[str, Node | str] | None = None,
    allow_update: bool = False,
    limit: int | None = None,
) -> Answer:
    """Resolve (library name, file or text) and :func:`run`. A library query takes only the
    parameters its header declares, and needs the required ones; a parameter whose examples
    are entities takes a name too (``-p acquirer Docker``: :func:`kg.labels.resolve`)."""
    text, entry = resolve(text_or_name)
    if entry is not None and bindings:
        bindings = {
            name: (
                resolve_name(store, value)
                if isinstance(value, str) and name.lstrip("?$") in entity_params(entry)
                else value
            )
            for name, value in bindings.items()
        }
    if entry is not None:
        for name in bindings or {}:
            if name.lstrip("?$") not in entry.params:
                takes = (
                    f"Its parameters: {', '.join(entry.params)}."
                    if entry.params
                    else "It takes no parameters."
                )
                raise UsageError(
                    f"{entry.name} has no parameter {name!r}",
                    hint=f"{takes} See `kg query --show {entry.name}`.",
                )
        for name in entry.required:
            if name not in {b.lstrip("?$") for b in bindings or {}}:
                what = entry.params[name].removeprefix("(required)").strip()
                raise UsageError(
                    f"{entry.name} needs -p {name} VALUE: {what}",
                    hint=f"For example: {entry.examples[0]}" if entry.examples else None,
                )
    return run(store, text, bindings=bindings, allow_update=allow_update, limit=limit)


# --- a time limit ------------------------------------------------------------------------------

#: Seconds a ``kg query`` may run by default (``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: The stack of the thread that runs a query: the engine's parser recurses per nesting level,
#: and a deep stack keeps a text that escapes the nesting check (kg.sparql.check.MAX_DEPTH)
#: from overflowing it. It is address space, not memory: pages are used only when touched.
QUERY_STACK = 1 << 30
_STACK_LOCK = threading.Lock()


#: Query threads :func:`within` stopped waiting for (Ctrl-C, the time limit).
_LEFT_RUNNING: list[threading.Thread] = []


def left_running() -> bool:
    """True while a query that :func:`within` stopped waiting for is still in the engine: the
    process should then end without finalising the interpreter (``os._exit``), which can hang
    or crash around a thread running native code (CPython gh-87135, gh-96387)."""
    return any(thread.is_alive() for thread in _LEFT_RUNNING)


#: Seconds between two looks at a pending Ctrl-C while a query runs.
_SLICE = 0.05


def _start_deaf_to_ctrl_c(thread: threading.Thread) -> None:
    """Start ``thread`` with SIGINT blocked in it and in the threads it starts (the engine's,
    RocksDB's): the kernel may hand a process's signal to any thread that does not block it,
    and only the main thread's waits are interrupted by one, so Ctrl-C always goes to the
    thread that waits for the query. Where signals cannot be masked, or off the main thread,
    it simply starts."""
    import signal

    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None or threading.current_thread() is not threading.main_thread():
        thread.start()
        return
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        thread.start()
    finally:
        mask(signal.SIG_SETMASK, previous)  # a Ctrl-C that came meanwhile is raised here


def _wait(done: threading.Event, seconds: float | None) -> bool:
    """``done.wait(seconds)`` in short slices: a signal handled by another thread of the
    process interrupts no wait of the main thread, only its next look."""
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        left = _SLICE if deadline is None else min(_SLICE, deadline - time.monotonic())
        if left <= 0:
            return done.is_set()
        if done.wait(left):
            return True


def within(seconds: float | None, call: Callable[[], T]) -> T:
    """``call()`` in a thread of its own, waited for at most ``seconds`` (None: no limit).

    The engine runs without the GIL and cannot be interrupted, so the calling thread waits
    instead, and stays free: Ctrl-C (``KeyboardInterrupt``) and the time limit
    (:class:`QueryTimeout`) reach it at once. The query's thread is a daemon that keeps running
    until the process ends, which is why a command ends when either happens, at once
    (:func:`left_running`; the server runs queries in worker processes it can kill instead:
    :mod:`kg.serve.pool`).
    """
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=target, name="kg-query", daemon=True)
    try:
        with _STACK_LOCK:
            old = threading.stack_size()
            # A platform that refuses it keeps the default stack.
            with contextlib.suppress(ValueError, RuntimeError):
                threading.stack_size(QUERY_STACK)
            try:
                _start_deaf_to_ctrl_c(thread)
            finally:
                threading.stack_size(old)
        finished = _wait(done, seconds)
    finally:
        # Ctrl-C (as it starts or while it runs) or the time limit: it goes on in the engine.
        if not done.is_set():
            _LEFT_RUNNING[:] = [t for t in _LEFT_RUNNING if t.is_alive()]
            _LEFT_RUNNING.append(thread)
    if not finished:
        raise QueryTimeout(
            f"the query ran past the time limit of {seconds:g} s and was stopped",
            hint="Give it more time with --timeout SECONDS (0: no limit), or narrow it "
            "(--limit N stops after N rows).",
        )
    if failure:
        raise failure[0]
    return outcome[0]
