"""Ownership periods, derived at build time from the events that change who owns what.

What changes an owner, for each owned thing, in date order:

* an **acquisition** (``eco:acquirer`` buys ``eco:acquired``) starts the buyer's period on the
  deal's completion date (``eco:completionDate``) where a source states it, else on its
  announcement (``eco:date``): never earlier than the sources allow;
* a **spin-off** (``eco:SpinOff``) makes ``eco:spunOff`` independent (its owner's period ends)
  and hands each ``eco:transferred`` thing to the spun-off organisation (HP's 3PAR to Hewlett
  Packard Enterprise in 2015);
* a **donation** gives a product to its ``eco:recipient`` (a foundation);
* a **product** belongs to its developer (``eco:developer``) until one of the above moves it,
  so a product inherits its developer's owners (Tectonic, by CoreOS, is Red Hat's, then IBM's).

A period ends where the next change of the same thing begins; the same owner told twice is one
period. Undated changes cannot start a period on a known day: they come first (their source
reports them as done), a dated change ends them, and ``eco:startedBy`` gives the earliest
publication date of their sources, the day by which the period had begun.

**Precision is kept, and never over-claimed.** A change dated ``2019`` happened on some day of
2019: the new owner *may* hold from 2019-01-01 and *certainly* holds from 2019-12-31; the old one
certainly held until the year began and may have held until it ended. Each period carries these
four days (``eco:possibleFrom``, ``eco:certainFrom``, ``eco:certainUntil``, ``eco:possibleUntil``)
so that ``owner-on`` answers "since 2019-03-04", "during 2019" or nothing, as the sources allow.

Chains: when the owner is itself owned (CoreOS by Red Hat, Red Hat later by IBM), an
``eco:IndirectOwnership`` (owner IBM, owned CoreOS, ``eco:through`` Red Hat) covers the overlap
of the two periods. ``eco:chainLength`` counts the links. ``eco:parentOrganization`` links an
organisation to the owner of its direct period that has not ended.

``kg build`` writes the periods into the graph :data:`DERIVED_GRAPH`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.dates import DATATYPES, first_day, last_day, lexical, sort_key
from kg.labels import MANY, labels, lookup
from kg.namespaces import DCTERMS, ECO, KG, PROV, RDF, RDFS, XSD
from kg.store import Literal, NamedNode, OxigraphStore, Quad, Store
from kg.store.terms import is_iri

#: The named graph that holds the derived ownership periods (an eco:DerivedSource).
DERIVED_GRAPH = KG + "derived/ownership"
_PERIOD_BASE = KG + "derived/ownership/"
_INT = NamedNode(XSD + "integer")
_DATE = NamedNode(XSD + "date")


def date_literal(value: str) -> Literal:
    """A partial date as a literal typed by its precision."""
    return Literal(value, datatype=NamedNode(DATATYPES[len(value)]))


def _day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


# --- what changes an owner -----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One event in the life of an owned thing: from ``date`` it belongs to ``owner`` (None:
    it becomes independent)."""

    event: str
    owned: str
    owner: str | None
    date: str | None
    #: for undated changes: the earliest publication date of the sources that report them
    reported: str | None = None
    #: "developer" changes (a product's maker) come before every other undated one
    kind: str = "acquisition"


@dataclass(frozen=True)
class Period:
    """One ownership: ``chain`` runs from the owned thing to its owner (length 2 when direct).

    ``start`` and ``end`` are partial dates as the sources give them; the four days say when
    the period may and certainly did hold (None: unbounded on that side).
    """

    chain: tuple[str, ...]
    start: str | None
    started_by: str | None
    end: str | None
    events: tuple[str, ...]
    possible_from: str | None = None
    certain_from: str | None = None
    certain_until: str | None = None
    possible_until: str | None = None

    @property
    def owned(self) -> str:
        return self.chain[0]

    @property
    def owner(self) -> str:
        return self.chain[-1]

    @property
    def direct(self) -> bool:
        return len(self.chain) == 2

    def holds_on(self, day: str) -> str | None:
        """``"certain"`` or ``"possible"`` when the period held on ``day`` (YYYY-MM-DD), by the
        sources' precision; None when it did not."""
        if self.possible_from and day < self.possible_from:
            return None
        if self.possible_until and day > self.possible_until:
            return None
        if (self.certain_from and day < self.certain_from) or (
            self.certain_until and day > self.certain_until
        ):
            return "possible"
        return "certain"


def bounded(
    chain: tuple[str, ...],
    start: str | None,
    started_by: str | None,
    end: str | None,
    events: Iterable[str],
) -> Period:
    """A direct period with its four days computed from its partial dates."""
    possible_from: str | None = None
    certain_from: str | None = None
    if start:
        possible_from, certain_from = first_day(start), last_day(start)
    elif started_by:
        possible_from = certain_from = last_day(started_by)
    certain_until: str | None = None
    possible_until: str | None = None
    if end:
        certain_until, possible_until = _day_before(first_day(end)), _day_before(last_day(end))
    return Period(
        chain,
        start,
        None if start else started_by,
        end,
        tuple(sorted(set(events))),
        possible_from,
        certain_from,
        certain_until,
        possible_until,
    )


# --- reading the changes -------------------------------------------------------------------

_ACQUISITIONS = """SELECT ?e ?acquirer ?acquired (SAMPLE(?d) AS ?date) (SAMPLE(?c) AS ?completed)
       (GROUP_CONCAT(DISTINCT STR(?issued); separator=" ") AS ?reported)
WHERE {
  ?e a eco:Acquisition ; eco:acquirer ?acquirer ; eco:acquired ?acquired .
  OPTIONAL { ?e eco:date ?d }
  OPTIONAL { ?e eco:completionDate ?c }
  OPTIONAL { ?e eco:source ?src . ?src dcterms:issued ?issued }
} GROUP BY ?e ?acquirer ?acquired"""

_SPIN_OFFS = """SELECT ?e ?parent ?child ?moved (SAMPLE(?d) AS ?date) WHERE {
  ?e a eco:SpinOff ; eco:spunOff ?child ; eco:date ?d .
  OPTIONAL { ?e eco:organization ?parent }
  OPTIONAL { ?e eco:transferred ?moved }
} GROUP BY ?e ?parent ?child ?moved"""

_DONATIONS = """SELECT ?e ?product ?recipient (SAMPLE(?d) AS ?date) WHERE {
  ?e a eco:Donation ; eco:product ?product ; eco:recipient ?recipient ; eco:date ?d .
} GROUP BY ?e ?product ?recipient"""

_DEVELOPERS = """SELECT DISTINCT ?product ?developer WHERE {
  ?product eco:developer ?developer .
  ?product a ?t . ?t rdfs:subClassOf* eco:Product .
  FILTER(isIRI(?product) && isIRI(?developer) && ?product != ?developer)
}"""


def changes(store: Store) -> list[Change]:
    """Every change of owner the store's events give (see the module's rules)."""
    out: list[Change] = []
    rows = store.query(_ACQUISITIONS).rows
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[str(row[0])] += 1
    for e, acquirer, acquired, date, completed, reported in rows:
        # Several acquirers or acquired things in one event are the shapes' business.
        if counts[str(e)] != 1 or not is_iri(acquirer) or not is_iri(acquired):
            continue
        when = completed if completed is not None else date
        out.append(
            Change(
                str(e),
                str(acquired),
                str(acquirer),
                lexical(when) if when is not None else None,
                _earliest(str(reported or "").split()),
            )
        )
    for e, _parent, child, moved, spun in store.query(_SPIN_OFFS).rows:
        day = lexical(spun)
        if is_iri(child):
            out.append(Change(str(e), str(child), None, day, kind="spin-off"))
            if is_iri(moved):
                out.append(Change(str(e), str(moved), str(child), day, kind="transfer"))
    for e, product, recipient, date in store.query(_DONATIONS).rows:
        if is_iri(product) and is_iri(recipient):
            out.append(Change(str(e), str(product), str(recipient), lexical(date), kind="donation"))
    for product, developer in store.query(_DEVELOPERS).rows:
        out.append(Change("", str(product), str(developer), None, kind="developer"))
    return sorted(set(out), key=lambda c: (c.owned, sort_key(c.date), c.event, c.owner or ""))


def acquisitions(store: Store) -> list[Change]:
    """The changes that acquisitions give (the other kinds left out)."""
    return [c for c in changes(store) if c.kind == "acquisition"]


def _earliest(values: Iterable[str]) -> str | None:
    dates = [d for d in (lexical(v) for v in values) if d]
    return min(dates, key=sort_key) if dates else None


# --- from changes to periods ---------------------------------------------------------------


def direct_periods(all_changes: Iterable[Change]) -> list[Period]:
    """The ownership periods the changes give, each owned thing's in date order."""
    by_owned: dict[str, list[Change]] = defaultdict(list)
    for c in all_changes:
        by_owned[c.owned].append(c)
    periods: list[Period] = []
    for owned in sorted(by_owned):
        items = by_owned[owned]
        makers = sorted({c.owner for c in items if c.kind == "developer" and c.owner})
        dated = sorted((c for c in items if c.date), key=lambda c: (sort_key(c.date), c.event))
        undated = sorted(
            (c for c in items if not c.date and c.kind != "developer"),
            key=lambda c: (sort_key(c.reported), c.event),
        )
        # Undated changes first (see the module's rules); of several, only the one reported
        # last can be placed.
        sequence = undated[-1:] + dated
        groups: list[list[Change]] = []
        for c in sequence:
            if groups and groups[-1][0].owner == c.owner:
                groups[-1].append(c)  # the same owner again: one deal told twice
            else:
                groups.append([c])
        # A product belongs to its makers until the first change moves it.
        first = sequence[0] if sequence else None
        for maker in makers:
            if first is not None and first.owner == maker:
                continue  # the maker's own period starts with that change: one period
            end = first.date if first is not None and first.date else None
            if first is not None and not first.date:
                continue  # an undated change of a product: its maker is not placeable
            periods.append(bounded((owned, maker), None, None, end, ()))
        for i, group in enumerate(groups):
            head = next((c for c in group if c.date), group[0])  # a dated telling wins
            following = groups[i + 1][0] if i + 1 < len(groups) else None
            if head.owner is None:
                continue  # independence: no owner until the next change
            period = bounded(
                (owned, head.owner),
                head.date,
                None if head.date else head.reported,
                following.date if following else None,
                (c.event for c in group if c.event),
            )
            periods.append(period)
    return periods


def _overlap(p: Period, q: Period) -> Period | None:
    """The composition of ``p`` (owned -> mid) with ``q`` (mid -> top) where they overlap."""

    def later(a: str | None, b: str | None) -> str | None:
        return max(a, b) if a and b else a or b

    def earlier(a: str | None, b: str | None) -> str | None:
        return min(a, b) if a and b else a or b

    possible_from = later(p.possible_from, q.possible_from)
    possible_until = earlier(p.possible_until, q.possible_until)
    if possible_from and possible_until and possible_from > possible_until:
        return None
    # The displayed start and end: whichever period's bound decides.
    if q.possible_from and (not p.possible_from or q.possible_from > p.possible_from):
        start, started_by = q.start, q.started_by
    else:
        start, started_by = p.start, p.started_by
    if q.possible_until and (not p.possible_until or q.possible_until < p.possible_until):
        end = q.end
    else:
        end = p.end
    return Period(
        chain=p.chain + q.chain[1:],
        start=start,
        started_by=started_by,
        end=end,
        events=tuple(sorted({*p.events, *q.events})),
        possible_from=possible_from,
        certain_from=later(p.certain_from, q.certain_from),
        certain_until=earlier(p.certain_until, q.certain_until),
        possible_until=possible_until,
    )


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
                composed = _overlap(p, q)
                if composed is not None:
                    result.append(composed)
        memo[entity] = result
        return result

    out: list[Period] = []
    for entity in sorted(owned_by):
        out += [p for p in upward(entity, frozenset()) if not p.direct]
    return out


def ownership_periods(store: Store, *, on: str | None = None) -> list[Period]:
    """Direct and indirect ownership periods from the store's events. With ``on`` (a day,
    YYYY-MM-DD), the periods as they certainly stood that day: those not certainly begun left
    out, ends after it dropped."""
    periods = direct_periods(changes(store))
    periods += chain_periods(periods)
    if on is None:
        return periods
    out = []
    for p in periods:
        if p.holds_on(on) != "certain":
            continue
        if p.end and first_day(p.end) > on:
            p = Period(
                p.chain, p.start, p.started_by, None, p.events, p.possible_from, p.certain_from
            )
        out.append(p)
    return out


# --- the derived graph ---------------------------------------------------------------------


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
    predicates: dict[str, NamedNode] = {}

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        predicate = predicates.get(p)
        if predicate is None:
            predicate = predicates[p] = NamedNode(p)
        quads.append(Quad(s, predicate, o, g))

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
        for name, day in (
            ("possibleFrom", period.possible_from),
            ("certainFrom", period.certain_from),
            ("certainUntil", period.certain_until),
            ("possibleUntil", period.possible_until),
        ):
            if day:
                add(node, ECO + name, Literal(day, datatype=_DATE))
        for event in period.events:
            add(node, PROV + "wasDerivedFrom", NamedNode(event))
        add(node, ECO + "source", g)
        events.update(period.events)
        current = period.end is None and (on is None or period.holds_on(on) == "certain")
        if period.direct and current and period.owned in orgs and period.owner in orgs:
            add(NamedNode(period.owned), ECO + "parentOrganization", NamedNode(period.owner))
    add(g, RDF + "type", NamedNode(ECO + "Source"))
    add(g, RDF + "type", NamedNode(ECO + "DerivedSource"))
    add(g, DCTERMS + "title", Literal("Ownership periods derived from the acquisitions"))
    add(
        g,
        RDFS + "comment",
        Literal(
            "Computed by `kg build` (kg/history/ownership.py), not stated by any source: "
            "acquisitions, spin-offs, donations and products' developers give periods of "
            "ownership; chains of owners give indirect ownerships; each period says from and "
            "until when it certainly or possibly held, as precisely as the sources allow."
            + (f" As of {on}." if on else "")
        ),
    )
    for event in sorted(events):
        add(g, PROV + "wasDerivedFrom", NamedNode(event))
    return quads


def add_derived(store: OxigraphStore, *, on: str | None = None) -> int:
    """Derive the ownership graph into ``store``; the number of quads added."""
    quads = derive(store, on=on)
    store.bulk_add(quads, graph=DERIVED_GRAPH)
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
    wanted = set(iris)
    where = f"?s a ?t . ?t <{RDFS}subClassOf>* <{ECO}Organization>"
    if len(wanted) < MANY:
        return {str(r[0]) for r in lookup(store, wanted, "DISTINCT ?s", where)}
    # Many: every organisation in one query, kept where asked (chunks of VALUES cost 4 s at
    # 1M triples, one scan 0.3 s; the same set).
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ {where} }}").rows
    return {str(r[0]) for r in rows} & wanted
