"""Typed errors: each carries what a person needs to fix the problem.

Every error a user can cause is a :class:`KgError` and also the built-in exception that fits
(``ValueError`` for bad input, ``LookupError`` for an unknown name, ``FileNotFoundError`` for a
missing build, ``OSError`` for a store or a file that cannot be reached), so Python callers can
catch either. The CLI turns every :class:`KgError` into one line on stderr and the error's
``exit_code``; anything else is a bug and keeps its traceback.

>>> try:
...     raise UsageError("bad value", hint="Give a number.")
... except ValueError as exc:
...     print(exc.message, exc.exit_code)
bad value 2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kg.text import bounded


class KgError(Exception):
    """Base class of the errors a user can cause and fix."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        # Messages quote input (a token, a value): their size is bounded whatever it holds.
        message = bounded(message)
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is None else bounded(hint)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(KgError, ValueError):
    """Options that do not fit together, or a value of the wrong form."""

    exit_code = 2


class SourceSyntaxError(KgError, ValueError):
    """An input file (Turtle, TriG, YAML) cannot be parsed."""

    exit_code = 2

    def __init__(
        self,
        path: str,
        line: int | None,
        message: str,
        *,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = path if line is None else f"{path}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line
        self.column = column


class DataError(KgError, ValueError):
    """The data breaks a rule that parsing cannot see (for example a triple outside a graph)."""

    exit_code = 2


class UnsupportedShape(DataError):
    """The shapes use a SHACL construct the SPARQL validator does not compile: it would be
    silently ignored, so validation stops instead (``--validator pyshacl`` validates it)."""


class ValidationFailed(KgError, ValueError):
    """SHACL validation found violations; ``violations`` lists them."""

    exit_code = 1

    def __init__(self, violations: Sequence[Any], *, message: str | None = None) -> None:
        n = len(violations)
        super().__init__(
            message or f"the graph does not conform: {n} violation{'s' if n != 1 else ''}",
            hint="Run `kg validate` to list them, fix the data, then build again.",
        )
        self.violations = list(violations)


class NotBuilt(KgError, FileNotFoundError):
    """No built graph where one was expected."""

    exit_code = 2


class QueryError(KgError, ValueError):
    """A SPARQL query cannot be parsed or run."""

    exit_code = 2


class UnsafeQuery(QueryError):
    """A query that would change data, or reach the network or the file system."""

    exit_code = 2


class QueryTimeout(QueryError, TimeoutError):
    """A query that ran past its time limit and was stopped."""

    exit_code = 2


class UnknownQuery(QueryError, LookupError):
    """A name that is not in the query library."""

    exit_code = 2


class UnknownEntity(KgError, LookupError):
    """A name that names no entity of the graph, or several (``candidates`` lists them)."""

    exit_code = 2

    def __init__(
        self, message: str, *, hint: str | None = None, candidates: Sequence[str] = ()
    ) -> None:
        super().__init__(message, hint=hint)
        self.candidates = list(candidates)


class StoreError(KgError, OSError):
    """A store cannot be opened or reached."""

    exit_code = 3


class OutputError(KgError, OSError):
    """A file or folder the command must write cannot be written (permissions, a file where a
    folder is needed, a full disk)."""

    exit_code = 2


class LandscapeFormatError(KgError, ValueError):
    """A landscape.yml that is not a landscape, or has wrong keys or types."""

    exit_code = 2
