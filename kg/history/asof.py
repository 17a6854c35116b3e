"""The graph as it was on a date (``--as-of``): what a view or a query sees of the past.

A date asked about means the last day it can mean: "as of 2019" is the graph at the end of 2019,
with every event of 2019 in it (:func:`kg.dates.last_day`).

An imported landscape history (``kg import landscape-history``) answers for itself: the
landscape as it stood that day comes from its periods (:mod:`kg.history.landscape`), not from
a snapshot imported for that date.
"""

from __future__ import annotations

from collections import defaultdict

from kg.dates import first_day, last_day, lexical, parse_date
from kg.history.landscape import FACT_PREDICATES, Period, facts_on, read_periods
from kg.history.ownership import DERIVED_GRAPH, add_derived
from kg.namespaces import DCTERMS, ECO, KG, RDFS
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

    A landscape history keeps the periods that had begun by the day (those that ended later
    lose their end: it had not come), the items listed by then, and, in place of the items'
    facts at the end of the history, those of the day (:func:`kg.history.landscape.facts_on`).
    """
    day = last_day(parse_date(date))
    hidden = _hidden_after(store, day)
    renamed = _former_names(store, day)
    later_snapshots = _snapshots_after(store, day)
    histories = {
        g: _LandscapeDay(store, g, periods, day) for g, periods in read_periods(store).items()
    }
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
        history = histories.get(graph.value) if isinstance(graph, NamedNode) else None
        if history is not None and not history.keeps(q):
            continue
        kept.append(q)
    for iri, (name, graphs) in renamed.items():
        for g in graphs:
            kept.append(Quad(NamedNode(iri), label, Literal(name), NamedNode(g)))
    for history in histories.values():
        kept = history.settle(kept)
    out = OxigraphStore()
    out.add(_without_empty_sources(kept))
    add_derived(out, on=day)
    return out


class _LandscapeDay:
    """One landscape history's graph as it stood on a day."""

    def __init__(self, store: Store, graph: str, periods: list[Period], day: str) -> None:
        self.graph = graph
        self.day = day
        begun = [p for p in periods if p.begins <= day]
        self.dropped = {p.iri for p in periods if p.begins > day}
        self.open = {p.iri for p in begun if p.end is not None and p.end > day}
        self.items = {p.item for p in periods}
        self.unlisted = self.items - {p.item for p in begun}
        self.empty = not begun  # nothing of the history had begun: no graph of it
        from rdflib import URIRef

        cncf = store.query(
            "SELECT DISTINCT ?g ?c WHERE { GRAPH ?g { ?s eco:hostedBy ?c } }",
            substitutions={"g": URIRef(graph)},
        ).rows
        self.facts = facts_on(begun, day, str(cncf[0][1]) if cncf else KG + "cncf")

    def keeps(self, q: Quad) -> bool:
        s, p = q.subject, q.predicate.value
        if not isinstance(s, NamedNode):
            return True
        if s.value in self.dropped or s.value in self.unlisted:
            return False
        if s.value in self.items and p in FACT_PREDICATES:
            return False  # the facts of the end of the history: those of the day instead
        return not (p == ECO + "endDate" and s.value in self.open)

    def settle(self, kept: list[Quad]) -> list[Quad]:
        """Add the day's facts; drop the commits issued after the day that nothing kept cites,
        and the whole graph when nothing of it had begun."""
        g = NamedNode(self.graph)
        if self.empty:
            return [q for q in kept if q.graph_name != g]
        mine = [q for q in kept if q.graph_name == g and isinstance(q.subject, NamedNode)]
        cited = {_value(q.object) for q in mine if q.predicate.value == ECO + "source"}
        later = {
            _value(q.subject)
            for q in mine
            if q.predicate.value == DCTERMS + "issued"
            and q.subject != g
            and _value(q.object) > self.day
            and _value(q.subject) not in cited
        }
        out = [q for q in kept if q.graph_name != g or _value(q.subject) not in later]
        out += [Quad(NamedNode(s), NamedNode(p), NamedNode(o), g) for s, p, o in sorted(self.facts)]
        return out


def _value(term: object) -> str:
    """The IRI or the lexical form of a term (nothing for a quoted triple)."""
    return str(getattr(term, "value", ""))


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
          ?r a ?renaming ; eco:date ?d . ?renaming rdfs:subClassOf* eco:Rename .
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
