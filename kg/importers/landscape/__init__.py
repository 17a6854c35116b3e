"""The CNCF Cloud Native Landscape (``landscape.yml``, every era) as graphs of their own.

- :mod:`~kg.importers.landscape.read`: reading and checking a landscape.yml and its guide
- :mod:`~kg.importers.landscape.linking`: entity linking against the curated graph
- :mod:`~kg.importers.landscape.mapping`: a read landscape to its graph (identities, triples)
- :mod:`~kg.importers.landscape.snapshot`: importing one snapshot into ``imports/``
- :mod:`~kg.importers.landscape.diff`: what changed between two snapshots
- :mod:`~kg.importers.landscape.meaning`: what the layout means (memberships, programmes,
  hosting are not categories)
- :mod:`~kg.importers.landscape.history`: eight years of ``landscape.yml`` in git as dated,
  sourced events (:func:`import_landscape_history`)
"""

from __future__ import annotations

from kg.importers.landscape.diff import Change, diff_landscapes, emit_changes
from kg.importers.landscape.history import HistoryImport, import_landscape_history
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
    "HistoryImport",
    "ImportReport",
    "Item",
    "Landscape",
    "diff_landscapes",
    "emit_changes",
    "import_landscape",
    "import_landscape_history",
    "read_guide",
    "read_landscape",
    "snapshot_date",
]
