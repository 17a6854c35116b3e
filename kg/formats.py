"""Rendering answers: one renderer for every command that prints rows.

SELECT and ASK: ``table`` (aligned; labels instead of IRIs where known), ``csv``, ``tsv``,
``json`` (SPARQL 1.1 Query Results JSON), ``xml`` (SPARQL Results XML) and ``md``. CSV, JSON and
XML come from rdflib's own result serializers; rdflib has no TSV serializer, so TSV is written
here to the SPARQL 1.1 TSV rules (terms in N-Triples syntax, as Oxigraph writes them). CONSTRUCT
and DESCRIBE: ``ttl``, ``nt``, ``jsonld`` and ``trig``, by rdflib's serializers. A mismatch (a
graph asked for as CSV, rows as Turtle) is a :class:`~kg.errors.UsageError`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

from kg.errors import UsageError
from kg.namespaces import PREFIXES, shorten

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.results import Answer

ROW_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "trig")


def render(
    answer: Answer,
    fmt: str = "table",
    *,
    labels: Mapping[str, str] | None = None,
    iris: bool = False,
) -> str:
    """The answer as text in ``fmt``. ``labels`` (IRI to label) replace IRIs in ``table`` and
    ``md`` unless ``iris``. A graph answer takes a graph format (``table`` means Turtle); rows
    take a row format."""
    if answer.kind == "CONSTRUCT":
        if fmt == "table":
            fmt = "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"a CONSTRUCT or DESCRIBE answers a graph: use --format "
                f"{', '.join(GRAPH_FORMATS[:-1])} or {GRAPH_FORMATS[-1]}, not {fmt}"
            )
        return render_graph(answer, fmt)
    if fmt in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; use "
            f"{', '.join(ROW_FORMATS[:-1])} or {ROW_FORMATS[-1]}"
        )
    if fmt not in ROW_FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"Use one of {', '.join(ROW_FORMATS)}.")
    if answer.kind == "ASK":
        if fmt in ("json", "xml"):
            return _rdflib_result(answer, fmt)
        return str(bool(answer.boolean)).lower() + "\n"
    if fmt in ("table", "md"):
        shown = None if iris else labels
        cells = [[cell(t, labels=shown) for t in row] for row in answer.rows]
        return table(answer.vars, cells) if fmt == "table" else markdown(answer.vars, cells)
    if fmt == "tsv":
        return tsv(answer)
    return _rdflib_result(answer, fmt)


def _rdflib_result(answer: Answer, fmt: str) -> str:
    """CSV, JSON or XML by rdflib's own SPARQL result serializers."""
    from rdflib.query import Result
    from rdflib.term import Identifier, Variable

    result = Result("ASK" if answer.kind == "ASK" else "SELECT")
    if answer.kind == "ASK":
        result.askAnswer = bool(answer.boolean)
    else:
        result.vars = [Variable(v) for v in answer.vars]
        result.bindings = [
            {
                Variable(v): cast(Identifier, t)
                for v, t in zip(answer.vars, row, strict=True)
                if t is not None
            }
            for row in answer.rows
        ]
    buf = io.BytesIO()
    result.serialize(buf, format=fmt, encoding="utf-8")
    text = buf.getvalue().decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def tsv(answer: Answer) -> str:
    """SPARQL 1.1 TSV: a header of ``?vars``, then terms in N-Triples syntax (written by
    Oxigraph), tabs and line breaks inside them escaped. rdflib has no TSV serializer."""
    from kg.store import to_ox

    lines = ["\t".join(f"?{v}" for v in answer.vars)]
    for row in answer.rows:
        lines.append("\t".join("" if t is None else _escape_tsv(str(to_ox(t))) for t in row))
    return "\n".join(lines) + "\n"


def _escape_tsv(text: str) -> str:
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def cell(term: Node | None, *, labels: Mapping[str, str] | None = None) -> str:
    """How a term reads in a table: its label when known, else a prefixed name or the value."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        if labels and iri in labels:
            return labels[iri]
        return shorten(iri, prefixes=PREFIXES).strip("<>")
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clean(text: str) -> str:
    # A table cell is one line: control characters from data must not move the cursor.
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An aligned plain-text table."""
    headers = [_clean(h) for h in headers]
    body = [[_clean(c) for c in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in body:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], _width(c))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in body]
    return "\n".join(out) + "\n"


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def esc(text: str) -> str:
        return _clean(text).replace("|", "\\|")

    out = [
        "| " + " | ".join(esc(h) for h in headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
    ]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def render_graph(answer: Answer, fmt: str) -> str:
    """CONSTRUCT/DESCRIBE triples as Turtle, N-Triples, JSON-LD (compacted with the project's
    prefixes) or TriG (in the default graph), by rdflib's serializers."""
    from rdflib import Dataset, Graph

    names = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
    if fmt not in names:
        raise UsageError(
            f"unknown graph format {fmt!r}", hint=f"Use one of {', '.join(GRAPH_FORMATS)}."
        )
    graph: Graph = Dataset() if fmt == "trig" else Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    for triple in answer.triples:
        graph.add(triple)
    if fmt == "jsonld":
        text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    else:
        text = graph.serialize(format=names[fmt])
    return text if text.endswith("\n") else text + "\n"


def rows_table(headers: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    """Plain Python rows (for analysis output) in any row format."""
    import csv
    import json

    text_rows = [["" if v is None else _fmt_value(v) for v in row] for row in rows]
    if fmt == "table":
        return table(headers, text_rows)
    if fmt == "md":
        return markdown(headers, text_rows)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(text_rows)
        return buf.getvalue()
    if fmt == "json":
        return (
            json.dumps(
                [dict(zip(headers, row, strict=True)) for row in rows], indent=2, default=str
            )
            + "\n"
        )
    raise UsageError(f"unknown format {fmt!r}", hint="Use table, csv, tsv, json or md.")


def _fmt_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


LabelLookup = Callable[[Sequence[str]], Mapping[str, str]]
