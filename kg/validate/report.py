"""What both validators share: the :class:`Violation` record, the ill-typed literals (a
violation of their own), the shapes file, and :func:`report`, which turns a validator's results
into the sorted violations a person reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources
from kg.dates import DATATYPES, DATE_TYPES, is_valid, lexical
from kg.errors import SourceSyntaxError
from kg.labels import pick
from kg.namespaces import shorten
from kg.store import Literal as StoreLiteral
from kg.store import Quad, Triple
from kg.store.terms import XSD_STRING, from_ox
from kg.text import excerpt

if TYPE_CHECKING:
    from rdflib import Graph


@dataclass(frozen=True)
class Violation:
    """One SHACL result."""

    focus: str
    label: str | None
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def __str__(self) -> str:
        who = shorten(self.focus) if self.focus.startswith("http") else self.focus
        if self.label:
            who += f' ("{self.label}")'
        where = f" {shorten(self.path)}" if self.path else ""
        return f"{who}{where}: {self.message}"


@dataclass(frozen=True)
class Result:
    """One result of a shape, before its focus node's label is known: the focus node as text,
    whether it is an IRI (only IRIs are labelled), the path (None for a node shape's own
    constraints and for paths that are not one IRI), the shape's message and severity, and
    the value node as text."""

    focus: str
    is_iri: bool
    path: str | None
    message: str
    severity: str
    value: str | None = None


@dataclass(frozen=True)
class IllTyped:
    """A literal whose text is not a value of its datatype, as the data file wrote it
    (``lexical``) and as rdflib and pySHACL see it (``seen_as``: rdflib rewrites some)."""

    subject: str
    predicate: str
    lexical: str
    datatype: str
    seen_as: str


def ill_typed(triples: Iterable[Triple | Quad]) -> list[IllTyped]:
    """Every literal whose text is not a value of its datatype (``"2016-02-30"^^xsd:date``,
    ``"2021-13"^^xsd:gYearMonth``, ``"many"^^xsd:integer``). rdflib checks each datatype it
    knows; :mod:`kg.dates` checks dates further (rdflib takes a month 13)."""
    out = []
    checked: dict[object, tuple[bool, str]] = {}  # a literal repeats (dates, amounts)
    for t in triples:
        o = t.object
        if not isinstance(o, StoreLiteral) or o.language or o.datatype.value == XSD_STRING:
            continue
        found = checked.get(o)
        if found is None:
            term = from_ox(o)
            wrong = bool(getattr(term, "ill_typed", False))
            datatype = o.datatype.value
            if datatype in DATE_TYPES and not wrong:
                day = lexical(o.value)
                wrong = day is None or not is_valid(day) or DATATYPES.get(len(day)) != datatype
            found = checked[o] = (wrong, str(term))
        if found[0]:
            subject = t.subject
            out.append(
                IllTyped(
                    str(from_ox(subject)), t.predicate.value, o.value, o.datatype.value, found[1]
                )
            )
    return out


def load_shapes(path: Path | None = None) -> Graph:
    from rdflib import Graph

    path = path or resources.shapes_path()
    graph = Graph(store="SimpleMemory")  # read faster than the context-aware default (kg.shacl)
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several kinds; all mean the same here
        raise SourceSyntaxError(str(path), getattr(exc, "lines", None), str(exc)) from exc
    return graph


#: Labels of focus nodes: given the IRIs, each one's ``rdfs:label`` values.
LabelReader = Callable[[set[str]], dict[str, list[str]]]


def report(
    results: Iterable[Result], literals: Iterable[IllTyped], read_labels: LabelReader
) -> list[Violation]:
    """The violations: the shapes' ``results`` and the ill-typed ``literals``, each naming
    its focus node's label (the label rule, :func:`kg.labels.pick`, over its ``rdfs:label``
    values; IRIs only). An ill-typed literal says what is wrong with its value; a shape's
    result about the same value is left out (it says less). Two constraints of one property
    may share a message: it is printed once. Sorted by focus node, path, message and value
    (the same order whichever validator found them)."""
    results = list(results)
    literals = list(literals)
    iris = {r.focus for r in results if r.is_iri} | {lit.subject for lit in literals}
    names = {iri: pick(found) for iri, found in read_labels(iris).items() if found}
    shaped = [
        Violation(
            r.focus,
            names.get(r.focus) if r.is_iri else None,
            r.path,
            r.message,
            r.severity,
            r.value,
        )
        for r in results
    ]
    bad = [
        Violation(
            focus=lit.subject,
            label=names.get(lit.subject),
            path=lit.predicate,
            message=f"{excerpt(lit.lexical)} is not a valid {shorten(lit.datatype)}: fix the value",
            severity="Violation",
            value=lit.seen_as,
        )
        for lit in literals
    ]
    explained = {(v.focus, v.path, v.value) for v in bad}
    shaped = [v for v in shaped if (v.focus, v.path, v.value) not in explained]
    return sorted(
        set(shaped) | set(bad),
        key=lambda v: (v.focus, v.path or "", v.message, v.value or "", v.severity),
    )
