"""Fuzz: random HTTP requests to the endpoint never get a 500 and never stall it.

Methods, paths, parameters, headers, bodies and encodings are drawn at random (and some are
malformed at the byte level, sent over a raw socket). Every request gets an answer below 500
in time, or (for bytes that are no HTTP) the connection is closed; a normal query is answered
after each.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import h11
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.build import write_dist
from kg.store import OxigraphStore
from tests.fuzz.forms import GRAPH, TIME_LIMIT, data_store
from tests.helpers.serve import Server, kg_serve

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, pytest.mark.server, TIME_LIMIT]

QUERIES = [
    "ASK {}",
    "SELECT * { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://a/s>",
    "SELECT * { SERVICE <http://127.0.0.1:9/> {} }",
    "INSERT DATA { <a:b> <a:c> 1 }",
    "SELECT * WHERE { ?s ?p ",
    "SELECT * " + "{" * 40 + "}" * 40,
    "SELECT ?x { ?s ?p ?o } LIMIT 1",
]
TEXT = st.text(max_size=60)
VALUES = st.one_of(st.sampled_from(QUERIES), TEXT, st.binary(max_size=40).map(repr))
PARAM_NAMES = st.sampled_from(
    ["query", "query", "update", "format", "default-graph-uri", "named-graph-uri", "x", ""]
)
HEADER_NAMES = st.sampled_from(
    ["accept", "content-type", "content-length", "accept-charset", "x-any", "transfer-encoding"]
)
HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "application/sparql-query",
            "application/x-www-form-urlencoded",
            "application/sparql-update",
            "text/csv;q=0.5, application/json;q=abc",
            "*/*;q=0, text/*;q=1e9",
            "multipart/form-data; boundary=x",
            "text/plain; charset=latin-1",
            "application/sparql-results+json;;;",
            "chunked",
            "-1",
            "99999999999999999999",
        ]
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
BODIES = st.one_of(
    st.sampled_from([q.encode() for q in QUERIES]),
    st.binary(max_size=200),
    st.builds(lambda q: b"query=" + q.encode("utf-8", "surrogatepass"), TEXT),
    st.sampled_from([b"\xff\xfe\x00q", "query=é".encode("latin-1"), b"query=%ff%fe", b"%"]),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("fuzz-http")
    store = OxigraphStore()
    store.add(q for q in data_store() if str(q.graph_name) == f"<{GRAPH}>")
    write_dist(store, home / "dist", formats=[], sources=[])
    with kg_serve(["--timeout", "5"], home, home / "serve.log") as running:
        yield running


def _alive(server: Server) -> None:
    started = time.monotonic()
    answer = httpx.get(server.endpoint, params={"query": "ASK { ?s ?p true }"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert time.monotonic() - started < 5


def test_random_requests_get_an_answer_below_500(server: Server) -> None:
    client = httpx.Client(timeout=15)
    statuses: list[int] = []

    @given(
        method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]),
        path=st.sampled_from(["/sparql", "/", "/sparql/", "/x", "//sparql", "/sparql?"]),
        params=st.lists(st.tuples(PARAM_NAMES, VALUES), max_size=4),
        headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=3),
        body=st.one_of(st.none(), BODIES),
    )
    def one(
        method: str,
        path: str,
        params: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: bytes | None,
    ) -> None:
        try:
            answer = client.request(
                method, server.url + path, params=params, headers=headers, content=body
            )
        except httpx.RemoteProtocolError:
            return  # the server closed a request that is not HTTP (a bad length, say)
        except (httpx.LocalProtocolError, h11.LocalProtocolError):
            return  # the client refused to send it (a body shorter than its length, say)
        statuses.append(answer.status_code)
        assert answer.status_code < 500, (answer.status_code, answer.text[:300])

    one()
    print(f"\nfuzz HTTP requests: {len(statuses)} answered, statuses {sorted(set(statuses))}")
    client.close()
    _alive(server)


def test_malformed_bytes_are_answered_or_closed_in_time(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    seen: list[bytes] = []

    @given(
        line=st.one_of(
            st.binary(max_size=80),
            st.builds(
                lambda m, p, v: f"{m} {p} {v}\r\n".encode("utf-8", "surrogatepass"),
                st.text(max_size=8),
                st.text(max_size=30),
                st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/9.9", ""]),
            ),
        ),
        rest=st.binary(max_size=120),
        end=st.sampled_from([b"\r\n\r\n", b"\n\n", b"", b"\r\n"]),
    )
    def one(line: bytes, rest: bytes, end: bytes) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(line + rest + end)
            # Nothing more will come: the server answers or closes now (the deadline for a
            # client that goes quiet is tested in test_serve.py, with 300 of them).
            sock.shutdown(socket.SHUT_WR)
            started = time.monotonic()
            data = b""
            try:
                while chunk := sock.recv(65536):
                    data += chunk
                    if b"\r\n\r\n" in data:
                        break
            except ConnectionResetError:
                pass
            except TimeoutError:
                pytest.fail(f"no answer and no close within 10 s: {line + rest + end!r}")
            # answered, or closed by the header deadline (5 s), never left hanging
            assert time.monotonic() - started < 8
            if data.startswith(b"HTTP/1.1 "):
                assert int(data[9:12]) < 500, data[:300]
            seen.append(data[:12])

    one()
    print(f"\nfuzz raw bytes: {len(seen)} examples, {sum(bool(d) for d in seen)} answered")
    _alive(server)
