"""kg/commands/ask.py and entry.py: ``kg query`` read without click where that is certain.

Whatever :func:`ask.parse` reads, click's ``kg query`` reads to the same values (on generated
arguments); whatever it declines goes through click, and the two ways print the same rows,
errors and exit codes.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.commands import ask
from kg.commands.query import query as query_command

#: Tokens from which arguments are drawn: every option of ``kg query`` (and some it lacks),
#: values good and bad for each, and the edge cases of a command line.
TOKENS = [
    *ask.FORMATS,
    *["-p", "--param", "-f", "--format", "--iris", "--limit", "--timeout", "--store"],
    *["--as-of", "--list", "--show", "--update", "--help", "-h", "--", "-", "--bogus", "-x"],
    *["--format=csv", "--format=", "-fcsv", "-f=csv", "--iris=1", "--limit=3", "--store="],
    *["--timeout=1.5", "--as-of=2015", "--param=a", "--limit=-1", "--timeout=1e3"],
    *["acquisitions-by", "acquirer", "kg:docker", "SELECT * { ?s ?p ?o }", "0", "7", "007"],
    *["1.5", "1.", "-3", "2015", "memory", "oxigraph:/tmp/x", "", " ", "-p", "CSV", "é"],
]


def click_params(args: list[str]) -> dict[str, object] | None:
    """What click's ``kg query`` reads from ``args``: its parameters, or None when it refuses
    them or stops (help)."""
    try:
        ctx = query_command.make_context("query", list(args), resilient_parsing=False)
    except (click.exceptions.ClickException, click.exceptions.Exit):
        return None
    return dict(ctx.params)


DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(ask.query).parameters.items()
    if p.default is not inspect.Parameter.empty
}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=8))
def test_what_parse_reads_click_reads_the_same(args: list[str]) -> None:
    parsed = ask.parse(args)
    if parsed is None:
        return
    expected = click_params(args)
    assert expected is not None, f"parse read {args!r}, click refuses it"
    got = {**DEFAULTS, **parsed}
    # click gives every parameter, ours the query's own defaults: the same values
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("args", "read"),
    [
        (["acquisitions-by"], {"query": "acquisitions-by"}),
        (
            ["acquisitions-by", "-p", "acquirer", "kg:docker", "-f", "csv"],
            {"query": "acquisitions-by", "params": (("acquirer", "kg:docker"),), "fmt": "csv"},
        ),
        (["--format=json", "q", "--limit", "5"], {"query": "q", "fmt": "json", "limit": 5}),
        (["q", "--timeout", "2.5", "--iris"], {"query": "q", "timeout": 2.5, "iris": True}),
        (["-", "--store", "memory", "--as-of", "2015"], {"query": "-", "store": "memory",
                                                         "as_of": "2015"}),
    ],
)  # fmt: skip
def test_the_common_forms_are_read(args: list[str], read: dict[str, object]) -> None:
    assert ask.parse(args) == read


@pytest.mark.parametrize(
    "args",
    [
        [],  # no query: click says what to give
        ["--help"],
        ["--list"],
        ["--show", "x"],
        ["q", "--update"],
        ["q", "-f", "yaml"],  # click names the formats
        ["q", "--limit", "-1"],
        ["q", "--iris", "--iris"],
        ["q", "r"],
        ["q", "--", "x"],
        ["q", "-p", "a"],
        ["q", "-p", "a", "-b"],
        ["-fcsv", "q"],
    ],
)
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert ask.parse(args) is None


def _kg(
    args: list[str], home: Path, *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KG_HOME": str(home)}
    env.pop("KG_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        check=False,
    )


def _click(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    """The same command forced through click (the group's own entry)."""
    env = {**os.environ, "KG_HOME": str(home)}
    env.pop("KG_STORE", None)
    code = f"import sys; sys.argv = ['kg', *{args!r}]; from kg.commands.base import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["query", "acquisitions-by", "-p", "acquirer", "kg:docker"],
        ["query", "acquisitions-by", "-p", "acquirer", "kg:docker", "-f", "csv", "--limit", "2"],
        ["query", "acquisitions-by", "-p", "acquirer", "kg:docker", "--iris", "-f", "md"],
        ["query", "ASK { kg:docker a eco:Company }"],
        ["query", "ASK { kg:nobody a eco:Company }"],  # false: exit 1
        ["query", "no-such-query"],  # an error: one line, a hint, exit 2
        ["query", "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"],  # refused
        ["query", "SELECT ?x WHERE { ?x a eco:Company }", "--as-of", "2015-03", "-f", "tsv"],
    ],
)
def test_the_one_shot_way_prints_what_click_prints(home: Path, args: list[str]) -> None:
    assert ask.parse(args[1:]) is not None  # the one-shot way is taken
    fast, slow = _kg(args, home), _click(args, home)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )
    assert fast.stdout or fast.stderr


@pytest.mark.slow
def test_a_one_shot_kg_query_loads_no_click(home: Path) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['kg', 'query', 'acquisitions-by', '-p', 'acquirer', 'kg:docker']\n"
        "from kg.commands.entry import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('LOADED', ','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('click', 'dataclasses', 'logging', 'hashlib', 'cachetools'))))\n"
    )
    env = {**os.environ, "KG_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "Kitematic" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "LOADED"


@pytest.mark.slow
def test_stdin_and_help_still_work(home: Path) -> None:
    piped = _kg(["query", "-", "-f", "csv"], home, stdin="ASK { kg:docker a eco:Company }")
    assert piped.returncode == 0 and piped.stdout.strip() == "true"
    helped = _kg(["query", "--help"], home)
    assert helped.returncode == 0 and "Example:" in helped.stdout


class _Ended(Exception):
    pass


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [(130, 130, ""), (None, 0, ""), ("no such thing", 1, "no such thing\n")],
)
def test_a_command_that_leaves_a_query_in_the_engine_ends_at_once(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: object,
    status: int,
    stderr: str,
) -> None:
    """After Ctrl-C or the time limit the query's thread is still in the engine: the process
    ends by os._exit (output flushed) rather than finalising the interpreter around it."""
    import kg.query
    from kg.commands import entry

    def command() -> None:
        print("rows so far")
        sys.exit(code)

    def end(status: int) -> None:
        raise _Ended(status)

    monkeypatch.setattr(entry, "_command", command)
    monkeypatch.setattr(os, "_exit", end)
    monkeypatch.setattr(kg.query, "left_running", lambda: True)
    with pytest.raises(_Ended) as ended:
        entry.main()
    assert ended.value.args == (status,)
    out, err = capsys.readouterr()
    assert (out, err) == ("rows so far\n", stderr)
    monkeypatch.setattr(kg.query, "left_running", lambda: False)
    with pytest.raises(SystemExit) as finished:  # no query left: an ordinary exit
        entry.main()
    assert finished.value.code == code
