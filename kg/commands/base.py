"""The ``kg`` group: its commands loaded lazily, errors as one line, the shared options.

Every command that prints rows takes the same ``--format``; every command that reads the graph
takes the same ``--store`` (and ``--as-of`` where history matters). Errors a user can fix are
printed as one line with a hint, and set the exit code listed in ``kg --help``.

A command's module is imported when the command runs (or ``kg --help`` lists it): ``kg query``
starts without the facade, the importers, the views or rdflib (click's lazily loaded
subcommands: https://click.palletsprojects.com/en/stable/complex/#lazily-loading-subcommands).
:data:`COMMANDS` names each command's module as a string, resolved by :func:`load`: the one
place where the project imports its own modules by name at run time
(``tests/test_architecture.py`` allows it here only).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from kg.commands.console import failure
from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success (ASK: true)
  1  the graph does not conform (validate, build), or ASK answered false
  2  bad input: a syntax error, an unknown name, a refused query, wrong options
  3  a store that cannot be opened or reached
  130  interrupted (Ctrl-C)
"""

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Every command of ``kg``: its name and where it is defined ("module:attribute").
COMMANDS: dict[str, str] = {
    "build": "kg.cli:build",
    "centrality": "kg.cli:centrality",
    "communities": "kg.cli:communities",
    "diff": "kg.commands.landscape:diff_group",
    "export": "kg.cli:export",
    "find": "kg.cli:find",
    "import": "kg.commands.landscape:import_group",
    "query": "kg.commands.query:query",
    "serve": "kg.cli:serve",
    "stats": "kg.cli:stats",
    "timeline": "kg.cli:timeline",
    "trends": "kg.cli:trends",
    "validate": "kg.cli:validate",
    "viz": "kg.cli:viz",
}


def load(where: str) -> click.Command:
    """The command at ``where`` ("module:attribute"), its module imported now."""
    module, _, attribute = where.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{where} is not a click command")
    return command


class KgGroup(click.Group):
    """Loads its commands lazily (``lazy``: name to "module:attribute"), and turns library
    errors into one clear line and their exit code; no traceback."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(load(self.lazy[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KgError, KeyboardInterrupt, OSError) as exc:
            code = failure(exc)
            if code is None:
                raise
            ctx.exit(code)


def with_progress(label: str) -> Callable[[Any], Any]:
    """A progress bar on a terminal, nothing when piped."""

    def wrap(items: Any) -> Any:
        if not sys.stderr.isatty():
            yield from items
            return
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


# --- shared options ----------------------------------------------------------------------


def store_option(f: F) -> F:
    return click.option(
        "--store",
        default=None,
        metavar="SPEC",
        help="Where the graph lives: memory (default), oxigraph:PATH or sparql:URL[,UPDATE_URL]. "
        "Also $KG_STORE.",
    )(f)


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="DATE",
        help="The graph as it was on DATE (YYYY, YYYY-MM or YYYY-MM-DD): later events left out.",
    )(f)


def format_option(choices: tuple[str, ...], default: str = "table") -> Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorate


# --- the group ---------------------------------------------------------------------------


@click.group(cls=KgGroup, lazy=COMMANDS, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(package_name="container-kg", prog_name="kg")
def cli() -> None:
    """container-kg: a knowledge graph of the container and cloud-native ecosystem.

    \b
    Start with:
      kg build                  # read, validate and write dist/
      kg stats                  # what the graph holds
      kg query --list           # the questions the library answers
      kg query acquisitions-by -p acquirer kg:docker
    """


def main() -> None:
    cli(prog_name="kg")
