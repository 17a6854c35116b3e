"""The organizations view: who bought, joined, funded or took a product from whom."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from kg.namespaces import ECO
from kg.views.facts import Facts, edge_data, new_graph

if TYPE_CHECKING:
    import networkx as nx

# Derived relations of the organizations view (declared in ontology/ontology.ttl).
CO_MEMBER = ECO + "coMember"
MEMBER_OF = ECO + "memberOf"
PRODUCT_FROM = ECO + "productFrom"
INVESTED_IN = ECO + "investedIn"


def organizations(facts: Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    graph = new_graph(facts, orgs)
    developers = facts.links(ECO + "developer")
    acquirers = facts.links(ECO + "acquirer")

    def price(event: str) -> float | None:
        return facts.number(ECO + "price", event)

    # Acquisitions: the buyer to the organisation bought; a product line bought links the
    # buyer to the product's developer (the organisation that gave it up).
    for event, acquired in sorted(facts.links(ECO + "acquired").items()):
        date = facts.date(event)
        for buyer in acquirers.get(event, []):
            if buyer not in orgs:
                continue
            for target in acquired:
                if target in orgs and target != buyer:
                    graph.add_edge(
                        buyer, target, key=event,
                        **edge_data(facts, ECO + "acquired", date=date, price=price(event),
                                event=event),
                    )  # fmt: skip
                elif target in products:
                    for seller in developers.get(target, []):
                        if seller in orgs and seller != buyer:
                            graph.add_edge(
                                buyer, seller, key=f"{event} {target}",
                                **edge_data(facts, PRODUCT_FROM, date=date, price=price(event),
                                        event=event, product=target),
                            )  # fmt: skip

    # Donations: the foundation that receives a product to the organisation that gave it.
    donors = facts.links(ECO + "organization")
    recipients = facts.links(ECO + "recipient")
    for event, given in sorted(facts.links(ECO + "product").items()):
        if event not in recipients:
            continue
        date = facts.date(event)
        for foundation in recipients[event]:
            for donor in donors.get(event, []):
                if foundation not in orgs or donor not in orgs or donor == foundation:
                    continue
                for product in given:
                    graph.add_edge(
                        foundation, donor, key=f"{event} {product}",
                        **edge_data(facts, PRODUCT_FROM, date=date, event=event, product=product),
                    )  # fmt: skip

    # Coalitions: co-members (one edge each way, weighted by the coalitions they share, dated
    # by the first), and each member to the consortium the coalition formed.
    formed = facts.links(ECO + "formed")
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for event, members in sorted(facts.links(ECO + "member").items()):
        inside = sorted(m for m in members if m in orgs)
        date = facts.date(event)
        for i, a in enumerate(inside):
            for b in inside[i + 1 :]:
                shared[(a, b)].append(event)
            for consortium in formed.get(event, []):
                if consortium in orgs and consortium != a:
                    graph.add_edge(
                        a, consortium, key=event,
                        **edge_data(facts, MEMBER_OF, date=date, event=event),
                    )  # fmt: skip
    for (a, b), events in shared.items():
        dates = [d for d in (facts.date(e) for e in events) if d]
        data = edge_data(facts, CO_MEMBER, date=min(dates) if dates else None, weight=len(events))
        graph.add_edge(a, b, key=CO_MEMBER, **data)
        graph.add_edge(b, a, key=CO_MEMBER, **dict(data))

    # Funding: each investor to the organisation funded.
    funded = facts.links(ECO + "organization")
    for event, investors in sorted(facts.links(ECO + "investor").items()):
        date = facts.date(event)
        for investor in investors:
            for target in funded.get(event, []):
                if investor in orgs and target in orgs and investor != target:
                    graph.add_edge(
                        investor, target, key=event,
                        **edge_data(facts, INVESTED_IN, date=date, event=event,
                                amount=facts.number(ECO + "amount", event)),
                    )  # fmt: skip
    return graph
