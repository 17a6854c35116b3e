"""Importing one landscape snapshot: read, link, map, write ``imports/cncf-landscape-DATE.trig``."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from pathlib import Path

from kg import resources
from kg.errors import DataError
from kg.importers.landscape.linking import (
    CuratedIndex,
    Link,
    Overrides,
    curated_index_default,
    load_overrides,
)
from kg.importers.landscape.mapping import plan, serialize_trig, triples_for
from kg.importers.landscape.read import (
    RIGHTS,
    Progress,
    read_guide,
    read_landscape,
    snapshot_date,
    source_iri,
)
from kg.io import write_if_changed
from kg.namespaces import ECO, shorten
from kg.store import Store, parse
from kg.text import excerpt, file_name


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

    def to_dict(self) -> dict[str, object]:
        """The summary with the linked and ambiguous entities and the warnings, IRIs shortened."""
        return {
            **self.summary(),
            "matched": [
                {"kind": lk.kind, "name": lk.name, "iri": shorten(lk.iri or ""), "rule": lk.rule}
                for lk in self.matched
            ],
            "ambiguous": [
                {
                    "kind": lk.kind,
                    "name": lk.name,
                    "candidates": " ".join(shorten(c) for c in lk.candidates),
                    "rule": lk.rule,
                }
                for lk in self.ambiguous
            ],
            "warnings": list(self.warnings),
        }


def output_path(date: str, out_dir: Path | str | None = None) -> Path:
    return Path(out_dir or resources.imports_dir()) / f"cncf-landscape-{date}.trig"


#: A new import with this much fewer items than the previous one of the same source is
#: probably of a file cut short (still valid YAML): the import says so.
LARGE_DROP = 0.10
_SNAPSHOT_FILE = re.compile(r"^cncf-landscape-(\d{4}-\d{2}-\d{2})\.trig$")
_ITEMS = re.compile(r"^# Items: (\d+)")


def imported_items(path: Path) -> int | None:
    """The item count an import wrote into its header (None: an older file, or unreadable)."""
    try:
        with path.open("rb") as fh:
            for _ in range(12):
                m = _ITEMS.match(fh.readline().decode("utf-8", "replace"))
                if m:
                    return int(m.group(1))
    except OSError:
        return None
    return None


def count_drop(target: Path, date: str, items: int) -> str | None:
    """A warning when ``items`` is a large drop from the previous import of the landscape: the
    same snapshot imported before, else the latest earlier one."""
    try:
        found = {
            m.group(1): p for p in target.parent.iterdir() if (m := _SNAPSHOT_FILE.match(p.name))
        }
    except OSError:
        return None
    earlier = sorted(d for d in found if d < date)
    previous = found.get(date) or (found[earlier[-1]] if earlier else None)
    before = imported_items(previous) if previous is not None else None
    if not before or items >= before * (1 - LARGE_DROP):
        return None
    return (
        f"{items:,} items, {1 - items / before:.0%} fewer than the {before:,} of the previous "
        f"import ({previous.name if previous else ''}): is the file cut short? Compare it with "
        "the source; a landscape that did shrink needs nothing"
    )


def check_readable(data: bytes, target: Path) -> None:
    """Parse the file about to be written as `kg build` will: a bug that writes what the build
    cannot read stops here, and nothing is written."""
    try:
        for _quad in parse(io.BytesIO(data), "trig"):
            pass
    except (SyntaxError, ValueError, MemoryError) as exc:
        raise DataError(
            f"{target}: the import made a file `kg build` cannot read ({excerpt(str(exc), 200)}); "
            "nothing was written",
            hint="This is a bug of the importer: please report it with the landscape file.",
        ) from exc


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
    t0 = time.perf_counter()
    path = Path(path)
    date = snapshot_date(path, as_of)
    landscape = read_landscape(path)
    the_guide = read_guide(guide) if guide is not None else None
    index = curated if isinstance(curated, CuratedIndex) else curated_index_default(curated)
    the_plan = plan(
        landscape, index=index, overrides=overrides or load_overrides(), progress=progress
    )
    triples = triples_for(the_plan, date, the_guide)
    source = source_iri(date)
    header = [
        f"CNCF Cloud Native Landscape, snapshot of {date}: written by `kg import landscape`.",
        f"From {file_name(path)} (sha256 {landscape.sha256}).",
        f"Items: {len(landscape.items)} (categories: {len(landscape.categories)}, "
        f"subcategories: {landscape.subcategory_count})",
        "Do not edit: import the file again instead. One graph, named after its source.",
        RIGHTS,
    ]
    data = serialize_trig(triples.quads(source), header)
    target = output_path(date, out_dir)
    check_readable(data, target)
    drop = count_drop(target, date, len(landscape.items))
    if drop:
        landscape.warnings.append(drop)
    changed = write_if_changed(target, data)
    links = the_plan.links()
    events = triples.count(ECO + "MaturityChange")
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
        matched=sorted(
            (lk for lk in links if lk.status == "matched"), key=lambda lk: (lk.kind, lk.name)
        ),
        new=sum(1 for lk in links if lk.status == "new"),
        ambiguous=sorted(
            (lk for lk in links if lk.status == "ambiguous"), key=lambda lk: (lk.kind, lk.name)
        ),
        warnings=list(landscape.warnings),
        seconds=time.perf_counter() - t0,
    )
