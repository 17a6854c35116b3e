"""Reading a CNCF landscape.yml (every era) and its guide: checked, cleaned, all problems at once.

The model (:class:`Landscape`, :class:`Item`) is what the mapping and the diff work on.

The CNCF Cloud Native Landscape (``landscape.yml``, every era) becomes a named graph of its own.

Reading: the YAML is loaded with a safe loader and checked all at once; every problem names its
place (``category / subcategory / item``) and what to do, and nothing is written unless the whole
file is sound (:class:`~kg.errors.LandscapeFormatError`).

Mapping, one snapshot = one ``eco:Source`` = one graph = one file
``imports/cncf-landscape-DATE.trig``:

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
This module reads and checks; :mod:`kg.importers.landscape.mapping` decides identities and
writes the triples; :mod:`kg.importers.landscape.diff` compares snapshots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from kg.errors import DataError, LandscapeFormatError, UsageError
from kg.importers.landscape.linking import crunchbase_slug, crunchbase_url
from kg.namespaces import KG
from kg.text import clip, excerpt, forbidden_in_xml, one_line
from kg.yamlfile import load_plain

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
#: A YAML timestamp with a time of day (``2021-02-03T10:00:00Z``): its day is the date.
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt]|[ \t]+)\d{1,2}:\d{2}")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
MAX_LISTED = 25
#: The longest name (category, subcategory, item, organisation) and the longest other text
#: (a description, a URL) an import takes: far above any real entry (64 and 1,360 characters
#: in 2026), far below what the build's engine reads in one literal (16 MiB).
MAX_NAME = 500
MAX_TEXT = 65_536
#: How much of the place (``category / subcategory / item``) a message shows.
_PLACE = 160


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
    """The file's plain data (no aliases, no duplicate keys, dates as text: :mod:`kg.yamlfile`)
    and its sha256."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return load_plain(raw, str(path)), hashlib.sha256(raw).hexdigest()


def _type_name(value: object) -> str:
    return {
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


class Checker:
    """Collects every problem of a file, so that one run lists them all. A message shows the
    place and at most an excerpt of a value (:func:`kg.text.excerpt`): its size is bounded
    whatever the file holds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{clip(one_line(where), _PLACE)}: {clip(one_line(what), 400)}")

    def warn(self, where: str, what: str) -> None:
        self.warnings.append(f"{clip(one_line(where), _PLACE)}: {clip(one_line(what), 400)}")

    def text(
        self,
        raw: dict[str, Any],
        key: str,
        where: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT,
    ) -> str | None:
        """A text value, stripped; a problem when it is not text, is too long, or holds a
        character no RDF/XML or GraphML file can carry."""
        if key not in raw or raw[key] is None:
            if required:
                self.problem(where, f"`{key}` is missing: add `{key}: ...` to this entry")
            return None
        value = raw[key]
        if not isinstance(value, str):
            self.problem(where, f"`{key}` must be text, not {_type_name(value)}: quote it")
            return None
        value = value.strip()
        if required and not value:
            self.problem(where, f"`{key}` is empty: give it a value")
            return None
        if len(value) > limit:
            self.problem(
                where,
                f"`{key}` is {len(value):,} characters long, more than the {limit:,} an import "
                f"takes: shorten it ({excerpt(value, 30)})",
            )
            return None
        bad = forbidden_in_xml(value)
        if bad:
            self.problem(
                where,
                f"`{key}` holds the control character {bad}, which RDF/XML and GraphML cannot "
                "carry: remove it",
            )
            return None
        return value or None

    def name(self, raw: dict[str, Any], where: str) -> str | None:
        return self.text(raw, "name", where, required=True, limit=MAX_NAME)

    def url(
        self, raw: dict[str, Any], key: str, where: str, *, required: bool = False
    ) -> str | None:
        value = self.text(raw, key, where, required=required)
        return None if value is None else self.clean_url(value, where, key)

    def clean_url(self, value: str, where: str, key: str) -> str | None:
        """An http(s) URL as the graph keeps it: the scheme in lower case (``HTTPS://`` is
        ``https://``: the shapes and every reader expect that), unsafe characters
        percent-encoded. Anything else is left out with a warning."""
        m = re.match(r"^(https?)(://[^/\s].*)$", value, re.I | re.S)
        if m is None or not _readable_url(value):
            self.warn(where, f"`{key}` {excerpt(value)} is not an http(s) address: left out")
            return None
        return quote(m.group(1).lower() + m.group(2), safe=_URL_SAFE)

    def date(self, value: object, where: str, key: str) -> str | None:
        """A date as text (YAML timestamps arrive as text, so ``2021-02-30`` quoted or not
        gives the same problem); a time of day is dropped."""
        text = value.strip() if isinstance(value, str) else None
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            text = str(value)  # `accepted: 2021`, unquoted: YAML reads a number, meant a year
        if text is not None and (m := _TIMESTAMP.match(text)):
            text = m.group(1)
        if text is not None and _PARTIAL_DATE.match(text):
            try:
                if len(text) == 10:
                    dt.date.fromisoformat(text)
                elif len(text) == 7 and not 1 <= int(text[5:]) <= 12:
                    raise ValueError(text)
            except ValueError:
                self.problem(where, f"`extra.{key}` {excerpt(value)} is not a real date: fix it")
                return None
            return text
        self.problem(
            where,
            f"`extra.{key}` must be a date (YYYY-MM-DD, YYYY-MM or YYYY), not {excerpt(value)}: "
            "fix or remove it",
        )
        return None


def _readable_url(url: str) -> bool:
    """True when the URL has a host and every reader can split it (a ``[`` that opens no IPv6
    address, or a port that is no number, make ``urlsplit`` raise)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return False
    return bool(parts.hostname)


def read_landscape(path: Path | str) -> Landscape:
    """Read and check a ``landscape.yml`` of any era. Raises
    :class:`~kg.errors.LandscapeFormatError` listing every problem, or
    :class:`~kg.errors.SourceSyntaxError` when the YAML itself is broken."""
    path = Path(path)
    data, digest = _load_yaml(path)
    check = Checker(path)
    if not isinstance(data, dict) or not isinstance(data.get("landscape"), list):
        hint = "Give the landscape.yml of https://github.com/cncf/landscape."
        if isinstance(data, dict) and "categories" in data:
            hint = (
                "This looks like a landscape guide: pass it with --guide, next to a landscape.yml."
            )
        raise LandscapeFormatError(
            f"{path}: not a CNCF landscape file: "
            "it has no top-level `landscape:` list of categories",
            hint=hint,
        )
    categories: list[tuple[str, list[str]]] = []
    raw_items: list[tuple[str, str, int, dict[str, Any]]] = []
    seen_categories: set[str] = set()
    for ci, raw_cat in enumerate(data["landscape"], 1):
        where = f"category #{ci}"
        if not isinstance(raw_cat, dict):
            check.problem(
                where,
                f"must be a mapping with `name:` and `subcategories:`, not {_type_name(raw_cat)}",
            )
            continue
        cat = check.name(raw_cat, where)
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
                check.problem(
                    swhere,
                    f"must be a mapping with `name:` and `items:`, not {_type_name(raw_sub)}",
                )
                continue
            sub = check.name(raw_sub, swhere)
            if sub is None:
                continue
            if sub in names:
                check.problem(
                    f"{cat} / {sub}", "this subcategory appears twice in its category: merge them"
                )
                continue
            names.append(sub)
            if "items" not in raw_sub:
                check.problem(
                    f"{cat} / {sub}", "`items` is missing: add `items:` (it may be empty)"
                )
                continue
            entries = raw_sub["items"] or []
            if not isinstance(entries, list):
                check.problem(
                    f"{cat} / {sub}", f"`items` must be a list, not {_type_name(entries)}"
                )
                continue
            for ii, raw_item in enumerate(entries, 1):
                if not isinstance(raw_item, dict):
                    check.problem(
                        f"{cat} / {sub} / item #{ii}",
                        "must be a mapping with `name:` and `homepage_url:`, "
                        f"not {_type_name(raw_item)}",
                    )
                    continue
                raw_items.append((cat, sub, ii, raw_item))
        categories.append((cat, names))
    items: list[Item] = []
    seen: dict[str, tuple[str, str]] = {}  # name -> where it is first listed
    placed: set[tuple[str, str, str]] = set()  # (category, subcategory, name)
    for cat, sub, number, raw in raw_items:
        item = read_item(check, cat, sub, number, raw)
        if item is None:
            continue
        if (cat, sub, item.name) in placed:
            check.problem(item.path, "this name appears twice in one subcategory: remove one entry")
            continue
        placed.add((cat, sub, item.name))
        previous = seen.get(item.name)
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
                check.warn(
                    item.path, f"second_path {c} / {s} names no subcategory of this file: left out"
                )
    if check.problems:
        n = len(check.problems)
        listed = "\n".join(f"  - {p}" for p in check.problems[:MAX_LISTED])
        more = f"\n  ... and {n - MAX_LISTED} more" if n > MAX_LISTED else ""
        raise LandscapeFormatError(
            f"{path}: {n} problem{'s' if n != 1 else ''}; nothing was imported:\n{listed}{more}",
            hint="Fix the entries named above (category / subcategory / item), then import again.",
        )
    return Landscape(path, digest, categories, items, check.warnings)


def read_item(check: Checker, cat: str, sub: str, number: int, raw: dict[str, Any]) -> Item | None:
    name = raw.get("name")
    where = (
        f"{cat} / {sub} / {name if isinstance(name, str) and name.strip() else f'item #{number}'}"
    )
    name = check.name(raw, where)
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
        organization = check.text(org, "name", where + " / organization", limit=MAX_NAME)
    elif isinstance(org, str):
        text = check.text(raw, "organization", where)
        if text and crunchbase_slug(text) and not crunchbase:
            crunchbase = text
    elif org is not None:
        check.problem(
            where, f"`organization` must be a mapping with `name:`, not {_type_name(org)}"
        )
    if crunchbase:
        cb_slug = crunchbase_slug(crunchbase)
        if cb_slug is not None and (len(cb_slug) > MAX_NAME or forbidden_in_xml(cb_slug)):
            cb_slug = None  # %00 and the like: a slug names the organisation when it has no name
        if cb_slug is None:
            check.warn(
                where,
                f"`crunchbase` {excerpt(crunchbase)} is not a Crunchbase organisation URL: "
                "left out",
            )
        crunchbase = crunchbase_url(cb_slug) if cb_slug else None
    maturity = check.text(raw, "project", where)
    if maturity is not None and maturity not in MATURITIES:
        check.problem(
            where,
            f"unknown maturity `project: {clip(maturity, 40)}`: use one of "
            f"{', '.join(MATURITIES)}, "
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
        parent = check.text(extra, "parent_project", where, limit=MAX_NAME)
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
                    check.problem(
                        where, f"second_path {excerpt(text)} must read 'Category / Subcategory'"
                    )
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
                f"--as-of {excerpt(as_of)} is not a date",
                hint="Give the snapshot's date as YYYY-MM-DD.",
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
            hint="Give the guide.yml of https://github.com/cncf/landscape2-sites, "
            "or leave --guide out.",
        )
    check = Checker(path)
    definitions: dict[tuple[str, str | None], str] = {}
    for ci, cat in enumerate(data["categories"], 1):
        if not isinstance(cat, dict) or not isinstance(cat.get("category"), str):
            check.problem(f"category #{ci}", "every category needs `category:` (its name)")
            continue
        name = check.text(cat, "category", f"category #{ci}", required=True, limit=MAX_NAME)
        if name is None:
            continue
        content = cat.get("content")
        if isinstance(content, str) and check.text(cat, "content", name):
            definitions[(name, None)] = _definition(content)
        subs = cat.get("subcategories") or []
        for sub in subs if isinstance(subs, list) else []:
            if not isinstance(sub, dict) or not isinstance(sub.get("subcategory"), str):
                continue
            where = f"{name} / {clip(sub['subcategory'].strip(), _PLACE)}"
            sub_name = check.text(sub, "subcategory", where, limit=MAX_NAME)
            content = sub.get("content")
            if sub_name and isinstance(content, str) and check.text(sub, "content", where):
                definitions[(name, sub_name)] = _definition(content)
    if check.problems:
        n = len(check.problems)
        listed = "\n".join(f"  - {p}" for p in check.problems[:MAX_LISTED])
        raise LandscapeFormatError(
            f"{path}: {n} problem{'s' if n != 1 else ''} in the guide:\n{listed}",
            hint="Fix the entries named above, or leave --guide out.",
        )
    m = _DATE.search(path.name)
    return Guide(path, digest, m.group(1) if m else None, definitions)


def _definition(markdown: str) -> str:
    """The guide's "What it is" section (else its first paragraph), as plain paragraphs."""
    text = markdown.strip()
    m = re.search(r"^#+\s*What it is\s*$(.*?)(?=^#+\s|\Z)", text, re.M | re.S | re.I)
    body = m.group(1) if m else text.split("\n\n", 1)[0]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body.strip())]
    return "\n\n".join(p for p in paragraphs if p)
