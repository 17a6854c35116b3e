"""The errors of the history import: each names the repository, the commit or the file to fix.

Problems of one revision (YAML that does not parse, a shape that no era has) are not raised:
the import skips that revision and lists it (:class:`RevisionProblem`), because one bad commit
in eight years must not cost the other four thousand. They are errors all the same, and
:meth:`RevisionProblem.error` gives the typed exception for a caller that wants to stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import DataError, LandscapeFormatError, SourceSyntaxError


class HistorySourceError(DataError):
    """The repository cannot give a history of ``landscape.yml``."""


class NotAGitRepository(HistorySourceError):
    """The path is not a git repository (nor a work tree inside one)."""


class NoLandscapeHistory(HistorySourceError):
    """The repository's first-parent line never holds the landscape file."""


class StateMismatch(HistorySourceError):
    """A saved state does not belong to this repository's history, or to these options."""


class UnknownShape(LandscapeFormatError):
    """A revision whose ``landscape.yml`` has a shape that no known era has."""


class RevisionSyntaxError(SourceSyntaxError):
    """A revision whose ``landscape.yml`` is not valid YAML."""


@dataclass(frozen=True)
class RevisionProblem:
    """A revision the import skipped, and why: ``kind`` is ``yaml`` or ``shape``."""

    commit: str
    upstream: str
    date: str
    kind: str
    message: str
    line: int | None = None

    def error(self) -> LandscapeFormatError | SourceSyntaxError:
        where = f"landscape.yml at commit {self.commit[:12]} ({self.date}, {self.upstream})"
        if self.kind == "yaml":
            return RevisionSyntaxError(
                where,
                self.line,
                self.message,
                hint="This revision is skipped; the next one that parses is compared with the "
                "last one that did.",
            )
        return UnknownShape(
            f"{where}: {self.message}",
            hint="No known era of the landscape has this shape: teach "
            "kg.importers.landscape.history.reader the new shape, or import --until before it.",
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "upstream": self.upstream,
            "date": self.date,
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
        }
