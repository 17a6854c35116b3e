"""SHACL validation as SPARQL on the store's own engine (the default: ``--validator sparql``).

The shapes graph is compiled (:func:`compile_shapes`) into :class:`Shape` records, and each
shape with targets into a few SELECT queries (:func:`queries`) that the store answers with the
violating focus nodes and values. pySHACL walks the graph node by node in Python; Oxigraph
answers each query with its indexes, so validating the landscape history or a million triples
takes seconds, not minutes (README, Performance).

**What it compiles** (SHACL Core as ``ontology/shapes.ttl`` uses it): node and property shapes;
targets ``sh:targetClass`` (instances of the class or of any ``rdfs:subClassOf*`` subclass,
read from the data, where the build keeps the ontology; pySHACL sees the same with
``inference="none"``) and ``sh:targetSubjectsOf``; paths that are an IRI, ``sh:inversePath``
or ``sh:alternativePath`` of IRIs; ``sh:class``, ``sh:datatype``, ``sh:minCount``,
``sh:maxCount``, ``sh:pattern`` (no ``sh:flags``), ``sh:minLength``, ``sh:minInclusive``,
``sh:hasValue``, ``sh:node``, ``sh:not``, ``sh:or``, ``sh:lessThanOrEquals``; ``sh:message``
(one, required on a shape that reports) and ``sh:severity``.

**Anything else fails loudly**: a shape using another SHACL term (``sh:closed``, ``sh:in``,
``sh:and``, ``sh:sparql``, ``sh:flags``, ``sh:deactivated``, a sequence path...), a shape that
is also a class (an implicit target), or a reporting shape without a message raises
:class:`~kg.errors.UnsupportedShape` naming the shape and the term, so that a new shape is
never silently ignored; ``--validator pyshacl`` validates such shapes meanwhile.

**The same results as pySHACL** (``tests/test_validate_sparql_engine.py`` runs both on every shape
fixture and on the curated data): a result is its focus node, its path (None for a node
shape's own constraints and for a path that is not one IRI), the reporting shape's message and
severity, and the value node (the focus node for a node shape's constraints, none for
cardinality and ``sh:hasValue``). Since results carry no constraint component, a property
shape's value constraints are one query (a value fails if it fails any), and so are a node
shape's own. An ill-typed literal (``"2016-02-30"^^xsd:date``) keeps its datatype here where
pySHACL fails it on ``sh:datatype``; that result is dropped for the ill-typed literal's own
violation either way (:func:`kg.validate.report.report`). ``sh:lessThanOrEquals`` pairs are
selected by the engine and decided by pySHACL's rule in Python (it orders values of different
datatypes its own way).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.errors import UnsupportedShape
from kg.labels import lookup
from kg.namespaces import OWL, RDF, RDFS, SH, shorten
from kg.store import Store
from kg.store.terms import quiet_rdflib, term_text
from kg.validate.report import IllTyped, Result, Violation, report

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

#: The SHACL terms a shape may use (each compiled below).
TARGETS = frozenset({"targetClass", "targetSubjectsOf"})
#: Constraints on each value node, one by one.
VALUE_CONSTRAINTS = frozenset(
    {"class", "datatype", "pattern", "minLength", "minInclusive", "node", "not", "or"}
)
#: Constraints on the set of value nodes of a path.
SET_CONSTRAINTS = frozenset({"minCount", "maxCount", "hasValue", "lessThanOrEquals"})
OTHER = frozenset({"path", "property", "message", "severity"})
KNOWN = TARGETS | VALUE_CONSTRAINTS | SET_CONSTRAINTS | OTHER
#: The shape types; a shape that is also a class has an implicit target (not compiled).
SHAPE_TYPES = frozenset({SH + "NodeShape", SH + "PropertyShape"})
CLASS_TYPES = frozenset({RDFS + "Class", OWL + "Class"})
#: Nested counts are written as n distinct values inside EXISTS: up to this n.
MAX_NESTED_COUNT = 4


@dataclass
class Shape:
    """One compiled shape: its node, SPARQL path (None for a node shape) and the path as a
    result names it (the IRI, or None), its targets, constraints (SHACL term without the
    prefix, value), property shapes, message and severity."""

    node: Node
    name: str
    path: str | None = None
    result_path: str | None = None
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None
    severity: str = "Violation"

    @property
    def targeted(self) -> bool:
        return bool(self.target_classes or self.target_subjects_of)

    def classes(self) -> Iterator[str]:
        """Every class this shape and the shapes it refers to name (targets, sh:class)."""
        yield from self.target_classes
        for kind, value in self.constraints:
            if kind == "class":
                yield str(value)
            elif kind in ("node", "not"):
                assert isinstance(value, Shape)
                yield from value.classes()
            elif kind == "or":
                assert isinstance(value, list)
                for member in value:
                    yield from member.classes()
        for prop in self.properties:
            yield from prop.classes()


# --- compiling the shapes graph ----------------------------------------------------------------


def compile_shapes(graph: Graph) -> list[Shape]:
    """The shapes of ``graph`` that have targets, compiled (the shapes they refer to within
    them). :class:`~kg.errors.UnsupportedShape` for anything not compiled."""
    from rdflib import URIRef

    compiler = _Compiler(graph)
    rdf_type = URIRef(RDF + "type")
    shape_nodes = set(graph.subjects(rdf_type, URIRef(SH + "NodeShape")))
    shape_nodes |= set(graph.subjects(rdf_type, URIRef(SH + "PropertyShape")))
    for p in TARGETS:
        shape_nodes |= set(graph.subjects(URIRef(SH + p), None))
    out = []
    for node in sorted(shape_nodes, key=str):
        shape = compiler.shape(node)
        if shape.targeted:
            _check_reporting(shape)
            # writing its queries (for classes without subclasses) finds what they cannot say
            list(_Writer(lambda cls: [cls]).queries(shape))
            out.append(shape)
    compiler.check_everything_read()
    return out


def _check_reporting(shape: Shape) -> None:
    """A shape with targets and its property shapes report results: each needs its message,
    and its property shapes a path and nothing of their own beyond constraints."""
    if shape.constraints and shape.message is None:
        raise _refuse(shape, "no sh:message (a result prints its shape's message)")
    for prop in shape.properties:
        if prop.constraints and prop.message is None:
            raise _refuse(prop, "no sh:message (a result prints its shape's message)")
        if prop.path is None:
            raise _refuse(prop, "sh:property without a sh:path")
        if prop.properties or prop.targeted:
            raise _refuse(prop, "targets or sh:property inside a property shape")


def _refuse(shape: Shape, what: str) -> UnsupportedShape:
    return UnsupportedShape(
        f"the shape {shape.name} uses {what}, which the SPARQL validator does not compile",
        hint="Validate with `--validator pyshacl`, or teach kg/validate/sparql_engine.py the "
        "construct (and test it against pySHACL in tests/test_validate_sparql_engine.py).",
    )


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.done: dict[Node, Shape] = {}
        self.busy: set[Node] = set()
        #: The nodes whose SHACL triples were read: shapes and path nodes.
        self.read: set[Node] = set()

    def fail(self, node: Node, what: str) -> UnsupportedShape:
        return _refuse(Shape(node, _name(node)), what)

    def shape(self, node: Node) -> Shape:
        found = self.done.get(node)
        if found is not None:
            return found
        if node in self.busy:
            raise self.fail(node, "a recursive reference to itself")
        self.busy.add(node)
        self.read.add(node)
        shape = Shape(node, _name(node))
        for p, o in sorted(
            self.graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))
        ):
            self.term(shape, str(p), o)
        self.busy.discard(node)
        self.done[node] = shape
        return shape

    def term(self, shape: Shape, predicate: str, o: Node) -> None:
        from rdflib import Literal, URIRef

        quiet_rdflib()
        if predicate == RDF + "type":
            if str(o) in CLASS_TYPES:
                raise self.fail(
                    shape.node, f"rdf:type {shorten(str(o))} (an implicit class target)"
                )
            if str(o).startswith(SH) and str(o) not in SHAPE_TYPES:
                raise self.fail(shape.node, f"rdf:type {shorten(str(o))}")
            return
        if not predicate.startswith(SH):
            return  # rdfs:comment and the like: no SHACL meaning
        local = predicate[len(SH) :]
        if local not in KNOWN:
            raise self.fail(shape.node, f"sh:{local}")
        if local in TARGETS:
            if not isinstance(o, URIRef):
                raise self.fail(shape.node, f"sh:{local} with a value that is not an IRI")
            (shape.target_classes if local == "targetClass" else shape.target_subjects_of).append(
                str(o)
            )
        elif local == "path":
            if shape.path is not None:
                raise self.fail(shape.node, "two sh:path values")
            shape.path, shape.result_path = self.path(shape.node, o)
        elif local == "property":
            shape.properties.append(self.shape(o))
        elif local == "message":
            if shape.message is not None:
                raise self.fail(shape.node, "several sh:message values")
            shape.message = str(o)
        elif local == "severity":
            shape.severity = str(o).rsplit("#", 1)[-1]
        elif local in ("node", "not"):
            shape.constraints.append((local, self.shape(o)))
        elif local == "or":
            members = list(self.graph.items(o))
            if not members:
                raise self.fail(shape.node, "an empty sh:or list")
            shape.constraints.append((local, [self.shape(m) for m in members]))
        elif local in ("class", "datatype", "lessThanOrEquals"):
            if not isinstance(o, URIRef):
                raise self.fail(shape.node, f"sh:{local} with a value that is not an IRI")
            shape.constraints.append((local, str(o)))
        elif local in ("minCount", "maxCount", "minLength"):
            if not isinstance(o, Literal) or not isinstance(o.value, int) or o.value < 0:
                raise self.fail(shape.node, f"sh:{local} with a value that is not a count")
            shape.constraints.append((local, o.value))
        elif local == "pattern":
            if not isinstance(o, Literal):
                raise self.fail(shape.node, "sh:pattern with a value that is not a literal")
            shape.constraints.append((local, str(o)))
        elif local == "minInclusive":
            if not isinstance(o, Literal):
                raise self.fail(shape.node, "sh:minInclusive with a value that is not a literal")
            shape.constraints.append((local, o))
        elif local == "hasValue":
            shape.constraints.append((local, o))

    def path(self, node: Node, path: Node) -> tuple[str, str | None]:
        """The SPARQL path of an sh:path value, and the IRI a result names (or None)."""
        from rdflib import BNode, URIRef

        if isinstance(path, URIRef):
            return f"<{path}>", str(path)
        if isinstance(path, BNode):
            self.read.add(path)
            found = list(self.graph.predicate_objects(path))
            if len(found) == 1:
                p, o = found[0]
                if str(p) == SH + "alternativePath":
                    members = list(self.graph.items(o))
                    if members and all(isinstance(m, URIRef) for m in members):
                        return "(" + "|".join(f"<{m}>" for m in members) + ")", None
                if str(p) == SH + "inversePath" and isinstance(o, URIRef):
                    return f"^<{o}>", None
        raise self.fail(node, "a path other than an IRI, sh:inversePath or sh:alternativePath")

    def check_everything_read(self) -> None:
        """Every SHACL triple of the graph is on a node that was compiled: a shape outside
        them (such as sh:declare, or sh:targetNode on a node nothing types) fails."""
        for s, p, _o in self.graph:
            if str(p).startswith(SH) and s not in self.read:
                raise self.fail(s, f"{shorten(str(p))} where no shape was read")


def _name(node: Node) -> str:
    from rdflib import URIRef

    return shorten(str(node)) if isinstance(node, URIRef) else "(a blank node)"


# --- writing the queries ---------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One query and what its rows mean: ``?focus`` (and ``?value`` when ``values``) is a
    result of ``shape`` with ``path``; ``compare`` is the sh:lessThanOrEquals case (rows are
    the focus, value and compared value, decided in Python)."""

    sparql: str
    shape: Shape
    result_path: str | None
    values: bool
    value_is_focus: bool = False
    compare: bool = False
    #: A cheaper query that finds something whenever ``sparql`` does (it ignores the focus
    #: nodes): when it finds nothing, ``sparql`` is not run.
    precheck: str | None = None


class _Writer:
    """Writes the SPARQL of compiled shapes; ``subclasses`` gives each class with its
    subclasses (read from the data)."""

    def __init__(self, subclasses: Callable[[str], list[str]]) -> None:
        self.subclasses = subclasses
        self.counter = 0

    def var(self) -> str:
        self.counter += 1
        return f"?v{self.counter}"

    # conformance of one node to a shape, as an expression that is never an error

    def conforms(self, shape: Shape, x: str) -> str:
        if shape.path is not None:
            parts = self.path_ok(shape, x)
        else:
            parts = [self.value_ok(kind, value, x) for kind, value in shape.constraints]
            parts += [self.conforms(prop, x) for prop in shape.properties]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def value_ok(self, kind: str, value: object, x: str) -> str:
        if kind == "class":
            t = self.var()
            classes = ", ".join(f"<{c}>" for c in self.subclasses(str(value)))
            return f"EXISTS {{ {x} a {t} . FILTER({t} IN ({classes})) }}"
        if kind == "datatype":
            return f"(isLiteral({x}) && datatype({x}) = <{value}>)"
        if kind == "pattern":
            return f"(!isBlank({x}) && REGEX(STR({x}), {_string(str(value))}))"
        if kind == "minLength":
            assert isinstance(value, int)
            if value == 0:
                return "true"
            return f"(!isBlank({x}) && STRLEN(STR({x})) >= {value})"
        if kind == "minInclusive":
            return f"COALESCE({x} >= {term_text(value)}, false)"  # type: ignore[arg-type]
        if kind == "node":
            assert isinstance(value, Shape)
            return self.conforms(value, x)
        if kind == "not":
            assert isinstance(value, Shape)
            return f"!{self.conforms(value, x)}"
        if kind == "or":
            assert isinstance(value, list)
            return "(" + " || ".join(self.conforms(member, x) for member in value) + ")"
        if kind == "hasValue":
            return f"sameTerm({x}, {term_text(value)})"  # type: ignore[arg-type]
        raise AssertionError(kind)

    def distinct(self, x: str, path: str, n: int) -> str:
        """A pattern: ``x`` has ``n`` distinct values on ``path``."""
        vs = [self.var() for _ in range(n)]
        pattern = " . ".join(f"{x} {path} {v}" for v in vs)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1 :]]
        return pattern + (f" . FILTER({' && '.join(pairs)})" if pairs else "")

    def path_ok(self, shape: Shape, x: str) -> list[str]:
        """A nested property shape's constraints on node ``x``."""
        path = shape.path
        assert path is not None
        parts = []
        values = [(k, v) for k, v in shape.constraints if k in VALUE_CONSTRAINTS]
        for kind, value in shape.constraints:
            if kind in VALUE_CONSTRAINTS:
                continue
            if kind in ("minCount", "maxCount"):
                assert isinstance(value, int)
                n = value if kind == "minCount" else value + 1
                if n > MAX_NESTED_COUNT:
                    raise _refuse(shape, f"sh:{kind} {value} inside another shape")
                if n == 0:
                    continue
                exists = f"EXISTS {{ {self.distinct(x, path, n)} }}"
                parts.append(exists if kind == "minCount" else f"!{exists}")
            elif kind == "hasValue":
                parts.append(f"EXISTS {{ {x} {path} {term_text(value)} }}")  # type: ignore[arg-type]
            else:
                raise _refuse(shape, f"sh:{kind} inside another shape")
        if values:
            v = self.var()
            ok = " && ".join(self.value_ok(k, val, v) for k, val in values)
            parts.append(f"NOT EXISTS {{ {x} {path} {v} . FILTER(!({ok})) }}")
        if shape.properties:
            raise _refuse(shape, "sh:property beside a sh:path inside another shape")
        return parts

    # the queries of a shape with targets

    def focus(self, shape: Shape) -> str:
        """Groups binding ``?focus`` to each focus node (some more than once)."""
        branches = []
        classes = sorted({c for t in shape.target_classes for c in self.subclasses(t)})
        if classes:
            listed = " ".join(f"<{c}>" for c in classes)
            branches.append(f"{{ VALUES ?class {{ {listed} }} ?focus a ?class }}")
        for p in shape.target_subjects_of:
            branches.append(f"{{ ?focus <{p}> [] }}")
        # No DISTINCT: a node that two branches find gives the same rows twice, which the
        # queries' DISTINCT (and the results' set) fold; a sub-select costs more at 1M.
        return "{ " + " UNION ".join(branches) + " }"

    def queries(self, shape: Shape) -> Iterator[Query]:
        focus = self.focus(shape)
        if shape.path is not None:
            yield from self.property_queries(shape, focus)
        else:
            yield from self.node_queries(shape, focus)
        for prop in shape.properties:
            yield from self.property_queries(prop, focus)

    def node_queries(self, shape: Shape, focus: str) -> Iterator[Query]:
        values = []
        for kind, value in shape.constraints:
            if kind == "hasValue":
                sparql = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER(!sameTerm(?focus, {term_text(value)})) }}"  # type: ignore[arg-type]  # noqa: E501
                yield Query(sparql, shape, None, values=False)
            elif kind in VALUE_CONSTRAINTS:
                values.append(self.value_ok(kind, value, "?focus"))
            else:
                raise _refuse(shape, f"sh:{kind} without a sh:path")
        if values:
            sparql = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER(!({' && '.join(values)})) }}"
            yield Query(sparql, shape, None, values=False, value_is_focus=True)

    def property_queries(self, shape: Shape, focus: str) -> Iterator[Query]:
        path = shape.path
        assert path is not None
        where = shape.result_path
        values = []
        for kind, value in shape.constraints:
            if kind == "minCount":
                assert isinstance(value, int)
                if value == 1:
                    sparql = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER NOT EXISTS {{ ?focus {path} [] }} }}"  # noqa: E501
                    yield Query(sparql, shape, where, values=False)
                elif value > 1:
                    sparql = (
                        f"SELECT ?focus WHERE {{ {focus} OPTIONAL {{ ?focus {path} ?value }} }} "
                        f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {value})"
                    )
                    yield Query(sparql, shape, where, values=False)
            elif kind == "maxCount":
                assert isinstance(value, int)
                sparql = (
                    f"SELECT ?focus WHERE {{ {focus} ?focus {path} ?value }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {value})"
                )
                # any node with more values than that (most paths have none with two)
                precheck = (
                    f"SELECT ?x WHERE {{ {self.distinct('?x', path, value + 1)} }} LIMIT 1"
                    if value + 1 <= MAX_NESTED_COUNT
                    else None
                )
                yield Query(sparql, shape, where, values=False, precheck=precheck)
            elif kind == "hasValue":
                sparql = (
                    f"SELECT DISTINCT ?focus WHERE {{ {focus} "
                    f"FILTER NOT EXISTS {{ ?focus {path} {term_text(value)} }} }}"  # type: ignore[arg-type]
                )
                yield Query(sparql, shape, where, values=False)
            elif kind == "lessThanOrEquals":
                sparql = (
                    f"SELECT DISTINCT ?focus ?value ?other WHERE {{ {focus} ?focus {path} ?value . "
                    f"?focus <{value}> ?other . FILTER(!(isLiteral(?value) && "
                    "isLiteral(?other) && datatype(?value) = datatype(?other) && "
                    "COALESCE(?value <= ?other, false))) }"
                )
                yield Query(sparql, shape, where, values=True, compare=True)
            else:
                values.append(self.value_ok(kind, value, "?value"))
        if values:
            ok = " && ".join(values)
            sparql = (
                f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value . "
                f"FILTER(!({ok})) }}"
            )
            # Checks without EXISTS are checked on the path's distinct values first (20x
            # faster at 1M); Oxigraph evaluates EXISTS over a sub-select's rows very slowly.
            precheck = None
            if "EXISTS" not in ok:
                precheck = (
                    "SELECT ?value WHERE { "
                    f"{{ SELECT DISTINCT ?value WHERE {{ [] {path} ?value }} }} "
                    f"FILTER(!({ok})) }} LIMIT 1"
                )
            yield Query(sparql, shape, where, values=True, precheck=precheck)


def _string(text: str) -> str:
    """A SPARQL string literal."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


# --- running them ------------------------------------------------------------------------------


def subclass_reader(store: Store) -> Callable[[str], list[str]]:
    """Each class with its subclasses (``rdfs:subClassOf*``) in the store, asked once each."""
    found: dict[str, list[str]] = {}

    def subclasses(cls: str) -> list[str]:
        if cls not in found:
            answer = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c rdfs:subClassOf* <{cls}> }}")
            names = {str(row[0]) for row in answer.rows if row[0] is not None}
            found[cls] = sorted(names | {cls})
        return found[cls]

    return subclasses


def queries(shapes: Iterable[Shape], store: Store) -> list[Query]:
    """Every query of the compiled ``shapes``, written for the classes of ``store``."""
    writer = _Writer(subclass_reader(store))
    return [q for shape in shapes for q in writer.queries(shape)]


def results(query: Query, store: Store) -> Iterator[Result]:
    """The results one query finds."""
    from rdflib import URIRef

    message = query.shape.message or "violates a shape"
    severity = query.shape.severity
    if query.precheck is not None and not store.query(query.precheck).rows:
        return
    for row in store.query(query.sparql).rows:
        focus = row[0]
        if focus is None:
            continue
        value: Node | None = None
        if query.value_is_focus:
            value = focus
        elif query.values:
            value = row[1]
        if query.compare and not _not_less_or_equal(row[1], row[2]):
            continue
        yield Result(
            focus=str(focus),
            is_iri=isinstance(focus, URIRef),
            path=query.result_path,
            message=message,
            severity=severity,
            value=None if value is None else str(value),
        )


def _not_less_or_equal(value: Node | None, other: Node | None) -> bool:
    """pySHACL's sh:lessThanOrEquals rule (pyshacl.constraints.core.property_pair_constraints):
    an IRI or a string compared with anything else fails, otherwise Python's ``<=``."""
    from rdflib import Literal, URIRef

    quiet_rdflib()

    def plain(term: Node | None) -> tuple[object, bool]:
        if isinstance(term, URIRef):
            return str(term), True
        if isinstance(term, Literal) and isinstance(term.value, str):
            return term.value, True
        return term, False

    a, a_text = plain(value)
    b, b_text = plain(other)
    if a_text != b_text:
        return True
    try:
        return not a <= b  # type: ignore[operator]
    except TypeError:
        return True


def validate(store: Store, shapes: Graph, *, literals: Iterable[IllTyped] = ()) -> list[Violation]:
    """Validate everything in ``store`` (the merged default graph, the ontology in it)."""
    compiled = compile_shapes(shapes)
    found = [r for q in queries(compiled, store) for r in results(q, store)]

    def read_labels(iris: set[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s, name in lookup(store, iris, "?s ?l", "?s rdfs:label ?l . FILTER(isLiteral(?l))"):
            out.setdefault(str(s), []).append(str(name))
        return out

    return report(found, literals, read_labels)
