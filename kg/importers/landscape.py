"""The CNCF Cloud Native Landscape (``landscape.yml``, every era) as a named graph of its own.

Reading: the YAML is loaded with a safe loader and checked all at once; every problem names its
place (``category / subcategory / item``) and what to do, and nothing is written unless the whole
file is sound (:class:`~kg.errors.LandscapeFormatError`).

Mapping, one snapshot = one ``eco:Source`` = one graph = one file ``imports/cncf-landscape-DATE.trig``:

- categories and subcategories: ``eco:Category`` concepts of the scheme ``kg:cncf-landscape``
  (``kg:cncf-landscape.runtime.container-runtime``), a subcategory ``skos:broader`` its category,
  ``skos:definition`` from the landscape guide when one is given;
- items: ``eco:Product`` with ``eco:category`` (and ``second_path`` as more categories),
  ``eco:homepage``, ``eco:repository``, ``eco:description``, ``eco:developer``, ``eco:maturity``
  and ``eco:parentProject``; the dates in ``extra`` (accepted, incubating, graduated, archived)
  become dated ``eco:MaturityChange`` events;
- organisations: identified by their Crunchbase URL (``eco:crunchbase``); named after their
  *CNCF Members* item when there is one, else after the Crunchbase slug (``eco:nameDerived``);
  items of the *CNCF Members* category are these organisations, not products, and so is an item
  named after its own organisation (the landscape lists companies such as *Sysdig* that way);
- every entity links to the curated graph where it can (:mod:`kg.importers.linking`): a linked
  entity keeps its curated IRI and label, and gets the snapshot's facts added.

The same file gives the same bytes; a newer snapshot gives a new file beside the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import pyoxigraph as ox

from kg import resources
from kg.errors import DataError, LandscapeFormatError, SourceSyntaxError, UsageError
from kg.importers.linking import (
    ORGANIZATION,
    PRODUCT,
    CuratedIndex,
    Link,
    Linker,
    Overrides,
    crunchbase_slug,
    crunchbase_url,
    curated_index_default,
    name_key,
    org_key,
    slugify,
    strip_qualifier,
    url_key,
)
from kg.namespaces import DCTERMS, ECO, KG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

if TYPE_CHECKING:
    from kg.store import Store

T = TypeVar("T")
Progress = Callable[[Iterable[Any]], Iterable[Any]]

MATURITIES = ("sandbox", "incubating", "graduated", "archived")
DATE_FIELDS = ("accepted", "incubating", "graduated", "archived")
MEMBERS = "CNCF Members"
SCHEME = KG + "cncf-landscape"
LANDSCAPE_HOME = "https://landscape.cncf.io/"
UPSTREAM = "https://github.com/cncf/landscape/blob/master/landscape.yml"
GUIDE_UPSTREAM = "https://github.com/cncf/landscape2-sites/blob/main/cncf/guide.yml"
LICENSES = (
    "https://www.apache.org/licenses/LICENSE-2.0",
    "https://creativecommons.org/licenses/by/4.0/",
)
RIGHTS = (
    "CNCF Cloud Native Landscape data (https://landscape.cncf.io), by the Cloud Native "
    "Computing Foundation and contributors: Apache License 2.0, or alternatively CC BY 4.0."
)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
MAX_LISTED = 25


# --- the model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One item entry of the file, checked and cleaned."""

    name: str
    category: str
    subcategory: str
    homepage: str | None
    repos: tuple[str, ...] = ()
    description: str | None = None
    crunchbase: str | None = None
    organization: str | None = None  # ``organization: {name: ...}`` when no Crunchbase URL
    maturity: str | None = None
    dates: tuple[tuple[str, str], ...] = ()  # (accepted|incubating|graduated|archived, date)
    second_paths: tuple[tuple[str, str], ...] = ()
    parent_project: str | None = None

    @property
    def path(self) -> str:
        return f"{self.category} / {self.subcategory} / {self.name}"

    @property
    def member(self) -> bool:
        return self.category == MEMBERS

    @property
    def slug(self) -> str | None:
        return crunchbase_slug(self.crunchbase) if self.crunchbase else None


@dataclass
class Landscape:
    """A whole ``landscape.yml``: categories with their subcategories, and the items."""

    path: Path
    sha256: str
    categories: list[tuple[str, list[str]]]
    items: list[Item]
    warnings: list[str] = field(default_factory=list)

    @property
    def subcategory_count(self) -> int:
        return sum(len(subs) for _, subs in self.categories)


# --- reading ------------------------------------------------------------------------------


def _load_yaml(path: Path) -> tuple[Any, str]:
    import yaml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(raw, Loader=loader)  # noqa: S506 - a safe loader: nothing is executed
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, yaml.constructor.ConstructorError):
            raise SourceSyntaxError(
                str(path), line, f"refused: {problem}",
                hint="The file asks for a YAML tag that would build an object; the safe loader "
                "never does. A landscape.yml holds plain data: remove the tag.",
            ) from exc
        raise SourceSyntaxError(
            str(path), line, f"not valid YAML: {problem}", hint="Fix the YAML syntax there."
        ) from exc
    return data, hashlib.sha256(raw).hexdigest()


def _type_name(value: object) -> str:
    return {
        str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
        dict: "a mapping", type(None): "empty",
    }.get(type(value), type(value).__name__)


class _Checker:
    """Collects every problem of a file, so that one run lists them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def warn(self, where: str, what: str) -> None:
        self.warnings.append(f"{where}: {what}")

    def text(self, raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
        if key not in raw or raw[key] is None:
            if required:
                self.problem(where, f"`{key}` is missing: add `{key}: ...` to this entry")
            return None
        value = raw[key]
        if isinstance(value, dt.date) and not isinstance(value, bool):
            return value.isoformat()
        if not isinstance(value, str):
            self.problem(where, f"`{key}` must be text, not {_type_name(value)}: quote it")
            return None
        value = value.strip()
        if required and not value:
            self.problem(where, f"`{key}` is empty: give it a value")
            return None
        return value or None

    def url(self, raw: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
        value = self.text(raw, key, where, required=required)
        return None if value is None else self.clean_url(value, where, key)

    def clean_url(self, value: str, where: str, key: str) -> str | None:
        if not re.match(r"^https?://[^/\s]", value, re.I):
            self.warn(where, f"`{key}` {value!r} is not an http(s) address: left out")
            return None
        return quote(value, safe=_URL_SAFE)

    def date(self, value: object, where: str, key: str) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and _PARTIAL_DATE.match(value.strip()):
            text = value.strip()
            try:
                if len(text) == 10:
                    dt.date.fromisoformat(text)
                elif len(text) == 7 and not 1 <= int(text[5:]) <= 12:
                    raise ValueError(text)
            except ValueError:
                self.problem(where, f"`extra.{key}` {value!r} is not a real date: fix it")
                return None
            return text
        self.problem(
            where, f"`extra.{key}` must be a date (YYYY-MM-DD), not {value!r}: fix or remove it"
        )
        return None


def read_landscape(path: Path | str, *, progress: Progress | None = None) -> Landscape:
    """Read and check a ``landscape.yml`` of any era. Raises
    :class:`~kg.errors.LandscapeFormatError` listing every problem, or
    :class:`~kg.errors.SourceSyntaxError` when the YAML itself is broken."""
    path = Path(path)
    data, digest = _load_yaml(path)
    check = _Checker(path)
    if not isinstance(data, dict) or not isinstance(data.get("landscape"), list):
        hint = "Give the landscape.yml of https://github.com/cncf/landscape."
        if isinstance(data, dict) and "categories" in data:
            hint = "This looks like a landscape guide: pass it with --guide, next to a landscape.yml."
        raise LandscapeFormatError(
            f"{path}: not a CNCF landscape file: it has no top-level `landscape:` list of categories",
            hint=hint,
        )
    categories: list[tuple[str, list[str]]] = []
    raw_items: list[tuple[str, str, int, dict[str, Any]]] = []
    seen_categories: set[str] = set()
    for ci, raw_cat in enumerate(data["landscape"], 1):
        where = f"category #{ci}"
        if not isinstance(raw_cat, dict):
            check.problem(where, f"must be a mapping with `name:` and `subcategories:`, not {_type_name(raw_cat)}")
            continue
        cat = check.text(raw_cat, "name", where, required=True)
        if cat is None:
            continue
        if cat in seen_categories:
            check.problem(cat, "this category name appears twice: merge the two or rename one")
            continue
        seen_categories.add(cat)
        subs = raw_cat.get("subcategories", ...)
        if subs is ...:
            check.problem(cat, "`subcategories` is missing: add the list of subcategories")
            continue
        if subs is None:
            subs = []
        if not isinstance(subs, list):
            check.problem(cat, f"`subcategories` must be a list, not {_type_name(subs)}")
            continue
        names: list[str] = []
        for si, raw_sub in enumerate(subs, 1):
            swhere = f"{cat} / subcategory #{si}"
            if not isinstance(raw_sub, dict):
                check.problem(swhere, f"must be a mapping with `name:` and `items:`, not {_type_name(raw_sub)}")
                continue
            sub = check.text(raw_sub, "name", swhere, required=True)
            if sub is None:
                continue
            if sub in names:
                check.problem(f"{cat} / {sub}", "this subcategory appears twice in its category: merge them")
                continue
            names.append(sub)
            if "items" not in raw_sub:
                check.problem(f"{cat} / {sub}", "`items` is missing: add `items:` (it may be empty)")
                continue
            items = raw_sub["items"] or []
            if not isinstance(items, list):
                check.problem(f"{cat} / {sub}", f"`items` must be a list, not {_type_name(items)}")
                continue
            for ii, raw_item in enumerate(items, 1):
                if not isinstance(raw_item, dict):
                    check.problem(
                        f"{cat} / {sub} / item #{ii}",
                        f"must be a mapping with `name:` and `homepage_url:`, not {_type_name(raw_item)}",
                    )
                    continue
                raw_items.append((cat, sub, ii, raw_item))
        categories.append((cat, names))
    items: list[Item] = []
    seen: dict[str, tuple[str, str]] = {}
    for cat, sub, number, raw in raw_items:
        item = _item(check, cat, sub, number, raw)
        if item is None:
            continue
        previous = seen.get(item.name)
        if previous == (cat, sub):
            check.problem(item.path, "this name appears twice in one subcategory: remove one entry")
            continue
        if previous and not item.member:
            check.warn(
                item.path,
                f"also listed under {previous[0]} / {previous[1]}: imported as one item in both",
            )
        seen.setdefault(item.name, (cat, sub))
        items.append(item)
    known = {(c, s) for c, subs in categories for s in subs}
    for item in items:
        for c, s in item.second_paths:
            if (c, s) not in known:
                check.warn(item.path, f"second_path {c} / {s} names no subcategory of this file: left out")
    if check.problems:
        n = len(check.problems)
        listed = "\n".join(f"  - {p}" for p in check.problems[:MAX_LISTED])
        more = f"\n  ... and {n - MAX_LISTED} more" if n > MAX_LISTED else ""
        raise LandscapeFormatError(
            f"{path}: {n} problem{'s' if n != 1 else ''}; nothing was imported:\n{listed}{more}",
            hint="Fix the entries named above (category / subcategory / item), then import again.",
        )
    return Landscape(path, digest, categories, items, check.warnings)


def _item(check: _Checker, cat: str, sub: str, number: int, raw: dict[str, Any]) -> Item | None:
    name = raw.get("name")
    where = f"{cat} / {sub} / {name if isinstance(name, str) and name.strip() else f'item #{number}'}"
    name = check.text(raw, "name", where, required=True)
    if name is None:
        return None
    where = f"{cat} / {sub} / {name}"
    homepage = check.url(raw, "homepage_url", where, required=True)
    repos = [check.url(raw, "repo_url", where)]
    extra_repos = raw.get("additional_repos") or []
    if not isinstance(extra_repos, list):
        check.problem(where, f"`additional_repos` must be a list, not {_type_name(extra_repos)}")
        extra_repos = []
    for entry in extra_repos:
        if isinstance(entry, dict):
            repos.append(check.url(entry, "repo_url", where))
        else:
            check.problem(where, "each of `additional_repos` must be a mapping with `repo_url:`")
    crunchbase = check.text(raw, "crunchbase", where)
    organization = None
    org = raw.get("organization")
    if isinstance(org, dict):
        organization = check.text(org, "name", where + " / organization")
    elif isinstance(org, str):
        if crunchbase_slug(org) and not crunchbase:
            crunchbase = org.strip()
    elif org is not None:
        check.problem(where, f"`organization` must be a mapping with `name:`, not {_type_name(org)}")
    if crunchbase:
        cb_slug = crunchbase_slug(crunchbase)
        if cb_slug is None:
            check.warn(
                where, f"`crunchbase` {crunchbase!r} is not a Crunchbase organisation URL: left out"
            )
        crunchbase = crunchbase_url(cb_slug) if cb_slug else None
    maturity = check.text(raw, "project", where)
    if maturity is not None and maturity not in MATURITIES:
        check.problem(
            where,
            f"unknown maturity `project: {maturity}`: use one of {', '.join(MATURITIES)}, "
            "or leave `project` out",
        )
        maturity = None
    extra = raw.get("extra")
    dates: list[tuple[str, str]] = []
    parent = None
    if extra is not None and not isinstance(extra, dict):
        check.problem(where, f"`extra` must be a mapping, not {_type_name(extra)}")
    elif extra:
        for key in DATE_FIELDS:
            if extra.get(key) is not None:
                value = check.date(extra[key], where, key)
                if value:
                    dates.append((key, value))
        parent = check.text(extra, "parent_project", where)
    second = raw.get("second_path")
    second_paths: list[tuple[str, str]] = []
    if second is not None:
        if isinstance(second, str):
            second = [second]
        if not isinstance(second, list) or not all(isinstance(s, str) for s in second):
            check.problem(where, "`second_path` must be a list of 'Category / Subcategory' texts")
        else:
            for text in second:
                c, sep, s = text.partition("/")
                if not sep:
                    check.problem(where, f"second_path {text!r} must read 'Category / Subcategory'")
                    continue
                second_paths.append((c.strip(), s.strip()))
    return Item(
        name=name,
        category=cat,
        subcategory=sub,
        homepage=homepage,
        repos=tuple(dict.fromkeys(r for r in repos if r)),
        description=check.text(raw, "description", where),
        crunchbase=crunchbase,
        organization=organization,
        maturity=maturity,
        dates=tuple(dates),
        second_paths=tuple(second_paths),
        parent_project=parent,
    )


def snapshot_date(path: Path | str, as_of: str | None = None) -> str:
    """The snapshot's date: ``as_of`` when given, else the date in the file name."""
    if as_of is not None:
        try:
            return dt.date.fromisoformat(as_of.strip()).isoformat()
        except ValueError:
            raise UsageError(
                f"--as-of {as_of!r} is not a date", hint="Give the snapshot's date as YYYY-MM-DD."
            ) from None
    m = _DATE.search(Path(path).name)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            pass
    raise UsageError(
        f"cannot tell the snapshot date of {Path(path).name}: its name holds no YYYY-MM-DD",
        hint="Pass --as-of YYYY-MM-DD: the date of the landscape.yml commit you imported.",
    )


def source_iri(date: str) -> str:
    """The IRI of a snapshot: its source, and the name of its graph."""
    return f"{KG}cncf-landscape.{date}"


# --- the guide ----------------------------------------------------------------------------


@dataclass
class Guide:
    path: Path
    sha256: str
    date: str | None
    definitions: dict[tuple[str, str | None], str]

    @property
    def iri(self) -> str:
        return f"{KG}cncf-landscape-guide.{self.date or self.sha256[:12]}"


def read_guide(path: Path | str) -> Guide:
    """The category and subcategory descriptions of a landscape guide (``guide.yml``)."""
    path = Path(path)
    data, digest = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise LandscapeFormatError(
            f"{path}: not a landscape guide: it has no top-level `categories:` list",
            hint="Give the guide.yml of https://github.com/cncf/landscape2-sites, or leave --guide out.",
        )
    definitions: dict[tuple[str, str | None], str] = {}
    for cat in data["categories"]:
        if not isinstance(cat, dict) or not isinstance(cat.get("category"), str):
            raise LandscapeFormatError(f"{path}: every category needs `category:` (its name)")
        name = cat["category"].strip()
        if isinstance(cat.get("content"), str):
            definitions[(name, None)] = _definition(cat["content"])
        for sub in cat.get("subcategories") or []:
            if isinstance(sub, dict) and isinstance(sub.get("subcategory"), str):
                if isinstance(sub.get("content"), str):
                    definitions[(name, sub["subcategory"].strip())] = _definition(sub["content"])
    m = _DATE.search(path.name)
    return Guide(path, digest, m.group(1) if m else None, definitions)


def _definition(markdown: str) -> str:
    """The guide's "What it is" section (else its first paragraph), as plain paragraphs."""
    text = markdown.strip()
    m = re.search(r"^#+\s*What it is\s*$(.*?)(?=^#+\s|\Z)", text, re.M | re.S | re.I)
    body = m.group(1) if m else text.split("\n\n", 1)[0]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body.strip())]
    return "\n\n".join(p for p in paragraphs if p)


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


def derive_name(slug: str) -> str:
    """A readable name from a Crunchbase slug: ``puppet-labs`` -> ``Puppet Labs``; a trailing
    disambiguation token (``civo-49db``, ``aruba-3823``) is dropped."""
    words = [w for w in slug.split("-") if w]
    if len(words) > 1 and re.fullmatch(r"[0-9a-f]*[0-9][0-9a-f]*", words[-1]):
        words.pop()
    return " ".join(w if any(c.isdigit() for c in w) else w[:1].upper() + w[1:] for w in words) or slug


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
            if org.derived:
                org.name, org.derived = strip_qualifier(item.name), False
            org.items.append(item)
            _add_entry(org, item)
    for org in sorted(orgs.values(), key=lambda o: o.key):
        slug = org.key.removeprefix("crunchbase:") if org.key.startswith("crunchbase:") else None
        org.link = linker.organization(
            org.name, slug=slug, homepage=org.homepages[0] if org.homepages else None,
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
        link = linker.product(
            name, urls=[u for e in entries for u in (e.homepage, *e.repos) if u]
        )
        if link.status == "matched" and link.iri and index.kinds.get(link.iri) == ORGANIZATION:
            raise DataError(
                f"the override for item {name!r} names an organisation ({link.iri})",
                hint="Item overrides must name products; organisations link by Crunchbase slug.",
            )
        if link.status != "matched" and len(org_keys) == 1 and _names_its_org(entries, orgs[org_keys[0]]):
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
                    f"{entry.path}: parent_project {entry.parent_project!r} is no item of this "
                    "file: left out"
                )
            elif parent is not None and parent is not product and parent.name not in product.parents:
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
    keys = {org_key(org.name)} | {org_key(s) for s in (crunchbase_slug(u) for u in org.crunchbase) if s}
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


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE = _n(RDF + "type")
_LABEL = _n(RDFS + "label")
_XSD_DATE = _n(XSD + "date")
_ANY_URI = _n(XSD + "anyURI")
_DATATYPES = {4: _n(XSD + "gYear"), 7: _n(XSD + "gYearMonth"), 10: _XSD_DATE}


def _lit(text: str) -> ox.Literal:
    return ox.Literal(text)


def _uri(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=_ANY_URI)


class _Triples:
    """Triples in a set, written in a stable order: subjects by rank, then by IRI."""

    def __init__(self) -> None:
        self.triples: set[tuple[ox.NamedNode, ox.NamedNode, ox.Term]] = set()
        self.rank: dict[str, int] = {}

    def add(self, s: str, p: str, o: ox.Term | str, *, rank: int = 5) -> None:
        self.triples.add((_n(s), _n(p), _n(o) if isinstance(o, str) else o))
        self.rank[s] = min(self.rank.get(s, rank), rank)

    def quads(self, graph: str) -> list[ox.Quad]:
        g = _n(graph)
        first = {RDF + "type": 0, RDFS + "label": 1}

        def key(t: tuple[ox.NamedNode, ox.NamedNode, ox.Term]) -> tuple[int, str, int, str, str]:
            s, p, o = t
            return (self.rank[s.value], s.value, first.get(p.value, 2), p.value, str(o))

        return [ox.Quad(s, p, o, g) for s, p, o in sorted(self.triples, key=key)]


CATEGORY_MEMBERSHIP = ECO + "category"


def category_iri(category: str, subcategory: str | None = None) -> str:
    iri = f"{SCHEME}.{slugify(category) or hashlib.sha1(category.encode()).hexdigest()[:8]}"
    if subcategory is not None:
        iri += f".{slugify(subcategory) or hashlib.sha1(subcategory.encode()).hexdigest()[:8]}"
    return iri


def describe_source(out: _Triples, landscape: Landscape, date: str, guide: Guide | None) -> str:
    s = source_iri(date)
    title = f"CNCF Cloud Native Landscape, snapshot of {date}"
    out.add(s, RDF + "type", ECO + "Source", rank=0)
    out.add(s, RDFS + "label", _lit(f"CNCF Cloud Native Landscape ({date})"), rank=0)
    out.add(s, DCTERMS + "title", _lit(title), rank=0)
    out.add(s, DCTERMS + "publisher", _lit("Cloud Native Computing Foundation"), rank=0)
    out.add(s, DCTERMS + "issued", ox.Literal(date, datatype=_XSD_DATE), rank=0)
    out.add(s, SCHEMA + "name", _lit(landscape.path.name), rank=0)
    out.add(s, SCHEMA + "sha256", _lit(landscape.sha256), rank=0)
    out.add(s, DCTERMS + "isVersionOf", LANDSCAPE_HOME, rank=0)
    out.add(s, PROV + "wasDerivedFrom", UPSTREAM, rank=0)
    out.add(s, DCTERMS + "rights", _lit(RIGHTS), rank=0)
    for lic in LICENSES:
        out.add(s, DCTERMS + "license", lic, rank=0)
    if guide is not None:
        g = guide.iri
        out.add(s, DCTERMS + "references", g, rank=0)
        out.add(g, RDF + "type", ECO + "Source", rank=0)
        label = "CNCF Cloud Native Landscape guide" + (f" ({guide.date})" if guide.date else "")
        out.add(g, RDFS + "label", _lit(label), rank=0)
        out.add(g, DCTERMS + "title", _lit(label), rank=0)
        out.add(g, DCTERMS + "publisher", _lit("Cloud Native Computing Foundation"), rank=0)
        if guide.date:
            out.add(g, DCTERMS + "issued", ox.Literal(guide.date, datatype=_XSD_DATE), rank=0)
        out.add(g, SCHEMA + "name", _lit(guide.path.name), rank=0)
        out.add(g, SCHEMA + "sha256", _lit(guide.sha256), rank=0)
        out.add(g, PROV + "wasDerivedFrom", GUIDE_UPSTREAM, rank=0)
        out.add(g, DCTERMS + "license", LICENSES[0], rank=0)
    return s


_EVENT_LABELS = {
    "accepted": "{} is accepted into the CNCF",
    "incubating": "{} becomes a CNCF incubating project",
    "graduated": "{} graduates in the CNCF",
    "archived": "{} is archived by the CNCF",
}


def triples_for(plan: Plan, date: str, guide: Guide | None = None) -> _Triples:
    """The snapshot's graph: its source, the category scheme, organisations, items, events."""
    landscape = plan.landscape
    out = _Triples()
    s = describe_source(out, landscape, date, guide)
    out.add(SCHEME, RDF + "type", SKOS + "ConceptScheme", rank=1)
    out.add(SCHEME, RDFS + "label", _lit("CNCF Cloud Native Landscape categories"), rank=1)
    out.add(SCHEME, ECO + "source", s, rank=1)
    defined = guide.definitions if guide else {}
    known: set[tuple[str, str]] = set()
    for cat, subs in landscape.categories:
        c = category_iri(cat)
        _category(out, c, cat, s, defined.get((cat, None)), guide)
        out.add(c, SKOS + "topConceptOf", SCHEME, rank=1)
        out.add(SCHEME, SKOS + "hasTopConcept", c, rank=1)
        for sub in subs:
            known.add((cat, sub))
            sc = category_iri(cat, sub)
            _category(out, sc, sub, s, defined.get((cat, sub)), guide)
            out.add(sc, SKOS + "broader", c, rank=1)

    def categorise(iri: str, paths: Iterable[tuple[str, str]]) -> None:
        for c, sub in paths:
            if (c, sub) in known:
                out.add(iri, CATEGORY_MEMBERSHIP, category_iri(c, sub), rank=3)

    curated = plan.curated
    for org in sorted(plan.orgs.values(), key=lambda o: o.iri):
        iri = org.iri
        out.add(iri, ECO + "source", s, rank=2)
        if iri not in curated:
            out.add(iri, RDF + "type", ECO + "Organization", rank=2)
            out.add(iri, RDFS + "label", _lit(org.name), rank=2)
            if org.derived:
                out.add(iri, ECO + "nameDerived", ox.Literal(True), rank=2)
        elif not org.derived and name_key(org.name) not in _curated_keys(plan, iri):
            out.add(iri, SKOS + "altLabel", _lit(org.name), rank=2)
        for alt in org.alt_names:
            if alt != org.name:
                out.add(iri, SKOS + "altLabel", _lit(alt), rank=2)
        for url in org.crunchbase:
            out.add(iri, ECO + "crunchbase", _uri(url), rank=2)
        for url in org.homepages:
            out.add(iri, ECO + "homepage", _uri(url), rank=2)
        if org.description:
            out.add(iri, ECO + "description", _lit(org.description), rank=2)
        categorise(iri, org.categories)
    for product in sorted(plan.products.values(), key=lambda p: p.iri):
        iri = product.iri
        out.add(iri, ECO + "source", s, rank=3)
        if iri not in curated:
            out.add(iri, RDF + "type", ECO + "Product", rank=3)
            out.add(iri, RDFS + "label", _lit(product.name), rank=3)
        elif name_key(product.name) not in _curated_keys(plan, iri):
            out.add(iri, SKOS + "altLabel", _lit(product.name), rank=3)
        for alias in product.alt_names:
            out.add(iri, SKOS + "altLabel", _lit(alias), rank=3)
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
            out.add(iri, ECO + "description", _lit(description), rank=3)
        for key in product.orgs:
            out.add(iri, ECO + "developer", plan.orgs[key].iri, rank=3)
        if maturity:
            out.add(iri, ECO + "maturity", f"{KG}maturity-{maturity}", rank=3)
        for kind, when in dates:
            event = f"{iri}.cncf-{kind}.{when}"
            out.add(event, RDF + "type", ECO + "MaturityChange", rank=4)
            out.add(event, RDFS + "label", _lit(_EVENT_LABELS[kind].format(product.name)), rank=4)
            out.add(event, ECO + "product", iri, rank=4)
            out.add(event, ECO + "maturity", f"{KG}maturity-{kind}", rank=4)
            out.add(event, ECO + "date", ox.Literal(when, datatype=_DATATYPES[len(when)]), rank=4)
            out.add(event, ECO + "source", s, rank=4)
    return out


def _curated_keys(plan: Plan, iri: str) -> set[str]:
    return plan.curated_labels.get(iri, set())


def _category(
    out: _Triples, iri: str, name: str, source: str, definition: str | None, guide: Guide | None
) -> None:
    out.add(iri, RDF + "type", ECO + "Category", rank=1)
    out.add(iri, RDFS + "label", _lit(name), rank=1)
    out.add(iri, SKOS + "prefLabel", _lit(name), rank=1)
    out.add(iri, SKOS + "inScheme", SCHEME, rank=1)
    out.add(iri, ECO + "source", source, rank=1)
    if definition and guide is not None:
        out.add(iri, SKOS + "definition", _lit(definition), rank=1)
        out.add(iri, ECO + "source", guide.iri, rank=1)


# --- serialising --------------------------------------------------------------------------


def serialize_trig(quads: list[ox.Quad], header: list[str]) -> bytes:
    """TriG with a comment header and the project's prefixes, in a stable order."""
    body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    lines = [f"# {h}" if h else "#" for h in header]
    lines += [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]
    text = "\n".join(lines) + "\n\n"
    kept = [ln for ln in body.decode("utf-8").splitlines() if not ln.startswith("@prefix ")]
    return (text + "\n".join(kept).strip("\n") + "\n").encode("utf-8")


def write_atomic(target: Path, data: bytes) -> bool:
    """Write through a temporary file and a rename; False (and nothing touched) when the file
    already holds exactly these bytes."""
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# --- the import ---------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: counts, the linking outcome, warnings, where it wrote."""

    path: Path
    snapshot: str
    source: str
    output: Path
    changed: bool
    categories: int
    subcategories: int
    items: int
    products: int
    organizations: int
    members: int
    folded: int
    events: int
    triples: int
    matched: list[Link]
    new: int
    ambiguous: list[Link]
    warnings: list[str]
    seconds: float

    def summary(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "snapshot": self.snapshot,
            "source": self.source,
            "output": str(self.output),
            "changed": self.changed,
            "categories": self.categories,
            "subcategories": self.subcategories,
            "items": self.items,
            "products": self.products,
            "organizations": self.organizations,
            "members": self.members,
            "items_as_organizations": self.folded,
            "events": self.events,
            "triples": self.triples,
            "matched": len(self.matched),
            "new": self.new,
            "ambiguous": len(self.ambiguous),
            "warnings": len(self.warnings),
            "seconds": round(self.seconds, 3),
        }


def output_path(date: str, out_dir: Path | str | None = None) -> Path:
    return Path(out_dir or resources.imports_dir()) / f"cncf-landscape-{date}.trig"


def import_landscape(
    path: Path | str,
    *,
    as_of: str | None = None,
    guide: Path | str | None = None,
    out_dir: Path | str | None = None,
    curated: Store | CuratedIndex | None = None,
    overrides: Overrides | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one ``landscape.yml`` into ``imports/cncf-landscape-DATE.trig``.

    ``curated`` is the graph to link against (default: the ontology and ``data/``);
    ``overrides`` the linking decisions (default: ``data/linking/landscape-overrides.yaml``).
    All or nothing: a bad file raises before anything is written.
    """
    from kg.importers.linking import load_overrides

    t0 = time.perf_counter()
    path = Path(path)
    date = snapshot_date(path, as_of)
    landscape = read_landscape(path, progress=progress)
    the_guide = read_guide(guide) if guide is not None else None
    index = curated if isinstance(curated, CuratedIndex) else curated_index_default(curated)
    the_plan = plan(landscape, index=index, overrides=overrides or load_overrides(), progress=progress)
    triples = triples_for(the_plan, date, the_guide)
    source = source_iri(date)
    header = [
        f"CNCF Cloud Native Landscape, snapshot of {date}: written by `kg import landscape`.",
        f"From {path.name} (sha256 {landscape.sha256}).",
        "Do not edit: import the file again instead. One graph, named after its source.",
        RIGHTS,
    ]
    data = serialize_trig(triples.quads(source), header)
    target = output_path(date, out_dir)
    changed = write_atomic(target, data)
    links = the_plan.links()
    events = sum(1 for (s, p, o) in triples.triples if p.value == RDF + "type" and o == _n(ECO + "MaturityChange"))
    return ImportReport(
        path=path,
        snapshot=date,
        source=source,
        output=target,
        changed=changed,
        categories=len(landscape.categories),
        subcategories=landscape.subcategory_count,
        items=len(landscape.items),
        products=len(the_plan.products),
        organizations=len(the_plan.orgs),
        members=sum(1 for i in landscape.items if i.member),
        folded=len(the_plan.folded),
        events=events,
        triples=len(triples.triples),
        matched=sorted((lk for lk in links if lk.status == "matched"), key=lambda lk: (lk.kind, lk.name)),
        new=sum(1 for lk in links if lk.status == "new"),
        ambiguous=sorted((lk for lk in links if lk.status == "ambiguous"), key=lambda lk: (lk.kind, lk.name)),
        warnings=list(landscape.warnings),
        seconds=time.perf_counter() - t0,
    )


from kg.importers.landscape_diff import Change, diff_landscapes  # noqa: E402

__all__ = [
    "PRODUCT",
    "Change",
    "ImportReport",
    "Item",
    "Landscape",
    "diff_landscapes",
    "import_landscape",
    "read_guide",
    "read_landscape",
]
