"""Output formats: one registry of names and media types, one renderer, one negotiation.

Answers of SELECT and ASK print as ``table`` (aligned; labels instead of IRIs where known),
``csv``, ``tsv`` (SPARQL 1.1 TSV: terms in N-Triples syntax), ``json`` and ``xml`` (the SPARQL
1.1 results formats) or ``md``; answers of CONSTRUCT and DESCRIBE as ``ttl``, ``nt``, ``jsonld``
or ``trig``. Computed tables (centrality, communities, timelines, the library listing) are
*records* of plain Python values and print through the same writers; their ``json`` is a list
of objects. A format that does not fit (a graph asked for as CSV) is a
:class:`~kg.errors.UsageError`. :func:`negotiate` chooses a format for an HTTP ``Accept``
header by RFC 9110's rules (python-mimeparse: the most specific range sets a type's quality).

>>> negotiate("SELECT", "text/*;q=0.9, text/csv;q=0.1")
'tsv'
>>> print(render_records(["name", "n"], [["Docker", 3]], "md"), end="")
| name | n |
| --- | --- |
| Docker | 3 |
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from kg.errors import UsageError
from kg.namespaces import PREFIXES, XSD, shorten
from kg.store import Answer
from kg.store.terms import datatype, kind, language, literal, nt, text
from kg.text import forbidden_in_xml, xml_safe

if TYPE_CHECKING:
    from rdflib.term import Node


class Format(NamedTuple):
    """A format: its name on the command line, its media type, what it can hold (``rows`` of
    an answer, a ``graph``, or ``records``), and other names clients use for it."""

    name: str
    media_type: str
    holds: frozenset[str]
    aliases: tuple[str, ...] = ()


_ROWS, _GRAPH, _RECORDS = "rows", "graph", "records"
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "text/plain", frozenset({_ROWS, _RECORDS})),
        Format("csv", "text/csv", frozenset({_ROWS, _RECORDS})),
        Format("tsv", "text/tab-separated-values", frozenset({_ROWS, _RECORDS})),
        Format(
            "json",
            "application/sparql-results+json",
            frozenset({_ROWS, _RECORDS}),
            ("application/json",),
        ),
        Format(
            "xml",
            "application/sparql-results+xml",
            frozenset({_ROWS, _RECORDS}),
            ("application/xml", "text/xml"),
        ),
        Format("md", "text/markdown", frozenset({_ROWS, _RECORDS})),
        Format(
            "ttl",
            "text/turtle",
            frozenset({_GRAPH}),
            ("application/x-turtle", "application/turtle", "turtle"),
        ),
        Format("nt", "application/n-triples", frozenset({_GRAPH}), ("text/plain", "ntriples")),
        Format(
            "jsonld",
            "application/ld+json",
            frozenset({_GRAPH}),
            ("application/x-json+ld", "application/json+ld", "json-ld"),
        ),
        Format("trig", "application/trig", frozenset({_GRAPH})),
    )
}
ROW_FORMATS = tuple(n for n, f in FORMATS.items() if _ROWS in f.holds)
GRAPH_FORMATS = tuple(n for n, f in FORMATS.items() if _GRAPH in f.holds)
RECORD_FORMATS = tuple(n for n, f in FORMATS.items() if _RECORDS in f.holds)
#: What an HTTP endpoint serves for each kind of query, the default first.
SERVED = {
    "rows": ("json", "xml", "csv", "tsv"),
    "graph": ("ttl", "nt", "jsonld"),
}


def media_type(fmt: str) -> str:
    """The media type of a format, with ``charset=utf-8`` for text types."""
    media = FORMATS[fmt].media_type
    return media + ("; charset=utf-8" if media.startswith("text/") else "")


def _choices(names: Sequence[str]) -> str:
    return f"{', '.join(names[:-1])} or {names[-1]}"


# --- answers ------------------------------------------------------------------------------


def render(
    answer: Answer,
    fmt: str = "table",
    *,
    labels: Mapping[str, str] | None = None,
    iris: bool = False,
    width: int | None = None,
) -> str:
    """The answer as text in ``fmt``. ``labels`` (IRI to label) replace IRIs in ``table``
    unless ``iris``; prices and amounts read as money there (``$550M``). ``width`` fits a
    table to a terminal of that many columns (long cells end in an ellipsis). A graph answer
    takes a graph format (``table`` means Turtle); rows take a row format."""
    if answer.kind == "CONSTRUCT":
        if fmt == "table":
            fmt = "ttl"
        if fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"a CONSTRUCT or DESCRIBE answers a graph: use --format "
                f"{_choices(GRAPH_FORMATS)}, not {fmt}"
            )
        return render_graph(answer, fmt)
    if fmt in GRAPH_FORMATS:
        raise UsageError(
            f"--format {fmt} is for CONSTRUCT and DESCRIBE; use {_choices(ROW_FORMATS)}"
        )
    if fmt not in ROW_FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"Use one of {', '.join(ROW_FORMATS)}.")
    if answer.kind == "ASK":
        if fmt == "json":
            return _json_result(answer)
        if fmt == "xml":
            return _xml_result(answer)
        return str(bool(answer.boolean)).lower() + "\n"
    if fmt == "table":
        shown = None if iris else labels
        money = [v in MONEY for v in answer.vars]
        cells = [
            [cell(t, labels=shown, money=m) for t, m in zip(row, money, strict=True)]
            for row in answer.terms
        ]
        return table(answer.vars, cells, width=width)
    if fmt == "md":
        cells = [[cell(t) for t in row] for row in answer.terms]
        return markdown(answer.vars, cells)
    if fmt == "tsv":
        return tsv(answer)
    if fmt == "csv":
        return _csv(
            answer.vars, [["" if t is None else text(t) for t in row] for row in answer.terms]
        )
    if fmt == "json":
        return _json_result(answer)
    return _xml_result(answer)


def _json_result(answer: Answer) -> str:
    """SPARQL 1.1 JSON results, written as rdflib's serializer writes them (its key order,
    ``ensure_ascii=False``), without rdflib."""
    res: dict[str, object] = {}
    if answer.kind == "ASK":
        res["head"] = {}
        res["boolean"] = bool(answer.boolean)
    else:
        res["results"] = {
            "bindings": [
                {v: _json_term(t) for v, t in zip(answer.vars, row, strict=True) if t is not None}
                for row in answer.terms
            ]
        }
        res["head"] = {"vars": list(answer.vars)}
    out = json.dumps(res, allow_nan=False, ensure_ascii=False)
    return out if out.endswith("\n") else out + "\n"


_JSON_TYPES = {"iri": "uri", "literal": "literal", "blank": "bnode"}


def _json_term(term: object) -> dict[str, str]:
    found = kind(term)
    if found is None:
        raise UsageError(f"not an RDF term: {term!r}")
    out = {"type": _JSON_TYPES[found], "value": text(term)}
    if found == "literal":
        dt, lang = datatype(term), language(term)
        if dt is not None:
            out["datatype"] = dt
        if lang is not None:
            out["xml:lang"] = lang
    return out


def _xml_result(answer: Answer) -> str:
    """SPARQL XML results by rdflib's own serializer (JSON is :func:`_json_result`)."""
    from rdflib.query import Result
    from rdflib.term import Identifier, Variable

    result = Result("ASK" if answer.kind == "ASK" else "SELECT")
    if answer.kind == "ASK":
        result.askAnswer = bool(answer.boolean)
    else:
        result.vars = [Variable(v) for v in answer.vars]
        result.bindings = [
            {
                Variable(v): cast(Identifier, _xml_term(t))
                for v, t in zip(answer.vars, row, strict=True)
                if t is not None
            }
            for row in answer.rows
        ]
    buf = io.BytesIO()
    result.serialize(buf, format="xml", encoding="utf-8")
    text = buf.getvalue().decode("utf-8")
    return text if text.endswith("\n") else text + "\n"


def _xml_term(term: Node) -> Node:
    """A term XML 1.0 can carry: a literal's characters that it cannot (NUL and most other
    C0 controls) become U+FFFD (:func:`kg.text.xml_safe`); JSON keeps them as they are."""
    from rdflib import Literal

    if isinstance(term, Literal) and forbidden_in_xml(str(term)):
        return Literal(xml_safe(str(term)), lang=term.language, datatype=term.datatype)
    return term


def tsv(answer: Answer) -> str:
    """SPARQL 1.1 TSV: a header of ``?vars``, then terms in N-Triples syntax (written by the
    engine; numbers and booleans in their short form, as the format allows), tabs and line
    breaks inside them escaped."""
    lines = ["\t".join(f"?{v}" for v in answer.vars)]
    for row in answer.terms:
        lines.append("\t".join("" if t is None else _escape_tsv(_tsv_term(t)) for t in row))
    return "\n".join(lines) + "\n"


_SHORT = {
    XSD + "integer": re.compile(r"[+-]?\d+"),
    XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    XSD + "double": re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"),
    XSD + "boolean": re.compile(r"true|false"),
}


def _tsv_term(term: object) -> str:
    dt = datatype(term)
    if dt is not None:
        short = _SHORT.get(dt)
        if short is not None and short.fullmatch(text(term)):
            return text(term)
    return nt(term)


def _escape_tsv(text: str) -> str:
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _csv(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """RFC 4180 CSV (SPARQL 1.1 CSV for answers: IRIs and literals as plain text)."""
    import csv  # here, not on top: only this format needs it (start-up of `kg query`)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


#: Variables whose numbers are US dollars (eco:price, eco:amount): tables show them as money.
MONEY = frozenset({"price", "amount", "raised", "total"})


def cell(term: object, *, labels: Mapping[str, str] | None = None, money: bool = False) -> str:
    """How a term (the engine's or rdflib's) reads in a table: its label when known, else a
    prefixed name or the value; with ``money``, a number as dollars (``$550M``)."""
    if term is None:
        return ""
    found = kind(term)
    if found == "iri":
        iri = text(term)
        if labels and iri in labels:
            return labels[iri]
        return shorten(iri, prefixes=PREFIXES).strip("<>")
    if found == "blank":
        return f"_:{text(term)}"
    if money and found == "literal":
        try:
            return dollars(float(text(term)))
        except ValueError:
            pass
    return text(term)


def dollars(value: float) -> str:
    """An amount of US dollars as a person reads it.

    >>> dollars(550_000_000), dollars(1_250_000_000), dollars(10_500_000), dollars(25_000)
    ('$550M', '$1.25B', '$10.5M', '$25,000')
    """
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"${value / size:.3g}{unit}"
    return f"${value:,.0f}"


def with_labels(answer: Answer, labels: Mapping[str, str]) -> Answer:
    """The answer with a ``VARLabel`` column after each column that holds IRIs, for formats
    that keep IRIs (CSV, TSV, JSON, XML, Markdown): machines get the identifier, people the
    name."""
    if answer.kind != "SELECT":
        return answer
    rows_in = answer.terms
    iri_columns = [i for i in range(len(answer.vars)) if any(kind(r[i]) == "iri" for r in rows_in)]
    if not iri_columns:
        return answer
    names = list(answer.vars)
    taken = set(names)
    inserted: list[tuple[int, str]] = []
    for i in iri_columns:
        label = f"{answer.vars[i]}Label"
        while label in taken:
            label += "_"
        taken.add(label)
        inserted.append((i, label))
    new_vars: list[str] = []
    for i, var in enumerate(answer.vars):
        new_vars.append(var)
        new_vars += [label for j, label in inserted if j == i]
    rows = []
    for row in rows_in:
        out: list[object] = []
        for i, term in enumerate(row):
            out.append(term)
            if i in iri_columns:
                name = labels.get(text(term)) if kind(term) == "iri" else None
                out.append(literal(name) if name is not None else None)
        rows.append(tuple(out))
    return Answer("SELECT", vars=new_vars, terms=rows, truncated=answer.truncated)


def _width(text: str) -> int:
    # Printable ASCII is one column a character: a large table's cells (a community's members
    # run to thousands of characters) are mostly that, and this is a third of its drawing.
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clean(text: str) -> str:
    # A table cell is one line: control characters from data must not move the cursor.
    if text.isascii() and text.isprintable():  # no ASCII control character: nothing to do
        return text
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None
) -> str:
    """An aligned plain-text table; with ``width``, the widest columns are cut (an ellipsis
    ends a cut cell) until a line fits, none narrower than 10 characters."""
    headers = [_clean(h) for h in headers]
    body = [[_clean(c) for c in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in body:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], _width(c))
    if width is not None and widths:
        widths = _fit(widths, width - 2 * (len(widths) - 1))
        headers = [_cut(h, w) for h, w in zip(headers, widths, strict=True)]
        body = [[_cut(c, w) for c, w in zip(row, widths, strict=True)] for row in body]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in body]
    return "\n".join(out) + "\n"


def _fit(widths: list[int], room: int, floor: int = 10) -> list[int]:
    widths = list(widths)
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= floor:
            break
        widths[widest] -= 1
    return widths


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            break
        out += char
    return out + "…"


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (pipes in cells escaped)."""

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


# --- records: computed tables of plain values -------------------------------------------------


def render_records(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    fmt: str,
    *,
    width: int | None = None,
) -> str:
    """Plain Python rows (text, numbers, dates, lists) in any record format: ``table``, ``md``
    and ``csv`` write each value as text (floats to 6 significant digits, lists joined with
    "; "); ``tsv`` and ``xml`` write them as literals, the same dialects as query answers;
    ``json`` writes a list of objects, values as they are."""
    if fmt not in RECORD_FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"Use one of {_choices(RECORD_FORMATS)}.")
    if fmt == "json":
        records = [dict(zip(headers, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt in ("tsv", "xml"):
        answer = Answer.from_records(headers, [[_plain(v) for v in row] for row in rows])
        return render(answer, fmt)
    text_rows = [["" if v is None else value_text(v) for v in row] for row in rows]
    if fmt == "table":
        return table(headers, text_rows, width=width)
    if fmt == "md":
        return markdown(headers, text_rows)
    return _csv(headers, text_rows)


def _plain(value: object) -> object:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def value_text(value: object) -> str:
    """A plain value as a cell: floats to 6 significant digits, lists joined with "; "."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple | set):
        return "; ".join(value_text(v) for v in value)
    return str(value)


# --- negotiation ------------------------------------------------------------------------------


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> str:
    """The answer format for a query of ``kind`` (SELECT, ASK, CONSTRUCT or DESCRIBE): the
    ``format`` parameter when it names one that fits (a name such as ``csv`` or a media type:
    clients such as SPARQLWrapper send either), else the client's preferred type among those
    served (RFC 9110 by python-mimeparse), else JSON (SELECT, ASK) or Turtle (CONSTRUCT,
    DESCRIBE)."""
    import mimeparse

    served = SERVED["graph" if kind in ("CONSTRUCT", "DESCRIBE") else "rows"]
    by_name: dict[str, str] = {}
    for name in served:
        f = FORMATS[name]
        by_name[name] = name
        by_name[f.media_type] = name
        for alias in f.aliases:
            by_name.setdefault(alias, name)
    if fmt:
        chosen = by_name.get(fmt.strip().lower())
        if chosen:
            return chosen
    default = served[0]
    if not accept:
        return default
    # mimeparse breaks ties by the last entry: the default goes last.
    offered = [m for m in by_name if "/" in m and by_name[m] != default]
    offered += [m for m in by_name if "/" in m and by_name[m] == default]
    try:
        best = mimeparse.best_match(offered, accept)
    except (ValueError, IndexError):
        return default
    return by_name.get(best, default)
