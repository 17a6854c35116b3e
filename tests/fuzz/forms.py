"""Hypothesis strategies: SERVICE, LOAD and update forms in disguise, and the engine as oracle.

Each generated text puts a keyword where Oxigraph's PEG parser may read it: abutting literals
(``trueSERVICE``, ``1e0SERVICE``), numbers, punctuation, prefixed names (``SERVICE:x``),
comments, ``\\u`` escapes, case variants and look-alike letters, with random punctuation
spliced in. The leading patterns match the data of :data:`DATA`, so that an engine that reads
a SERVICE really calls it (the join before it is not empty).

:func:`engine_connections` is the oracle: the text run by a bare pyoxigraph store (no checks)
holding :data:`DATA`, and the connections that reached the listener.
"""

from __future__ import annotations

import contextlib
import os

import pyoxigraph as ox
import pytest
from hypothesis import strategies as st

from tests.helpers.listener import Listener

#: pytest-timeout's limit for one fuzz test: a long run (make fuzz) takes up to hours.
TIME_LIMIT = pytest.mark.timeout(4 * 3600 if os.environ.get("KG_FUZZ_PROFILE") == "long" else 300)

#: What every leading pattern matches (one subject, one object of each kind).
DATA = """
<http://a/s> <http://a/p> true, 1, 1.5, 1e0, "o", "o"@en, <http://a/o>, _:b .
_:b <http://a/p> <http://a/o> .
"""
GRAPH = "http://a/g"

LEADS = [
    "?s ?p true",
    "?s ?p 1",
    "?s ?p 1.5",
    "?s ?p 1e0",
    '?s ?p "o"',
    "?s ?p 'o'",
    '?s ?p """o"""',
    '?s ?p "o"@en',
    "?s ?p <http://a/o>",
    "?s ?p ?o",
    "?s ?p ?o .",
    "?s ?p ?o ;",
    "?s ?p [ ?q ?r ]",
    "{}",
    "OPTIONAL{?s ?p ?o}",
    "BIND(1 AS ?z)",
    "BIND(<URL> AS ?svc)",
    "FILTER(true)",
    "VALUES ?z {1}",
    "?s ?p ?o FILTER(?o<1)",
    "?s ?p ?o FILTER(?o<'>')",
    "?s ?p ?o FILTER(?o<2)#>",
    "",
]
JOINTS = ["", "", " ", "\n", "\t", "#c\n", "# SERVICE\n", "#\\u000a", ";", "."]
GAPS = ["", "", " ", "\n", "#c\n", " SILENT ", " silent", "SILENT"]
TARGETS = ["<URL>", "<URL>", ":sparql", "?svc", "<URL\\u003E", "\\u003CURL>", "<URL#>"]
TAILS = ["{ ?a ?b ?c }", "{?a ?b ?c}", "{}", "{ ?a ?b ?c FILTER(?a != 'x') }"]
#: Letters the engine might take for ASCII ones (it matches keywords in ASCII case only).
LOOKALIKES = {"s": "ſ", "i": "ı", "e": "е", "c": "с"}
JUNK = st.text(alphabet="(){}[]<>\"'#.;,?$:@^\\ \n\tuUsSeE01+-", max_size=6)


def spelled(word: str) -> st.SearchStrategy[str]:
    """``word`` in any case, now and then with one letter escaped or replaced by a look-alike."""

    def build(flags: list[bool], how: int, at: int) -> str:
        letters = [c.upper() if up else c.lower() for c, up in zip(word, flags, strict=True)]
        i = at % len(letters)
        if how == 1:
            letters[i] = f"\\u{ord(letters[i]):04X}"
        elif how == 2:
            letters[i] = f"\\U{ord(letters[i]):08x}"
        elif how == 3 and letters[i].lower() in LOOKALIKES:
            letters[i] = LOOKALIKES[letters[i].lower()]
        return "".join(letters)

    n = len(word)
    return st.builds(
        build,
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.sampled_from([0, 0, 0, 0, 0, 1, 2, 3]),
        st.integers(0, n - 1),
    )


@st.composite
def service_queries(draw: st.DrawFn, url: str) -> str:
    """A query with a SERVICE form somewhere the engine may read it."""
    prologue = draw(st.sampled_from(["", f"PREFIX : <{url.rsplit('/', 1)[0]}/> ", "BASE <x:> "]))
    if draw(st.booleans()):
        prologue += "PREFIX SERVICE: <http://a/> PREFIX service: <http://a/> "
    form = draw(st.sampled_from(["SELECT *", "ASK", "SELECT ?a", "CONSTRUCT { ?s ?p ?o } WHERE"]))
    parts = [
        draw(st.sampled_from(LEADS)),
        draw(st.one_of(st.sampled_from(JOINTS), JUNK)),
        draw(spelled("SERVICE")),
        draw(st.sampled_from(GAPS)),
        draw(st.sampled_from(TARGETS)),
        draw(st.sampled_from(["", " ", "\n", "#c\n"])),
        draw(st.sampled_from(TAILS)),
    ]
    if draw(st.integers(0, 4)) == 0:  # junk spliced in anywhere
        i = draw(st.integers(0, len(parts)))
        parts.insert(i, draw(JUNK))
    body = "".join(parts)
    text = f"{prologue}{form} {{ {body} }}"
    return text.replace("URL", url)


@st.composite
def update_forms(draw: st.DrawFn, url: str) -> str:
    """LOAD, and updates with a SERVICE inside, in the same disguises; and plain updates."""
    kind = draw(st.integers(0, 3))
    joint = draw(st.one_of(st.sampled_from(["", " ", ";", " ;", ";\n", ";#c\n", "#c\n"]), JUNK))
    if kind == 0:
        before = draw(st.sampled_from(["", "CLEAR ALL", "DROP SILENT GRAPH <http://a/x>", "true"]))
        text = (
            before
            + (joint if before else "")
            + draw(spelled("LOAD"))
            + draw(st.sampled_from(["", " ", " SILENT ", "\n", "#c\n"]))
            + draw(st.sampled_from(["<URL>", ":sparql", "<URL> INTO GRAPH <http://a/g>"]))
        )
    elif kind == 1:
        inner = draw(service_queries(url))
        where = inner[inner.index("{") :]
        text = f"INSERT {{ GRAPH <{GRAPH}> {{ ?a ?b ?c }} }} WHERE {where}"
    elif kind == 2:
        text = (
            draw(st.sampled_from(["", "true", "1e0", "?s", "}", "#c\n"]))
            + joint
            + draw(spelled(draw(st.sampled_from(["INSERT", "DELETE", "CLEAR", "DROP", "CREATE"]))))
            + draw(
                st.sampled_from([" ALL", " DATA { <http://a/x> <http://a/y> 1 }", " GRAPH <x:g>"])
            )
        )
    else:
        text = "SELECT * { ?s ?p ?o }" + joint + draw(spelled("LOAD")) + " <URL>"
    prefix = draw(st.sampled_from(["", f"PREFIX : <{url.rsplit('/', 1)[0]}/> "]))
    return (prefix + text).replace("URL", url)


def data_store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))
    store.load(DATA.encode(), ox.RdfFormat.TURTLE)
    return store


def engine_connections(text: str, listener: Listener) -> int:
    """How many connections a bare pyoxigraph store makes for ``text``: run as a query, and,
    when that does not parse, as an update."""
    before = listener.count
    store = data_store()
    try:
        result = store.query(text)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
    except SyntaxError:
        with contextlib.suppress(Exception):
            data_store().update(text)
    except Exception:
        pass
    return listener.count - before
