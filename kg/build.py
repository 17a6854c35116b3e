"""Build: read the sources, derive, validate, and publish ``dist/`` as one unit.

The dataset is the ontology, the curated data and the imported graphs (:mod:`kg.sources`), one
named graph per source, plus the graphs the build derives (ownership periods:
:mod:`kg.history.ownership`). It is validated against the SHACL shapes (:mod:`kg.validate`) and
written to ``dist/`` in each asked format, with the N-Quads reload file and an Oxigraph copy
that later commands open (:func:`kg.store.open_dist`). Every file is written whole or not at
all (:mod:`kg.io`).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources
from kg.errors import UsageError, ValidationFailed
from kg.history.ownership import add_derived
from kg.io import atomic_dir, atomic_write, ensure_dir
from kg.sources import SourceFile, read_sources, source_files
from kg.store import COPY_DIR, MANIFEST, RDF_FORMATS, RELOAD_FILE, OxigraphStore, Store
from kg.validate import Violation, validate_store

#: The formats ``kg build --format`` writes (N-Quads, the reload file, always).
FORMATS = tuple(RDF_FORMATS)


@dataclass
class BuildResult:
    store: OxigraphStore
    sources: list[SourceFile]
    written: list[Path] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build(
    *,
    out: Path | None = None,
    formats: Iterable[str] = ("trig", "nt"),
    validate: bool = True,
    ontology: Path | None = None,
    data: Path | None = None,
    imports: Path | None = None,
    target: Store | None = None,
) -> BuildResult:
    """Read, derive, validate and write the dataset. Raises
    :class:`~kg.errors.ValidationFailed` (and writes nothing) when the graph does not conform.

    ``target`` is a store to load the result into as well (a persistent or remote store).
    """
    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in RDF_FORMATS:
            raise UsageError(f"unknown format {fmt!r}", hint=f"Use one of {', '.join(FORMATS)}.")
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    sources = source_files(ontology=ontology, data=data, imports=imports)
    store = read_sources(sources)
    seconds["parse"] = time.perf_counter() - t0
    t_derive = time.perf_counter()
    add_derived(store)
    seconds["derive"] = time.perf_counter() - t_derive
    result = BuildResult(store=store, sources=sources, seconds=seconds)
    if validate:
        t1 = time.perf_counter()
        result.violations = validate_store(
            store, shapes=(ontology or resources.ontology_dir()) / "shapes.ttl"
        )
        seconds["validate"] = time.perf_counter() - t1
        if result.violations:
            raise ValidationFailed(result.violations)
    t2 = time.perf_counter()
    out = out or resources.dist_dir()
    result.written = write_dist(store, out, formats=formats, sources=sources)
    seconds["write"] = time.perf_counter() - t2
    if target is not None:
        t3 = time.perf_counter()
        target.replace(store.quads())
        seconds["load-target"] = time.perf_counter() - t3
    seconds["total"] = time.perf_counter() - t0
    return result


def write_dist(
    store: OxigraphStore, out: Path, *, formats: Iterable[str], sources: list[SourceFile]
) -> list[Path]:
    """Write the dataset in each format, the reload file, the Oxigraph copy and a manifest."""
    ensure_dir(out)
    written: list[Path] = []
    for fmt in dict.fromkeys([*formats, "nq"]):
        target = out / f"kg.{RDF_FORMATS[fmt][0]}"
        written.append(atomic_write(target, functools.partial(store.write, fmt=fmt)))
    written.append(atomic_dir(out / COPY_DIR, store.save_copy))
    manifest = {
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "built_epoch": time.time(),
        "quads": store.quad_count(),
        "triples": store.count(),
        "graphs": store.graphs(),
        "sources": [str(s.path) for s in sources],
        "files": [p.name for p in written],
    }
    written.append(atomic_write(out / MANIFEST, json.dumps(manifest, indent=2) + "\n"))
    return written


def load_unbuilt() -> OxigraphStore:
    """The dataset read directly from the sources, derived but not validated: what commands
    use when nothing has been built."""
    store = read_sources(source_files())
    add_derived(store)
    return store


def is_stale(dist: Path) -> bool:
    """True when a source file changed after the build in ``dist``."""
    try:
        manifest = json.loads((dist / MANIFEST).read_text())
        built = float(manifest["built_epoch"])
    except (OSError, ValueError, KeyError):
        return True
    return any(s.path.stat().st_mtime > built for s in source_files())


__all__ = ["COPY_DIR", "FORMATS", "MANIFEST", "RELOAD_FILE", "BuildResult", "build"]
