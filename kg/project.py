"""Views: the RDF graph projected into NetworkX graphs that mean something.

A view is a named, documented projection (:data:`VIEWS`). Each returns a
``networkx.MultiDiGraph`` whose nodes are entity IRIs (``str``) with the attributes

``label``, ``type`` (the most specific class, short: ``"Company"``), ``types``, ``categories``
(category labels), ``homepage``, ``founding_date`` (ISO), ``sources`` (source IRIs)

and whose edges carry ``predicate`` (IRI), ``relation`` (its label), ``date`` (ISO or None),
``weight`` (float) and, where there is one, ``price``. Literals never become nodes: they are
attributes. Classes never become nodes either, unless ``include_schema`` asks for the ``full``
view with the ontology and ``rdf:type`` edges: the naive projection
(``rdflib.extras.external_graph_libs``) turns every shared date and class into a hub that
dominates centrality.

The projection is one pass over the predicates a view needs, through Oxigraph's indexes (the
merged default graph), never through rdflib.

>>> import networkx as nx
>>> from kg.build import load                  # doctest: +SKIP
>>> g = project(load(), "organizations")       # doctest: +SKIP
>>> g.nodes["https://w3id.org/container-kg/id/docker"]["label"]   # doctest: +SKIP
'Docker, Inc.'
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.namespaces import DCTERMS, ECO, ONTOLOGY_GRAPH, OWL, PROV, RDF, RDFS, SKOS

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

    from kg.store import Store

#: The views, by name, with what each holds.
VIEWS: dict[str, str] = {
    "organizations": (
        "Organisations: acquirer to acquired (date, price); co-members of a coalition (weight: "
        "coalitions shared); member to the consortium its coalition formed; new owner to former "
        "developer where a product moved owners (bought or donated); investor to funded "
        "organisation."
    ),
    "ecosystem": (
        "Organisations, products and categories: product to developer, organisation or product "
        "to category, category to broader category, product to parent project."
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

# Derived relations of the organizations view (declared in ontology/ontology.ttl).
CO_MEMBER = ECO + "coMember"
MEMBER_OF = ECO + "memberOf"
PRODUCT_FROM = ECO + "productFrom"
INVESTED_IN = ECO + "investedIn"

_TYPE = RDF + "type"
_LABELS = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")
#: Used where the store carries no ontology: the subclasses that ontology/ontology.ttl declares.
_FALLBACK_CLASSES = {
    ECO + "Organization": {"Organization", "Company", "Investor", "Consortium"},
    ECO + "Product": {"Product"},
    ECO + "Category": {"Category"},
    ECO + "Event": {
        "Event", "Acquisition", "Coalition", "Pivot", "Funding", "Conference", "Founding",
        "Rename", "Closure", "Donation", "Release", "MaturityChange", "LandscapeChange",
    },
}  # fmt: skip
#: Links from an event that are not participation: provenance, classes, value sets.
_NOT_ROLES = {
    _TYPE,
    ECO + "source",
    ECO + "maturity",
    PROV + "wasDerivedFrom",
    RDFS + "seeAlso",
    RDFS + "isDefinedBy",
}
_SCHEMA_CLASSES = {OWL + "Class", RDFS + "Class", RDFS + "Datatype"}


def project(
    store: Store | ox.Store,
    view: str = "organizations",
    *,
    as_of: str | None = None,
    include_schema: bool = False,
) -> nx.MultiDiGraph:
    """The graph of ``store`` seen through ``view`` (see :data:`VIEWS`).

    ``as_of`` projects the graph as it was on that date (``kg.history.as_of_store``);
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
    if as_of:
        from kg.history import as_of_store

        store = as_of_store(_as_kg_store(store), as_of)
    builders: dict[str, Callable[[_Facts], nx.MultiDiGraph]] = {
        "organizations": _organizations,
        "ecosystem": _ecosystem,
        "events": _events,
        "full": lambda f: _full(f, include_schema=include_schema),
    }
    # A projection allocates millions of small acyclic containers; the cyclic collector would
    # rescan the growing heap again and again (at 1M triples: 25 s instead of 6 s). It is off
    # while the graph is built and back on, as it was, afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        graph = builders[view](_Facts(_oxigraph(store)))
    finally:
        if collecting:
            gc.enable()
    graph.graph.update(view=view, description=VIEWS[view], as_of=as_of)
    return graph


def view_help() -> str:
    """The views as lines of text, for ``--help``."""
    return "\n".join(f"{name}: {text}" for name, text in VIEWS.items())


# --- reading the store ----------------------------------------------------------------------


def _oxigraph(store: Any) -> ox.Store:
    import pyoxigraph as ox

    if isinstance(store, ox.Store):
        return store
    return store.to_oxigraph()


def _as_kg_store(store: Any) -> Store:
    """A kg store for a bare ``pyoxigraph.Store`` (``kg.history`` works on kg stores)."""
    import pyoxigraph as ox

    from kg.store import OxigraphStore

    if not isinstance(store, ox.Store):
        return store
    wrapped = OxigraphStore()
    wrapped.ox = store
    return wrapped


def local_name(iri: str) -> str:
    """The last segment of an IRI.

    >>> local_name("https://w3id.org/container-kg/ontology#Company")
    'Company'
    """
    trimmed = iri.rstrip("#/")
    for sep in ("#", "/", ":"):
        if sep in trimmed:
            return trimmed.rsplit(sep, 1)[1]
    return iri


class _Facts:
    """Indexes over the store, each filled on demand by one index scan of one predicate.

    Strings are interned (one object per IRI, one tuple per combination of classes) so that
    the graph built from them stays small.
    """

    def __init__(self, store: ox.Store) -> None:
        import pyoxigraph as ox

        self.ox = store
        self._ox = ox
        default = ox.DefaultGraph()
        has_default = next(iter(store.quads_for_pattern(None, None, None, default)), None)
        # The build stores the merge of the named graphs as the default graph; a bare store
        # without it is read across all its graphs instead.
        self.graph: ox.DefaultGraph | None = default if has_default is not None else None
        self.strings: dict[str, str] = {}
        self._links: dict[str, dict[str, tuple[str, ...]]] = {}
        self._values: dict[str, dict[str, str]] = {}
        self._cache: dict[str, Any] = {}

    def intern(self, text: str) -> str:
        return self.strings.setdefault(text, text)

    # scans

    def links(self, predicate: str) -> dict[str, tuple[str, ...]]:
        """Subject IRI to the IRIs it links to through ``predicate`` (in store order)."""
        found = self._links.get(predicate)
        if found is None:
            named, intern = self._ox.NamedNode, self.strings.setdefault
            combos: dict[tuple[str, ...], tuple[str, ...]] = {}
            found = {}
            node = named(predicate)
            # One index scan, the loop kept tight: it runs once per triple.
            for quad in self.ox.quads_for_pattern(None, node, None, self.graph):
                s, o = quad.subject, quad.object
                if type(s) is named and type(o) is named:
                    subject, target = s.value, o.value
                    target = intern(target, target)
                    old = found.get(subject)
                    if old is None:
                        key: tuple[str, ...] = (target,)
                        found[intern(subject, subject)] = combos.setdefault(key, key)
                    elif target not in old:
                        key = (*old, target)
                        found[subject] = combos.setdefault(key, key)
            self._links[predicate] = found
        return found

    def values(self, predicate: str, *, longest: bool = False) -> dict[str, str]:
        """Subject IRI to one literal value: the smallest lexical form (the earliest date),
        or with ``longest`` the longest text (the fullest of a name given twice)."""
        key = predicate + (" longest" if longest else "")
        found = self._values.get(key)
        if found is None:
            literal, named = self._ox.Literal, self._ox.NamedNode
            intern = self.strings.setdefault
            found = {}
            node = named(predicate)
            for quad in self.ox.quads_for_pattern(None, node, None, self.graph):
                s, o = quad.subject, quad.object
                if type(s) is named and type(o) is literal:
                    iri, text = s.value, o.value
                    old = found.get(iri)
                    if old is None:
                        found[intern(iri, iri)] = text
                    elif (len(text), old) > (len(old), text) if longest else text < old:
                        found[iri] = text
            self._values[key] = found
        return found

    # classes

    @property
    def types(self) -> dict[str, tuple[str, ...]]:
        return self.links(_TYPE)

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (the store's rdfs:subClassOf, and the project's
        own ontology when the store carries none)."""
        key = "subclasses " + cls
        if key not in self._cache:
            below: dict[str, set[str]] = defaultdict(set)
            for sub, supers in self.links(RDFS + "subClassOf").items():
                for sup in supers:
                    below[sup].add(sub)
            found = {cls} | {ECO + name for name in _FALLBACK_CLASSES.get(cls, ())}
            todo = list(found)
            while todo:
                for sub in below.get(todo.pop(), ()):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._cache[key] = found
        return self._cache[key]

    def instances(self, cls: str) -> set[str]:
        """IRIs typed with ``cls`` or one of its subclasses."""
        classes = self.subclasses(cls)
        return {s for s, ts in self.types.items() if not classes.isdisjoint(ts)}

    def superclasses(self) -> dict[str, set[str]]:
        """Each class to all the classes above it."""
        if "supers" not in self._cache:
            direct = self.links(RDFS + "subClassOf")
            closure: dict[str, set[str]] = {}
            for cls in direct:
                seen: set[str] = set()
                todo = list(direct[cls])
                while todo:
                    sup = todo.pop()
                    if sup not in seen:
                        seen.add(sup)
                        todo.extend(direct.get(sup, ()))
                closure[cls] = seen
            self._cache["supers"] = closure
        return self._cache["supers"]

    def schema_terms(self) -> set[str]:
        """Classes and properties: never nodes unless the schema is asked for."""
        if "schema" not in self._cache:
            terms: set[str] = set()
            for s, ts in self.types.items():
                terms.update(ts)
                if not _SCHEMA_CLASSES.isdisjoint(ts) or any(t.endswith("Property") for t in ts):
                    terms.add(s)
            for sub, supers in self.links(RDFS + "subClassOf").items():
                terms.add(sub)
                terms.update(supers)
            self._cache["schema"] = terms
        return self._cache["schema"]

    # what a node or an edge shows

    def label(self, iri: str) -> str:
        """rdfs:label (the longest, when sources differ), else skos:prefLabel, else
        dcterms:title, else the IRI's last segment."""
        for predicate in _LABELS:
            found = self.values(predicate, longest=True).get(iri)
            if found:
                return found
        return local_name(iri)

    def short_type(self, classes: tuple[str, ...]) -> tuple[str, list[str]]:
        """The most specific of ``classes`` (short name; ``eco:`` first) and all their short
        names, sorted."""
        if not classes:
            return "Resource", []
        cache = self._cache.setdefault("short types", {})
        found = cache.get(classes)
        if found is None:
            supers = self.superclasses()
            specific = [c for c in classes if not any(c in supers.get(o, ()) for o in classes)]
            specific.sort(key=lambda c: (not c.startswith(ECO), local_name(c)))
            found = cache[classes] = (
                local_name(specific[0]),
                sorted({local_name(c) for c in classes}),
            )
        return found

    def attributes(self) -> Callable[[str], dict[str, Any]]:
        """A function from an IRI to its node attributes."""
        by_label, by_pref, by_title = (self.values(p, longest=True) for p in _LABELS)
        types = self.types
        categories = self.links(ECO + "category")
        homepages = self.values(ECO + "homepage")
        founded = self.values(ECO + "foundingDate")
        sources = self.links(ECO + "source")
        short_type, label = self.short_type, self.label
        # Combinations of categories and of sources repeat (the tuples are shared): sort each
        # once; every node still gets lists of its own.
        sorted_labels: dict[tuple[str, ...], list[str]] = {(): []}
        sorted_sources: dict[tuple[str, ...], list[str]] = {(): []}

        def attributes(iri: str) -> dict[str, Any]:
            kind, kinds = short_type(types.get(iri, ()))
            cats = categories.get(iri, ())
            cat_labels = sorted_labels.get(cats)
            if cat_labels is None:
                cat_labels = sorted_labels[cats] = sorted(label(c) for c in cats)
            srcs = sources.get(iri, ())
            src_list = sorted_sources.get(srcs)
            if src_list is None:
                src_list = sorted_sources[srcs] = sorted(srcs)
            return {
                "label": (
                    by_label.get(iri) or by_pref.get(iri) or by_title.get(iri) or local_name(iri)
                ),
                "type": kind,
                "types": list(kinds),
                "categories": list(cat_labels),
                "homepage": homepages.get(iri),
                "founding_date": founded.get(iri),
                "sources": list(src_list),
            }

        return attributes

    def relation(self, predicate: str) -> str:
        return self.label(predicate)

    def date(self, event: str) -> str | None:
        """The event's eco:date (the earliest, were sources to disagree)."""
        return self.values(ECO + "date").get(event)

    def number(self, predicate: str, iri: str) -> float | None:
        text = self.values(predicate).get(iri)
        try:
            return None if text is None else float(text)
        except ValueError:
            return None


def _new_graph(facts: _Facts, nodes: Iterable[str]) -> nx.MultiDiGraph:
    import networkx as nx

    attributes = facts.attributes()
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((n, attributes(n)) for n in sorted(nodes))
    return graph


def _edge(
    facts: _Facts,
    predicate: str,
    *,
    date: str | None = None,
    weight: float = 1.0,
    **extra: Any,
) -> dict[str, Any]:
    data = {
        "predicate": predicate,
        "relation": facts.relation(predicate),
        "date": date,
        "weight": float(weight),
    }
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


# --- the views ------------------------------------------------------------------------------


def _organizations(facts: _Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    graph = _new_graph(facts, orgs)
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
                        **_edge(facts, ECO + "acquired", date=date, price=price(event),
                                event=event),
                    )  # fmt: skip
                elif target in products:
                    for seller in developers.get(target, []):
                        if seller in orgs and seller != buyer:
                            graph.add_edge(
                                buyer, seller, key=f"{event} {target}",
                                **_edge(facts, PRODUCT_FROM, date=date, price=price(event),
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
                        **_edge(facts, PRODUCT_FROM, date=date, event=event, product=product),
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
                        **_edge(facts, MEMBER_OF, date=date, event=event),
                    )  # fmt: skip
    for (a, b), events in shared.items():
        dates = [d for d in (facts.date(e) for e in events) if d]
        data = _edge(facts, CO_MEMBER, date=min(dates) if dates else None, weight=len(events))
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
                        **_edge(facts, INVESTED_IN, date=date, event=event,
                                amount=facts.number(ECO + "amount", event)),
                    )  # fmt: skip
    return graph


def _ecosystem(facts: _Facts) -> nx.MultiDiGraph:
    orgs = facts.instances(ECO + "Organization")
    products = facts.instances(ECO + "Product")
    categories = facts.instances(ECO + "Category")
    for targets in facts.links(ECO + "category").values():
        categories.update(targets)
    graph = _new_graph(facts, orgs | products | categories)
    rules = (
        (ECO + "developer", products, orgs),
        (ECO + "category", orgs | products, categories),
        (SKOS + "broader", categories, categories),
        (ECO + "parentProject", products, products),
    )
    for predicate, subjects, objects in rules:
        data = _edge(facts, predicate)
        for s, targets in sorted(facts.links(predicate).items()):
            if s not in subjects:
                continue
            for o in targets:
                if o in objects and o != s:
                    graph.add_edge(s, o, key=predicate, **dict(data))
    return graph


def _events(facts: _Facts) -> nx.MultiDiGraph:
    import networkx as nx

    named = facts._ox.NamedNode
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
            target = o.value  # type: ignore[union-attr]
            if target in skip or target in events:
                continue
            edges.append((event, facts.intern(target), p, _edge(facts, p, date=date, price=price)))
    for entity in sorted({e[1] for e in edges}):
        graph.add_node(entity, bipartite=0, **attributes(entity))
    for event, entity, predicate, data in edges:
        graph.add_edge(event, entity, key=predicate, **data)
    return graph


def _full(facts: _Facts, *, include_schema: bool) -> nx.MultiDiGraph:
    """One pass over every triple: IRI-to-IRI triples become edges as they come, and the
    literals and links that node attributes need fill the indexes of ``facts`` on the way,
    so nothing is read twice and no list of triples is held."""
    import networkx as nx

    ox = facts._ox
    named, literal = ox.NamedNode, ox.Literal
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

    longest = {*_LABELS}
    wanted: dict[str, dict[str, str]] = {
        p: {} for p in (*_LABELS, ECO + "homepage", ECO + "foundingDate")
    }
    linked: dict[str, dict[str, Any]] = {p: {} for p in (_TYPE, ECO + "category", ECO + "source")}
    dates = facts.values(ECO + "date")  # a small index scan first, so edges are dated as added
    templates: dict[str, dict[str, Any]] = {}
    intern = facts.strings.setdefault
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    add = graph.add_edge
    for quad in facts.ox.quads_for_pattern(None, None, None, facts.graph):
        subject, obj = quad.subject, quad.object
        if type(subject) is not named:
            continue
        if type(obj) is named:
            s: str = subject.value  # type: ignore[union-attr]
            p: str = quad.predicate.value
            o: str = obj.value  # type: ignore[union-attr]
            o = intern(o, o)
            targets = linked.get(p)
            if targets is not None:
                found = targets.get(s)
                if found is None:
                    targets[intern(s, s)] = [o]
                elif o not in found:
                    found.append(o)
            if not include_schema and (p == _TYPE or (s in schema_subjects and schema_only(quad))):
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
            s = subject.value  # type: ignore[union-attr]
            text: str = obj.value  # type: ignore[union-attr]
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


# --- files: GraphML, GEXF, node-link JSON, CSV ----------------------------------------------

#: Export formats and their file suffixes.
EXPORTS: dict[str, str] = {"graphml": "graphml", "gexf": "gexf", "json": "json", "csv": "csv"}
_LIST_SEPARATOR = "; "


def export(graph: nx.MultiDiGraph, path: str | os.PathLike[str], fmt: str) -> list[Path]:
    """Write a view to ``path`` in ``fmt`` (:data:`EXPORTS`); returns the files written.

    Every attribute is kept; dates are ISO strings. GraphML and GEXF hold no lists or empty
    values, so lists are joined with ``"; "`` and missing values left out; each edge gets a
    unique id and keeps its multigraph key as the ``key`` attribute. JSON is networkx's
    node-link form (``nx.node_link_graph`` reads it back). CSV writes the edges to ``path``
    and the nodes beside it (``NAME-nodes.csv``), with the column names Gephi's spreadsheet
    import and pandas expect. Each file is written whole or not at all.
    """
    import json

    import networkx as nx

    if fmt not in EXPORTS:
        raise UsageError(
            f"unknown export format {fmt!r}", hint=f"Use one of: {', '.join(EXPORTS)}."
        )
    target = Path(path)
    if fmt in ("graphml", "gexf"):
        flat = _flat(graph)
        if fmt == "graphml":
            _atomic(target, lambda fh: nx.write_graphml(flat, fh))
        else:
            _atomic(target, lambda fh: nx.write_gexf(flat, fh))
        return [target]
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        text = json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
        _atomic(target, lambda fh: fh.write(text.encode("utf-8")))
        return [target]
    nodes_path = target.with_name(f"{target.stem}-nodes{target.suffix or '.csv'}")
    edges_text, nodes_text = _csv_tables(graph)
    _atomic(nodes_path, lambda fh: fh.write(nodes_text.encode("utf-8")))
    _atomic(target, lambda fh: fh.write(edges_text.encode("utf-8")))
    return [target, nodes_path]


def _scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return _LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    import networkx as nx

    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items() if v is not None})
    for i, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        attrs = {k: _scalar(x) for k, x in data.items() if x is not None}
        attrs["key"] = str(key)
        flat.add_edges_from([(u, v, f"e{i}", attrs)])
    return flat


def _csv_tables(graph: nx.MultiDiGraph) -> tuple[str, str]:
    import csv
    import io

    def columns(rows: Iterable[dict[str, Any]], first: list[str]) -> list[str]:
        seen = dict.fromkeys(first)
        for row in rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    def table(header: list[str], rows: Iterable[dict[str, Any]]) -> str:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else _scalar(v) for k, v in row.items()})
        return buf.getvalue()

    node_rows = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edge_rows = [
        {
            "source": u,
            "target": v,
            "key": key,
            "source_label": graph.nodes[u].get("label", u),
            "target_label": graph.nodes[v].get("label", v),
            **d,
        }
        for u, v, key, d in graph.edges(keys=True, data=True)
    ]
    node_header = columns(node_rows, ["id", "label", "type"])
    edge_header = columns(
        edge_rows, ["source", "target", "relation", "predicate", "date", "weight"]
    )
    return table(edge_header, edge_rows), table(node_header, node_rows)


def _atomic(target: Path, write: Callable[[Any], object]) -> None:
    """Write through a temporary file beside ``target`` and a rename (as ``kg build`` does)."""
    from kg.build import _atomic_write

    target.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(target, write)
