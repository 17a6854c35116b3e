"""Timelines: the dated events in order, for the whole graph or one entity.

A date of the data counts from its first day, so a year sorts before the days of that year
(:func:`kg.dates.sort_key`); ``--from`` means its first day, ``--to`` its last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.dates import first_day, last_day, lexical, parse_date, sort_key
from kg.errors import UsageError
from kg.labels import better, fallback, labels, resolve
from kg.namespaces import ECO, PROV, RDF, expand
from kg.store import Store
from kg.store.terms import is_iri

_EVENT_PROPERTIES_SKIPPED = {RDF + "type", ECO + "source", PROV + "wasDerivedFrom"}


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a timeline, with the labels of what it involves."""

    event: str
    date: str | None
    type: str
    label: str
    involved: tuple[tuple[str, str], ...] = field(default=())
    sources: tuple[str, ...] = field(default=())

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


def event_types(store: Store) -> list[str]:
    """The IRIs of eco:Event and its subclasses that the ontology in ``store`` knows."""
    answer = store.query("SELECT DISTINCT ?t WHERE { ?t rdfs:subClassOf* eco:Event }")
    return sorted({str(r[0]) for r in answer.rows if is_iri(r[0])} | {ECO + "Event"})


def resolve_type(store: Store, name: str) -> str:
    """An event type from ``Acquisition``, ``eco:Acquisition`` or its IRI."""
    known = event_types(store)
    candidates = [name, expand(name) or "", ECO + name]
    for c in candidates:
        if c in known:
            return c
    lowered = {t.rsplit("#", 1)[-1].lower(): t for t in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    raise UsageError(
        f"{name!r} is not an event type",
        hint="Use one of " + ", ".join(t.rsplit("#", 1)[-1] for t in known) + ".",
    )


def timeline(
    store: Store,
    entity: str | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    types: Iterable[str] = (),
    undated: bool = False,
) -> list[TimelineEvent]:
    """The dated events in date order (mixed precision: see :func:`sort_key`), for the whole
    graph or those that involve ``entity`` (an IRI, prefixed name or label). ``start`` and
    ``end`` bound the dates (``end`` a year or month means its last day); ``types`` keeps
    those event types; ``undated`` adds the undated events at the end (not with bounds)."""
    wanted_entity = resolve(store, entity) if entity else None
    wanted_types: set[str] = set()
    for name in types:
        wanted_types |= _subclasses(store, resolve_type(store, name))
    low = first_day(parse_date(start)) if start else None
    high = last_day(parse_date(end)) if end else None
    found: dict[str, _Found] = {}
    for e, t, d, label in store.query(
        """SELECT ?e ?type ?d ?label WHERE {
          ?e a ?type . ?type rdfs:subClassOf* eco:Event .
          OPTIONAL { ?e eco:date ?d }
          OPTIONAL { ?e rdfs:label ?label }
        }"""
    ).rows:
        if not is_iri(e):
            continue
        item = found.setdefault(str(e), _Found())
        item.types.add(str(t))
        if d is not None:
            item.date = lexical(d)
        if label is not None and better(str(label), item.label):
            item.label = str(label)
    for e, p, x in store.query(
        """SELECT ?e ?p ?x WHERE {
          ?e a ?type . ?type rdfs:subClassOf* eco:Event .
          ?e ?p ?x . FILTER(isIRI(?x))
        }"""
    ).rows:
        linked = found.get(str(e))
        if linked is None:
            continue
        if str(p) == ECO + "source":
            linked.sources.add(str(x))
        elif str(p) not in _EVENT_PROPERTIES_SKIPPED:
            linked.involved.add(str(x))
    selected = {
        e: item
        for e, item in found.items()
        if item.wanted(
            entity=wanted_entity, types=wanted_types, low=low, high=high, undated=undated
        )
    }
    names = labels(store, {x for item in selected.values() for x in item.involved}, complete=True)
    out = [
        TimelineEvent(
            event=e,
            date=item.date,
            type=(sorted(item.types - {ECO + "Event"}) or [ECO + "Event"])[0],
            label=item.label or fallback(e),
            involved=tuple(sorted(((x, names[x]) for x in item.involved), key=lambda i: i[1])),
            sources=tuple(sorted(item.sources)),
        )
        for e, item in selected.items()
    ]
    out.sort(key=lambda t: (*sort_key(t.date), t.label.lower(), t.event))
    return out


@dataclass
class _Found:
    """What the timeline's queries found about one event."""

    types: set[str] = field(default_factory=set)
    date: str | None = None
    label: str | None = None
    involved: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    def wanted(
        self,
        *,
        entity: str | None,
        types: set[str],
        low: str | None,
        high: str | None,
        undated: bool,
    ) -> bool:
        if types and not types & self.types:
            return False
        if entity and entity not in self.involved:
            return False
        if self.date is None:
            return undated and not low and not high
        day = first_day(self.date)
        return not (low and day < low) and not (high and day > high)


def _subclasses(store: Store, iri: str) -> set[str]:
    from rdflib import URIRef

    answer = store.query(
        "SELECT ?t ?top WHERE { ?t rdfs:subClassOf* ?top }", substitutions={"top": URIRef(iri)}
    )
    return {str(r[0]) for r in answer.rows} | {iri}
