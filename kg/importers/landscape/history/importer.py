"""``kg import landscape-history``: the history of ``landscape.yml`` into ``imports/``.

:func:`import_landscape_history` reads the history (:func:`~.engine.import_history`), turns
it into one graph (:mod:`~.graph`) and writes ``imports/cncf-landscape-history.trig``, the
same bytes for the same history (:func:`kg.io.write_if_changed`).

Beside it, the folder ``imports/.cncf-landscape-history/`` keeps what an update needs: the
engine's state (the last revision read, its snapshot, the identities), every event so far and
the starting snapshot. An update reads only the commits after the last one read (the engine),
adds their events, and writes the graph again from all of them; its bytes are those a full
import of the same history would give (tests check it). The folder is replaced whole
(:func:`kg.io.atomic_dir`), after the graph: an import stopped at any point leaves the graph
and the folder of one import or of the other, never half of one, and the next run puts them
right (a state older than the graph only means reading those commits again).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import resources
from kg.importers.landscape.history.engine import (
    HistoryResult,
    HistoryState,
    Progress,
    import_history,
)
from kg.importers.landscape.history.errors import StateMismatch
from kg.importers.landscape.history.events import Event, to_jsonl
from kg.importers.landscape.history.git import LANDSCAPE_FILE, Revision
from kg.importers.landscape.history.graph import (
    HISTORY,
    HistoryData,
    curated_deals,
    history_triples,
    plan_history,
)
from kg.importers.landscape.history.snapshot import Entry
from kg.importers.landscape.linking import (
    CuratedIndex,
    Overrides,
    curated_store,
    index_curated,
    load_overrides,
)
from kg.importers.landscape.mapping import serialize_trig
from kg.importers.landscape.read import RIGHTS
from kg.io import atomic_dir, atomic_write, write_if_changed
from kg.store import Store

GRAPH_FILE = "cncf-landscape-history.trig"
STATE_DIR = ".cncf-landscape-history"
META_VERSION = 1

Note = Callable[[str], None]


@dataclass
class HistoryImport:
    """What an import of the history did."""

    repository: Path
    output: Path
    changed: bool
    incremental: bool  # went on from the saved state
    read: int  # revisions read this time (the baseline included on a full import)
    revisions: int  # revisions the graph is made from, in all
    first: str
    last: str
    events: int
    new_events: int
    events_by_kind: dict[str, int]
    events_by_class: dict[str, int]
    periods_by_class: dict[str, int]
    corroborated: list[tuple[str, str, int]]
    commits: int  # commits cited
    triples: int
    skipped: list[dict[str, object]]
    eras: list[dict[str, object]]
    notes: list[str]
    seconds: float
    cpu_seconds: float
    seconds_by_step: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "repository": str(self.repository),
            "output": str(self.output),
            "changed": self.changed,
            "incremental": self.incremental,
            "read": self.read,
            "revisions": self.revisions,
            "first": self.first,
            "last": self.last,
            "events": self.events,
            "new_events": self.new_events,
            "events_by_kind": dict(self.events_by_kind),
            "periods": dict(self.periods_by_class),
            "corroborated": len(self.corroborated),
            "commits_cited": self.commits,
            "triples": self.triples,
            "skipped": list(self.skipped),
            "eras": list(self.eras),
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "seconds_by_step": {k: round(v, 3) for k, v in self.seconds_by_step.items()},
        }


def output_path(out_dir: Path | str | None = None) -> Path:
    return Path(out_dir or resources.imports_dir()) / GRAPH_FILE


def state_dir(out_dir: Path | str | None = None) -> Path:
    return Path(out_dir or resources.imports_dir()) / STATE_DIR


@dataclass
class _Saved:
    """The saved state of an earlier import, as read back."""

    options: dict[str, Any]
    state: HistoryState
    events: list[Event]
    initial: dict[str, Entry]
    initial_revision: Revision
    revisions: int
    skipped: list[dict[str, object]]


def _revision(data: dict[str, Any]) -> Revision:
    return Revision(**data)


def _revision_dict(rev: Revision) -> dict[str, object]:
    return {
        "commit": rev.commit,
        "blob": rev.blob,
        "time": rev.time,
        "offset": rev.offset,
        "author": rev.author,
        "subject": rev.subject,
        "upstream": rev.upstream,
    }


def _load_saved(folder: Path) -> _Saved | None:
    """The saved state, or None when there is none or it cannot be used (then the import
    starts afresh: the state is a cache of the history, never the only copy of anything)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != META_VERSION:
            return None
        state = HistoryState.from_json((folder / "state.json").read_text(encoding="utf-8"))
        events = [
            Event(**json.loads(line))
            for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
            if line
        ]
        return _Saved(
            options=dict(meta["options"]),
            state=state,
            events=events,
            initial={n: Entry.from_dict(e) for n, e in meta["initial"].items()},
            initial_revision=_revision(meta["initial_revision"]),
            revisions=int(meta["revisions"]),
            skipped=list(meta["skipped"]),
        )
    except (OSError, ValueError, KeyError, TypeError, StateMismatch):
        return None


def _save(
    folder: Path,
    options: dict[str, Any],
    state: HistoryState,
    events: list[Event],
    initial: dict[str, Entry],
    initial_revision: Revision,
    revisions: int,
    skipped: list[dict[str, object]],
) -> None:
    meta = {
        "version": META_VERSION,
        "options": options,
        "initial": {n: e.as_dict() for n, e in sorted(initial.items())},
        "initial_revision": _revision_dict(initial_revision),
        "revisions": revisions,
        "skipped": skipped,
    }

    def fill(tmp: Path) -> None:
        atomic_write(tmp / "meta.json", json.dumps(meta, sort_keys=True, indent=1) + "\n")
        atomic_write(tmp / "state.json", state.to_json())
        atomic_write(tmp / "events.jsonl", to_jsonl(events))

    atomic_dir(folder, fill)


def import_landscape_history(
    repository: Path | str,
    *,
    since: str | None = None,
    until: str | None = None,
    every: str = "commit",
    file: str = LANDSCAPE_FILE,
    ref: str | None = None,
    out_dir: Path | str | None = None,
    curated: Store | None = None,
    overrides: Overrides | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
    note: Note | None = None,
) -> HistoryImport:
    """Import the history of ``file`` in the git repository ``repository`` into
    ``imports/cncf-landscape-history.trig`` (``out_dir`` instead of ``imports/``).

    With a saved state from an earlier import with the same options, only the commits after
    it are read (``fresh`` ignores it). ``curated`` is the graph to link against and to find
    the deals that corroborate organisation changes (default: the ontology and ``data/``).
    Nothing is written unless the whole history was read.
    """
    t0 = (time.perf_counter(), time.process_time())
    steps: dict[str, float] = {}
    say = note or (lambda _message: None)
    options = {"since": since, "until": until, "every": every, "file": file, "ref": ref}
    folder = state_dir(out_dir)
    saved = None if fresh else _load_saved(folder)
    if saved is not None and saved.options != options:
        say("the saved state was made with other options: reading the whole history again")
        saved = None
    result: HistoryResult | None = None
    if saved is not None:
        try:
            result = import_history(
                repository, until=until, every=every, state=saved.state, file=file, ref=ref,
                progress=progress,
            )  # fmt: skip
        except StateMismatch as exc:
            say(f"the saved state does not fit this repository ({exc.message}): starting afresh")
            saved = None
    if result is None:
        result = import_history(
            repository, since=since, until=until, every=every, file=file, ref=ref,
            progress=progress,
        )  # fmt: skip
    steps["read"] = time.perf_counter() - t0[0]
    if result.state is None or (saved is None and result.initial_revision is None):
        raise StateMismatch(
            f"{result.repository}: no revision of {result.file} could be read",
            hint="Every revision was skipped (see the problems above): nothing was written.",
        )
    skipped = [p.as_dict() for p in result.skipped]
    if saved is not None:
        events = saved.events + result.events
        initial, initial_revision = saved.initial, saved.initial_revision
        revisions = saved.revisions + len(result.revisions)
        skipped = saved.skipped + skipped
    else:
        assert result.initial_revision is not None
        events = list(result.events)
        initial, initial_revision = result.initial, result.initial_revision
        revisions = len(result.revisions) + (
            1 if result.initial_revision not in result.revisions else 0
        )
    state = result.state
    data = HistoryData(
        initial=initial,
        initial_revision=initial_revision,
        events=events,
        seen=state.seen,
        identities=state.identities,
        final=state.entries,
        last_revision=state.last,
        revisions=revisions,
    )
    t1 = time.perf_counter()
    store = curated if curated is not None else curated_store()
    index: CuratedIndex = index_curated(store)
    deals = curated_deals(store)
    hp = plan_history(data, index, overrides or load_overrides())
    steps["link"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    report = history_triples(data, hp, deals)
    header = [
        f"CNCF Cloud Native Landscape: the history of {file}, {initial_revision.date} to "
        f"{state.last.date}: written by `kg import landscape-history`.",
        f"From {revisions:,} revisions of {result.repository.name}; each event cites its "
        "upstream commit.",
        "Do not edit: import the history again instead. One graph, named after the import.",
        RIGHTS,
    ]
    data_bytes = serialize_trig(report.triples.quads(HISTORY), header)
    steps["graph"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    target = output_path(out_dir)
    changed = write_if_changed(target, data_bytes)
    _save(folder, options, state, events, initial, initial_revision, revisions, skipped)
    steps["write"] = time.perf_counter() - t3
    return HistoryImport(
        repository=result.repository,
        output=target,
        changed=changed,
        incremental=saved is not None,
        read=result.stats.revisions,
        revisions=revisions,
        first=initial_revision.date,
        last=state.last.date,
        events=len(events),
        new_events=len(result.events),
        events_by_kind=dict(Counter(e.kind for e in events)),
        events_by_class=report.events_by_class,
        periods_by_class=report.periods_by_class,
        corroborated=report.corroborated,
        commits=report.commits,
        triples=len(report.triples.triples),
        skipped=skipped,
        eras=[e.as_dict() for e in result.eras],
        notes=list(result.history_notes),
        seconds=time.perf_counter() - t0[0],
        cpu_seconds=time.process_time() - t0[1],
        seconds_by_step=steps,
    )
