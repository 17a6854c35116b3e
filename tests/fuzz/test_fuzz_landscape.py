"""Fuzzing the landscape importer: documents of every era's shape, hostile strings, aliases,
dates, duplicate keys, truncation and sizes.

Every document either imports (and then `kg build` takes the result) or fails with a
:class:`~kg.errors.KgError`: one message of bounded size, no traceback, nothing written, and
memory bounded by the size of the input. The shapes come from the three fixtures in
tests/fixtures/landscape/ and the real files in ../shared/data/cncf-landscape/ (2018: `item:`
and `category:` markers, no `extra`; 2024: `extra` with quoted dates, `organization`,
`second_path`, `additional_repos`; 2026: markers optional, `second_path` lists, members).

`ci` runs a few hundred documents; `KG_FUZZ_PROFILE=long` (make fuzz) ten thousand.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from kg import resources
from kg.build import build
from kg.errors import KgError
from kg.importers.landscape import import_landscape
from kg.importers.landscape.linking import CuratedIndex, Overrides, index_curated
from kg.importers.landscape.read import MAX_TEXT
from kg.namespaces import ECO
from kg.sources import SourceFile, ontology_files, parse_file, read_sources
from kg.store import Literal
from kg.text import forbidden_in_xml
from tests.conftest import FIXTURES

CURATED = FIXTURES / "landscape" / "curated.trig"
#: The longest message an import may print: 25 listed problems of at most ~600 characters.
MESSAGE_LIMIT = 20_000
#: Memory an import may take beyond the document itself (Python objects, the graph, the TriG).
MEMORY_BASE = 64 * 2**20
MEMORY_PER_BYTE = 60


#: A long run (make fuzz) takes longer than the suite's 300 s per test.
pytestmark = pytest.mark.timeout(0 if os.environ.get("KG_FUZZ_PROFILE") == "long" else 300)

# --- strategies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """A token written into the YAML as it is (an unquoted date, an alias, a tag)."""

    text: str


@dataclass(frozen=True)
class Dup:
    """A key that repeats a key of its mapping."""

    key: str


HOSTILE_CHARS = (
    "\x00\x01\x08\x0b\x0c\x1b\x1c\x1f\x7f\x85\xa0\u2028\u2029\ufeff\ufffe\uffff\U0010ffff"
    "\ud800\t\n\r \"'\\&<>{}[]%#:*!|>-@`,?"
)
hostile_text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARS)), max_size=30
)
big_text = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["x", "é", "\u2028", "\x00"]),
    st.sampled_from([5_000, 70_000]),
)
plain_texts = st.sampled_from(
    ["", " ", "A tool.", '"quoted" & <b>bold</b>', "@prefix kg: <http://evil/> .", "a\u2028b\x85c"]
)
plain_names = st.sampled_from(
    [
        "Widget", "Gizmo", "Sprocket", "Widget Lens", "KEDA", "KEDA (Serverless)", "Initech",
        "Red Hat (member)", "C++", "开放原子", "Twin", "  padded  ", "Acme Corp", "Docker",
        "<script>alert(1)</script>", "a\u2028b", "Ünïcode",
    ]
)  # fmt: skip
plain_urls = st.sampled_from(
    [
        "https://widget.example/", "HTTPS://Widget.example/", "http://gizmo.example",
        "HtTp://x.example/a?b=c#d", "ftp://files.example/", "javascript:alert(1)",
        "https://[::1", "https://x.example:port/", "https://", " https://pad.example/ ",
        "https://exa mple.example/a b", "https://github.com/acme/widget", "https://é.example/ü",
    ]
)  # fmt: skip
plain_crunchbase = st.sampled_from(
    [
        "https://www.crunchbase.com/organization/acme-corp",
        "https://www.crunchbase.com/organization/globex-holdings?utm_source=x",
        "https://www.crunchbase.com/organization/a%00b",
        "https://www.crunchbase.com/organization/%F0%9F%98%80",
        "https://crunchbase.com/organization/twin/",
        "https://example.com/organization/x",
    ]
)
dates = st.sampled_from(
    [
        "2021-02-03", "2021-02", "2021", "2021-02-30", "2021-13-01", "2021-00", "0000-01-01",
        "9999-12-31", "2021-02-03T10:00:00Z", "2021-2-3", "soon", "", "2021-02-03 10:00",
    ]
)  # fmt: skip
raw_tokens = st.sampled_from(
    [
        "2021-02-30", "2021-13-01", "2021-02-03", "2021-02-03 10:00:00", "2021-02-30T25:61:61Z",
        "!!binary xx!", "!!python/object:os.system x", "*a", "*nowhere", "&b anchored", "9" * 5000,
        "0x1F", ".inf", ".nan", "~", "yes", "!!timestamp 2020-99-99", "'unterminated",
        "{a: 1, a: 2}", "[", "!!set {a, b}", "!!omap [a: 1]", "<<: *a", '"\\ud800"', '"\\0"',
    ]
)  # fmt: skip
scalars = st.none() | st.booleans() | st.integers() | st.floats() | hostile_text
junk: st.SearchStrategy[Any] = st.recursive(
    scalars | st.builds(Raw, raw_tokens),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


@dataclass(frozen=True)
class Pools:
    """The values of one document: plain ones, and hostile ones once in ``rate`` draws (never
    when ``rate`` is 0)."""

    rate: int

    def pick(self, draw: st.DrawFn, plain: st.SearchStrategy[Any], hostile: Any = None) -> Any:
        if self.rate and draw(st.integers(0, self.rate - 1)) == 0:
            return draw(st.one_of(junk, hostile) if hostile is not None else junk)
        return draw(plain)


@st.composite
def items(draw: st.DrawFn, era: str, pools: Pools, known: list[str]) -> dict[Any, Any]:
    pick = functools.partial(pools.pick, draw)
    urls = (plain_urls, st.builds(lambda s: f"https://{s}.example/", hostile_text) | st.just(""))
    item: dict[Any, Any] = {}
    if era != "2026" or draw(st.booleans()):
        item["item"] = None
    item["name"] = pick(plain_names, hostile_text)
    if not pools.rate or draw(st.integers(0, 9)) > 0:
        item["homepage_url"] = pick(*urls)
    for key, plain, hostile in [
        ("repo_url", *urls),
        ("logo", st.just("logo.svg"), None),
        ("twitter", plain_urls, None),
        ("crunchbase", plain_crunchbase, hostile_text),
        ("description", plain_texts, st.one_of(hostile_text, big_text)),
        ("project", st.sampled_from(["sandbox", "incubating", "graduated", "archived"]), None),
    ]:
        if draw(st.booleans()):
            item[key] = pick(plain, hostile)
    if era != "2018":
        if draw(st.integers(0, 3)) == 0:
            item["organization"] = pick(
                st.one_of(st.fixed_dictionaries({"name": plain_names}), plain_crunchbase)
            )
        if draw(st.integers(0, 3)) == 0:
            paths = st.sampled_from([*known, "Nowhere / Nothing"])
            item["second_path"] = pick(st.lists(paths, max_size=3))
        if draw(st.integers(0, 4)) == 0:
            item["additional_repos"] = pick(
                st.lists(st.fixed_dictionaries({"repo_url": plain_urls}), max_size=2)
            )
        if draw(st.booleans()):
            extra: dict[Any, Any] = {}
            for key in ("accepted", "incubating", "graduated", "archived"):
                if draw(st.booleans()):
                    real = st.sampled_from(["2021-02-03", "2021-02", "2021", "2019-02-28"])
                    extra[key] = pick(st.one_of(real, st.builds(Raw, real)), dates)
            if draw(st.booleans()):
                extra["parent_project"] = pick(plain_names)
            if draw(st.booleans()):
                extra["summary_tags"] = "a, b"
            item["extra"] = pick(st.just(extra))
    if pools.rate and draw(st.integers(0, pools.rate - 1)) == 0:
        item[Dup(draw(st.sampled_from(sorted(k for k in item if isinstance(k, str)))))] = "again"
    return item


@st.composite
def documents(draw: st.DrawFn, hostile: bool = True) -> bytes:
    """A landscape.yml of one of the three eras, as bytes. Half the hostile documents hold
    no junk (most of them import); the others hold some, now and then."""
    era = draw(st.sampled_from(["2018", "2024", "2026"]))
    pools = Pools(draw(st.sampled_from([0, 0, 8, 30])) if hostile else 0)
    unique = not pools.rate  # a name twice is a problem of the file: hostile documents only
    category_names = draw(
        st.lists(st.sampled_from(["Runtime", "Platform", "CNCF Members", "开放"]),
                 min_size=1, max_size=2, unique=unique)
    )  # fmt: skip
    subcategory_names = draw(
        st.lists(st.sampled_from(["Container Runtime", "Scheduling", "Silver", "Empty"]),
                 min_size=1, max_size=2, unique=unique)
    )  # fmt: skip
    known = [f"{c} / {s}" for c in category_names for s in subcategory_names]
    landscape = []
    for category in category_names:
        subs = []
        for sub in subcategory_names:
            by_name = (lambda i: i["name"]) if unique else None
            entries = draw(st.lists(items(era, pools, known), max_size=4, unique_by=by_name))
            subcategory: dict[str, Any] = {"subcategory": None} if era != "2026" else {}
            subcategory.update(name=sub, items=entries or None)
            subs.append(subcategory)
        cat: dict[str, Any] = {"category": None} if era != "2026" else {}
        cat.update(name=category, subcategories=subs)
        landscape.append(pools.pick(draw, st.just(cat)))
    text = dump({"landscape": landscape})
    if hostile and draw(st.integers(0, 9)) == 0:  # an anchor, and aliases of it
        text = "anchors: &a [lol, lol]\n" + text.replace("'logo.svg'", "*a")
    if hostile and draw(st.integers(0, 29)) == 0:  # an alias bomb
        bomb = ['b0: &b0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        bomb += [f"b{i}: &b{i} [{','.join([f'*b{i - 1}'] * 9)}]" for i in range(1, 7)]
        text = "\n".join(bomb) + "\n" + text.replace("'logo.svg'", "*b6", 1)
    if hostile and draw(st.integers(0, 9)) == 0:  # cut short: often still valid YAML
        text = text[: draw(st.integers(0, len(text)))]
    encoding = "utf-16" if hostile and draw(st.integers(0, 19)) == 0 else "utf-8"
    return text.encode(encoding, "surrogatepass")


def dump(data: Any) -> str:
    """YAML of ``data`` with the :class:`Raw` tokens and :class:`Dup` keys written in."""
    tokens: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Raw | Dup):
            tokens.append(value.text if isinstance(value, Raw) else value.key)
            return f"@@{len(tokens) - 1}@@"
        if isinstance(value, dict):
            return {mark(k): mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = yaml.safe_dump(mark(data), sort_keys=False, allow_unicode=True, width=10_000)
    return re.sub(r"'?@@(\d+)@@'?", lambda m: tokens[int(m.group(1))], text)


# --- the properties ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated() -> CuratedIndex:
    return index_curated(read_sources([*ontology_files(), SourceFile(CURATED, None)]))


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kg-fuzz-") as folder:
        yield Path(folder)


def fresh(workdir: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=workdir))
    return folder


def import_or_fail(doc: bytes, folder: Path, curated: CuratedIndex) -> Path | None:
    """Import ``doc``; the output file, or None after checking the failure is a clean one."""
    path = folder / "landscape-2026-01-01.yml"
    path.write_bytes(doc)
    out = folder / "imports"
    tracemalloc.start()
    try:
        report = import_landscape(path, out_dir=out, curated=curated, overrides=Overrides())
    except KgError as exc:
        message = str(exc)
        event(f"refused: {type(exc).__name__}")
        assert exc.exit_code != 0
        assert len(message) <= MESSAGE_LIMIT, len(message)
        assert message.startswith(str(path)) or str(path) in message.splitlines()[0]
        assert not out.exists() or not any(out.iterdir())  # nothing written
        return None
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak <= MEMORY_BASE + MEMORY_PER_BYTE * len(doc), peak
    assert report.output.is_file()
    event("imported")
    return report.output


def check_output(output: Path) -> None:
    """What every import writes: one graph the engine reads, text any writer takes, web
    addresses only."""
    quads = list(parse_file(SourceFile(output, None)))
    assert len({q.graph_name for q in quads}) == 1
    for q in quads:
        if isinstance(q.object, Literal):
            value = q.object.value
            assert forbidden_in_xml(value) is None, (q.predicate, value[:80])
            assert len(value) <= MAX_TEXT
            if q.predicate.value in (ECO + "homepage", ECO + "repository"):
                assert re.match(r"https?://[^/\s]", value), value


@pytest.mark.slow
@given(doc=documents())
def test_any_document_imports_or_fails_in_one_bounded_message(
    doc: bytes, curated: CuratedIndex, workdir: Path
) -> None:
    folder = fresh(workdir)
    try:
        output = import_or_fail(doc, folder, curated)
        if output is not None:
            check_output(output)
    finally:
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def curated_data(workdir: Path) -> Path:
    """The data a round trip builds with: the essay (the category scheme cites it) and the
    curated fixture the import links against."""
    data = workdir / "data"
    data.mkdir()
    shutil.copy(resources.data_dir() / "essay-2015.trig", data)
    shutil.copy(CURATED, data)
    return data


@pytest.mark.slow
@settings(max_examples=max(10, settings.default.max_examples // 10))
@given(doc=documents(hostile=False))
def test_what_imports_builds(
    doc: bytes, curated: CuratedIndex, workdir: Path, curated_data: Path
) -> None:
    folder = fresh(workdir)
    try:
        output = import_or_fail(doc, folder, curated)
        if output is not None:
            result = build(
                out=folder / "dist", data=curated_data, imports=output.parent, formats=("nt",)
            )
            assert result.violations == []
    finally:
        shutil.rmtree(folder)


@pytest.mark.slow
def test_the_strategy_reaches_both_outcomes(curated: CuratedIndex, workdir: Path) -> None:
    """The fuzzing is honest only if some documents import and some fail: a strategy that
    always failed (or never did) would test nothing."""
    outcomes: set[bool] = set()

    @settings(max_examples=60, database=None)
    @given(doc=documents())
    def sample(doc: bytes) -> None:
        folder = fresh(workdir)
        try:
            outcomes.add(import_or_fail(doc, folder, curated) is not None)
        finally:
            shutil.rmtree(folder)

    sample()
    assert outcomes == {True, False}
