"""The history import: revisions in, events out, and a state to go on from next time.

:func:`import_history` reads the first-parent history of ``landscape.yml``
(:mod:`~.git`), each revision with the fast reader (:mod:`~.reader`) into a snapshot
(:mod:`~.snapshot`), and compares each snapshot with the one before (:mod:`~.events`).
A revision that does not parse, or has no landscape's shape, is skipped and listed; the next
good one is compared with the last good one.

Incremental: :class:`HistoryState` (JSON, :func:`save_state`/:func:`load_state`) holds the
last revision read, its snapshot and the identities. Given it, the import reads only the
commits after that revision: re-importing after N new commits parses N revisions.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import UsageError
from kg.importers.landscape.history.errors import RevisionProblem, StateMismatch
from kg.importers.landscape.history.events import Differ, Event, Identities
from kg.importers.landscape.history.git import (
    LANDSCAPE_FILE,
    History,
    LandscapeRepo,
    Revision,
    read_history,
)
from kg.importers.landscape.history.reader import (
    Change,
    FastReader,
    ReaderStats,
    ShapeProblem,
    YamlProblem,
)
from kg.importers.landscape.history.snapshot import Entry, SnapshotBuilder

STATE_VERSION = 2  # 2: ``seen`` (the last entry of every identity)

#: ``progress(done, total, revision)``: called before the first revision (done 0, revision
#: None) and after each one.
Progress = Callable[[int, int, Revision | None], None]


def era_of(data: bytes, legacy_maturity: bool) -> str:
    """The era of a revision, from marks of its shape (DESIGN.md has where each begins):
    ``landscapeapp-2018`` names maturity ``cncf_project`` (``legacy_maturity``);
    ``landscape2`` files name their schema in the first line; ``landscapeapp`` is the rest."""
    if legacy_maturity:
        return "landscapeapp-2018"
    if b"landscape2" in data[: data.find(b"\n") + 1]:
        return "landscape2"
    return "landscapeapp"


@dataclass(frozen=True)
class EraSpan:
    """A run of revisions of one era."""

    era: str
    first_commit: str
    first_date: str
    last_commit: str
    last_date: str
    revisions: int

    def as_dict(self) -> dict[str, object]:
        return {
            "era": self.era,
            "first_commit": self.first_commit,
            "first_date": self.first_date,
            "last_commit": self.last_commit,
            "last_date": self.last_date,
            "revisions": self.revisions,
        }


@dataclass(frozen=True)
class Note:
    """What the snapshot importer's rules said of an entry, the first revision it was so."""

    commit: str
    date: str
    message: str


@dataclass
class HistoryState:
    """Where an import stopped: enough to go on without reading anything before."""

    file: str
    every: str
    last: Revision
    entries: dict[str, Entry]
    identities: dict[str, str]
    taken: list[str]
    era: str
    # identity -> the last entry it had while listed (removed items too): what a graph of
    # the history needs to name and link every item it ever had
    seen: dict[str, Entry] = field(default_factory=dict)
    version: int = STATE_VERSION

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "file": self.file,
            "every": self.every,
            "last": {
                "commit": self.last.commit,
                "blob": self.last.blob,
                "time": self.last.time,
                "offset": self.last.offset,
                "author": self.last.author,
                "subject": self.last.subject,
                "upstream": self.last.upstream,
            },
            "era": self.era,
            "identities": self.identities,
            "taken": sorted(self.taken),
            "entries": {n: e.as_dict() for n, e in sorted(self.entries.items())},
            "seen": {i: e.as_dict() for i, e in sorted(self.seen.items())},
        }
        return json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "state") -> HistoryState:
        try:
            data = json.loads(text)
            if data.get("version") != STATE_VERSION:
                raise StateMismatch(
                    f"{where}: a state of version {data.get('version')!r}, not {STATE_VERSION}",
                    hint="Delete it and import the whole history again.",
                )
            return cls(
                file=data["file"],
                every=data["every"],
                last=Revision(**data["last"]),
                entries={n: Entry.from_dict(e) for n, e in data["entries"].items()},
                identities=dict(data["identities"]),
                taken=list(data["taken"]),
                era=data["era"],
                seen={i: Entry.from_dict(e) for i, e in data["seen"].items()},
            )
        except StateMismatch:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StateMismatch(
                f"{where}: not a landscape history state ({type(exc).__name__}: {exc})",
                hint="Delete it and import the whole history again.",
            ) from None


def save_state(state: HistoryState, path: Path | str) -> None:
    """Write the state atomically (a temporary file, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(state.to_json())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state(path: Path | str) -> HistoryState:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StateMismatch(f"{path}: cannot read the state: {exc.strerror or exc}") from None
    return HistoryState.from_json(text, str(path))


@dataclass
class HistoryResult:
    """What an import read and found."""

    repository: Path
    file: str
    every: str
    revisions: list[Revision]  # read and compared, oldest first (skipped ones not included)
    events: list[Event]
    skipped: list[RevisionProblem]
    initial: dict[str, Entry]  # the snapshot the first revision is compared with
    initial_revision: Revision | None
    final: dict[str, Entry]
    seen: dict[str, Entry]  # identity -> its last entry while listed, removed ones too
    eras: list[EraSpan]
    notes: list[Note]
    history_notes: list[str]  # e.g. a shallow clone: where the history is cut
    truncated_at: str | None
    state: HistoryState | None
    stats: ReaderStats
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time: the figure other work on the machine spares
    walked: int = 0
    events_by_kind: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "repository": str(self.repository),
            "file": self.file,
            "every": self.every,
            "revisions": len(self.revisions),
            "first": self.revisions[0].date if self.revisions else None,
            "last": self.revisions[-1].date if self.revisions else None,
            "skipped": len(self.skipped),
            "events": len(self.events),
            "events_by_kind": dict(self.events_by_kind),
            "items": len(self.final),
            "truncated_at": self.truncated_at,
            "segments_parsed": self.stats.segments_parsed,
            "full_parses": self.stats.full_parses,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
        }


def import_history(
    repository: Path | str,
    *,
    since: str | None = None,
    until: str | None = None,
    every: str = "commit",
    state: HistoryState | Path | str | None = None,
    file: str = LANDSCAPE_FILE,
    ref: str | None = None,
    progress: Progress | None = None,
) -> HistoryResult:
    """Read the history of ``file`` in ``repository`` into dated, sourced events.

    ``state``: a :class:`HistoryState` (or its file) from an earlier import of the same
    repository; only the commits after it are read, and its snapshot is what the first of
    them is compared with. Without it the first revision read is the starting snapshot
    (``initial``), and events start at the second.
    """
    t0 = (time.perf_counter(), time.process_time())
    if state is not None and not isinstance(state, HistoryState):
        state = load_state(state)
    if state is not None:
        if since is not None:
            raise UsageError(
                "--since does not go with a saved state: the state says where to go on from",
                hint="Leave --since out, or import afresh without the state.",
            )
        if state.every != every or state.file != file:
            raise StateMismatch(
                f"the saved state was made with --every {state.every} on {state.file}, "
                f"not --every {every} on {file}",
                hint="Use the same options, or import afresh without the state.",
            )
    with LandscapeRepo(repository, file=file) as repo:
        history = read_history(
            repo,
            since=since,
            until=until,
            every=every,
            after=state.last.commit if state else None,
            ref=ref,
        )
        return _run(repo, history, every, state, progress, t0)


def _baseline(
    repo: LandscapeRepo, reader: FastReader, candidates: list[Revision]
) -> tuple[Revision, bytes, Change]:
    """The newest revision before --since that parses: the snapshot to compare with."""
    for i, rev in enumerate(candidates):
        data = repo.blob(rev.blob)
        try:
            return rev, data, reader.read(data)
        except (YamlProblem, ShapeProblem):
            if i == len(candidates) - 1:
                raise
    raise AssertionError("no baseline candidates")  # the caller passes at least one


def _run(
    repo: LandscapeRepo,
    history: History,
    every: str,
    state: HistoryState | None,
    progress: Progress | None,
    t0: tuple[float, float],
) -> HistoryResult:
    reader = FastReader()
    builder = SnapshotBuilder(state.entries if state else None)
    ids = Identities(state.identities, state.taken) if state else Identities()
    differ: Differ | None = Differ(builder.entries, ids) if state else None
    queue = list(history.revisions)
    baselines: list[Revision] = []
    if history.baseline is not None and state is None:
        baselines = [history.baseline, *history.fallbacks]
        queue.insert(0, history.baseline)
    total = len(queue)
    if progress:
        progress(0, total, None)
    events: list[Event] = []
    skipped: list[RevisionProblem] = []
    notes: list[Note] = []
    read: list[Revision] = []
    spans: list[list[Any]] = []
    initial: dict[str, Entry] = dict(builder.entries)
    initial_rev: Revision | None = state.last if state else None
    seen: dict[str, Entry] = dict(state.seen) if state else {}
    era = state.era if state else ""
    last_good: Revision | None = state.last if state else None
    for done, rev in enumerate(queue, 1):
        data = repo.blob(rev.blob)
        try:
            if rev is history.baseline:
                rev, data, change = _baseline(repo, reader, baselines)
            else:
                change = reader.read(data)
        except YamlProblem as exc:
            skipped.append(
                RevisionProblem(rev.commit, rev.upstream, rev.date, "yaml", exc.message, exc.line)
            )
        except ShapeProblem as exc:
            skipped.append(RevisionProblem(rev.commit, rev.upstream, rev.date, "shape", str(exc)))
        else:
            before, said = builder.apply(change)
            notes.extend(Note(rev.commit, rev.date, m) for m in said)
            era = era_of(data, builder.legacy > 0)
            if spans and spans[-1][0] == era:
                spans[-1][3:6] = [rev.commit, rev.date, spans[-1][5] + 1]
            else:
                spans.append([era, rev.commit, rev.date, rev.commit, rev.date, 1])
            if differ is None:  # the first revision: the snapshot to start from
                initial = dict(builder.entries)
                initial_rev = rev
                for name in sorted(builder.entries):
                    seen[ids.of(name)] = builder.entries[name]
                differ = Differ(builder.entries, ids)
            else:
                events.extend(differ.diff(before, builder.entries, rev))
                read.append(rev)
                for name in before:  # after the diff: a rename has moved the identity
                    entry = builder.entries.get(name)
                    if entry is not None:
                        seen[ids.of(name)] = entry
            last_good = rev
        if progress:
            progress(done, total, rev)
    if state is None and initial_rev is not None and initial_rev not in baselines:
        read.insert(0, initial_rev)  # a baseline is the starting snapshot, not in the range
    by_kind: dict[str, int] = {}
    for e in events:
        by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
    new_state = None
    if last_good is not None:
        new_state = HistoryState(
            file=history.file,
            every=every,
            last=last_good,
            entries=dict(builder.entries),
            identities=dict(ids.names),
            taken=sorted(ids.taken),
            era=era,
            seen=dict(seen),
        )
    return HistoryResult(
        repository=history.path,
        file=history.file,
        every=every,
        revisions=read,
        events=events,
        skipped=skipped,
        initial=initial,
        initial_revision=initial_rev,
        final=dict(builder.entries),
        seen=seen,
        eras=[EraSpan(*s) for s in spans],
        notes=notes,
        history_notes=list(history.notes),
        truncated_at=history.truncated_at,
        state=new_state,
        stats=reader.stats,
        seconds=time.perf_counter() - t0[0],
        cpu_seconds=time.process_time() - t0[1],
        walked=history.walked,
        events_by_kind=by_kind,
    )
