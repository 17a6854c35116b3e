"""Text from outside, in messages and in XML: two rules every module shares.

* :func:`excerpt`: a value shown in a message is at most a short excerpt, so no input makes
  an error message large (a YAML file of a few hundred bytes can hold a value that prints as
  gigabytes);
* :func:`xml_safe`: the characters XML 1.0 cannot carry at all (most C0 controls, lone
  surrogates, U+FFFE and U+FFFF; not even as ``&#0;``) are written as U+FFFD by every XML
  writer (GraphML, GEXF, SPARQL XML results, RDF/XML), so each file it writes is one any
  parser reads.

>>> excerpt("x" * 1000, 10)
"'xxxxxxxxxx'… (1,000 characters)"
>>> xml_safe("a\\x00b")
'a�b'
>>> forbidden_in_xml("tab\\tand\\x1b")
'U+001B'
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from pathlib import PurePath

#: Characters outside XML 1.0's ``Char`` production.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
#: How much of a value a message shows.
EXCERPT = 60


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``repr`` of a value cut to ``limit`` characters, with its length when it was cut. A
    container is never expanded (an alias bomb's ``repr`` is gigabytes), nor a huge number."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, list | tuple | dict | set | frozenset):
        return f"a {type(value).__name__} of {len(value):,} entries"
    if isinstance(value, int) and value.bit_length() > 4 * limit:
        return f"a number of {value.bit_length():,} bits"
    short = reprlib.Repr()
    short.maxstring = short.maxother = short.maxlong = limit
    text = short.repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def clip(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters (a message line of bounded size)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def middle(text: str, limit: int = 300) -> str:
    """``text`` cut in the middle to ``limit`` characters: the start and the end stay (an
    engine's message echoes the bad token between its place and what is wrong with it)."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 5
    tail = limit - head - 1
    return f"{text[:head]}…{text[-tail:]}"


def bounded(text: str, *, width: int = 2_000, lines: int = 100) -> str:
    """A message of bounded size whatever it quotes: each line at most ``width`` characters
    (cut in the middle), at most ``lines`` lines."""
    parts = text.split("\n")
    if len(parts) <= lines and all(len(p) <= width for p in parts):
        return text
    kept = [middle(p, width) for p in parts[:lines]]
    if len(parts) > lines:
        kept.append(f"... and {len(parts) - lines:,} more lines")
    return "\n".join(kept)


def one_line(text: str) -> str:
    """``text`` with every character that breaks a line or moves the cursor (controls, line
    and paragraph separators, bidirectional overrides) written as its escape: a message about
    a name from outside stays one line and reads as it is.

    >>> one_line("a\\nb\\u2028c\\u202ed")
    'a\\\\nb\\\\u2028c\\\\u202ed'
    """
    if text.isprintable():
        return text
    return "".join(
        c
        if c == " " or unicodedata.category(c) not in _HIDDEN
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def forbidden_in_xml(text: str) -> str | None:
    """The first character of ``text`` that XML 1.0 cannot carry, as ``U+XXXX``; else None."""
    m = XML_FORBIDDEN.search(text)
    return None if m is None else f"U+{ord(m.group()):04X}"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return XML_FORBIDDEN.sub(REPLACEMENT, text)


def file_name(path: PurePath) -> str:
    """A file's name as text every writer takes: bytes that are no UTF-8 (Linux names are
    bytes) and characters XML cannot carry become U+FFFD, line breaks become spaces."""
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return xml_safe(" ".join(name.splitlines()))
