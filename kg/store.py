"""Stores: where the graph lives, behind one spec string.

``memory`` (an in-memory Oxigraph store, filled from ``dist/`` or ``data/``),
``oxigraph:PATH`` (an embedded, persistent Oxigraph store) and ``sparql:QUERY_URL[,UPDATE_URL]``
(any SPARQL 1.1 server). This module is the one place that knows the engines: it turns their
answers into the same :class:`~kg.results.Answer`, so a query gives identical rows on each.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, UsageError
from kg.namespaces import PREFIXES, XSD
from kg.results import Answer

if TYPE_CHECKING:
    from rdflib.term import Node

_XSD_STRING = XSD + "string"
#: Oxigraph answers numbers in canonical form; rdflib keeps the lexical form. Both are
#: normalised to the value's canonical form so that every store gives the same rows.
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
#: The numbers Oxigraph already stores in the canonical form that ``normalise`` gives.
_CANONICAL = {XSD + "integer", XSD + "decimal"}


def from_ox(term: Any) -> Node | None:
    """An rdflib term for a pyoxigraph term (``None`` stays ``None``)."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        lit = Literal(term.value, datatype=URIRef(datatype))
        if datatype in _CANONICAL:
            return lit  # Oxigraph keeps these in canonical form already ("077" is "77")
        if datatype in _NUMERIC and lit.value is not None:
            return Literal(lit.value, datatype=URIRef(datatype))
        return lit
    if isinstance(term, ox.DefaultGraph):
        return None
    raise StoreError(f"unsupported term in an answer: {term!r}")


def to_ox(term: Node) -> Any:
    """A pyoxigraph term for an rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise UsageError(f"cannot use {term!r} as an RDF term")


def normalise(term: Node | None) -> Node | None:
    """The form of a term that every store agrees on (see ``_NUMERIC``)."""
    from rdflib import Literal, URIRef

    if isinstance(term, Literal) and term.datatype is not None and term.language is None:
        datatype = str(term.datatype)
        if datatype == _XSD_STRING:
            return Literal(str(term))
        if datatype == XSD + "decimal" and term.value is not None:
            # Oxigraph's canonical decimal: "77.0" is "77", "1.50" is "1.5", "-0.0" is "0";
            # Python's Decimal keeps the trailing zeros, so they are dropped here.
            value = term.value
            text = "0" if value == 0 else format(value.normalize(), "f")
            return Literal(text, datatype=URIRef(datatype))
        if datatype in _NUMERIC and term.value is not None:
            return Literal(term.value, datatype=URIRef(datatype))
    return term


class Store(ABC):
    """Where the graph lives. Every store answers the same queries with the same rows."""

    spec: str = ""
    #: True when the store keeps its content after the process ends.
    persistent: bool = False

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Node] | None = None,
    ) -> Answer:
        """Run a read-only query. Known prefixes need no declaration; the default graph is the
        merge (a set) of the named graphs."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL UPDATE (callers decide whether that is allowed)."""

    @abstractmethod
    def replace(self, quads: Iterable[ox.Quad]) -> None:
        """Make the store hold exactly these named-graph quads, and their merge as the
        default graph."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the named graphs (each source's own statements)."""

    @abstractmethod
    def triples(self) -> Iterator[ox.Triple]:
        """The triples of the default graph: the merge of the named graphs, each triple once."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of distinct triples (the size of the merged graph)."""

    def close(self) -> None:  # noqa: B027 - most stores have nothing to release
        """Release the store."""

    def graphs(self) -> list[str]:
        """The names of the named graphs."""
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [str(row[0]) for row in answer.rows]

    def to_oxigraph(self) -> ox.Store:
        """An in-memory Oxigraph copy (for fast local work such as projections)."""
        copy = ox.Store()
        copy.extend(self.quads())
        return copy


class OxigraphStore(Store):
    """An Oxigraph store: in memory (``path=None``) or persistent on disk.

    A persistent store opened ``read_only`` takes no lock, so any number of processes (queries,
    ``kg serve`` workers) read it at once; the first write reopens it read-write, which takes
    the lock and fails clearly while another process writes.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = None if path is None else Path(path)
        self.persistent = path is not None
        self.read_only = read_only and path is not None
        self.copy_on_write = False
        self.spec = "memory" if path is None else f"oxigraph:{path}"
        self.ox = ox.Store() if path is None else self._open(read_only=self.read_only)

    @classmethod
    def cache(cls, path: str | os.PathLike[str]) -> OxigraphStore:
        """The ``memory`` store, opened from the on-disk copy that ``kg build`` leaves in
        ``dist/``: opening it costs milliseconds where parsing costs a second at the
        landscape's size. It is read-only; the first write copies it into memory, so a change
        never reaches the cache, as with any ``memory`` store."""
        store = cls(path, read_only=True)
        store.spec = "memory"
        store.persistent = False
        store.copy_on_write = True
        return store

    def _open(self, *, read_only: bool) -> ox.Store:
        try:
            if read_only:
                return ox.Store.read_only(str(self.path))
            return ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as either
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the Oxigraph store at {self.path} is being written by another process",
                    hint="Wait for it (or stop it: a `kg build` or `kg query --update`), "
                    "then try again.",
                ) from exc
            raise StoreError(
                f"cannot open the Oxigraph store at {self.path}: {exc}",
                hint="Check the path, or build it with `kg build --store oxigraph:PATH`.",
            ) from exc

    def _writable(self) -> None:
        if self.copy_on_write:
            copy = ox.Store()
            copy.bulk_extend(self.ox.quads_for_pattern(None, None, None, None))
            self.ox, self.path = copy, None
            self.read_only = self.copy_on_write = False
        elif self.read_only:
            self.ox = self._open(read_only=False)
            self.read_only = False

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Node] | None = None,
    ) -> Answer:
        subs = None
        if substitutions:
            subs = {ox.Variable(name): to_ox(value) for name, value in substitutions.items()}
        try:
            result = self.ox.query(
                sparql,
                prefixes=PREFIXES,
                substitutions=subs,
            )
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise _query_failure(exc) from exc
        return answer_from_ox(result)

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self.ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        self._writable()
        self.ox.clear()
        self.ox.bulk_extend(with_merge(quads))
        if self.persistent:
            self.ox.flush()

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add named-graph quads (and their triples to the merged default graph)."""
        self._writable()
        self.ox.extend(with_merge(quads))

    def load_file(self, path: Path, fmt: ox.RdfFormat, *, trusted: bool = False) -> None:
        """Add a whole file at the engine's own parsing speed. ``trusted`` is for a file this
        project wrote itself (the build's reload file): its IRIs are not checked again."""
        self._writable()
        if self.persistent:
            self.ox.bulk_load(path=str(path), format=fmt, lenient=trusted)
        else:
            # In memory, Store.load is faster than bulk_load and holds less (make bench: 4.9 s
            # against 7.6 s and 702 against 761 bytes per triple at 1M triples).
            self.ox.load(path=str(path), format=fmt, lenient=trusted)

    def quads(self) -> Iterator[ox.Quad]:
        return (
            q
            for q in self.ox.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def triples(self) -> Iterator[ox.Triple]:
        return (q.triple for q in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def __len__(self) -> int:
        return sum(1 for _ in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def to_oxigraph(self) -> ox.Store:
        return self.ox

    def close(self) -> None:
        if self.persistent and not self.read_only:
            self.ox.flush()
        del self.ox


def with_merge(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads, each followed by its triple in the default graph.

    Oxigraph's "default graph as union" is a bag: a triple that two sources state would come
    back twice. SPARQL's default graph is a set, so the merge is stored once instead; the
    store dedupes the repeated default-graph triples.
    """
    default = ox.DefaultGraph()
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            yield quad
            continue
        yield quad
        yield ox.Quad(quad.subject, quad.predicate, quad.object, default)


def _query_failure(exc: Exception) -> QueryError:
    text = str(exc)
    missing = re.search(r"does not contains? variable \?(\w+) in its SELECT projection", text)
    if missing:
        name = missing.group(1)
        return QueryError(
            f"?{name} is bound (with -p or a keyword) but the SELECT does not return it",
            hint=f"Add ?{name} to the SELECT clause, or use SELECT *.",
        )
    return QueryError(f"the query failed: {text}")


_UNSEEN: Any = object()


def answer_from_ox(result: Any) -> Answer:
    """An :class:`Answer` for what ``pyoxigraph.Store.query`` returned."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        # One rdflib term per distinct engine term: making rdflib terms is most of what a
        # query costs over the engine's own time (make bench: the queries' "to floor").
        memo: dict[Any, Node | None] = {}
        width = range(len(names))
        rows = []
        for sol in result:
            row = []
            for i in width:
                term = sol[i]
                converted = memo.get(term, _UNSEEN)
                if converted is _UNSEEN:
                    converted = memo[term] = from_ox(term)
                row.append(converted)
            rows.append(tuple(row))
        return Answer("SELECT", vars=names, rows=rows)
    if isinstance(result, ox.QueryTriples):
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result]
        return Answer("CONSTRUCT", triples=triples)  # type: ignore[arg-type]
    raise StoreError(f"unexpected answer from Oxigraph: {type(result).__name__}")


def open_store(spec: str | None = None, *, create: bool = False) -> Store:
    """Open a store from its spec (``memory``, ``oxigraph:PATH``, ``sparql:URL[,URL]``).

    ``memory`` gives an empty store: :func:`kg.build.load` fills it. ``spec`` defaults to
    ``$KG_STORE``, then ``memory``.
    """
    spec = spec or os.environ.get("KG_STORE") or "memory"
    kind, _, rest = spec.partition(":")
    if kind == "memory" and not rest:
        return OxigraphStore()
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
        from kg.remote import SparqlStore

        query_url, _, update_url = rest.partition(",")
        return SparqlStore(query_url, update_url or None)
    raise UsageError(
        f"unknown store {spec!r}",
        hint="Use memory, oxigraph:PATH or sparql:QUERY_URL[,UPDATE_URL].",
    )
