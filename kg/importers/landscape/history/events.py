"""Events: what changed from one revision to the next, each dated and sourced by its commit.

Rules (DESIGN.md has the reasons):

- identity: an item keeps the identity it got when first seen (its name then); a rename
  carries it to the new name; a name that comes back after a removal gets its old one;
- rename: a name that left and a name that came, in the same revision and the same role
  (item, member, programme partner), that share a repository, else a homepage, that no other
  item of either revision has (:func:`kg.importers.linking.url_key` compares them, as
  :mod:`kg.importers.landscape_diff` does);
- ``added``/``removed``/``moved``: the name's item paths (members and programme partners
  have their own events); ``added`` gives all the paths it came with (``after``) and its
  Crunchbase URL, so that the events alone tell where and under whom an item was listed;
- ``maturity``: the ``project`` (``cncf_project`` in 2018) changed, or an item came with one;
  ``stated`` is the date ``extra`` gives for the new stage, when it gives one;
- ``organisation``: the Crunchbase organisation changed (both known): an observation, not
  an acquisition;
- ``member_joined``/``member_tier``/``member_left``: the *CNCF Members* tier; when the file
  first lists members at all (July 2019) they are ``member_listed``, not joined;
  ``stated`` is the member's ``joined`` date;
- ``programme_joined``/``programme_left``: a certification or partner programme.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Protocol

from kg.importers.landscape.history.git import Revision
from kg.importers.landscape.history.snapshot import STAGE_DATE, Entry

KINDS = (
    "added",
    "removed",
    "renamed",
    "moved",
    "maturity",
    "organisation",
    "member_listed",
    "member_joined",
    "member_tier",
    "member_left",
    "programme_joined",
    "programme_left",
)
_ORDER = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Event:
    """One change, dated by the upstream commit that made it and citing it."""

    kind: str  # one of KINDS
    date: str  # the commit date, UTC, YYYY-MM-DD
    timestamp: str  # the commit time with the committer's offset
    commit: str  # the commit in the repository read
    upstream: str  # the upstream commit's address: the source to cite
    subject: str  # the commit's subject: the source's title
    item: str  # the stable identity of the item (or member, or partner)
    name: str  # its name in this revision (the last one it had, when removed)
    before: str | None = None
    after: str | None = None
    path: str | None = None  # "Category / Subcategory" where it is (was, when removed)
    stated: str | None = None  # the date the file itself gives for this change
    # ``added`` only: the Crunchbase URL the item came with (later changes are
    # ``organisation`` events), so that a reader of the events knows its organisation
    # from the start without the snapshot of that day.
    crunchbase: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def to_jsonl(events: Iterable[Event]) -> str:
    """One JSON object a line, keys sorted, ASCII only (a U+2028 in a name cannot split a
    line): the same events give the same bytes."""
    return "".join(
        json.dumps(e.as_dict(), sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"
        for e in events
    )


def _path(paths: Iterable[tuple[str, str]]) -> str | None:
    first = next(iter(paths), None)
    return f"{first[0]} / {first[1]}" if first else None


def _paths(paths: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{c} / {s}" for c, s in paths)


class Identities:
    """Stable identities: name -> identity, carried through renames."""

    def __init__(self, names: dict[str, str] | None = None, taken: Iterable[str] = ()) -> None:
        self.names: dict[str, str] = dict(names or {})
        self.taken: set[str] = set(taken) | set(self.names.values())

    def of(self, name: str) -> str:
        ident = self.names.get(name)
        if ident is None:
            ident, n = name, 1
            while ident in self.taken:
                n += 1
                ident = f"{name}~{n}"
            self.names[name] = ident
            self.taken.add(ident)
        return ident

    def rename(self, old: str, new: str) -> str:
        ident = self.of(old)
        del self.names[old]
        self.names[new] = ident
        return ident


class Differ:
    """Events between consecutive snapshots. Keeps the URL owners of the current snapshot
    (for renames) and the identities."""

    def __init__(self, entries: dict[str, Entry], identities: Identities) -> None:
        self.ids = identities
        self.repo_owners: dict[str, set[str]] = {}
        self.home_owners: dict[str, set[str]] = {}
        self.members = 0
        for e in entries.values():
            self._index(e, 1)

    def _index(self, e: Entry, sign: int) -> None:
        repos, homes = e.url_keys()
        for index, keys in ((self.repo_owners, repos), (self.home_owners, homes)):
            for k in keys:
                owners = index.setdefault(k, set())
                if sign > 0:
                    owners.add(e.name)
                else:
                    owners.discard(e.name)
                    if not owners:
                        del index[k]
        if e.tier:
            self.members += sign

    def diff(
        self, before: dict[str, Entry | None], after: dict[str, Entry], rev: Revision
    ) -> list[Event]:
        """The events of one revision: ``before`` holds the previous entry of every name that
        may have changed (None: it was not listed); ``after`` is the new snapshot."""
        changed = {n: (old, after.get(n)) for n, old in before.items() if old != after.get(n)}
        gone = sorted(n for n, (o, e) in changed.items() if o is not None and e is None)
        came = {n for n, (o, e) in changed.items() if o is None and e is not None}
        # URL owners before the change, for the keys of the names that left.
        owners_before: dict[tuple[int, str], set[str]] = {}
        for n in gone:
            old = changed[n][0]
            assert old is not None
            repos, homes = old.url_keys()
            for which, keys, index in ((0, repos, self.repo_owners), (1, homes, self.home_owners)):
                for k in keys:
                    owners_before[(which, k)] = set(index.get(k, ()))
        had_members = self.members > 0
        for o, e in changed.values():
            if o is not None:
                self._index(o, -1)
            if e is not None:
                self._index(e, 1)
        pairs: list[tuple[str | None, str | None]] = []
        renamed: list[tuple[str, str]] = []
        for n in gone:
            old = changed[n][0]
            assert old is not None
            match = None
            repos, homes = old.url_keys()
            for which, keys, index in ((0, repos, self.repo_owners), (1, homes, self.home_owners)):
                for k in sorted(keys):
                    owners = index.get(k, set())
                    if owners_before.get((which, k)) != {n} or len(owners) != 1:
                        continue
                    (other,) = owners
                    new = after[other]
                    if other in came and new.role == old.role:
                        match = other
                        break
                if match:
                    break
            if match:
                came.discard(match)
                renamed.append((n, match))
            else:
                pairs.append((n, None))
        pairs += [(None, n) for n in sorted(came)]
        pairs += [(n, n) for n, (o, e) in changed.items() if o is not None and e is not None]
        out: list[Event] = []

        def emit(kind: str, ident: str, name: str, **kw: str | None) -> None:
            out.append(
                Event(
                    kind,
                    rev.date,
                    rev.timestamp,
                    rev.commit,
                    rev.upstream,
                    rev.subject,
                    ident,
                    name,
                    **kw,
                )
            )

        for gone_name, came_name in renamed:
            ident = self.ids.rename(gone_name, came_name)
            emit("renamed", ident, came_name, before=gone_name, after=came_name,
                 path=_path(after[came_name].paths))  # fmt: skip
            pairs.append((gone_name, came_name))
        for old_name, new_name in pairs:
            o = changed[old_name][0] if old_name else None
            e = after[new_name] if new_name else None
            name = new_name or old_name
            assert name is not None
            self._entry_events(emit, self.ids.of(name), name, o, e, had_members)
        out.sort(
            key=lambda ev: (
                _ORDER[ev.kind],
                ev.name.casefold(),
                ev.name,
                ev.before or "",
                ev.after or "",
            )
        )
        return out

    @staticmethod
    def _entry_events(emit: _Emit, ident: str, name: str, o: Entry | None, e: Entry | None,
                      had_members: bool) -> None:  # fmt: skip
        o_paths = o.item_paths if o else ()
        e_paths = e.item_paths if e else ()
        if e_paths and not o_paths:
            assert e is not None
            emit("added", ident, name, after=_paths(e_paths), path=_path(e_paths),
                 crunchbase=e.crunchbase)  # fmt: skip
        elif o_paths and not e_paths:
            emit("removed", ident, name, path=_path(o_paths))
        elif o_paths and e_paths and o_paths != e_paths:
            emit("moved", ident, name, before=_paths(o_paths), after=_paths(e_paths),
                 path=_path(e_paths))  # fmt: skip
        if e is not None:
            m0, m1 = (o.maturity if o else None), e.maturity
            if m0 != m1:
                stated = dict(e.dates).get(STAGE_DATE[m1]) if m1 else None
                emit("maturity", ident, name, before=m0, after=m1, path=_path(e.paths),
                     stated=stated)  # fmt: skip
            if o is not None and o.crunchbase and e.crunchbase and o.crunchbase != e.crunchbase:
                emit("organisation", ident, name, before=o.crunchbase, after=e.crunchbase,
                     path=_path(e.paths))  # fmt: skip
        t0, t1 = (o.tier if o else None), (e.tier if e else None)
        if t1 and not t0:
            assert e is not None
            kind = "member_joined" if had_members else "member_listed"
            emit(kind, ident, name, after=t1, path=_path(e.paths), stated=e.joined)
        elif t0 and not t1:
            assert o is not None
            emit("member_left", ident, name, before=t0, path=_path(o.paths))
        elif t0 and t1 and t0 != t1:
            assert e is not None
            emit("member_tier", ident, name, before=t0, after=t1, path=_path(e.paths))
        p0 = set(o.programmes) if o else set()
        p1 = set(e.programmes) if e else set()
        for p in sorted(p1 - p0):
            assert e is not None
            emit("programme_joined", ident, name, after=p, path=_path(e.paths))
        for p in sorted(p0 - p1):
            assert o is not None
            emit("programme_left", ident, name, before=p, path=_path(o.paths))


class _Emit(Protocol):
    def __call__(self, kind: str, ident: str, name: str, **kw: str | None) -> None: ...
