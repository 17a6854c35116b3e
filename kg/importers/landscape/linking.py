"""Entity linking: find the curated entity an imported organisation or product stands for.

The rules, strongest first; the first rule that finds anything decides:

organisations
    1. the override table (``data/linking/landscape-overrides.yaml``), by Crunchbase slug;
    2. the same Crunchbase URL (``eco:crunchbase``);
    3. the Crunchbase slug is the curated IRI's local name (``red-hat`` is ``kg:red-hat``), also
       after dropping company suffixes (``puppet-labs`` is ``kg:puppet``);
    4. the same normalised name (labels and ``skos:altLabel``; ``Docker, Inc.`` = ``Docker``);
    5. the same homepage host (``www.`` dropped).

products
    1. the override table, by item name;
    2. the same repository or homepage URL (normalised);
    3. the same normalised name.

One candidate links; several are *ambiguous*: nothing is merged, and the case is listed for a
person to settle in the override table. A name that matches a curated entity of the other kind
(a product named like a curated company) is ambiguous too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from kg import resources
from kg.errors import DataError
from kg.namespaces import KG, expand
from kg.sources import curated_files, read_sources
from kg.store import Store
from kg.text import clip, excerpt
from kg.yamlfile import load_plain

ORGANIZATION = "organization"
PRODUCT = "product"

#: Words that end company names but do not tell companies apart ("Puppet Labs" is Puppet).
COMPANY_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "labs", "lab", "ltd", "limited", "llc", "plc", "corp",
        "corporation", "co", "company", "gmbh", "ag", "sa", "bv", "networks", "software",
        "systems", "technologies", "technology", "holdings", "group",
    }
)  # fmt: skip
_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
_CRUNCHBASE = re.compile(
    r"^https?://(?:www\.)?crunchbase\.com/organization/([^/?#\s]+)/?(?:[?#]\S*)?$", re.I
)


# --- keys -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold())


def strip_qualifier(name: str) -> str:
    """``Red Hat (member)`` -> ``Red Hat``: the landscape's trailing qualifier dropped."""
    stripped = _PARENTHESIS.sub("", name).strip()
    return stripped or name.strip()


def name_key(name: str) -> str:
    """Letters and digits only, case and accents folded, trailing qualifiers dropped:
    ``Weave Net`` -> ``weavenet``, ``Ultimate Kronos Group (UKG) (supporter)`` ->
    ``ultimatekronosgroup``."""
    while (stripped := strip_qualifier(name)) != name.strip():
        name = stripped
    return "".join(c for c in _fold(name) if c.isalnum())


def org_key(name: str) -> str:
    """A name key with company suffixes dropped: ``Puppet Labs``, ``puppet-labs`` -> ``puppet``."""
    words = [w for w in re.split(r"[^\w]+|_", _fold(strip_qualifier(name))) if w]
    words = ["".join(c for c in w if c.isalnum()) for w in words]
    words = [w for w in words if w]
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return "".join(words)


def slugify(text: str) -> str:
    """A lowercase-hyphen slug of ASCII letters and digits (empty when nothing is left):
    ``C++`` -> ``c-plus-plus``, ``Endress+Hauser`` -> ``endress-plus-hauser``."""
    text = text.replace("+", " plus ").replace("#", " sharp ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def crunchbase_slug(url: str) -> str | None:
    """The organisation slug of a Crunchbase URL, or None when it is not one."""
    m = _CRUNCHBASE.match(url.strip())
    return unquote(m.group(1)).lower() if m else None


def crunchbase_url(slug: str) -> str:
    """The one spelling of a Crunchbase organisation URL (no tracking parameters)."""
    return "https://www.crunchbase.com/organization/" + quote(slug, safe="-_.~")


def url_key(url: str) -> str:
    """A URL compared loosely: no scheme, no ``www.``, no trailing slash or ``.git``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/").removesuffix(".git").rstrip("/").lower()
    return host + path


def host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def kg_slug(iri: str) -> str | None:
    """The local part of a ``kg:`` IRI (``kg:red-hat`` -> ``red-hat``), None for others."""
    return iri[len(KG) :] if iri.startswith(KG) else None


# --- the curated side ---------------------------------------------------------------------


@dataclass
class CuratedIndex:
    """What the linking rules look up, built once from the curated graph."""

    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    subjects: set[str] = field(default_factory=set)
    crunchbase: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    local: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    org_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    hosts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    urls: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def label(self, iri: str) -> str:
        names = self.labels.get(iri)
        return names[0] if names else iri

    def label_keys(self, iri: str) -> set[str]:
        return {name_key(n) for n in self.labels.get(iri, [])}


_INDEX_QUERY = """
SELECT ?s ?kind ?p ?o WHERE {
  VALUES (?top ?kind) { (eco:Organization "organization") (eco:Product "product") }
  ?s a ?t . ?t rdfs:subClassOf* ?top .
  OPTIONAL {
    VALUES ?p { rdfs:label skos:altLabel eco:homepage eco:repository eco:crunchbase }
    ?s ?p ?o .
  }
}
"""
_SUBJECTS_QUERY = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"


def curated_store() -> Store:
    """The ontology and the curated data (not earlier imports: an import must not depend on
    which other imports happen to be there)."""
    return read_sources(curated_files())


def index_curated(store: Store) -> CuratedIndex:
    """Index a store's organisations and products by every key the rules use."""
    index = CuratedIndex()
    for row in store.query(_SUBJECTS_QUERY).rows:
        index.subjects.add(str(row[0]))
    rows = sorted(
        (str(s), str(kind), "" if p is None else str(p), "" if o is None else str(o))
        for s, kind, p, o in store.query(_INDEX_QUERY).rows
    )
    for s, kind, p, o in rows:
        if index.kinds.get(s, kind) != kind:
            index.kinds[s] = "both"
        else:
            index.kinds[s] = kind
        local = kg_slug(s)
        if local:
            index.local[local].add(s)
            index.local[org_key(local)].add(s)
        if not p:
            continue
        name = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in ("label", "altLabel"):
            if o not in index.labels[s]:
                index.labels[s].append(o)
            index.names[name_key(o)].add(s)
            index.org_names[org_key(o)].add(s)
        elif name == "crunchbase":
            slug = crunchbase_slug(o)
            if slug:
                index.crunchbase[slug].add(s)
        elif name in ("homepage", "repository"):
            index.urls[url_key(o)].add(s)
            if name == "homepage":
                index.hosts[host(o)].add(s)
    return index


# --- overrides ----------------------------------------------------------------------------

NEW = "new"


@dataclass
class Overrides:
    """Decisions a person made where the rules get it wrong: an IRI, or ``new`` (never link)."""

    organizations: dict[str, str] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def overrides_path() -> Path:
    return resources.data_dir() / "linking" / "landscape-overrides.yaml"


def load_overrides(path: Path | None = None) -> Overrides:
    """Read the override table (absent: no overrides)."""
    path = path or overrides_path()
    if not path.is_file():
        return Overrides(path=path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    data = load_plain(raw, str(path)) or {}
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping with `organizations:` and `items:`")
    out = Overrides(path=path)
    for section, target in (("organizations", out.organizations), ("items", out.items)):
        table = data.get(section) or {}
        if not isinstance(table, dict):
            raise DataError(f"{path}: `{section}:` must map names to IRIs (kg:name) or `new`")
        for key, value in table.items():
            if not isinstance(value, str):
                raise DataError(
                    f"{path}: {section} / {key}: expected an IRI such as kg:docker, or `new`"
                )
            iri = value if value == NEW else expand(value) or value
            if iri != NEW and not iri.startswith(("http://", "https://")):
                raise DataError(
                    f"{path}: {section} / {clip(str(key), 80)}: {excerpt(value)} is not an IRI"
                )
            k = str(key)
            target[k.lower() if section == "organizations" else name_key(k)] = iri
    return out


# --- linking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """The outcome for one imported entity."""

    kind: str  # organization | product
    name: str
    status: str  # matched | new | ambiguous
    iri: str | None = None  # the curated (or overridden) IRI when matched
    rule: str = ""
    candidates: tuple[str, ...] = ()


class Linker:
    """Applies the rules against one curated index and one override table."""

    def __init__(self, index: CuratedIndex, overrides: Overrides | None = None) -> None:
        self.index = index
        self.overrides = overrides or Overrides()

    def _decide(
        self, kind: str, name: str, levels: list[tuple[str, set[str]]], *, other_kind: set[str]
    ) -> Link:
        for rule, found in levels:
            found = {i for i in found if self.index.kinds.get(i) in (kind, "both")}
            if len(found) == 1:
                return Link(kind, name, "matched", next(iter(found)), rule)
            if len(found) > 1:
                return Link(kind, name, "ambiguous", None, rule, tuple(sorted(found)))
        other = {i for i in other_kind if self.index.kinds.get(i) not in (kind, "both")}
        if other:
            return Link(kind, name, "ambiguous", None, "name of another kind", tuple(sorted(other)))
        return Link(kind, name, "new")

    def organization(
        self, name: str, *, slug: str | None, homepage: str | None = None, derived: bool = False
    ) -> Link:
        """Link an organisation known by its Crunchbase slug (and a name, maybe derived)."""
        if slug and slug in self.overrides.organizations:
            iri = self.overrides.organizations[slug]
            return Link(
                ORGANIZATION,
                name,
                "new" if iri == NEW else "matched",
                None if iri == NEW else iri,
                "override",
            )
        ix = self.index
        levels: list[tuple[str, set[str]]] = []
        if slug:
            levels.append(("crunchbase", set(ix.crunchbase.get(slug, ()))))
            levels.append(
                (
                    "crunchbase slug",
                    set(ix.local.get(slug, ())) | set(ix.local.get(org_key(slug), ())),
                )
            )
        levels.append(("name", set(ix.org_names.get(org_key(name), ()))))
        if homepage and host(homepage):
            levels.append(("homepage host", set(ix.hosts.get(host(homepage), ()))))
        other = set() if derived else set(ix.names.get(name_key(name), ()))
        return self._decide(ORGANIZATION, name, levels, other_kind=other)

    def product(self, name: str, *, urls: list[str]) -> Link:
        """Link a product by name, homepage and repositories."""
        key = name_key(name)
        if key in self.overrides.items:
            iri = self.overrides.items[key]
            return Link(
                PRODUCT,
                name,
                "new" if iri == NEW else "matched",
                None if iri == NEW else iri,
                "override",
            )
        ix = self.index
        by_url: set[str] = set()
        for url in urls:
            by_url |= ix.urls.get(url_key(url), set())
        levels = [("homepage or repository", by_url), ("name", set(ix.names.get(key, ())))]
        return self._decide(PRODUCT, name, levels, other_kind=set(ix.names.get(key, ())))


def curated_index_default(store: Store | None = None) -> CuratedIndex:
    """The index of ``store``, or of the ontology and ``data/`` when none is given."""
    return index_curated(store if store is not None else curated_store())
