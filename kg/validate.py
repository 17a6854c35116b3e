"""SHACL validation through pySHACL, with violations as plain records a person can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg import resources, shacl
from kg.dates import DATATYPES, DATE_TYPES, is_valid, lexical
from kg.errors import SourceSyntaxError
from kg.namespaces import RDF, RDFS, SH, shorten
from kg.sources import SourceFile, curated_files, parse_file
from kg.store import Literal as StoreLiteral
from kg.store import Quad, Store, Triple
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


def validate_graph(
    data: Graph, shapes: Graph, *, literals: Iterable[IllTyped] = ()
) -> list[Violation]:
    """Validate ``data`` (which must contain the ontology: targets use rdfs:subClassOf).
    ``literals`` (:func:`ill_typed`) are violations too, each saying what is wrong with its
    value; a shape's result about the same value is left out (it says less)."""
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
    bad = []
    for lit in literals:
        name = data.value(URIRef(lit.subject), label)
        bad.append(
            Violation(
                focus=lit.subject,
                label=str(name) if isinstance(name, Literal) else None,
                path=lit.predicate,
                message=f"{excerpt(lit.lexical)} is not a valid {shorten(lit.datatype)}: "
                "fix the value",
                severity="Violation",
                value=lit.seen_as,
            )
        )
    explained = {(v.focus, v.path, v.value) for v in bad}
    out = [v for v in out if (v.focus, v.path, v.value) not in explained]
    # Two constraints of one property may share a message: print it once.
    return sorted(set(out) | set(bad), key=lambda v: (v.focus, v.path or "", v.message))


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
    for t in triples:
        o = t.object
        if not isinstance(o, StoreLiteral) or o.language or o.datatype.value == XSD_STRING:
            continue
        term = from_ox(o)
        wrong = bool(getattr(term, "ill_typed", False))
        datatype = o.datatype.value
        if datatype in DATE_TYPES and not wrong:
            day = lexical(o.value)
            wrong = day is None or not is_valid(day) or DATATYPES.get(len(day)) != datatype
        if wrong:
            out.append(
                IllTyped(str(from_ox(t.subject)), t.predicate.value, o.value, datatype, str(term))
            )
    return out


#: What a SHACL Core shape reads besides the predicates it names: rdf:type and
#: rdfs:subClassOf (targets and sh:class), rdfs:label (each violation names its focus node).
_ALWAYS_READ = frozenset({RDF + "type", RDFS + "subClassOf", RDFS + "label"})
#: Shapes that use one of these may read any predicate: nothing is left out for them.
_READS_ANY = frozenset(SH + n for n in ("closed", "sparql", "select", "ask", "SPARQLTarget"))


def read_predicates(shapes: Graph) -> frozenset[str] | None:
    """The predicates validating against ``shapes`` can read: every IRI the shapes graph
    names (paths, targets' predicates, sh:equals...) and :data:`_ALWAYS_READ`; None when the
    shapes may read any predicate (sh:closed, SPARQL-based constraints or targets).

    A triple whose predicate is not among them is invisible to every shape, so leaving it out
    of the graph pySHACL reads changes no result (``tests/test_validate.py`` checks it on
    every fixture). At 1M synthetic triples this leaves out most of the derived ownership
    periods' triples and the descriptions and repositories: pySHACL's time and memory follow
    the graph it is given."""
    from rdflib import URIRef

    named = {str(n) for n in shapes.all_nodes() if isinstance(n, URIRef)}
    named |= {str(p) for p in shapes.predicates() if isinstance(p, URIRef)}
    if not named.isdisjoint(_READS_ANY):
        return None
    return frozenset(named | _ALWAYS_READ)


def read_by_shapes(
    triples: Iterable[Triple | Quad], predicates: frozenset[str] | None
) -> list[Triple | Quad]:
    """The triples whose predicate the shapes may read (all of them when ``predicates`` is
    None)."""
    if predicates is None:
        return list(triples)
    return [t for t in triples if t.predicate.value in predicates]


def validate_store(store: Store, *, shapes: Path | None = None) -> list[Violation]:
    """Validate everything in a store against the project's shapes."""
    shapes_graph = load_shapes(shapes)
    triples = list(store.triples())
    read = read_by_shapes(triples, read_predicates(shapes_graph))
    return validate_graph(union_graph(read), shapes_graph, literals=ill_typed(triples))


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
    everything = [*context, *own]
    shapes_graph = load_shapes(shapes)
    read = read_by_shapes(everything, read_predicates(shapes_graph))
    violations = validate_graph(union_graph(read), shapes_graph, literals=ill_typed(everything))
    return [v for v in violations if v.focus in subjects]
