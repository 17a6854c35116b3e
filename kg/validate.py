"""SHACL validation through pySHACL, with violations as plain records a person can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources, shacl
from kg.errors import SourceSyntaxError
from kg.namespaces import RDFS, SH, shorten
from kg.sources import SourceFile, curated_files, parse_file
from kg.store import Quad, Store, Triple
from kg.store.terms import from_ox

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


def union_graph(triples: Iterable[Triple | Quad]) -> Graph:
    """The merged graph as one rdflib graph (what pySHACL reads)."""
    from rdflib import Graph

    graph = Graph()
    add = graph.add
    # A term once converted is reused: IRIs repeat (a build with the landscape history has
    # 130,000 triples and a tenth as many terms), and converting is most of the time here.
    terms: dict[object, object] = {}

    def term(t: object) -> object:
        found = terms.get(t)
        if found is None:
            found = terms[t] = from_ox(t)
        return found

    for t in triples:
        add((term(t.subject), term(t.predicate), term(t.object)))  # type: ignore[arg-type]
    return graph


def load_shapes(path: Path | None = None) -> Graph:
    from rdflib import Graph

    path = path or resources.shapes_path()
    graph = Graph(store="SimpleMemory")  # read faster than the context-aware default (kg.shacl)
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several kinds; all mean the same here
        raise SourceSyntaxError(str(path), getattr(exc, "lines", None), str(exc)) from exc
    return graph


def validate_graph(data: Graph, shapes: Graph) -> list[Violation]:
    """Validate ``data`` (which must contain the ontology: targets use rdfs:subClassOf)."""
    import pyshacl
    from rdflib import Literal, URIRef

    shacl.speed_up()  # the same results, a third of the time (kg/shacl.py)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    label = URIRef(RDFS + "label")
    out: list[Violation] = []
    for result in set(report.subjects(sh("resultSeverity"), None)):
        focus = report.value(result, sh("focusNode"))
        path = report.value(result, sh("resultPath"))
        message = report.value(result, sh("resultMessage"))
        severity = report.value(result, sh("resultSeverity"))
        value = report.value(result, sh("value"))
        name = data.value(focus, label) if focus is not None else None
        out.append(
            Violation(
                focus=str(focus),
                label=str(name) if isinstance(name, Literal) else None,
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(message) if message is not None else "violates a shape",
                severity=str(severity).rsplit("#", 1)[-1],
                value=None if value is None else str(value),
            )
        )
    # Two constraints of one property may share a message: print it once.
    return sorted(set(out), key=lambda v: (v.focus, v.path or "", v.message))


def validate_store(store: Store, *, shapes: Path | None = None) -> list[Violation]:
    """Validate everything in a store against the project's shapes."""
    return validate_graph(union_graph(store.triples()), load_shapes(shapes))


def validate_files(paths: Iterable[Path], *, shapes: Path | None = None) -> list[Violation]:
    """Validate files in the context of the ontology and the curated data (so they may refer
    to its categories and organisations); report the violations about the files' own subjects."""
    context: list[Quad] = []
    for source in curated_files():
        context.extend(parse_file(source))
    own: list[Quad] = []
    for path in paths:
        default = None if path.suffix == ".trig" else path.resolve().as_uri()
        own.extend(parse_file(SourceFile(path, default)))
    subjects = {str(q.subject.value) for q in own if not isinstance(q.subject, Triple)}
    violations = validate_graph(union_graph([*context, *own]), load_shapes(shapes))
    return [v for v in violations if v.focus in subjects]
