"""The :class:`KnowledgeGraph` facade: one object that composes the pipeline's stages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.namespaces import ECO, RDFS, SKOS

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.results import Answer
    from kg.store import Store
    from kg.validate import Violation
    from kg.viz import Page


class KnowledgeGraph:
    """The container ecosystem as a queryable, analysable graph.

    >>> from kg import KnowledgeGraph
    >>> g = KnowledgeGraph.load()                       # doctest: +SKIP
    >>> g.query("acquisitions-by", acquirer="kg:docker")  # doctest: +SKIP
    """

    def __init__(self, store: Store, *, as_of: str | None = None) -> None:
        self.store = store
        self.as_of = as_of

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        *,
        store: str | None = None,
        dist: Path | None = None,
        as_of: str | None = None,
        note: Callable[[str], None] | None = None,
    ) -> KnowledgeGraph:
        """The built graph. ``store`` is ``memory`` (default: ``dist/`` reloaded, or the data
        read directly when nothing is built), ``oxigraph:PATH`` or ``sparql:URL``; ``as_of``
        gives the graph as it was on that date."""
        import os

        from kg.build import load as load_memory
        from kg.store import open_store

        spec = store or os.environ.get("KG_STORE") or "memory"
        opened = load_memory(dist=dist, note=note) if spec == "memory" else open_store(spec)
        if as_of:
            from kg.history import as_of_store

            opened = as_of_store(opened, as_of)
        return cls(opened, as_of=as_of)

    @classmethod
    def build(
        cls,
        *,
        validate: bool = True,
        out: Path | None = None,
        formats: Iterable[str] = ("trig", "nt"),
        store: str | None = None,
    ) -> KnowledgeGraph:
        """Build from the sources, validate, write ``dist/``; load ``store`` too when given."""
        from kg.build import build
        from kg.store import open_store

        target = open_store(store, create=True) if store and store != "memory" else None
        result = build(validate=validate, out=out, formats=formats, target=target)
        return cls(target or result.store)

    # --- querying ------------------------------------------------------------------------

    def query(self, text_or_name: str, /, **bindings: Node | str) -> Answer:
        """Run a SPARQL query, or a library query by name, with variables bound by keyword
        (``acquirer="kg:docker"``). Returns an :class:`~kg.results.Answer`: iterate it for rows
        as dicts. A library query takes only the parameters it declares (``kg query --list``)."""
        from kg.query import execute

        return execute(self.store, text_or_name, bindings=bindings)

    def query_df(self, text_or_name: str, /, **bindings: Node | str) -> Any:
        """The rows of a SELECT as a pandas DataFrame (literals as Python values)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from kg.errors import UsageError

            raise UsageError(
                "query_df needs pandas", hint="pip install 'container-kg[pandas]'"
            ) from exc
        answer = self.query(text_or_name, **bindings)
        if answer.kind != "SELECT":
            from kg.errors import UsageError

            raise UsageError(f"query_df needs a SELECT query, not {answer.kind}")
        return pd.DataFrame(answer.to_python(), columns=answer.vars)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The rdfs:label (else skos:prefLabel) of each IRI that has one."""
        wanted = sorted({i for i in iris if i.startswith(("http://", "https://", "urn:"))})
        if not wanted:
            return {}
        values = " ".join(f"<{i}>" for i in wanted if ">" not in i and " " not in i)
        answer = self.store.query(
            # rdfs:label first; where sources give several, the longest (the fullest name),
            # so the choice is the same on every run and every store.
            f"SELECT ?s (MAX(CONCAT(STR(1000 + STRLEN(?l)), ?l)) AS ?label) WHERE {{ "
            f"VALUES ?s {{ {values} }} "
            f"{{ ?s <{RDFS}label> ?l }} UNION "
            f"{{ ?s <{SKOS}prefLabel>|<http://purl.org/dc/terms/title> ?l "
            f"FILTER NOT EXISTS {{ ?s <{RDFS}label> ?x }} }} "
            f"}} GROUP BY ?s"
        )
        return {str(s): str(label)[4:] for s, label in answer.rows if label is not None}

    # --- checking and counting ----------------------------------------------------------

    def validate(self) -> list[Violation]:
        from kg.validate import validate_store

        return validate_store(self.store)

    def stats(self) -> dict[str, Any]:
        """Triples, entities per class, events per type, and the sources with their sizes."""
        store = self.store
        triples = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
        quads = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
        per_class = store.query(
            f"""SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
                  ?e a ?class . FILTER(STRSTARTS(STR(?class), "{ECO}"))
                  FILTER NOT EXISTS {{ ?class <{RDFS}subClassOf>+ <{ECO}Event> }}
                  FILTER(?class != <{ECO}Event>)
                }} GROUP BY ?class ORDER BY DESC(?n) ?class"""
        )
        events = store.query(
            f"""SELECT ?type (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?dated) AS ?dn) WHERE {{
                  ?e a ?type . ?type <{RDFS}subClassOf>+ <{ECO}Event> .
                  OPTIONAL {{ ?e <{ECO}date> ?d . BIND(?e AS ?dated) }}
                }} GROUP BY ?type ORDER BY DESC(?n) ?type"""
        )
        sources = store.query(
            f"""SELECT ?g (SAMPLE(?title) AS ?t) (COUNT(*) AS ?n) WHERE {{
                  GRAPH ?g {{ ?s ?p ?o }}
                  OPTIONAL {{ ?g <http://purl.org/dc/terms/title>|<{RDFS}label> ?title }}
                }} GROUP BY ?g ORDER BY DESC(?n) ?g"""
        )

        def num(term: Node | None) -> int:
            return int(str(term)) if term is not None else 0

        return {
            "triples": num(triples),
            "quads": num(quads),
            "classes": [(str(c), num(n)) for c, n in per_class.rows],
            "events": [(str(t), num(n), num(d)) for t, n, d in events.rows],
            "sources": [
                (str(g), None if t is None else str(t), num(n)) for g, t, n in sources.rows
            ],
        }

    # --- analysis: views, centrality, communities --------------------------------------

    def to_networkx(
        self,
        view: str = "organizations",
        *,
        as_of: str | None = None,
        include_schema: bool = False,
    ) -> Any:
        """The graph seen through a view (``kg.project.VIEWS``) as a ``networkx.MultiDiGraph``:
        nodes are IRIs with label, type, categories, homepage, founding date and sources;
        edges carry the relation, its date and weight."""
        from kg.project import project

        return project(self.store, view, as_of=as_of, include_schema=include_schema)

    def centrality(
        self,
        metric: str = "pagerank",
        *,
        view: str = "organizations",
        as_of: str | None = None,
        as_frame: bool | None = None,
    ) -> Any:
        """Each node's score for ``metric`` (``kg.analysis.METRICS``) in ``view``: a pandas
        DataFrame (columns iri, label, type, score; highest first) when pandas is installed,
        else a dict of IRI to score. ``as_frame`` forces one or the other."""
        from kg.analysis import centrality, ranking

        graph = self.to_networkx(view, as_of=as_of)
        scores = centrality(graph, metric)
        if as_frame is None:
            import importlib.util

            as_frame = importlib.util.find_spec("pandas") is not None
        if not as_frame:
            return dict(scores)
        import pandas as pd

        frame = pd.DataFrame(ranking(graph, scores), columns=["iri", "label", "type", metric])
        frame.attrs["method"] = scores.method
        return frame

    def communities(
        self, *, view: str = "organizations", as_of: str | None = None, seed: int = 42
    ) -> list[set[str]]:
        """Louvain communities of ``view`` (sets of IRIs, largest first; ``seed`` fixes them)."""
        from kg.analysis import communities

        return communities(self.to_networkx(view, as_of=as_of), seed=seed)

    # --- pages -------------------------------------------------------------------------

    def to_html(
        self,
        path: str | Path | None = None,
        *,
        view: str = "organizations",
        color_by: str = "type",
        size_by: str = "degree",
        title: str | None = None,
        as_of: str | None = None,
        **options: Any,
    ) -> Page:
        """An interactive page of a view (see ``kg.project.VIEWS``), written to ``path`` when
        given. The :class:`~kg.viz.Page` shows itself inline in Jupyter; the file opens in any
        browser with no network. ``as_of`` projects the graph as it was on that date; other
        options go to :func:`kg.viz.render_html`."""
        from kg import viz
        from kg.project import project

        graph = project(self.store, view, as_of=as_of)
        when = as_of or self.as_of
        title = title or f"container-kg: {view}" + (f" as of {when}" if when else "")
        page = viz.page(graph, title=title, color_by=color_by, size_by=size_by, **options)
        if path is not None:
            page.save(path)
        return page

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph store={self.store.spec} quads={len(self.store)}>"
