"""What every store does, and the one rule they share: the default graph is the merge.

Each source's statements live in a named graph of their own. SPARQL's default graph, as every
command sees it, is the merge of those graphs, and a merge is a set: a triple that two sources
state is one triple. (Oxigraph's "default graph as union" is a bag and would answer it twice.)
So the merge is stored once, in the default graph, by :func:`with_merge`; an update that writes
the default graph directly is undone and refused (:meth:`Store.update_named`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import UnsafeQuery, UsageError

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.store.answer import Answer


def with_merge(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The named-graph quads, each followed by its triple in the default graph (the store
    de-duplicates the repeated default-graph triples). Default-graph quads pass as they are."""
    default = ox.DefaultGraph()
    for quad in quads:
        yield quad
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, default)


class Store(ABC):
    """Where the graph lives. Every store answers the same queries with the same rows."""

    spec: str = ""
    #: True when the store keeps its content after the process ends.
    persistent: bool = False
    #: True for stores a ``kg query --update`` may change (memory and oxigraph:PATH).
    local: bool = False

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Node] | None = None,
        limit: int | None = None,
    ) -> Answer:
        """Run a read-only query. Known prefixes need no declaration; the default graph is the
        merge (a set) of the named graphs. ``limit`` stops reading the answer after that many
        rows (``answer.truncated`` says whether there were more)."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL UPDATE as it is (callers decide whether that is allowed)."""

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

    def count(self) -> int:
        """The number of distinct triples (the size of the merged graph), counted by the
        engine."""
        return self._count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    def quad_count(self) -> int:
        """The number of quads of the named graphs, counted by the engine."""
        return self._count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

    def _count(self, sparql: str) -> int:
        row = self.query(sparql).rows[0]
        return int(str(row[0])) if row and row[0] is not None else 0

    def __len__(self) -> int:
        return self.count()

    def graphs(self) -> list[str]:
        """The names of the named graphs."""
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [str(row[0]) for row in answer.rows]

    def to_oxigraph(self) -> ox.Store:
        """An Oxigraph store with the same quads (the store itself where it is one), for fast
        local reading such as projections. Callers read it; they never write it."""
        copy = ox.Store()
        copy.bulk_extend(with_merge(self.quads()))
        return copy

    def update_named(self, sparql: str) -> tuple[int, int]:
        """Run an UPDATE on a local store, keeping the default graph the merge of the named
        graphs. Returns the named-graph quads added and removed.

        Every fact belongs to its source's graph, so an update writes inside ``GRAPH <source>``
        (or ``GRAPH ?g``). One that changes the default graph directly is undone and refused:
        the default graph is derived, rebuilt from the named graphs after every update.
        """
        if not self.local:
            raise UnsafeQuery(
                f"SPARQL UPDATE is refused on {self.spec}: --update changes local stores only",
                hint="Use a local store (memory or oxigraph:PATH), or the server's own tools.",
            )
        before = set(self.quads())
        merged_before = {q.triple for q in before}
        self.update(sparql)
        after = set(self.quads())
        merged_after = {q.triple for q in after}
        default_after = set(self.triples())
        outside = default_after - merged_before - merged_after
        dropped = (merged_before - default_after) & merged_after
        if outside or dropped:
            self.replace(before)
            n = len(outside) + len(dropped)
            raise UsageError(
                f"the update changes {n} triple{'s' if n != 1 else ''} of the default graph "
                "outside any named graph: nothing was changed",
                hint="The default graph is the merge of the sources' graphs: write inside "
                "GRAPH <source> { ... }, or GRAPH ?g { ... } for every source.",
            )
        if after != before:
            self.replace(after)
        return len(after - before), len(before - after)

    def close(self) -> None:  # noqa: B027 - most stores have nothing to release
        """Release the store."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"
