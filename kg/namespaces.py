"""The project's namespaces and the prefixes every query knows without declaring them."""

from __future__ import annotations

from typing import Final

ECO: Final = "https://w3id.org/container-kg/ontology#"
KG: Final = "https://w3id.org/container-kg/id/"
ONTOLOGY_GRAPH: Final = "https://w3id.org/container-kg/ontology"
ESSAY_SOURCE: Final = KG + "essay-2015"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
SCHEMA: Final = "https://schema.org/"
ORG: Final = "http://www.w3.org/ns/org#"
PROV: Final = "http://www.w3.org/ns/prov#"
DCTERMS: Final = "http://purl.org/dc/terms/"
SH: Final = "http://www.w3.org/ns/shacl#"

#: Prefixes known to every query, in the order they are listed to users.
PREFIXES: Final[dict[str, str]] = {
    "eco": ECO,
    "kg": KG,
    "schema": SCHEMA,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

DATE_TYPES: Final = frozenset({XSD + "date", XSD + "gYearMonth", XSD + "gYear"})


def expand(name: str, *, prefixes: dict[str, str] | None = None) -> str | None:
    """Expand ``eco:Company`` to a full IRI; return None when the prefix is unknown.

    >>> expand("kg:docker")
    'https://w3id.org/container-kg/id/docker'
    """
    prefix, sep, local = name.partition(":")
    if not sep:
        return None
    table = PREFIXES if prefixes is None else prefixes
    base = table.get(prefix)
    return None if base is None else base + local


def shorten(iri: str, *, prefixes: dict[str, str] | None = None) -> str:
    """Write an IRI as a prefixed name where a known prefix fits, else as ``<iri>``.

    >>> shorten("https://w3id.org/container-kg/id/docker")
    'kg:docker'
    """
    table = PREFIXES if prefixes is None else prefixes
    best = ""
    best_prefix = ""
    for prefix, base in table.items():
        if iri.startswith(base) and len(base) > len(best):
            best, best_prefix = base, prefix
    if best:
        local = iri[len(best) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best_prefix}:{local}"
    return f"<{iri}>"


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX declarations for the project's prefixes, for engines that take no prefix map."""
    table = PREFIXES if prefixes is None else prefixes
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in table.items())
