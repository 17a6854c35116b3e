"""A revision of the landscape as a normalised snapshot: one :class:`Entry` per item name.

Each item entry of the file is read by the snapshot importer's own rules
(:func:`kg.importers.landscape.read.read_item`: URLs, Crunchbase, maturity, ``extra``
dates), so that one rule stays in one place; what history needs on top is here:

- the 2018 files name the maturity ``cncf_project:``, later ones ``project:``;
- a name listed in several subcategories is one entry with several ``paths`` (as the
  snapshot importer and :mod:`kg.importers.landscape_diff` count it);
- ``tier``: the *CNCF Members* subcategory of a member entry (``Gold``, ``End User
  Supporter``...), as a stable id (:mod:`~kg.importers.landscape.meaning`): a tier the
  landscape renamed keeps its id;
- ``programmes``: the certification or partner programmes the name is listed under (the
  *Special* category's *Kubernetes Certified Service Provider*, training partners, *Certified
  CNFs*; *Platform*'s *Certified Kubernetes - ...*), as stable ids likewise.

A :class:`SnapshotBuilder` applies the item groups a :class:`~.reader.FastReader` reports
and recomputes only the entries whose names those groups hold.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.importers.landscape.history.reader import Change, Group
from kg.importers.landscape.linking import url_key
from kg.importers.landscape.meaning import MEMBERS, SPECIAL, is_programme, stable_id
from kg.importers.landscape.read import Checker, Item, read_item

STAGE_DATE = {"sandbox": "accepted", "incubating": "incubating", "graduated": "graduated"}
STAGE_DATE["archived"] = "archived"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One item entry of the file, where it is, read by the snapshot importer's rules."""

    item: Item
    joined: str | None = None
    enduser: bool = False
    legacy: bool = False  # its maturity was named ``cncf_project`` (the 2018 files)


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything the history compares about one name in one revision."""

    name: str
    paths: tuple[tuple[str, str], ...]  # (category, subcategory), sorted
    homepage: str | None = None
    repos: tuple[str, ...] = ()
    crunchbase: str | None = None
    organization: str | None = None
    maturity: str | None = None
    dates: tuple[tuple[str, str], ...] = ()  # extra.accepted/incubating/graduated/archived
    parent_project: str | None = None
    tier: str | None = None  # membership tier id, for a CNCF Members entry
    tier_label: str | None = None
    programmes: tuple[str, ...] = ()  # programme ids, sorted
    joined: str | None = None  # a member's ``joined`` date as the file states it
    enduser: bool = False

    @property
    def item_paths(self) -> tuple[tuple[str, str], ...]:
        """Where the name is listed as an item of the landscape (not a member, not only a
        partner of a programme)."""
        return tuple(p for p in self.paths if p[0] not in (MEMBERS, SPECIAL))

    @property
    def role(self) -> str:
        if any(p[0] == MEMBERS for p in self.paths):
            return "member"
        return "item" if self.item_paths else "programme"

    def url_keys(self) -> tuple[set[str], set[str]]:
        """(repository keys, homepage keys) as the rename rule compares them."""
        return {url_key(r) for r in self.repos}, (
            {url_key(self.homepage)} if self.homepage else set()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            k: ([list(x) if isinstance(x, tuple) else x for x in v] if isinstance(v, tuple) else v)
            for k, v in ((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))
            if v not in (None, (), False)
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        def tup(v: Any) -> Any:
            return tuple(tup(x) for x in v) if isinstance(v, list) else v

        return cls(**{k: tup(v) for k, v in data.items()})


def _text_date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def read_group(group: Group) -> tuple[tuple[Occurrence, ...], list[str]]:
    """The entries of one item group, and what the snapshot importer's rules say of them
    (problems and warnings, each naming ``category / subcategory / item``)."""
    check = Checker(Path("landscape.yml"))
    out: list[Occurrence] = []
    for number, raw in enumerate(group.entries, 1):
        if not isinstance(raw, dict):
            check.problem(
                f"{group.category} / {group.subcategory} / item #{number}",
                "must be a mapping with `name:` and `homepage_url:`",
            )
            continue
        legacy = "cncf_project" in raw
        if raw.get("project") is None and raw.get("cncf_project") is not None:
            raw = {**raw, "project": raw["cncf_project"]}  # the 2018 files' name for it
        item = read_item(check, group.category, group.subcategory, number, raw)
        if item is None:
            continue
        # The description is not compared, and dropping it keeps one Item per real change.
        item = dataclasses.replace(item, description=None)
        joined = _text_date(raw.get("joined"))
        out.append(Occurrence(item, joined, raw.get("enduser") is True, legacy))
    return tuple(out), check.problems + check.warnings


def _sort_key(o: Occurrence) -> tuple[Any, ...]:
    i = o.item
    return (
        i.category,
        i.subcategory,
        i.homepage or "",
        i.repos,
        i.crunchbase or "",
        i.organization or "",
        i.maturity or "",
        i.dates,
        i.parent_project or "",
        o.joined or "",
        o.enduser,
        i.second_paths,
    )


def _where(o: Occurrence) -> tuple[str, str]:
    return o.item.category, o.item.subcategory


def make_entry(name: str, occurrences: Iterable[Occurrence]) -> Entry:
    """One name's entry from all its occurrences, the same whatever their order in the file:
    the first in (category, subcategory) order gives the fields it has."""
    occ = sorted(occurrences, key=_sort_key)
    first = occ[0].item

    def pick(attr: str) -> Any:
        return next((getattr(o.item, attr) for o in occ if getattr(o.item, attr)), None)

    tiers = [o.item.subcategory for o in occ if o.item.category == MEMBERS]
    programmes = sorted(
        {
            stable_id(o.item.subcategory)
            for o in occ
            if is_programme(o.item.category, o.item.subcategory)
        }
    )
    return Entry(
        name=name,
        paths=tuple(sorted({(o.item.category, o.item.subcategory) for o in occ})),
        homepage=first.homepage,
        repos=first.repos,
        crunchbase=pick("crunchbase"),
        organization=pick("organization"),
        maturity=pick("maturity"),
        dates=first.dates or (pick("dates") or ()),
        parent_project=pick("parent_project"),
        tier=stable_id(tiers[0]) if tiers else None,
        tier_label=tiers[0] if tiers else None,
        programmes=tuple(programmes),
        joined=next((o.joined for o in occ if o.joined), None),
        enduser=any(o.enduser for o in occ),
    )


class SnapshotBuilder:
    """The entries of the current revision, kept up to date from the reader's changes."""

    def __init__(self, entries: dict[str, Entry] | None = None) -> None:
        self.entries: dict[str, Entry] = dict(entries or {})
        self.legacy = 0  # occurrences that name their maturity ``cncf_project``
        self._occ: dict[str, Counter[Occurrence]] | None = None if entries else {}
        self._cache: dict[tuple[str, str, bytes], tuple[tuple[Occurrence, ...], list[str]]] = {}

    def _read(self, group: Group, notes: list[str]) -> tuple[Occurrence, ...]:
        if group.text is None:
            occ, said = read_group(group)
            notes.extend(said)
            return occ
        key = (group.category, group.subcategory, group.text)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = read_group(group)
            notes.extend(hit[1])  # said once, the first time these bytes are read there
        return hit[0]

    def apply(self, change: Change) -> tuple[dict[str, Entry | None], list[str]]:
        """Apply one revision's change. Returns the previous entry (None: none) of every
        name whose entry may have changed, and the notes on the entries read."""
        notes: list[str] = []
        if change.full or self._occ is None:
            occ: dict[str, Counter[Occurrence]] = {}
            self.legacy = 0
            for g in change.added:
                for o in self._read(g, notes):
                    occ.setdefault(o.item.name, Counter())[o] += 1
                    self.legacy += o.legacy
            before: dict[str, Entry | None] = dict(self.entries)
            for name in occ:
                before.setdefault(name, None)
            self._occ = occ
            self.entries = {name: make_entry(name, c) for name, c in occ.items()}
            return before, notes
        touched: set[str] = set()
        for sign, groups in ((-1, change.removed), (1, change.added)):
            for g in groups:
                for o in self._read(g, notes):
                    c = self._occ.setdefault(o.item.name, Counter())
                    c[o] += sign
                    self.legacy += sign * o.legacy
                    touched.add(o.item.name)
        before = {}
        for name in sorted(touched):
            before[name] = self.entries.get(name)
            c = +self._occ[name]
            if c:
                self._occ[name] = c
                self.entries[name] = make_entry(name, c.elements())
            else:
                del self._occ[name]
                self.entries.pop(name, None)
        return before, notes
