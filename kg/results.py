"""Query answers as plain data, the same whichever store produced them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rdflib.term import Node

QueryKind = Literal["SELECT", "ASK", "CONSTRUCT"]


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

    def __len__(self) -> int:
        if self.kind == "SELECT":
            return len(self.rows)
        if self.kind == "CONSTRUCT":
            return len(self.triples)
        return 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        """Rows as dictionaries (SELECT) or triples (CONSTRUCT)."""
        if self.kind == "CONSTRUCT":
            return iter(self.triples)
        return iter(self.dicts())

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ASK" else len(self) > 0

    def dicts(self) -> list[dict[str, Node | None]]:
        """The rows as dictionaries keyed by variable name."""
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

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
