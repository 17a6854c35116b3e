"""kg/lexer.py against a real SPARQL parser (rdflib's): the same variables, IRIs and
strings, and keywords inside strings, IRIs and comments never taken for keywords."""

from __future__ import annotations

import pytest
from pyparsing import ParseResults
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql.parser import parseQuery

from kg.lexer import line_col, tokens
from kg.namespaces import PREFIXES
from kg.sparql.library import library

EDGE_CASES = [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://x> { }" }',
    "SELECT ?s WHERE { ?s <http://example.org/LOAD#service> ?o } # SERVICE <http://x>",
    "SELECT ?s WHERE { ?s ?p '''multi\nline SERVICE''' }",
    'SELECT $s ?t WHERE { ?s ?p ?t . FILTER(?t = "a\\"b") }',
    "SELECT ?s WHERE { ?s a <urn:x:y> . ?s ?p _:b1 }",
    'SELECT (CONCAT(?a, "#not a comment") AS ?c) WHERE { ?x ?y ?a }',
]


def parsed_terms(text: str) -> tuple[set[str], set[str], set[str]]:
    """Variables, IRIs and string values in rdflib's parse tree."""
    variables: set[str] = set()
    iris: set[str] = set()
    strings: set[str] = set()
    stack: list[object] = [parseQuery(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, Variable):
            variables.add(str(node))
        elif isinstance(node, URIRef):
            iris.add(str(node))
        elif isinstance(node, Literal):
            strings.add(str(node))
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return variables, iris, strings


def lexed_terms(text: str) -> tuple[set[str], set[str], set[str]]:
    toks = tokens(text)
    variables = {t.text[1:] for t in toks if t.kind == "var"}
    iris = {t.text[1:-1] for t in toks if t.kind == "iri"}
    strings = set()
    for t in toks:
        if t.kind == "string":
            quote = 3 if t.text[:3] in ("'''", '"""') else 1
            strings.add(t.text[quote:-quote].encode().decode("unicode_escape"))
    return variables, iris, strings


@pytest.mark.parametrize("text", EDGE_CASES)
def test_the_lexer_agrees_with_a_parser_on_edge_cases(text: str) -> None:
    v_lex, i_lex, s_lex = lexed_terms(text)
    v_parse, i_parse, s_parse = parsed_terms(text)
    assert v_lex == v_parse
    assert i_lex <= i_parse  # the parser also holds the IRIs of prefixed names
    assert s_lex <= s_parse
    words = {t.upper for t in tokens(text) if t.kind == "word"}
    assert not words & {"SERVICE", "LOAD"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(library()))
def test_the_lexer_agrees_with_a_parser_on_the_library(name: str) -> None:
    text = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items()) + library()[name].text
    v_lex, i_lex, _ = lexed_terms(text)
    v_parse, i_parse, _ = parsed_terms(text)
    assert v_lex == v_parse, name
    assert i_lex <= i_parse, name


def test_comments_are_skipped_and_positions_kept() -> None:
    text = "SELECT ?s # a comment with ?var\nWHERE { ?s ?p ?o }"
    toks = tokens(text)
    assert "?var" not in [t.text for t in toks]
    where = next(t for t in toks if t.text == "WHERE")
    assert line_col(text, where.start) == (2, 1)
