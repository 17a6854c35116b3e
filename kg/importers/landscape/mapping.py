"""From a read landscape to its graph: who is who (linking, IRIs), then the triples.

:func:`plan` decides every entity's identity against the curated graph
(:mod:`kg.importers.landscape.linking`); :func:`triples_for` writes the snapshot's graph from
the plan; :func:`serialize_trig` turns it into the same bytes for the same input.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.errors import DataError
from kg.importers.landscape.linking import (
    ORGANIZATION,
    CuratedIndex,
    Link,
    Linker,
    Overrides,
    crunchbase_slug,
    name_key,
    org_key,
    slugify,
    strip_qualifier,
    url_key,
)
from kg.importers.landscape.meaning import (
    CNCF,
    CNCF_SLUG,
    KNOWN_PROGRAMMES,
    KNOWN_TIERS,
    PROGRAMME_SCHEME,
    TIER_SCHEME,
    category_path,
    is_membership,
    is_programme,
    programme_iri,
    stable_id,
    tier_iri,
)
from kg.importers.landscape.read import (
    GUIDE_UPSTREAM,
    LANDSCAPE_HOME,
    LICENSES,
    RIGHTS,
    SCHEME,
    UPSTREAM,
    Guide,
    Item,
    Landscape,
    Progress,
    source_iri,
)
from kg.namespaces import DCTERMS, ECO, KG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from kg.store import BlankNode, Literal, NamedNode, Quad, serialize
from kg.text import clip, excerpt, file_name, one_line

# --- planning: who is who -----------------------------------------------------------------


@dataclass
class Org:
    """An organisation of the landscape: a Crunchbase URL, or a name when there is none."""

    key: str
    name: str
    derived: bool
    crunchbase: list[str] = field(default_factory=list)
    homepages: list[str] = field(default_factory=list)
    description: str | None = None
    categories: list[tuple[str, str]] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    link: Link | None = None
    iri: str = ""


@dataclass
class Product:
    """An item of the landscape (all its entries, when its name is listed more than once)."""

    name: str
    entries: list[Item]
    orgs: list[str] = field(default_factory=list)
    link: Link | None = None
    iri: str = ""
    parents: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)


@dataclass
class Plan:
    landscape: Landscape
    orgs: dict[str, Org]
    products: dict[str, Product]
    curated: set[str]
    curated_labels: dict[str, set[str]]
    folded: dict[str, str]  # item name -> org key

    def item_iris(self) -> dict[str, str]:
        """Every item name with the IRI it was imported as."""
        out = {name: p.iri for name, p in self.products.items()}
        out.update((alias, p.iri) for p in self.products.values() for alias in p.alt_names)
        for name, key in self.folded.items():
            out[name] = self.orgs[key].iri
        for org in self.orgs.values():
            for item in org.items:
                out.setdefault(item.name, org.iri)
        return out

    def links(self) -> list[Link]:
        out = [o.link for o in self.orgs.values() if o.link]
        out += [p.link for p in self.products.values() if p.link]
        return out

    def cncf(self) -> str | None:
        """The IRI the CNCF has in this plan (the organisation the file gives the projects it
        hosts), else the curated CNCF when the curated graph has it."""
        org = self.orgs.get("crunchbase:" + CNCF_SLUG)
        if org is not None:
            return org.iri
        return CNCF if CNCF in self.curated else None


def derive_name(slug: str) -> str:
    """A readable name from a Crunchbase slug: ``puppet-labs`` -> ``Puppet Labs``; a trailing
    disambiguation token (``civo-49db``, ``aruba-3823``) is dropped."""
    words = [w for w in slug.split("-") if w]
    if len(words) > 1 and re.fullmatch(r"[0-9a-f]*[0-9][0-9a-f]*", words[-1]):
        words.pop()
    return (
        " ".join(w if any(c.isdigit() for c in w) else w[:1].upper() + w[1:] for w in words) or slug
    )


def _org_key(item: Item) -> str | None:
    if item.slug:
        return "crunchbase:" + item.slug
    if item.organization:
        return "name:" + name_key(item.organization)
    if item.member:
        return "member:" + name_key(item.name)
    return None


def plan(
    landscape: Landscape,
    *,
    index: CuratedIndex,
    overrides: Overrides | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Decide every entity's identity: linked to the curated graph, or new with a fresh IRI."""
    linker = Linker(index, overrides)
    orgs: dict[str, Org] = {}
    for item in landscape.items:
        key = _org_key(item)
        if key is None:
            continue
        org = orgs.get(key)
        if org is None:
            if item.member:
                org = Org(key, strip_qualifier(item.name), derived=False)
            elif item.organization:
                org = Org(key, item.organization, derived=False)
            else:
                org = Org(key, derive_name(item.slug or ""), derived=True)
            orgs[key] = org
        if item.crunchbase and item.crunchbase not in org.crunchbase:
            org.crunchbase.append(item.crunchbase)
        if item.member:
            member_name = strip_qualifier(item.name)
            if org.derived:
                org.name, org.derived = member_name, False
            elif name_key(member_name) != name_key(org.name) and member_name not in org.alt_names:
                org.alt_names.append(member_name)
            org.items.append(item)
            _add_entry(org, item)
    for org in sorted(orgs.values(), key=lambda o: o.key):
        slug = org.key.removeprefix("crunchbase:") if org.key.startswith("crunchbase:") else None
        org.link = linker.organization(
            org.name,
            slug=slug,
            homepage=org.homepages[0] if org.homepages else None,
            derived=org.derived,
        )
    products: dict[str, Product] = {}
    folded: dict[str, str] = {}
    groups: dict[str, list[Item]] = {}
    for item in landscape.items:
        if not item.member:
            groups.setdefault(item.name, []).append(item)
    aliases = _merge_variants(groups)
    for name, entries in progress(list(groups.items())) if progress else groups.items():
        org_keys = list(dict.fromkeys(k for k in (_org_key(e) for e in entries) if k))
        link = linker.product(name, urls=[u for e in entries for u in (e.homepage, *e.repos) if u])
        if link.status == "matched" and link.iri and index.kinds.get(link.iri) == ORGANIZATION:
            raise DataError(
                f"the override for item {excerpt(name)} names an organisation ({link.iri})",
                hint="Item overrides must name products; organisations link by Crunchbase slug.",
            )
        if (
            link.status != "matched"
            and len(org_keys) == 1
            and _names_its_org(entries, orgs[org_keys[0]])
        ):
            org = orgs[org_keys[0]]
            folded[name] = org.key
            for entry in entries:
                _add_entry(org, entry)
            for alt in dict.fromkeys(e.name for e in entries):
                if name_key(alt) != name_key(org.name) and alt not in org.alt_names:
                    org.alt_names.append(alt)
            continue
        products[name] = Product(name, entries, org_keys, link)
    for alias, primary in aliases.items():
        if primary in products:
            products[primary].alt_names.append(alias)
        else:
            folded[alias] = folded[primary]
    for product in products.values():
        for entry in product.entries:
            parent = products.get(entry.parent_project or "")
            if entry.parent_project and parent is None:
                landscape.warnings.append(
                    one_line(
                        f"{clip(entry.path, 160)}: parent_project {excerpt(entry.parent_project)} "
                        "is no item of this file: left out"
                    )
                )
            elif (
                parent is not None and parent is not product and parent.name not in product.parents
            ):
                product.parents.append(parent.name)
    _assign_iris(orgs, products, index)
    labels = {iri: index.label_keys(iri) for iri in index.kinds}
    return Plan(landscape, orgs, products, set(index.kinds), labels, folded)


def _merge_variants(groups: dict[str, list[Item]]) -> dict[str, str]:
    """Merge the entries of names that differ only by a qualifier or case (``KEDA`` and
    ``KEDA (Serverless)``) when they share a homepage or repository. Returns alias -> name."""

    def urls(name: str) -> set[str]:
        return {url_key(u) for e in groups[name] for u in (e.homepage, *e.repos) if u}

    by_key: dict[str, list[str]] = {}
    for name in groups:
        by_key.setdefault(name_key(name), []).append(name)
    aliases: dict[str, str] = {}
    for names in by_key.values():
        if len(names) < 2:
            continue
        primary, *others = sorted(names, key=lambda n: (len(n), n))
        shared = urls(primary)
        for other in others:
            if shared & urls(other):
                shared |= urls(other)
                groups[primary].extend(groups.pop(other))
                aliases[other] = primary
    return aliases


def _add_entry(org: Org, item: Item) -> None:
    if item.homepage and item.homepage not in org.homepages:
        org.homepages.append(item.homepage)
    if item.description and not org.description:
        org.description = item.description
    for path in ((item.category, item.subcategory), *item.second_paths):
        if path not in org.categories:
            org.categories.append(path)


def _names_its_org(entries: list[Item], org: Org) -> bool:
    """An item named after its own organisation, with nothing of a project about it."""
    if any(e.maturity or e.dates or e.parent_project for e in entries):
        return False
    keys = {org_key(org.name)} | {
        org_key(s) for s in (crunchbase_slug(u) for u in org.crunchbase) if s
    }
    return org_key(entries[0].name) in keys


def _assign_iris(orgs: dict[str, Org], products: dict[str, Product], index: CuratedIndex) -> None:
    taken = set(index.subjects) | {SCHEME}

    def fresh(base: str, fallback: str) -> str:
        slug = slugify(base) or f"{fallback}-{hashlib.sha1(base.encode()).hexdigest()[:8]}"
        iri, n = KG + slug, 1
        while iri in taken:
            n += 1
            iri = f"{KG}{slug}-{n}"
        taken.add(iri)
        return iri

    pending_orgs = []
    for org in sorted(orgs.values(), key=lambda o: o.key):
        if org.link and org.link.status == "matched" and org.link.iri:
            org.iri = org.link.iri
            taken.add(org.iri)
        else:
            pending_orgs.append(org)
    pending_products = []
    for product in sorted(products.values(), key=lambda p: p.name):
        if product.link and product.link.status == "matched" and product.link.iri:
            product.iri = product.link.iri
            taken.add(product.iri)
        else:
            pending_products.append(product)
    for org in pending_orgs:
        base = org.key.split(":", 1)[1] if org.key.startswith("crunchbase:") else org.name
        org.iri = fresh(base, "org")
    for product in pending_products:
        product.iri = fresh(product.name, "item")


# --- writing triples ----------------------------------------------------------------------


_Term = NamedNode | BlankNode | Literal


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


_TYPE = _n(RDF + "type")
_LABEL = _n(RDFS + "label")
_XSD_DATE = _n(XSD + "date")
_ANY_URI = _n(XSD + "anyURI")
_DATATYPES = {4: _n(XSD + "gYear"), 7: _n(XSD + "gYearMonth"), 10: _XSD_DATE}


def lit(text: str) -> Literal:
    """A plain string literal."""
    return Literal(text)


def _uri(text: str) -> Literal:
    return Literal(text, datatype=_ANY_URI)


class Triples:
    """Triples in a set, written in a stable order: subjects by rank, then by IRI.

    Kept as plain strings (an IRI) or terms (a literal) until :meth:`quads`: the history's
    graph has 120,000 triples, and making the engine's terms once per distinct IRI, at the
    end, is what keeps writing it in a second.
    """

    def __init__(self) -> None:
        self.triples: set[tuple[str, str, str | Literal | BlankNode]] = set()
        self.rank: dict[str, int] = {}

    def add(self, s: str, p: str, o: _Term | str, *, rank: int = 5) -> None:
        self.triples.add((s, p, o.value if isinstance(o, NamedNode) else o))
        known = self.rank.get(s)
        if known is None or rank < known:
            self.rank[s] = rank

    def count(self, cls: str) -> int:
        """How many subjects have the type ``cls``."""
        return sum(1 for _, p, o in self.triples if p == RDF + "type" and o == cls)

    def quads(self, graph: str) -> list[Quad]:
        g = _n(graph)
        first = {RDF + "type": 0, RDFS + "label": 1}
        rank = self.rank

        def key(t: tuple[str, str, str | Literal | BlankNode]) -> tuple[int, str, int, str, str]:
            s, p, o = t
            # An IRI sorts as the engine writes it (<...>), so the order is the one of terms.
            return (rank[s], s, first.get(p, 2), p, f"<{o}>" if isinstance(o, str) else str(o))

        nodes: dict[str, NamedNode] = {}

        def node(iri: str) -> NamedNode:
            n = nodes.get(iri)
            if n is None:
                n = nodes[iri] = NamedNode(iri)
            return n

        return [
            Quad(node(s), node(p), node(o) if isinstance(o, str) else o, g)
            for s, p, o in sorted(self.triples, key=key)
        ]


CATEGORY_MEMBERSHIP = ECO + "category"


def category_iri(category: str, subcategory: str | None = None) -> str:
    iri = f"{SCHEME}.{slugify(category) or hashlib.sha1(category.encode()).hexdigest()[:8]}"
    if subcategory is not None:
        iri += f".{slugify(subcategory) or hashlib.sha1(subcategory.encode()).hexdigest()[:8]}"
    return iri


def describe_source(out: Triples, landscape: Landscape, date: str, guide: Guide | None) -> str:
    s = source_iri(date)
    title = f"CNCF Cloud Native Landscape, snapshot of {date}"
    out.add(s, RDF + "type", ECO + "Source", rank=0)
    out.add(s, RDFS + "label", lit(f"CNCF Cloud Native Landscape ({date})"), rank=0)
    out.add(s, DCTERMS + "title", lit(title), rank=0)
    out.add(s, DCTERMS + "publisher", lit("Cloud Native Computing Foundation"), rank=0)
    out.add(s, DCTERMS + "issued", Literal(date, datatype=_XSD_DATE), rank=0)
    out.add(s, ECO + "sourceKind", KG + "source-dataset", rank=0)
    out.add(s, SCHEMA + "name", lit(file_name(landscape.path)), rank=0)
    out.add(s, SCHEMA + "sha256", lit(landscape.sha256), rank=0)
    out.add(s, DCTERMS + "isVersionOf", LANDSCAPE_HOME, rank=0)
    out.add(s, PROV + "wasDerivedFrom", UPSTREAM, rank=0)
    out.add(s, DCTERMS + "rights", lit(RIGHTS), rank=0)
    for lic in LICENSES:
        out.add(s, DCTERMS + "license", lic, rank=0)
    if guide is not None:
        g = guide.iri
        out.add(s, DCTERMS + "references", g, rank=0)
        out.add(g, RDF + "type", ECO + "Source", rank=0)
        label = "CNCF Cloud Native Landscape guide" + (f" ({guide.date})" if guide.date else "")
        out.add(g, RDFS + "label", lit(label), rank=0)
        out.add(g, DCTERMS + "title", lit(label), rank=0)
        out.add(g, DCTERMS + "publisher", lit("Cloud Native Computing Foundation"), rank=0)
        out.add(g, ECO + "sourceKind", KG + "source-dataset", rank=0)
        if guide.date:
            out.add(g, DCTERMS + "issued", Literal(guide.date, datatype=_XSD_DATE), rank=0)
        out.add(g, SCHEMA + "name", lit(file_name(guide.path)), rank=0)
        out.add(g, SCHEMA + "sha256", lit(guide.sha256), rank=0)
        out.add(g, PROV + "wasDerivedFrom", GUIDE_UPSTREAM, rank=0)
        out.add(g, DCTERMS + "license", LICENSES[0], rank=0)
    return s


_EVENT_LABELS = {
    "accepted": "{} is accepted into the CNCF",
    "incubating": "{} becomes a CNCF incubating project",
    "graduated": "{} graduates in the CNCF",
    "archived": "{} is archived by the CNCF",
}


def triples_for(plan: Plan, date: str, guide: Guide | None = None) -> Triples:
    """The snapshot's graph: its source, the category scheme, organisations, items, events."""
    landscape = plan.landscape
    out = Triples()
    s = describe_source(out, landscape, date, guide)
    out.add(SCHEME, RDF + "type", SKOS + "ConceptScheme", rank=1)
    out.add(SCHEME, RDFS + "label", lit("CNCF Cloud Native Landscape categories"), rank=1)
    out.add(SCHEME, ECO + "source", s, rank=1)
    defined = guide.definitions if guide else {}
    known: set[tuple[str, str | None]] = set()
    for cat, subs in landscape.categories:
        if category_path(cat, "") is None:
            continue  # CNCF Members, Special: memberships and programmes, written below
        c = category_iri(cat)
        known.add((cat, None))
        _category(out, c, cat, s, defined.get((cat, None)), guide)
        out.add(c, SKOS + "topConceptOf", SCHEME, rank=1)
        out.add(SCHEME, SKOS + "hasTopConcept", c, rank=1)
        for sub in subs:
            if category_path(cat, sub) != (cat, sub):
                continue  # a certification's subcategory: its items keep the category only
            known.add((cat, sub))
            sc = category_iri(cat, sub)
            _category(out, sc, sub, s, defined.get((cat, sub)), guide)
            out.add(sc, SKOS + "broader", c, rank=1)

    def categorise(iri: str, paths: Iterable[tuple[str, str]]) -> None:
        for c, sub in paths:
            where = category_path(c, sub)
            if where is not None and where in known:
                out.add(iri, CATEGORY_MEMBERSHIP, category_iri(*where), rank=3)

    curated = plan.curated
    cncf = plan.cncf() or _describe_cncf(out, s)
    for org in sorted(plan.orgs.values(), key=lambda o: o.iri):
        iri = org.iri
        out.add(iri, ECO + "source", s, rank=2)
        if iri not in curated:
            out.add(iri, RDF + "type", ECO + "Organization", rank=2)
            out.add(iri, RDFS + "label", lit(org.name), rank=2)
            if org.derived:
                out.add(iri, ECO + "nameDerived", Literal(True), rank=2)
        elif not org.derived and name_key(org.name) not in _curated_keys(plan, iri):
            out.add(iri, SKOS + "altLabel", lit(org.name), rank=2)
        for alt in org.alt_names:
            if alt != org.name:
                out.add(iri, SKOS + "altLabel", lit(alt), rank=2)
        for url in org.crunchbase:
            out.add(iri, ECO + "crunchbase", _uri(url), rank=2)
        for url in org.homepages:
            out.add(iri, ECO + "homepage", _uri(url), rank=2)
        if org.description:
            out.add(iri, ECO + "description", lit(org.description), rank=2)
        categorise(iri, org.categories)
    for product in sorted(plan.products.values(), key=lambda p: p.iri):
        iri = product.iri
        out.add(iri, ECO + "source", s, rank=3)
        if iri not in curated:
            out.add(iri, RDF + "type", ECO + "Product", rank=3)
            out.add(iri, RDFS + "label", lit(product.name), rank=3)
        elif name_key(product.name) not in _curated_keys(plan, iri):
            out.add(iri, SKOS + "altLabel", lit(product.name), rank=3)
        for alias in product.alt_names:
            out.add(iri, SKOS + "altLabel", lit(alias), rank=3)
        maturity = None
        description = None
        dates: list[tuple[str, str]] = []
        for entry in product.entries:
            categorise(iri, [(entry.category, entry.subcategory), *entry.second_paths])
            if entry.homepage:
                out.add(iri, ECO + "homepage", _uri(entry.homepage), rank=3)
            for repo in entry.repos:
                out.add(iri, ECO + "repository", _uri(repo), rank=3)
            description = description or entry.description
            maturity = maturity or entry.maturity
            dates += [d for d in entry.dates if d not in dates]
        for parent in product.parents:
            out.add(iri, ECO + "parentProject", plan.products[parent].iri, rank=3)
        if description:
            out.add(iri, ECO + "description", lit(description), rank=3)
        hosted = maturity is not None
        for key in product.orgs:
            if key == "crunchbase:" + CNCF_SLUG:
                hosted = True  # the file's way of saying "a project the CNCF hosts"
            else:
                out.add(iri, ECO + "developer", plan.orgs[key].iri, rank=3)
        if hosted:
            out.add(iri, ECO + "hostedBy", cncf, rank=3)
        if maturity:
            out.add(iri, ECO + "maturity", f"{KG}maturity-{maturity}", rank=3)
        for kind, when in dates:
            event = f"{iri}.cncf-{kind}.{when}"
            out.add(event, RDF + "type", ECO + "MaturityChange", rank=4)
            out.add(event, RDFS + "label", lit(_EVENT_LABELS[kind].format(product.name)), rank=4)
            out.add(event, ECO + "product", iri, rank=4)
            out.add(event, ECO + "maturity", f"{KG}maturity-{kind}", rank=4)
            out.add(event, ECO + "date", Literal(when, datatype=_DATATYPES[len(when)]), rank=4)
            out.add(event, ECO + "source", s, rank=4)
    _memberships_and_certifications(out, plan, s, date, cncf)
    return out


def _describe_cncf(out: Triples, source: str) -> str:
    """The CNCF, when neither the file nor the curated graph describes it."""
    out.add(CNCF, RDF + "type", ECO + "Consortium", rank=2)
    out.add(CNCF, RDFS + "label", lit("Cloud Native Computing Foundation"), rank=2)
    out.add(CNCF, ECO + "source", source, rank=2)
    return CNCF


def concept(out: Triples, iri: str, label: str, scheme: str, source: str) -> None:
    """A tier or programme the ontology does not know yet: a concept of its scheme."""
    out.add(iri, RDF + "type", SKOS + "Concept", rank=1)
    out.add(iri, RDFS + "label", lit(label), rank=1)
    out.add(iri, SKOS + "prefLabel", lit(label), rank=1)
    out.add(iri, SKOS + "inScheme", scheme, rank=1)
    out.add(iri, ECO + "source", source, rank=1)


def local_name(iri: str) -> str:
    """The part of an IRI that names the thing, for IRIs built from it."""
    if iri.startswith(KG):
        return iri[len(KG) :]
    return slugify(iri) or hashlib.sha1(iri.encode()).hexdigest()[:12]


def _memberships_and_certifications(
    out: Triples, plan: Plan, source: str, date: str, cncf: str
) -> None:
    """*CNCF Members* entries as memberships of their organisation, programme entries as
    certifications of their product or organisation: both held by the snapshot's date
    (``eco:startedBy``: the snapshot does not say since when)."""
    iris = plan.item_iris()
    # A member entry belongs to the organisation planned from it, whatever else shares its
    # name: a product called like its maker must not become the member.
    member_of = {id(entry): org.iri for org in plan.orgs.values() for entry in org.items}
    day = Literal(date, datatype=_XSD_DATE)
    for item in plan.landscape.items:
        holder = member_of.get(id(item)) if item.member else None
        holder = holder or iris.get(item.name)
        if holder is None:
            continue
        if is_membership(item.category):
            tier = stable_id(item.subcategory)
            node = f"{source}.membership.{local_name(holder)}.{tier}"
            if tier not in KNOWN_TIERS:
                concept(out, tier_iri(tier), item.subcategory, TIER_SCHEME, source)
            out.add(node, RDF + "type", ECO + "Membership", rank=4)
            out.add(node, ECO + "member", holder, rank=4)
            out.add(node, ECO + "foundation", cncf, rank=4)
            out.add(node, ECO + "tier", tier_iri(tier), rank=4)
        elif is_programme(item.category, item.subcategory):
            programme = stable_id(item.subcategory)
            node = f"{source}.certification.{local_name(holder)}.{programme}"
            if programme not in KNOWN_PROGRAMMES:
                concept(out, programme_iri(programme), item.subcategory, PROGRAMME_SCHEME, source)
            out.add(node, RDF + "type", ECO + "Certification", rank=4)
            out.add(node, ECO + "item", holder, rank=4)
            out.add(node, ECO + "programme", programme_iri(programme), rank=4)
        else:
            continue
        out.add(node, ECO + "startedBy", day, rank=4)
        out.add(node, ECO + "source", source, rank=4)


def _curated_keys(plan: Plan, iri: str) -> set[str]:
    return plan.curated_labels.get(iri, set())


def _category(
    out: Triples, iri: str, name: str, source: str, definition: str | None, guide: Guide | None
) -> None:
    out.add(iri, RDF + "type", ECO + "Category", rank=1)
    out.add(iri, RDFS + "label", lit(name), rank=1)
    out.add(iri, SKOS + "prefLabel", lit(name), rank=1)
    out.add(iri, SKOS + "inScheme", SCHEME, rank=1)
    out.add(iri, ECO + "source", source, rank=1)
    if definition and guide is not None:
        out.add(iri, SKOS + "definition", lit(definition), rank=1)
        out.add(iri, ECO + "source", guide.iri, rank=1)


# --- serialising --------------------------------------------------------------------------


def serialize_trig(quads: list[Quad], header: list[str]) -> bytes:
    """TriG with a comment header and the project's prefixes, in a stable order."""
    buf = io.BytesIO()
    serialize(quads, buf, "trig")
    # A header line holds a file name, which may hold a line break: each stays one comment.
    lines = [f"# {' '.join(h.splitlines())}" if h else "#" for h in header]
    lines += [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]
    text = "\n".join(lines) + "\n\n"
    # split("\n"), not splitlines(): a literal may hold U+2028, U+0085 or a form feed, which
    # splitlines() takes for line ends (and the file would lose them).
    kept = [
        ln for ln in buf.getvalue().decode("utf-8").split("\n") if not ln.startswith("@prefix ")
    ]
    return (text + "\n".join(kept).strip("\n") + "\n").encode("utf-8")
