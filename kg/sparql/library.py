"""The query library: named competency questions in ``kg/sparql/queries/NAME.rq``.

Each file opens with a header comment: ``# title:``, ``# description:`` (may repeat),
``# param: NAME  what it is`` (one per parameter; ``(required)`` first when the query needs it)
and ``# example:`` lines, which are full ``kg query`` commands. The examples are what the
endpoint's page offers and what the benchmarks run (:func:`example_bindings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from kg import resources
from kg.errors import UnknownQuery, UsageError

_HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*)$", re.I)
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class LibraryQuery(NamedTuple):
    """A named competency question from ``kg/sparql/queries/NAME.rq``."""

    name: str
    title: str
    description: str
    params: Mapping[str, str] = MappingProxyType({})
    text: str = ""
    path: Path | None = None
    examples: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        """The parameters the query needs (their description starts with ``(required)``);
        the others may be left out to see every row."""
        return [name for name, what in self.params.items() if what.startswith("(required)")]

    @property
    def body(self) -> str:
        """The query without its header comment."""
        return "\n".join(line for line in self.text.splitlines() if not line.startswith("#"))


def parse_library_file(path: Path) -> LibraryQuery:
    """Read a library query and its header."""
    text = path.read_text(encoding="utf-8")
    title, description, params, examples = path.stem, "", {}, []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            name, _, what = value.partition(" ")
            params[name.lstrip("?$")] = what.strip()
        else:
            examples.append(value)
    return LibraryQuery(path.stem, title, description, params, text, path, tuple(examples))


@cache
def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """Every query of the library, by name."""
    directory = directory or resources.queries_dir()
    return {p.stem: parse_library_file(p) for p in sorted(directory.glob("*.rq"))}


def get(name: str) -> LibraryQuery:
    """A library query by name; an unknown name suggests the close ones."""
    # A one-shot `kg query NAME` reads that one file, not the 34 (3 ms of its start).
    path = resources.queries_dir() / f"{name}.rq"
    if library.cache_info().currsize == 0 and _NAME.fullmatch(name) and path.is_file():
        return parse_library_file(path)
    queries = library()
    if name not in queries:
        import difflib  # here, not on top: only an unknown name needs it

        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.6)
        close += [n for n in queries if (name in n or n in name) and n not in close]
        hint = f"Did you mean {', '.join(close[:3])}? " if close else ""
        raise UnknownQuery(
            f"no query named {name!r} in the library",
            hint=hint + "List them with `kg query --list`.",
        )
    return queries[name]


def library_rows() -> list[list[str]]:
    """``[name, title, parameters]`` for each library query (what ``kg query --list`` prints)."""
    return [
        [e.name, e.title, " ".join(f"{p} (required)" if p in e.required else p for p in e.params)]
        for e in library().values()
    ]


def resolve(text_or_name: str | Path) -> tuple[str, LibraryQuery | None]:
    """The SPARQL text for a library name, a query file, or inline text.

    A library name wins over a file of the same name; a word that looks like a file name
    (``mine.rq``, ``queries/x``) but names no file is an error, not a query.
    """
    if isinstance(text_or_name, Path):
        return _read(text_or_name), None
    candidate = text_or_name.strip()
    if _NAME.fullmatch(candidate):
        entry = get(candidate)
        return entry.text, entry
    if candidate and not re.search(r"[\s{]", candidate):
        path = Path(candidate).expanduser()
        if path.is_file():
            return _read(path), None
        if "/" in candidate or "\\" in candidate or path.suffix in (".rq", ".sparql", ".txt"):
            raise UsageError(
                f"no query file {candidate}",
                hint="Give an existing file, inline SPARQL, - for stdin, or a library name "
                "(`kg query --list`).",
            )
    return text_or_name, None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the query file {path}: {exc}") from exc


def example_bindings(entry: LibraryQuery) -> list[dict[str, str]]:
    """The ``-p NAME VALUE`` pairs of each of a library query's ``# example:`` lines (one
    dictionary per line; an empty one for an example without parameters)."""
    import shlex  # here, not on top: a one-shot `kg query` reads no examples

    found: list[dict[str, str]] = []
    for example in entry.examples:
        try:
            words = shlex.split(example)
        except ValueError:
            continue
        bindings: dict[str, str] = {}
        for i, word in enumerate(words[:-2]):
            if word in ("-p", "--param"):
                bindings.setdefault(words[i + 1].lstrip("?$"), words[i + 2])
        found.append(bindings)
    return found
