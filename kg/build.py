"""Build: read the ontology, the curated data and the imported graphs into one dataset,
validate it, and write it to ``dist/`` atomically.

Every data file is TriG whose graphs are named after their sources; the ontology files go into
the ontology's own graph. The dataset's default graph, as every command sees it, is the union of
the named graphs.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg import resources
from kg.errors import DataError, NotBuilt, SourceSyntaxError, StoreError, UsageError
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.store import OxigraphStore, Store

if TYPE_CHECKING:
    from kg.validate import Violation

#: Output formats of ``kg build --format``: file suffix and engine format.
FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "trig": ("trig", ox.RdfFormat.TRIG),
    "nq": ("nq", ox.RdfFormat.N_QUADS),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "ttl": ("ttl", ox.RdfFormat.TURTLE),
    "xml": ("rdf", ox.RdfFormat.RDF_XML),
    "jsonld": ("jsonld", ox.RdfFormat.JSON_LD),
}
#: Always written: N-Quads is what later commands reload, fastest of all.
RELOAD_FILE = "kg.nq"
#: An Oxigraph copy of the dataset: what later commands open, fastest of all.
CACHE_DIR = "kg.oxigraph"
MANIFEST = "manifest.json"

Note = Callable[[str], None]


@dataclass
class SourceFile:
    """One input file and the graph its default-graph triples go to (None: not allowed)."""

    path: Path
    default_graph: str | None


@dataclass
class BuildResult:
    store: OxigraphStore
    sources: list[SourceFile]
    written: list[Path] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def source_files(
    *,
    ontology: Path | None = None,
    data: Path | None = None,
    imports: Path | None = None,
) -> list[SourceFile]:
    """The files a build reads, in a stable order."""
    data = data or resources.data_dir()
    imports = imports if imports is not None else resources.imports_dir()
    files = ontology_files(ontology)
    files += [SourceFile(p, None) for p in sorted(data.rglob("*.trig"))]
    if imports.is_dir():
        files += [SourceFile(p, None) for p in sorted(imports.glob("*.trig"))]
    return files


def ontology_files(ontology: Path | None = None) -> list[SourceFile]:
    """The ontology and category scheme (not the shapes: they describe data, they are not data)."""
    ontology = ontology or resources.ontology_dir()
    return [
        SourceFile(p, ONTOLOGY_GRAPH)
        for p in sorted(ontology.glob("*.ttl"))
        if p.name != resources.shapes_path().name
    ]


def parse_file(source: SourceFile) -> Iterator[ox.Quad]:
    """The quads of one file; a syntax error names the file and the line."""
    path = source.path
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.TRIG
    graph = ox.NamedNode(source.default_graph) if source.default_graph else None
    try:
        with path.open("rb") as fh:
            for quad in ox.parse(fh, format=fmt, base_iri=path.resolve().as_uri()):
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    if graph is None:
                        raise DataError(
                            f"{path}: the triple {quad.subject} {quad.predicate} ... is outside "
                            "a named graph",
                            hint="Put every triple in the graph named after its source "
                            "(see data/README.md).",
                        )
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
                yield quad
    except SyntaxError as exc:
        line, column = _position(exc)
        raise SourceSyntaxError(
            str(path), line, _syntax_message(exc), column=column, hint="Fix the syntax there."
        ) from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    col = exc.offset if isinstance(exc.offset, int) else None
    return line, col


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc)
    # Oxigraph prefixes the message with the span; we print the position ourselves.
    if text.startswith("Parser error") and ": " in text:
        text = text.split(": ", 1)[1]
    return text


def read_sources(
    sources: Iterable[SourceFile],
    *,
    progress: Callable[[Iterable[SourceFile]], Iterable[SourceFile]] | None = None,
) -> OxigraphStore:
    """Parse every source into a new in-memory store."""
    store = OxigraphStore()
    items = progress(sources) if progress else sources
    for source in items:
        store.add(parse_file(source))
    return store


def build(
    *,
    out: Path | None = None,
    formats: Iterable[str] = ("trig", "nt"),
    validate: bool = True,
    ontology: Path | None = None,
    data: Path | None = None,
    imports: Path | None = None,
    target: Store | None = None,
    note: Note | None = None,
) -> BuildResult:
    """Read, validate and write the dataset. Raises :class:`~kg.errors.ValidationFailed` (and
    writes nothing) when the graph does not conform.

    ``target`` is a store to load the result into as well (a persistent or remote store).
    """
    from kg.errors import ValidationFailed

    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}", hint=f"Use one of {', '.join(FORMATS)}.")
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    sources = source_files(ontology=ontology, data=data, imports=imports)
    store = read_sources(sources)
    seconds["parse"] = time.perf_counter() - t0
    t_derive = time.perf_counter()
    derive(store)
    seconds["derive"] = time.perf_counter() - t_derive
    result = BuildResult(store=store, sources=sources, seconds=seconds)
    if validate:
        from kg.validate import validate_store

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
    """Write the dataset in each format, each file through a temporary file and a rename, so
    that a reader never sees half a file."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    wanted = [*formats, "nq"]
    for fmt in dict.fromkeys(wanted):
        suffix, rdf_format = FORMATS[fmt]
        target = out / f"kg.{suffix}"
        _atomic_write(target, functools.partial(_serialize, store, fmt=rdf_format))
        written.append(target)
    written.append(_write_cache(store, out / CACHE_DIR))
    manifest = {
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "built_epoch": time.time(),
        "quads": len(store),
        "graphs": store.graphs(),
        "sources": [str(s.path) for s in sources],
        "files": [p.name for p in written],
    }
    _atomic_write(out / MANIFEST, lambda fh: fh.write(json.dumps(manifest, indent=2).encode()))
    written.append(out / MANIFEST)
    return written


def _write_cache(store: OxigraphStore, target: Path) -> Path:
    """Write the Oxigraph copy into a new folder, then swap it in: a reader opens either the
    old copy or the new one, never half of one."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        cache = ox.Store(str(tmp))
        cache.bulk_extend(store.ox.quads_for_pattern(None, None, None, None))
        cache.flush()
        cache.optimize()
        del cache
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _serialize(store: OxigraphStore, fh: IO[bytes], *, fmt: ox.RdfFormat) -> None:
    if fmt == ox.RdfFormat.N_QUADS:
        # The reload file holds the merged default graph too, so reloading is one native load.
        ox.serialize(store.ox.quads_for_pattern(None, None, None, None), fh, fmt)
    elif fmt.supports_datasets:
        ox.serialize(store.quads(), fh, fmt, prefixes=PREFIXES)
    else:
        prefixes = None if fmt == ox.RdfFormat.N_TRIPLES else PREFIXES
        ox.serialize(store.triples(), fh, fmt, prefixes=prefixes)


def _atomic_write(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(*, dist: Path | None = None, note: Note | None = None) -> OxigraphStore:
    """The built dataset in a new in-memory store: reloaded from ``dist/`` when it has been
    built, else read from the sources (unvalidated; ``note`` is told so)."""
    dist = dist or resources.dist_dir()
    reload = dist / RELOAD_FILE
    if reload.is_file():
        if note and is_stale(dist):
            note(f"note: {dist} is older than the data; run `kg build` to refresh it")
        cache = dist / CACHE_DIR
        if cache.is_dir():
            try:
                return OxigraphStore.cache(cache)
            except StoreError:
                pass  # a cache another engine version wrote, or a damaged one: parse instead
        store = OxigraphStore()
        store.load_file(reload, ox.RdfFormat.N_QUADS, trusted=True)  # written by write_dist
        return store
    if note:
        note(
            f"note: no build in {dist}; reading the data directly "
            "(run `kg build` to validate and cache it)"
        )
    store = read_sources(source_files())
    derive(store)
    return store


def derive(store: OxigraphStore) -> None:
    """Add the derived graphs (ownership periods from the acquisitions: kg/history.py)."""
    from kg.history import add_derived

    add_derived(store)


def is_stale(dist: Path) -> bool:
    """True when a source file changed after the build in ``dist``."""
    try:
        manifest = json.loads((dist / MANIFEST).read_text())
        built = float(manifest["built_epoch"])
    except (OSError, ValueError, KeyError):
        return True
    return any(s.path.stat().st_mtime > built for s in source_files())


def require_built(dist: Path | None = None) -> Path:
    dist = dist or resources.dist_dir()
    if not (dist / RELOAD_FILE).is_file():
        raise NotBuilt(f"no built graph in {dist}", hint="Run `kg build` first.")
    return dist
