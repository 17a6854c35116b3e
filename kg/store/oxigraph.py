"""Oxigraph stores: in memory, on disk, and the read-only copy that ``kg build`` leaves in
``dist/``. The only module that holds a ``pyoxigraph.Store``."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.store.answer import Answer, answer_from_ox, query_failure
from kg.store.base import Store, with_merge
from kg.store.remote import bind_values
from kg.store.terms import to_ox

if TYPE_CHECKING:
    from rdflib.term import Node

#: The RDF formats a store writes and reads, by the names the CLI uses: file suffix and format.
RDF_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "trig": ("trig", ox.RdfFormat.TRIG),
    "nq": ("nq", ox.RdfFormat.N_QUADS),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "ttl": ("ttl", ox.RdfFormat.TURTLE),
    "xml": ("rdf", ox.RdfFormat.RDF_XML),
    "jsonld": ("jsonld", ox.RdfFormat.JSON_LD),
}


def parse(fh: IO[bytes], fmt: str, *, base_iri: str | None = None) -> Iterator[ox.Quad]:
    """The quads of an RDF document (``fmt`` a key of :data:`RDF_FORMATS`), read lazily; a
    syntax error is the engine's ``SyntaxError`` (with its line and column)."""
    return iter(ox.parse(fh, format=RDF_FORMATS[fmt][1], base_iri=base_iri))


def serialize(quads: Iterable[ox.Quad], fh: IO[bytes], fmt: str) -> None:
    """Write quads in ``fmt`` with the project's prefixes, in the order given."""
    ox.serialize(quads, fh, RDF_FORMATS[fmt][1], prefixes=PREFIXES)


def parse_on_empty_store(sparql: str, *, update: bool = False) -> None:
    """Have the engine read ``sparql`` (a query, or an update), on an empty store of its own:
    its ``SyntaxError`` when it cannot, nothing when it can. Evaluation errors on the empty
    store are no concern here. For texts the caller knows reach nothing (no SERVICE, no LOAD):
    :mod:`kg.sparql.check` asks it what the engine's own parser accepts."""
    empty = ox.Store()
    try:
        if update:
            empty.update(sparql, prefixes=PREFIXES)
        else:
            empty.query(sparql, prefixes=PREFIXES)
    except SyntaxError:
        raise
    except (OSError, ValueError, RuntimeError):
        pass


#: Quads per chunk of :meth:`OxigraphStore.bulk_add`, per part of :meth:`~OxigraphStore.save_copy`.
_CHUNK = 100_000
_COPY_PART = 500_000


class OxigraphStore(Store):
    """An Oxigraph store: in memory (``path=None``) or persistent on disk.

    A persistent store opened ``read_only`` takes no lock, so any number of processes (queries,
    ``kg serve`` workers) read it at once; the first write reopens it read-write, which takes
    the lock and fails clearly while another process writes.
    """

    local = True

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = None if path is None else Path(path)
        self.persistent = path is not None
        self.read_only = read_only and path is not None
        self.copy_on_write = False
        self.spec = "memory" if path is None else f"oxigraph:{path}"
        self._ox = ox.Store() if path is None else self._open(read_only=self.read_only)

    @classmethod
    def from_copy(cls, path: str | os.PathLike[str]) -> OxigraphStore:
        """The ``memory`` store, opened from the on-disk copy that ``kg build`` leaves in
        ``dist/``: opening it costs milliseconds where parsing costs a second at the
        landscape's size. It is read-only; the first write copies it into memory, so a change
        never reaches the copy, as with any ``memory`` store."""
        store = cls(path, read_only=True)
        store.spec = "memory"
        store.persistent = False
        store.copy_on_write = True
        return store

    @classmethod
    def wrap(cls, engine: ox.Store) -> OxigraphStore:
        """A store over an existing ``pyoxigraph.Store`` (a notebook's, a test's)."""
        store = cls()
        store._ox = engine
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
            copy.bulk_extend(self._ox.quads_for_pattern(None, None, None, None))
            self._ox, self.path = copy, None
            self.read_only = self.copy_on_write = False
        elif self.read_only:
            self._ox = self._open(read_only=False)
            self.read_only = False

    # --- reading ------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Node] | None = None,
        limit: int | None = None,
    ) -> Answer:
        subs = None
        if substitutions:
            subs = {ox.Variable(name): to_ox(value) for name, value in substitutions.items()}
        try:
            try:
                result = self._ox.query(sparql, prefixes=PREFIXES, substitutions=subs)
            except RuntimeError as exc:
                if not substitutions or "in its SELECT projection" not in str(exc):
                    raise
                # The engine binds projected variables only; any other is bound as the
                # remote store binds them: a VALUES block of engine-written terms opening the
                # outermost WHERE group (the same scope as a substitution).
                bound = bind_values(sparql, substitutions)
                result = self._ox.query(bound, prefixes=PREFIXES)
            return answer_from_ox(result, limit=limit)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise query_failure(exc) from exc

    def quads(self) -> Iterator[ox.Quad]:
        return (
            q
            for q in self._ox.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def triples(self) -> Iterator[ox.Triple]:
        return (q.triple for q in self._ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def all_quads(self) -> Iterator[ox.Quad]:
        """The named graphs' quads and the merged default graph's, as stored."""
        return iter(self._ox.quads_for_pattern(None, None, None, None))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def to_oxigraph(self) -> ox.Store:
        return self._ox

    # --- writing ------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self._ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        self._writable()
        self._ox.clear()
        self._ox.bulk_extend(with_merge(quads))
        self.flush()

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add named-graph quads (and their triples to the merged default graph)."""
        self._writable()
        self._ox.extend(with_merge(quads))

    def bulk_add(self, quads: Sequence[ox.Quad], *, graph: str) -> None:
        """:meth:`add` for many quads of one named graph (a derived graph), read by the
        engine as N-Quads a chunk at a time: 2-4 times as fast as inserting a Python object
        per quad and per merged triple (29 s against 10 s for the million derived quads of
        the 1M-triple benchmark). Not one transaction: a failure part-way leaves part."""
        self._writable()
        suffix = f" <{graph}> .\n".encode()
        for start in range(0, len(quads), _CHUNK):
            chunk = quads[start : start + _CHUNK]
            text = ox.serialize(chunk, None, ox.RdfFormat.N_QUADS) or b""
            # Each line ends with the graph's name (a line break ends lines only, N-Quads
            # escapes the others): without it, the line is the merged triple. A blank node
            # would be renamed on reading; such a chunk, or one of another graph, goes as it is.
            if b"_:" in text or text.count(b"\n") != text.count(suffix):
                self._ox.bulk_extend(with_merge(chunk))
                continue
            self._ox.load(text, format=ox.RdfFormat.N_QUADS, lenient=True)
            merged = text.replace(suffix, b" .\n")
            del text
            self._ox.load(merged, format=ox.RdfFormat.N_TRIPLES, lenient=True)

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove named-graph quads; their triple leaves the merged default graph too unless
        another graph still states it."""
        self._writable()
        default = ox.DefaultGraph()
        for quad in list(quads):
            self._ox.remove(quad)
            pattern = self._ox.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
            if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in pattern):
                self._ox.remove(ox.Quad(quad.subject, quad.predicate, quad.object, default))

    def load_file(
        self,
        path: Path,
        fmt: str,
        *,
        trusted: bool = False,
        base_iri: str | None = None,
        to_graph: str | None = None,
    ) -> None:
        """Add a whole file (``fmt`` a key of :data:`RDF_FORMATS`) at the engine's own parsing
        speed, as it is: nothing is added to the merge (see :meth:`merge_named`). ``trusted``
        is for a file this project wrote itself (the build's reload file, which holds the
        merged default graph already): its IRIs are not checked again. ``to_graph`` names the
        graph a triple file's triples go to (else the default graph)."""
        self._writable()
        rdf_format = RDF_FORMATS[fmt][1]
        graph = None if to_graph is None else ox.NamedNode(to_graph)
        # In memory, Store.load is faster than bulk_load and holds less (make bench: 4.9 s
        # against 7.6 s and 702 against 761 bytes per triple at 1M triples).
        load = self._ox.bulk_load if self.persistent else self._ox.load
        load(path=str(path), format=rdf_format, base_iri=base_iri, to_graph=graph, lenient=trusted)

    def merge_named(self) -> None:
        """Add every named graph's triples to the default graph, in the engine (after
        :meth:`load_file` of named graphs: the merge rule of :func:`with_merge`, at once)."""
        self._writable()
        self._ox.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    def has_default_triples(self) -> bool:
        """True when the default graph holds a triple."""
        return next(self.triples(), None) is not None

    def write(self, fh: IO[bytes], fmt: str) -> None:
        """Serialise in ``fmt`` (a key of :data:`RDF_FORMATS`). N-Quads holds the merged
        default graph too (it is the reload file: reloading is one native load); the other
        dataset formats hold the named graphs, the triple formats the merged graph."""
        rdf_format = RDF_FORMATS[fmt][1]
        # N-Quads and N-Triples by the engine's own dump: the same bytes as serialising the
        # quads one by one, without a Python object per quad.
        if rdf_format == ox.RdfFormat.N_QUADS:
            self._ox.dump(fh, rdf_format)
        elif rdf_format == ox.RdfFormat.N_TRIPLES:
            self._ox.dump(fh, rdf_format, from_graph=ox.DefaultGraph())
        elif rdf_format.supports_datasets:
            ox.serialize(self.quads(), fh, rdf_format, prefixes=PREFIXES)
        else:
            ox.serialize(self.triples(), fh, rdf_format, prefixes=PREFIXES)

    def save_copy(self, folder: Path) -> None:
        """Write an on-disk Oxigraph copy of everything into ``folder`` (a new, empty one)."""
        copy = ox.Store(str(folder))
        # In parts: the engine's bulk loader holds about 500 bytes a quad until the end of a
        # call, 2 GB for the 4M quads (named graphs and merge) of the 1M-triple benchmark.
        # Parts of 500,000 quads bound that to 250 MB, for some more time (CPU time at 1M,
        # one run each: one call 56 s and 3.4 GB peak, 250,000-quad parts 83 s and 1.8 GB).
        quads = iter(self._ox.quads_for_pattern(None, None, None, None))
        for first in quads:  # each part read as it goes (a list of them would hold 250 MB)
            copy.bulk_extend(itertools.chain((first,), itertools.islice(quads, _COPY_PART - 1)))
        copy.flush()
        copy.optimize()
        del copy

    def flush(self) -> None:
        if self.persistent and not self.read_only:
            self._ox.flush()

    def close(self) -> None:
        self.flush()
        if self.path is not None:
            self._ox = ox.Store()  # drops the on-disk handle, and with it RocksDB's lock
