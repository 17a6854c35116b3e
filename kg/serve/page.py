"""The endpoint's query page: a plain HTML form (no script: it works offline), the answer as
a table, and the query library as examples. Every piece of data is escaped."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from kg.formats import cell, render_graph
from kg.sparql.bindings import parse_binding
from kg.sparql.library import LibraryQuery, example_bindings, library
from kg.store.remote import bind_values

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.store import Answer

TEMPLATE = Path(__file__).resolve().parent / "template"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def example_text(entry: LibraryQuery) -> str:
    """A library query ready to run: its header left out, and the values of its first
    example written into a VALUES block."""
    examples = example_bindings(entry)
    bindings: dict[str, Node] = {
        name: parse_binding(value) for name, value in (examples[0] if examples else {}).items()
    }
    return bind_values(entry.body.strip() + "\n", bindings)


def answer_html(answer: Answer, *, truncated: int | None = None) -> str:
    """An answer as an HTML fragment: a table of rows, true/false, or Turtle. Every piece of
    data is escaped; IRIs link to a DESCRIBE of themselves."""
    from rdflib import URIRef

    esc = html.escape
    if answer.kind == "ASK":
        return f'<p class="ask">{esc(str(bool(answer.boolean)).lower())}</p>'
    if answer.kind == "CONSTRUCT":
        note = _cut_note(truncated, "triples")
        return f"{note}<pre>{esc(render_graph(answer, 'ttl'))}</pre>"
    out = [_cut_note(truncated, "rows"), f"<p>{len(answer.rows)} rows</p>", "<table><thead><tr>"]
    out += [f"<th>?{esc(v)}</th>" for v in answer.vars]
    out.append("</tr></thead><tbody>")
    for row in answer.rows:
        out.append("<tr>")
        for term in row:
            if term is None:
                out.append("<td></td>")
            elif isinstance(term, URIRef):
                href = "/?" + urlencode({"query": f"DESCRIBE <{term}>"})
                out.append(
                    f'<td><a href="{esc(href)}" title="{esc(str(term))}">{esc(cell(term))}</a></td>'
                )
            else:
                out.append(f'<td title="{esc(term.n3())}">{esc(cell(term))}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cut_note(truncated: int | None, what: str) -> str:
    if truncated is None:
        return ""
    return f'<p class="note">The answer was cut to the first {truncated} {what}.</p>'


_FORMAT_CHOICES = (
    ("html", "table (this page)"),
    ("json", "SPARQL JSON"),
    ("xml", "SPARQL XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("ttl", "Turtle (CONSTRUCT, DESCRIBE)"),
    ("nt", "N-Triples (CONSTRUCT, DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT, DESCRIBE)"),
)


def page_html(
    query: str | None,
    *,
    timeout: float,
    max_rows: int | None,
    answer_fragment: str | None = None,
    error: str | None = None,
) -> str:
    """The query page: the editor, the answer or the error, and the library's examples."""
    esc = html.escape
    entries = list(library().values())
    text = query if query is not None else (example_text(entries[0]) if entries else "")
    options = "".join(f'<option value="{v}">{esc(label)}</option>' for v, label in _FORMAT_CHOICES)
    limits = f"Queries stop after {timeout:g} s"
    if max_rows is not None:
        limits += f" and answer at most {max_rows} rows"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>container-kg SPARQL</title><style>{_css()}</style></head><body>",
        "<h1>container-kg SPARQL</h1>",
        "<p>Ask the knowledge graph in SPARQL 1.1. Known prefixes (eco, kg, schema, org, skos, "
        "prov, dcterms, rdf, rdfs, owl, xsd) need no declaration; the default graph is the "
        "merge of every source's named graph. "
        f'{esc(limits)}. The protocol endpoint is <a href="/sparql">/sparql</a> '
        "(its service description when called without a query).</p>",
        '<form method="get" action="/">',
        f'<textarea name="query" rows="14" spellcheck="false">{esc(text)}</textarea>',
        f'<p><label>Answer as <select name="format">{options}</select></label> ',
        '<button type="submit">Run</button></p></form>',
    ]
    if error is not None:
        parts.append(f'<h2>Error</h2><p class="error">{esc(error)}</p>')
    if answer_fragment is not None:
        parts += ["<h2>Answer</h2>", answer_fragment]
    parts.append("<h2>Examples: the query library</h2><dl>")
    for entry in entries:
        href = "/?" + urlencode({"query": example_text(entry)})
        parts.append(
            f'<dt><a href="{esc(href)}">{esc(entry.title)}</a> <code>{esc(entry.name)}</code></dt>'
            f"<dd>{esc(entry.description)}</dd>"
        )
    parts.append("</dl></body></html>")
    return "\n".join(parts)


def _css() -> str:
    return (TEMPLATE / "page.css").read_text(encoding="utf-8")
