"""The history as a graph: events, the periods they imply, and who is who.

One graph, ``kg:cncf-landscape-history`` (an ``eco:LandscapeHistory``), for a whole import:

- every upstream commit an event or a period cites is an ``eco:Source`` described in it (its
  address; its subject as ``dcterms:title``; its day as ``dcterms:issued``: when the landscape
  recorded the change; ``dcterms:isPartOf`` the history). One graph per commit would be 4,101
  graphs; one graph whose statements each name their commit keeps ``kg build`` fast and the
  provenance as fine;
- every event (:mod:`~.events`) is typed by what it means (``eco:ItemListed``...,
  ``eco:LandscapeMaturityChange``, ``eco:OrganizationChange``, ``eco:MembershipStarted``...),
  dated (``eco:date``: the commit's day; for a maturity change the date the file states, where
  it states one: the one rule, see the ontology) and linked to the item it concerns;
- the periods the events imply (:mod:`kg.history.landscape`): listings, maturity periods,
  memberships, certifications; and the landscape at the end of the history as plain facts of
  its items (``eco:category``, ``eco:developer``, ``eco:hostedBy``, ``eco:maturity``), which
  ``--as-of`` replaces with those of another day;
- items and organisations keep the IRIs the snapshot importer gives them: the last revision's
  items are planned by :func:`kg.importers.landscape.mapping.plan` exactly as a snapshot of
  that revision is, and the items no longer listed afterwards, against the same curated graph
  and the items already planned (:func:`plan_history`).

An organisation change is an observation, never an acquisition: :func:`corroborate` links it
to a curated acquisition or donation that explains it (:data:`WINDOW_BEFORE`,
:data:`WINDOW_AFTER`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.dates import DATATYPES, first_day, is_valid, lexical
from kg.history.landscape import (
    CERTIFICATION,
    LISTING,
    MATURITY,
    MEMBERSHIP,
    Period,
    facts_on,
)
from kg.importers.landscape.history.events import Event
from kg.importers.landscape.history.git import Revision
from kg.importers.landscape.history.snapshot import STAGE_DATE, Entry
from kg.importers.landscape.linking import (
    ORGANIZATION,
    PRODUCT,
    CuratedIndex,
    Link,
    Linker,
    Overrides,
    crunchbase_slug,
    crunchbase_url,
    name_key,
    org_key,
    slugify,
    strip_qualifier,
    url_key,
)
from kg.importers.landscape.mapping import (
    CATEGORY_MEMBERSHIP,
    Plan,
    Triples,
    category_iri,
    concept,
    derive_name,
    lit,
    local_name,
    plan,
)
from kg.importers.landscape.meaning import (
    CNCF,
    KNOWN_PROGRAMMES,
    KNOWN_TIERS,
    PROGRAMME_SCHEME,
    TIER_SCHEME,
    category_path,
    programme_iri,
    tier_iri,
)
from kg.importers.landscape.read import LICENSES, RIGHTS, SCHEME, Item, Landscape
from kg.namespaces import DCTERMS, ECO, KG, PROV, RDF, RDFS, SKOS, XSD
from kg.store import Literal, NamedNode, Store

HISTORY = KG + "cncf-landscape-history"
REPOSITORY = "https://github.com/cncf/landscape"
PUBLISHER = "Cloud Native Computing Foundation"
#: The corroboration window: a curated deal announced at most this many days before the
#: landscape recorded the change, or at most :data:`WINDOW_AFTER` days after it (a change
#: recorded on a rumour, or on the day before the press release). README: why these.
WINDOW_BEFORE = 1095
WINDOW_AFTER = 90

_DATE = XSD + "date"

EVENT_CLASSES = {
    "added": ECO + "ItemListed",
    "removed": ECO + "ItemDelisted",
    "renamed": ECO + "ItemRenamed",
    "moved": ECO + "ItemMoved",
    "maturity": ECO + "LandscapeMaturityChange",
    "organisation": ECO + "OrganizationChange",
    "member_listed": ECO + "MembershipListed",
    "member_joined": ECO + "MembershipStarted",
    "member_tier": ECO + "MembershipTierChanged",
    "member_left": ECO + "MembershipEnded",
    "programme_joined": ECO + "CertificationGranted",
    "programme_left": ECO + "CertificationEnded",
}
TIER_LABELS = {
    "platinum": "Platinum",
    "gold": "Gold",
    "silver": "Silver",
    "end-user-supporter": "End User",
    "academic": "Academic",
    "nonprofit": "Nonprofit",
}
PROGRAMME_LABELS = {
    "kubernetes-certified-service-provider": "Kubernetes Certified Service Provider",
    "kubernetes-training-partner": "Kubernetes Training Partner",
    "certified-kubernetes-distribution": "Certified Kubernetes - Distribution",
    "certified-kubernetes-hosted": "Certified Kubernetes - Hosted",
    "certified-kubernetes-installer": "Certified Kubernetes - Installer",
    "certified-cnfs": "Certified CNF",
}
_MATURITY_LABELS = {
    "sandbox": "{} enters the CNCF sandbox",
    "incubating": "{} becomes a CNCF incubating project",
    "graduated": "{} graduates in the CNCF",
    "archived": "{} is archived by the CNCF",
}


def _date(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(DATATYPES[len(text)]))


# --- the input ----------------------------------------------------------------------------


@dataclass
class HistoryData:
    """Everything the graph is made from: the starting snapshot, every event since, and what
    the engine knows of every item. The same data gives the same graph, whether it came from
    one import or from an import and its updates."""

    initial: dict[str, Entry]
    initial_revision: Revision
    events: list[Event]
    seen: dict[str, Entry]  # identity -> last entry while listed
    identities: dict[str, str]  # name -> identity (the engine's map)
    final: dict[str, Entry]
    last_revision: Revision
    revisions: int  # revisions read, the starting one included


@dataclass(frozen=True)
class Deal:
    """A curated acquisition or donation an organisation change may match."""

    iri: str
    kind: str  # acquisition | donation
    buyer: str  # the acquirer, or the donation's recipient
    things: frozenset[str]  # what was acquired (or donated): organisations or products
    date: str  # the first day of its date (the announcement)


_DEALS_QUERY = """
SELECT ?deal ?kind ?buyer ?thing ?date WHERE {
  {
    ?deal a eco:Acquisition ; eco:acquirer ?buyer ; eco:acquired ?thing ; eco:date ?date .
    BIND("acquisition" AS ?kind)
  } UNION {
    ?deal a eco:Donation ; eco:recipient ?buyer ; eco:product ?thing ; eco:date ?date .
    BIND("donation" AS ?kind)
  }
}
"""


def curated_deals(store: Store) -> list[Deal]:
    """The acquisitions and donations of the curated graph, dated (a deal dated by its year
    or month counts from the first day of it, as every date of the data does)."""
    rows: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for deal, kind, buyer, thing, date in store.query(_DEALS_QUERY).rows:
        text = lexical(date)
        if text is None or not is_valid(text):
            continue
        rows[(str(deal), str(kind), str(buyer), first_day(text))].add(str(thing))
    return [
        Deal(deal, kind, buyer, frozenset(things), day)
        for (deal, kind, buyer, day), things in sorted(rows.items())
    ]


# --- who is who ---------------------------------------------------------------------------


@dataclass
class HistoryPlan:
    """Identities (and Crunchbase slugs) to IRIs, and what the graph must describe."""

    iris: dict[str, str]  # identity -> IRI
    orgs: dict[str, str]  # Crunchbase slug -> organisation IRI
    kinds: dict[str, str]  # IRI -> organization | product
    described: dict[
        str, tuple[str, str, bool, tuple[str, ...]]
    ]  # IRI -> kind, label, derived, crunchbase
    curated: set[str]
    cncf: str
    links: list[Link] = field(default_factory=list)


def _items_of(name: str, entry: Entry) -> Iterator[Item]:
    for category, subcategory in entry.paths:
        yield Item(
            name=name,
            category=category,
            subcategory=subcategory,
            homepage=entry.homepage,
            repos=entry.repos,
            crunchbase=entry.crunchbase,
            organization=entry.organization,
            maturity=entry.maturity,
            dates=entry.dates,
            parent_project=entry.parent_project,
        )


def _landscape(entries: dict[str, Entry]) -> Landscape:
    items = [i for name in sorted(entries) for i in _items_of(name, entries[name])]
    categories: dict[str, list[str]] = {}
    for i in items:
        subs = categories.setdefault(i.category, [])
        if i.subcategory not in subs:
            subs.append(i.subcategory)
    return Landscape(Path("landscape.yml"), "", list(categories.items()), items)


def _extended(index: CuratedIndex, first: Plan) -> CuratedIndex:
    """The curated index with the items of the last revision added, so that an item no longer
    listed links to the one of the same name or address that is (Envoy (Wasm) is Envoy)."""
    out = copy.deepcopy(index)
    for org in first.orgs.values():
        out.kinds.setdefault(org.iri, ORGANIZATION)
        out.subjects.add(org.iri)
        for url in org.crunchbase:
            slug = crunchbase_slug(url)
            if slug:
                out.crunchbase[slug].add(org.iri)
        out.org_names[org_key(org.name)].add(org.iri)
        if org.name not in out.labels[org.iri]:
            out.labels[org.iri].append(org.name)
    for product in first.products.values():
        out.kinds.setdefault(product.iri, PRODUCT)
        out.subjects.add(product.iri)
        out.names[name_key(product.name)].add(product.iri)
        if product.name not in out.labels[product.iri]:
            out.labels[product.iri].append(product.name)
        for entry in product.entries:
            for address in (entry.homepage, *entry.repos):
                if address:
                    out.urls[url_key(address)].add(product.iri)
    return out


def _fresh(base: str, taken: set[str]) -> str:
    slug = slugify(base) or "org"
    iri, n = KG + slug, 1
    while iri in taken:
        n += 1
        iri = f"{KG}{slug}-{n}"
    taken.add(iri)
    return iri


def plan_history(
    data: HistoryData, index: CuratedIndex, overrides: Overrides | None = None
) -> HistoryPlan:
    """Every identity's IRI. The last revision's items first, exactly as the snapshot importer
    plans that revision (so both imports name them alike); then the items no longer listed,
    against the curated graph and those; then the organisations only the events name."""
    first = plan(_landscape(data.final), index=index, overrides=overrides)
    first_iris = first.item_iris()
    current = {data.identities.get(n, n): n for n in data.final}
    removed: dict[str, Entry] = {}
    used = set(data.final)
    names2: dict[str, str] = {}  # identity -> the name it is planned under
    for ident in sorted(set(data.seen) - set(current)):
        entry = data.seen[ident]
        name = entry.name
        if name in used:
            name = ident if ident not in used else f"{ident}~h"
        used.add(name)
        names2[ident] = name
        removed[name] = entry
    index2 = _extended(index, first)
    second = plan(_landscape(removed), index=index2, overrides=overrides)
    second_iris = second.item_iris()
    iris = {ident: first_iris[name] for ident, name in current.items()}
    iris.update({ident: second_iris[name] for ident, name in names2.items()})
    curated = set(index.kinds)
    kinds: dict[str, str] = {
        iri: (ORGANIZATION if kind == "both" else kind) for iri, kind in index.kinds.items()
    }
    described: dict[str, tuple[str, str, bool, tuple[str, ...]]] = {}
    orgs: dict[str, str] = {}
    for p in (first, second):
        for org in sorted(p.orgs.values(), key=lambda o: o.key):
            kinds.setdefault(org.iri, ORGANIZATION)
            for url in org.crunchbase:
                slug = crunchbase_slug(url)
                if slug:
                    orgs.setdefault(slug, org.iri)
            if org.iri not in curated and org.iri not in described:
                described[org.iri] = (
                    ORGANIZATION,
                    org.name,
                    org.derived,
                    tuple(org.crunchbase),
                )
        for product in sorted(p.products.values(), key=lambda x: x.name):
            kinds.setdefault(product.iri, PRODUCT)
            if product.iri not in curated and product.iri not in described:
                described[product.iri] = (PRODUCT, product.name, False, ())
    # Organisations that only the events name (a Crunchbase URL an item had before).
    linker = Linker(index2, overrides)
    taken = set(index2.subjects) | set(kinds) | {SCHEME}
    links = first.links() + second.links()
    for slug in sorted(_event_slugs(data.events) - set(orgs)):
        link = linker.organization(derive_name(slug), slug=slug, derived=True)
        links.append(link)
        if link.status == "matched" and link.iri:
            orgs[slug] = link.iri
            kinds.setdefault(link.iri, ORGANIZATION)
            continue
        iri = _fresh(slug, taken)
        orgs[slug] = iri
        kinds[iri] = ORGANIZATION
        described[iri] = (ORGANIZATION, derive_name(slug), True, (crunchbase_url(slug),))
    cncf = first.cncf() or second.cncf() or CNCF
    if cncf not in kinds:
        kinds[cncf] = ORGANIZATION
        described[cncf] = (ORGANIZATION, "Cloud Native Computing Foundation", False, ())
    return HistoryPlan(iris, orgs, kinds, described, curated, cncf, links)


def _event_slugs(events: Iterable[Event]) -> set[str]:
    out: set[str] = set()
    for e in events:
        for url in (e.crunchbase, e.before, e.after) if e.kind in ("added", "organisation") else ():
            slug = crunchbase_slug(url) if url else None
            if slug:
                out.add(slug)
    return out


# --- periods ------------------------------------------------------------------------------


def split_paths(text: str | None) -> tuple[tuple[str, str], ...]:
    """``"A / B; C / D"`` (the events' form) -> ``(("A", "B"), ("C", "D"))``. A category name
    holds no `` / `` (a subcategory may: *Continuous Integration / Continuous Delivery*)."""
    out = []
    for part in (text or "").split("; "):
        category, sep, subcategory = part.partition(" / ")
        if sep:
            out.append((category, subcategory))
    return tuple(out)


def categories_of(paths: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The category concepts of item paths (members' and programmes' paths are none)."""
    out = {category_iri(*where) for p in paths if (where := category_path(*p)) is not None}
    return tuple(sorted(out))


@dataclass
class _Open:
    """A period under way while the events are replayed."""

    start: str | None
    started_by: str | None
    source: str
    values: tuple[str, ...]
    under: str | None = None


@dataclass
class Derived:
    """The periods and the sources that began them."""

    periods: list[Period] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # period IRI -> commit


class _Replay:
    """Replays one identity's events into its periods."""

    def __init__(self, out: Derived, taken: set[str], item: str, product: bool) -> None:
        self.out = out
        self.taken = taken
        self.item = item
        self.product = product
        self.open: dict[tuple[str, str], _Open] = {}

    def begin(self, kind: str, key: str, opened: _Open) -> None:
        self.open[(kind, key)] = opened

    def end(self, kind: str, key: str, day: str) -> None:
        opened = self.open.pop((kind, key), None)
        if opened is None:
            return
        begins = opened.start or opened.started_by or day
        self._emit(kind, opened, max(day, begins))

    def close_all(self) -> None:
        for (kind, _key), opened in sorted(self.open.items()):
            self._emit(kind, opened, None)
        self.open.clear()

    def _emit(self, kind: str, opened: _Open, end: str | None) -> None:
        if end is not None and end == (opened.start or opened.started_by) and opened.start:
            return  # begun and ended on one day: it never held on any day
        short = {LISTING: "listing", MATURITY: "maturity", MEMBERSHIP: "membership"}
        name = short.get(kind, "certification")
        base = f"{HISTORY}.{name}.{local_name(self.item)}.{opened.start or opened.started_by}"
        iri, n = base, 1
        while iri in self.taken:
            n += 1
            iri = f"{base}-{n}"
        self.taken.add(iri)
        self.out.periods.append(
            Period(
                iri=iri,
                kind=kind,
                item=self.item,
                start=opened.start,
                started_by=opened.started_by,
                end=end,
                values=opened.values,
                under=opened.under,
                product=self.product,
            )
        )
        self.out.sources[iri] = opened.source


def _stated(value: str | None) -> str | None:
    return value if value and is_valid(value) else None


def maturity_date(event: Event) -> str:
    """The one rule: the date the file states for the new level where it states one, else the
    commit's day."""
    return _stated(event.stated) or event.date


def derive_periods(data: HistoryData, hp: HistoryPlan) -> Derived:
    """The periods the starting snapshot and the events imply, identity by identity."""
    out = Derived()
    taken: set[str] = set()
    by_identity: dict[str, list[Event]] = defaultdict(list)
    for e in data.events:
        by_identity[e.item].append(e)
    start = data.initial_revision
    for ident in sorted(set(by_identity) | set(data.initial)):
        item = hp.iris.get(ident)
        if item is None:
            continue
        replay = _Replay(out, taken, item, hp.kinds.get(item) == PRODUCT)
        entry = data.initial.get(ident)
        org: str | None = None
        cats: tuple[str, ...] = ()
        listed = False
        if entry is not None:
            org = entry.crunchbase
            cats = categories_of(entry.item_paths)
            listed = bool(entry.item_paths)
            if listed:
                replay.begin(
                    LISTING, "", _Open(None, start.date, start.upstream, cats, _org(hp, org, item))
                )
            if entry.maturity:
                stated = _stated(dict(entry.dates).get(STAGE_DATE[entry.maturity]))
                replay.begin(
                    MATURITY,
                    "",
                    _Open(
                        stated,
                        None if stated else start.date,
                        start.upstream,
                        (f"{KG}maturity-{entry.maturity}",),
                    ),
                )
            if entry.tier:
                replay.begin(
                    MEMBERSHIP,
                    "",
                    _Open(None, start.date, start.upstream, (tier_iri(entry.tier),)),
                )
            for programme in entry.programmes:
                replay.begin(
                    CERTIFICATION,
                    programme,
                    _Open(None, start.date, start.upstream, (programme_iri(programme),)),
                )
        events = by_identity.get(ident, [])
        i = 0
        while i < len(events):
            # The events of one commit together: a move and a change of organisation in one
            # commit start one listing, not two.
            j = i
            while j < len(events) and events[j].commit == events[i].commit:
                j += 1
            group = events[i:j]
            i = j
            day, source = group[0].date, group[0].upstream
            new_listed, new_cats, new_org = listed, cats, org
            for e in group:
                if e.kind == "added":
                    new_listed, new_cats = True, categories_of(split_paths(e.after))
                    new_org = e.crunchbase
                elif e.kind == "removed":
                    new_listed = False
                elif e.kind == "moved":
                    new_cats = categories_of(split_paths(e.after))
                elif e.kind == "organisation":
                    new_org = e.after
                elif e.kind == "maturity":
                    when = maturity_date(e)
                    replay.end(MATURITY, "", when)
                    if e.after:
                        replay.begin(
                            MATURITY,
                            "",
                            _Open(when, None, source, (f"{KG}maturity-{e.after}",)),
                        )
                elif e.kind in ("member_listed", "member_joined", "member_tier"):
                    replay.end(MEMBERSHIP, "", day)
                    assert e.after is not None
                    listed_before = e.kind == "member_listed"
                    replay.begin(
                        MEMBERSHIP,
                        "",
                        _Open(
                            None if listed_before else day,
                            day if listed_before else None,
                            source,
                            (tier_iri(e.after),),
                        ),
                    )
                elif e.kind == "member_left":
                    replay.end(MEMBERSHIP, "", day)
                elif e.kind == "programme_joined":
                    assert e.after is not None
                    replay.begin(
                        CERTIFICATION,
                        e.after,
                        _Open(day, None, source, (programme_iri(e.after),)),
                    )
                elif e.kind == "programme_left":
                    assert e.before is not None
                    replay.end(CERTIFICATION, e.before, day)
            if (new_listed, new_cats, new_org) != (listed, cats, org):
                if listed:
                    replay.end(LISTING, "", day)
                if new_listed:
                    replay.begin(
                        LISTING, "", _Open(day, None, source, new_cats, _org(hp, new_org, item))
                    )
                if listed and not new_listed:
                    replay.end(MATURITY, "", day)  # off the landscape: no level it states
            listed, cats, org = new_listed, new_cats, new_org
        replay.close_all()
    out.periods.sort(key=lambda p: p.iri)
    return out


def _org(hp: HistoryPlan, crunchbase: str | None, item: str) -> str | None:
    slug = crunchbase_slug(crunchbase) if crunchbase else None
    org = hp.orgs.get(slug) if slug else None
    return None if org == item else org


# --- corroboration ------------------------------------------------------------------------


def corroborate(event: Event, hp: HistoryPlan, deals: Iterable[Deal]) -> list[tuple[Deal, int]]:
    """The curated deals that explain an organisation change, with the lag in days from the
    deal to the landscape's record: an acquisition whose acquirer is the organisation after
    and which bought the organisation before or the item itself; a donation of the item to
    the organisation after (a project given to the CNCF). Announced no more than
    :data:`WINDOW_BEFORE` days before the record, nor more than :data:`WINDOW_AFTER` after."""
    before = hp.orgs.get(crunchbase_slug(event.before or "") or "")
    after = hp.orgs.get(crunchbase_slug(event.after or "") or "")
    item = hp.iris.get(event.item)
    if after is None:
        return []
    recorded = dt.date.fromisoformat(event.date)
    out = []
    for deal in deals:
        if deal.buyer != after or not (deal.things & {before, item}):
            continue
        if deal.kind == "donation" and item not in deal.things:
            continue
        lag = (recorded - dt.date.fromisoformat(deal.date)).days
        if -WINDOW_AFTER <= lag <= WINDOW_BEFORE:
            out.append((deal, lag))
    return sorted(out, key=lambda d: (abs(d[1]), d[0].iri))


# --- triples ------------------------------------------------------------------------------


def _tier_label(tier: str | None) -> str:
    return TIER_LABELS.get(tier or "", tier or "?")


def _programme_label(programme: str | None) -> str:
    return PROGRAMME_LABELS.get(programme or "", programme or "?")


def _slug_of(url: str | None) -> str:
    return (crunchbase_slug(url) if url else None) or (url or "?")


def event_label(e: Event) -> str:
    """What an event says, in a sentence."""
    name = e.name
    org = strip_qualifier(name)
    if e.kind == "added":
        return f"{name} is listed in {e.path}"
    if e.kind == "removed":
        return f"{name} leaves the landscape ({e.path})"
    if e.kind == "renamed":
        return f"{e.before} is renamed {e.after} on the landscape"
    if e.kind == "moved":
        return f"{name} moves from {e.before} to {e.after}"
    if e.kind == "maturity":
        if e.after:
            return _MATURITY_LABELS.get(
                e.after, "{} becomes a CNCF " + e.after + " project"
            ).format(name)
        return f"{name} is no longer listed as a CNCF {e.before} project"
    if e.kind == "organisation":
        return (
            f"{name} is listed under {_slug_of(e.after)} instead of {_slug_of(e.before)} "
            "(Crunchbase)"
        )
    if e.kind == "member_listed":
        return f"{org} is listed as a {_tier_label(e.after)} member of the CNCF"
    if e.kind == "member_joined":
        return f"{org} joins the CNCF as a {_tier_label(e.after)} member"
    if e.kind == "member_tier":
        return (
            f"{org} moves from {_tier_label(e.before)} to {_tier_label(e.after)} "
            "membership of the CNCF"
        )
    if e.kind == "member_left":
        return f"{org} leaves the CNCF's members ({_tier_label(e.before)})"
    if e.kind == "programme_joined":
        return f"{name} joins {_programme_label(e.after)}"
    return f"{name} leaves {_programme_label(e.before)}"


@dataclass
class GraphReport:
    """What the graph holds."""

    triples: Triples
    events_by_class: dict[str, int]
    periods_by_class: dict[str, int]
    corroborated: list[tuple[str, str, int]]  # (event IRI, deal IRI, lag in days)
    commits: int


def history_triples(data: HistoryData, hp: HistoryPlan, deals: Iterable[Deal] = ()) -> GraphReport:
    """The graph of the whole history."""
    out = Triples()
    deals = list(deals)
    first, last = data.initial_revision, data.last_revision
    title = (
        f"CNCF Cloud Native Landscape: the history of landscape.yml, {first.date} to {last.date}"
    )
    out.add(HISTORY, RDF + "type", ECO + "LandscapeHistory", rank=0)
    out.add(HISTORY, RDFS + "label", lit(title), rank=0)
    out.add(HISTORY, DCTERMS + "title", lit(title), rank=0)
    out.add(HISTORY, DCTERMS + "publisher", lit(PUBLISHER), rank=0)
    out.add(HISTORY, DCTERMS + "issued", _date(last.date), rank=0)
    out.add(HISTORY, ECO + "sourceKind", KG + "source-dataset", rank=0)
    out.add(HISTORY, PROV + "wasDerivedFrom", REPOSITORY, rank=0)
    out.add(HISTORY, DCTERMS + "rights", lit(RIGHTS), rank=0)
    for lic in LICENSES:
        out.add(HISTORY, DCTERMS + "license", lic, rank=0)
    out.add(
        HISTORY,
        RDFS + "comment",
        lit(
            f"{data.revisions:,} revisions read from the first-parent history of landscape.yml; "
            "each event cites the upstream commit that made the change. Written by "
            "`kg import landscape-history`."
        ),
        rank=0,
    )
    cited: dict[str, tuple[str, str]] = {}  # commit URL -> (subject, day)

    def cite(rev_url: str, subject: str, day: str) -> str:
        cited.setdefault(rev_url, (subject, day))
        return rev_url

    cite(first.upstream, first.subject, first.date)
    # The scheme and every category any item was ever listed in.
    out.add(SCHEME, RDF + "type", SKOS + "ConceptScheme", rank=1)
    out.add(SCHEME, RDFS + "label", lit("CNCF Cloud Native Landscape categories"), rank=1)
    out.add(SCHEME, ECO + "source", HISTORY, rank=1)
    paths: set[tuple[str, str]] = set()
    for entry in data.initial.values():
        paths.update(entry.item_paths)
    for e in data.events:
        if e.kind in ("added", "moved"):
            paths.update(split_paths(e.after))
        if e.kind == "moved":
            paths.update(split_paths(e.before))
    for category, subcategory in sorted(paths):
        where = category_path(category, subcategory)
        if where is None:
            continue
        top = category_iri(category)
        _category(out, top, category)
        out.add(top, SKOS + "topConceptOf", SCHEME, rank=1)
        out.add(SCHEME, SKOS + "hasTopConcept", top, rank=1)
        if where[1] is not None:
            sub = category_iri(category, subcategory)
            _category(out, sub, subcategory)
            out.add(sub, SKOS + "broader", top, rank=1)
    # Tiers and programmes the ontology does not know.
    for e in data.events:
        for value, known, scheme, make, label in (
            (e.after if e.kind.startswith("member") else None, KNOWN_TIERS, TIER_SCHEME,
             tier_iri, _tier_label),
            (e.after or e.before if e.kind.startswith("programme") else None, KNOWN_PROGRAMMES,
             PROGRAMME_SCHEME, programme_iri, _programme_label),
        ):  # fmt: skip
            if value and value not in known:
                concept(out, make(value), label(value), scheme, HISTORY)
    # Events.
    named_at: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for iri in {hp.iris[i] for i in data.initial if i in hp.iris}:
        first_seen[iri] = first.upstream
    used: set[str] = set()
    by_class: dict[str, int] = defaultdict(int)
    corroborated: list[tuple[str, str, int]] = []
    for e in data.events:
        item = hp.iris.get(e.item)
        if item is None:
            continue
        source = cite(e.upstream, e.subject, e.date)
        first_seen.setdefault(item, source)
        if e.kind in ("added", "renamed", "member_listed", "member_joined", "programme_joined"):
            named_at[item] = source
        # Named after the upstream commit: the same event has the same IRI whichever copy
        # of the history (a clone, the bundle) it was read from.
        sha = e.upstream.rsplit("/", 1)[-1][:12]
        base = f"{HISTORY}.{sha}.{e.kind.replace('_', '-')}.{local_name(item)}"
        iri, n = base, 1
        while iri in used:
            n += 1
            iri = f"{base}-{n}"
        used.add(iri)
        cls = EVENT_CLASSES[e.kind]
        by_class[cls] += 1
        out.add(iri, RDF + "type", cls, rank=6)
        out.add(iri, RDFS + "label", lit(event_label(e)), rank=6)
        link = ECO + ("product" if hp.kinds.get(item) == PRODUCT else "organization")
        out.add(iri, link, item, rank=6)
        out.add(iri, ECO + "source", source, rank=6)
        day = maturity_date(e) if e.kind == "maturity" else e.date
        out.add(iri, ECO + "date", _date(day), rank=6)
        stated = _stated(e.stated)
        if stated:
            out.add(iri, ECO + "statedDate", _date(stated), rank=6)
        if e.kind == "added":
            for c in categories_of(split_paths(e.after)):
                out.add(iri, ECO + "toCategory", c, rank=6)
        elif e.kind == "removed":
            for c in categories_of(split_paths(e.path)):
                out.add(iri, ECO + "fromCategory", c, rank=6)
        elif e.kind == "renamed":
            out.add(iri, ECO + "formerName", lit(e.before or ""), rank=6)
            out.add(iri, ECO + "newName", lit(e.after or ""), rank=6)
        elif e.kind == "moved":
            for c in categories_of(split_paths(e.before)):
                out.add(iri, ECO + "fromCategory", c, rank=6)
            for c in categories_of(split_paths(e.after)):
                out.add(iri, ECO + "toCategory", c, rank=6)
        elif e.kind == "maturity":
            if e.after:
                out.add(iri, ECO + "maturity", f"{KG}maturity-{e.after}", rank=6)
            if e.before:
                out.add(iri, ECO + "maturityBefore", f"{KG}maturity-{e.before}", rank=6)
        elif e.kind == "organisation":
            before = hp.orgs.get(crunchbase_slug(e.before or "") or "")
            after = hp.orgs.get(crunchbase_slug(e.after or "") or "")
            if before:
                out.add(iri, ECO + "organizationBefore", before, rank=6)
                first_seen.setdefault(before, source)
            if after:
                out.add(iri, ECO + "organizationAfter", after, rank=6)
                first_seen.setdefault(after, source)
            for deal, lag in corroborate(e, hp, deals):
                out.add(iri, ECO + "corroboratedBy", deal.iri, rank=6)
                corroborated.append((iri, deal.iri, lag))
        elif e.kind.startswith("member"):
            if e.after:
                out.add(iri, ECO + "tier", tier_iri(e.after), rank=6)
            if e.before:
                out.add(iri, ECO + "tierBefore", tier_iri(e.before), rank=6)
        else:
            programme = e.after or e.before
            if programme:
                out.add(iri, ECO + "programme", programme_iri(programme), rank=6)
        if e.kind == "added" and e.crunchbase:
            org = hp.orgs.get(crunchbase_slug(e.crunchbase) or "")
            if org:
                first_seen.setdefault(org, source)
    # Periods, and the landscape at the end as plain facts of its items.
    derived = derive_periods(data, hp)
    periods_by_class: dict[str, int] = defaultdict(int)
    for p in derived.periods:
        periods_by_class[p.kind] += 1
        source = derived.sources[p.iri]
        first_seen.setdefault(p.item, source)
        out.add(p.iri, RDF + "type", p.kind, rank=5)
        if p.kind == MEMBERSHIP:
            out.add(p.iri, ECO + "member", p.item, rank=5)
            out.add(p.iri, ECO + "foundation", hp.cncf, rank=5)
            out.add(p.iri, ECO + "tier", p.values[0], rank=5)
        else:
            out.add(p.iri, ECO + "item", p.item, rank=5)
            predicate = {
                LISTING: CATEGORY_MEMBERSHIP,
                MATURITY: ECO + "maturity",
                CERTIFICATION: ECO + "programme",
            }[p.kind]
            for value in p.values:
                out.add(p.iri, predicate, value, rank=5)
        if p.under:
            out.add(p.iri, ECO + "listedUnder", p.under, rank=5)
            first_seen.setdefault(p.under, source)
        if p.start:
            out.add(p.iri, ECO + "startDate", _date(p.start), rank=5)
        if p.started_by:
            out.add(p.iri, ECO + "startedBy", _date(p.started_by), rank=5)
        if p.end:
            out.add(p.iri, ECO + "endDate", _date(p.end), rank=5)
        out.add(p.iri, ECO + "source", source, rank=5)
    for s, p_, o in sorted(facts_on(derived.periods, None, hp.cncf)):
        out.add(s, p_, o, rank=3)
    if any(p_ == ECO + "hostedBy" for _s, p_, _o in facts_on(derived.periods, None, hp.cncf)):
        first_seen.setdefault(hp.cncf, first.upstream)
    # Who is who: what the curated graph does not describe already.
    for iri, (kind, name, derived_name, crunchbase) in sorted(hp.described.items()):
        cited_by = named_at.get(iri) or first_seen.get(iri)
        if cited_by is None:
            continue  # planned, but no event or period names it
        rank = 2 if kind == ORGANIZATION else 3
        cls = ECO + ("Organization" if kind == ORGANIZATION else "Product")
        if iri == hp.cncf == CNCF:
            cls = ECO + "Consortium"
        out.add(iri, RDF + "type", cls, rank=rank)
        out.add(iri, RDFS + "label", lit(name), rank=rank)
        out.add(iri, ECO + "source", cited_by, rank=rank)
        if derived_name:
            out.add(iri, ECO + "nameDerived", Literal(True), rank=rank)
        for url in crunchbase:
            out.add(
                iri, ECO + "crunchbase", Literal(url, datatype=NamedNode(XSD + "anyURI")), rank=rank
            )
    # The commits cited.
    for url, (subject, day) in sorted(cited.items()):
        out.add(url, RDF + "type", ECO + "Source", rank=0)
        out.add(url, DCTERMS + "title", lit(subject or url), rank=0)
        out.add(url, DCTERMS + "issued", _date(day), rank=0)
        out.add(url, DCTERMS + "publisher", lit(PUBLISHER), rank=0)
        out.add(url, ECO + "sourceKind", KG + "source-dataset", rank=0)
        out.add(url, DCTERMS + "isPartOf", HISTORY, rank=0)
    return GraphReport(out, dict(by_class), dict(periods_by_class), corroborated, len(cited))


def _category(out: Triples, iri: str, name: str) -> None:
    out.add(iri, RDF + "type", ECO + "Category", rank=1)
    out.add(iri, RDFS + "label", lit(name), rank=1)
    out.add(iri, SKOS + "prefLabel", lit(name), rank=1)
    out.add(iri, SKOS + "inScheme", SCHEME, rank=1)
    out.add(iri, ECO + "source", HISTORY, rank=1)
