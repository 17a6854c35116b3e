"""Importing one landscape snapshot: read, link, map, write ``imports/cncf-landscape-DATE.trig``."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kg import resources
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
from kg.store import Store


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
        f"From {path.name} (sha256 {landscape.sha256}).",
        "Do not edit: import the file again instead. One graph, named after its source.",
        RIGHTS,
    ]
    data = serialize_trig(triples.quads(source), header)
    target = output_path(date, out_dir)
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
