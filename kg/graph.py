"""The :class:`KnowledgeGraph` facade: one object that composes the pipeline's stages.

It hands every call on to the stage that owns it and holds no SPARQL of its own, so the Python
API and the CLI give the same answers.

>>> from kg import resources
>>> from kg.sources import SourceFile, ontology_files, read_sources
>>> essay = SourceFile(resources.data_dir() / "essay-2015.trig", None)
>>> with KnowledgeGraph(read_sources([*ontology_files(), essay])) as g:
...     answer = g.query("acquisitions-by", acquirer="kg:docker")
...     sorted(g.label(str(row["acquired"])) for row in answer)
['Kitematic', 'Koality', 'Orchard', 'SocketPlane']

``KnowledgeGraph.open()`` opens the built graph (``dist/``) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from kg import analysis, build, history, labels, query, stats, views, viz, workspace
from kg.errors import UsageError
from kg.store import MEMORY, OxigraphStore, Store, open_store
from kg.validate import Violation, validate_store

if TYPE_CHECKING:
    import networkx as nx
    from rdflib.term import Node

    from kg.analysis import Scores
    from kg.history import TimelineEvent
    from kg.store import Answer

Note = Callable[[str], None]


@dataclass(frozen=True)
class Owner:
    """One owner of an entity on a day: the direct owner has ``links`` 1, its owner 2, ..."""

    owner: str
    label: str
    links: int
    since: str | None
    until: str | None
    chain: str


class KnowledgeGraph:
    """The container ecosystem as a queryable, analysable graph.

    Open it with :meth:`open` (the built graph, or a named store), ask it with :meth:`query`,
    analyse it with :meth:`to_networkx` and :meth:`centrality`, draw it with :meth:`to_html`.
    It is a context manager: ``close()`` releases the store.
    """

    def __init__(self, store: Store, *, as_of: str | None = None) -> None:
        self.store = store
        self.as_of = as_of

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        store: str | None = None,
        *,
        as_of: str | None = None,
        note: Note | None = None,
        in_memory: bool = True,
    ) -> KnowledgeGraph:
        """The built graph.

        ``path`` is a build folder (default: ``dist/`` of the workspace, ``$KG_HOME`` or the
        current folder); ``store`` a store spec (``memory``, ``oxigraph:PATH``,
        ``sparql:URL``; default ``$KG_STORE``, else ``memory``, which opens ``path``). When
        nothing is built, the data is read directly (unvalidated; ``note`` is told so).
        ``as_of`` gives the graph as it was on that date. ``in_memory`` (the default: a
        Python session asks many questions) parses the build into memory; ``False`` opens
        its on-disk copy instead, as the one-shot ``kg`` commands do: faster to open, slower
        for every heavy query after (:func:`kg.store.open_dist`).
        """
        opened = workspace.open_built(path, store, as_of=as_of, note=note, in_memory=in_memory)
        return cls(opened, as_of=as_of)

    @classmethod
    def load(
        cls,
        *,
        store: str | None = None,
        dist: Path | None = None,
        as_of: str | None = None,
        note: Note | None = None,
    ) -> KnowledgeGraph:
        """:meth:`open` under its earlier name (``dist`` is ``path``)."""
        return cls.open(dist, store if dist is None else None, as_of=as_of, note=note)

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
        target = open_store(store, create=True) if store and store != MEMORY else None
        result = build.build(validate=validate, out=out, formats=formats, target=target)
        return cls(target or result.store)

    # --- querying ------------------------------------------------------------------------

    def query(self, text_or_name: str, /, **bindings: Node | str) -> Answer:
        """Run a SPARQL query, or a library query by name, with variables bound by keyword
        (``acquirer="kg:docker"``). Returns an :class:`~kg.store.Answer`: iterate it for rows
        as dicts. A library query takes only the parameters it declares (``kg query --list``)."""
        return query.execute(self.store, text_or_name, bindings=bindings)

    def query_df(self, text_or_name: str, /, **bindings: Node | str) -> Any:
        """The rows of a SELECT as a pandas DataFrame (literals as Python values)."""
        pd = _pandas("query_df")
        answer = self.query(text_or_name, **bindings)
        if answer.kind != "SELECT":
            raise UsageError(f"query_df needs a SELECT query, not {answer.kind}")
        return pd.DataFrame(answer.to_python(), columns=answer.vars)

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The label of each IRI that has one (:mod:`kg.labels` says which, when several)."""
        return labels.labels(self.store, iris)

    def label(self, iri: str) -> str:
        """One IRI's label (its last segment when it has none)."""
        return labels.label(self.store, iri)

    def resolve(self, name: str) -> str:
        """The IRI of the entity ``name`` names: an IRI, a prefixed name, a label or another
        name, case-insensitively (:func:`kg.labels.resolve`)."""
        return labels.resolve(self.store, name)

    # --- checking and counting ----------------------------------------------------------

    def validate(self) -> list[Violation]:
        return validate_store(self.store)

    def stats(self) -> stats.Stats:
        """Triples, entities per class, events per type, and the sources with their sizes."""
        return stats.stats(self.store)

    # --- history -------------------------------------------------------------------------

    def timeline(
        self,
        entity: str | None = None,
        *,
        start: str | None = None,
        end: str | None = None,
        types: Iterable[str] = (),
        undated: bool = False,
    ) -> list[TimelineEvent]:
        """The dated events in date order, for the whole graph or one entity
        (:func:`kg.history.timeline`)."""
        return history.timeline(
            self.store, entity, start=start, end=end, types=types, undated=undated
        )

    def owner_on(self, entity: str, date: str | None = None) -> list[Owner]:
        """Every owner of ``entity`` on ``date`` (default today), nearest first: the library
        query ``owner-on``. An empty list: nobody owned it that day."""
        bindings: dict[str, Node | str] = {"entity": self.resolve(entity)}
        if date is not None:
            bindings["date"] = date
        answer = query.execute(self.store, "owner-on", bindings=bindings)
        owners = [str(row["owner"]) for row in answer.dicts()]
        names = labels.labels(self.store, owners, complete=True)
        return [
            Owner(
                owner=str(row["owner"]),
                label=names[str(row["owner"])],
                links=int(str(row["links"])),
                since=None if row["since"] is None else str(row["since"]),
                until=None if row["until"] is None else str(row["until"]),
                chain=str(row["chain"]),
            )
            for row in answer.dicts()
        ]

    # --- analysis: views, centrality, communities --------------------------------------

    def to_networkx(
        self,
        view: str = "organizations",
        *,
        as_of: str | None = None,
        include_schema: bool = False,
    ) -> nx.MultiDiGraph:
        """The graph seen through a view (:data:`kg.views.VIEWS`) as a
        ``networkx.MultiDiGraph``: nodes are IRIs with label, type, categories, homepage,
        founding date and sources; edges carry the relation, its date and weight."""
        return views.project(self.store, view, as_of=as_of, include_schema=include_schema)

    def centrality(
        self,
        metric: str = "pagerank",
        *,
        view: str = "organizations",
        as_of: str | None = None,
    ) -> Scores:
        """Each node's score for ``metric`` (:data:`kg.analysis.METRICS`) in ``view``, a dict
        of IRI to score whose ``method`` says how it was computed."""
        return analysis.centrality(self.to_networkx(view, as_of=as_of), metric)

    def centrality_df(
        self,
        metric: str = "pagerank",
        *,
        view: str = "organizations",
        as_of: str | None = None,
    ) -> Any:
        """:meth:`centrality` as a pandas DataFrame: iri, label, type, score, highest first."""
        pd = _pandas("centrality_df")
        graph = self.to_networkx(view, as_of=as_of)
        scores = analysis.centrality(graph, metric)
        frame = pd.DataFrame(
            analysis.ranking(graph, scores), columns=["iri", "label", "type", metric]
        )
        frame.attrs["method"] = scores.method
        return frame

    def communities(
        self, *, view: str = "organizations", as_of: str | None = None, seed: int = 42
    ) -> list[set[str]]:
        """Louvain communities of ``view`` (sets of IRIs, largest first; ``seed`` fixes them)."""
        return analysis.communities(self.to_networkx(view, as_of=as_of), seed=seed)

    def export(
        self,
        path: str | Path,
        *,
        view: str = "organizations",
        fmt: str = "graphml",
        as_of: str | None = None,
        include_schema: bool = False,
    ) -> list[Path]:
        """Write a view to a file (``graphml``, ``gexf``, ``json`` or ``csv``); returns the
        files written (CSV writes the nodes beside the edges)."""
        graph = self.to_networkx(view, as_of=as_of, include_schema=include_schema)
        return views.export(graph, path, fmt)

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
    ) -> viz.Page:
        """An interactive page of a view, written to ``path`` when given. The
        :class:`~kg.viz.Page` shows itself inline in Jupyter; the file opens in any browser
        with no network. ``as_of`` projects the graph as it was on that date; other options go
        to :func:`kg.viz.page`."""
        graph = self.to_networkx(view, as_of=as_of)
        title = title or viz.default_title(graph, view, as_of or self.as_of)
        page = viz.page(graph, title=title, color_by=color_by, size_by=size_by, **options)
        if path is not None:
            page.save(path)
        return page

    # --- the object ----------------------------------------------------------------------

    def close(self) -> None:
        """Release the store (an on-disk store's lock, a server's connections)."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __len__(self) -> int:
        """The number of distinct triples (the merged graph), counted by the engine."""
        return self.store.count()

    def __repr__(self) -> str:
        when = f" as_of={self.as_of}" if self.as_of else ""
        return (
            f"<KnowledgeGraph store={self.store.spec}{when} triples={self.store.count():,} "
            f"quads={self.store.quad_count():,}>"
        )


def _pandas(what: str) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError(f"{what} needs pandas", hint="pip install 'container-kg[pandas]'") from exc
    return pd


__all__ = ["KnowledgeGraph", "Owner", "OxigraphStore"]
