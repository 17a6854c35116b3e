"""The checks before any engine runs a query: read-only, no network, no files, known prefixes.

``SERVICE`` and ``LOAD`` are refused always, so a query never reaches the network or the file
system; an UPDATE is refused unless the caller allows it.

How the refusal agrees with the engine. Oxigraph's parser is a PEG grammar that matches
keywords case-insensitively (ASCII only) and without a word boundary: it reads
``trueSERVICE`` as ``true`` then ``SERVICE``. So the check does not guess at words. A keyword
is its letters, wherever they stand: every place where the text spells ``service`` or
``load`` (any case) is a candidate.

- No candidate: the engine cannot read a SERVICE or a LOAD, whatever else the text holds. This
  is the common case, and costs one scan.
- A candidate that the tokenizer (:mod:`kg.lexer`) does not place inside a string, an
  IRI, a comment, a variable, a blank node, a language tag or after the first letter of a
  prefixed name (``SERVICE:x`` is read as ``SERVICE :x``) is refused.
- Otherwise the engine decides: the text with every candidate's letters replaced (``XXXXXXX``,
  same length, same case) cannot hold the keyword, so the engine can parse it without reaching
  anything; it parses only when every candidate sits inside such a token. A text it cannot
  parse is refused: as SERVICE or LOAD when the parser stops on a candidate, else as the
  syntax error it is.

Oxigraph decodes ``\\uXXXX`` escapes inside strings and IRIs only (not over the whole text, as
SPARQL 1.1 says; ``tests/test_sparql_check.py`` holds the engine to that). A text whose
escapes spell a keyword is refused all the same, so a server that decodes them everywhere
cannot be led to one either.

Nesting deeper than :data:`MAX_DEPTH` brackets is refused before any parser sees it: the
engine's parser recurses once per level (10,000 braces overflow its stack) and its time grows
fast with nested collections.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from kg.errors import QueryError, UnsafeQuery
from kg.lexer import Token, line_col, tokens
from kg.namespaces import PREFIXES
from kg.store import parse_on_empty_store

if TYPE_CHECKING:
    from cachetools import LRUCache

UPDATE_WORDS = frozenset({"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})
UPDATE_WORDS |= {"WITH"}
QUERY_WORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

#: Brackets ``( { [`` a query may nest at most (documented in ``kg query --help``).
MAX_DEPTH = 32

SERVICE_REFUSED = "SERVICE is refused: a query never reaches the network"
LOAD_REFUSED = "LOAD is refused: a query never reads files or URLs"
UPDATE_REFUSED = "SPARQL UPDATE is refused: queries are read-only"

#: The letters of the refused keywords, anywhere: ASCII case only, as the engine matches them.
_KEYWORDS = re.compile(r"service|load", re.IGNORECASE | re.ASCII)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Token kinds inside which a keyword's letters are text, not a keyword.
_INERT = frozenset({"string", "iri", "comment", "var", "bnode"})
_OPEN, _CLOSE = "({[", ")}]"
#: Oxigraph's position in a syntax error.
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


class Checked(NamedTuple):
    """What the checks learned about a query."""

    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE
    declared: Mapping[str, str]


def check(sparql: str, *, allow_update: bool = False) -> Checked:
    """Refuse what a query must not do; name an unknown prefix. Returns the query's kind.

    >>> check("SELECT ?c WHERE { ?c a eco:Company }").kind
    'SELECT'
    """
    # Remembered in a cache bounded by bytes (the text counted: a server sees many large
    # queries): a library query asked again is not tokenised again. Keyed by the text, not a
    # digest, and made for a process's second query: a one-shot `kg query` asks one, and
    # importing hashlib and cachetools was a tenth of its start-up.
    global _CACHE, _CHECKED
    key = (allow_update, sparql)
    with _LOCK:
        entry = _CACHE.get(key) if _CACHE is not None else None
    if entry is None:
        entry = (_check(sparql, allow_update), len(sparql))
        with _LOCK:
            if _CACHE is None and _CHECKED:
                from cachetools import LRUCache

                _CACHE = LRUCache(maxsize=CACHE_BYTES, getsizeof=_size)
            _CHECKED += 1
            if _CACHE is not None and _size(entry) <= CACHE_BYTES:
                _CACHE[key] = entry
    checked = entry[0]
    return Checked(checked.kind, dict(checked.declared))


def _size(entry: tuple[Checked, int]) -> int:
    """Bytes an entry holds, about: its key (the text), the object, the declared prefixes."""
    checked, length = entry
    return 200 + 2 * length + sum(100 + len(k) + len(v) for k, v in checked.declared.items())


#: At most 4 MiB of checks are remembered (per process).
CACHE_BYTES = 4 << 20
_CACHE: LRUCache[tuple[bool, str], tuple[Checked, int]] | None = None
_CHECKED = 0  # queries checked in this process
_LOCK = threading.Lock()


def _check(sparql: str, allow_update: bool) -> Checked:
    toks = tokens(sparql, comments=True)
    check_depth(sparql, toks)
    declared: dict[str, str] = {}
    kind: str | None = None
    used: list[tuple[str, int]] = []
    code = [t for t in toks if t.kind != "comment"]
    for i, tok in enumerate(code):
        if tok.kind == "word":
            upper = tok.upper
            if upper == "PREFIX" and i + 2 < len(code):
                name, iri = code[i + 1].text, code[i + 2].text
                if name.endswith(":") and iri.startswith("<"):
                    declared[name[:-1]] = iri[1:-1]
            if kind is None and upper in QUERY_WORDS:
                kind = upper
            elif kind is None and upper in UPDATE_WORDS | {"LOAD"}:
                kind = "UPDATE"
        elif tok.kind == "pname":
            prev = code[i - 1].upper if i else ""
            if prev != "PREFIX":
                used.append((tok.text.split(":", 1)[0], tok.start))
    update = kind == "UPDATE"
    found = _refuse_keywords(sparql, toks)
    for prefix, pos in used:
        if prefix not in declared and prefix not in PREFIXES:
            line, col = line_col(sparql, pos)
            raise QueryError(
                f"unknown prefix '{prefix}:' at line {line}, column {col}",
                hint=f"Known prefixes: {', '.join(known_prefixes(declared))}. "
                f"Declare others with PREFIX {prefix}: <...>.",
            )
    if update and not allow_update:
        raise UnsafeQuery(
            UPDATE_REFUSED,
            hint="Pass --update to change a local store (memory or oxigraph:PATH) on purpose.",
        )
    if kind is None:
        raise QueryError(
            "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE",
            hint="Check the text, or give a library name (`kg query --list`).",
        )
    if found:
        _engine_agrees(sparql, toks, found, update=update)
    return Checked(kind=kind, declared=declared)


def known_prefixes(declared: Mapping[str, str] | None = None) -> list[str]:
    """The prefixes a query may use: the project's, then its own declarations."""
    return [*PREFIXES, *(p for p in (declared or {}) if p not in PREFIXES)]


def refuse(keyword: str) -> None:
    """Raise the refusal of ``SERVICE`` or ``LOAD``."""
    if keyword.upper() == "SERVICE":
        raise UnsafeQuery(
            SERVICE_REFUSED,
            hint="Query that endpoint itself: kg query --store sparql:URL '...'.",
        )
    raise UnsafeQuery(
        LOAD_REFUSED,
        hint="Add data as TriG under data/ or with `kg import`, then run `kg build`.",
    )


# --- nesting -------------------------------------------------------------------------------


def check_depth(sparql: str, toks: list[Token] | None = None) -> int:
    """The deepest nesting of brackets, or :class:`QueryError` past :data:`MAX_DEPTH`.

    It never counts fewer levels than the engine nests. Brackets inside strings and comments
    do not count. Inside an IRI token they count as far as they open more than they close: a
    ``<`` the engine reads as a less-than makes them brackets. Such an IRI token that holds a
    ``#`` or a quote may hide a comment or a string from the tokenizer, so to the end of its
    line every opening bracket counts and no closing one (a compact, adversarial form:
    ``?x<1#>``; where a long string may open, to the end of the text).
    """
    toks = tokens(sparql, comments=True) if toks is None else toks
    depth = deepest = where = skip_to = 0
    prev: Token | None = None
    for tok in toks:
        if tok.start < skip_to:
            continue
        if tok.kind == "other":
            if tok.text in _OPEN:
                depth += 1
                if depth > deepest:
                    deepest, where = depth, tok.start
            elif tok.text in _CLOSE:
                depth = max(depth - 1, 0)
        elif tok.kind == "iri":
            inner = peak = 0
            for ch in tok.text:
                inner += (ch in _OPEN) - (ch in _CLOSE)
                peak = max(peak, inner)
            if depth + peak > deepest:
                deepest, where = depth + peak, tok.start
            depth += max(inner, 0)
            if _may_be_less_than(prev) and any(c in tok.text for c in "#'"):
                # The engine may read a comment or a string from here to the end of the line
                # (to the end of the text when a long string may open): there, count every
                # opening bracket and no closing one, then go on from the next line.
                eol = sparql.find("\n", tok.end)
                eol = len(sparql) if eol < 0 else eol
                if any(q in sparql[tok.start : eol] for q in ("'''", '"""')):
                    eol = len(sparql)
                depth += sum(sparql.count(c, tok.end, eol) for c in _OPEN)
                if depth > deepest:
                    deepest, where = depth, tok.start
                skip_to = eol
        if tok.kind != "comment":
            prev = tok
        if deepest > MAX_DEPTH:
            break
    if deepest > MAX_DEPTH:
        line, col = line_col(sparql, where)
        raise QueryError(
            f"the query nests brackets deeper than {MAX_DEPTH} levels "
            f"(at line {line}, column {col})",
            hint="Write it flatter: nested groups, sub-queries and collections rarely "
            "need more than a few levels.",
        )
    return deepest


def _may_be_less_than(prev: Token | None) -> bool:
    """True when a ``<`` after ``prev`` may be a less-than: it follows a term or a closing
    bracket."""
    if prev is None:
        return False
    term = prev.kind in ("var", "string", "pname", "iri", "bnode", "word")
    return term or prev.text in ")]" or prev.text.isdigit()


# --- SERVICE and LOAD ----------------------------------------------------------------------


def _refuse_keywords(sparql: str, toks: list[Token]) -> list[tuple[int, int, str]]:
    """Refuse SERVICE and LOAD where the tokens show them; return the candidates that only
    the engine can decide (see the module's text)."""
    found = [(m.start(), m.end(), m.group().upper()) for m in _KEYWORDS.finditer(sparql)]
    if "\\" in sparql:
        decoded = _ESCAPE.sub(_decode_escape, sparql)
        spelled = [m.group().upper() for m in _KEYWORDS.finditer(decoded)]
        if len(spelled) > len(found):
            word = next(w for w in spelled if spelled.count(w) > [f[2] for f in found].count(w))
            raise UnsafeQuery(
                f"{word} spelled with \\u escapes is refused, as {word} is",
                hint="Write letters as letters; SERVICE and LOAD are refused always.",
            )
    starts = [t.start for t in toks]
    for start, _end, word in found:
        if not _inert(toks, starts, start):
            refuse(word)
    return found


def _inert(toks: list[Token], starts: list[int], pos: int) -> bool:
    """True when the tokenizer places ``pos`` inside text that cannot be a keyword."""
    from bisect import bisect_right

    i = bisect_right(starts, pos) - 1
    if i < 0 or pos >= toks[i].end:
        return False
    tok = toks[i]
    if tok.kind in _INERT:
        return tok.kind != "var" or pos > tok.start
    if tok.kind == "pname":
        return pos > tok.start  # `SERVICE:x` is SERVICE then the IRI :x
    # a language tag: "text"@service
    return tok.kind == "word" and i > 0 and toks[i - 1].text == "@" and toks[i - 1].end == tok.start


def _engine_agrees(
    sparql: str, toks: list[Token], found: list[tuple[int, int, str]], *, update: bool
) -> None:
    """Ask the engine to parse the text with the candidates' letters replaced: it parses only
    when no candidate is a keyword. The masked text holds no keyword, so parsing it (on an
    empty store of its own) reaches nothing."""
    parts: list[str] = []
    at = 0
    for start, end, _word in found:
        parts += [sparql[at:start], "".join("X" if c.isupper() else "x" for c in sparql[start:end])]
        at = end
    masked = "".join([*parts, sparql[at:]])
    try:
        parse_on_empty_store(masked, update=update)
    except SyntaxError as exc:
        # Refused as the keyword when the parser stopped on (or just after) a candidate, or
        # when a `<` before one may be a less-than; else it is the syntax error it seems.
        pos = _error_offset(masked, str(exc))
        suspect = _less_than_before(toks, found[-1][0])
        for start, end, word in found:
            if (pos is not None and start <= pos <= end + 16) or start > suspect:
                refuse(word)
        raise explain_syntax_error(sparql, str(exc), update=update) from exc


def _less_than_before(toks: list[Token], before: int) -> int:
    """Where the first IRI token starts that the engine may read as a less-than (one that
    follows a term or a closing bracket), or ``before`` when none does before that."""
    prev: Token | None = None
    for tok in toks:
        if tok.start >= before:
            break
        if tok.kind == "comment":
            continue
        if tok.kind == "iri" and _may_be_less_than(prev):
            return tok.start
        prev = tok
    return before


def _error_offset(text: str, message: str) -> int | None:
    """The character offset of Oxigraph's ``error at LINE:COL``."""
    m = _POSITION.search(message)
    if not m:
        return None
    line, col = int(m.group(1)), int(m.group(2))
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
        if at == 0:
            return None
    return at + col - 1


def _decode_escape(m: re.Match[str]) -> str:
    code = int(m.group(1) or m.group(2), 16)
    return chr(code) if code < 0x110000 else m.group()


# --- syntax errors -------------------------------------------------------------------------

_EXCERPT = 100  # characters of the offending line shown around the column
#: rdflib's parser (pure Python, recursive) locates errors in texts up to this size only.
_RDFLIB_MAX = 20_000


def explain_syntax_error(sparql: str, message: str, *, update: bool = False) -> QueryError:
    """A :class:`QueryError` with the line, the column, the offending text and a caret.

    Oxigraph reports the furthest point its parser tried, often a token past the mistake;
    rdflib's parser (pyparsing) points at the token it could not read, so a query's error is
    located with it (only on this error path, and only for texts up to 20,000 characters: it
    is slower). For an UPDATE, rdflib points at the start of the whole update, so Oxigraph's
    position is kept.
    """
    found = None if update or len(sparql) > _RDFLIB_MAX else _rdflib_position(sparql)
    if found is not None:
        line, col, text, token = found
        detail = f"unexpected {token}"
    else:
        m = _POSITION.search(message)
        if not m:
            return QueryError(f"syntax error: {' '.join(message.split())[:300]}")
        line, col = int(m.group(1)), int(m.group(2))
        detail = " ".join(m.group(3).split())
        if len(detail) > 160:
            detail = detail[:157] + "..."
        lines = sparql.split("\n")
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    text, caret = _excerpt(text.rstrip("\r"), col)
    return QueryError(f"syntax error at line {line}, column {col}: {detail}\n  {text}\n  {caret}")


def _rdflib_position(sparql: str) -> tuple[int, int, str, str] | None:
    """(line, column, the line's text, the token found) where rdflib's parser stops."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseBaseException as exc:
        if exc.loc >= len(exc.pstr.rstrip()):
            token = "end of query"
        else:
            word = re.match(r"[^\s{}()\[\].,;]+|\S", exc.pstr[exc.loc :])
            token = f"'{word.group() if word else exc.pstr[exc.loc]}'"
        return exc.lineno, exc.col, exc.line, token
    except Exception:  # RecursionError and any other failure: Oxigraph's position instead
        return None
    return None


def _excerpt(text: str, col: int) -> tuple[str, str]:
    """The line (a window of it when long) and a caret under column ``col``."""
    start = 0
    if len(text) > _EXCERPT:
        start = max(0, min(col - 1 - _EXCERPT // 2, len(text) - _EXCERPT))
        head = "..." if start > 0 else ""
        tail = "..." if start + _EXCERPT < len(text) else ""
        shown = head + text[start : start + _EXCERPT] + tail
        return shown, " " * (col - 1 - start + len(head)) + "^"
    return text, " " * max(col - 1, 0) + "^"
