"""SHACL validation through pySHACL (``--validator pyshacl``): the reference the SPARQL validator
(:mod:`kg.validate.sparql_engine`) is tested against, and the way to validate shapes that one
does not compile."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg import shacl
from kg.namespaces import RDF, RDFS, SH
from kg.store import Quad, Triple
from kg.store.terms import from_ox, quiet_rdflib
from kg.validate.report import IllTyped, Result, Violation
from kg.validate.report import report as report_violations

if TYPE_CHECKING:
    from rdflib import Graph


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


def validate_graph(
    data: Graph, shapes: Graph, *, literals: Iterable[IllTyped] = ()
) -> list[Violation]:
    """Validate ``data`` (which must contain the ontology: targets use rdfs:subClassOf).
    ``literals`` (:func:`ill_typed`) are violations too, each saying what is wrong with its
    value; a shape's result about the same value is left out (it says less)."""
    import pyshacl
    from rdflib import Literal, URIRef

    quiet_rdflib()
    shacl.speed_up()  # the same results, a third of the time (kg/shacl.py)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    out: list[Result] = []
    # The report's results; not the sh:detail results nested under an sh:node result (the
    # value node's own failures, with pySHACL's generic messages: the sh:node result says it).
    for result in set(report.objects(None, sh("result"))):
        focus = report.value(result, sh("focusNode"))
        path = report.value(result, sh("resultPath"))
        message = report.value(result, sh("resultMessage"))
        severity = report.value(result, sh("resultSeverity"))
        value = report.value(result, sh("value"))
        out.append(
            Result(
                focus=str(focus),
                is_iri=isinstance(focus, URIRef),
                path=str(path) if isinstance(path, URIRef) else None,
                message=str(message) if message is not None else "violates a shape",
                severity=str(severity).rsplit("#", 1)[-1],
                value=None if value is None else str(value),
            )
        )
    label = URIRef(RDFS + "label")

    def read_labels(iris: set[str]) -> dict[str, list[str]]:
        return {
            iri: [str(o) for o in data.objects(URIRef(iri), label) if isinstance(o, Literal)]
            for iri in iris
        }

    return report_violations(out, literals, read_labels)


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


def validate_triples(
    triples: Iterable[Triple | Quad], shapes: Graph, *, literals: Iterable[IllTyped] = ()
) -> list[Violation]:
    """Validate the merged graph of ``triples`` (the ontology among them) with pySHACL, given
    only the triples the shapes may read (:func:`read_predicates`)."""
    read = read_by_shapes(triples, read_predicates(shapes))
    return validate_graph(union_graph(read), shapes, literals=literals)
