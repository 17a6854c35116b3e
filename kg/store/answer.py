"""Query answers as plain data, the same whichever store produced them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, UsageError
from kg.store.terms import from_ox

if TYPE_CHECKING:
    from rdflib.term import Node

#: SELECT; ASK; CONSTRUCT (and DESCRIBE, which answers a graph too); UPDATE (one row: the
#: quads ``added`` and ``removed``).
QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "UPDATE"]


@dataclass
class Answer:
    """One query's answer.

    ``rows`` hold rdflib terms (``None`` where a variable is unbound) for SELECT, ``boolean``
    the result of ASK, ``triples`` the graph of CONSTRUCT and DESCRIBE. ``truncated`` is True
    when a row cap stopped the engine before the answer was complete.
    """

    kind: QueryKind
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

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
        # One rdflib term per distinct engine term: making rdflib terms is most of what a
        # query costs over the engine's own time (make bench: the queries' "to floor").
        memo: dict[Any, Node | None] = {}
        width = range(len(names))
        rows = []
        solutions = result if limit is None else itertools.islice(result, limit + 1)
        for sol in solutions:
            row = []
            for i in width:
                term = sol[i]
                converted = memo.get(term, _UNSEEN)
                if converted is _UNSEEN:
                    converted = memo[term] = from_ox(term)
                row.append(converted)
            rows.append(tuple(row))
        truncated = limit is not None and len(rows) > limit
        return Answer("SELECT", vars=names, rows=rows[:limit], truncated=truncated)
    if isinstance(result, ox.QueryTriples):
        read = result if limit is None else itertools.islice(result, limit + 1)
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in read]
        truncated = limit is not None and len(triples) > limit
        return Answer("CONSTRUCT", triples=triples[:limit], truncated=truncated)  # type: ignore[arg-type]
    raise StoreError(f"unexpected answer from the engine: {type(result).__name__}")


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
