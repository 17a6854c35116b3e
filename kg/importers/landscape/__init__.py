"""The CNCF Cloud Native Landscape (``landscape.yml``, every era) as graphs of their own.

- :mod:`~kg.importers.landscape.read`: reading and checking a landscape.yml and its guide
- :mod:`~kg.importers.landscape.linking`: entity linking against the curated graph
- :mod:`~kg.importers.landscape.mapping`: a read landscape to its graph (identities, triples)
- :mod:`~kg.importers.landscape.snapshot`: importing one snapshot into ``imports/``
- :mod:`~kg.importers.landscape.diff`: what changed between two snapshots
"""

from __future__ import annotations

from kg.importers.landscape.diff import Change, diff_landscapes, emit_changes
from kg.importers.landscape.read import (
    Item,
    Landscape,
    read_guide,
    read_landscape,
    snapshot_date,
)
from kg.importers.landscape.snapshot import ImportReport, import_landscape

__all__ = [
    "Change",
    "ImportReport",
    "Item",
    "Landscape",
    "diff_landscapes",
    "emit_changes",
    "import_landscape",
    "read_guide",
    "read_landscape",
    "snapshot_date",
]
