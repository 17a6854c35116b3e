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

import contextlib
import functools
import gc
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg import dates, labels, namespaces
from kg.errors import OutputError, UsageError
from kg.history.asof import as_of_store
from kg.io import atomic_write
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
    cache = None if as_of else cache_path(kg_store, view, include_schema=include_schema)
    if cache is not None:
        cached = _read_cache(cache)
        if cached is not None:
            return cached
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
    if cache is not None:
        _write_cache(cache, graph)
    return graph


# --- the projection of a build, cached in the build ------------------------------------------
#
# Projecting the organizations view of a 1M-triple build reads some fifteen whole predicates
# from the on-disk copy (seconds: 12 s on this 2-core machine, the engine's scans most of it);
# reading it back pickled takes 0.2 s. A build never changes once published (kg.build writes
# a new generation), so the projection is kept inside the generation, beside kg.oxigraph: a
# new build starts with no cache and the old one goes with its generation. The file name holds
# a digest of the code that projects (kg/views and the label, date and namespace rules), so
# a changed projection is never read from an older cache. The cache is a pickle written by
# this program into the build folder it wrote itself, read with the same trust as kg.oxigraph.

CACHE_DIR = "views"


@functools.cache
def _code_digest() -> str:
    paths = sorted(Path(__file__).parent.glob("*.py"))
    paths += [Path(m.__file__ or "") for m in (dates, labels, namespaces)]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_path(store: Store, view: str, *, include_schema: bool = False) -> Path | None:
    """Where the projection of ``view`` is cached: in the build that ``store`` was opened
    from (:meth:`kg.store.OxigraphStore.from_copy`, never written since), else None (a store
    in memory, a persistent or remote store: their data may change)."""
    if not isinstance(store, OxigraphStore) or not store.copy_on_write or store.path is None:
        return None
    name = f"{view}{'-schema' if include_schema else ''}-{_code_digest()}.pickle"
    return store.path.parent / CACHE_DIR / name


def _read_cache(path: Path) -> nx.MultiDiGraph | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # Unpickling makes as many small objects as projecting: the collector stays off meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        graph = pickle.loads(data)
    except Exception:  # a damaged or truncated file: project again, and rewrite it
        return None
    finally:
        if collecting:
            gc.enable()
    return graph


def _write_cache(path: Path, graph: nx.MultiDiGraph) -> None:
    # A build folder this user may read but not write: no cache, the same answer.
    with contextlib.suppress(OutputError):
        atomic_write(path, pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
