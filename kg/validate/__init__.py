"""SHACL validation, with violations as plain records a person can read.

Two validators give the same :class:`Violation` records (``tests/test_validate_sparql_engine.py``
runs both on every shape fixture and on the curated data):

- ``sparql`` (the default, :mod:`kg.validate.sparql_engine`): the shapes compiled to SPARQL
  SELECT queries that the store's own engine answers. A shape using a construct it does not
  compile stops validation with :class:`~kg.errors.UnsupportedShape` (never ignored).
- ``pyshacl`` (:mod:`kg.validate.pyshacl_engine`): pySHACL over the merged graph as rdflib
  reads it; the reference, and the way to validate any SHACL Core shape.

Both report ill-typed literals (:func:`~kg.validate.report.ill_typed`) as violations of their
own (:mod:`kg.validate.report`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.errors import UsageError
from kg.sources import SourceFile, curated_files, parse_file
from kg.store import OxigraphStore, Quad, Store, Triple
from kg.validate import pyshacl_engine, sparql_engine
from kg.validate.pyshacl_engine import (
    read_by_shapes,
    read_predicates,
    union_graph,
    validate_graph,
)
from kg.validate.report import IllTyped, Violation, ill_typed, load_shapes

#: The validators, the default first.
ENGINES = ("sparql", "pyshacl")
DEFAULT_ENGINE = ENGINES[0]

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "IllTyped",
    "Violation",
    "ill_typed",
    "load_shapes",
    "read_by_shapes",
    "read_predicates",
    "union_graph",
    "validate_files",
    "validate_graph",
    "validate_store",
]


def _check(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown validator {engine!r}", hint=f"Use {' or '.join(ENGINES)}.")


def validate_store(
    store: Store, *, shapes: Path | None = None, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Validate everything in a store (its merged default graph, the ontology in it) against
    the project's shapes (or ``shapes``)."""
    _check(engine)
    shapes_graph = load_shapes(shapes)
    if engine == "pyshacl":
        triples = list(store.triples())
        return pyshacl_engine.validate_triples(triples, shapes_graph, literals=ill_typed(triples))
    return sparql_engine.validate(store, shapes_graph, literals=ill_typed(store.triples()))


def validate_files(
    paths: Iterable[Path], *, shapes: Path | None = None, engine: str = DEFAULT_ENGINE
) -> list[Violation]:
    """Validate files in the context of the ontology and the curated data (so they may refer
    to its categories and organisations); report the violations about the files' own subjects."""
    _check(engine)
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
    literals = ill_typed(everything)
    if engine == "pyshacl":
        found = pyshacl_engine.validate_triples(everything, shapes_graph, literals=literals)
    else:
        store = OxigraphStore()
        store.add(everything)
        found = sparql_engine.validate(store, shapes_graph, literals=literals)
    return [v for v in found if v.focus in subjects]
