"""The deals view: who bought whom, and when.

Nodes are the acquirers and what they bought (organisations or product lines); each edge is one
acquisition, acquirer to acquired, with its date, price, event and sources. ``kg viz --view
deals`` lays it out on a time axis (x is the date), so consolidation reads left to right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.namespaces import ECO
from kg.views.facts import Facts, edge_data, new_graph

if TYPE_CHECKING:
    import networkx as nx


def deals(facts: Facts) -> nx.MultiDiGraph:
    entities = facts.instances(ECO + "Organization") | facts.instances(ECO + "Product")
    acquirers = facts.links(ECO + "acquirer")
    rows = []
    for event, acquired in sorted(facts.links(ECO + "acquired").items()):
        for buyer in acquirers.get(event, ()):
            for target in acquired:
                if buyer in entities and target in entities and buyer != target:
                    rows.append((event, buyer, target))
    graph = new_graph(facts, {n for _e, buyer, target in rows for n in (buyer, target)})
    for event, buyer, target in rows:
        graph.add_edge(
            buyer, target, key=event,
            **edge_data(facts, ECO + "acquired", date=facts.date(event),
                        price=facts.number(ECO + "price", event), **facts.event_data(event)),
        )  # fmt: skip
    # A node is in the view from its first deal (what --as-of gives: a deal not yet made
    # brings neither of its ends), and not before it existed.
    for node, attrs in graph.nodes(data=True):
        starts = [d.get("valid_from") for _u, _v, d in graph.in_edges(node, data=True)]
        starts += [d.get("valid_from") for _u, _v, d in graph.out_edges(node, data=True)]
        if starts and all(starts):
            first = min(s for s in starts if s)
            attrs["valid_from"] = max(first, attrs.get("valid_from") or first)
    return graph
