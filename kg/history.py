"""History: ownership periods derived from the acquisitions, the graph as it was on a date, and
timelines of the dated events.

Dates are as precise as their sources: a day (``xsd:date``), a month (``xsd:gYearMonth``) or a
year (``xsd:gYear``). Two rules compare them, here and in the library queries ``owner-on`` and
``owned-by``:

* A date **in the data** counts from the first day it can mean: an acquisition dated ``2018``
  starts its ownership on 2018-01-01, one dated ``2018-03`` on 2018-03-01. Ends follow the same
  rule, so the period a sale ends and the period it begins meet on one day and never overlap.
* A date **asked about** (``--as-of``, ``-p date``, ``kg timeline --to``) means the last day it
  can mean: "as of 2019" is the graph at the end of 2019, with every event of 2019 in it.
  ``kg timeline --from`` means its first day.

Ownership (written by ``kg build`` into the graph :data:`DERIVED_GRAPH`):

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
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import UsageError
from kg.namespaces import DCTERMS, ECO, KG, PREFIXES, PROV, RDF, RDFS, SKOS, XSD, expand, shorten

if TYPE_CHECKING:
    from kg.store import OxigraphStore, Store

#: The named graph that holds the derived ownership periods (an eco:DerivedSource).
DERIVED_GRAPH = KG + "derived/ownership"
_PERIOD_BASE = KG + "derived/ownership/"

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_DATATYPES = {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}
_EVENT_PROPERTIES_SKIPPED = {RDF + "type", ECO + "source", PROV + "wasDerivedFrom"}


# --- Partial dates -----------------------------------------------------------------------------


def parse_date(text: str) -> str:
    """A date given by a person, checked: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> parse_date("2019-07")
    '2019-07'
    """
    value = str(text).strip()
    m = _DATE.fullmatch(value)
    ok = m is not None
    if m is not None:
        try:
            dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            ok = False
    if not ok:
        raise UsageError(
            f"{text!r} is not a date",
            hint="Give a year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-07-09).",
        )
    return value


def lexical(value: object) -> str | None:
    """The partial date at the start of a literal's text (``2018``, ``2018-03``,
    ``2018-03-04``), or None when it holds none (a timezone or a time is dropped)."""
    m = _DATE.match(str(value).strip())
    return m.group(0) if m else None


def first_day(value: str) -> str:
    """The first day a partial date can mean, as ``YYYY-MM-DD``.

    >>> first_day("2018"), first_day("2018-03"), first_day("2018-03-04")
    ('2018-01-01', '2018-03-01', '2018-03-04')
    """
    year, _, rest = value.partition("-")
    month, _, day = rest.partition("-")
    return f"{year}-{month or '01'}-{day or '01'}"


def last_day(value: str) -> str:
    """The last day a partial date can mean, as ``YYYY-MM-DD``.

    >>> last_day("2018"), last_day("2020-02"), last_day("2018-03-04")
    ('2018-12-31', '2020-02-29', '2018-03-04')
    """
    year, _, rest = value.partition("-")
    month, _, day = rest.partition("-")
    if not month:
        return f"{year}-12-31"
    if not day:
        return f"{year}-{month}-{calendar.monthrange(int(year), int(month))[1]:02d}"
    return value


def date_literal(value: str) -> ox.Literal:
    """A partial date as a literal typed by its precision."""
    return ox.Literal(value, datatype=ox.NamedNode(_DATATYPES[len(value)]))


def sort_key(value: str | None) -> tuple[str, int]:
    """Order dates of mixed precision: by their first day, a coarser date first on a tie
    (``2015`` before ``2015-01`` before ``2015-01-01``); undated last."""
    if value is None:
        return ("9999-99-99", 9)
    return (first_day(value), len(value))


# --- Ownership periods -------------------------------------------------------------------------


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
        if counts[str(e)] != 1 or not _is_iri(acquirer) or not _is_iri(acquired):
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


def derive(store: Store, *, on: str | None = None) -> list[ox.Quad]:
    """The derived graph's quads: the periods, the parent organisations, and the graph's own
    description as an eco:DerivedSource. ``on`` as in :func:`ownership_periods`."""
    periods = ownership_periods(store, on=on)
    if not periods:
        return []
    entities = {e for p in periods for e in p.chain}
    names = _labels(store, entities)
    orgs = _organizations(store, entities)
    g = ox.NamedNode(DERIVED_GRAPH)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, ox.NamedNode(p), o, g))

    used: set[str] = set()
    events: set[str] = set()
    for period in periods:
        node = ox.NamedNode(_period_iri(period, used))
        kind = "Ownership" if period.direct else "IndirectOwnership"
        add(node, RDF + "type", ox.NamedNode(ECO + kind))
        add(node, RDFS + "label", ox.Literal(" -> ".join(names[e] for e in period.chain)))
        add(node, ECO + "owned", ox.NamedNode(period.owned))
        add(node, ECO + "owner", ox.NamedNode(period.owner))
        for via in period.chain[1:-1]:
            add(node, ECO + "through", ox.NamedNode(via))
        add(node, ECO + "chainLength", ox.Literal(str(len(period.chain) - 1), datatype=_INT))
        if period.start:
            add(node, ECO + "startDate", date_literal(period.start))
        elif period.started_by:
            add(node, ECO + "startedBy", date_literal(period.started_by))
        if period.end:
            add(node, ECO + "endDate", date_literal(period.end))
        for event in period.events:
            add(node, PROV + "wasDerivedFrom", ox.NamedNode(event))
        add(node, ECO + "source", g)
        events.update(period.events)
        current = period.end is None and (on is None or period.holds_on(on))
        if period.direct and current and period.owned in orgs and period.owner in orgs:
            add(ox.NamedNode(period.owned), ECO + "parentOrganization", ox.NamedNode(period.owner))
    add(g, RDF + "type", ox.NamedNode(ECO + "Source"))
    add(g, RDF + "type", ox.NamedNode(ECO + "DerivedSource"))
    add(g, DCTERMS + "title", ox.Literal("Ownership periods derived from the acquisitions"))
    add(
        g,
        RDFS + "comment",
        ox.Literal(
            "Computed by `kg build` (kg/history.py), not stated by any source: each acquisition "
            "starts an ownership on its date and a later sale of the same thing ends it; chains "
            "of owners give indirect ownerships; undated acquisitions have no start date."
            + (f" As of {on}." if on else "")
        ),
    )
    for event in sorted(events):
        add(g, PROV + "wasDerivedFrom", ox.NamedNode(event))
    return quads


def add_derived(store: OxigraphStore, *, on: str | None = None) -> int:
    """Derive the ownership graph into ``store``; the number of quads added."""
    quads = derive(store, on=on)
    store.add(quads)
    return len(quads)


_INT = ox.NamedNode(XSD + "integer")


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


# --- The graph as it was on a date -------------------------------------------------------------


def as_of_store(store: Store, date: str) -> OxigraphStore:
    """A new in-memory store holding the graph as it was on ``date`` (YYYY, YYYY-MM or
    YYYY-MM-DD; a year or a month means its last day).

    Left out: events dated after the day (every triple about them, and every triple naming
    them); organisations founded after it (by ``eco:foundingDate``, a founding event, or a
    coalition that formed them; of several, the most precise) when they have a founding date;
    sources left with nothing but their own description. Ownership is derived again for that
    day, so each organisation sits under its owner of that day; an organisation renamed later
    carries its former name. Undated events stay: nothing says they came later.
    """
    from kg.store import OxigraphStore

    day = last_day(parse_date(date))
    hidden = _hidden_after(store, day)
    renamed = _former_names(store, day)
    later_snapshots = _snapshots_after(store, day)
    label = ox.NamedNode(RDFS + "label")
    kept: list[ox.Quad] = []
    for q in store.quads():
        graph = q.graph_name
        if isinstance(graph, ox.NamedNode) and (
            graph.value == DERIVED_GRAPH or graph.value in later_snapshots
        ):
            continue
        s, o = q.subject, q.object
        if isinstance(s, ox.NamedNode) and s.value in hidden:
            continue
        if isinstance(o, ox.NamedNode) and o.value in hidden:
            continue
        if q.predicate == label and isinstance(s, ox.NamedNode) and s.value in renamed:
            continue
        kept.append(q)
    for iri, (name, graphs) in renamed.items():
        for g in graphs:
            kept.append(ox.Quad(ox.NamedNode(iri), label, ox.Literal(name), ox.NamedNode(g)))
    out = OxigraphStore()
    out.add(_without_empty_sources(kept))
    add_derived(out, on=day)
    return out


def _snapshots_after(store: Store, day: str) -> set[str]:
    """Graphs of snapshots taken after ``day`` (a landscape of 2026 says nothing of 2015),
    and the graphs derived from them (such as a diff between two snapshots)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):  # the day is ours, never user text
        raise UsageError(f"not a day: {day!r}")
    answer = store.query(
        f"""SELECT DISTINCT ?snapshot ?derived WHERE {{
          ?snapshot dcterms:isVersionOf ?of ; dcterms:issued ?issued .
          FILTER(STR(?issued) > "{day}")
          OPTIONAL {{ ?derived prov:wasDerivedFrom ?snapshot ; a eco:Source }}
        }}"""
    )
    return {str(term) for row in answer.rows for term in row if term is not None}


def _hidden_after(store: Store, day: str) -> set[str]:
    """Events dated after ``day``, and organisations whose founding came after it."""
    answer = store.query(
        """SELECT ?x ?d ?kind WHERE {
          { ?x eco:date ?d . BIND("event" AS ?kind) }
          UNION { ?x eco:foundingDate ?d . BIND("org" AS ?kind) }
          UNION { ?f a eco:Founding ; eco:organization ?x ; eco:date ?d . BIND("org" AS ?kind) }
          UNION { ?f eco:formed ?x ; eco:date ?d . BIND("org" AS ?kind) }
        }"""
    )
    founded: dict[str, str] = {}  # the most precise founding date of each organisation
    hidden: set[str] = set()
    for x, d, kind in answer.rows:
        value = lexical(d) if d is not None else None
        if value is None or not _is_iri(x):
            continue
        if str(kind) == "event":
            if first_day(value) > day:
                hidden.add(str(x))
        else:
            # A year and a day for one founding: the day (the most precise; on a tie the
            # earliest).
            known = founded.get(str(x))
            if known is None or (-len(value), first_day(value)) < (-len(known), first_day(known)):
                founded[str(x)] = value
    hidden.update(x for x, d in founded.items() if first_day(d) > day)
    return hidden


def _former_names(store: Store, day: str) -> dict[str, tuple[str, list[str]]]:
    """For each organisation or product renamed after ``day``: its name on that day (the
    former name of the first rename after it) and the graphs that state that name."""
    answer = store.query(
        """SELECT ?x ?former ?d ?r ?g WHERE {
          ?r a eco:Rename ; eco:date ?d .
          { ?r eco:organization ?x } UNION { ?r eco:product ?x }
          GRAPH ?g { ?r eco:formerName ?former }
        }"""
    )
    first: dict[str, tuple[str, str, str]] = {}
    graphs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for x, former, d, r, g in answer.rows:
        value = lexical(d) if d is not None else None
        if value is None or first_day(value) <= day:
            continue
        key = (first_day(value), str(r))
        graphs[(str(x), str(r))].append(str(g))
        if str(x) not in first or key < first[str(x)][:2]:
            first[str(x)] = (*key, str(former))
    return {x: (former, sorted(set(graphs[(x, r)]))) for x, (_day, r, former) in first.items()}


def _without_empty_sources(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Drop the graphs that hold nothing but their source's own description."""
    content: set[str] = set()
    for q in quads:
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and q.subject != g:
            content.add(g.value)
    return [
        q
        for q in quads
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value in content
    ]


# --- Timelines ---------------------------------------------------------------------------------


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
    return sorted({str(r[0]) for r in answer.rows if _is_iri(r[0])} | {ECO + "Event"})


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


def resolve_entity(store: Store, text: str) -> str:
    """The IRI of an entity given as ``kg:coreos``, a full IRI (``<...>`` or ``https://...``)
    or a label (case-insensitive); a clear error when none or several match."""
    value = text.strip()
    iri: str | None = None
    if value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    elif re.fullmatch(r"(https?|urn):\S+", value):
        iri = value
    elif re.fullmatch(r"[A-Za-z][\w-]*:[\w./-]+", value) and value.split(":", 1)[0] in PREFIXES:
        iri = expand(value)
    if iri is not None:
        if _exists(store, iri):
            return iri
        raise UsageError(
            f"{shorten(iri)} is not in the graph",
            hint="Check the spelling; `kg query 'SELECT ?e ?l WHERE { ?e rdfs:label ?l }'` "
            "lists the entities.",
        )
    from rdflib import Literal

    answer = store.query(
        f"""SELECT DISTINCT ?e WHERE {{
          {{ ?e <{RDFS}label>|<{SKOS}prefLabel>|<{ECO}formerName> ?l }}
          UNION {{ ?r <{ECO}formerName> ?l ; <{ECO}organization>|<{ECO}product> ?e }}
          FILTER(isIRI(?e) && LCASE(STR(?l)) = LCASE(STR(?name)))
          FILTER NOT EXISTS {{ ?e a ?t . ?t <{RDFS}subClassOf>* <{ECO}Event> }}
        }} ORDER BY ?e""".replace("?name", Literal(value).n3()),
    )
    found = [str(r[0]) for r in answer.rows]
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            f"no entity is named {value!r}",
            hint="Give its IRI (e.g. kg:coreos) or its exact label.",
        )
    raise UsageError(
        f"{value!r} names {len(found)} entities: {', '.join(shorten(f) for f in found)}",
        hint="Give the IRI of the one you mean.",
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
    wanted_entity = resolve_entity(store, entity) if entity else None
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
        if not _is_iri(e):
            continue
        item = found.setdefault(str(e), _Found())
        item.types.add(str(t))
        if d is not None:
            item.date = lexical(d)
        if label is not None:
            item.label = min(item.label or str(label), str(label))
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
    names = _labels(store, {x for item in selected.values() for x in item.involved})
    out = [
        TimelineEvent(
            event=e,
            date=item.date,
            type=(sorted(item.types - {ECO + "Event"}) or [ECO + "Event"])[0],
            label=item.label or shorten(e),
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
    answer = store.query(f"SELECT ?t WHERE {{ ?t <{RDFS}subClassOf>* <{iri}> }}")
    return {str(r[0]) for r in answer.rows} | {iri}


# --- Small helpers -----------------------------------------------------------------------------


def _is_iri(term: object) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _exists(store: Store, iri: str) -> bool:
    if ">" in iri or " " in iri:
        return False
    answer = store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
    return bool(answer.boolean)


def _labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """Each IRI's rdfs:label (else skos:prefLabel), else its prefixed name."""
    wanted = sorted(i for i in set(iris) if ">" not in i and " " not in i)
    names = {i: shorten(i).strip("<>") for i in wanted}
    for chunk in _chunks(wanted, 200):
        values = " ".join(f"<{i}>" for i in chunk)
        answer = store.query(
            f"""SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?s {{ {values} }}
                {{ ?s <{RDFS}label> ?l }} UNION {{ ?s <{SKOS}prefLabel> ?l }} }} GROUP BY ?s"""
        )
        for s, label in answer.rows:
            if label is not None:
                names[str(s)] = str(label)
    return names


def _organizations(store: Store, iris: Iterable[str]) -> set[str]:
    wanted = sorted(i for i in set(iris) if ">" not in i and " " not in i)
    found: set[str] = set()
    for chunk in _chunks(wanted, 200):
        values = " ".join(f"<{i}>" for i in chunk)
        answer = store.query(
            f"""SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }}
                ?s a ?t . ?t <{RDFS}subClassOf>* <{ECO}Organization> }}"""
        )
        found.update(str(r[0]) for r in answer.rows)
    return found


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
