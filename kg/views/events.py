"""The events view: events and the entities they involve, each edge named by the role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.namespaces import ECO, PROV, RDFS
from kg.store import NamedNode
from kg.views.facts import TYPE, Facts, edge_data

if TYPE_CHECKING:
    import networkx as nx

#: Links from an event that are not participation: provenance, classes, value sets.
_NOT_ROLES = {
    TYPE,
    ECO + "source",
    ECO + "maturity",
    PROV + "wasDerivedFrom",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
}


def events(facts: Facts) -> nx.MultiDiGraph:
    import networkx as nx

    named = NamedNode
    events = facts.instances(ECO + "Event")
    skip = facts.schema_terms() | facts.instances(ECO + "Source")
    maturity = facts.links(ECO + "maturity")
    attributes = facts.attributes()
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for event in sorted(events):
        date = facts.date(event)
        data = attributes(event)
        data.update(bipartite=1, date=date)
        if event in maturity:
            data["maturity"] = facts.label(maturity[event][0])
        graph.add_node(event, **data)
        price = facts.number(ECO + "price", event)
        for quad in facts.ox.quads_for_pattern(named(event), None, None, facts.graph):
            p, o = quad.predicate.value, quad.object
            if p in _NOT_ROLES or type(o) is not named:
                continue
            target = o.value
            if target in skip or target in events:
                continue
            edges.append(
                (event, facts.intern(target), p, edge_data(facts, p, date=date, price=price))
            )
    for entity in sorted({e[1] for e in edges}):
        graph.add_node(entity, bipartite=0, **attributes(entity))
    for event, entity, predicate, data in edges:
        graph.add_edge(event, entity, key=predicate, **data)
    return graph
