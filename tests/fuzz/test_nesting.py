"""Fuzz: a text that the nesting check lets through never overflows the engine's stack.

Each text is a short random unit of brackets, quotes, comment signs, less-thans and terms,
repeated up to a few thousand times: the shape that nests deep (10,000 braces crashed the
engine), with the tricks that hide brackets from a tokenizer (``?x<1#>``, ``<\\u0041)>``).
What :func:`kg.sparql.check.check_depth` accepts is parsed by a bare engine in a child process
with the default 8 MB stack (a server worker's): the child must never crash.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.sparql.check import check_depth
from tests.fuzz.forms import TIME_LIMIT

pytestmark = [pytest.mark.fuzz, pytest.mark.slow, TIME_LIMIT]

CHILD = """
import json, sys, pyoxigraph as ox
store = ox.Store()
for line in sys.stdin:
    try:
        store.query(json.loads(line))
    except Exception:
        pass
    print("ok", flush=True)
"""
PIECES = st.sampled_from(
    [
        "(", ")", "{", "}", "[", "]", "<", ">", "#", "'", '"', "\n", " ", "?x", "1", "&&",
        "<1#>", "<'>", "<\\u0041)>", "\\u0029", "FILTER(", "SELECT * ", "?x<", "'''", '"""',
        "a", "_:b", ";", ",", ".", "!", "<http://a/>", "EXISTS{", "OPTIONAL{", "\u00a0",
    ]
)  # fmt: skip


@pytest.fixture(scope="module")
def child() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    yield proc
    proc.kill()
    proc.wait()


def test_what_the_nesting_check_accepts_never_crashes_the_engine(
    child: subprocess.Popen[str],
) -> None:
    counts = {"refused": 0, "parsed by the engine": 0}

    @given(
        head=st.sampled_from(["SELECT * { ", "SELECT * { FILTER(", "ASK { ?s ?p ", ""]),
        unit=st.lists(PIECES, min_size=1, max_size=8).map("".join),
        times=st.integers(1, 3000),
    )
    def one(head: str, unit: str, times: int) -> None:
        text = head + unit * times
        try:
            check_depth(text)
        except QueryError:
            counts["refused"] += 1
            return
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(text) + "\n")
        child.stdin.flush()
        answer = child.stdout.readline()
        assert answer == "ok\n", f"the engine crashed ({child.poll()}) on {text[:200]!r}"
        counts["parsed by the engine"] += 1

    one()
    print(f"\nfuzz nesting: {counts}")
