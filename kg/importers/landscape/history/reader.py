"""A fast reader of successive ``landscape.yml`` revisions: parse only what changed.

A revision is up to 1.1 MB of YAML and the history has 4,101 of them; PyYAML's C loader takes
about 0.13 s for one, ten minutes for all. Consecutive revisions differ in a few lines, so the
reader cuts the text into *segments*, each starting at a marker line of the landscape's
format (``  - category:``, ``      - subcategory:``, ``          - item:``, any indentation),
parses each segment on its own with the same safe loader, and keeps the parsed segments by
their bytes. Between two revisions only the bytes after the common prefix and before the
common suffix are cut again; their segments are parsed unless an earlier revision had them.

Equivalence with a full parse (``yaml.load(text, CSafeLoader)``), argued in DESIGN.md and
checked against full parses of the real history by the slow tests: the assembled tree is the
full parse's tree whenever these hold, and the reader falls back to a full parse of the
revision when any does not:

1. every segment parses on its own, and none has a line starting ``---`` or ``...``;
2. the text before the first marker (the head) is a mapping whose last content line is
   ``landscape:`` with no value; a category segment is one mapping whose last content line
   is ``subcategories:`` (at the marker's indentation + 2) with no value, or whose
   ``subcategories`` is ``[]``; a subcategory segment likewise with ``items:``;
3. the markers nest as the format does: at least one category, all at one indentation;
   subcategories after a category (not after ``subcategories: []``), at one indentation per
   category, not left of its ``subcategories:`` key; items after a subcategory (not after
   ``items: []``), at one indentation per subcategory, not left of its ``items:`` key.

Why that suffices: a segment starts at a line start. Its parse on its own fails if it leaves
a quoted scalar or a flow collection open, uses an alias it does not define, holds a line
less indented than its marker, or holds more than one document; a block scalar or plain
scalar inside it ends before the next marker, which is less indented than any of its keys.
So the parser reaches each marker line in block context with nothing open, and rules 2 and 3
say which sequence the next entry belongs to, exactly as the full parse would place it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

HEAD, CATEGORY, SUBCATEGORY, ITEM = 0, 1, 2, 3
_KINDS = {b"category": CATEGORY, b"subcategory": SUBCATEGORY, b"item": ITEM}
_LIST_KEY = {CATEGORY: "subcategories", SUBCATEGORY: "items", HEAD: "landscape"}
_MARKER = re.compile(rb"- (category|subcategory|item):[ \t]*\n")
_DOC_MARK = re.compile(rb"(?:^|\n)(?:---|\.\.\.)(?:[ \t\r\n]|$)")
_CHUNK = 1 << 16


class YamlProblem(Exception):
    """A revision that does not parse: the loader's message and line (1-based)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(data: bytes) -> Any:
    """A full parse, as :func:`kg.importers.landscape._load_yaml` does it (the same safe C
    loader), raising :class:`YamlProblem`."""
    import yaml  # deferred: `kg --help` imports the importers, and PyYAML is not needed there

    try:
        return yaml.load(data, Loader=_loader())  # a safe loader: nothing is built or executed
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(str(problem), mark.line + 1 if mark is not None else None) from None


@dataclass(frozen=True, slots=True)
class Segment:
    """One cut of the text: its kind, its marker's indentation, its bytes and parse."""

    kind: int
    indent: int
    text: bytes
    value: Any  # a mapping (head, category, subcategory) or the list of entries (items)
    ok: bool  # parsed on its own and has the shape its kind needs (rules 1 and 2)
    closed: bool = False  # a category or subcategory whose list is ``[]``: no child follows


@dataclass(frozen=True, slots=True)
class Group:
    """The entries of one item segment, with the category and subcategory they are in."""

    category: str
    subcategory: str
    text: bytes | None  # None when the entries come from a full parse
    entries: tuple[Any, ...]


@dataclass
class Change:
    """What a revision changed, in item groups. ``full``: ``added`` is the whole revision."""

    full: bool
    removed: list[Group]
    added: list[Group]
    doc: Any = None  # the head mapping, without ``landscape``


@dataclass
class ReaderStats:
    revisions: int = 0
    segments_parsed: int = 0
    bytes_parsed: int = 0
    bytes_scanned: int = 0
    full_parses: int = 0
    fallbacks: list[str] = field(default_factory=list)


@dataclass
class _Context:
    """What is open where a segment starts: indentations (-1: none yet), names, kind before."""

    cat: int = -1
    sub: int = -1
    item: int = -1
    prev: int = -1
    cat_name: str = ""
    sub_name: str = ""


class ShapeProblem(Exception):
    """A revision whose tree is not the landscape's: categories, subcategories, items."""


def _last_line(text: bytes) -> bytes:
    """The last line that holds something other than blanks or a comment."""
    end = len(text)
    while end > 0:
        start = text.rfind(b"\n", 0, end - 1) + 1 if end > 1 else 0
        line = text[start:end].rstrip(b"\n")
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            return line
        if start == 0:
            return b""
        end = start
    return b""


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_segment(kind: int, indent: int, text: bytes) -> Segment:
    import yaml

    if _DOC_MARK.search(text) and not (kind == HEAD and text.startswith(b"---")):
        return Segment(kind, indent, text, None, False)
    try:
        value = yaml.load(text, Loader=_loader())
    except yaml.YAMLError:
        return Segment(kind, indent, text, None, False)
    if kind == ITEM:
        return Segment(kind, indent, text, value, isinstance(value, list))
    key = _LIST_KEY[kind]
    if kind == HEAD:
        ok = isinstance(value, dict) and key in value and value[key] is None
        last_ok = _last_line(text).rstrip() == b"landscape:"
        return Segment(kind, 0, text, value, ok and last_ok)
    ok = isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)
    mapping: Any = value[0] if ok else None
    if ok and mapping.get(key) == []:
        return Segment(kind, indent, text, mapping, True, closed=True)  # ``items: []``
    ok = ok and key in mapping and mapping[key] is None
    last = _last_line(text)
    ok = ok and last.rstrip() == b" " * (indent + 2) + key.encode() + b":"
    return Segment(kind, indent, text, mapping, ok)


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    lo = 0
    while lo < n:
        hi = min(n, lo + _CHUNK)
        if a[lo:hi] != b[lo:hi]:
            while hi - lo > 1:  # invariant: a[:lo] == b[:lo], and they differ before hi
                mid = (lo + hi) // 2
                if a[lo:mid] == b[lo:mid]:
                    lo = mid
                else:
                    hi = mid
            return lo
        lo = hi
    return n


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """The length of the common end of ``a`` and ``b``, at most ``limit``."""
    la, lb = len(a), len(b)
    n = 0
    while n < limit:
        step = min(limit - n, _CHUNK)
        if a[la - n - step : la - n] != b[lb - n - step : lb - n]:
            lo, hi = n, n + step  # a's last lo bytes equal b's; somewhere before hi they differ
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
                    lo = mid
                else:
                    hi = mid
            return lo
        n += step
    return n


class FastReader:
    """Reads revision after revision, parsing only the segments it has not seen.

    ``read`` returns the item groups that left and came, and keeps the revision's segments
    for the next call. After a revision that breaks a rule of the module docstring the reader
    parses the whole revision instead, and starts cutting afresh at the next one.
    """

    def __init__(self) -> None:
        self.cache: dict[bytes, Segment] = {}
        self.data: bytes = b""
        self.segments: list[Segment] | None = None
        self.stats = ReaderStats()

    def reset(self) -> None:
        """Forget the last revision (the cache of parsed segments stays)."""
        self.data = b""
        self.segments = None

    # --- cutting ----------------------------------------------------------------------

    def _segment(self, kind: int, indent: int, text: bytes) -> Segment:
        seg = self.cache.get(text)
        if seg is None:
            seg = _parse_segment(kind, indent, text)
            self.cache[text] = seg
            self.stats.segments_parsed += 1
            self.stats.bytes_parsed += len(text)
        return seg

    def _cut(self, data: bytes, lo: int, hi: int, head: bool) -> list[Segment]:
        """The segments of ``data[lo:hi]``; ``lo`` is a line start, ``hi`` a marker's line
        start or the end. With ``head``, the text before the first marker is the head."""
        self.stats.bytes_scanned += hi - lo
        starts: list[tuple[int, int, int]] = []
        rfind, count = data.rfind, data.count
        for m in _MARKER.finditer(data, lo, hi):
            at = m.start()
            line = rfind(b"\n", 0, at) + 1
            if line < lo or count(b" ", line, at) != at - line:
                continue  # not alone on its line: part of a segment, not a cut
            starts.append((line, _KINDS[m.group(1)], at - line))
        out: list[Segment] = []
        if head:
            first = starts[0][0] if starts else hi
            out.append(self._segment(HEAD, 0, data[lo:first]))
        elif not starts or starts[0][0] != lo:
            raise AssertionError("a re-cut region must start at a marker")  # a bug, not data
        segment = self._segment
        for i, (start, kind, indent) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else hi
            out.append(segment(kind, indent, data[start:end]))
        return out

    # --- the rules between segments ---------------------------------------------------

    @staticmethod
    def _context(segments: list[Segment], index: int) -> _Context:
        """What is open where segment ``index`` starts (only segments before it are read)."""
        ctx = _Context(prev=segments[index - 1].kind if index > 0 else -1)
        for j in range(index - 1, -1, -1):
            s = segments[j]
            if s.kind == ITEM:
                if ctx.item < 0 and ctx.sub < 0:
                    ctx.item = s.indent
            elif s.kind == SUBCATEGORY:
                if ctx.sub < 0:
                    ctx.sub, ctx.sub_name = s.indent, _name(s)
            elif s.kind == CATEGORY:
                ctx.cat, ctx.cat_name = s.indent, _name(s)
                break
        return ctx

    @staticmethod
    def _check(segments: list[Segment], lo: int, hi: int, ctx: _Context) -> str | None:
        """Rule 3 for ``segments[lo:hi]``, given what comes before; why not, or None."""
        cat, sub, item, prev = ctx.cat, ctx.sub, ctx.item, ctx.prev
        for i in range(lo, hi):
            s = segments[i]
            if not s.ok:
                return f"segment {i} does not parse on its own, or has not the shape of its kind"
            if s.kind == HEAD:
                if i != 0:
                    return "a head after the first segment"
            elif s.kind == CATEGORY:
                if prev < 0 or (cat >= 0 and s.indent != cat):
                    return f"category at column {s.indent}, not {cat}"
                cat, sub, item = s.indent, -1, -1
            elif s.kind == SUBCATEGORY:
                if prev < CATEGORY or cat < 0 or s.indent < cat + 2:
                    return f"subcategory at column {s.indent} outside a category"
                if prev == CATEGORY and segments[i - 1].closed:
                    return "subcategory after `subcategories: []`"
                if sub >= 0 and s.indent != sub:
                    return f"subcategory at column {s.indent}, not {sub}"
                sub, item = s.indent, -1
            else:
                if prev < SUBCATEGORY or sub < 0 or s.indent < sub + 2:
                    return f"item at column {s.indent} outside a subcategory"
                if prev == SUBCATEGORY and segments[i - 1].closed:
                    return "item after `items: []`"
                if item >= 0 and s.indent != item:
                    return f"item at column {s.indent}, not {item}"
                item = s.indent
            prev = s.kind
        return None

    # --- reading ----------------------------------------------------------------------

    def read(self, data: bytes) -> Change:
        """The item groups that ``data`` removes and adds, relative to the last revision.
        Raises :class:`YamlProblem` or :class:`ShapeProblem` for a revision that does not
        parse or is no landscape; the reader then still holds the last good revision."""
        self.stats.revisions += 1
        old = self.segments
        if old is None:
            segments = self._cut(data, 0, len(data), head=True)
            why = self._check(segments, 0, len(segments), _Context())
            if why is None and len(segments) < 2:
                why = "no category"
            if why is not None:
                return self._full(data, why)
            self._keep(data, segments)
            added = self._expand(Counter(_keys(segments, 0, len(segments), _Context())))
            return Change(True, [], added, _head(segments))
        a = self.data
        p = _common_prefix(a, data)
        s = _common_suffix(a, data, min(len(a), len(data)) - p)
        offsets = list(accumulate(self.lengths, initial=0))
        # i0: the last segment whose marker line lies inside the common prefix: the segments
        # before it are the same, and it still starts at the same offset.
        i0 = max(bisect_right(offsets, p, 0, len(old)) - 1, 0)
        if i0 > 0 and offsets[i0] + old[i0].text.find(b"\n") + 1 > p:
            i0 -= 1
        # i1: the first segment starting after the change; from there on the text is the
        # same, shifted by delta (its start's preceding newline is in the common suffix).
        i1 = max(bisect_right(offsets, len(a) - s, 0, len(old)), i0 + 1)
        lo = offsets[i0]
        hi = offsets[i1] + len(data) - len(a) if i1 < len(old) else len(data)
        middle = self._cut(data, lo, hi, head=(i0 == 0))
        # A changed category or subcategory changes the context of the items after it, up
        # to the next one of its rank: those are read again (their bytes are the same).
        ranks = {g.kind for g in old[i0:i1]}.union(g.kind for g in middle)
        stops: tuple[int, ...] = ()
        if CATEGORY in ranks:
            stops = (CATEGORY,)
        elif SUBCATEGORY in ranks:
            stops = (CATEGORY, SUBCATEGORY)
        while stops and i1 < len(old) and old[i1].kind not in stops:
            middle.append(old[i1])
            i1 += 1
        segments = old[:i0] + middle + old[i1:]
        ctx = self._context(old, i0)  # the same before i0 in both revisions
        why = self._check(segments, i0, min(i0 + len(middle) + 1, len(segments)), ctx)
        if why is not None:
            return self._full(data, why)
        # An item segment whose bytes and place did not change cancels out.
        gone = Counter(_keys(old, i0, i1, ctx))
        came = Counter(_keys(segments, i0, i0 + len(middle), ctx))
        removed = self._expand(gone - came)
        added = self._expand(came - gone)
        self._keep(data, segments, (i0, i1, len(middle)))
        return Change(False, removed, added, None)

    def _expand(self, counts: Counter[tuple[str, str, bytes]]) -> list[Group]:
        return [
            Group(cat, sub, text, tuple(self.cache[text].value))
            for (cat, sub, text), n in counts.items()
            for _ in range(n)
        ]

    def _keep(
        self, data: bytes, segments: list[Segment], splice: tuple[int, int, int] | None = None
    ) -> None:
        self.data, self.segments = data, segments
        if splice is None:
            self.lengths = [len(seg.text) for seg in segments]
        else:  # only the lengths of the segments cut again: the others stay where they were
            i0, i1, n = splice
            self.lengths[i0:i1] = [len(seg.text) for seg in segments[i0 : i0 + n]]

    def _full(self, data: bytes, why: str) -> Change:
        self.stats.full_parses += 1
        doc = load_yaml(data)  # raises YamlProblem: the last good revision stays
        groups = tree_groups(doc)  # raises ShapeProblem
        self.stats.fallbacks.append(why)
        self.segments = None  # the next revision is cut afresh
        self.data = b""
        head = {k: v for k, v in doc.items() if k != "landscape"}
        return Change(True, [], groups, head)


def _head(segments: list[Segment]) -> dict[str, Any]:
    value = segments[0].value if segments else None
    return {k: v for k, v in (value or {}).items() if k != "landscape"}


def _name(seg: Segment) -> str:
    name = seg.value.get("name") if isinstance(seg.value, dict) else None
    return name.strip() if isinstance(name, str) else ""


def _keys(
    segments: list[Segment], lo: int, hi: int, ctx: _Context
) -> Iterable[tuple[str, str, bytes]]:
    """The item segments of ``segments[lo:hi]`` with the category and subcategory each is in
    (``ctx``: where ``lo`` starts)."""
    cat, sub = ctx.cat_name, ctx.sub_name
    for i in range(lo, hi):
        s = segments[i]
        kind = s.kind
        if kind == ITEM:
            if s.value:
                yield cat, sub, s.text
        elif kind == SUBCATEGORY:
            sub = _name(s)
        elif kind == CATEGORY:
            cat, sub = _name(s), ""


def tree_groups(doc: Any) -> list[Group]:
    """The item groups of a fully parsed revision; :class:`ShapeProblem` names what in the
    tree is not a landscape's (the same shape :func:`kg.importers.landscape.read_landscape`
    accepts: a ``landscape`` list of categories with ``subcategories`` with ``items``)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("landscape"), list):
        keys = ", ".join(sorted(map(str, doc))) if isinstance(doc, dict) else type(doc).__name__
        raise ShapeProblem(f"no top-level `landscape:` list of categories (found: {keys})")
    out: list[Group] = []
    for ci, cat in enumerate(doc["landscape"], 1):
        if not isinstance(cat, dict) or "subcategories" not in cat:
            raise ShapeProblem(f"category #{ci} is not a mapping with `subcategories`")
        cname = cat.get("name")
        cname = cname.strip() if isinstance(cname, str) else ""
        subs = cat.get("subcategories") or []
        if not isinstance(subs, list):
            raise ShapeProblem(f"category {cname or ci}: `subcategories` is not a list")
        for si, sub in enumerate(subs, 1):
            if not isinstance(sub, dict) or "items" not in sub:
                raise ShapeProblem(
                    f"{cname} / subcategory #{si} is not a mapping with `items` (an unknown shape)"
                )
            sname = sub.get("name")
            sname = sname.strip() if isinstance(sname, str) else ""
            items = sub.get("items") or []
            if not isinstance(items, list):
                raise ShapeProblem(f"{cname} / {sname}: `items` is not a list")
            if items:
                out.append(Group(cname, sname, None, tuple(items)))
    return out
