"""The full view: every IRI-to-IRI triple of the data, in one pass over the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.labels import LABEL_PREDICATES
from kg.namespaces import ECO, ONTOLOGY_GRAPH
from kg.store import Literal, NamedNode
from kg.views.facts import TYPE, Facts

if TYPE_CHECKING:
    import networkx as nx


def full(facts: Facts, *, include_schema: bool) -> nx.MultiDiGraph:
    """One pass over every triple: IRI-to-IRI triples become edges as they come, and the
    literals and links that node attributes need fill the indexes of ``facts`` on the way,
    so nothing is read twice and no list of triples is held."""
    import networkx as nx

    named, literal = NamedNode, Literal
    ontology = named(ONTOLOGY_GRAPH)
    # Triples that only the ontology's graph states are schema: kept out unless asked for.
    schema_subjects = {
        q.subject.value
        for q in facts.ox.quads_for_pattern(None, None, None, ontology)
        if isinstance(q.subject, named)
    }

    def schema_only(quad: Any) -> bool:
        quads = facts.ox.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        return all(q.graph_name == ontology for q in quads if isinstance(q.graph_name, named))

    longest = {*LABEL_PREDICATES}
    wanted: dict[str, dict[str, str]] = {
        p: {} for p in (*LABEL_PREDICATES, ECO + "homepage", ECO + "foundingDate")
    }
    linked: dict[str, dict[str, Any]] = {p: {} for p in (TYPE, ECO + "category", ECO + "source")}
    dates = facts.values(ECO + "date")  # a small index scan first, so edges are dated as added
    templates: dict[str, dict[str, Any]] = {}
    intern = facts.strings.setdefault
    for event, day in dates.items():  # one string per day, not one per event's edges
        dates[event] = intern(day, day)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    add = graph.add_edge
    for quad in facts.ox.quads_for_pattern(None, None, None, facts.graph):
        subject, obj = quad.subject, quad.object
        if type(subject) is not named:
            continue
        if type(obj) is named:
            s: str = subject.value
            p: str = quad.predicate.value
            o: str = obj.value
            o = intern(o, o)
            targets = linked.get(p)
            if targets is not None:
                found = targets.get(s)
                if found is None:
                    targets[intern(s, s)] = [o]
                elif o not in found:
                    found.append(o)
            if not include_schema and (p == TYPE or (s in schema_subjects and schema_only(quad))):
                continue
            template = templates.get(p)
            if template is None:
                template = templates[p] = {"predicate": p, "relation": facts.relation(p)}
            s = intern(s, s)
            add(s, o, key=template["predicate"], date=dates.get(s), weight=1.0, **template)
        elif type(obj) is literal:
            p = quad.predicate.value
            values = wanted.get(p)
            if values is None:  # most literals: descriptions, quotes, comments
                continue
            s = subject.value
            text: str = obj.value
            old = values.get(s)
            if old is None:
                values[intern(s, s)] = text
            elif (len(text), old) > (len(old), text) if p in longest else text < old:
                values[s] = text
    for predicate, values in wanted.items():
        facts._values[predicate + (" longest" if predicate in longest else "")] = values
    for predicate, lists in linked.items():
        combos: dict[tuple[str, ...], tuple[str, ...]] = {}
        for iri, targets in lists.items():  # each list becomes a shared tuple, in place
            key = tuple(targets)
            lists[iri] = combos.setdefault(key, key)
        facts._links[predicate] = lists
    attributes = facts.attributes()
    for node, data in graph.nodes(data=True):
        data.update(attributes(node))
    return graph
