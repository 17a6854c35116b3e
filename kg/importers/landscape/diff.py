"""What changed between two landscape snapshots, and those changes as derived events.

An item is the same item in both snapshots when it has the same name, or, for a name that
appears in only one of them, the same repository or homepage (a rename); a repository or
homepage that several items share tells nothing and is not used, and a member entry (an
organisation) is never the rename of an item. For each item the diff reports
whether it was added, removed or renamed, moved to other subcategories, changed organisation
(its Crunchbase URL: an ownership change such as ``rancher-labs`` to ``suse``) or maturity.

:func:`emit_changes` writes the changes as ``eco:LandscapeChange`` events into a graph of their
own: derived from both snapshots (``prov:wasDerivedFrom``), not stated by any source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from kg import resources
from kg.importers.landscape.linking import (
    CuratedIndex,
    curated_index_default,
    load_overrides,
    slugify,
    url_key,
)
from kg.importers.landscape.mapping import Triples, describe_source, lit, plan, serialize_trig
from kg.importers.landscape.read import RIGHTS, Landscape, read_landscape, snapshot_date
from kg.io import write_if_changed
from kg.namespaces import DCTERMS, ECO, KG, PROV, RDF, RDFS
from kg.text import file_name

KINDS = ("added", "removed", "renamed", "moved", "organisation", "maturity")


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots."""

    kind: str  # one of KINDS
    name: str  # the item's name in the newer snapshot (the older one's when removed)
    before: str = ""
    after: str = ""
    path: str = ""  # category / subcategory where the item is (the older one's when removed)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class _Entry:
    name: str
    paths: list[str]
    homepages: set[str]
    repos: set[str]
    crunchbase: str | None
    maturity: str | None
    member: bool


def _entries(landscape: Landscape) -> dict[str, _Entry]:
    out: dict[str, _Entry] = {}
    for item in landscape.items:
        path = f"{item.category} / {item.subcategory}"
        entry = out.get(item.name)
        if entry is None:
            entry = out[item.name] = _Entry(
                item.name, [], set(), set(), item.slug, item.maturity, item.member
            )
        if path not in entry.paths:
            entry.paths.append(path)
        if item.homepage:
            entry.homepages.add(url_key(item.homepage))
        entry.repos.update(url_key(r) for r in item.repos)
        entry.crunchbase = entry.crunchbase or item.slug
        entry.maturity = entry.maturity or item.maturity
    return out


def _unique(entries: Iterable[_Entry], attr: str) -> dict[str, str]:
    """Key -> item name, for the keys exactly one item has."""
    owners: dict[str, set[str]] = {}
    for e in entries:
        for key in getattr(e, attr):
            owners.setdefault(key, set()).add(e.name)
    return {k: next(iter(v)) for k, v in owners.items() if len(v) == 1 and k}


def _read(snapshot: Landscape | Path | str) -> Landscape:
    return snapshot if isinstance(snapshot, Landscape) else read_landscape(snapshot)


def diff_landscapes(old: Landscape | Path | str, new: Landscape | Path | str) -> list[Change]:
    """The changes from ``old`` to ``new`` (files or read landscapes), in a stable order: by
    kind (as in :data:`KINDS`), then by name."""
    a, b = _entries(_read(old)), _entries(_read(new))
    removed = sorted(set(a) - set(b))
    added = set(b) - set(a)
    pairs: list[tuple[str, str]] = [(n, n) for n in sorted(set(a) & set(b))]
    changes: list[Change] = []
    indexes = []
    for attr in ("repos", "homepages"):
        old_keys, new_keys = _unique(a.values(), attr), _unique(b.values(), attr)
        indexes.append((attr, old_keys, new_keys))
    still_removed = []
    for name in removed:
        match = None
        for attr, old_keys, new_keys in indexes:
            for key in sorted(getattr(a[name], attr)):
                other = new_keys.get(key)
                if (
                    old_keys.get(key) == name
                    and other in added
                    and b[other].member == a[name].member
                ):
                    match = other
                    break
            if match:
                break
        if match:
            added.discard(match)
            pairs.append((name, match))
            changes.append(Change("renamed", match, name, match, b[match].paths[0]))
        else:
            still_removed.append(name)
    for name in still_removed:
        changes.append(Change("removed", name, path=a[name].paths[0]))
    for name in sorted(added):
        changes.append(Change("added", name, path=b[name].paths[0]))
    for old_name, new_name in pairs:
        x, y = a[old_name], b[new_name]
        where = y.paths[0]
        if set(x.paths) != set(y.paths):
            changes.append(Change("moved", new_name, "; ".join(x.paths), "; ".join(y.paths), where))
        if x.crunchbase and y.crunchbase and x.crunchbase != y.crunchbase:
            changes.append(Change("organisation", new_name, x.crunchbase, y.crunchbase, where))
        if (x.maturity or "") != (y.maturity or ""):
            changes.append(Change("maturity", new_name, x.maturity or "", y.maturity or "", where))
    order = {k: i for i, k in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.name.casefold(), c.name, c.before))
    return changes


# --- emitting -----------------------------------------------------------------------------

_LABELS = {
    "added": "{name} is added to the landscape",
    "removed": "{name} is removed from the landscape",
    "renamed": "{before} is renamed {after}",
    "moved": "{name} moves from {before} to {after}",
    "organisation": "{name} changes organisation from {before} to {after}",
    "maturity": "{name} changes CNCF maturity from {before} to {after}",
}


def diff_iri(old_date: str, new_date: str) -> str:
    return f"{KG}cncf-landscape-diff.{old_date}.{new_date}"


def emit_changes(
    old: Landscape | Path | str,
    new: Landscape | Path | str,
    *,
    old_date: str | None = None,
    new_date: str | None = None,
    out_dir: Path | None = None,
    curated: CuratedIndex | None = None,
    changes: list[Change] | None = None,
) -> tuple[Path, bool, int]:
    """Write the changes as ``eco:LandscapeChange`` events into
    ``imports/cncf-landscape-diff-OLD-NEW.trig``. Each event names the item it is about
    (``dcterms:subject``, the IRI the import gives that item), the values before and after, and
    both snapshots it is derived from. Returns the file, whether it changed, and the number of
    events."""
    a, b = _read(old), _read(new)
    d_old, d_new = snapshot_date(a.path, old_date), snapshot_date(b.path, new_date)
    changes = diff_landscapes(a, b) if changes is None else changes
    index = curated or curated_index_default()
    overrides = load_overrides()
    old_iris = plan(a, index=index, overrides=overrides).item_iris()
    new_iris = plan(b, index=index, overrides=overrides).item_iris()
    out = Triples()
    s_old = describe_source(out, a, d_old, None)
    s_new = describe_source(out, b, d_new, None)
    d = diff_iri(d_old, d_new)
    title = f"Changes between the CNCF landscape snapshots of {d_old} and {d_new}"
    out.add(d, RDF + "type", ECO + "Source", rank=0)
    out.add(d, RDF + "type", ECO + "DerivedSource", rank=0)
    out.add(d, RDFS + "label", lit(title), rank=0)
    out.add(d, DCTERMS + "title", lit(title), rank=0)
    out.add(
        d,
        RDFS + "comment",
        lit(
            "Computed by `kg diff landscape --emit`: derived from the "
            "two snapshots, not stated by a source."
        ),
        rank=0,
    )
    for s in (s_old, s_new):
        out.add(d, PROV + "wasDerivedFrom", s, rank=0)
    used: set[str] = set()
    for change in changes:
        base = f"{d}.{change.kind}.{slugify(change.name) or 'item'}"
        iri, n = base, 1
        while iri in used:
            n += 1
            iri = f"{base}-{n}"
        used.add(iri)
        out.add(iri, RDF + "type", ECO + "LandscapeChange", rank=4)
        label = _LABELS[change.kind].format(
            name=change.name, before=change.before or "none", after=change.after or "none"
        )
        out.add(iri, RDFS + "label", lit(label), rank=4)
        out.add(iri, ECO + "changeKind", lit(change.kind), rank=4)
        if change.before:
            out.add(iri, ECO + "valueBefore", lit(change.before), rank=4)
        if change.after:
            out.add(iri, ECO + "valueAfter", lit(change.after), rank=4)
        subject = (old_iris if change.kind == "removed" else new_iris).get(change.name)
        if subject:
            out.add(iri, DCTERMS + "subject", subject, rank=4)
        out.add(iri, ECO + "source", d, rank=4)
        for s in (s_old, s_new):
            out.add(iri, PROV + "wasDerivedFrom", s, rank=4)
    header = [
        f"{title}: written by `kg diff landscape --emit`.",
        f"From {file_name(a.path)} (sha256 {a.sha256}) and {file_name(b.path)} "
        f"(sha256 {b.sha256}).",
        "Derived events, not sourced facts. Do not edit: run the diff again instead.",
        RIGHTS,
    ]
    data = serialize_trig(out.quads(d), header)
    target = (out_dir or resources.imports_dir()) / f"cncf-landscape-diff-{d_old}-{d_new}.trig"
    return target, write_if_changed(target, data), len(changes)
