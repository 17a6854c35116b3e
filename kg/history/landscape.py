"""The landscape on a day, from the periods its history implies: one rule, two users.

``kg import landscape-history`` writes periods (``eco:Listing``, ``eco:MaturityPeriod``,
``eco:Membership``, ``eco:Certification``) and, beside them, the landscape as it stands at
the end of the history as plain facts of its items (``eco:category``, ``eco:developer``,
``eco:hostedBy``, ``eco:maturity``). ``--as-of DATE`` (:mod:`kg.history.asof`) replaces those
facts with the ones of that day. Both take them from :func:`facts_on`, so the import's "now"
and ``--as-of`` of the last day cannot disagree.

The rule: a period holds on a day when it had begun by then (``eco:startDate``, or
``eco:startedBy`` for one already under way when the history begins) and had not ended
(``eco:endDate`` is the first day it no longer held). On that day, an item of a listing is in
each of the listing's categories; a product listed under an organisation other than the CNCF
is developed by it; a product listed under the CNCF, or with a maturity level, is hosted by
the CNCF; a project of a maturity period has that level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kg.namespaces import ECO
from kg.store import Store

LISTING = ECO + "Listing"
MATURITY = ECO + "MaturityPeriod"
MEMBERSHIP = ECO + "Membership"
CERTIFICATION = ECO + "Certification"
PERIOD_CLASSES = (LISTING, MATURITY, MEMBERSHIP, CERTIFICATION)
HISTORY_CLASS = ECO + "LandscapeHistory"
#: The plain facts of an item that the periods decide (and ``--as-of`` replaces).
FACT_PREDICATES = frozenset(
    {ECO + "category", ECO + "developer", ECO + "hostedBy", ECO + "maturity"}
)


@dataclass(frozen=True)
class Period:
    """One landscape period, as read from the graph or made by the import."""

    iri: str
    kind: str  # one of PERIOD_CLASSES
    item: str  # the item (the member, for a membership)
    start: str | None  # eco:startDate
    started_by: str | None  # eco:startedBy: under way when the history begins
    end: str | None  # eco:endDate: the first day it no longer held
    values: tuple[str, ...]  # categories; (level,); (tier,); (programme,)
    under: str | None = None  # eco:listedUnder, on a listing
    product: bool = True  # the item is a product (an organisation has no developer)

    @property
    def begins(self) -> str:
        """The day from which the period is known to hold."""
        day = self.start or self.started_by
        assert day is not None, self.iri  # the shapes ask for one of the two
        return day

    def holds_on(self, day: str) -> bool:
        return self.begins <= day and (self.end is None or day < self.end)


Fact = tuple[str, str, str]


def facts_on(periods: Iterable[Period], day: str | None, cncf: str) -> set[Fact]:
    """The items' plain facts on ``day`` (None: the periods that have not ended)."""
    out: set[Fact] = set()
    for p in periods:
        if not (p.end is None if day is None else p.holds_on(day)):
            continue
        if p.kind == LISTING:
            out.update((p.item, ECO + "category", c) for c in p.values)
            if p.under and p.product:
                if p.under == cncf:
                    out.add((p.item, ECO + "hostedBy", cncf))
                elif p.under != p.item:
                    out.add((p.item, ECO + "developer", p.under))
        elif p.kind == MATURITY:
            out.add((p.item, ECO + "maturity", p.values[0]))
            if p.product:
                out.add((p.item, ECO + "hostedBy", cncf))
    return out


_PERIODS_QUERY = """
SELECT ?g ?p ?kind ?item ?start ?startedBy ?end ?value ?under ?isProduct WHERE {
  VALUES ?kind { eco:Listing eco:MaturityPeriod eco:Membership eco:Certification }
  GRAPH ?g { ?p a ?kind }
  ?g a eco:LandscapeHistory .
  { ?p eco:item ?item } UNION { ?p eco:member ?item }
  OPTIONAL { ?p eco:startDate ?start }
  OPTIONAL { ?p eco:startedBy ?startedBy }
  OPTIONAL { ?p eco:endDate ?end }
  OPTIONAL { ?p eco:category|eco:maturity|eco:tier|eco:programme ?value }
  OPTIONAL { ?p eco:listedUnder ?under }
  BIND(EXISTS { ?item a/rdfs:subClassOf* eco:Product } AS ?isProduct)
}
"""


def read_periods(store: Store) -> dict[str, list[Period]]:
    """Every landscape period of ``store``, by the history graph that holds it."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for g, node, kind, item, start, started_by, end, value, under, is_product in store.query(
        _PERIODS_QUERY
    ).rows:
        key = (str(g), str(node))
        row = rows.setdefault(
            key,
            {
                "kind": str(kind),
                "item": str(item),
                "start": None if start is None else str(start),
                "started_by": None if started_by is None else str(started_by),
                "end": None if end is None else str(end),
                "values": set(),
                "under": None if under is None else str(under),
                "product": str(is_product).lower() == "true",
            },
        )
        if value is not None:
            values = row["values"]
            assert isinstance(values, set)
            values.add(str(value))
    out: dict[str, list[Period]] = {}
    for (graph, iri), row in sorted(rows.items()):
        values = row["values"]
        assert isinstance(values, set)
        out.setdefault(graph, []).append(
            Period(
                iri=iri,
                kind=str(row["kind"]),
                item=str(row["item"]),
                start=row["start"],  # type: ignore[arg-type]
                started_by=row["started_by"],  # type: ignore[arg-type]
                end=row["end"],  # type: ignore[arg-type]
                values=tuple(sorted(values)),
                under=row["under"],  # type: ignore[arg-type]
                product=bool(row["product"]),
            )
        )
    return out


def history_graphs(store: Store) -> list[str]:
    """The graphs written by ``kg import landscape-history`` (named after an
    ``eco:LandscapeHistory``)."""
    rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a eco:LandscapeHistory } }").rows
    return sorted(str(r[0]) for r in rows)


__all__ = [
    "CERTIFICATION",
    "FACT_PREDICATES",
    "HISTORY_CLASS",
    "LISTING",
    "MATURITY",
    "MEMBERSHIP",
    "PERIOD_CLASSES",
    "Fact",
    "Period",
    "facts_on",
    "history_graphs",
    "read_periods",
]
