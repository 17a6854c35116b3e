"""Query answers as plain data, the same whichever store produced them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, UsageError
from kg.store.terms import any_not_canonical, canonical, from_ox

if TYPE_CHECKING:
    from rdflib.term import Node

#: SELECT; ASK; CONSTRUCT (and DESCRIBE, which answers a graph too); UPDATE (one row: the
#: quads ``added`` and ``removed``).
QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "UPDATE"]


class Answer:
    """One query's answer.

    ``rows`` hold rdflib terms (``None`` where a variable is unbound) for SELECT, ``boolean``
    the result of ASK, ``triples`` the graph of CONSTRUCT and DESCRIBE. ``truncated`` is True
    when a row cap stopped the engine before the answer was complete.

    An answer from the engine keeps the engine's terms (``terms``): its rdflib terms are made
    on the first read of ``rows``, once. Making them is most of what a query would add to the
    engine's time (make bench: the queries' "to floor"), and writers that read ``terms``
    (:mod:`kg.formats`) need none. ``terms`` are the rows as given otherwise.
    """

    __slots__ = ("_rows", "_terms", "boolean", "kind", "triples", "truncated", "vars")

    def __init__(
        self,
        kind: QueryKind,
        vars: list[str] | None = None,
        rows: list[tuple[Node | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[tuple[Node, Node, Node]] | None = None,
        truncated: bool = False,
        *,
        terms: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.kind = kind
        self.vars: list[str] = vars if vars is not None else []
        self.boolean = boolean
        self.triples: list[tuple[Node, Node, Node]] = triples if triples is not None else []
        self.truncated = truncated
        self._rows = rows if rows is not None or terms is not None else []
        self._terms = terms

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        """The rows as rdflib terms (made from the engine's terms on first use)."""
        if self._rows is None:
            self._rows = _rdflib_rows(self._terms or [])
        return self._rows

    @rows.setter
    def rows(self, rows: list[tuple[Node | None, ...]]) -> None:
        self._rows, self._terms = rows, None

    @property
    def terms(self) -> list[tuple[Any, ...]]:
        """The rows as they were made: the engine's terms for an engine's answer (read them
        with :func:`kg.store.terms.kind`, :func:`~kg.store.terms.text` and the others), else
        ``rows``."""
        return self._terms if self._terms is not None else self.rows

    def __repr__(self) -> str:
        return (
            f"Answer({self.kind!r}, vars={self.vars!r}, rows={self.rows!r}, "
            f"boolean={self.boolean!r}, triples={self.triples!r}, truncated={self.truncated!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Answer):
            return NotImplemented
        return (self.kind, self.vars, self.rows, self.boolean, self.triples, self.truncated) == (
            other.kind,
            other.vars,
            other.rows,
            other.boolean,
            other.triples,
            other.truncated,
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_records(cls, headers: Sequence[str], records: Sequence[Sequence[object]]) -> Answer:
        """Plain Python rows (numbers, text, dates) as an answer of literals, so that one
        renderer serves query answers and computed tables alike."""
        from rdflib import Literal as RdfLiteral

        rows: list[tuple[Node | None, ...]] = [
            tuple(None if v is None else RdfLiteral(v) for v in record) for record in records
        ]
        return cls("SELECT", vars=list(headers), rows=rows)

    @property
    def tabular(self) -> bool:
        """True when the answer is rows (SELECT, UPDATE)."""
        return self.kind in ("SELECT", "UPDATE")

    def __len__(self) -> int:
        if self.kind == "CONSTRUCT":
            return len(self.triples)
        if self.kind == "ASK":
            return 1
        return len(self.rows)

    def __iter__(self) -> Iterator[Any]:
        """Rows as dictionaries (SELECT) or triples (CONSTRUCT)."""
        if self.kind == "CONSTRUCT":
            return iter(self.triples)
        return iter(self.dicts())

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ASK" else len(self) > 0

    def dicts(self) -> list[dict[str, Node | None]]:
        """The rows as dictionaries keyed by variable name."""
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Node | None]:
        """The values of one variable, row by row."""
        try:
            i = self.vars.index(name)
        except ValueError:
            raise UsageError(
                f"no variable {name!r} in the answer", hint=f"It has {', '.join(self.vars)}."
            ) from None
        return [row[i] for row in self.rows]

    def to_python(self) -> list[dict[str, object]]:
        """The rows with literals as Python values and IRIs as strings (for tests and JSON)."""
        out: list[dict[str, object]] = []
        for row in self.rows:
            item: dict[str, object] = {}
            for var, term in zip(self.vars, row, strict=True):
                item[var] = None if term is None else _py(term)
            out.append(item)
        return out


def _py(term: Node) -> object:
    from rdflib import Literal as RdfLiteral

    if isinstance(term, RdfLiteral):
        value = term.toPython()
        return value if value is not term else str(term)
    return str(term)


_UNSEEN: Any = object()


def answer_from_ox(result: Any, *, limit: int | None = None) -> Answer:
    """An :class:`Answer` for what ``pyoxigraph.Store.query`` (or its result parsers) returned.

    ``limit`` stops reading after that many rows or triples: the engine evaluates lazily, so
    the rest of the answer is never computed.
    """
    if isinstance(result, ox.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        solutions = result if limit is None else itertools.islice(result, limit + 1)
        rows = [tuple(sol) for sol in solutions]
        if any_not_canonical(rows):
            rows = [tuple(canonical(t) for t in row) for row in rows]
        truncated = limit is not None and len(rows) > limit
        return Answer("SELECT", vars=names, terms=rows[:limit], truncated=truncated)
    if isinstance(result, ox.QueryTriples):
        read = result if limit is None else itertools.islice(result, limit + 1)
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in read]
        truncated = limit is not None and len(triples) > limit
        return Answer("CONSTRUCT", triples=triples[:limit], truncated=truncated)  # type: ignore[arg-type]
    raise StoreError(f"unexpected answer from the engine: {type(result).__name__}")


def _rdflib_rows(terms: list[tuple[Any, ...]]) -> list[tuple[Node | None, ...]]:
    """rdflib terms for rows of engine terms: one per distinct term (a term that is already
    rdflib's, as a label column added to an answer, is kept)."""
    memo: dict[Any, Node | None] = {}
    rows = []
    for row in terms:
        out = []
        for term in row:
            try:
                converted = memo.get(term, _UNSEEN)
            except TypeError:  # not hashable
                converted = _UNSEEN
            if converted is _UNSEEN:
                converted = memo[term] = _to_rdflib(term)
            out.append(converted)
        rows.append(tuple(out))
    return rows


def _to_rdflib(term: Any) -> Node | None:
    if term is None or type(term) in (ox.NamedNode, ox.Literal, ox.BlankNode, ox.DefaultGraph):
        return from_ox(term)
    return term


def query_failure(exc: Exception) -> QueryError:
    """The engine's failure to run a query, as a message a person can act on."""
    text = str(exc)
    missing = re.search(r"does not contains? variable \?(\w+) in its SELECT projection", text)
    if missing:
        name = missing.group(1)
        return QueryError(
            f"?{name} is bound (with -p or a keyword) but the SELECT does not return it",
            hint=f"Add ?{name} to the SELECT clause, or use SELECT *.",
        )
    return QueryError(f"the query failed: {text}")
