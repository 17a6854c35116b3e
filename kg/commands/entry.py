"""The ``kg`` command: ``kg query`` in its common forms without click, the rest with it.

A one-shot ``kg query`` is a whole process whose start-up is most of its time; click's import
is about as long as the least pyoxigraph script's whole run. So this entry asks
:func:`kg.commands.ask.parse` first, which reads the forms certainly valid for ``kg query``
and declines the rest, and hands anything declined (and every other command) to click's
group (:func:`kg.commands.base.main`). Each path's modules are imported when it is taken:
``kg --help`` loads no query machinery, ``kg query NAME`` no click.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        _command()
    except SystemExit as done:
        query = sys.modules.get("kg.query")
        if query is not None and query.left_running():
            _end_now(done.code)
        raise


def _end_now(code: object) -> None:
    """End the process with ``code`` now, output flushed, without finalising the interpreter:
    a query stopped by Ctrl-C or the time limit is still running inside the engine, and
    finalising around a thread in native code can hang or crash (CPython gh-87135)."""
    import contextlib
    import os

    if isinstance(code, str):  # as sys.exit would: the message on stderr, status 1
        with contextlib.suppress(OSError, ValueError):
            print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


def _command() -> None:
    args = sys.argv[1:]
    if args[:1] == ["query"]:
        from kg.commands import ask

        options = ask.parse(args[1:])
        if options is not None:
            sys.exit(ask.run(options))
    from kg.commands.base import main as with_click

    with_click()
