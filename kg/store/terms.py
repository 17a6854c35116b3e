"""RDF terms between the engine (pyoxigraph) and the Python API (rdflib), in one place.

The engine parses, stores and answers; rdflib's term classes are what the Python API hands
out (``URIRef``, ``Literal``, ``BNode``), made when asked for: an answer keeps the engine's
terms, and the writers read either kind through :func:`kind`, :func:`text`, :func:`datatype`,
:func:`language` and :func:`nt` without importing rdflib (``kg query`` stays light).
Numbers are normalised to their canonical form, so a query gives identical rows whichever
store answered it (Oxigraph keeps numbers canonical, rdflib keeps the lexical form).

>>> from rdflib import Literal, URIRef
>>> from_ox(to_ox(URIRef("https://w3id.org/container-kg/id/docker")))
rdflib.term.URIRef('https://w3id.org/container-kg/id/docker')
>>> str(normalise(Literal("1.50", datatype=URIRef(XSD + "decimal"))))
'1.5'
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import StoreError, UsageError
from kg.namespaces import XSD

if TYPE_CHECKING:
    from rdflib.term import Node


_QUIET = False


def quiet_rdflib() -> None:
    """Stop rdflib from logging a traceback for every literal whose text does not fit its
    datatype (``"2016-02-30"^^xsd:date``): user data, not a fault of the program (`kg validate`
    reports such a literal as a violation of its own). Called where the project hands data
    to rdflib, not on import: a one-shot `kg query` uses no rdflib, and importing logging
    was a part of its start-up."""
    global _QUIET
    if _QUIET:
        return
    import logging
    import warnings

    class QuietOnUserData(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return not str(record.msg).startswith("Failed to convert Literal lexical form")

    logging.getLogger("rdflib.term").addFilter(QuietOnUserData())
    for message in ("Parsing weird boolean", "Serializing weird numerical"):
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    _QUIET = True


XSD_STRING = XSD + "string"
#: Oxigraph answers numbers in canonical form; rdflib keeps the lexical form. Both are
#: normalised to the value's canonical form so that every store gives the same rows.
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}
#: The numbers Oxigraph already stores in the canonical form that ``normalise`` gives.
_CANONICAL = {XSD + "integer", XSD + "decimal"}
#: The numbers an engine term is rewritten for (through rdflib, as before): rare in answers.
NOT_CANONICAL = frozenset(_NUMERIC - _CANONICAL)
_ENGINE_TERMS = (ox.NamedNode, ox.Literal, ox.BlankNode)


def from_ox(term: Any) -> Node | None:
    """An rdflib term for a pyoxigraph term (``None`` and the default graph give ``None``)."""
    return (_FROM_OX or _converter())(term)


#: The converter, made on first use: rdflib is imported then (``kg --help`` stays light), and
#: its classes and each datatype's IRI are bound once, not looked up for every term. Making
#: the rdflib terms is most of what a query adds to the engine's time (median of 5 over 20k
#: terms: an IRI 1.6 -> 0.9 µs, a decimal 8.9 -> 6.1 µs, a date 9.8 -> 7.4 µs).
_FROM_OX: Any = None


def _converter() -> Any:
    global _FROM_OX
    from rdflib import BNode, Literal, URIRef

    quiet_rdflib()

    named, blank, literal, default = ox.NamedNode, ox.BlankNode, ox.Literal, ox.DefaultGraph
    datatypes: dict[str, URIRef] = {}

    def convert(term: Any) -> Node | None:
        kind = type(term)
        if kind is named:
            return URIRef(term.value)
        if kind is literal:
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == XSD_STRING:
                return Literal(term.value)
            iri = datatypes.get(datatype)
            if iri is None:
                iri = datatypes[datatype] = URIRef(datatype)
            lit = Literal(term.value, datatype=iri)
            if datatype in _CANONICAL:
                return lit  # Oxigraph keeps these in canonical form already ("077" is "77")
            if datatype in _NUMERIC and lit.value is not None:
                return Literal(lit.value, datatype=iri)
            return lit
        if kind is blank:
            return BNode(term.value)
        if term is None or kind is default:
            return None
        raise StoreError(f"unsupported term in an answer: {term!r}")

    _FROM_OX = convert
    return convert


def to_ox(term: Node) -> Any:
    """A pyoxigraph term for an rdflib term (the engine checks IRIs and literals); an engine
    term is returned as it is."""
    if type(term) in _ENGINE_TERMS:
        return term
    from rdflib import BNode, Literal, URIRef

    quiet_rdflib()

    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as exc:
        raise UsageError(f"not a valid RDF term: {str(term)!r}: {exc}") from exc
    raise UsageError(f"cannot use {term!r} as an RDF term")


# --- engine terms, and reading either kind ----------------------------------------------------


def iri(value: str) -> Any:
    """The engine's IRI term (checked by the engine)."""
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise UsageError(f"not a valid IRI: {value!r}: {exc}") from exc


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> Any:
    """The engine's literal term: a plain string, a language-tagged one, or a typed one."""
    try:
        if language:
            return ox.Literal(value, language=language)
        if datatype and datatype != XSD_STRING:
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
        return ox.Literal(value)
    except ValueError as exc:
        raise UsageError(f"not a valid RDF literal: {value!r}: {exc}") from exc


def not_canonical(term: Any) -> bool:
    """True for an engine literal of a number Oxigraph does not keep in canonical form
    (double, float, int, long): rare in answers."""
    return type(term) is ox.Literal and not term.language and term.datatype.value in NOT_CANONICAL


def any_not_canonical(rows: Iterable[Sequence[Any]]) -> bool:
    """:func:`not_canonical` of any term of ``rows``, in one loop: a call per term cost a
    twentieth of reading a 50,000-row answer (entity-facts at 1M triples: 35 ms of 0.85 s)."""
    literal = ox.Literal
    for row in rows:
        for term in row:
            if type(term) is literal and term.datatype.value in NOT_CANONICAL and not term.language:
                return True
    return False


def canonical(term: Any) -> Any:
    """An engine term in the form every store agrees on: a number :func:`not_canonical` goes
    through rdflib as :func:`from_ox` gives it; every other term is returned as it is."""
    if not_canonical(term):
        return to_ox(from_ox(term))  # type: ignore[arg-type]
    return term


def _rdflib() -> Any:
    """rdflib when it has been imported (a term can be rdflib's only then), else None."""
    return sys.modules.get("rdflib")


def kind(term: object) -> str | None:
    """``"iri"``, ``"literal"`` or ``"blank"`` for a term of the engine or of rdflib; None for
    None and for anything else."""
    t = type(term)
    if t is ox.NamedNode:
        return "iri"
    if t is ox.Literal:
        return "literal"
    if t is ox.BlankNode:
        return "blank"
    rdflib = _rdflib() if term is not None else None
    if rdflib is not None:
        if isinstance(term, rdflib.URIRef):
            return "iri"
        if isinstance(term, rdflib.Literal):
            return "literal"
        if isinstance(term, rdflib.BNode):
            return "blank"
    return None


def text(term: object) -> str:
    """A term's text as ``str()`` of its rdflib term reads: an IRI, a literal's lexical form,
    a blank node's id."""
    if type(term) in _ENGINE_TERMS:
        return term.value  # type: ignore[attr-defined]
    return str(term)


def datatype(term: object) -> str | None:
    """A literal's datatype IRI as rdflib gives it (None for a plain string or a language
    string, and for anything but a literal)."""
    if type(term) is ox.Literal:
        if term.language:
            return None
        value: str = term.datatype.value
        return None if value == XSD_STRING else value
    if kind(term) == "literal":
        found = term.datatype  # type: ignore[attr-defined]
        return None if found is None else str(found)
    return None


def language(term: object) -> str | None:
    """A literal's language tag, else None."""
    if type(term) is ox.Literal:
        return term.language or None
    if kind(term) == "literal":
        return term.language  # type: ignore[attr-defined]
    return None


def nt(term: object) -> str:
    """A term in N-Triples syntax, written by Oxigraph."""
    return str(to_ox(term))  # type: ignore[arg-type]


def term_text(term: Node) -> str:
    """A term in N-Triples syntax, written by Oxigraph after its own checks.

    >>> from rdflib import Literal
    >>> term_text(Literal('say "hi"'))
    '"say \\\\"hi\\\\""'
    """
    if kind(term) == "blank":
        raise UsageError("a blank node cannot be written as a value (VALUES takes none)")
    return nt(term)


def normalise(term: Node | None) -> Node | None:
    """The form of a term that every store agrees on (see ``_NUMERIC``)."""
    from rdflib import Literal, URIRef

    quiet_rdflib()

    if isinstance(term, Literal) and term.datatype is not None and term.language is None:
        datatype = str(term.datatype)
        if datatype == XSD_STRING:
            return Literal(str(term))
        if datatype == XSD + "decimal" and term.value is not None:
            # Oxigraph's canonical decimal: "77.0" is "77", "1.50" is "1.5", "-0.0" is "0";
            # Python's Decimal keeps the trailing zeros, so they are dropped here.
            value = term.value
            text = "0" if value == 0 else format(value.normalize(), "f")
            return Literal(text, datatype=URIRef(datatype))
        if datatype in _NUMERIC and term.value is not None:
            return Literal(term.value, datatype=URIRef(datatype))
    return term


def is_iri(term: object) -> bool:
    """True for an IRI (rdflib's ``URIRef`` or the engine's)."""
    return kind(term) == "iri"
