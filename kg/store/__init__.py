"""Stores: where the graph lives, behind one spec string. The only code that knows the engines.

========================  ===================================================================
``memory`` (default)      the built graph in ``dist/``: its read-only Oxigraph copy opened in
                          place (a write copies it into memory first), else ``kg.nq`` parsed;
                          ``in_memory=True`` (long-lived processes: ``kg serve``, notebooks)
                          parses ``kg.nq`` into memory, where queries run 2-10x faster at 1M
                          triples (benchmarks/DESIGN-store.md)
``oxigraph:PATH``         an embedded, persistent Oxigraph store
``sparql:URL[,UPDATE]``   any SPARQL 1.1 server
========================  ===================================================================

Every store answers the same query with the same rows (:class:`~kg.store.answer.Answer`), keeps
each source in a named graph, and keeps the default graph the merge of them
(:func:`~kg.store.base.with_merge`). ``$KG_STORE`` names the default store when no spec is given.

>>> store = open_store("memory", create=True)
>>> store.add([Quad(NamedNode("https://example.org/a"), NamedNode("https://example.org/p"),
...                 Literal("x"), NamedNode("https://example.org/source"))])
>>> len(store), store.quad_count()
(1, 1)
"""

from __future__ import annotations

import os
from pathlib import Path

# The engine's term and format classes, for modules that read a store's quads directly (the
# views' one-pass projections): they come from here, so the engine is named in one package.
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from kg import resources
from kg.errors import DataError, NotBuilt, SourceSyntaxError, StoreError, UsageError
from kg.store.answer import Answer
from kg.store.base import Store, with_merge
from kg.store.oxigraph import RDF_FORMATS, OxigraphStore, parse, parse_on_empty_store, serialize
from kg.store.remote import SparqlStore
from kg.text import middle

__all__ = [
    "RDF_FORMATS",
    "Answer",
    "BlankNode",
    "DefaultGraph",
    "Literal",
    "NamedNode",
    "OxigraphStore",
    "Quad",
    "SparqlStore",
    "Store",
    "Triple",
    "current_build",
    "default_spec",
    "open_dist",
    "open_store",
    "parse",
    "parse_on_empty_store",
    "serialize",
    "with_merge",
]

MEMORY = "memory"
#: What ``kg build`` writes into each build (a *generation*) that later commands open.
RELOAD_FILE = "kg.nq"
COPY_DIR = "kg.oxigraph"
MANIFEST = "manifest.json"
#: ``dist/current`` is the link to the published generation, one of ``dist/generations/*``;
#: ``dist/kg.trig`` and the others are links through it (see :mod:`kg.build`).
CURRENT = "current"
GENERATIONS = "generations"


def default_spec() -> str:
    """The store used when none is named: ``$KG_STORE``, else ``memory``."""
    return os.environ.get("KG_STORE") or MEMORY


def open_store(
    spec: str | None = None,
    *,
    create: bool = False,
    dist: Path | None = None,
    in_memory: bool = False,
) -> Store:
    """Open a store from its spec (see the module's table).

    ``create`` is for writers such as ``kg build``: ``memory`` is then a new empty store and an
    ``oxigraph:PATH`` that does not exist yet is made. ``dist`` is the build folder ``memory``
    opens (default: ``dist/`` of the workspace); :class:`~kg.errors.NotBuilt` when it holds no
    build. ``in_memory`` is :func:`open_dist`'s: for ``memory`` only.
    """
    spec = (spec or default_spec()).strip()
    kind, _, rest = spec.partition(":")
    if kind == MEMORY and not rest:
        if create:
            return OxigraphStore()
        return open_dist(dist or resources.dist_dir(), in_memory=in_memory)
    if kind == "oxigraph" and rest:
        path = Path(rest).expanduser()
        if not create and not path.exists():
            raise StoreError(
                f"no Oxigraph store at {path}",
                hint=f"Create it with `kg build --store oxigraph:{rest}`.",
            )
        # Reading takes no lock (see OxigraphStore); `create` is for writers such as build.
        return OxigraphStore(path, read_only=not create)
    if kind == "sparql" and rest:
        query_url, _, update_url = rest.partition(",")
        return SparqlStore(query_url, update_url or None)
    raise UsageError(
        f"unknown store {spec!r}",
        hint="Use memory, oxigraph:PATH or sparql:QUERY_URL[,UPDATE_URL].",
    )


def current_build(dist: Path) -> Path:
    """The folder of the build that ``dist`` publishes now: where ``dist/current`` points,
    read once, so that every file a reader opens afterwards is of that one build even while
    another is published. A ``dist`` of before generations (plain files) is its own build.
    The one place that decides which build a reader reads."""
    link = dist / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return dist
    except OSError:  # not a link (a folder someone made), or unreadable: read dist itself
        return dist
    return dist / target


def open_dist(dist: Path, *, in_memory: bool = False) -> OxigraphStore:
    """The build in ``dist`` (:func:`current_build`): its Oxigraph copy opened read-only in
    place, else its reload file parsed into memory (a copy another engine version wrote, or a
    damaged one). A damaged or unreadable reload file is a one-line error naming it.

    ``in_memory`` parses the reload file even when the copy is there: for processes that ask
    many questions. Opening the copy costs milliseconds where parsing costs 0.25 s at the
    landscape's size and 2.4 s at 1M triples, but every query on the copy reads RocksDB and
    runs 2-10x slower than in memory on the heavy queries at 1M (benchmarks/DESIGN-store.md):
    a one-shot ``kg query`` opens the copy, a server or a notebook parses."""
    folder = current_build(dist)
    reload = folder / RELOAD_FILE
    try:
        built = reload.is_file()
    except OSError:
        built = False
    if not built:
        raise NotBuilt(f"no built graph in {dist}", hint="Run `kg build` first.")
    copy = folder / COPY_DIR
    if copy.is_dir() and not in_memory:
        try:
            return OxigraphStore.from_copy(copy)
        except StoreError:
            pass
    store = OxigraphStore()
    damaged = f"The build in {dist} is damaged: run `kg build` again."
    try:
        store.load_file(reload, "nq", trusted=True)  # written by kg build
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        text = str(exc.msg or exc)
        if text.startswith("Parser error") and ": " in text:  # the position is given apart
            text = text.split(": ", 1)[1]
        raise SourceSyntaxError(str(reload), line, middle(text, 300), hint=damaged) from exc
    except (OSError, ValueError, MemoryError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DataError(f"cannot read {reload}: {reason}", hint=damaged) from exc
    return store
