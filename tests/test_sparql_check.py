"""The SERVICE/LOAD/UPDATE refusal, the nesting limit and the check's cache, held against the
engine itself: each attack of issue 16 first shown to work on a bare pyoxigraph store (the
listener records it), then refused by the check, the CLI and the library."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import QueryError, UnsafeQuery
from kg.namespaces import RDFS
from kg.sparql import check as checks
from kg.sparql.check import MAX_DEPTH, check
from tests.fuzz.forms import data_store, engine_connections
from tests.helpers.listener import Listener, listening

ATTACKS = [
    "SELECT ?s ?a { ?s ?p trueSERVICE <URL> { ?a ?b ?c } }",
    "SELECT ?s ?a { ?s ?p 1e0SERVICE <URL> { ?a ?b ?c } }",
    "SELECT ?s ?a { ?s ?p 1SERVICE <URL> { ?a ?b ?c } }",
    'SELECT ?s ?a { ?s ?p "o"SERVICE <URL> { ?a ?b ?c } }',
    "SELECT ?s ?a { ?s ?p <http://a/o>SERVICE<URL>{ ?a ?b ?c } }",
    "PREFIX : <URL#> SELECT * { SERVICE:x { ?a ?b ?c } }",
    "PREFIX : <URL#> SELECT * { ?s ?p ?o SERVICE:x { ?a ?b ?c } }",
    "SELECT * { ?s ?p ?o . SERVICE#c\n<URL>{?a ?b ?c} }",
    "SELECT * { ?s ?p ?o . sErViCe SILENT <URL> {?a ?b ?c} }",
    "SELECT * { ?s ?p ?o FILTER(?o<2)SERVICE<URL>{ ?a ?b ?c } }",
]
UPDATES = [
    "LOAD <URL>",
    "CLEAR ALL;LOAD<URL>",
    "drop silent graph <http://a/x>;lOaD SILENT <URL> INTO GRAPH <http://a/g>",
    "INSERT { GRAPH <http://a/g> { ?a ?b ?c } } WHERE { ?s ?p trueSERVICE <URL> { ?a ?b ?c } }",
]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


def test_the_listener_records_what_a_bare_engine_sends(listener: Listener) -> None:
    """Without the checks, each attack reaches the network: the tests below could fail."""
    for text in ATTACKS + UPDATES:
        assert engine_connections(text.replace("URL", listener.url), listener) == 1, text


@pytest.mark.parametrize("text", ATTACKS + UPDATES)
def test_the_check_refuses_each_attack(text: str, listener: Listener) -> None:
    text = text.replace("URL", listener.url)
    for allow_update in (False, True):
        with pytest.raises(UnsafeQuery):
            check(text, allow_update=allow_update)


@pytest.mark.parametrize("text", ATTACKS[:3] + UPDATES[:2])
def test_kg_query_refuses_them_and_nothing_connects(
    text: str, listener: Listener, home: Path, runner: CliRunner
) -> None:
    text = text.replace("URL", listener.url)
    before = listener.count
    for args in (["query", text], ["query", "--update", text]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "is refused" in result.stderr and "Traceback" not in result.output
    assert listener.count == before


# --- what the engine really does (the design rests on it) ---------------------------------------


def test_the_engine_reads_keywords_without_a_word_boundary(listener: Listener) -> None:
    text = "SELECT ?a { ?s ?p trueSERVICE <URL> { ?a ?b ?c } }".replace("URL", listener.url)
    rows = [str(row["a"].value) for row in data_store().query(text)]  # type: ignore[union-attr]
    assert rows == ["PWNED"]


def test_the_engine_decodes_escapes_inside_strings_and_iris_only() -> None:
    store = ox.Store()
    (row,) = store.query('SELECT ("\\u0041" AS ?x) {}')  # type: ignore[misc]
    assert row["x"].value == "A"
    # not over the whole text, as SPARQL 1.1 says: an escaped keyword is no keyword to it
    with pytest.raises(SyntaxError):
        store.query("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { } }")
    # and a text whose escapes spell a keyword is refused all the same (a server that
    # decodes them everywhere would read it)
    with pytest.raises(UnsafeQuery, match="SERVICE spelled with"):
        check('SELECT * { ?s ?p "\\u0053ERVICE" }')


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s rdfs:label "Amazon Elastic Container Service" }',
        "SELECT * WHERE { ?s ?p <http://example.org/service/load> } # load",
        "SELECT ?service ?load WHERE { ?service ?p ?load FILTER(?load < 5) }",
        'SELECT * WHERE { ?s ?p "x"@service }',
        "SELECT * WHERE { ?s kg:cloud-service ?o }",
        "SELECT * WHERE { ?s ?p ?x FILTER(?x < 5) } # SERVICE <http://x/>",
    ],
)
def test_the_letters_in_text_and_names_are_no_keyword(text: str) -> None:
    assert check(text).kind == "SELECT"


# --- nesting -------------------------------------------------------------------------------------


def test_nesting_deeper_than_the_limit_is_refused_before_any_parser() -> None:
    text = "SELECT * " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)
    with pytest.raises(QueryError) as err:
        check(text)
    assert err.value.message == (
        f"the query nests brackets deeper than {MAX_DEPTH} levels (at line 1, column 42)"
    )
    assert checks.check_depth("SELECT * " + "{" * MAX_DEPTH + "}" * MAX_DEPTH) == MAX_DEPTH
    # brackets in strings and comments do not count; a fake IRI's do
    assert checks.check_depth('SELECT * { ?s ?p "((((((((((" } # ((((((((') == 1
    assert checks.check_depth("SELECT * { FILTER(?x<((((?y>?z) }") == 6


def test_thirty_nested_parentheses_answer_without_a_recursion_error(home: Path) -> None:
    """A 109-character query: rdflib's parser raised RecursionError (traceback, 500)."""
    text = "SELECT * { FILTER(" + "(" * 30 + "1" + ")" * 30 + ") }"
    result = CliRunner().invoke(cli, ["query", text, "--format", "csv"])
    assert result.exit_code == 0, result.output
    broken = "SELECT * { FILTER(" + "(" * 30 + "1" + ")" * 29 + ") "
    result = CliRunner().invoke(cli, ["query", broken])
    assert result.exit_code == 2 and "syntax error at line 1" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_ten_thousand_braces_are_a_clear_error_not_a_crash(home: Path) -> None:
    text = "SELECT * " + "{" * 10_000 + "}" * 10_000
    result = subprocess.run(
        [sys.executable, "-m", "kg", "query", text], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "nests brackets deeper than 32 levels" in result.stderr
    assert "Traceback" not in result.stderr


# --- the cache -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_cache_is_bounded_by_bytes_the_texts_counted() -> None:
    check("ASK {}")
    check("ASK { ?s ?p ?o }")  # a second query: the cache exists from here on
    assert checks._CACHE is not None
    checks._CACHE.clear()
    big = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 100_000
    for i in range(60):
        check(big + str(i))
    assert all(text.startswith(big) for _update, text in checks._CACHE)
    # each entry counts its text: 60 of 100 kB do not all stay, the cache stays in its bytes
    assert 10 < len(checks._CACHE) < 60
    assert checks.CACHE_BYTES // 2 < checks._CACHE.currsize <= checks.CACHE_BYTES
    assert check(big + "59").kind == "SELECT"  # the newest are kept, the oldest evicted
    assert (False, big + "59") in checks._CACHE and (False, big + "0") not in checks._CACHE
    # a query larger than the whole cache is checked, never kept
    huge = big * 30
    assert check(huge).kind == "SELECT" and (False, huge) not in checks._CACHE
    # entries that are large (a query declaring thousands of prefixes) are evicted by size
    checks._CACHE.clear()
    many = "".join(f"PREFIX p{i}: <http://example.org/{i}/>\n" for i in range(3000))
    for i in range(12):
        check(many + f"SELECT * {{ ?s ?p {i} }}")
    assert checks.CACHE_BYTES // 2 < checks._CACHE.currsize <= checks.CACHE_BYTES
    assert len(checks._CACHE) < 12
    # an update and a query of the same text are separate entries
    checks._CACHE.clear()
    check("SELECT * { ?s ?p ?o }")
    check("SELECT * { ?s ?p ?o }", allow_update=True)
    assert len(checks._CACHE) == 2


def test_brackets_hidden_from_the_tokenizer_still_count() -> None:
    """`?x<1#>`: the tokenizer reads an IRI, the engine a less-than and a comment to the end
    of the line, so the closing brackets after it are not the engine's."""
    line = "&&" + "(" * 30 + "?x<1#>" + ")" * 30 + "\n"
    text = "SELECT * { BIND(1 AS ?x) FILTER(?x<1#>\n" + line * 40 + ")" * 1200 + ") }"
    with pytest.raises(QueryError, match="nests brackets deeper than 32 levels"):
        check(text)
    # an IRI with a non-ASCII space or an escape is one token to the engine, and to the check
    assert checks.check_depth("SELECT * { ?s ?p <http://x/\u00a0))))> }") == 1
    assert checks.check_depth("SELECT * { ?s ?p <http://x/\\u0041))))> }") == 1
    # a `#` in an ordinary IRI costs nothing on the lines after it
    values = " ".join(["(1)"] * 100)
    ordinary = f"SELECT * {{ ?s <{RDFS}label> ?o FILTER(?o < 1) }}\nVALUES ?x {{ {values} }}"
    assert checks.check_depth(ordinary) == 4


def test_a_one_shot_process_checks_its_query_without_the_cache() -> None:
    """`kg query` asks one question: neither cachetools nor hashlib is imported for it."""
    code = (
        "import sys\n"
        "from kg.sparql.check import check\n"
        "assert check('SELECT * { ?s ?p ?o }').kind == 'SELECT'\n"
        "print('cachetools' in sys.modules, 'hashlib' in sys.modules)\n"
        "check('ASK { ?s ?p ?o }')\n"
        "print('cachetools' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]
