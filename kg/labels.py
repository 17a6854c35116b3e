"""Names: the one rule that picks an entity's label, and the one way a name finds its entity.

**The label rule** (:func:`pick`): an entity's ``rdfs:label``; where sources give several, the
longest (the fullest name: "Open Container Initiative" over "Open Container"), ties broken by
the alphabetically first, so the choice is the same on every run, store and command. Without
``rdfs:label``, ``skos:prefLabel`` by the same rule, then ``dcterms:title``, then the IRI's
last segment. Every command that shows a name uses it: ``kg query`` tables, ``kg timeline``,
the views, the pages, the derived ownership labels.

**Resolution** (:func:`resolve`): an IRI (``<...>``, ``https://...``), a prefixed name
(``kg:docker``), or a name: a label, an alternative label (``skos:altLabel``) or a former name,
compared case-insensitively. Where several entities carry the name, a label beats an
alternative label, which beats a former name; and among equals an organisation beats a product
("Docker" is Docker, Inc., whose engine is also called Docker). A name still shared lists the
candidates; one that fits none suggests the nearest names.

>>> pick(["Open Container", "Open Container Initiative"])
'Open Container Initiative'
>>> fallback("https://w3id.org/container-kg/id/docker")
'docker'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.errors import UnknownEntity, UsageError
from kg.namespaces import DCTERMS, ECO, PREFIXES, RDFS, SKOS, expand, shorten
from kg.store.terms import iri as iri_term
from kg.store.terms import literal as literal_term
from kg.store.terms import term_text
from kg.store.terms import text as term_value

if TYPE_CHECKING:
    from rdflib.term import Node

    from kg.store import Answer, Store

#: The predicates that name an entity, strongest first.
LABEL_PREDICATES: tuple[str, ...] = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")
#: Other names a person may use for an entity.
OTHER_NAMES: tuple[str, ...] = (SKOS + "altLabel", ECO + "formerName")
CHUNK = 200
#: From this many IRIs on, one query over the whole store beats chunks of VALUES.
MANY = 20_000
#: The IRIs :func:`lookup` asks about (others cannot be written in a query's VALUES).
IRI_SCHEMES = ("http://", "https://", "urn:")


def better(candidate: str, current: str | None) -> bool:
    """True when ``candidate`` wins over ``current`` under the label rule."""
    if current is None:
        return True
    return (len(candidate), current) > (len(current), candidate)


def pick(names: Iterable[str]) -> str | None:
    """The label among several names for one entity (see the module's rule)."""
    best: str | None = None
    for name in names:
        if better(name, best):
            best = name
    return best


def fallback(iri: str) -> str:
    """The name of an entity that has no label: its IRI's last segment.

    >>> fallback("https://w3id.org/container-kg/ontology#Company")
    'Company'
    """
    trimmed = iri.rstrip("#/")
    for sep in ("#", "/", ":"):
        if sep in trimmed:
            return trimmed.rsplit(sep, 1)[1]
    return iri


def values_block(variable: str, iris: Iterable[str]) -> str:
    """``VALUES ?variable { <a> <b> }``, each IRI written by the engine after its own checks;
    one it refuses is left out (it cannot name anything in a store either)."""
    written = []
    for value in iris:
        try:
            written.append(term_text(iri_term(value)))
        except UsageError:
            continue
    return f"VALUES ?{variable} {{ {' '.join(written)} }}"


def lookup(
    store: Store, iris: Iterable[str], select: str, where: str, *, variable: str = "s"
) -> Iterator[tuple[Node | None, ...]]:
    """Rows of ``SELECT select WHERE { VALUES ?s {...} where }`` for many IRIs, asked in
    chunks: one long ``VALUES`` block slows every engine down."""
    for answer in _lookup(store, iris, select, where, variable=variable):
        yield from answer.rows


def _lookup(
    store: Store, iris: Iterable[str], select: str, where: str, *, variable: str = "s"
) -> Iterator[Answer]:
    """The answers of :func:`lookup`, chunk by chunk (read their engine terms with
    :func:`kg.store.terms.text`: no rdflib terms are made)."""
    wanted = sorted({i for i in iris if i.startswith(IRI_SCHEMES)})
    for start in range(0, len(wanted), CHUNK):
        block = values_block(variable, wanted[start : start + CHUNK])
        yield store.query(f"SELECT {select} WHERE {{ {block} {where} }}")


def labels(store: Store, iris: Iterable[str], *, complete: bool = False) -> dict[str, str]:
    """Each IRI's label by the rule; with ``complete``, IRIs without one get :func:`fallback`."""
    wanted = list(dict.fromkeys(iris))
    found: dict[str, dict[int, str]] = {}
    rank = {p: i for i, p in enumerate(LABEL_PREDICATES)}
    predicates = ", ".join(f"<{p}>" for p in LABEL_PREDICATES)
    # The predicates as a FILTER, not a second VALUES block: with two, Oxigraph scans every
    # label of the store for each chunk of IRIs (quadratic: 12 s for 11,600 IRIs at 100k
    # triples); with one, it reads each IRI's own triples (0.8 s, the same labels).
    rows: Iterable[Any]
    if len(wanted) < MANY:
        rows = (
            row
            for answer in _lookup(
                store,
                wanted,
                "?s ?p ?l",
                f"?s ?p ?l . FILTER(?p IN ({predicates}) && isLiteral(?l))",
            )
            for row in answer.terms
        )
    else:
        # Many IRIs (the ownership periods' at 1M triples: 90,000): every label of the store
        # in one query, kept where asked (9 s in chunks, 2 s so; the same labels).
        union = " UNION ".join(f"{{ ?s <{p}> ?l BIND(<{p}> AS ?p) }}" for p in LABEL_PREDICATES)
        asked = {i for i in wanted if i.startswith(IRI_SCHEMES)}  # as lookup() asks
        rows = (
            row
            for row in store.query(
                f"SELECT ?s ?p ?l WHERE {{ {union} FILTER(isLiteral(?l)) }}"
            ).terms
            if term_value(row[0]) in asked
        )
    for s, p, name in rows:
        choices = found.setdefault(term_value(s), {})
        i, value = rank[term_value(p)], term_value(name)
        if better(value, choices.get(i)):
            choices[i] = value
    out = {iri: choices[min(choices)] for iri, choices in found.items()}
    if complete:
        for iri in wanted:
            out.setdefault(iri, fallback(iri))
    return out


def label(store: Store, iri: str) -> str:
    """One IRI's label by the rule (its last segment when it has none)."""
    return labels(store, [iri], complete=True)[iri]


# --- resolution -----------------------------------------------------------------------------

_PREFIXED = re.compile(r"[A-Za-z][\w-]*:[\w./-]+")

_BY_NAME = f"""SELECT ?e ?name (MIN(?tier) AS ?rank) WHERE {{
  {{ ?e <{RDFS}label> ?l BIND(1 AS ?tier) }}
  UNION {{ ?e <{SKOS}prefLabel> ?l BIND(2 AS ?tier) }}
  UNION {{ ?e <{SKOS}altLabel> ?l BIND(3 AS ?tier) }}
  UNION {{ ?e <{ECO}formerName> ?l BIND(4 AS ?tier) }}
  UNION {{ ?r <{ECO}formerName> ?l ; <{ECO}organization>|<{ECO}product> ?e BIND(4 AS ?tier) }}
  FILTER(isIRI(?e) && LCASE(STR(?l)) = LCASE(STR(?name)))
}} GROUP BY ?e ?name ORDER BY ?e"""

_ALL_NAMES = f"""SELECT ?e ?l WHERE {{
  ?e <{RDFS}label>|<{SKOS}prefLabel>|<{SKOS}altLabel>|<{ECO}formerName> ?l . FILTER(isIRI(?e))
}}"""

_TYPES = "SELECT ?e ?t WHERE { ?e a ?t }"
_BELOW = f"SELECT ?t ?top WHERE {{ VALUES ?top {{ {{tops}} }} ?t <{RDFS}subClassOf>* ?top }}"
#: What names a thing that is not an entity: events, derived periods, sources.
_NOT_ENTITIES = (ECO + "Event", ECO + "Ownership", ECO + "Source")


def _classes_below(store: Store, *tops: str) -> dict[str, set[str]]:
    """Each of ``tops`` with every class below it (one query, not a path per row)."""
    text = _BELOW.replace("{tops}", " ".join(f"<{t}>" for t in tops))
    found: dict[str, set[str]] = {t: {t} for t in tops}
    for t, top in store.query(text).terms:
        found[term_value(top)].add(term_value(t))
    return found


def _kinds(store: Store, iris: set[str]) -> dict[str, set[str]]:
    """The classes of each IRI among ``iris``."""
    out: dict[str, set[str]] = {}
    for answer in _lookup(store, iris, "?s ?t", "?s a ?t"):
        for row in answer.terms:
            out.setdefault(term_value(row[0]), set()).add(term_value(row[1]))
    return out


def as_iri(text: str) -> str | None:
    """The IRI ``text`` writes (``<...>``, an address, or a prefixed name of a known prefix),
    or None when it is a name."""
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if re.fullmatch(r"(https?|urn):\S+", value):
        return value
    if _PREFIXED.fullmatch(value) and value.split(":", 1)[0] in PREFIXES:
        return expand(value)
    return None


def exists(store: Store, iri: str) -> bool:
    answer = store.query(
        "ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }", substitutions={"x": iri_term(iri)}
    )
    return bool(answer.boolean)


def resolve(store: Store, text: str) -> str:
    """The IRI of the entity ``text`` names (see the module's rules)."""
    value = text.strip()
    iri = as_iri(value)
    if iri is not None:
        if exists(store, iri):
            return iri
        raise UnknownEntity(
            f"{shorten(iri).strip('<>')} is not in the graph",
            hint="Check the spelling, or find it by name: kg find NAME.",
        )
    terms = store.query(_BY_NAME, substitutions={"name": literal_term(value)}).terms
    rows = [tuple(term_value(t) for t in row) for row in terms]
    below = _classes_below(store, *_NOT_ENTITIES, ECO + "Organization")
    excluded = set().union(*(below[t] for t in _NOT_ENTITIES))
    kinds = _kinds(store, {r[0] for r in rows})
    ranked = sorted(
        (int(rank), not kinds.get(e, set()) & below[ECO + "Organization"], e)
        for e, _n, rank in rows
        if not kinds.get(e, set()) & excluded
    )
    best = [e for r, o, e in ranked if (r, o) == ranked[0][:2]] if ranked else []
    if len(best) == 1:
        return best[0]
    found = best
    if found:
        names = labels(store, found, complete=True)
        listed = ", ".join(f"{shorten(f)} ({names[f]})" for f in found)
        raise UnknownEntity(
            f"{value!r} names {len(found)} entities: {listed}",
            hint="Give the IRI of the one you mean.",
            candidates=found,
        )
    near = suggestions(store, value)
    hint = "Give its IRI (e.g. kg:coreos), a label or another name; `kg find` searches."
    if near:
        hint = f"Did you mean {', '.join(repr(n) for n in near)}? " + hint
    raise UnknownEntity(f"no entity is named {value!r}", hint=hint)


def suggestions(store: Store, text: str, *, n: int = 3) -> list[str]:
    """The names in the graph nearest to ``text`` (difflib's ratio, case folded)."""
    import difflib  # here, not on top: a one-shot `kg query` rarely needs it

    names: dict[str, str] = {}
    for _e, name in _entity_names(store):
        names.setdefault(name.casefold(), name)
    close = difflib.get_close_matches(text.casefold(), list(names), n=n, cutoff=0.6)
    return [names[c] for c in close]


class Match(NamedTuple):
    """An entity found by :func:`find`: how its name matched, and what it is."""

    iri: str
    label: str
    type: str
    name: str  # the name that matched (a label, an alternative label or a former name)
    how: str  # exact, prefix, contains or similar


def _entity_names(store: Store) -> list[tuple[str, str]]:
    """(IRI, name) for every name of every entity (events, periods and sources left out)."""
    below = _classes_below(store, *_NOT_ENTITIES)
    excluded = set().union(*below.values())
    rows = [(str(e), str(n)) for e, n in store.query(_ALL_NAMES).rows]
    kinds = _kinds(store, {e for e, _n in rows})
    return [(e, n) for e, n in rows if not kinds.get(e, set()) & excluded]


_HOW = ("exact", "prefix", "contains", "similar")


def find(store: Store, text: str, *, limit: int = 20) -> list[Match]:
    """Entities whose name matches ``text``, case-insensitively: exact names first, then
    names that start with it, that contain it, and the most similar (difflib), each group
    organisations before products before the rest."""
    import difflib  # here, not on top: a one-shot `kg query` rarely needs it

    wanted = text.strip().casefold()
    if not wanted:
        return []
    best: dict[str, tuple[int, str, str]] = {}
    for iri, name in _entity_names(store):
        folded = name.casefold()
        if folded == wanted:
            rank = 0
        elif folded.startswith(wanted):
            rank = 1
        elif wanted in folded:
            rank = 2
        elif difflib.SequenceMatcher(None, wanted, folded).ratio() >= 0.75:
            rank = 3
        else:
            continue
        if iri not in best or (rank, len(name)) < (best[iri][0], len(best[iri][1])):
            best[iri] = (rank, name, "")
    names = labels(store, best, complete=True)
    types = {
        iri: {fallback(t) for t in kinds if t.startswith(ECO)}
        for iri, kinds in _kinds(store, set(best)).items()
    }
    order = {"Company": 0, "Organization": 0, "Consortium": 0, "Investor": 0, "Product": 1}

    def kind_of(iri: str) -> str:
        found = types.get(iri, set())
        specific = sorted(found - {"Organization", "Event"}) or sorted(found) or ["Resource"]
        return specific[0]

    ranked = sorted(
        best.items(),
        key=lambda kv: (kv[1][0], order.get(kind_of(kv[0]), 2), names[kv[0]].casefold(), kv[0]),
    )
    return [
        Match(iri, names[iri], kind_of(iri), name, _HOW[rank])
        for iri, (rank, name, _) in ranked[:limit]
    ]
