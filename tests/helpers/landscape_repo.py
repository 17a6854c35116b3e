"""A git repository of ``landscape.yml`` revisions, built by the tests (needs the git command).

The landscape history's tests (tests/test_landscape_history*.py) build their repositories with
these: each revision a commit with a chosen date and subject, and, like the history bundle,
an ``upstream:`` line naming the upstream commit (or none, like a real clone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GIT = shutil.which("git")
UPSTREAM = "https://github.com/cncf/landscape/commit/"


def item(name: str, indent: int = 10, **fields: str) -> str:
    pad = " " * (indent + 2)
    lines = [f"{' ' * indent}- item:", f"{pad}name: {name}"]
    lines += [f"{pad}{k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def sub(name: str, items: str, indent: int = 6) -> str:
    pad = " " * (indent + 2)
    return f"{' ' * indent}- subcategory:\n{pad}name: {name}\n{pad}items:\n{items}"


def cat(name: str, subs: str) -> str:
    return f"  - category:\n    name: {name}\n    subcategories:\n{subs}"


def cb(slug: str) -> str:
    return f"'https://www.crunchbase.com/organization/{slug}'"


def git(repo: Path, *args: str, date: str = "2018-01-01T12:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Tester",
        "GIT_AUTHOR_EMAIL": "tester@example.invalid",
        "GIT_COMMITTER_NAME": "Tester",
        "GIT_COMMITTER_EMAIL": "tester@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    out = subprocess.run(
        [GIT or "git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def commit(repo: Path, text: str | None, date: str, subject: str, upstream: str | None = None,
           file: str = "landscape.yml") -> str:  # fmt: skip
    if text is not None:
        (repo / file).write_bytes(text.encode("utf-8"))
        git(repo, "add", file)
    message = subject + (f"\n\nupstream: {UPSTREAM}{upstream}" if upstream else "")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def make_repo(path: Path, revisions: list[tuple[str, str, str, str | None]]) -> list[str]:
    """A repository at ``path`` with one commit per ``(text, date, subject, upstream sha)``;
    returns the commit ids."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    return [commit(path, text, when, subject, up) for text, when, subject, up in revisions]


# --- a small history with every kind of event (tests/test_landscape_history_graph.py) --------
# Four years of a made-up landscape, in the landscapeapp shape. Every event the engine knows
# happens at least once; the curated fixture (tests/fixtures/landscape/history-curated.trig)
# holds the deal and the donation two of the organisation changes match.


def _alpha(name: str, homepage: str, level: str, extra: str) -> str:
    return item(
        name,
        homepage_url=f"'{homepage}'",
        repo_url="'https://github.com/alpha/alpha'",
        crunchbase=cb("alpha-inc"),
        project=level,
    ) + ("            extra:\n" + extra)


def _beta(org: str) -> str:
    return item(
        "Beta",
        homepage_url="'https://beta.example/'",
        repo_url="'https://github.com/beta/beta'",
        crunchbase=cb(org),
    )


def _gamma(org: str, extra: str = "") -> str:
    fields = {"homepage_url": "'https://gamma.example/'", "crunchbase": cb(org)}
    if extra:
        fields["project"] = "sandbox"
    return item("Gamma", **fields) + extra


ACCEPTED = "              accepted: '2018-12-01'\n"
INCUBATING = ACCEPTED + "              incubating: '2019-07-01'\n"
GRADUATED = INCUBATING + "              graduated: '2020-12-15'\n"
DELTA = item("Delta", homepage_url="'https://delta.example/'", crunchbase=cb("delta"))
DIST = item("Dist X", homepage_url="'https://distx.example/'", crunchbase=cb("distx"))
ACME_KCSP = item("Acme (KCSP)", homepage_url="'https://acme.example/'", crunchbase=cb("acme"))
EPSILON = item("Epsilon", homepage_url="'https://epsilon.example/'", crunchbase=cb("epsilon"))
BIG = item("Big Co (member)", homepage_url="'https://big.example/'", crunchbase=cb("big"))
SMALL = item(
    "Small Co (member)",
    homepage_url="'https://small.example/'",
    crunchbase=cb("small"),
    joined="'2020-01-15'",
)
NEW = item(
    "New Co (member)",
    homepage_url="'https://newco.example/'",
    crunchbase=cb("newco"),
    joined="'2022-04-01'",
)


def _landscape(
    runtime: str, storage: str, certified: str, other: str, kcsp: str, members: str = ""
) -> str:
    text = "landscape:\n"
    text += cat("Runtime", sub("Container Runtime", runtime) + sub("Cloud-Native Storage", storage))
    text += cat(
        "Platform",
        sub("Certified Kubernetes - Distribution", certified)
        + sub("Non-Certified Kubernetes", other),
    )
    text += cat("Special", sub("Kubernetes Certified Service Provider", kcsp))
    if members:
        text += cat("CNCF Members", members)
    return text


H0 = _landscape(
    _alpha("Alpha", "https://alpha.example/", "sandbox", ACCEPTED) + _beta("beta-co"),
    DELTA,
    DIST,
    "",
    ACME_KCSP,
)
H1 = _landscape(
    _alpha("Alpha", "https://alpha.example/", "incubating", INCUBATING)
    + _beta("beta-co")
    + _gamma("gamma-inc"),
    DELTA,
    DIST,
    "",
    ACME_KCSP,
    sub("Gold", BIG),
)
H2 = _landscape(
    _alpha("Alpha Prime", "https://alpha-prime.example/", "incubating", INCUBATING) + _beta("acme"),
    _gamma("gamma-inc"),
    "",
    DIST,
    ACME_KCSP,
    sub("Gold", BIG) + sub("Silver", SMALL),
)
H3 = _landscape(
    _alpha("Alpha Prime", "https://alpha-prime.example/", "graduated", GRADUATED)
    + _beta("acme")
    + EPSILON,
    _gamma(
        "cloud-native-computing-foundation",
        "            extra:\n              accepted: '2020-11-20'\n",
    ),
    "",
    DIST,
    ACME_KCSP,
    sub("Gold", SMALL),
)
H4 = _landscape(
    _alpha("Alpha Prime", "https://alpha-prime.example/", "graduated", GRADUATED) + EPSILON,
    _gamma(
        "cloud-native-computing-foundation",
        "            extra:\n              accepted: '2020-11-20'\n",
    ),
    "",
    DIST,
    "",
    sub("Platinum", NEW) + sub("Gold", SMALL),
)

#: (text, commit date, subject, upstream sha or None: a real clone's own commit)
HISTORY: list[tuple[str, str, str, str | None]] = [
    (H0, "2019-03-01T10:00:00+00:00", "Initial landscape", "a" * 40),
    (H1, "2019-07-12T10:00:00+00:00", "Members; Gamma; Alpha incubating", "b" * 40),
    (H2, "2020-02-01T10:00:00+00:00", "Acme buys Beta; renames and moves", "c" * 40),
    (H3, "2021-01-10T10:00:00+00:00", "Graduate Alpha Prime; Gamma donated", "d" * 40),
    (H4, "2022-05-01T10:00:00+00:00", "Beta leaves; New Co joins", None),
]
