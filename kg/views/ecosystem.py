"""The ecosystem view: organisations, products and categories, and who bought or owns what.

Besides the timeless links (developer, category, broader category, parent project) it holds
each acquisition (acquirer to what it bought, organisation or product line) and each ownership
that no acquisition explains (a project donated to a foundation, a product line handed to a
spun-off company), from the periods ``kg build`` derives, with the days they certainly held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.namespaces import ECO, SKOS
from kg.views.facts import Facts, edge_data, new_graph

if TYPE_CHECKING:
    import networkx as nx

#: The relation of an ownership edge (owned thing to owner).
OWNED_BY = "owned by"


def ecosystem(facts: Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    categories = facts.instances(ECO + "Category")
    for targets in facts.links(ECO + "category").values():
        categories.update(targets)
    entities = orgs | products
    graph = new_graph(facts, entities | categories)
    rules = (
        (ECO + "developer", products, orgs),
        (ECO + "category", entities, categories),
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

    # Acquisitions: the buyer to what it bought.
    acquirers = facts.links(ECO + "acquirer")
    bought: set[tuple[str, str, str]] = set()
    for event, acquired in sorted(facts.links(ECO + "acquired").items()):
        about = facts.event_data(event)
        price = facts.number(ECO + "price", event)
        for buyer in acquirers.get(event, ()):
            for target in acquired:
                if buyer in entities and target in entities and buyer != target:
                    bought.add((event, buyer, target))
                    graph.add_edge(
                        buyer, target, key=event,
                        **edge_data(facts, ECO + "acquired", date=facts.date(event),
                                    price=price, **about),
                    )  # fmt: skip

    # Ownership that no acquisition edge already shows: donations, transfers.
    for period in facts.ownerships():
        owner, owned, events = period["owner"], period["owned"], period["events"]
        if not events or owner not in entities or owned not in entities or owner == owned:
            continue  # a product held by its developer: the developer edge says it
        if any((event, owner, owned) in bought for event in events):
            continue
        about = facts.event_data(sorted(events)[0])
        about.pop("valid_from", None)
        data = edge_data(
            facts, ECO + "owner", date=period["start"], end_date=period["end"], **about
        )
        data["relation"] = OWNED_BY
        if period["certain_from"]:
            data["valid_from"] = period["certain_from"]
        if period["certain_until"]:
            data["valid_until"] = period["certain_until"]
        graph.add_edge(owned, owner, key=period["period"], **data)
    return graph
