"""The graph as it was on a date (``--as-of``): what a view or a query sees of the past.

A date asked about means the last day it can mean: "as of 2019" is the graph at the end of 2019,
with every event of 2019 in it (:func:`kg.dates.last_day`).
"""

from __future__ import annotations

from collections import defaultdict

from kg.dates import first_day, last_day, lexical, parse_date
from kg.history.ownership import DERIVED_GRAPH, add_derived
from kg.namespaces import RDFS
from kg.store import Literal, NamedNode, OxigraphStore, Quad, Store
from kg.store.terms import is_iri


def as_of_store(store: Store, date: str) -> OxigraphStore:
    """A new in-memory store holding the graph as it was on ``date`` (YYYY, YYYY-MM or
    YYYY-MM-DD; a year or a month means its last day).

    Left out: events dated after the day (every triple about them, and every triple naming
    them); organisations founded after it (by ``eco:foundingDate``, a founding event, or a
    coalition that formed them; of several, the most precise) when they have a founding date;
    sources left with nothing but their own description. Ownership is derived again for that
    day, so each organisation sits under its owner of that day; an organisation renamed later
    carries its former name. Undated events stay: nothing says they came later.
    """
    day = last_day(parse_date(date))
    hidden = _hidden_after(store, day)
    renamed = _former_names(store, day)
    later_snapshots = _snapshots_after(store, day)
    label = NamedNode(RDFS + "label")
    kept: list[Quad] = []
    for q in store.quads():
        graph = q.graph_name
        if isinstance(graph, NamedNode) and (
            graph.value == DERIVED_GRAPH or graph.value in later_snapshots
        ):
            continue
        s, o = q.subject, q.object
        if isinstance(s, NamedNode) and s.value in hidden:
            continue
        if isinstance(o, NamedNode) and o.value in hidden:
            continue
        if q.predicate == label and isinstance(s, NamedNode) and s.value in renamed:
            continue
        kept.append(q)
    for iri, (name, graphs) in renamed.items():
        for g in graphs:
            kept.append(Quad(NamedNode(iri), label, Literal(name), NamedNode(g)))
    out = OxigraphStore()
    out.add(_without_empty_sources(kept))
    add_derived(out, on=day)
    return out


def _snapshots_after(store: Store, day: str) -> set[str]:
    """Graphs of snapshots taken after ``day`` (a landscape of 2026 says nothing of 2015),
    and the graphs derived from them (such as a diff between two snapshots)."""
    from rdflib import Literal as Text

    answer = store.query(
        """SELECT DISTINCT ?snapshot ?derived ?day WHERE {
          ?snapshot dcterms:isVersionOf ?of ; dcterms:issued ?issued .
          FILTER(STR(?issued) > ?day)
          OPTIONAL { ?derived prov:wasDerivedFrom ?snapshot ; a eco:Source }
        }""",
        substitutions={"day": Text(day)},
    )
    return {str(term) for row in answer.rows for term in row[:2] if term is not None}


def _hidden_after(store: Store, day: str) -> set[str]:
    """Events dated after ``day``, and organisations whose founding came after it."""
    answer = store.query(
        """SELECT ?x ?d ?kind WHERE {
          { ?x eco:date ?d . BIND("event" AS ?kind) }
          UNION { ?x eco:foundingDate ?d . BIND("org" AS ?kind) }
          UNION { ?f a eco:Founding ; eco:organization ?x ; eco:date ?d . BIND("org" AS ?kind) }
          UNION { ?f eco:formed ?x ; eco:date ?d . BIND("org" AS ?kind) }
        }"""
    )
    founded: dict[str, str] = {}  # the most precise founding date of each organisation
    hidden: set[str] = set()
    for x, d, kind in answer.rows:
        value = lexical(d) if d is not None else None
        if value is None or not is_iri(x):
            continue
        if str(kind) == "event":
            if first_day(value) > day:
                hidden.add(str(x))
        else:
            # A year and a day for one founding: the day (the most precise; on a tie the
            # earliest).
            known = founded.get(str(x))
            if known is None or (-len(value), first_day(value)) < (-len(known), first_day(known)):
                founded[str(x)] = value
    hidden.update(x for x, d in founded.items() if first_day(d) > day)
    return hidden


def _former_names(store: Store, day: str) -> dict[str, tuple[str, list[str]]]:
    """For each organisation or product renamed after ``day``: its name on that day (the
    former name of the first rename after it) and the graphs that state that name."""
    answer = store.query(
        """SELECT ?x ?former ?d ?r ?g WHERE {
          ?r a eco:Rename ; eco:date ?d .
          { ?r eco:organization ?x } UNION { ?r eco:product ?x }
          GRAPH ?g { ?r eco:formerName ?former }
        }"""
    )
    first: dict[str, tuple[str, str, str]] = {}
    graphs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for x, former, d, r, g in answer.rows:
        value = lexical(d) if d is not None else None
        if value is None or first_day(value) <= day:
            continue
        key = (first_day(value), str(r))
        graphs[(str(x), str(r))].append(str(g))
        if str(x) not in first or key < first[str(x)][:2]:
            first[str(x)] = (*key, str(former))
    return {x: (former, sorted(set(graphs[(x, r)]))) for x, (_day, r, former) in first.items()}


def _without_empty_sources(quads: list[Quad]) -> list[Quad]:
    """Drop the graphs that hold nothing but their source's own description."""
    content: set[str] = set()
    for q in quads:
        g = q.graph_name
        if isinstance(g, NamedNode) and q.subject != g:
            content.add(g.value)
    return [
        q for q in quads if not isinstance(q.graph_name, NamedNode) or q.graph_name.value in content
    ]
