"""Fuzz: the check never lets the engine reach the network, and never fails with a traceback.

The oracle is the engine itself (:func:`tests.fuzz.forms.engine_connections`): a bare
pyoxigraph store, no checks, runs each generated text against a loopback listener. Whatever
made it connect must be refused by :func:`kg.sparql.check.check`, with update allowed or not.
A share of the generated texts must really connect on the bare store, or the test would prove
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from kg.errors import KgError, UnsafeQuery
from kg.sparql.check import check
from tests.fuzz.forms import TIME_LIMIT, engine_connections, service_queries, update_forms
from tests.helpers.listener import Listener, listening

pytestmark = [pytest.mark.fuzz, TIME_LIMIT]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


def _decision(text: str, allow_update: bool) -> str:
    try:
        check(text, allow_update=allow_update)
    except UnsafeQuery:
        return "refused"
    except KgError:
        return "error"
    return "accepted"


@pytest.mark.slow
def test_the_check_refuses_every_form_the_engine_would_send(listener: Listener) -> None:
    live: list[bool] = []

    @given(st.one_of(service_queries(listener.url), update_forms(listener.url)))
    def one(text: str) -> None:
        sent = engine_connections(text, listener)
        live.append(sent > 0)
        note(f"engine connections: {sent}")
        for allow_update in (False, True):
            decision = _decision(text, allow_update)  # any other exception fails the test
            if sent:
                assert decision != "accepted", (text, allow_update)

    one()
    print(f"\nfuzz check/oracle: {len(live)} examples, {sum(live)} sent by the bare engine")
    # The generator makes real attacks: the bare engine connected for a good share of them.
    assert sum(live) >= len(live) // 20, (sum(live), len(live))
