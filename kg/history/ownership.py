"""Ownership periods, derived from the acquisitions at build time.

Dates are partial (:mod:`kg.dates`): a date in the data counts from the first day it can mean,
so the period a sale ends and the period it begins meet on one day and never overlap.

* Each acquisition of X by Y starts an ``eco:Ownership`` (owner Y, owned X) on its date. It ends
  (``eco:endDate``) on the date of the next acquisition of X by another acquirer: a sale. A
  second event for the same buyer continues the period.
* Undated acquisitions (the 2015 essay names some without a date) cannot start a period on a
  known day. They are taken to precede every dated acquisition of the same thing (their source
  reports them as done), so a dated one ends them. Their period has no ``eco:startDate``;
  ``eco:startedBy`` gives the earliest publication date (``dcterms:issued``) of the sources that
  report them, the day by which the period had begun. Several undated acquisitions of one thing
  cannot be ordered: only the one reported last gives a period.
* Chains: when the owner is itself owned (CoreOS by Red Hat, Red Hat later by IBM), an
  ``eco:IndirectOwnership`` (owner IBM, owned CoreOS, ``eco:through`` Red Hat) covers the overlap
  of the two periods, so "who owns X on D" is one pattern and a few filters in SPARQL, however
  long the chain. ``eco:chainLength`` counts the links (1 for a direct ownership).
* ``eco:parentOrganization`` links an organisation to the owner of its ownership that has not
  ended (products get periods but no parent organisation).

``kg build`` writes the periods into the graph :data:`DERIVED_GRAPH`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.dates import DATATYPES, first_day, lexical, sort_key
from kg.labels import labels, lookup
from kg.namespaces import DCTERMS, ECO, KG, PROV, RDF, RDFS, XSD
from kg.store import Literal, NamedNode, OxigraphStore, Quad, Store
from kg.store.terms import is_iri

#: The named graph that holds the derived ownership periods (an eco:DerivedSource).
DERIVED_GRAPH = KG + "derived/ownership"
_PERIOD_BASE = KG + "derived/ownership/"
_INT = NamedNode(XSD + "integer")


def date_literal(value: str) -> Literal:
    """A partial date as a literal typed by its precision."""
    return Literal(value, datatype=NamedNode(DATATYPES[len(value)]))


@dataclass(frozen=True)
class Acquisition:
    event: str
    acquirer: str
    acquired: str
    date: str | None
    #: the earliest publication date of the sources stating the event (undated events only)
    reported: str | None = None


@dataclass(frozen=True)
class Period:
    """One ownership: ``chain`` runs from the owned thing to its owner (length 2 when direct)."""

    chain: tuple[str, ...]
    start: str | None
    started_by: str | None
    end: str | None
    events: tuple[str, ...]

    @property
    def owned(self) -> str:
        return self.chain[0]

    @property
    def owner(self) -> str:
        return self.chain[-1]

    @property
    def direct(self) -> bool:
        return len(self.chain) == 2

    def lower(self) -> str | None:
        """The first day the period is known to hold (None: not known at all)."""
        known = self.start or self.started_by
        return first_day(known) if known else None

    def holds_on(self, day: str) -> bool:
        """True when the period held on ``day`` (YYYY-MM-DD), by the rules of the module."""
        lower = self.lower()
        if lower is not None and lower > day:
            return False
        return self.end is None or day < first_day(self.end)


def acquisitions(store: Store) -> list[Acquisition]:
    """Every acquisition with one acquirer and one acquired thing (others are the shapes'
    business), its date where stated, and for undated ones the date they were reported by."""
    answer = store.query(
        """SELECT ?e ?acquirer ?acquired (SAMPLE(?d) AS ?date)
                  (GROUP_CONCAT(DISTINCT STR(?issued); separator=" ") AS ?reported)
        WHERE {
          ?e a eco:Acquisition ; eco:acquirer ?acquirer ; eco:acquired ?acquired .
          OPTIONAL { ?e eco:date ?d }
          OPTIONAL { ?e eco:source ?src . ?src dcterms:issued ?issued }
        } GROUP BY ?e ?acquirer ?acquired"""
    )
    counts: dict[str, int] = defaultdict(int)
    for row in answer.rows:
        counts[str(row[0])] += 1
    out = []
    for e, acquirer, acquired, date, reported in answer.rows:
        if counts[str(e)] != 1 or not is_iri(acquirer) or not is_iri(acquired):
            continue
        out.append(
            Acquisition(
                str(e),
                str(acquirer),
                str(acquired),
                lexical(date) if date is not None else None,
                _earliest(str(reported or "").split()),
            )
        )
    return sorted(out, key=lambda a: (a.acquired, sort_key(a.date), a.event))


def _earliest(values: Iterable[str]) -> str | None:
    dates = [d for d in (lexical(v) for v in values) if d]
    return min(dates, key=sort_key) if dates else None


def direct_periods(acqs: Iterable[Acquisition]) -> list[Period]:
    """The ownership periods the acquisitions give, each owned thing's in date order."""
    by_owned: dict[str, list[Acquisition]] = defaultdict(list)
    for a in acqs:
        by_owned[a.acquired].append(a)
    periods: list[Period] = []
    for owned in sorted(by_owned):
        items = by_owned[owned]
        dated = sorted((a for a in items if a.date), key=lambda a: (sort_key(a.date), a.event))
        undated = sorted(
            (a for a in items if not a.date), key=lambda a: (sort_key(a.reported), a.event)
        )
        # Undated first (see the module's rules); of several, only the one reported last.
        sequence = undated[-1:] + dated
        merged: list[list[Acquisition]] = []
        for a in sequence:
            if merged and merged[-1][0].acquirer == a.acquirer:
                merged[-1].append(a)  # the same buyer again: one deal told twice
            else:
                merged.append([a])
        for i, group in enumerate(merged):
            first = next((a for a in group if a.date), group[0])  # a dated telling wins
            following = merged[i + 1][0] if i + 1 < len(merged) else None
            periods.append(
                Period(
                    chain=(owned, first.acquirer),
                    start=first.date,
                    started_by=None if first.date else first.reported,
                    end=following.date if following else None,
                    events=tuple(sorted(a.event for a in group)),
                )
            )
    return periods


def _later_start(a: Period, b: Period) -> tuple[str | None, str | None]:
    """The start (known, or else the day it had begun by) of the overlap of two periods."""
    if a.start and b.start:
        return max(a.start, b.start, key=first_day), None
    if a.start or b.start:
        known = a.start or b.start
        bound = b.started_by if a.start else a.started_by
        assert known is not None
        if bound is None or first_day(known) >= first_day(bound):
            return known, None
        return None, bound
    if a.started_by and b.started_by:
        return None, max(a.started_by, b.started_by, key=first_day)
    return None, None


def _earlier_end(a: Period, b: Period) -> str | None:
    ends = [e for e in (a.end, b.end) if e]
    return min(ends, key=first_day) if ends else None


def chain_periods(direct: Sequence[Period]) -> list[Period]:
    """The indirect ownerships: each direct period composed with the periods of its owner
    (direct or indirect) that overlap it."""
    owned_by: dict[str, list[Period]] = defaultdict(list)
    for p in direct:
        owned_by[p.owned].append(p)
    memo: dict[str, list[Period]] = {}

    def upward(entity: str, seen: frozenset[str]) -> list[Period]:
        if entity in memo:
            return memo[entity]
        result: list[Period] = []
        for p in owned_by.get(entity, []):
            result.append(p)
            if p.owner in seen or p.owner == entity:
                continue
            for q in upward(p.owner, seen | {entity}):
                if entity in q.chain:
                    continue
                start, started_by = _later_start(p, q)
                end = _earlier_end(p, q)
                lower = start or started_by
                if end and lower and first_day(lower) >= first_day(end):
                    continue  # the periods do not overlap
                result.append(
                    Period(
                        chain=p.chain + q.chain[1:],
                        start=start,
                        started_by=started_by,
                        end=end,
                        events=tuple(sorted({*p.events, *q.events})),
                    )
                )
        memo[entity] = result
        return result

    out: list[Period] = []
    for entity in sorted(owned_by):
        out += [p for p in upward(entity, frozenset()) if not p.direct]
    return out


def ownership_periods(store: Store, *, on: str | None = None) -> list[Period]:
    """Direct and indirect ownership periods from the store's acquisitions. With ``on`` (a
    day, YYYY-MM-DD), the periods as they stood that day: those not begun left out, ends
    after it dropped."""
    periods = direct_periods(acquisitions(store))
    periods += chain_periods(periods)
    if on is None:
        return periods
    out = []
    for p in periods:
        lower = p.lower()
        if lower is not None and lower > on:
            continue
        if p.end and first_day(p.end) > on:
            p = Period(p.chain, p.start, p.started_by, None, p.events)
        out.append(p)
    return out


def derive(store: Store, *, on: str | None = None) -> list[Quad]:
    """The derived graph's quads: the periods, the parent organisations, and the graph's own
    description as an eco:DerivedSource. ``on`` as in :func:`ownership_periods`."""
    periods = ownership_periods(store, on=on)
    if not periods:
        return []
    entities = {e for p in periods for e in p.chain}
    names = labels(store, entities, complete=True)
    orgs = organizations(store, entities)
    g = NamedNode(DERIVED_GRAPH)
    quads: list[Quad] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        quads.append(Quad(s, NamedNode(p), o, g))

    used: set[str] = set()
    events: set[str] = set()
    for period in periods:
        node = NamedNode(_period_iri(period, used))
        kind = "Ownership" if period.direct else "IndirectOwnership"
        add(node, RDF + "type", NamedNode(ECO + kind))
        add(node, RDFS + "label", Literal(" -> ".join(names[e] for e in period.chain)))
        add(node, ECO + "owned", NamedNode(period.owned))
        add(node, ECO + "owner", NamedNode(period.owner))
        for via in period.chain[1:-1]:
            add(node, ECO + "through", NamedNode(via))
        add(node, ECO + "chainLength", Literal(str(len(period.chain) - 1), datatype=_INT))
        if period.start:
            add(node, ECO + "startDate", date_literal(period.start))
        elif period.started_by:
            add(node, ECO + "startedBy", date_literal(period.started_by))
        if period.end:
            add(node, ECO + "endDate", date_literal(period.end))
        for event in period.events:
            add(node, PROV + "wasDerivedFrom", NamedNode(event))
        add(node, ECO + "source", g)
        events.update(period.events)
        current = period.end is None and (on is None or period.holds_on(on))
        if period.direct and current and period.owned in orgs and period.owner in orgs:
            add(NamedNode(period.owned), ECO + "parentOrganization", NamedNode(period.owner))
    add(g, RDF + "type", NamedNode(ECO + "Source"))
    add(g, RDF + "type", NamedNode(ECO + "DerivedSource"))
    add(g, DCTERMS + "title", Literal("Ownership periods derived from the acquisitions"))
    add(
        g,
        RDFS + "comment",
        Literal(
            "Computed by `kg build` (kg/history/ownership.py), not stated by any source: each "
            "acquisition starts an ownership on its date and a later sale of the same thing ends "
            "it; chains of owners give indirect ownerships; undated acquisitions have no start "
            "date." + (f" As of {on}." if on else "")
        ),
    )
    for event in sorted(events):
        add(g, PROV + "wasDerivedFrom", NamedNode(event))
    return quads


def add_derived(store: OxigraphStore, *, on: str | None = None) -> int:
    """Derive the ownership graph into ``store``; the number of quads added."""
    quads = derive(store, on=on)
    store.add(quads)
    return len(quads)


def _period_iri(period: Period, used: set[str]) -> str:
    slug = "--".join(_slug(e) for e in period.chain)
    slug += "--" + (period.start or "undated")
    iri, n = _PERIOD_BASE + slug, 2
    while iri in used:
        iri, n = f"{_PERIOD_BASE}{slug}-{n}", n + 1
    used.add(iri)
    return iri


def _slug(iri: str) -> str:
    local = iri[len(KG) :] if iri.startswith(KG) else iri.rstrip("/#").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", local).strip("-") or "x"


def organizations(store: Store, iris: Iterable[str]) -> set[str]:
    """The IRIs among ``iris`` that are organisations (of eco:Organization or a subclass)."""
    rows = lookup(
        store, iris, "DISTINCT ?s", f"?s a ?t . ?t <{RDFS}subClassOf>* <{ECO}Organization>"
    )
    return {str(r[0]) for r in rows}
