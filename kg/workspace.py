"""The workspace's built graph, opened: the build in ``dist/`` (its on-disk copy or its reload
file), else the data read directly; a note when the build is older than the data.

Apart from :mod:`kg.build` (which writes builds, validates, and so imports much more), so that
a command that only reads the graph (``kg query``) opens it without loading the writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from kg import resources
from kg.errors import NotBuilt, UsageError
from kg.sources import read_sources, source_files
from kg.store import MANIFEST, MEMORY, OxigraphStore, Store, current_build, default_spec, open_store


def load_unbuilt() -> OxigraphStore:
    """The dataset read directly from the sources, derived but not validated: what commands
    use when nothing has been built."""
    # Here, not on top, as the history below: a one-shot `kg query` of a build needs neither
    # (their imports are a tenth of its start-up).
    from kg.history.ownership import add_derived

    store = read_sources(source_files())
    add_derived(store)
    return store


def is_stale(dist: Path) -> bool:
    """True when a source file changed after the build in ``dist``."""
    try:
        manifest = json.loads((current_build(dist) / MANIFEST).read_text())
        built = float(manifest["built_epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return True
    return any(s.path.stat().st_mtime > built for s in source_files())


def open_built(
    path: str | Path | None = None,
    store: str | None = None,
    *,
    as_of: str | None = None,
    note: Callable[[str], None] | None = None,
    in_memory: bool = True,
) -> Store:
    """The store of the built graph: what :meth:`kg.graph.KnowledgeGraph.open` opens (its
    arguments are these), here so that a command that only queries opens it without the
    facade and everything the facade reaches. ``note`` is told when the build is missing
    (the data is then read directly, unvalidated) or older than the data."""
    spec = store or default_spec()
    dist = Path(path) if path is not None else None
    if dist is not None and spec != MEMORY:
        raise UsageError(
            f"a build folder ({dist}) and another store ({spec}) were both given",
            hint="Give one: path= opens a build, store= a store.",
        )
    opened: Store
    if spec == MEMORY:
        folder = dist or resources.dist_dir()
        try:
            opened = open_store(MEMORY, dist=folder, in_memory=in_memory)
        except NotBuilt:
            if note:
                note(
                    f"note: no build in {folder}; reading the data directly "
                    "(run `kg build` to validate and cache it)"
                )
            opened = load_unbuilt()
        else:
            if note and is_stale(folder):
                note(f"note: {folder} is older than the data; run `kg build` to refresh it")
    else:
        opened = open_store(spec)
    if as_of:
        from kg.history.asof import as_of_store

        opened = as_of_store(opened, as_of)
    return opened
