"""A store on any SPARQL 1.1 server: ``sparql:QUERY_URL[,UPDATE_URL]``.

Queries go to the server through the SPARQL 1.1 Protocol (a URL-encoded POST); the answers are
parsed by Oxigraph's result parsers and normalised like every other store's (see
:func:`kg.store.terms.from_ox`), so a query gives the same rows here as on ``memory`` or
``oxigraph:PATH``. The server keeps the project's convention: each source in its own named
graph, and the default graph holding their merge (loaded explicitly, so the server needs no
"union default graph" setting).

Three things the protocol lacks are done here:

- **Known prefixes.** The project's prefixes need no declaration: the ones a query does not
  declare are prepended as ``PREFIX`` lines.
- **Bindings.** SEP-0007 substitutions are not part of the protocol. A binding is sent as a
  ``VALUES`` block at the start of the query's outermost ``WHERE`` group, which is what
  Oxigraph's own substitution does (the variable is bound for every pattern and ``FILTER`` of
  that group, and, as there, not inside sub-selects). The terms are checked by Oxigraph's term
  constructors and written in N-Triples syntax by its serializer, so user text never reaches
  the query as syntax.
- **Same errors everywhere.** Before anything is sent, the query is parsed (and run) against an
  empty local Oxigraph store with the same bindings: a syntax error, or a binding of a variable
  the SELECT does not return, gives the same message, line and column as on a local store.

Loading (``kg build --store sparql:...``) replaces the server's whole dataset: ``DROP ALL``,
then ``INSERT DATA`` in chunks. Statements that share a blank node go in the same chunk (a blank
node label means one node only within one request), with their default-graph copies.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, UsageError
from kg.lexer import Token, tokens
from kg.namespaces import PREFIXES
from kg.store.answer import Answer, answer_from_ox, query_failure
from kg.store.base import Store, with_merge
from kg.store.terms import from_ox, term_text, to_ox

if TYPE_CHECKING:
    import httpx
    from rdflib.term import Node

#: Media types asked for, and the Oxigraph parser for each.
_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_ACCEPT_RESULTS = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<", re.I)


class SparqlStore(Store):
    """A SPARQL 1.1 server. ``update_url`` defaults to ``query_url`` (many servers take both
    operations at one endpoint)."""

    persistent = True
    local = False
    #: Statements per ``INSERT DATA`` request when loading.
    chunk_size = 20_000

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        timeout: float | None = 300.0,
        client: httpx.Client | None = None,
    ) -> None:
        for url in (query_url, update_url):
            if url is not None and not re.match(r"https?://[^\s/]+", url):
                raise UsageError(
                    f"not an http(s) URL: {url!r}",
                    hint="Use sparql:http://HOST:PORT/QUERY_PATH[,http://HOST:PORT/UPDATE_PATH].",
                )
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.spec = f"sparql:{query_url}" + (f",{update_url}" if update_url else "")
        self._timeout = timeout
        self._client = client
        self._empty = ox.Store()

    # --- HTTP ----------------------------------------------------------------------------

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=httpx.Timeout(self._timeout, connect=10.0),
                headers={"User-Agent": "container-kg"},
                follow_redirects=False,
            )
        return self._client

    def _post(self, url: str, data: dict[str, str], accept: str) -> httpx.Response:
        import httpx

        try:
            response = self._within_deadline(
                lambda client: client.post(url, data=data, headers={"Accept": accept})
            )
        except httpx.TimeoutException as exc:
            raise StoreError(
                f"the SPARQL server at {url} did not answer within {self._timeout} s",
                hint="Check the server, or simplify the query.",
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreError(
                f"cannot reach the SPARQL server at {url}: {exc}",
                hint="Check that the server runs and the URL is right.",
            ) from exc
        if response.status_code >= 400:
            message = " ".join(response.text.split())[:300] or response.reason_phrase
            if response.status_code in (400, 422):
                raise QueryError(f"the SPARQL server refused the request: {message}")
            raise StoreError(
                f"the SPARQL server at {url} answered {response.status_code}: {message}",
                hint="Check the URL (query and update endpoints differ on many servers: "
                "sparql:QUERY_URL,UPDATE_URL).",
            )
        return response

    def _within_deadline(self, send: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        """``send(client)``, given at most ``timeout`` seconds in all.

        httpx's timeouts count per read, so a server that sends a byte every few seconds
        would hold a request for ever. The request runs in a thread of its own (a daemon) and
        is waited for until the deadline; then it is abandoned with its client (the thread
        ends at its next read timeout), and the store takes a new client.
        """
        import httpx

        if self._timeout is None:
            return send(self.client)
        client = self.client
        box: list[httpx.Response] = []
        failure: list[BaseException] = []
        done = threading.Event()

        def run() -> None:
            try:
                box.append(send(client))
            except BaseException as exc:
                failure.append(exc)
            finally:
                done.set()

        threading.Thread(target=run, name="kg-sparql-request", daemon=True).start()
        if not done.wait(self._timeout):
            if self._client is client:
                self._client = None
            raise httpx.TimeoutException("the overall deadline passed")
        if failure:
            raise failure[0]
        return box[0]

    # --- querying ------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Node] | None = None,
        limit: int | None = None,
    ) -> Answer:
        local = _local_check(self._empty, sparql, substitutions)
        text = with_prefixes(bind_values(sparql, substitutions or {}))
        if isinstance(local, ox.QueryTriples):
            response = self._post(self.query_url, {"query": text}, _ACCEPT_GRAPH)
            parsed = _parse_graph(response)
            kept = parsed if limit is None else parsed[:limit]
            triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in kept]
            truncated = limit is not None and len(parsed) > limit
            return Answer("CONSTRUCT", triples=triples, truncated=truncated)  # type: ignore[arg-type]
        response = self._post(self.query_url, {"query": text}, _ACCEPT_RESULTS)
        return answer_from_ox(_parse_results(response), limit=limit)

    def update(self, sparql: str) -> None:
        try:
            self._post(self.update_url, {"update": with_prefixes(sparql)}, "*/*")
        except (QueryError, StoreError) as exc:
            hint = exc.hint
            if self.update_url == self.query_url:
                hint = (
                    "Many servers take updates at another URL: give it too, as "
                    "sparql:QUERY_URL,UPDATE_URL."
                )
            raise StoreError(
                f"the SPARQL server at {self.update_url} refused the update: {exc.message}",
                hint=hint,
            ) from exc

    # --- loading -------------------------------------------------------------------------

    def replace(self, quads: Iterable[ox.Quad]) -> None:
        self.update("DROP ALL")
        loaded = 0
        for chunk in chunks(quads, self.chunk_size):
            try:
                self.update(insert_data(chunk))
            except StoreError as exc:
                raise StoreError(
                    f"loading stopped after {loaded:,} quads: {exc.message}",
                    hint="The server holds a partial dataset: fix the cause and build again.",
                ) from exc
            loaded += len(chunk)

    # --- reading back --------------------------------------------------------------------

    def quads(self) -> Iterator[ox.Quad]:
        answer = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return (ox.Quad(sol[0], sol[1], sol[2], sol[3]) for sol in answer)

    def triples(self) -> Iterator[ox.Triple]:
        answer = self._select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        return (ox.Triple(sol[0], sol[1], sol[2]) for sol in answer)

    def _select(self, sparql: str) -> ox.QuerySolutions:
        response = self._post(self.query_url, {"query": sparql}, _ACCEPT_RESULTS)
        results = _parse_results(response)
        if not isinstance(results, ox.QuerySolutions):
            raise StoreError(f"the SPARQL server at {self.query_url} did not answer a SELECT")
        return results

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


# --- query text ----------------------------------------------------------------------------


def with_prefixes(sparql: str) -> str:
    """The query with a ``PREFIX`` line for each known prefix it does not declare itself."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    lines = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return "\n".join([*lines, sparql]) if lines else sparql


def bind_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with ``bindings`` as a ``VALUES`` block opening its outermost ``WHERE`` group
    (or, when it has none, as a trailing ``VALUES`` clause)."""
    if not bindings:
        return sparql
    names = [name.lstrip("?$") for name in bindings]
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_]\w*", name):
            raise UsageError(f"not a variable name: {name!r}")
    terms = []
    for name, value in zip(names, bindings.values(), strict=True):
        try:
            terms.append(term_text(value))
        except UsageError as exc:
            raise UsageError(f"cannot bind ?{name}: {exc.message}", hint=exc.hint) from exc
    block = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(terms) + ") }"
    toks = tokens(sparql)
    at = where_group(toks)
    if at is None:
        if has_trailing_values(toks):
            raise UsageError(
                "cannot bind variables of this query on a SPARQL server: it has no WHERE group "
                "and already ends with VALUES",
                hint="Write the values into the query's VALUES clause instead.",
            )
        return f"{sparql}\n{block}\n"
    return f"{sparql[:at]} {block}\n{sparql[at:]}"


def where_group(toks: list[Token]) -> int | None:
    """The position just after the ``{`` that opens the outermost WHERE group, or ``None``
    (``DESCRIBE <iri>``, and ``CONSTRUCT WHERE { ... }`` whose pattern is its template)."""
    forms = [i for i, t in enumerate(toks) if t.kind == "word" and t.upper in _FORMS]
    if not forms:
        return None
    i = forms[0]
    if toks[i].upper == "CONSTRUCT":
        if i + 1 >= len(toks) or toks[i + 1].text != "{":
            return None
        depth = 0
        for j in range(i + 1, len(toks)):  # skip the template
            depth += {"{": 1, "}": -1}.get(toks[j].text, 0)
            if depth == 0:
                i = j
                break
    parens = 0
    for tok in toks[i + 1 :]:
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "{" and parens == 0:
            return tok.end
        elif tok.kind == "word" and tok.upper == "VALUES" and parens == 0:
            return None  # DESCRIBE ... VALUES: a trailing clause, and no WHERE group
    return None


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def has_trailing_values(toks: list[Token]) -> bool:
    depth = 0
    for tok in toks:
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.upper == "VALUES":
            return True
    return False


def _local_check(empty: ox.Store, sparql: str, substitutions: Mapping[str, Node] | None) -> Any:
    """Parse and run the query on an empty store: the local engine's errors, and the kind."""
    subs = None
    if substitutions:
        subs = {ox.Variable(name): to_ox(value) for name, value in substitutions.items()}
    try:
        try:
            return empty.query(sparql, prefixes=PREFIXES, substitutions=subs)
        except RuntimeError as exc:
            if not substitutions or "in its SELECT projection" not in str(exc):
                raise
            # A variable the SELECT does not return: the server gets a VALUES block anyway.
            return empty.query(bind_values(sparql, substitutions), prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(str(exc)) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise query_failure(exc) from exc


# --- answers -------------------------------------------------------------------------------


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _parse_results(response: httpx.Response) -> Any:
    media = _media_type(response)
    fmt = _RESULTS.get(media)
    if fmt is None and media in ("application/json", "application/xml", "text/xml"):
        fmt = ox.QueryResultsFormat.JSON if "json" in media else ox.QueryResultsFormat.XML
    if fmt is None:
        raise StoreError(f"the SPARQL server answered {media or 'no content type'}, not results")
    try:
        return ox.parse_query_results(response.content, fmt)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the SPARQL server's answer: {exc}") from exc


def _parse_graph(response: httpx.Response) -> list[ox.Triple]:
    media = _media_type(response)
    fmt = _GRAPHS.get(media)
    if fmt is None:
        raise StoreError(f"the SPARQL server answered {media or 'no content type'}, not a graph")
    try:
        return [q.triple for q in ox.parse(response.content, fmt)]
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"cannot read the SPARQL server's answer: {exc}") from exc


# --- loading -------------------------------------------------------------------------------


def chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """Named-graph quads in groups of about ``size``; quads linked by blank nodes stay in one
    group (a blank-node component larger than ``size`` makes one group of its own)."""
    plain: list[ox.Quad] = []
    parent: dict[str, str] = {}
    linked: list[ox.Quad] = []

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue  # the default graph is the merge: written from the named graphs
        blanks = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if isinstance(quad.graph_name, ox.BlankNode):
            blanks.append(quad.graph_name.value)
        if not blanks:
            plain.append(quad)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        linked.append(quad)
        for b in blanks:
            parent.setdefault(b, b)
        root = find(blanks[0])
        for b in blanks[1:]:
            parent[find(b)] = root
    if plain:
        yield plain
    groups: dict[str, list[ox.Quad]] = {}
    for quad in linked:
        first = next(
            t.value
            for t in (quad.subject, quad.object, quad.graph_name)
            if isinstance(t, ox.BlankNode)
        )
        groups.setdefault(find(first), []).append(quad)
    batch: list[ox.Quad] = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def insert_data(quads: list[ox.Quad]) -> str:
    """One ``INSERT DATA`` with the quads in their graphs and their triples in the default
    graph (the merge, :func:`~kg.store.base.with_merge`), so that blank nodes are shared
    within the request."""
    by_graph: dict[str, list[str]] = {}
    default: list[str] = []
    for quad in with_merge(quads):
        triple = f"{quad.subject} {quad.predicate} {quad.object} ."
        if isinstance(quad.graph_name, ox.DefaultGraph):
            default.append(triple)
        else:
            by_graph.setdefault(str(quad.graph_name), []).append(triple)
    parts = ["INSERT DATA {", *default]
    for graph, triples in by_graph.items():
        parts += [f"GRAPH {graph} {{", *triples, "}"]
    parts.append("}")
    return "\n".join(parts)
