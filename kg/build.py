"""Build: read the sources, derive, validate, and publish ``dist/`` as one unit.

The dataset is the ontology, the curated data and the imported graphs (:mod:`kg.sources`), one
named graph per source, plus the graphs the build derives (ownership periods:
:mod:`kg.history.ownership`). It is validated against the SHACL shapes (:mod:`kg.validate`) and
written to ``dist/`` in each asked format, with the N-Quads reload file and an Oxigraph copy
that later commands open (:func:`kg.store.open_dist`).

Publication: a reader sees the old build or the new one, never a mix, whenever a build stops::

    dist/.kg-build.lock                builds into dist/ take turns (flock: kill -9 frees it)
    dist/generations/20260101T120000-x/  one whole build: kg.trig kg.nt kg.nq kg.oxigraph/
                                         manifest.json
    dist/current -> generations/20260101T120000-x      switched by one rename
    dist/kg.trig -> current/kg.trig    the usual paths (kg.nt, kg.nq, kg.oxigraph,
                                       manifest.json too), links through current

A build writes a new generation under a ``.partial-`` name, renames it complete, then switches
``current`` with one rename (:func:`kg.io.atomic_symlink`). Readers resolve ``current`` once
(:func:`kg.store.current_build`) and read every file from that generation. The previous
generation stays for readers that opened it; older ones, and whatever a build killed half-way
left, are removed by the next build, under the lock.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources
from kg.errors import OutputError, UsageError, ValidationFailed
from kg.history.ownership import add_derived
from kg.io import (
    atomic_symlink,
    atomic_write,
    ensure_dir,
    exclusive_lock,
    make_private_dir,
    remove_tree,
    sync_dir,
)
from kg.sources import SourceFile, read_sources, source_files
from kg.store import (
    COPY_DIR,
    CURRENT,
    GENERATIONS,
    MANIFEST,
    RDF_FORMATS,
    RELOAD_FILE,
    OxigraphStore,
    Store,
    current_build,
)
from kg.validate import DEFAULT_ENGINE, Violation, validate_store

#: The formats ``kg build --format`` writes (N-Quads, the reload file, always).
FORMATS = tuple(RDF_FORMATS)
#: Every name a build may publish in ``dist/`` (and so may remove there).
OUTPUT_NAMES = frozenset(
    {*(f"kg.{suffix}" for suffix, _ in RDF_FORMATS.values()), COPY_DIR, MANIFEST}
)
#: Builds into one folder take turns on this lock file (it holds the writer's process id).
LOCK_FILE = ".kg-build.lock"
#: A generation being written is named so until it is complete.
PARTIAL = ".partial-"

Note = Callable[[str], object]


@dataclass
class BuildResult:
    store: OxigraphStore
    sources: list[SourceFile]
    written: list[Path] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    #: True when the previous build validated the same sources with the same shapes and
    #: code, so its result stood (see :func:`validation_key`).
    validation_cached: bool = False


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
    validator: str = DEFAULT_ENGINE,
) -> BuildResult:
    """Read, derive, validate and write the dataset. Raises
    :class:`~kg.errors.ValidationFailed` (and writes nothing) when the graph does not conform.

    ``target`` is a store to load the result into as well (a persistent or remote store);
    ``note`` is told when the build waits for another one writing the same folder (default:
    a line on stderr); ``validator`` is :mod:`kg.validate`'s engine (``sparql``, ``pyshacl``).
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
    out = out or resources.dist_dir()
    shapes = (ontology or resources.ontology_dir()) / "shapes.ttl"
    validated: str | None = None
    if validate:
        t1 = time.perf_counter()
        validated = validation_key(sources, shapes)
        if validated is not None and validated == _validated_key(out):
            result.validation_cached = True
        else:
            result.violations = validate_store(store, shapes=shapes, engine=validator)
        seconds["validate"] = time.perf_counter() - t1
        if result.violations:
            raise ValidationFailed(result.violations)
    t2 = time.perf_counter()
    result.written = write_dist(
        store, out, formats=formats, sources=sources, note=note, validated=validated
    )
    seconds["write"] = time.perf_counter() - t2
    if target is not None:
        t3 = time.perf_counter()
        target.replace(store.quads())
        seconds["load-target"] = time.perf_counter() - t3
    seconds["total"] = time.perf_counter() - t0
    return result


def write_dist(
    store: OxigraphStore,
    out: Path,
    *,
    formats: Iterable[str],
    sources: list[SourceFile],
    note: Note | None = None,
    validated: str | None = None,
) -> list[Path]:
    """Publish a build in ``out`` as one unit (see the module): every format, the reload
    file, the Oxigraph copy and the manifest, written into a new generation that one rename
    then makes current. Builds into the same ``out`` take turns (``note`` is told when one
    waits). Returns the paths users read (``out/kg.trig``...)."""
    ensure_dir(out)
    waiting = functools.partial(_say_waiting, note or _stderr, out)
    with exclusive_lock(out / LOCK_FILE, waiting=waiting):
        _remove_leftovers(out)
        generations = out / GENERATIONS
        partial = make_private_dir(generations, PARTIAL)
        try:
            names = _write_generation(
                store, partial, formats=formats, sources=sources, validated=validated
            )
            final = generations / f"{time.strftime('%Y%m%dT%H%M%S')}-{partial.name[-8:]}"
            try:
                os.rename(partial, final)
            except OSError as exc:
                raise OutputError(f"cannot publish {final}: {exc.strerror or exc}") from exc
        except BaseException:
            remove_tree(partial)
            raise
        previous = current_build(out)
        _make_link(out / CURRENT, f"{GENERATIONS}/{final.name}")
        _link_usual_paths(out, names)
        # The previous build stays a while for readers that opened it; older ones go.
        keep = {final, previous}
        for old in generations.iterdir():
            if old not in keep:
                remove_tree(old)
    return [out / name for name in names]


def _write_generation(
    store: OxigraphStore,
    folder: Path,
    *,
    formats: Iterable[str],
    sources: list[SourceFile],
    validated: str | None = None,
) -> list[str]:
    """Write every file of a build into ``folder`` (a new one nobody reads yet); return the
    names written, the manifest last."""
    names: list[str] = []
    for fmt in dict.fromkeys([*formats, "nq"]):
        name = f"kg.{RDF_FORMATS[fmt][0]}"
        atomic_write(folder / name, functools.partial(store.write, fmt=fmt))
        names.append(name)
    try:
        store.save_copy(folder / COPY_DIR)
    except OSError as exc:
        raise OutputError(f"cannot write {folder / COPY_DIR}: {exc}") from exc
    names.append(COPY_DIR)
    manifest = {
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "built_epoch": time.time(),
        "quads": store.quad_count(),
        "triples": store.count(),
        "graphs": store.graphs(),
        "sources": [str(s.path) for s in sources],
        "files": list(names),
    }
    if validated is not None:
        manifest["validated"] = validated
    atomic_write(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    names.append(MANIFEST)
    sync_dir(folder)
    return names


def _link_usual_paths(out: Path, names: list[str]) -> None:
    """``out/kg.trig`` and the others: links through ``out/current``, so they switch with it.
    Made once; a plain file or folder an older build left there becomes the link, and a
    format this build did not write is removed (it would be of another build)."""
    for name in names:
        _make_link(out / name, f"{CURRENT}/{name}")
    for name in OUTPUT_NAMES - set(names):
        link = out / name
        if link.is_symlink() or link.is_file() or link.is_dir():
            remove_tree(link)


def _make_link(link: Path, target: str) -> None:
    """Make ``link`` a link to ``target`` in one rename. A folder in its place (the flat
    ``kg.oxigraph/`` of an older build, or ``current/`` in a copy of ``dist/`` made with its
    links followed) is moved aside first, then removed; meanwhile readers read the plain files
    beside it (:func:`kg.store.current_build`)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.is_dir() and not link.is_symlink():
        aside = link.with_name(f".{link.name}.old-{os.getpid()}")
        try:
            os.rename(link, aside)
        except OSError as exc:
            raise OutputError(f"cannot replace {link}: {exc.strerror or exc}") from exc
        atomic_symlink(link, target)
        remove_tree(aside)
    else:
        atomic_symlink(link, target)


def _remove_leftovers(out: Path) -> None:
    """What a build stopped half-way left (run with the lock held, so no build is writing):
    partial generations, temporary files and links of the atomic writers."""
    generations = out / GENERATIONS
    if generations.is_dir():
        for path in generations.glob(f"{PARTIAL}*"):
            remove_tree(path)
    # Only the names a build makes (`.kg.nq.*.tmp`, `.current.*.tmp`, `.kg.oxigraph.old-*`):
    # --out may name a folder that holds other people's hidden files.
    ours = tuple(f".{name}." for name in (*OUTPUT_NAMES, CURRENT))
    for path in out.glob(".*"):
        if path.name.startswith(ours):
            remove_tree(path)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _say_waiting(note: Note, out: Path, holder: str) -> None:
    who = f" (process {holder})" if holder.isdigit() else ""
    note(f"waiting for another kg build{who} to finish writing {out} ...")


# --- a validation that stands for the next build ------------------------------------------
#
# SHACL validation is most of a large build (pySHACL: 12 s of 19 at 100k synthetic triples, a
# minute and more at 1M), and a build of unchanged data validates the same graph again. The
# graph a build validates is a function of its source files (the ontology and the shapes among
# them), of the code that reads and derives (the kg package) and of the validator's version:
# a build that conformed records their digest in its manifest, and the next build with the
# same digest takes that result instead of validating again.


def validation_key(sources: Iterable[SourceFile], shapes: Path) -> str | None:
    """The digest of everything a validation's result depends on; None when a file cannot
    be read (then the build validates)."""
    import importlib.metadata

    digest = hashlib.sha256()
    try:
        for source in sorted(sources, key=lambda s: (str(s.path), s.default_graph or "")):
            digest.update(f"{source.path}\0{source.default_graph}\0".encode())
            digest.update(hashlib.sha256(source.path.read_bytes()).digest())
        digest.update(shapes.read_bytes())
        for path in sorted(Path(__file__).parent.rglob("*.py")):
            digest.update(path.read_bytes())
    except OSError:
        return None
    for package in ("pyshacl", "rdflib", "pyoxigraph"):
        digest.update(importlib.metadata.version(package).encode())
    return digest.hexdigest()


def _validated_key(out: Path) -> str | None:
    """The digest the build published in ``out`` recorded, when it validated and conformed."""
    try:
        manifest = json.loads((current_build(out) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    key = manifest.get("validated") if isinstance(manifest, dict) else None
    return key if isinstance(key, str) else None


__all__ = ["COPY_DIR", "FORMATS", "MANIFEST", "RELOAD_FILE", "BuildResult", "build"]
