"""Values for a query's variables: ``-p NAME VALUE`` read as RDF terms (the engine's).

Stores take bindings as terms (Oxigraph's substitutions, SEP-0007): a value is never pasted
into query text. (A remote server has no such API: :mod:`kg.store.remote` writes the values,
each serialised by the engine after its own checks, into a ``VALUES`` block.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kg.errors import QueryError
from kg.namespaces import PREFIXES, XSD, expand
from kg.store.terms import from_ox, iri, literal

if TYPE_CHECKING:
    from rdflib.term import Node

_PNAME_VALUE = re.compile(r"([^\W\d_][\w.-]*)?:([\w./%-]*)")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?', re.S)


def parse_binding(
    value: str, *, prefixes: Mapping[str, str] | None = None, name: str | None = None
) -> Node:
    """The rdflib term for ``-p NAME VALUE`` (:func:`binding_term`, as rdflib's term).

    >>> parse_binding("kg:docker")
    rdflib.term.URIRef('https://w3id.org/container-kg/id/docker')
    """
    term = from_ox(binding_term(value, prefixes=prefixes, name=name))
    assert term is not None
    return term


def binding_term(
    value: str, *, prefixes: Mapping[str, str] | None = None, name: str | None = None
) -> Any:
    """The engine's term for ``-p NAME VALUE`` (no rdflib: a one-shot ``kg query`` needs none).

    ``<iri>``, an ``http(s)://`` address or a prefixed name (``kg:docker``) is an IRI;
    ``2015-03-04`` is an ``xsd:date``, ``2015-03`` an ``xsd:gYearMonth``; ``42`` an integer,
    ``4.5`` a decimal; ``"text"``, ``"text"@en`` and ``"2015"^^xsd:gYear`` are literals as
    written; anything else is a plain string.

    >>> binding_term("2015-03")
    <Literal value=2015-03 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYearMonth>>
    """
    table = {**PREFIXES, **(prefixes or {})}
    where = f" in -p {name} {value}" if name else f" in {value!r}"
    if value.startswith("<") and value.endswith(">"):
        return iri(value[1:-1])
    quoted = _QUOTED.fullmatch(value)
    if quoted:
        text = quoted.group(1).encode("utf-8").decode("unicode_escape")
        if quoted.group(2):
            return literal(text, language=quoted.group(2))
        if quoted.group(3):
            datatype = quoted.group(3)
            full = datatype[1:-1] if datatype.startswith("<") else expand(datatype, prefixes=table)
            if not full:
                raise _unknown_value_prefix(datatype.partition(":")[0], where, table)
            return literal(text, datatype=full)
        return literal(text)
    if re.fullmatch(r"https?://\S+", value):
        return iri(value)
    pname = _PNAME_VALUE.fullmatch(value)
    if pname:
        expanded = expand(value, prefixes=table)
        if expanded is None:
            raise _unknown_value_prefix(pname.group(1) or "", where, table)
        return iri(expanded)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return literal(value, datatype=XSD + "date")
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return literal(value, datatype=XSD + "gYearMonth")
    if re.fullmatch(r"[+-]?\d+", value):
        return literal(str(int(value)), datatype=XSD + "integer")
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return literal(value, datatype=XSD + "decimal")
    return literal(value)


def _unknown_value_prefix(prefix: str, where: str, table: Mapping[str, str]) -> QueryError:
    return QueryError(
        f"unknown prefix '{prefix}:'{where}",
        hint=f"Known prefixes: {', '.join(table)}. Write a full IRI as <...>, "
        'or a string in quotes ("...").',
    )
