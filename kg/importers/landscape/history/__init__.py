"""Eight years of the CNCF landscape as dated, sourced events (the engine; phase A).

Reads the first-parent history of ``landscape.yml`` in a git repository (a clone of
github.com/cncf/landscape, or of the history bundle in ``shared/``), each revision into a
normalised snapshot, and each change between consecutive snapshots into an :class:`Event`
dated by the upstream commit and citing it. DESIGN.md beside this file gives the choices and
the measurements.

- :func:`import_history`: the whole import (``since``/``until``/``every``, a saved state to
  go on from, a progress callback) -> :class:`HistoryResult`
- :class:`HistoryState`, :func:`save_state`, :func:`load_state`: the incremental state
- :class:`Event`, :data:`KINDS`, :func:`to_jsonl`: the events and their bytes
- :class:`Entry`: one item of a snapshot; :class:`Revision`: one commit read
- :func:`import_landscape_history` (:mod:`~.importer`): the history as one graph in
  ``imports/`` (:mod:`~.graph`: events, periods, who is who), with a saved state for updates
- :class:`FastReader`: the segment-caching reader, equal to a full parse (proved in its
  docstring, checked on every revision by the slow tests)
"""

from __future__ import annotations

from kg.importers.landscape.history.engine import (
    EraSpan,
    HistoryResult,
    HistoryState,
    Note,
    Progress,
    era_of,
    import_history,
    load_state,
    save_state,
)
from kg.importers.landscape.history.errors import (
    HistorySourceError,
    NoLandscapeHistory,
    NotAGitRepository,
    RevisionProblem,
    RevisionSyntaxError,
    StateMismatch,
    UnknownShape,
)
from kg.importers.landscape.history.events import KINDS, Event, to_jsonl
from kg.importers.landscape.history.git import Revision
from kg.importers.landscape.history.importer import HistoryImport, import_landscape_history
from kg.importers.landscape.history.reader import FastReader, load_yaml, tree_groups
from kg.importers.landscape.history.snapshot import Entry, make_entry, read_group

__all__ = [
    "KINDS",
    "Entry",
    "EraSpan",
    "Event",
    "FastReader",
    "HistoryImport",
    "HistoryResult",
    "HistorySourceError",
    "HistoryState",
    "NoLandscapeHistory",
    "NotAGitRepository",
    "Note",
    "Progress",
    "Revision",
    "RevisionProblem",
    "RevisionSyntaxError",
    "StateMismatch",
    "UnknownShape",
    "era_of",
    "import_history",
    "import_landscape_history",
    "load_state",
    "load_yaml",
    "make_entry",
    "read_group",
    "save_state",
    "to_jsonl",
    "tree_groups",
]
