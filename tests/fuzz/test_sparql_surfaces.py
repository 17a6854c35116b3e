"""Fuzz: SERVICE, LOAD and update forms in disguise, through the CLI and the endpoint.

Every generated text goes through ``kg query`` (with and without ``--update``) and through
``kg serve`` (GET, POST form, POST query body, and the page), over a graph holding the data
that the texts' leading patterns match. The loopback listener records every connection: it
must record none, and the server's graph must not change. Answers are 200 or 400 (never 500,
never a stall), the CLI exits 0, 1 or 2 with no traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kg.build import write_dist
from kg.cli import cli
from kg.store import OxigraphStore, Quad
from tests.fuzz.forms import (
    GRAPH,
    TIME_LIMIT,
    data_store,
    engine_connections,
    service_queries,
    update_forms,
)
from tests.helpers.listener import Listener, listening
from tests.helpers.serve import Server, kg_serve

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, pytest.mark.server, TIME_LIMIT]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose dist/ holds the fuzz data in one named graph."""
    home = tmp_path_factory.mktemp("fuzz-home")
    store = OxigraphStore()
    named = [q for q in data_store() if str(q.graph_name) == f"<{GRAPH}>"]
    store.add(Quad(q.subject, q.predicate, q.object, q.graph_name) for q in named)
    write_dist(store, home / "dist", formats=[], sources=[])
    return home


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("fuzz-serve") / "serve.log"
    with kg_serve(["--timeout", "10"], home, log) as running:
        yield running


def test_no_disguise_reaches_the_network_by_cli_or_endpoint(
    home: Path, listener: Listener, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_HOME", str(home))
    monkeypatch.delenv("KG_STORE", raising=False)
    runner = CliRunner()
    client = httpx.Client(timeout=30)
    size = client.get(server.endpoint, params={"query": COUNT}).json()
    # The CLI reads the fuzz graph: a pattern that the leading patterns rest on answers.
    sane = runner.invoke(cli, ["query", "ASK { ?s ?p true }"])
    assert sane.exit_code == 0 and sane.output.strip() == "true", sane.output
    live: list[bool] = []

    @given(st.one_of(service_queries(listener.url), update_forms(listener.url)))
    def one(text: str) -> None:
        before = listener.count
        for args in (["query", text, "--timeout", "10"], ["query", "--update", text]):
            result = runner.invoke(cli, args)
            assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
            assert "Traceback" not in result.output
        answers = [
            client.get(server.endpoint, params={"query": text}),
            client.post(server.endpoint, data={"query": text}),
            client.post(
                server.endpoint,
                content=text.encode(),
                headers={"content-type": "application/sparql-query"},
            ),
            client.get(f"{server.url}/", params={"query": text}),
        ]
        for answer in answers:
            assert answer.status_code in (200, 400), (answer.status_code, answer.text[:300])
        assert listener.count == before, text
        # the same text on a bare engine: the listener does record what is not refused
        live.append(engine_connections(text, listener) > 0)

    one()
    print(f"\nfuzz CLI+endpoint: {len(live)} examples, {sum(live)} sent by the bare engine")
    assert client.get(server.endpoint, params={"query": COUNT}).json() == size
    assert sum(live) >= len(live) // 20, (sum(live), len(live))
    client.close()
