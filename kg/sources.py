"""Reading the sources: the ontology, the curated TriG files and the imported graphs.

Every data file is TriG whose graphs are named after their sources; a triple outside a named
graph is refused (a fact without a source). The ontology's Turtle files go into the ontology's
own graph. This module reads; :mod:`kg.build` validates, derives and publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple, NoReturn

from kg import resources
from kg.errors import DataError, SourceSyntaxError
from kg.namespaces import ONTOLOGY_GRAPH
from kg.store import DefaultGraph, NamedNode, OxigraphStore, Quad, parse
from kg.text import middle, one_line


class SourceFile(NamedTuple):
    """One input file and the graph its default-graph triples go to (None: not allowed)."""

    path: Path
    default_graph: str | None


def source_files(
    *,
    ontology: Path | None = None,
    data: Path | None = None,
    imports: Path | None = None,
) -> list[SourceFile]:
    """The files a build reads, in a stable order: the ontology, ``data/``, ``imports/``."""
    data = data or resources.data_dir()
    imports = imports if imports is not None else resources.imports_dir()
    files = ontology_files(ontology)
    files += [SourceFile(p, None) for p in sorted(data.rglob("*.trig"))]
    if imports.is_dir():
        files += [SourceFile(p, None) for p in sorted(imports.glob("*.trig"))]
    return files


def curated_files() -> list[SourceFile]:
    """The ontology and the curated data, without imports (what an importer links against)."""
    return source_files(imports=Path("/nonexistent-imports"))


def ontology_files(ontology: Path | None = None) -> list[SourceFile]:
    """The ontology and category scheme (not the shapes: they describe data, they are not data)."""
    ontology = ontology or resources.ontology_dir()
    return [
        SourceFile(p, ONTOLOGY_GRAPH)
        for p in sorted(ontology.glob("*.ttl"))
        if p.name != resources.shapes_path().name
    ]


def parse_file(source: SourceFile) -> Iterator[Quad]:
    """The quads of one file; a syntax error names the file and the line."""
    path = source.path
    fmt = "ttl" if path.suffix == ".ttl" else "trig"
    graph = NamedNode(source.default_graph) if source.default_graph else None
    try:
        with path.open("rb") as fh:
            for quad in parse(fh, fmt, base_iri=path.resolve().as_uri()):
                if isinstance(quad.graph_name, DefaultGraph):
                    if graph is None:
                        raise DataError(
                            f"{path}: the triple {quad.subject} {quad.predicate} ... is outside "
                            "a named graph",
                            hint="Put every triple in the graph named after its source "
                            "(see data/README.md).",
                        )
                    quad = Quad(quad.subject, quad.predicate, quad.object, graph)
                yield quad
    except SyntaxError as exc:
        line, column = _position(exc)
        raise SourceSyntaxError(
            str(path), line, _syntax_message(exc), column=column, hint="Fix the syntax there."
        ) from exc
    except DataError:
        raise
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except MemoryError as exc:
        if "buffer maximal size" not in str(exc):
            raise
        # The engine reads no single term (a literal, an IRI) over 16 MiB.
        raise SourceSyntaxError(
            str(path),
            None,
            "a value (a literal or an IRI) is longer than the 16 MiB the engine reads",
            hint="Shorten it: no fact needs a value that long.",
        ) from exc


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    col = exc.offset if isinstance(exc.offset, int) else None
    return line, col


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc)
    # The engine prefixes the message with the span; the position is printed separately.
    if text.startswith("Parser error") and ": " in text:
        text = text.split(": ", 1)[1]
    # It quotes the bad token, which may be a whole line of 100,000 characters.
    return middle(one_line(text), 300)


def read_sources(
    sources: Iterable[SourceFile],
    *,
    progress: Callable[[Iterable[SourceFile]], Iterable[SourceFile]] | None = None,
) -> OxigraphStore:
    """Parse every source into a new in-memory store, the default graph their merge.

    The engine reads each file whole (no Python object per quad: 1M triples in seconds) and
    makes the merge once at the end. A file it refuses, or one with a triple outside a named
    graph, is read again by :func:`parse_file`, which names the file, the line and the triple.
    """
    store = OxigraphStore()
    for source in progress(sources) if progress else sources:
        path = source.path
        fmt = "ttl" if path.suffix == ".ttl" else "trig"
        try:
            store.load_file(
                path, fmt, base_iri=path.resolve().as_uri(), to_graph=source.default_graph
            )
        except (SyntaxError, OSError, ValueError, MemoryError) as exc:
            _explain(source, exc)
        if store.has_default_triples():  # only a file without a default graph puts any there
            _explain(source, None)
    store.merge_named()
    return store


def _explain(source: SourceFile, exc: BaseException | None) -> NoReturn:
    """Raise the error :func:`parse_file` gives for ``source`` (the engine refused it, with
    ``exc``, or it put a triple in the default graph)."""
    for _ in parse_file(source):
        pass
    if exc is None:  # pragma: no cover - parse_file finds what the engine found
        raise DataError(f"{source.path}: a triple is outside a named graph")
    raise DataError(f"{source.path}: cannot read: {exc}") from exc
