"""The landscape history engine: a repository built here (fast), and the real bundle (slow)."""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import DataError, LandscapeFormatError, SourceSyntaxError, UsageError
from kg.importers.landscape.history import (
    KINDS,
    FastReader,
    HistoryState,
    NoLandscapeHistory,
    NotAGitRepository,
    StateMismatch,
    import_history,
    load_state,
    load_yaml,
    make_entry,
    read_group,
    save_state,
    to_jsonl,
    tree_groups,
)
from kg.importers.landscape.history.reader import ShapeProblem, YamlProblem
from kg.importers.landscape.history.snapshot import SnapshotBuilder
from tests.helpers.landscape_repo import GIT, UPSTREAM, cat, cb, commit, item, sub
from tests.helpers.landscape_repo import git as _git

# The shared/ folder beside the checkout; KG_LANDSCAPE_DATA points elsewhere (a worktree).
DATA = Path(
    os.environ.get(
        "KG_LANDSCAPE_DATA", Path(__file__).parents[1] / ".." / "shared" / "data" / "cncf-landscape"
    )
)
BUNDLE = DATA / "landscape-history.bundle"
pytestmark = pytest.mark.skipif(GIT is None, reason="the git command is needed to build repos")

# --- a repository built by the tests -------------------------------------------------------

HEAD_2018 = "landscape:\n"
LS = "\u2028"


ALPHA = item(
    "Alpha",
    homepage_url="'https://alpha.example/'",
    repo_url="'https://github.com/alpha/alpha'",
    logo="alpha.svg",
    crunchbase=cb("alpha-inc"),
    cncf_project="sandbox",
)
BETA_2018 = item(
    "Beta",
    homepage_url="'https://beta.example/'",
    repo_url="'https://github.com/beta/beta'",
    logo="beta.svg",
    crunchbase=cb("beta-co"),
    cncf_project="incubating",
)
DELTA = item("Delta", homepage_url="'https://delta.example/'", crunchbase=cb("delta"))
DIST = item("Dist X", homepage_url="'https://distx.example/'", crunchbase=cb("distx"))
ACME = item("Acme (KCSP)", homepage_url="'https://acme.example/'", crunchbase=cb("acme"))
# A hostile name (quotes, angle brackets, an escaped U+2028), a raw U+2028 inside a quoted
# description, and a folded block whose text holds a line that looks like an item marker.
GAMMA_NAME = '"Gamma \\"q\\" <b>&amp;\\u2028x"'
GAMMA = (
    item(
        GAMMA_NAME,
        homepage_url="'https://gamma.example/'",
        crunchbase=cb("gamma"),
        summary=f'"one{LS}two"',
    )
    + "            description: >-\n"
    "              A runtime whose description holds\n"
    "              - item:\n"
    "              a marker-looking line.\n"
)
GAMMA_VALUE = 'Gamma "q" <b>&amp;\u2028x'

R0 = HEAD_2018 + (
    cat(
        "Runtime",
        sub("Container Runtime", ALPHA + BETA_2018) + sub("Cloud-Native Storage", DELTA),
    )
    + cat(
        "Platform",
        sub("Certified Kubernetes - Distribution", DIST) + sub("Non-Certified Kubernetes", ""),
    )
    + cat("Special", sub("Kubernetes Certified Service Provider", ACME))
)
R1 = R0.replace(BETA_2018, BETA_2018 + GAMMA)

ALPHA_PRIME = item(
    "Alpha Prime",
    homepage_url="'https://alpha-prime.example/'",
    repo_url="'https://github.com/alpha/alpha'",
    crunchbase=cb("alpha-inc"),
    project="sandbox",
)
BETA_2019 = item(
    "Beta",
    homepage_url="'https://beta.example/'",
    repo_url="'https://github.com/beta/beta'",
    crunchbase=cb("beta-co"),
    project="graduated",
) + (
    "            extra:\n"
    "              accepted: '2017-01-01'\n"
    "              incubating: '2017-06-01'\n"
    "              graduated: '2019-01-10'\n"
)
GAMMA_2019 = GAMMA.replace(cb("gamma"), cb("gamma-acquirer")).replace(
    "              - item:\n", "              an item\n"
)
EPSILON = item(
    "Epsilon",
    homepage_url="'https://epsilon.example/'",
    repo_url="'https://github.com/epsilon/epsilon'",
    crunchbase=cb("epsilon"),
    project="sandbox",
) + ("            extra:\n              accepted: '2019-01-14'\n")


def r2_body(storage_extra: str = "", platform: str | None = None, special: str = "") -> str:
    plat = platform or (
        sub("Certified Kubernetes - Distribution", DIST) + sub("Non-Certified Kubernetes", "")
    )
    body = cat(
        "Runtime",
        sub("Container Runtime", ALPHA_PRIME + GAMMA_2019 + EPSILON)
        + sub("Cloud-Native Storage", BETA_2019 + storage_extra),
    ) + cat("Platform", plat)
    return body + (special or cat("Special", sub("Kubernetes Certified Service Provider", ACME)))


R2 = HEAD_2018 + r2_body()
R3_BROKEN = R2.replace("name: Epsilon", "name: 'Epsilon")  # an unterminated quote

BIG = item("Big Co (member)", homepage_url="'https://big.example/'", crunchbase=cb("big"))
SMALL = item(
    "Small Co (member)",
    homepage_url="'https://small.example/'",
    crunchbase=cb("small"),
    joined="'2019-07-01'",
)
NEW = item(
    "New Co (member)",
    homepage_url="'https://new.example/'",
    crunchbase=cb("new"),
    joined="2020-01-01",
)


def members(platinum: str, gold: str, silver: str) -> str:
    return cat(
        "CNCF Members",
        sub("Platinum", platinum) + sub("Gold", gold) + sub("Silver", silver),
    )


PLATFORM_R4 = sub("Certified Kubernetes - Distribution", "") + sub("Non-Certified Kubernetes", DIST)
SPECIAL_R4 = cat("Special", sub("Kubernetes Certified Service Provider", ""))
R4 = HEAD_2018 + r2_body(platform=PLATFORM_R4, special=SPECIAL_R4) + members(BIG, "", SMALL)
R5 = HEAD_2018 + r2_body(platform=PLATFORM_R4, special=SPECIAL_R4) + members("", NEW + SMALL, "")

# landscape2: a schema comment first, unquoted URLs, one subcategory with its items at the
# same column as `items:` (compact), an `items: []`, and a training partner.
L2_HEAD = (
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/cncf/landscape2/"
    "refs/heads/main/docs/config/schema/data.schema.json\n\nlandscape:\n"
)
EPSILON_ARCHIVED = (
    "        - item:\n"
    "          name: Epsilon\n"
    "          homepage_url: https://epsilon.example/\n"
    "          repo_url: https://github.com/epsilon/epsilon\n"
    "          crunchbase: https://www.crunchbase.com/organization/epsilon\n"
    "          project: archived\n"
    "          extra:\n"
    "            accepted: '2019-01-14'\n"
    "            archived: '2024-01-20'\n"
)
TEACH_KTP = item("Teach (KTP)", homepage_url="https://teach.example/", crunchbase=cb("teach"))
TEACH_KCNTP = item("Teach (KCNTP)", homepage_url="https://teach.example/", crunchbase=cb("teach"))


def l2(training: str, training_sub: str, gamma: bool = True) -> str:
    runtime_items = ALPHA_PRIME + (GAMMA_2019 if gamma else "")
    compact = (
        "      - subcategory:\n        name: Orchestration\n        items:\n" + EPSILON_ARCHIVED
    )
    return (
        L2_HEAD
        + cat(
            "Runtime",
            sub("Container Runtime", runtime_items)
            + compact
            + sub(
                "Cloud-Native Storage",
                BETA_2019.replace(f"            crunchbase: {cb('beta-co')}\n", ""),
            ),
        )
        + cat(
            "Platform",
            PLATFORM_R4 + "      - subcategory:\n        name: Certified Kubernetes - AI Platform\n"
            "        items: []\n",
        )
        + cat(
            "Special",
            sub("Kubernetes Certified Service Provider", "") + sub(training_sub, training),
        )
        + members("", NEW + SMALL, "")
    )


R6 = l2(TEACH_KTP, "Kubernetes Training Partner")
R7 = l2(TEACH_KCNTP, "Kubernetes and Cloud Native Training Partner")
R8_UNKNOWN = "categories:\n  - name: Runtime\n    items: []\n"
R9 = l2(TEACH_KCNTP, "Kubernetes and Cloud Native Training Partner", gamma=False)

# (text, date, subject, upstream sha or None)
REVISIONS: list[tuple[str, str, str, str | None]] = [
    (R0, "2018-03-01T10:00:00+00:00", "Interactive landscape check in", "a" * 40),
    (R1, "2018-06-01T10:00:00-05:00", "Add Gamma", "b" * 40),
    (R2, "2019-01-15T10:00:00+00:00", "Rename Alpha, graduate Beta", "c" * 40),
    (R3_BROKEN, "2019-02-01T10:00:00+00:00", "Broken edit", "d" * 40),
    (R4, "2019-07-12T10:00:00+00:00", "Add members", None),
]


@pytest.fixture(scope="module")
def fixture_repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A repository like a real clone: other files, a merge, commits that do not touch
    ``landscape.yml``; and one like the bundle's (``upstream:`` lines)."""
    repo = tmp_path_factory.mktemp("landscape")
    _git(repo, "init", "-q")
    shas = []
    for text, date, subject, upstream in REVISIONS:
        shas.append(commit(repo, text, date, subject, upstream))
        commit(repo, f"{subject}\n", date.replace("T10", "T11"), "docs", file="README.md")
    # A side branch merged with --no-ff: the merge is the main line's change.
    _git(repo, "checkout", "-q", "-b", "side")
    commit(repo, R5, "2019-12-30T10:00:00+00:00", "side: member updates")
    _git(repo, "checkout", "-q", "main")
    commit(repo, None, "2019-12-31T10:00:00+00:00", "empty on main")
    _git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #1 from side", "side",
         date="2020-01-01T10:00:00+00:00")  # fmt: skip
    shas.append(_git(repo, "rev-parse", "HEAD"))
    for text, date, subject in (
        (R6, "2024-02-01T10:00:00+00:00", "landscape2"),
        (R7, "2025-11-03T10:00:00+00:00", "Training partners renamed"),
        (R8_UNKNOWN, "2025-11-04T10:00:00+00:00", "An unknown shape"),
        (R9, "2025-11-05T10:00:00+00:00", "Remove Gamma"),
    ):
        shas.append(commit(repo, text, date, subject, "e" * 40))
    return {"path": repo, "shas": shas}


def _brief(events: list[Any]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(e.date, e.kind, e.name, e.before, e.after) for e in events]


CB = "https://www.crunchbase.com/organization/"
EXPECTED = [
    ("2018-06-01", "added", GAMMA_VALUE, None, "Runtime / Container Runtime"),
    ("2019-01-15", "removed", "Delta", None, None),
    ("2019-01-15", "renamed", "Alpha Prime", "Alpha", "Alpha Prime"),
    ("2019-01-15", "moved", "Beta", "Runtime / Container Runtime",
     "Runtime / Cloud-Native Storage"),
    ("2019-01-15", "maturity", "Beta", "incubating", "graduated"),
    ("2019-01-15", "maturity", "Epsilon", None, "sandbox"),
    ("2019-01-15", "organisation", GAMMA_VALUE, CB + "gamma", CB + "gamma-acquirer"),
    ("2019-01-15", "added", "Epsilon", None, "Runtime / Container Runtime"),
    ("2019-07-12", "moved", "Dist X", "Platform / Certified Kubernetes - Distribution",
     "Platform / Non-Certified Kubernetes"),
    ("2019-07-12", "member_listed", "Big Co (member)", None, "platinum"),
    ("2019-07-12", "member_listed", "Small Co (member)", None, "silver"),
    ("2019-07-12", "programme_left", "Acme (KCSP)", "kubernetes-certified-service-provider", None),
    ("2019-07-12", "programme_left", "Dist X", "certified-kubernetes-distribution", None),
    ("2020-01-01", "member_joined", "New Co (member)", None, "gold"),
    ("2020-01-01", "member_tier", "Small Co (member)", "silver", "gold"),
    ("2020-01-01", "member_left", "Big Co (member)", "platinum", None),
    ("2024-02-01", "moved", "Epsilon", "Runtime / Container Runtime", "Runtime / Orchestration"),
    ("2024-02-01", "maturity", "Epsilon", "sandbox", "archived"),
    ("2024-02-01", "programme_joined", "Teach (KTP)", None, "kubernetes-training-partner"),
    ("2025-11-03", "renamed", "Teach (KCNTP)", "Teach (KTP)", "Teach (KCNTP)"),
    ("2025-11-05", "removed", GAMMA_VALUE, None, None),
]  # fmt: skip


def _sorted_like_engine(expected: list[Any]) -> list[Any]:
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(
        expected,
        key=lambda e: (e[0], order[e[1]], e[2].casefold(), e[2], e[3] or "", e[4] or ""),
    )


def test_events_of_the_fixture_history(fixture_repo: dict[str, Any]) -> None:
    result = import_history(fixture_repo["path"])
    assert _brief(result.events) == _sorted_like_engine(EXPECTED)
    # Revisions: the first-parent line's changes of landscape.yml only (README commits, the
    # empty commit and the side branch's own commit are not), less the two skipped.
    assert [r.subject for r in result.revisions] == [
        "Interactive landscape check in",
        "Add Gamma",
        "Rename Alpha, graduate Beta",
        "Add members",
        "Merge pull request #1 from side",
        "landscape2",
        "Training partners renamed",
        "Remove Gamma",
    ]
    assert [(s.kind, s.date) for s in result.skipped] == [
        ("yaml", "2019-02-01"),
        ("shape", "2025-11-04"),
    ]
    broken = result.skipped[0]
    assert broken.upstream == UPSTREAM + "d" * 40 and broken.line is not None
    assert isinstance(broken.error(), SourceSyntaxError)
    assert "2019-02-01" in str(broken.error()) and broken.commit[:12] in str(broken.error())
    shape = result.skipped[1].error()
    assert isinstance(shape, LandscapeFormatError) and "landscape" in str(shape)
    assert [e.era for e in result.eras] == [
        "landscapeapp-2018",
        "landscapeapp",
        "landscape2",
    ]


def test_events_cite_their_commit(fixture_repo: dict[str, Any]) -> None:
    result = import_history(fixture_repo["path"])
    by_date = {e.date: e for e in result.events}
    gamma = by_date["2018-06-01"]
    assert gamma.upstream == UPSTREAM + "b" * 40 and gamma.subject == "Add Gamma"
    assert gamma.timestamp == "2018-06-01T10:00:00-05:00" and gamma.date == "2018-06-01"
    assert gamma.path == "Runtime / Container Runtime"
    # No upstream line (a real clone): the repository's own commit is cited.
    members = [e for e in result.events if e.date == "2019-07-12"]
    assert members[0].upstream == UPSTREAM + members[0].commit
    assert members[0].commit == fixture_repo["shas"][4]
    merge = [e for e in result.events if e.date == "2020-01-01"]
    assert merge[0].subject == "Merge pull request #1 from side"


def test_stated_dates_and_identities(fixture_repo: dict[str, Any]) -> None:
    result = import_history(fixture_repo["path"])
    events = {(e.kind, e.name, e.after): e for e in result.events}
    assert events[("maturity", "Beta", "graduated")].stated == "2019-01-10"
    assert events[("maturity", "Epsilon", "sandbox")].stated == "2019-01-14"
    assert events[("maturity", "Epsilon", "archived")].stated == "2024-01-20"
    assert events[("member_joined", "New Co (member)", "gold")].stated == "2020-01-01"
    assert events[("member_listed", "Small Co (member)", "silver")].stated == "2019-07-01"
    # A rename keeps the identity the item had when first seen.
    assert events[("renamed", "Alpha Prime", "Alpha Prime")].item == "Alpha"
    assert events[("renamed", "Teach (KCNTP)", "Teach (KCNTP)")].item == "Teach (KTP)"
    final = result.final
    assert final["Teach (KCNTP)"].programmes == ("kubernetes-training-partner",)
    assert final["Small Co (member)"].tier == "gold"
    assert final["Beta"].crunchbase is None and final["Beta"].maturity == "graduated"
    assert result.initial["Alpha"].maturity == "sandbox"  # cncf_project, the 2018 name
    assert result.initial_revision is not None
    assert result.initial_revision.subject == "Interactive landscape check in"


def test_the_same_repository_gives_the_same_bytes(fixture_repo: dict[str, Any]) -> None:
    a = to_jsonl(import_history(fixture_repo["path"]).events)
    b = to_jsonl(import_history(fixture_repo["path"]).events)
    assert a == b and a.isascii()
    assert len(a.splitlines()) == len(EXPECTED)
    first = json.loads(a.splitlines()[0])
    assert first["name"] == GAMMA_VALUE  # the U+2028 survives the escaping


def test_incremental_reimport_reads_only_the_new_commits(
    fixture_repo: dict[str, Any], tmp_path: Path
) -> None:
    full = import_history(fixture_repo["path"])
    first = import_history(fixture_repo["path"], until="2019-12-31")
    assert first.state is not None
    path = tmp_path / "state.json"
    save_state(first.state, path)
    calls: list[tuple[int, int]] = []
    rest = import_history(
        fixture_repo["path"], state=path, progress=lambda d, t, r: calls.append((d, t))
    )
    assert to_jsonl(first.events + rest.events) == to_jsonl(full.events)
    # The merge, landscape2, the rename, the unknown shape (skipped) and R9: five read.
    assert calls[0] == (0, 5) and calls[-1] == (5, 5) and len(calls) == 6
    assert rest.stats.revisions == 5
    assert rest.state is not None and rest.state.last.subject == "Remove Gamma"
    again = import_history(fixture_repo["path"], state=rest.state)
    assert again.events == [] and again.stats.revisions == 0
    assert load_state(path).to_json() == first.state.to_json()
    with pytest.raises(StateMismatch):
        import_history(fixture_repo["path"], state=path, every="month")
    with pytest.raises(UsageError):
        import_history(fixture_repo["path"], state=path, since="2019-01-01")
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 2}')
    with pytest.raises(StateMismatch, match="not a landscape history state"):
        load_state(bad)
    bad.write_text('{"version": 1}')  # a state of an older engine: import afresh
    with pytest.raises(StateMismatch, match=r"bad.json: a state of version 1, not 2\b"):
        load_state(bad)


def test_state_from_another_history(fixture_repo: dict[str, Any], tmp_path: Path) -> None:
    state = import_history(fixture_repo["path"], until="2018-12-31").state
    assert state is not None
    other = tmp_path / "other"
    other.mkdir()
    _git(other, "init", "-q")
    commit(other, R0, "2018-03-01T10:00:00+00:00", "elsewhere")
    with pytest.raises(StateMismatch, match="not on the first-parent line"):
        import_history(other, state=state)


def test_since_until_every(fixture_repo: dict[str, Any]) -> None:
    result = import_history(fixture_repo["path"], since="2019-07-01", until="2020-06-30")
    assert {e.date for e in result.events} == {"2019-07-12", "2020-01-01"}
    assert result.initial_revision is not None
    assert result.initial_revision.subject == "Rename Alpha, graduate Beta"  # the baseline
    assert [r.date for r in result.revisions] == ["2019-07-12", "2020-01-01"]
    monthly = import_history(fixture_repo["path"], every="month")
    assert len(monthly.revisions) + len(monthly.skipped) == 8  # November 2025 had three
    assert [e.kind for e in monthly.events if e.date == "2025-11-05"] == ["removed", "renamed"]
    with pytest.raises(UsageError):
        import_history(fixture_repo["path"], every="week")
    with pytest.raises(UsageError):
        import_history(fixture_repo["path"], since="2020-01-01", until="2019-01-01")
    with pytest.raises(UsageError):
        import_history(fixture_repo["path"], since="yesterday")
    with pytest.raises(NoLandscapeHistory, match="in the dates asked for"):
        import_history(fixture_repo["path"], until="2010-01-01")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepository, match="not a git repository") as info:
        import_history(tmp_path)
    assert isinstance(info.value, DataError) and info.value.hint
    with pytest.raises(NotAGitRepository, match="no such directory"):
        import_history(tmp_path / "missing")


def test_no_landscape_in_history(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    commit(tmp_path, "hello\n", "2020-01-01T00:00:00+00:00", "readme", file="README.md")
    with pytest.raises(NoLandscapeHistory, match="no commit of the first-parent line holds"):
        import_history(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    _git(empty, "init", "-q")
    with pytest.raises(NoLandscapeHistory, match="no commits"):
        import_history(empty)


def test_shallow_clone_says_where_history_is_cut(
    fixture_repo: dict[str, Any], tmp_path: Path
) -> None:
    clone = tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", "--depth", "3", f"file://{fixture_repo['path']}", str(clone))
    result = import_history(clone)
    assert result.truncated_at is not None
    assert any("shallow clone" in n and result.truncated_at[:12] in n for n in result.history_notes)
    assert len(result.revisions) == 2  # the oldest commit held is the starting snapshot


# --- the fast reader against a full parse --------------------------------------------------


def _flat(groups: Any) -> collections.Counter[str]:
    return collections.Counter(
        json.dumps([g.category, g.subcategory, e], default=str, sort_keys=True)
        for g in groups
        for e in g.entries
    )


def _replay(texts: list[str]) -> list[collections.Counter[str] | str]:
    """What the fast reader makes of each text (its multiset of entries, or the problem)."""
    reader = FastReader()
    state: collections.Counter[str] = collections.Counter()
    out: list[collections.Counter[str] | str] = []
    for text in texts:
        try:
            change = reader.read(text.encode())
        except (YamlProblem, ShapeProblem) as exc:
            out.append(type(exc).__name__)
            continue
        if change.full:
            state = collections.Counter()
        state.subtract(_flat(change.removed))
        state.update(_flat(change.added))
        out.append(+state)
    return out


def _full(text: str) -> collections.Counter[str] | str:
    try:
        return _flat(tree_groups(load_yaml(text.encode())))
    except (YamlProblem, ShapeProblem) as exc:
        return type(exc).__name__


TRICKY = [
    R0,
    R1,  # a marker line inside a folded block: no cut there may be trusted
    R2,
    R3_BROKEN,
    R4,
    R6,
    R7,
    R8_UNKNOWN,
    # a category whose folded description swallows the subcategory marker below it
    R2.replace(
        "    name: Platform\n",
        "    name: Platform\n    description: >\n      - subcategory:\n",
        1,
    ),
    # a document end marker, a second document, an anchor used in a later item
    R2.replace("  - category:\n    name: Platform", "...\n  - category:\n    name: Platform"),
    R2 + "---\nother: 1\n",
    R2.replace("logo: x", "").replace(
        "name: Epsilon\n", "name: Epsilon\n            homepage_url: &home 'https://h/'\n"
    ).replace("name: Delta\n", "name: Delta\n            other: *home\n"),
    R2.replace("name: Beta\n", "name: Beta\n            other: *undefined\n"),
    # an item marker with a comment, tabs, CRLF line ends, a subcategory at another column
    R2.replace("- item:\n            name: Beta", "- item: # x\n            name: Beta"),
    R2.replace("            name: Beta", "\t    name: Beta"),
    R2.replace("\n", "\r\n"),
    R2.replace("      - subcategory:\n        name: Cloud-Native Storage",
               "        - subcategory:\n          name: Cloud-Native Storage"),
    # items under a key that is not the last one of the subcategory
    R2.replace("        items:\n          - item:\n            name: Beta",
               "        items:\n        note: x\n          - item:\n            name: Beta"),
    # an empty subcategories list, top-level keys after the landscape
    HEAD_2018 + cat("Empty", "") + cat("Runtime", sub("Container Runtime", ALPHA)),
    R2 + "other: value\n",
    "",
    "landscape:\n",
    "- just a list\n",
]  # fmt: skip


def test_fast_reader_equals_a_full_parse_one_by_one() -> None:
    for i, text in enumerate(TRICKY):
        assert _replay([text]) == [_full(text)], f"text #{i}"


def test_fast_reader_equals_a_full_parse_in_sequence() -> None:
    # Each text after each other: the incremental path meets every change between them.
    texts = TRICKY + TRICKY[::-1] + [R0, R2, R0, R6, R1, R9, R5, R4]
    assert _replay(texts) == [_full(t) for t in texts]


def test_fast_reader_falls_back_and_recovers() -> None:
    reader = FastReader()
    reader.read(R0.encode())
    change = reader.read(R1.encode())  # the marker inside a folded block
    assert change.full and reader.stats.full_parses == 1 and reader.segments is None
    change = reader.read(R2.encode())
    assert change.full and reader.segments is not None  # cut afresh
    assert reader.stats.full_parses == 1
    change = reader.read(R2.replace("beta-co", "beta-corp").encode())
    assert not change.full and len(change.removed) == len(change.added) == 1
    before = reader.stats.segments_parsed
    reader.read(R2.encode())  # back to a text seen before: nothing parsed
    assert reader.stats.segments_parsed == before
    with pytest.raises(YamlProblem):
        reader.read(R3_BROKEN.encode())
    change = reader.read(R2.replace("Epsilon", "Epsilon 2").encode())
    assert not change.full  # compared with the last good revision


def test_snapshot_equals_the_snapshot_importers_reading() -> None:
    builder = SnapshotBuilder()
    reader = FastReader()
    for text in (R0, R2, R6):
        builder.apply(reader.read(text.encode()))
        groups = tree_groups(yaml.load(text, Loader=yaml.SafeLoader))
        occ: dict[str, list[Any]] = collections.defaultdict(list)
        for g in groups:
            for o in read_group(g)[0]:
                occ[o.item.name].append(o)
        assert builder.entries == {n: make_entry(n, os) for n, os in occ.items()}


def test_state_round_trip(fixture_repo: dict[str, Any]) -> None:
    state = import_history(fixture_repo["path"]).state
    assert state is not None
    again = HistoryState.from_json(state.to_json())
    assert again.entries == state.entries and again.to_json() == state.to_json()


# --- the real history (slow) -------------------------------------------------------------

needs_bundle = pytest.mark.skipif(
    not BUNDLE.exists(), reason=f"the landscape history bundle is not at {BUNDLE}"
)


@pytest.fixture(scope="module")
def bundle_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bundle") / "landscape"
    _git(target.parent, "clone", "-q", str(BUNDLE.resolve()), str(target))
    return target


@pytest.fixture(scope="module")
def bundle_result(bundle_clone: Path) -> Any:
    return import_history(bundle_clone)


@pytest.mark.slow
@needs_bundle
def test_bundle_revisions_and_speed(bundle_result: Any) -> None:
    r = bundle_result
    assert len(r.revisions) + len(r.skipped) == 4101
    assert [(s.kind, s.date) for s in r.skipped] == [("yaml", "2022-01-11"), ("yaml", "2022-01-11")]
    assert r.revisions[0].date == "2018-03-01" and r.revisions[-1].date == "2026-08-07"
    assert r.revisions[-1].upstream.endswith("153d699bddf74038d21775b14d09052f62021441")
    assert r.truncated_at is None and r.stats.full_parses == 2
    # CPU time: other work on a shared machine slows the wall clock, not this
    assert r.cpu_seconds < 60, f"the whole history took {r.cpu_seconds:.1f} s of CPU"
    assert [e.era for e in r.eras] == ["landscapeapp-2018", "landscapeapp", "landscape2"]


@pytest.mark.slow
@needs_bundle
def test_bundle_figures_match_a_full_parse_of_the_last_revision(bundle_result: Any) -> None:
    last = (DATA / "landscape-2026-08-07.yml").read_bytes()
    doc = yaml.load(last, Loader=yaml.CSafeLoader)
    graduated: set[str] = set()
    tiers: collections.Counter[str] = collections.Counter()
    for c in doc["landscape"]:
        for s in c.get("subcategories") or []:
            for i in s.get("items") or []:
                if i.get("project") == "graduated":
                    graduated.add(i["name"])
                if c["name"] == "CNCF Members":
                    tiers[s["name"]] += 1
    final = bundle_result.final
    assert {n for n, e in final.items() if e.maturity == "graduated"} == graduated
    ours = collections.Counter(e.tier_label for e in final.values() if e.tier)
    assert ours == tiers and sum(tiers.values()) > 400


@pytest.mark.slow
@needs_bundle
def test_bundle_events_replay_to_the_last_snapshot(bundle_result: Any) -> None:
    """The membership events, replayed from the first snapshot, give the last one's tiers."""
    tiers = {n: e.tier for n, e in bundle_result.initial.items() if e.tier}
    for e in bundle_result.events:
        if e.kind in ("member_listed", "member_joined", "member_tier"):
            tiers[e.name] = e.after
        elif e.kind == "member_left":
            tiers.pop(e.name, None)
        elif e.kind == "renamed" and e.before in tiers:
            tiers[e.after] = tiers.pop(e.before)
    final = {n: e.tier for n, e in bundle_result.final.items() if e.tier}
    assert tiers == final


@pytest.mark.slow
@needs_bundle
def test_bundle_fast_reader_equals_full_parse_on_a_sample(bundle_clone: Path) -> None:
    from kg.importers.landscape.history.git import LandscapeRepo, read_history

    with LandscapeRepo(bundle_clone) as repo:
        history = read_history(repo)
        reader, builder = FastReader(), SnapshotBuilder()
        stride = int(os.environ.get("KG_HISTORY_STRIDE", "50"))  # 1 checks all (10 minutes)
        checked = 0
        for i, rev in enumerate(history.revisions):
            data = repo.blob(rev.blob)
            try:
                builder.apply(reader.read(data))
            except (YamlProblem, ShapeProblem):
                with pytest.raises(YamlProblem):
                    load_yaml(data)
                continue
            if i % stride and i != len(history.revisions) - 1:
                continue
            occ: dict[str, list[Any]] = collections.defaultdict(list)
            for g in tree_groups(load_yaml(data)):
                for o in read_group(g)[0]:
                    occ[o.item.name].append(o)
            assert builder.entries == {n: make_entry(n, os) for n, os in occ.items()}, rev
            checked += 1
        assert checked >= len(history.revisions) // stride


@pytest.mark.slow
@needs_bundle
def test_bundle_update_of_20_commits(bundle_clone: Path, bundle_result: Any) -> None:
    import time

    from kg.importers.landscape.history.git import LandscapeRepo, read_history

    with LandscapeRepo(bundle_clone) as repo:
        revs = read_history(repo).revisions
    cut = revs[-21].commit
    first = import_history(bundle_clone, ref=cut)
    assert first.state is not None and first.state.last.commit == cut
    t0 = time.process_time()
    rest = import_history(bundle_clone, state=first.state)
    seconds = time.process_time() - t0
    assert rest.stats.revisions == 20 and seconds < 5, f"{seconds:.1f} s of CPU"
    new = {r.commit for r in revs[-20:]}
    assert to_jsonl(rest.events) == to_jsonl(e for e in bundle_result.events if e.commit in new)
