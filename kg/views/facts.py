"""Reading a store for the views: indexes filled on demand, one index scan per predicate.

The projections read the engine's quads directly (the merged default graph), never through
rdflib: at a million triples that is the difference between seconds and minutes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kg.dates import first_day, lexical
from kg.labels import LABEL_PREDICATES, better, fallback
from kg.namespaces import DCTERMS, ECO, OWL, PROV, RDF, RDFS
from kg.store import DefaultGraph, NamedNode
from kg.store import Literal as EngineLiteral

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

TYPE = RDF + "type"
#: Used where the store carries no ontology: the subclasses that ontology/ontology.ttl declares.
_FALLBACK_CLASSES = {
    ECO + "Organization": {"Organization", "Company", "Investor", "Consortium"},
    ECO + "Product": {"Product"},
    ECO + "Category": {"Category"},
    ECO + "Event": {
        "Event", "Acquisition", "Coalition", "Pivot", "Funding", "Conference", "Founding",
        "Rename", "Closure", "Donation", "Release", "MaturityChange", "LandscapeChange",
        "PublicOffering", "SpinOff", "Appointment", "LicenceChange", "Fork",
    },
}  # fmt: skip
_SCHEMA_CLASSES = {OWL + "Class", RDFS + "Class", RDFS + "Datatype"}


class Facts:
    """Indexes over the store, each filled on demand by one index scan of one predicate.

    Strings are interned (one object per IRI, one tuple per combination of classes) so that
    the graph built from them stays small.
    """

    def __init__(self, store: ox.Store) -> None:
        self.ox = store
        default = DefaultGraph()
        has_default = next(iter(store.quads_for_pattern(None, None, None, default)), None)
        # The build stores the merge of the named graphs as the default graph; a bare store
        # without it is read across all its graphs instead.
        self.graph: DefaultGraph | None = default if has_default is not None else None
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
            named, intern = NamedNode, self.strings.setdefault
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
        or with ``longest`` the name the label rule picks (:func:`kg.labels.better`)."""
        key = predicate + (" longest" if longest else "")
        found = self._values.get(key)
        if found is None:
            literal, named = EngineLiteral, NamedNode
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
                    elif better(text, old) if longest else text < old:
                        found[iri] = text
            self._values[key] = found
        return found

    # classes

    @property
    def types(self) -> dict[str, tuple[str, ...]]:
        return self.links(TYPE)

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
        """The label rule of :mod:`kg.labels`, over the indexes."""
        for predicate in LABEL_PREDICATES:
            found = self.values(predicate, longest=True).get(iri)
            if found:
                return found
        return fallback(iri)

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
            specific.sort(key=lambda c: (not c.startswith(ECO), fallback(c)))
            found = cache[classes] = (
                fallback(specific[0]),
                sorted({fallback(c) for c in classes}),
            )
        return found

    def attributes(self) -> Callable[[str], dict[str, Any]]:
        """A function from an IRI to its node attributes."""
        by_label, by_pref, by_title = (self.values(p, longest=True) for p in LABEL_PREDICATES)
        types = self.types
        categories = self.links(ECO + "category")
        homepages = self.values(ECO + "homepage")
        founded = self.values(ECO + "foundingDate")
        sources = self.links(ECO + "source")
        existence, renames = self.existence(), self.renames()
        maturity = self.links(ECO + "maturity")
        source_titles = self.source_titles
        short_type, label = self.short_type, self.label
        # Combinations of categories and of sources repeat (the tuples are shared): sort each
        # once; every node still gets lists of its own, copied by slicing (exactly as long:
        # list() leaves room to grow, 8 more bytes for most, on every node) and its dates
        # shared (the same day is one string, not one per node).
        intern = self.intern
        sorted_labels: dict[tuple[str, ...], list[str]] = {(): []}
        sorted_sources: dict[tuple[str, ...], list[str]] = {(): []}
        titled: dict[tuple[str, ...], list[str]] = {(): []}

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
            titles = titled.get(srcs)
            if titles is None:
                titles = titled[srcs] = source_titles(src_list)
            founding = founded.get(iri)
            found = {
                "label": (
                    by_label.get(iri) or by_pref.get(iri) or by_title.get(iri) or fallback(iri)
                ),
                "type": kind,
                "types": kinds[:],
                "categories": cat_labels[:],
                "homepage": homepages.get(iri),
                "founding_date": None if founding is None else intern(founding),
                "sources": src_list[:],
                "source_titles": titles[:],
            }
            since = existence.get(iri)
            if since:
                found["valid_from"] = since
            names = renames.get(iri)
            if names:
                found["renames"] = [f"{day} {name}" for day, name in names]
            level = maturity.get(iri)
            if level:
                found["maturity"] = label(level[0])
            return found

        return attributes

    def relation(self, predicate: str) -> str:
        return self.label(predicate)

    def all_values(self, predicate: str) -> dict[str, tuple[str, ...]]:
        """Subject IRI to every literal value of ``predicate`` (sorted)."""
        key = "all " + predicate
        if key not in self._cache:
            found: dict[str, set[str]] = defaultdict(set)
            node = NamedNode(predicate)
            for quad in self.ox.quads_for_pattern(None, node, None, self.graph):
                s, o = quad.subject, quad.object
                if type(s) is NamedNode and type(o) is EngineLiteral:
                    found[s.value].add(o.value)
            self._cache[key] = {iri: tuple(sorted(v)) for iri, v in found.items()}
        return self._cache[key]

    # --- time: what ``--as-of`` (kg.history.asof) leaves out before a day -----------------

    def existence(self) -> dict[str, str]:
        """Each entity founded on a known date to the first day it exists, by the rule of
        :func:`kg.history.as_of_store`: of its founding dates (``eco:foundingDate``, a
        ``eco:Founding`` event, a coalition that ``eco:formed`` it) the most precise, on a tie
        the earliest; and each event to the first day of its latest date (an event any of whose
        dates falls after a day is left out of that day's graph)."""
        if "existence" not in self._cache:
            candidates: dict[str, set[str]] = defaultdict(set)
            for iri, dates in self.all_values(ECO + "foundingDate").items():
                candidates[iri].update(d for d in (lexical(v) for v in dates) if d)
            event_dates = self.all_values(ECO + "date")
            foundings = self.instances(ECO + "Founding")
            for event, orgs in self.links(ECO + "organization").items():
                if event in foundings:
                    for org in orgs:
                        candidates[org].update(
                            d for d in (lexical(v) for v in event_dates.get(event, ())) if d
                        )
            for event, formed in self.links(ECO + "formed").items():
                for org in formed:
                    candidates[org].update(
                        d for d in (lexical(v) for v in event_dates.get(event, ())) if d
                    )
            found: dict[str, str] = {}
            for iri, options in candidates.items():
                if options:
                    best = min(options, key=lambda d: (-len(d), first_day(d)))
                    found[iri] = self.intern(first_day(best))
            for event, values in event_dates.items():
                days = [first_day(d) for d in (lexical(v) for v in values) if d]
                if days:
                    found[event] = self.intern(max(days))
            self._cache["existence"] = found
        return self._cache["existence"]

    def renames(self) -> dict[str, list[list[str]]]:
        """Each renamed entity to its renames as ``[first day, former name]``, in date order:
        before that day it carried the former name (what ``--as-of`` shows). Node attributes
        carry them as ``"DAY NAME"`` strings (``renames``), which every export format holds."""
        if "renames" not in self._cache:
            found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
            former = self.values(ECO + "formerName", longest=True)
            dates = self.values(ECO + "date")
            for event in self.instances(ECO + "Rename"):
                day = lexical(dates.get(event, ""))
                name = former.get(event)
                if not day or not name:
                    continue
                for predicate in (ECO + "organization", ECO + "product"):
                    for iri in self.links(predicate).get(event, ()):
                        found[iri].append((first_day(day), event, name))
            self._cache["renames"] = {
                iri: [[day, name] for day, _event, name in sorted(rows)]
                for iri, rows in found.items()
            }
        return self._cache["renames"]

    def ownerships(self) -> list[dict[str, Any]]:
        """The direct ownership periods ``kg build`` derived (kg.history.ownership), each with
        its owner, owned thing, events and the days it certainly held (None: unbounded)."""
        if "ownerships" not in self._cache:
            owners, owned = self.links(ECO + "owner"), self.links(ECO + "owned")
            derived = self.links(PROV + "wasDerivedFrom")
            days = {
                name: self.values(ECO + name)
                for name in ("certainFrom", "certainUntil", "startDate", "endDate")
            }
            rows = []
            indirect = self.instances(ECO + "IndirectOwnership")
            for period in sorted(self.instances(ECO + "Ownership") - indirect):
                for owner in owners.get(period, ()):
                    for thing in owned.get(period, ()):
                        rows.append(
                            {
                                "period": period,
                                "owner": owner,
                                "owned": thing,
                                "events": derived.get(period, ()),
                                "start": days["startDate"].get(period),
                                "end": days["endDate"].get(period),
                                "certain_from": days["certainFrom"].get(period),
                                "certain_until": days["certainUntil"].get(period),
                            }
                        )
            self._cache["ownerships"] = rows
        return self._cache["ownerships"]

    def snapshots(self) -> list[str]:
        """The titles of the dated snapshots in the store (a landscape file imported with
        ``kg import``: a source with ``dcterms:isVersionOf`` and ``dcterms:issued``)."""
        issued = self.values(DCTERMS + "issued")
        versions = self.links(DCTERMS + "isVersionOf")
        return sorted(self.label(s) for s in versions if s in issued)

    # --- events and sources as an edge shows them ----------------------------------------

    def source_titles(self, sources: Iterable[str]) -> list[str]:
        """Each source's ``dcterms:title`` (its label when it has no title), in order."""
        titles = self.values(DCTERMS + "title", longest=True)
        return [titles.get(s) or self.label(s) for s in sources]

    def event_data(self, event: str) -> dict[str, Any]:
        """What an edge made by ``event`` shows of it: the event, its type and label, its
        sources with their titles, and the first day it belongs to the graph."""
        sources = sorted(self.links(ECO + "source").get(event, ()))
        data: dict[str, Any] = {
            "event": event,
            "event_type": self.short_type(self.types.get(event, ()))[0],
            "event_label": self.label(event),
            "sources": sources,
            "source_titles": self.source_titles(sources),
        }
        since = self.existence().get(event)
        if since:
            data["valid_from"] = since
        return data

    def date(self, event: str) -> str | None:
        """The event's eco:date (the earliest, were sources to disagree)."""
        return self.values(ECO + "date").get(event)

    def number(self, predicate: str, iri: str) -> float | None:
        text = self.values(predicate).get(iri)
        try:
            return None if text is None else float(text)
        except ValueError:
            return None


def new_graph(facts: Facts, nodes: Iterable[str]) -> nx.MultiDiGraph:
    import networkx as nx

    attributes = facts.attributes()
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from((n, attributes(n)) for n in sorted(nodes))
    return graph


def edge_data(
    facts: Facts,
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
