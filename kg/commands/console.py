"""What every command writes to the terminal, without click: rows, notes, and an error as
one line with its hint and exit code.

Click-free so that a one-shot ``kg query`` (:mod:`kg.commands.entry`) can write exactly what
the click command writes. Colour, only for an error on a terminal, is click's (imported then).
"""

from __future__ import annotations

import sys

from kg.errors import KgError

#: "Error: ..." lines for an OSError that is the environment's, not the data's or the program's.
OS_HINT = "Check the path and its permissions, then try again."


def out(text: str) -> None:
    """Write ``text`` to standard output as it is (``click.echo(text, nl=False)``)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def note(message: str) -> None:
    """A line for the user on standard error: what the command did, not its answer."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def terminal_width() -> int | None:
    """The terminal's width when output goes to one (tables are fitted to it), else None."""
    if not sys.stdout.isatty():
        return None
    import shutil  # here, not on top: output to a pipe (the usual one-shot case) needs none

    return shutil.get_terminal_size().columns


def failure(exc: BaseException) -> int | None:
    """Report an error a user can fix (a :class:`KgError`, Ctrl-C, a file or folder that
    cannot be read or written) as one line and a hint on standard error, and return its exit
    code; None for anything else (a bug: its traceback stays)."""
    if isinstance(exc, KgError):
        _error(exc.message)
        if exc.hint:
            note(exc.hint)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        note("interrupted")
        return 130
    # The environment, not the data or the program: a file or folder that cannot be read or
    # written (permissions, a full disk, a file where a folder must be). A closed pipe is
    # click's to handle (quietly).
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        note(OS_HINT)
        return 2
    return None


def _error(message: str) -> None:
    import click  # an error's colour on a terminal (and none elsewhere), as every command's

    click.secho(f"Error: {message}", fg="red", err=True)
