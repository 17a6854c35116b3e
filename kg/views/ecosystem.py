"""The ecosystem view: organisations, products and categories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.namespaces import ECO, SKOS
from kg.views.facts import Facts, edge_data, new_graph

if TYPE_CHECKING:
    import networkx as nx


def ecosystem(facts: Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    categories = facts.instances(ECO + "Category")
    for targets in facts.links(ECO + "category").values():
        categories.update(targets)
    graph = new_graph(facts, orgs | products | categories)
    rules = (
        (ECO + "developer", products, orgs),
        (ECO + "category", orgs | products, categories),
        (SKOS + "broader", categories, categories),
        (ECO + "parentProject", products, products),
    )
    for predicate, subjects, objects in rules:
        data = edge_data(facts, predicate)
        for s, targets in sorted(facts.links(predicate).items()):
            if s not in subjects:
                continue
            for o in targets:
                if o in objects and o != s:
                    graph.add_edge(s, o, key=predicate, **dict(data))
    return graph
