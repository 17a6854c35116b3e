"""Views: the RDF graph projected into NetworkX graphs that mean something.

A view is a named, documented projection (:data:`VIEWS`). Each returns a
``networkx.MultiDiGraph`` whose nodes are entity IRIs (``str``) with the attributes

``label`` (the label rule of :mod:`kg.labels`), ``type`` (the most specific class, short:
``"Company"``), ``types``, ``categories`` (category labels), ``homepage``, ``founding_date``
(ISO), ``sources`` (source IRIs)

and whose edges carry ``predicate`` (IRI), ``relation`` (its label), ``date`` (ISO or None),
``weight`` (float) and, where there is one, ``price``. Literals never become nodes: they are
attributes. Classes never become nodes either, unless ``include_schema`` asks for the ``full``
view with the ontology and ``rdf:type`` edges: the naive projection
(``rdflib.extras.external_graph_libs``) turns every shared date and class into a hub that
dominates centrality.

>>> from kg import resources
>>> from kg.sources import SourceFile, ontology_files, read_sources
>>> essay = SourceFile(resources.data_dir() / "essay-2015.trig", None)
>>> g = project(read_sources([*ontology_files(), essay]), "organizations")
>>> docker = "https://w3id.org/container-kg/id/docker"
>>> g.nodes[docker]["type"], sorted(g.nodes[t]["label"] for t in g.successors(docker))[:2]
('Company', ['Kitematic', 'Koality'])
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from kg.errors import UsageError
from kg.history.asof import as_of_store
from kg.store import OxigraphStore, Store
from kg.views.deals import deals
from kg.views.ecosystem import ecosystem
from kg.views.events import events
from kg.views.export import EXPORTS, export
from kg.views.facts import Facts
from kg.views.full import full
from kg.views.organizations import organizations

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

__all__ = ["EXPORTS", "VIEWS", "export", "project"]

#: The views, by name, with what each holds.
VIEWS: dict[str, str] = {
    "organizations": (
        "Organisations: acquirer to acquired (date, price); member to the consortium its "
        "coalition formed (a coalition is one node, not a clique of co-members); new owner to "
        "former developer where a product moved owners (bought or donated); investor to funded "
        "organisation. Edges carry their event and its sources."
    ),
    "ecosystem": (
        "Organisations, products and categories: product to developer, organisation or product "
        "to category, category to broader category, product to parent project; acquirer to "
        "acquired; owned thing to owner where no acquisition says it (donations, transfers)."
    ),
    "deals": (
        "Acquisitions only: acquirer to acquired (organisation or product line), with date, "
        "price, event and sources; drawn on a time axis by kg viz."
    ),
    "events": (
        "Bipartite: events and the entities they involve, each edge labelled with the entity's "
        "role (acquirer, acquired, member, organization, product, ...)."
    ),
    "full": (
        "Every IRI-to-IRI triple of the data; the ontology's own triples and rdf:type edges only "
        "with include_schema."
    ),
}


def project(
    store: Store | ox.Store,
    view: str = "organizations",
    *,
    as_of: str | None = None,
    include_schema: bool = False,
) -> nx.MultiDiGraph:
    """The graph of ``store`` seen through ``view`` (see :data:`VIEWS`).

    ``as_of`` projects the graph as it was on that date (:func:`kg.history.as_of_store`);
    ``include_schema`` adds, to the ``full`` view only, the ontology's triples and the
    ``rdf:type`` edges to classes.
    """
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}", hint=f"Use one of: {', '.join(VIEWS)}.")
    if include_schema and view != "full":
        raise UsageError(
            "include_schema applies to the full view only",
            hint="Use view='full' (--view full), or leave include_schema out.",
        )
    kg_store = store if isinstance(store, Store) else OxigraphStore.wrap(store)
    if as_of:
        kg_store = as_of_store(kg_store, as_of)
    builders: dict[str, Callable[[Facts], nx.MultiDiGraph]] = {
        "organizations": organizations,
        "ecosystem": ecosystem,
        "deals": deals,
        "events": events,
        "full": lambda f: full(f, include_schema=include_schema),
    }
    # A projection allocates millions of small acyclic containers; the cyclic collector would
    # rescan the growing heap again and again (at 1M triples: 25 s instead of 6 s). It is off
    # while the graph is built and back on, as it was, afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        facts = Facts(kg_store.to_oxigraph())
        graph = builders[view](facts)
        snapshots = facts.snapshots()
    finally:
        if collecting:
            gc.enable()
    graph.graph.update(view=view, description=VIEWS[view], as_of=as_of)
    if snapshots:
        graph.graph["snapshots"] = "; ".join(snapshots)
    return graph
