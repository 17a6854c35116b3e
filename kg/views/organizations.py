"""The organizations view: who bought, joined, funded or took a product from whom.

A coalition is one node, not a clique: each member has one ``member of`` edge to the
consortium the coalition formed (the Open Container Initiative, the CNCF), or to the coalition
itself when it formed none. Linking every pair of co-members instead (the view before issue 15)
made the founding members of the OCI and the CNCF 1,400 of the view's 1,600 edges, which
buried the acquisitions and made co-membership most of what centrality measured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.namespaces import ECO
from kg.views.facts import Facts, edge_data, new_graph

if TYPE_CHECKING:
    import networkx as nx

# Derived relations of the organizations view (declared in ontology/ontology.ttl).
MEMBER_OF = ECO + "memberOf"
PRODUCT_FROM = ECO + "productFrom"
INVESTED_IN = ECO + "investedIn"


def organizations(facts: Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    formed = facts.links(ECO + "formed")
    members = facts.links(ECO + "member")
    # A coalition that formed no organisation is a node of its own: its members point at it.
    standalone = {
        event
        for event, inside in members.items()
        if not any(c in orgs for c in formed.get(event, ())) and any(m in orgs for m in inside)
    }
    graph = new_graph(facts, orgs | standalone)
    developers = facts.links(ECO + "developer")
    acquirers = facts.links(ECO + "acquirer")

    def price(event: str) -> float | None:
        return facts.number(ECO + "price", event)

    # Acquisitions: the buyer to the organisation bought; a product line bought links the
    # buyer to the product's developer (the organisation that gave it up).
    for event, acquired in sorted(facts.links(ECO + "acquired").items()):
        date = facts.date(event)
        about = facts.event_data(event)
        for buyer in acquirers.get(event, []):
            if buyer not in orgs:
                continue
            for target in acquired:
                if target in orgs and target != buyer:
                    graph.add_edge(
                        buyer, target, key=event,
                        **edge_data(facts, ECO + "acquired", date=date, price=price(event),
                                    **about),
                    )  # fmt: skip
                elif target in products:
                    for seller in developers.get(target, []):
                        if seller in orgs and seller != buyer:
                            graph.add_edge(
                                buyer, seller, key=f"{event} {target}",
                                **edge_data(facts, PRODUCT_FROM, date=date, price=price(event),
                                            product=target, **about),
                            )  # fmt: skip

    # Donations: the foundation that receives a product to the organisation that gave it.
    donors = facts.links(ECO + "organization")
    recipients = facts.links(ECO + "recipient")
    for event, given in sorted(facts.links(ECO + "product").items()):
        if event not in recipients:
            continue
        date = facts.date(event)
        about = facts.event_data(event)
        for foundation in recipients[event]:
            for donor in donors.get(event, []):
                if foundation not in orgs or donor not in orgs or donor == foundation:
                    continue
                for product in given:
                    graph.add_edge(
                        foundation, donor, key=f"{event} {product}",
                        **edge_data(facts, PRODUCT_FROM, date=date, product=product, **about),
                    )  # fmt: skip

    # Coalitions: each member to the consortium the coalition formed, or to the coalition.
    for event, inside in sorted(members.items()):
        date = facts.date(event)
        about = facts.event_data(event)
        targets = [c for c in formed.get(event, ()) if c in orgs] or (
            [event] if event in standalone else []
        )
        for member in sorted(m for m in inside if m in orgs):
            for target in targets:
                if target != member:
                    graph.add_edge(
                        member, target, key=event,
                        **edge_data(facts, MEMBER_OF, date=date, **about),
                    )  # fmt: skip

    # Funding: each investor to the organisation funded.
    funded = facts.links(ECO + "organization")
    for event, investors in sorted(facts.links(ECO + "investor").items()):
        date = facts.date(event)
        about = facts.event_data(event)
        for investor in investors:
            for target in funded.get(event, []):
                if investor in orgs and target in orgs and investor != target:
                    graph.add_edge(
                        investor, target, key=event,
                        **edge_data(facts, INVESTED_IN, date=date,
                                    amount=facts.number(ECO + "amount", event), **about),
                    )  # fmt: skip
    return graph
