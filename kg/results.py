"""Query answers as plain data, the same whichever store produced them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rdflib.term import Node

#: SELECT; ASK; CONSTRUCT (and DESCRIBE, which answers a graph too); UPDATE (one row: the
#: quads ``added`` and ``removed``).
QueryKind = Literal["SELECT", "ASK", "CONSTRUCT", "UPDATE"]


@dataclass
class Answer:
    """One query's answer.

    ``rows`` hold rdflib terms (``None`` where a variable is unbound) for SELECT, ``boolean``
    the result of ASK, ``triples`` the graph of CONSTRUCT and DESCRIBE.
    """

    kind: QueryKind
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

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
            from kg.errors import UsageError

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
    from rdflib import Literal

    if isinstance(term, Literal):
        value = term.toPython()
        return value if value is not term else str(term)
    return str(term)
