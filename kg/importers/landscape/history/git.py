"""The first-parent history of ``landscape.yml`` in a git repository, read with dulwich.

A real clone of github.com/cncf/landscape has many other files, branches merged in and
commits that never touch the landscape; the bundle in ``shared/`` has one commit per change.
Both are read the same way: follow the first parent from ``HEAD`` (the main line as it was
on the day), and keep the commits whose ``landscape.yml`` differs from their first parent's.

dulwich was chosen over pygit2 by measurement (DESIGN.md): reading the 4,101 blobs of the
bundle takes 4 s with dulwich and 25 s with pygit2, whose delta-base cache does not keep
bases of a megabyte, so every blob replays its delta chain from the start.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import UsageError
from kg.importers.landscape.history.errors import (
    NoLandscapeHistory,
    NotAGitRepository,
    StateMismatch,
)

LANDSCAPE_FILE = "landscape.yml"
UPSTREAM_COMMIT = "https://github.com/cncf/landscape/commit/"
EVERY = ("commit", "day", "month")
BASELINE_TRIES = 10  # older revisions to try when the one before --since does not parse
_UPSTREAM_LINE = re.compile(rb"^upstream:[ \t]*(https?://\S+/commit/[0-9a-f]{7,64})[ \t]*$", re.M)


@dataclass(frozen=True)
class Revision:
    """One commit of the first-parent line that changed ``landscape.yml``."""

    commit: str  # this repository's commit id
    blob: str  # the id of ``landscape.yml`` at that commit
    time: int  # committer time, seconds since the epoch
    offset: int  # committer time zone, seconds east of UTC
    author: str  # the author's name (never the address)
    subject: str
    upstream: str  # the upstream commit's address: the source to cite

    @property
    def date(self) -> str:
        """The commit date in UTC (``YYYY-MM-DD``): one calendar for every event."""
        return dt.datetime.fromtimestamp(self.time, dt.UTC).date().isoformat()

    @property
    def timestamp(self) -> str:
        """The commit time as the committer's clock showed it, with its offset."""
        zone = dt.timezone(dt.timedelta(seconds=self.offset))
        return dt.datetime.fromtimestamp(self.time, zone).isoformat()

    def as_dict(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "blob": self.blob,
            "date": self.date,
            "timestamp": self.timestamp,
            "author": self.author,
            "subject": self.subject,
            "upstream": self.upstream,
        }


@dataclass
class History:
    """The revisions to import, oldest first, and what the walk found on the way."""

    path: Path
    file: str
    revisions: list[Revision]
    baseline: Revision | None = None  # the state before the first revision, when not imported
    # older candidates, newest first, should the baseline not parse
    fallbacks: list[Revision] = field(default_factory=list)
    truncated_at: str | None = None  # the oldest commit a shallow clone holds
    walked: int = 0  # commits of the first-parent line looked at
    notes: list[str] = field(default_factory=list)


def parse_day(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date", hint=f"Give {option} as YYYY-MM-DD."
        ) from None


class LandscapeRepo:
    """A git repository opened for reading the landscape's history."""

    def __init__(self, path: Path | str, *, file: str = LANDSCAPE_FILE) -> None:
        from dulwich.errors import NotGitRepository
        from dulwich.repo import Repo

        self.path = Path(path)
        self.file = file
        self._parts = [p.encode() for p in file.strip("/").split("/") if p]
        if not self.path.exists():
            raise NotAGitRepository(
                f"{self.path}: no such directory",
                hint="Give the path of a clone of https://github.com/cncf/landscape.",
            )
        try:
            self.repo = Repo(str(self.path))
        except NotGitRepository:
            raise NotAGitRepository(
                f"{self.path}: not a git repository",
                hint="Give the path of a clone of https://github.com/cncf/landscape "
                "(git clone https://github.com/cncf/landscape), or of a clone of the "
                "history bundle (git clone landscape-history.bundle DIR).",
            ) from None
        self._store: Any = self.repo.object_store  # dulwich's stubs want its own id types

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> LandscapeRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def blob(self, blob_id: str) -> bytes:
        """The bytes of one revision of the file."""
        # get_raw, not [...]: a Blob object would hash the megabyte again to check its id.
        _kind, data = self._store.get_raw(blob_id.encode())
        return bytes(data)

    def _file_in(self, tree_id: bytes) -> bytes | None:
        obj: Any = self._store[tree_id]
        for i, part in enumerate(self._parts):
            try:
                mode, sha = obj[part]
            except KeyError:
                return None
            if i == len(self._parts) - 1:
                return None if mode & 0o170000 != 0o100000 else sha  # a regular file only
            obj = self._store[sha]
        return None

    def head(self, ref: str | None = None) -> bytes:
        name = (ref or "HEAD").encode()
        if re.fullmatch(rb"[0-9a-f]{40}|[0-9a-f]{64}", name) and name in self._store:
            return name  # a commit id: read the history as it was then
        refs: Any = self.repo.refs
        for candidate in (name, b"refs/heads/" + name, b"refs/remotes/origin/" + name):
            try:
                return bytes(refs[candidate])
            except KeyError:
                continue
        if ref is None:
            raise NoLandscapeHistory(
                f"{self.path}: the repository has no commits (HEAD names none)",
                hint="Clone a repository with history, or check out a branch.",
            )
        raise UsageError(f"{self.path}: no branch or ref named {ref!r}")

    def changes(
        self, start: bytes, *, stop_at: bytes | None = None
    ) -> Iterator[tuple[Revision, bool]]:
        """The commits of the first-parent line from ``start`` that changed the file, newest
        first, each with whether it is the oldest commit of a cut (shallow) history. Stops
        before ``stop_at`` (not included), and says so by returning normally; the caller
        checks that it was met."""
        shallow = self.repo.get_shallow()
        store = self._store
        commit: Any = store[start]
        blob = self._file_in(commit.tree)
        self.walked = 1
        self.met_stop = False
        while True:
            cut = commit.id in shallow
            parent: Any = None
            parent_blob: bytes | None = None
            if not cut and commit.parents:
                try:
                    parent = store[commit.parents[0]]
                except KeyError:
                    cut = True  # a parent named but absent: a cut history all the same
            if parent is not None:
                self.walked += 1
                parent_blob = self._file_in(parent.tree)
            if blob is not None and (parent is None or parent_blob != blob):
                yield self._revision(commit, blob), cut
            if parent is None:
                return
            if stop_at is not None and parent.id == stop_at:
                self.met_stop = True
                return
            commit, blob = parent, parent_blob

    def _revision(self, commit: Any, blob: bytes) -> Revision:
        message: bytes = commit.message
        subject = message.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        m = _UPSTREAM_LINE.search(message)
        commit_id = commit.id.decode()
        upstream = m.group(1).decode() if m else UPSTREAM_COMMIT + commit_id
        author = commit.author.decode("utf-8", "replace")
        author = author.split("<", 1)[0].strip()  # the name; addresses are not ours to copy
        return Revision(
            commit=commit_id,
            blob=blob.decode(),
            time=int(commit.commit_time),
            offset=int(commit.commit_timezone),
            author=author,
            subject=subject,
            upstream=upstream,
        )


def read_history(
    repo: LandscapeRepo,
    *,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    every: str = "commit",
    after: str | None = None,
    ref: str | None = None,
) -> History:
    """The revisions to import, oldest first.

    ``since`` and ``until`` bound the commit dates (UTC, both days included); the last
    revision before ``since`` becomes the ``baseline`` that the first one is compared with, so
    that a change made on ``since`` is reported. ``every`` keeps one revision per commit, per
    day or per month (the last of each). ``after`` is the commit of the last revision an
    earlier import read: only what came after it is returned, and it must be on the line.
    """
    if every not in EVERY:
        raise UsageError(
            f"--every {every!r} is not one of {', '.join(EVERY)}",
            hint="Use --every commit (each change), day or month (the last change of each).",
        )
    first = parse_day(since, "--since")
    last = parse_day(until, "--until")
    if first and last and first > last:
        raise UsageError(f"--since {first} is after --until {last}")
    start = repo.head(ref)
    stop = after.encode() if after else None
    newest_first: list[Revision] = []
    baseline: Revision | None = None
    truncated: str | None = None
    older: list[Revision] = []
    for rev, cut in repo.changes(start, stop_at=stop) if start != stop else ():
        if cut:
            truncated = rev.commit
        day = dt.date.fromisoformat(rev.date)
        if last and day > last:
            continue
        if first and day < first:
            if baseline is None:
                baseline = rev
            else:
                older.append(rev)
            if len(older) >= BASELINE_TRIES:
                break
            continue
        newest_first.append(rev)
    if stop is not None and start != stop and not repo.met_stop:
        raise StateMismatch(
            f"{repo.path}: the last imported commit {after} is not on the first-parent line "
            f"of {ref or 'HEAD'}",
            hint="The history was rewritten, or this is another repository: import again "
            "without the saved state (delete it) to start over.",
        )
    revisions = newest_first[::-1]
    if every != "commit":
        width = 10 if every == "day" else 7
        kept: dict[str, Revision] = {}
        for rev in revisions:
            kept[rev.date[:width]] = rev  # the last of each period wins
        revisions = list(kept.values())
    history = History(
        repo.path, repo.file, revisions, baseline, older, truncated, getattr(repo, "walked", 0)
    )
    if truncated:
        history.notes.append(
            f"the history is cut: {repo.path} is a shallow clone whose oldest commit is "
            f"{truncated[:12]}; nothing before it can be read (git fetch --unshallow)"
        )
    if not revisions and baseline is None and after is None:
        where = f"{ref or 'HEAD'} of {repo.path}"
        raise NoLandscapeHistory(
            f"{where}: no commit of the first-parent line holds {repo.file}"
            + (" in the dates asked for" if first or last else ""),
            hint="Give a clone of https://github.com/cncf/landscape"
            + (", or widen --since/--until." if first or last else "."),
        )
    return history
