"""What a graph holds: triples and quads, entities per class, events per type, sources."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from kg.namespaces import ECO

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.store import Store

_CLASSES = f"""SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  ?e a ?class . FILTER(STRSTARTS(STR(?class), "{ECO}"))
  FILTER NOT EXISTS {{ ?class rdfs:subClassOf+ eco:Event }}
  FILTER(?class != eco:Event)
}} GROUP BY ?class ORDER BY DESC(?n) ?class"""

_EVENTS = """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?dated) AS ?dn) WHERE {
  ?e a ?type . ?type rdfs:subClassOf+ eco:Event .
  OPTIONAL { ?e eco:date ?d . BIND(?e AS ?dated) }
} GROUP BY ?type ORDER BY DESC(?n) ?type"""

_EVENTS_BY_YEAR = """SELECT ?type ?year (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?type . ?type rdfs:subClassOf+ eco:Event . ?e eco:date ?d .
  BIND(SUBSTR(STR(?d), 1, 4) AS ?year)
} GROUP BY ?type ?year ORDER BY ?type ?year"""

_SOURCES_BY_KIND = """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a eco:Source .
  OPTIONAL { ?s eco:sourceKind ?k . ?k rdfs:label ?label }
  BIND(IF(EXISTS { ?s a eco:DerivedSource }, "derived", COALESCE(STR(?label), "unknown")) AS ?kind)
} GROUP BY ?kind ORDER BY DESC(?n) ?kind"""

_SOURCES = """SELECT ?g (SAMPLE(?title) AS ?t) (COUNT(*) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { ?g dcterms:title|rdfs:label ?title }
} GROUP BY ?g ORDER BY DESC(?n) ?g"""


@dataclass
class Stats:
    """The counts ``kg stats`` prints."""

    triples: int
    quads: int
    #: (class IRI, entities), most first
    classes: list[tuple[str, int]] = field(default_factory=list)
    #: (event type IRI, events, dated events), most first
    events: list[tuple[str, int, int]] = field(default_factory=list)
    #: (graph IRI, title or None, quads), largest first
    sources: list[tuple[str, str | None, int]] = field(default_factory=list)
    #: (event type IRI, year, events) for the dated events
    events_by_year: list[tuple[str, str, int]] = field(default_factory=list)
    #: (kind: primary, press, data set, analysis, derived or unknown; sources), most first
    sources_by_kind: list[tuple[str, int]] = field(default_factory=list)

    def years(self, *, since: int = 2013) -> list[str]:
        """The years with dated events, the ones before ``since`` folded into one."""
        found = sorted({y for _t, y, _n in self.events_by_year})
        early = [y for y in found if y < str(since)]
        return ([f"<{since}"] if early else []) + [y for y in found if y >= str(since)]

    def year_table(self, *, since: int = 2013) -> list[tuple[str, list[int]]]:
        """(event type IRI, counts per year of :meth:`years`) for each dated type."""
        years = self.years(since=since)
        table: dict[str, list[int]] = {}
        for kind, year, n in self.events_by_year:
            column = years.index(year) if year in years else 0
            table.setdefault(kind, [0] * len(years))[column] += n
        return sorted(table.items(), key=lambda kv: (-sum(kv[1]), kv[0]))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def stats(store: Store) -> Stats:
    """Count what ``store`` holds."""

    def num(term: Node | None) -> int:
        return int(str(term)) if term is not None else 0

    return Stats(
        triples=store.count(),
        quads=store.quad_count(),
        classes=[(str(c), num(n)) for c, n in store.query(_CLASSES).rows],
        events=[(str(t), num(n), num(d)) for t, n, d in store.query(_EVENTS).rows],
        sources=[
            (str(g), None if t is None else str(t), num(n))
            for g, t, n in store.query(_SOURCES).rows
        ],
        events_by_year=[(str(t), str(y), num(n)) for t, y, n in store.query(_EVENTS_BY_YEAR).rows],
        sources_by_kind=[(str(k), num(n)) for k, n in store.query(_SOURCES_BY_KIND).rows],
    )
